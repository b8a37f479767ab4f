// The request: blocks go to the service worker (the only part that talks to
// the service) as one `analyze` message, and answers that say when to try
// again are retried then. After any other failure, queued work waits
// ERROR_RETRY_MS before it is sent again.

import { ext } from '../shared/ext.js';
import { MSG } from '../shared/messages.js';
import { blockLinks } from './collect-blocks.js';

export const ERROR_RETRY_MS = 15000;
// Answers with Retry-After (rate limited, busy, analysis time limit reached:
// the work done is cached) are retried this many times in a row at most.
export const MAX_RETRIES = 5;

export class AnalyzeRequest {
  /**
   * @param {Window} win  the page (its location is sent, without query or fragment)
   * @param {{onRetry: (elements: Element[]) => void}} o  asks for the blocks of a failed request again
   */
  constructor(win, { onRetry }) {
    this.win = win;
    this.onRetry = onRetry;
    this.nextId = 0;
    this.failedAt = 0;
    this.retries = 0;
    this.retryScheduled = false;
    this.timers = new Set();
  }

  /**
   * Ask for `kinds` in `blocks` (each gets its `id` here; its link ranges go
   * along, never their addresses). Resolves to the service worker's reply,
   * `{ok: true, value}` or `{ok: false, error}`. If the service says when to
   * try again, the elements of `retry` (by default these blocks; a pass that
   * sends in several requests adds the ones it has not sent yet) are asked for then.
   */
  async send(blocks, kinds, { retry = blocks } = {}) {
    for (const b of blocks) b.id = `b${this.nextId++}`;
    const reply = await ext.send({
      what: MSG.ANALYZE,
      url: this.pageUrl(),
      kinds,
      blocks: blocks.map((b) => {
        const links = blockLinks(b).map((l) => [l.start, l.end]);
        return links.length ? { id: b.id, text: b.text, links } : { id: b.id, text: b.text };
      }),
    });
    if (reply.ok) {
      this.failedAt = 0;
      this.retries = 0;
      this.retryScheduled = false;
      return reply;
    }
    this.failedAt = Date.now();
    const retryAfter = Number(reply.error?.retryAfter) || 0;
    this.retryScheduled = retryAfter > 0 && this.retries < MAX_RETRIES;
    if (this.retryScheduled) {
      // Try again after the server's Retry-After; these blocks were not analyzed.
      this.retries += 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.onRetry(retry.map((b) => b.element));
      }, Math.max(1, retryAfter) * 1000);
      this.timers.add(timer);
    }
    return reply;
  }

  /** True while the last request failed and neither a retry nor ERROR_RETRY_MS has come. */
  get waiting() {
    return Boolean(this.failedAt) && !this.retryScheduled && Date.now() - this.failedAt < ERROR_RETRY_MS;
  }

  /** The reader asked for the page again: the next pass need not wait. */
  clearWait() {
    this.failedAt = 0;
  }

  pageUrl() {
    // Origin and path only: query strings and fragments can hold personal data.
    const { origin, pathname } = this.win.location;
    return `${origin}${pathname}`;
  }

  destroy() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.retryScheduled = false;
  }
}
