// Time slicing: long loops (collecting a big page, anchoring hundreds of
// spans) run in slices of about `budgetMs` and yield to the event loop between
// slices, so the page keeps answering input and painting: no main-thread task
// of ours lasts anywhere near 50 ms (the long-task threshold).
//
//   for (const x of many) {
//     work(x);
//     if (slicer.due()) await slicer.pause();
//   }
//
// A budget of 0 (or Infinity) never yields: the whole loop runs in one task
// (the benchmark's "one go" baseline, extension/bench/longtasks.py).

export const DEFAULT_SLICE_MS = 8;

const now = () => globalThis.performance?.now() ?? Date.now();

/**
 * Resolve on a later turn of the event loop: `scheduler.yield()` where it
 * exists (its continuation runs before other queued work, after input and
 * rendering), else a MessageChannel message (not clamped or throttled like
 * `setTimeout`), else `setTimeout(0)`.
 */
export function yieldToEventLoop() {
  const sched = globalThis.scheduler;
  if (typeof sched?.yield === 'function') {
    // (A content script sees the page's scheduler through a wrapper in some
    // browsers: if it refuses, the next way is as good.)
    try {
      return Promise.resolve(sched.yield()).catch(() => nextTurn());
    } catch {
      return nextTurn();
    }
  }
  return nextTurn();
}

function nextTurn() {
  if (typeof globalThis.MessageChannel === 'function') {
    return new Promise((resolve) => {
      const { port1, port2 } = new globalThis.MessageChannel();
      port1.onmessage = () => {
        port1.close();
        resolve();
      };
      port2.postMessage(null);
    });
  }
  return new Promise((resolve) => {
    setTimeout(resolve, 0);
  });
}

export class Slicer {
  /**
   * @param {{budgetMs?: number, clock?: () => number, yieldFn?: () => Promise<void>}} [opts]
   */
  constructor({ budgetMs = DEFAULT_SLICE_MS, clock = now, yieldFn = yieldToEventLoop } = {}) {
    this.budgetMs = Number.isFinite(budgetMs) && budgetMs > 0 ? budgetMs : Infinity;
    this.clock = clock;
    this.yieldFn = yieldFn;
    this.sliceStart = clock();
    this.pauses = 0;
  }

  /** Start a new slice now (at the beginning of a piece of work that follows an await). */
  restart() {
    this.sliceStart = this.clock();
    return this;
  }

  /** True once the current slice has used its budget. */
  due() {
    return this.budgetMs !== Infinity && this.clock() - this.sliceStart >= this.budgetMs;
  }

  /** Yield to the event loop, then start a new slice. */
  async pause() {
    await this.yieldFn();
    this.pauses += 1;
    this.sliceStart = this.clock();
  }

  /** Pause only if the slice is used up. */
  async check() {
    if (this.due()) await this.pause();
  }
}
