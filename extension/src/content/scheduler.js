// When passes run. A change to the page queues the elements it touched; a
// pass over them starts after a quiet spell (250 ms after the last change,
// at most 800 ms after the first), one pass at a time: changes made while a
// pass runs are taken by the next one, which starts as soon as it ends.

export const DEBOUNCE_MS = 250;
export const MAX_WAIT_MS = 800;

export class PassScheduler {
  /**
   * @param {object} o
   * @param {(roots: Element[]) => Promise<void>} o.pass  one pass over `roots` (outermost only)
   * @param {() => Element} o.whole  the root of the whole page (for a pass over everything)
   * @param {() => boolean} [o.canRun]  false holds queued work back (after an error, until it may be retried)
   */
  constructor({ pass, whole, canRun = () => true }) {
    this.pass = pass;
    this.whole = whole;
    this.canRun = canRun;
    this.pendingRoots = null; // Set of roots waiting for the next pass (null in it: the whole page); null = none
    this.firstPendingAt = 0;
    this.timer = 0;
    this.running = false;
    this.destroyed = false;
  }

  /** Queue a pass over `roots` (Elements; null = the whole page), debounced unless `now`. */
  schedule(roots, { now = false } = {}) {
    if (this.destroyed) return;
    if (roots === null) this.pendingRoots = new Set([null]);
    else {
      this.pendingRoots ??= new Set();
      for (const r of roots) this.pendingRoots.add(r);
    }
    if (this.running) return; // taken when the pass in flight ends
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
    if (!roots || roots.has(null)) return [this.whole()];
    const list = [...roots].filter((r) => r?.isConnected);
    // Only the outermost: a pass over an element reads everything inside it.
    return list.filter((r) => !list.some((o) => o !== r && o.contains(r)));
  }

  async run() {
    if (this.running || this.destroyed) return;
    this.running = true;
    try {
      while (this.pendingRoots && !this.destroyed && this.canRun()) await this.pass(this.takeRoots());
    } finally {
      this.running = false;
      if (this.pendingRoots && !this.destroyed && this.canRun()) this.schedule([]);
    }
  }

  /** Drop what is queued and the timer; a pass in flight ends without starting another. */
  destroy() {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.pendingRoots = null;
  }
}
