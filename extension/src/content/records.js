// The records: every span of the service's answers that was anchored on this
// page, which blocks were already sent, and, under the site's settings, the
// flags to show (in document order). Holds no listeners; a plain store.

import { filterSpans } from '../shared/site-settings.js';

// A block whose text keeps changing (a live ticker, a clock) is sent at most this many times.
export const MAX_VERSIONS_PER_BLOCK = 3;

/**
 * @typedef {{id: string, element: Element, segment: number, kind: string, span: object, range: Range}} FlagRecord
 */

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
    this.kinds = [...new Set([...this.kinds, ...kinds])];
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

  counts() {
    const c = { claim: 0, disclosure: 0 };
    for (const it of this.items) if (it.kind in c) c[it.kind] += 1;
    return c;
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
