// Drawing: paints anchored ranges, one colour per kind, and answers "which
// flag is under this point?". Knows nothing about blocks, offsets or the service.
//
// Uses the CSS Custom Highlight API (no change to the page's nodes, no layout
// shift). Only where the API is missing does it fall back to wrapping text in
// <mark> elements. Styles live in highlights.css (a manifest content-script
// stylesheet), so nothing is added to the page's <head>.

import { priorityOf } from '../shared/site-settings.js';

// One highlight per look: check-first claims, other claims (fainter; drawn
// only when the site shows all claims), disclosures, and the focused flag.
export const HIGHLIGHT_NAMES = Object.freeze({
  claim: 'claimflag-claim',
  claimNormal: 'claimflag-claim-normal',
  disclosure: 'claimflag-disclosure',
  focus: 'claimflag-focus',
});
// Painted over each other in this order (a disclosure inside a claim shows as a disclosure).
const PRIORITIES = Object.freeze({ claimNormal: -1, claim: 0, disclosure: 1, focus: 2 });

/** Which highlight an item is drawn in. */
export function lookOf(item) {
  return item.kind === 'claim' && priorityOf(item.span ?? {}) === 'normal' ? 'claimNormal' : item.kind;
}

/**
 * @typedef {{kind: string, range: Range, span: object}} Item
 */

export function createHighlighter(win = globalThis.window) {
  const doc = win.document;
  const hasApi = typeof win.Highlight === 'function' && Boolean(win.CSS?.highlights);
  return hasApi ? new ApiHighlighter(win, doc) : new MarkHighlighter(win, doc);
}

function rectsContain(rects, x, y, slop = 1) {
  for (const r of rects) {
    if (x >= r.left - slop && x <= r.right + slop && y >= r.top - slop && y <= r.bottom + slop) return true;
  }
  return false;
}

function caretAt(doc, x, y) {
  if (typeof doc.caretPositionFromPoint === 'function') {
    const p = doc.caretPositionFromPoint(x, y);
    return p ? { node: p.offsetNode, offset: p.offset } : null;
  }
  if (typeof doc.caretRangeFromPoint === 'function') {
    const r = doc.caretRangeFromPoint(x, y);
    return r ? { node: r.startContainer, offset: r.startOffset } : null;
  }
  return null;
}

// How far beyond the viewport, above and below, flags are kept in the
// highlights: in viewport heights, so that scrolling shows them already drawn.
export const NEAR_VIEWPORTS = 2;

class ApiHighlighter {
  constructor(win, doc) {
    this.win = win;
    this.doc = doc;
    this.mode = 'highlight-api';
    this.items = [];
    this.visible = true;
    this.highlights = {};
    for (const [look, name] of Object.entries(HIGHLIGHT_NAMES)) {
      const h = new win.Highlight();
      h.priority = PRIORITIES[look];
      this.highlights[look] = { name, h };
    }
    // Only flags near the viewport are in the highlights. When any highlight
    // changes, Chromium's paint step goes over every range of every one: with
    // all 509 flags of a 20,000-word page drawn, the first draw and each
    // keyboard step's new focus took frames of 25 to 40 ms, against 10 to 20
    // with the near ones only (extension/README.md). An IntersectionObserver
    // on the element each flag starts in adds its flags when the element
    // comes near and takes them out when it goes.
    this.byElement = new Map(); // element → Set of its items
    this.elementOf = new Map(); // item → the element it is tracked under
    this.near = new Set(); // elements near the viewport
    this.passes = 0; // setItems and clear calls so far: a sliced setItems stops when another starts
    this.drawing = Promise.resolve(); // the newest setItems
    const margin = `${NEAR_VIEWPORTS * 100}% 0px`;
    this.observer = typeof win.IntersectionObserver === 'function'
      ? new win.IntersectionObserver((entries) => this.onIntersect(entries), { rootMargin: margin })
      : null;
  }

  /**
   * Draw exactly `items`. Only the difference is applied (flags that went away
   * are deleted, new ones added), so a redraw after a few new flags on a big
   * page costs a few highlight changes, not a rebuild of all of them.
   *
   * With a `slicer`, new flags are taken on in its time slices: a long page's
   * first answer brings hundreds, each measured and observed, which at 3x CPU
   * slow-down took one task of 25 to 51 ms in one go. Resolves
   * once every flag is tracked. A later call (or clear()) takes over from
   * wherever this one got to: the difference is always taken against what is
   * tracked, and the promise then resolves with the later call's.
   */
  setItems(items, slicer = null) {
    this.drawing = this.apply(items, ++this.passes, slicer);
    return this.drawing;
  }

