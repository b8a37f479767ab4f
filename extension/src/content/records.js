// The records: every span of the service's answers that was anchored on this
// page, which blocks were already sent, and, under the site's settings, the
// flags to show (in document order). Holds no listeners; a plain store.

import { filterSpans, priorityOf } from '../shared/site-settings.js';

// A block whose text keeps changing (a live ticker, a clock) is sent at most this many times.
export const MAX_VERSIONS_PER_BLOCK = 3;

/**
 * @typedef {{id: string, element: Element, segment: number, kind: string, span: object, range: Range,
 *   sources: Element[]}} FlagRecord  (`sources`: the links in the flagged sentence)
 *
 * @typedef {{index: number, kind: string, priority: string, label: string, type: string, text: string,
 *   note: string, citesLink: boolean}} FlagEntry  a shown flag as the popup's list has it
 */

// The popup's list shows a sentence's opening words: this many characters are enough for them.
export const ENTRY_TEXT_CHARS = 200;

export class Records {
  constructor() {
    /** @type {FlagRecord[]} every anchored span */
    this.list = [];
    /** @type {FlagRecord[]} those shown, in document order */
    this.items = [];
    this.orphans = 0; // spans that could not be anchored
    this.notes = []; // the page's notes (sponsored content, opinion…)
    this.model = '';
    this.kinds = []; // the kinds asked for so far
    this.sent = new WeakMap(); // Element → Set of its block texts already sent
  }

  /** `kinds` are being asked for (from the moment the request goes, not when it is answered). */
  ask(kinds) {
    this.kinds = [...new Set([...this.kinds, ...kinds])];
  }

  /** The blocks of `blocks` not sent yet (nor sent too often already). */
  unsent(blocks) {
    return blocks.filter((b) => {
      const versions = this.sent.get(b.element);
      return !versions?.has(b.text) && !(versions?.size >= MAX_VERSIONS_PER_BLOCK);
    });
  }

  markSent(blocks) {
    for (const b of blocks) {
      let set = this.sent.get(b.element);
      if (!set) this.sent.set(b.element, (set = new Set()));
      set.add(b.text);
    }
  }

  /**
   * Take on the answer to `blocks`: `anchored` replaces what was recorded for
   * those blocks (a block sent again because its text changed).
   */
  add(blocks, anchored, { orphans = 0, kinds = [], model = '', notes = [] } = {}) {
    this.orphans += orphans;
    this.ask(kinds);
    this.model = model || this.model;
    for (const n of notes) if (!this.notes.includes(n)) this.notes.push(n);
    const resent = new Map();
    for (const b of blocks) {
      if (!resent.has(b.element)) resent.set(b.element, new Set());
      resent.get(b.element).add(b.segment);
    }
    this.list = this.list.filter((r) => !resent.get(r.element)?.has(r.segment));
    this.list.push(...anchored);
    this.markSent(blocks);
  }

  /** Forget spans whose text left the page (or was rewritten, which collapses their Range); true if any went. */
  prune() {
    const before = this.list.length;
    this.list = this.list.filter(isLive);
    return this.list.length !== before;
  }

  /** Forget every copy of the dismissed sentence; how many there were. */
  dismiss(textHash) {
    const before = this.list.length;
    this.list = this.list.filter((r) => r.span.text_hash !== textHash);
    return before - this.list.length;
  }

  /** The navigation went to another page of a single-page app: its notes were about the last one. */
  clearNotes() {
    this.notes = [];
  }

  /** The flags `doc` (the site's settings) shows, in document order; kept as `items`. */
  show(doc) {
    this.prune();
    const shown = new Set(filterSpans(this.list.map((r) => r.span), doc));
    this.items = this.list.filter((r) => shown.has(r.span)).sort(compareItems);
    return this.items;
  }

  /** The shown flags by kind, and the claims by priority. */
  counts() {
    const c = { claim: 0, disclosure: 0, high: 0, normal: 0 };
    for (const it of this.items) {
      if (it.kind in c) c[it.kind] += 1;
      const p = priorityOf(it.span);
      if (p) c[p] += 1;
    }
    return c;
  }

  /** The shown flags as the popup lists them, in reading order. @returns {FlagEntry[]} */
  entries() {
    return this.items.map((it, index) => ({
      index,
      kind: it.kind,
      priority: priorityOf(it.span),
      label: String(it.span.label ?? ''),
      type: String(it.span.type ?? ''),
      text: it.range.toString().replace(/\s+/g, ' ').trim().slice(0, ENTRY_TEXT_CHARS),
      note: String(it.span.note ?? ''),
      citesLink: Boolean(it.span.cites_link && it.sources?.length),
    }));
  }

  destroy() {
    this.list = [];
    this.items = [];
    this.notes = [];
    this.sent = new WeakMap();
  }
}

function isLive(record) {
  const r = record.range;
  return !r.collapsed && r.startContainer.isConnected && r.endContainer.isConnected;
}

function compareItems(a, b) {
  try {
    const c = a.range.compareBoundaryPoints(0 /* START_TO_START */, b.range);
    return c || a.range.toString().length - b.range.toString().length;
  } catch {
    return 0;
  }
}
