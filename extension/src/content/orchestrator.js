// The orchestrator: runs find → (service worker) → anchor → draw for one page,
// keeps the test hooks on <html> up to date, and wires the tooltip, the
// keyboard commands and the MutationObserver. The three layers it drives know
// nothing of each other.
//
// Collecting and anchoring run in time slices (slicer.js) that yield to the
// event loop, so a long page never blocks the main thread for long; so does
// drawing, where only flags that changed are added to or removed from the
// highlights (which hold only the flags near the viewport).

import { ext } from '../shared/ext.js';
import { MSG } from '../shared/messages.js';
import { filterSpans, normalizeSettings, resolveSite } from '../shared/site-settings.js';
import { anchorSpan } from './anchoring/anchor.js';
import { blockContainer, collectBlocks, collectBlocksSliced, isInsideSkipped, OWN_TAGS } from './collect-blocks.js';
import { createHighlighter } from './highlighter.js';
import { DEFAULT_SLICE_MS, Slicer } from './slicer.js';
import { Tooltip } from './tooltip.js';

const DEBOUNCE_MS = 250;
const MAX_WAIT_MS = 800;
const ERROR_RETRY_MS = 15000;
// Answers with Retry-After (rate limited, busy, analysis time limit reached:
// the work done is cached) are retried this many times in a row at most.
const MAX_RETRIES = 5;
// A block whose text keeps changing (a live ticker, a clock) is sent at most this many times.
const MAX_VERSIONS_PER_BLOCK = 3;

export class Orchestrator {
  constructor(win = globalThis.window) {
    this.win = win;
    this.doc = win.document;
    this.hl = createHighlighter(win);
    this.tooltip = new Tooltip(this.doc);
    this.tooltip.onDismiss = (item) => {
      this.dismiss(item);
    };
    this.status = 'pending';
    this.reason = '';
    this.errorCode = '';
    this.errorAt = 0;
    this.retries = 0;
    this.retryScheduled = false;
    this.site = null; // {host, source, rule, doc}
    this.clickToAnalyze = false;
    this.manual = false; // the user asked to analyze this page (click mode)
    this.requestedKinds = [];
    this.records = []; // {id, kind, span, range} for every anchored span
    this.orphans = 0;
    this.notes = [];
    this.model = '';
    this.sent = new WeakMap(); // Element → Set of block texts already analyzed
    this.nextId = 0;
    this.generation = 0; // bumped by reset(): answers to older requests are dropped
    this.running = false;
    this.pendingRoots = null; // Set of roots waiting for the next pass; null = none
    this.timer = 0;
    this.firstPendingAt = 0;
    this.visible = true;
    this.hoverShown = false;
    this.stepIndex = -1;
    this.lastPath = this.pagePath();
    // Milliseconds of work between two yields to the event loop. Storage key
    // `perf: {timeSliceMs: 0}` turns slicing off (for the benchmark's baseline).
    this.sliceMs = DEFAULT_SLICE_MS;
  }

  async start() {
    this.setHooks();
    ext.onMessage((msg) => this.onMessage(msg));
    ext.onStorageChanged((changes, area) => {
      if (area === 'local' && changes.settings) this.applySettings(changes.settings.newValue);
    });
    this.installPointer();
    this.installObserver();
    const [raw, perf] = await Promise.all([
      ext.storageGet('local', 'settings', null),
      ext.storageGet('local', 'perf', null),
    ]);
    if (Number.isFinite(perf?.timeSliceMs) && perf.timeSliceMs >= 0) this.sliceMs = perf.timeSliceMs;
    this.applySettings(raw);
  }

  // ---- settings -------------------------------------------------------

