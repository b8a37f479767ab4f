// The page's state where others read it: the test hooks on <html>
// (DESIGN.md, "Extension test hooks") at once, and the report to the service
// worker (the popup's counts and notes, the toolbar badge) once changes settle.

import { ext } from '../shared/ext.js';
import { MSG } from '../shared/messages.js';

export const REPORT_DELAY_MS = 50;

/**
 * @typedef {{host: string, status: string, reason: string, error: string,
 *   counts: {claim: number, disclosure: number, high: number, normal: number}, notes: string[], orphans: number,
 *   visible: boolean, model: string, mode: string, firstMs: number|null}} TabState
 *   (`firstMs`: when the first flag was drawn, in ms since the page's navigation began)
 */

export class PageState {
  /** @param {Document} doc  @param {() => TabState} snapshot  the state as it is now */
  constructor(doc, snapshot) {
    this.doc = doc;
    this.snapshot = snapshot;
    this.timer = 0;
  }

  /** Something changed: the hooks now, the report a moment later (many changes, one report). */
  changed() {
    this.setHooks(this.snapshot());
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = 0;
      ext.send({ what: MSG.STATE_REPORT, state: this.snapshot() });
    }, REPORT_DELAY_MS);
  }

  setHooks(state) {
    const html = this.doc.documentElement;
    if (!html) return;
    const set = (k, v) => {
      if (html.getAttribute(k) !== v) html.setAttribute(k, v);
    };
    set('data-claimflag', state.status);
    set('data-claimflag-claims', String(state.counts.claim));
    set('data-claimflag-disclosures', String(state.counts.disclosure));
    if (state.reason) set('data-claimflag-reason', state.reason);
    else html.removeAttribute('data-claimflag-reason');
    if (state.error) set('data-claimflag-error', state.error);
    else html.removeAttribute('data-claimflag-error');
    if (html.hasAttribute('data-claimflag-hidden') === state.visible) html.toggleAttribute('data-claimflag-hidden', !state.visible);
    if (state.firstMs !== null) set('data-claimflag-first-ms', String(state.firstMs));
  }

  destroy() {
    clearTimeout(this.timer);
    this.timer = 0;
  }
}