  async apply(items, pass, slicer) {
    this.items = items.slice();
    const next = new Set(items);
    for (const it of [...this.elementOf.keys()]) if (!next.has(it)) this.forget(it);
    if (this.focused && !next.has(this.focused)) this.focused = null;
    this.setFocus(this.focused);
    for (const it of items) {
      if (this.elementOf.has(it)) continue;
      if (slicer?.due()) {
        this.register();
        await slicer.pause();
        if (pass !== this.passes) return this.drawing;
      }
      this.track(it);
    }
    this.register();
  }

  track(item) {
    const el = startElement(this.win, item);
    this.elementOf.set(item, el);
    let set = this.byElement.get(el);
    if (!set) {
      this.byElement.set(el, (set = new Set()));
      // Measured now, so a flag in view is drawn in this frame; the observer
      // (whose first report comes a frame later) keeps it right from then on.
      if (!this.observer || this.isNear(el)) this.near.add(el);
      this.observer?.observe(el);
    }
    set.add(item);
    if (this.near.has(el)) this.draw(item);
  }

  forget(item) {
    this.undraw(item);
    const el = this.elementOf.get(item);
    this.elementOf.delete(item);
    const set = this.byElement.get(el);
    set?.delete(item);
    if (!set || set.size) return;
    this.byElement.delete(el);
    this.near.delete(el);
    this.observer?.unobserve(el);
  }

  isNear(el) {
    const r = el.getBoundingClientRect();
    const reach = NEAR_VIEWPORTS * this.win.innerHeight;
    return r.bottom >= -reach && r.top <= this.win.innerHeight + reach;
  }

  onIntersect(entries) {
    for (const { target, isIntersecting } of entries) {
      const items = this.byElement.get(target);
      if (!items) continue;
      if (isIntersecting) this.near.add(target);
      else this.near.delete(target);
      for (const it of items) {
        if (isIntersecting) this.draw(it);
        else this.undraw(it);
      }
    }
    this.register();
  }

  // A Highlight is a set of ranges: adding one twice or deleting one that
  // is not there changes nothing.
  draw(item) {
    this.highlights[lookOf(item)]?.h.add(item.range);
  }

  undraw(item) {
    this.highlights[lookOf(item)]?.h.delete(item.range);
  }

  register() {
    const reg = this.win.CSS.highlights;
    for (const { name, h } of Object.values(this.highlights)) {
      if (this.visible && h.size) reg.set(name, h);
      else if (reg.has(name) && reg.get(name) === h) reg.delete(name);
    }
  }

  setVisible(visible) {
    this.visible = visible;
    this.register();
  }

  setFocus(item) {
    this.focused = item ?? null;
    const f = this.highlights.focus.h;
    f.clear();
    if (this.focused) f.add(this.focused.range);
    this.register();
  }

  /** The drawn item under viewport point (x, y), or null. */
  itemAt(x, y) {
    if (!this.visible || !this.items.length) return null;
    const caret = caretAt(this.doc, x, y);
    let candidates = this.items;
    if (caret?.node) {
      candidates = this.items.filter((it) => {
        try {
          return it.range.isPointInRange(caret.node, caret.offset);
        } catch {
          return false;
        }
      });
    }
    // Smallest first: a short disclosure inside a long claim wins.
    candidates = candidates.slice().sort((a, b) => a.range.toString().length - b.range.toString().length);
    for (const it of candidates) if (rectsContain(it.range.getClientRects(), x, y)) return it;
    return null;
  }

  clear() {
    this.passes += 1;
    this.drawing = Promise.resolve();
    this.items = [];
    this.focused = null;
    this.observer?.disconnect();
    this.byElement.clear();
    this.elementOf.clear();
    this.near.clear();
    for (const { h } of Object.values(this.highlights)) h.clear();
    this.register();
  }

  /** Nothing drawn, nothing observed, for good. */
  destroy() {
    this.clear();
    this.observer = null;
  }
}

/**
 * The element a flag's range starts in, the one the observer watches for it:
 * the nearest that has a box of its own (a `display: contents` element never
 * intersects anything).
 */
function startElement(win, item) {
  const node = item.range.startContainer;
  let el = node.nodeType === 1 ? node : node.parentElement;
  while (el.parentElement && win.getComputedStyle(el).display === 'contents') el = el.parentElement;
  return el;
}