  applySettings(raw) {
    const settings = normalizeSettings(raw);
    const before = this.site;
    this.serverDisabled = false; // ask again: the server may have been told about the change
    this.site = resolveSite(settings, this.win.location.hostname);
    this.clickToAnalyze = settings.clickToAnalyze;
    const { doc } = this.site;
    if (!doc.enabled || (this.clickToAnalyze && !this.manual)) {
      this.reset();
      this.reason = doc.enabled ? 'click-to-analyze' : `off:${this.site.source}`;
      this.setStatus('disabled');
      return;
    }
    this.reason = '';
    const needKinds = doc.kinds.some((k) => !this.requestedKinds.includes(k));
    const wasOff = !before || this.status === 'disabled' || (this.status === 'error' && !this.records.length);
    if (wasOff || needKinds) {
      this.reset();
      this.schedule(null, true);
    } else {
      this.redraw();
    }
  }

  reset() {
    this.hl.clear();
    this.tooltip.hide();
    this.records = [];
    this.orphans = 0;
    this.notes = [];
    this.sent = new WeakMap();
    this.requestedKinds = [];
    this.stepIndex = -1;
    this.generation += 1;
  }

  get active() {
    return Boolean(this.site?.doc.enabled) && (!this.clickToAnalyze || this.manual) && !this.serverDisabled;
  }

  // ---- passes ---------------------------------------------------------

  /** Queue a pass over `roots` (Elements; null = the whole body), debounced. */
  schedule(roots, now = false) {
    if (!this.active) return;
    if (roots === null) this.pendingRoots = new Set([null]);
    else {
      this.pendingRoots ??= new Set();
      for (const r of roots) this.pendingRoots.add(r);
    }
    if (this.running) return; // picked up when the pass in flight ends
    const t = Date.now();
    if (!this.firstPendingAt) this.firstPendingAt = t;
    clearTimeout(this.timer);
    const wait = now ? 0 : Math.max(0, Math.min(DEBOUNCE_MS, this.firstPendingAt + MAX_WAIT_MS - t));
    this.timer = setTimeout(() => this.run(), wait);
  }

  takeRoots() {
    const roots = this.pendingRoots;
    this.pendingRoots = null;
    this.firstPendingAt = 0;
    if (!roots || roots.has(null)) return [this.doc.body];
    const list = [...roots].filter((r) => r?.isConnected);
    // Keep only outermost roots.
    return list.filter((r) => !list.some((o) => o !== r && o.contains(r)));
  }

  /** Blocks under `roots` not analyzed yet, collected in time slices. */
  async collect(roots, slicer) {
    const blocks = [];
    for (const root of roots) {
      if (!root) continue;
      for (const b of await collectBlocksSliced(root, slicer)) {
        const versions = this.sent.get(b.element);
        if (versions?.has(b.text) || versions?.size >= MAX_VERSIONS_PER_BLOCK) continue;
        blocks.push(b);
      }
    }
    return blocks;
  }

  async run() {
    if (this.running || !this.active) return;
    this.running = true;
    try {
      while (this.pendingRoots && this.active) {
        if (this.status === 'error' && Date.now() - this.errorAt < ERROR_RETRY_MS && !this.retryScheduled) {
          break;
        }
        const path = this.pagePath();
        if (path !== this.lastPath) {
          // SPA navigation: the notes were about the previous page.
          this.lastPath = path;
          this.notes = [];
        }
        const generation = this.generation;
        const slicer = new Slicer({ budgetMs: this.sliceMs });
        const blocks = await this.collect(this.takeRoots(), slicer);
        // Settings changed while collecting: start again (or stop) as they say.
        if (generation !== this.generation) continue;
        if (!blocks.length) {
          this.prune();
          if (this.status !== 'ready') this.setStatus('ready');
          continue;
        }
        await this.analyze(blocks, slicer);
      }
    } finally {
      this.running = false;
      if (this.pendingRoots && this.active && this.status !== 'error') this.schedule([]);
    }
  }

