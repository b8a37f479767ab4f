// The DOM watcher: a MutationObserver says which parts of the page changed
// (new stories, an expanded "read more", text rewritten) and when text left
// it; the page's path says when a single-page app moved to another page.

import { blockContainer, isInsideSkipped, OWN_TAGS } from './collect-blocks.js';

// Past this many changed elements in one batch the whole page is read again.
const MAX_ROOTS = 100;

export class DomWatcher {
  /**
   * @param {Window} win
   * @param {object} o
   * @param {(roots: Element[] | null) => void} o.onChange  elements whose blocks may have changed (null: the whole page)
   * @param {() => void} o.onRemoved  nodes went away, nothing was added (flagged text may have gone)
   */
  constructor(win, { onChange, onRemoved }) {
    this.win = win;
    this.onChange = onChange;
    this.onRemoved = onRemoved;
    this.lastPath = this.path();
    const MO = win.MutationObserver;
    this.observer = MO ? new MO((records) => this.onMutations(records)) : null;
    this.observer?.observe(win.document.documentElement, {
      childList: true,
      subtree: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['hidden', 'style', 'class', 'open'],
    });
  }

  onMutations(records) {
    const html = this.win.document.documentElement;
    const roots = new Set();
    for (const rec of records) {
      const t = rec.target;
      if (isOwn(t)) continue;
      if (rec.type === 'childList') {
        const added = [...rec.addedNodes].filter((n) => !isOwn(n));
        if (!added.length && !rec.removedNodes.length) continue;
        if (!added.length) {
          this.onRemoved();
          continue;
        }
      }
      if (rec.type === 'attributes' && t === html) continue; // our own test hooks
      if (isInsideSkipped(t)) continue;
      const root = blockContainer(t);
      if (root) roots.add(root);
      if (roots.size > MAX_ROOTS) break;
    }
    if (roots.size) this.onChange(roots.size > MAX_ROOTS ? null : [...roots]);
  }

  /** Run `fn` (which changes the page for our own drawing) without reporting what it changed. */
  ignoring(fn) {
    const result = fn();
    this.observer?.takeRecords();
    return result;
  }

  /** True once after the page's path changed (a single-page app's navigation) since the last call. */
  navigated() {
    const path = this.path();
    if (path === this.lastPath) return false;
    this.lastPath = path;
    return true;
  }

  path() {
    return this.win.location.pathname + this.win.location.search;
  }

  destroy() {
    this.observer?.disconnect();
    this.observer = null;
  }
}

function isOwn(node) {
  return node?.nodeType === 1 && OWN_TAGS.has(node.localName);
}