class MarkHighlighter {
  constructor(win, doc) {
    this.win = win;
    this.doc = doc;
    this.mode = 'mark';
    this.items = [];
    this.marks = new Map(); // item → [mark]
    this.visible = true;
  }

  /**
   * Wraps only items not wrapped yet and unwraps only items that went away,
   * so the marks of items that stay (and their ranges) are left alone. In one
   * go (no slicer): the segments are wrapped from the document's end
   * backwards, which needs all of them at once.
   */
  setItems(items) {
    const keep = new Set(items);
    const added = items.filter((it) => !this.marks.has(it));
    // Segments of the new items first: unwrapping and wrapping move and split Text nodes.
    const segs = [];
    for (const it of added) {
      for (const seg of textSegments(it.range)) {
        if (seg.node.parentElement?.closest('mark.claimflag-mark')) continue; // overlaps a flag already drawn
        segs.push({ ...seg, item: it });
      }
    }
    for (const [it, ms] of this.marks) {
      if (keep.has(it)) continue;
      unwrap(ms);
      this.marks.delete(it);
    }
    // From the end of the document backwards, so earlier segments' offsets stay valid.
    segs.sort((a, b) => {
      if (a.node === b.node) return b.start - a.start;
      // eslint-disable-next-line no-bitwise
      return a.node.compareDocumentPosition(b.node) & 4 ? 1 : -1;
    });
    for (const seg of segs) {
      let node = seg.node;
      if (!node.parentNode) continue;
      if (seg.end < node.data.length) node.splitText(seg.end);
      if (seg.start > 0) node = node.splitText(seg.start);
      const mark = this.doc.createElement('mark');
      mark.className = `claimflag-mark claimflag-mark-${seg.item.kind}`;
      if (lookOf(seg.item) === 'claimNormal') mark.classList.add('claimflag-mark-normal');
      node.parentNode.insertBefore(mark, node);
      mark.appendChild(node);
      if (!this.marks.has(seg.item)) this.marks.set(seg.item, []);
      this.marks.get(seg.item).unshift(mark);
    }
    for (const it of added) {
      const ms = this.marks.get(it);
      if (!ms?.length) continue;
      const r = this.doc.createRange();
      r.setStart(ms[0].firstChild ?? ms[0], 0);
      const last = ms[ms.length - 1].lastChild ?? ms[ms.length - 1];
      r.setEnd(last, last.nodeType === 3 ? last.data.length : last.childNodes.length);
      it.range = r;
    }
    this.items = items.filter((it) => this.marks.has(it));
    this.setVisible(this.visible);
    this.setFocus(this.focused);
  }

  setVisible(visible) {
    this.visible = visible;
    for (const ms of this.marks.values()) {
      for (const m of ms) m.classList.toggle('claimflag-mark-hidden', !visible);
    }
  }

  setFocus(item) {
    this.focused = item ?? null;
    for (const [it, ms] of this.marks) for (const m of ms) m.classList.toggle('claimflag-mark-focus', it === this.focused);
  }

  itemAt(x, y) {
    if (!this.visible) return null;
    const el = this.doc.elementFromPoint?.(x, y)?.closest?.('mark.claimflag-mark');
    if (!el) return null;
    for (const [it, ms] of this.marks) if (ms.includes(el)) return it;
    return null;
  }

  clear() {
    for (const ms of this.marks.values()) unwrap(ms);
    this.marks.clear();
    this.items = [];
    this.focused = null;
  }

  destroy() {
    this.clear();
  }
}

function unwrap(marks) {
  for (const m of marks) {
    const parent = m.parentNode;
    if (!parent) continue;
    while (m.firstChild) parent.insertBefore(m.firstChild, m);
    parent.removeChild(m);
  }
}

/** The Text-node pieces a Range covers: [{node, start, end}]. */
export function textSegments(range) {
  const out = [];
  const doc = range.startContainer.ownerDocument ?? range.startContainer;
  const rootNode = range.commonAncestorContainer;
  if (rootNode.nodeType === 3) {
    out.push({ node: rootNode, start: range.startOffset, end: range.endOffset });
    return out.filter((s) => s.end > s.start);
  }
  const walker = doc.createTreeWalker(rootNode, 4 /* SHOW_TEXT */);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!range.intersectsNode(n)) continue;
    const start = n === range.startContainer ? range.startOffset : 0;
    const end = n === range.endContainer ? range.endOffset : n.data.length;
    if (end > start) out.push({ node: n, start, end });
  }
  return out;
}