  async analyze(blocks, slicer = new Slicer({ budgetMs: this.sliceMs })) {
    const kinds = this.site.doc.kinds.slice();
    if (!kinds.length) {
      this.markSent(blocks);
      this.redraw();
      this.setStatus('ready');
      return;
    }
    const byId = new Map();
    for (const b of blocks) {
      b.id = `b${this.nextId++}`;
      byId.set(b.id, b);
    }
    this.setStatus('pending');
    const generation = this.generation;
    const reply = await ext.send({
      what: MSG.ANALYZE,
      url: this.pageUrl(),
      kinds,
      blocks: blocks.map((b) => ({ id: b.id, text: b.text })),
    });
    // Switched off, or settings changed so that everything is sent again: drop the answer.
    if (!this.active || generation !== this.generation) return;
    if (!reply.ok) {
      this.errorCode = reply.error?.code ?? 'error';
      this.errorAt = Date.now();
      const retryAfter = Number(reply.error?.retryAfter) || 0;
      this.retryScheduled = retryAfter > 0 && this.retries < MAX_RETRIES;
      if (this.retryScheduled) {
        // Try again after the server's Retry-After; these blocks were not analyzed.
        this.retries += 1;
        setTimeout(() => this.schedule(blocks.map((b) => b.element)), Math.max(1, retryAfter) * 1000);
      }
      this.setStatus('error');
      return;
    }
    const value = reply.value;
    if (value.disabled) {
      this.serverDisabled = true;
      this.reset();
      this.reason = 'off:server';
      this.setStatus('disabled');
      return;
    }
    this.errorCode = '';
    this.retries = 0;
    this.retryScheduled = false;
    // Anchor in time slices; what the page or the settings do meanwhile is
    // checked after each pause, and the records change only once, at the end.
    slicer.restart();
    const anchored = [];
    let orphans = 0;
    // A block that changed in flight is re-read once, not once per span.
    const recollected = new Map();
    const recollect = (block) => {
      if (!recollected.has(block)) recollected.set(block, this.recollect(block));
      return recollected.get(block);
    };
    for (const rb of value.blocks ?? []) {
      const block = byId.get(rb.id);
      if (!block) continue;
      for (const span of rb.spans ?? []) {
        const a = anchorSpan(block, span, () => recollect(block));
        if (a.error) orphans += 1;
        else anchored.push({ id: rb.id, element: block.element, segment: block.segment, kind: span.kind, span, range: a.range });
        if (slicer.due()) {
          await slicer.pause();
          if (!this.active || generation !== this.generation) return;
        }
      }
    }
    this.orphans += orphans;
    this.requestedKinds = [...new Set([...this.requestedKinds, ...kinds])];
    this.model = value.model ?? this.model;
    for (const n of value.notes ?? []) if (!this.notes.includes(n)) this.notes.push(n);
    // A block sent again (its text changed) replaces what was drawn for it.
    const resent = new Map();
    for (const b of blocks) {
      if (!resent.has(b.element)) resent.set(b.element, new Set());
      resent.get(b.element).add(b.segment);
    }
    this.records = this.records.filter((r) => !resent.get(r.element)?.has(r.segment));
    for (const r of anchored) this.records.push(r);
    this.markSent(blocks);
    await this.redraw(slicer);
    if (!this.active || generation !== this.generation) return;
    this.setStatus('ready');
  }

  markSent(blocks) {
    for (const b of blocks) {
      let set = this.sent.get(b.element);
      if (!set) this.sent.set(b.element, (set = new Set()));
      set.add(b.text);
    }
  }

  /** The same block as it is in the page now (for anchoring after a change). */
  recollect(block) {
    if (!block.element.isConnected) return null;
    const now = collectBlocks(block.element).filter((b) => b.element === block.element);
    return now.find((b) => b.segment === block.segment) ?? now.find((b) => b.text.includes(block.text)) ?? null;
  }

  /** Forget spans whose text left the page (or was rewritten, which collapses their live Range). */
  prune() {
    const before = this.records.length;
    this.records = this.records.filter(isLive);
    if (this.records.length !== before) this.redraw();
  }

  /**
   * Draw the records the site's settings show. Many new flags (a long page's
   * answer, or claims shown again) are taken on in time slices: the returned
   * promise resolves when they all are.
   */
  redraw(slicer = new Slicer({ budgetMs: this.sliceMs })) {
    this.records = this.records.filter(isLive);
    const shown = new Set(filterSpans(this.records.map((r) => r.span), this.site?.doc ?? { enabled: false }));
    const items = this.records.filter((r) => shown.has(r.span)).sort(compareItems);
    this.selfMutating = true;
    const drawn = this.hl.setItems(items, slicer);
    this.observer?.takeRecords();
    this.selfMutating = false;
    this.items = items;
    if (this.tooltip.item && !items.includes(this.tooltip.item)) this.tooltip.hide();
    this.stepIndex = Math.min(this.stepIndex, items.length - 1);
    this.setHooks();
    this.report();
    return drawn;
  }

  // ---- hooks and state ------------------------------------------------

  counts() {
    const c = { claim: 0, disclosure: 0 };
    for (const it of this.items ?? []) if (it.kind in c) c[it.kind] += 1;
    return c;
  }

  setStatus(status) {
    this.status = status;
    if (status === 'disabled') this.items = [];
    this.setHooks();
    this.report();
  }

  setHooks() {
    const html = this.doc.documentElement;
    if (!html) return;
    const c = this.counts();
    const set = (k, v) => {
      if (html.getAttribute(k) !== v) html.setAttribute(k, v);
    };
    set('data-claimflag', this.status);
    set('data-claimflag-claims', String(c.claim));
    set('data-claimflag-disclosures', String(c.disclosure));
    if (this.reason) set('data-claimflag-reason', this.reason);
    else html.removeAttribute('data-claimflag-reason');
    if (this.status === 'error') set('data-claimflag-error', this.errorCode || 'error');
    else html.removeAttribute('data-claimflag-error');
  }

  report() {
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      ext.send({
        what: MSG.STATE_REPORT,
        state: {
          host: this.site?.host ?? '',
          status: this.status,
          reason: this.reason,
          error: this.status === 'error' ? this.errorCode : '',
          counts: this.counts(),
          notes: this.notes.slice(0, 20),
          orphans: this.orphans,
          visible: this.visible,
          model: this.model,
          mode: this.hl.mode,
        },
      });
    }, 50);
  }

  pageUrl() {
    // Origin and path only: query strings and fragments can hold personal data.
    const { origin, pathname } = this.win.location;
    return `${origin}${pathname}`;
  }

  pagePath() {
    return this.win.location.pathname + this.win.location.search;
  }

  // ---- messages from the service worker ---------------------------------

  onMessage(msg) {
    switch (msg?.what) {
      case MSG.FLAG_NEXT:
        return { ok: true, value: this.step(1) };
      case MSG.FLAG_PREVIOUS:
        return { ok: true, value: this.step(-1) };
      case MSG.FLAG_DISMISS: {
        const item = this.tooltip.visible ? this.tooltip.item : this.hl.focused;
        if (!item) return { ok: false, error: { code: 'no_flag', message: 'no flag is shown' } };
        return this.dismiss(item);
      }
      case MSG.HIGHLIGHTS_TOGGLE:
        this.setVisible(!this.visible);
        return { ok: true, value: this.visible };
      case MSG.ANALYZE_NOW:
        this.manual = true;
        this.serverDisabled = false;
        this.errorAt = 0;
        if (!this.site?.doc.enabled) return { ok: false, error: { code: 'disabled', message: 'ClaimFlag is off for this site' } };
        this.reason = '';
        this.schedule(null, true);
        return { ok: true, value: null };
      default:
        return undefined;
    }
  }

  /**
   * "I know this site's disclaimer": the service stops flagging this sentence
   * on this site (for this install), and every copy of it on the page goes now.
   */
  async dismiss(item) {
    const hash = item?.span?.text_hash;
    if (!hash) return { ok: false, error: { code: 'no_token', message: 'this flag cannot be dismissed (no install token)' } };
    const reply = await ext.send({ what: MSG.DISMISS, textHash: hash });
    if (!reply?.ok) return reply ?? { ok: false, error: { code: 'error', message: 'no reply' } };
    const before = this.records.length;
    this.records = this.records.filter((r) => r.span.text_hash !== hash);
    this.tooltip.hide();
    this.hoverShown = false;
    if (this.hl.focused?.span?.text_hash === hash) this.hl.setFocus(null);
    this.redraw();
    return { ok: true, value: { dismissed: before - this.records.length } };
  }

  setVisible(visible) {
    this.visible = visible;
    this.hl.setVisible(visible);
    if (!visible) this.tooltip.hide();
    this.doc.documentElement?.toggleAttribute('data-claimflag-hidden', !visible);
    this.report();
  }

  /** Scroll to the next (dir 1) or previous (dir -1) flag and show its tooltip. */
  step(dir) {
    const items = this.items ?? [];
    if (!items.length) return null;
    if (!this.visible) this.setVisible(true);
    this.stepIndex = (this.stepIndex + dir + items.length) % items.length;
    if (this.stepIndex < 0) this.stepIndex = items.length - 1;
    const item = items[this.stepIndex];
    const el = item.range.startContainer.parentElement;
    el?.scrollIntoView({ block: 'center', inline: 'nearest' });
    this.hl.setFocus(item);
    this.hoverShown = false;
    this.tooltip.show(item, { viaKeyboard: true });
    return { index: this.stepIndex, count: items.length, label: item.span.label ?? '' };
  }

  // ---- pointer and keys ------------------------------------------------

  installPointer() {
    let frame = 0;
    let last = null;
    let hideTimer = 0;
    this.doc.addEventListener('mousemove', (e) => {
      if (this.tooltip.contains(e)) {
        // On the tooltip itself: it stays open (its button can be reached).
        clearTimeout(hideTimer);
        return;
      }
      last = e;
      if (frame) return;
      frame = this.win.requestAnimationFrame(() => {
        frame = 0;
        if (!this.items?.length || !this.visible) return;
        const item = this.hl.itemAt(last.clientX, last.clientY);
        if (item) {
          clearTimeout(hideTimer);
          if (this.tooltip.item !== item || !this.tooltip.visible) {
            this.hoverShown = true;
            this.tooltip.show(item);
          }
        } else if (this.tooltip.visible && this.hoverShown) {
          clearTimeout(hideTimer);
          hideTimer = setTimeout(() => {
            this.tooltip.hide();
            this.hoverShown = false;
          }, 120);
        }
      });
    }, { passive: true });
    this.doc.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.tooltip.visible) {
        this.tooltip.hide();
        this.hl.setFocus(null);
      }
    }, true);
    const replace = () => {
      if (this.tooltip.visible) this.tooltip.place();
    };
    this.win.addEventListener('scroll', replace, { passive: true, capture: true });
    this.win.addEventListener('resize', replace, { passive: true });
  }

  // ---- dynamic pages -----------------------------------------------------

  installObserver() {
    const MO = this.win.MutationObserver;
    if (!MO) return;
    this.observer = new MO((records) => {
      if (this.selfMutating || !this.active) return;
      const roots = new Set();
      for (const rec of records) {
        const t = rec.target;
        if (isOwn(t)) continue;
        if (rec.type === 'childList') {
          const added = [...rec.addedNodes].filter((n) => !isOwn(n));
          if (!added.length && !rec.removedNodes.length) continue;
          if (!added.length) {
            this.prune();
            continue;
          }
        }
        if (rec.type === 'attributes' && t === this.doc.documentElement) continue;
        if (isInsideSkipped(t)) continue;
        const root = blockContainer(t);
        if (root) roots.add(root);
        if (roots.size > 100) break; // the whole page is read again anyway
      }
      if (roots.size) this.schedule(roots.size > 100 ? null : [...roots]);
    });
    this.observer.observe(this.doc.documentElement, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['hidden', 'style', 'class', 'open'],
    });
  }
}

function isLive(record) {
  const r = record.range;
  return !r.collapsed && r.startContainer.isConnected && r.endContainer.isConnected;
}

function isOwn(node) {
  return node?.nodeType === 1 && OWN_TAGS.has(node.localName);
}

function compareItems(a, b) {
  try {
    const c = a.range.compareBoundaryPoints(0 /* START_TO_START */, b.range);
    return c || a.range.toString().length - b.range.toString().length;
  } catch {
    return 0;
  }
}
