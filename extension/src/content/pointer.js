// Pointer and keyboard: resting the pointer on a flag shows its tooltip,
// moving away or Esc hides it, and next / previous step through the flags
// (scrolling each into view, focused, with its tooltip). Owns the tooltip.

import { ListenerCollection } from './listeners.js';
import { Tooltip } from './tooltip.js';

// How long the tooltip stays after the pointer leaves a flag (so it can move onto the tooltip).
export const HIDE_DELAY_MS = 120;

export class PointerKeys {
  /**
   * @param {Window} win
   * @param {object} highlighter  answers itemAt(x, y) and draws the focus
   * @param {{onDismiss: (item: object) => void}} o  the tooltip's "Dismiss on this site"
   */
  constructor(win, highlighter, { onDismiss }) {
    this.win = win;
    this.hl = highlighter;
    this.tooltip = new Tooltip(win.document);
    this.tooltip.onDismiss = onDismiss;
    this.items = [];
    this.stepIndex = -1;
    this.hoverShown = false; // the tooltip was opened by the pointer (not by a step)
    this.frame = 0;
    this.hideTimer = 0;
    this.lastMove = null;
    this.listeners = new ListenerCollection();
    this.listeners.add(win.document, 'mousemove', (e) => this.onMove(e), { passive: true });
    this.listeners.add(win.document, 'keydown', (e) => this.onKey(e), true);
    const replace = () => {
      if (this.tooltip.visible) this.tooltip.place();
    };
    this.listeners.add(win, 'scroll', replace, { passive: true, capture: true });
    this.listeners.add(win, 'resize', replace, { passive: true });
  }

  /** The flags shown now, in document order. */
  setItems(items) {
    this.items = items;
    if (this.tooltip.item && !items.includes(this.tooltip.item)) this.tooltip.hide();
    this.stepIndex = Math.min(this.stepIndex, items.length - 1);
  }

  onMove(e) {
    if (this.tooltip.contains(e)) {
      // On the tooltip itself: it stays open (its button can be reached).
      clearTimeout(this.hideTimer);
      return;
    }
    this.lastMove = e;
    if (this.frame) return;
    this.frame = this.win.requestAnimationFrame(() => {
      this.frame = 0;
      if (!this.items.length) return;
      const item = this.hl.itemAt(this.lastMove.clientX, this.lastMove.clientY);
      if (item) {
        clearTimeout(this.hideTimer);
        if (this.tooltip.item !== item || !this.tooltip.visible) {
          this.hoverShown = true;
          this.tooltip.show(item);
        }
      } else if (this.tooltip.visible && this.hoverShown) {
        clearTimeout(this.hideTimer);
        this.hideTimer = setTimeout(() => this.hide(), HIDE_DELAY_MS);
      }
    });
  }

  onKey(e) {
    if (e.key === 'Escape' && this.tooltip.visible) {
      this.tooltip.hide();
      this.hl.setFocus(null);
    }
  }

  /** Scroll to the next (dir 1) or previous (dir -1) flag, focus it and show its tooltip. */
  step(dir) {
    const { items } = this;
    if (!items.length) return null;
    if (this.stepIndex < 0) return this.showAt(dir > 0 ? 0 : items.length - 1);
    return this.showAt((this.stepIndex + dir + items.length) % items.length);
  }

  /**
   * Scroll to the flag at `index` (in reading order), focus it and show its
   * tooltip, as for a keyboard step (the popup's list selects flags this way).
   * Null if there is no such flag.
   */
  showAt(index) {
    const item = this.items[index];
    if (!item) return null;
    this.stepIndex = index;
    this.scrollTo(item.range);
    this.hl.setFocus(item);
    this.hoverShown = false;
    this.tooltip.show(item, { viaKeyboard: true });
    return { index, count: this.items.length, label: item.span.label ?? '' };
  }

  /**
   * Bring `range` to the middle of the viewport, at once (whatever the page's
   * own scroll-behavior: the tooltip is placed right after). Its element is
   * brought into view first (a scrolling box inside the page), then the
   * window centres the range itself, which matters when the element is taller
   * than the viewport (a post whose paragraphs are split by <br> only).
   */
  scrollTo(range) {
    range.startContainer.parentElement?.scrollIntoView({ block: 'nearest', inline: 'nearest', behavior: 'instant' });
    const r = range.getBoundingClientRect();
    const off = r.top - (this.win.innerHeight - Math.min(r.height, this.win.innerHeight)) / 2;
    if (Math.abs(off) > 1) this.win.scrollBy({ top: off, left: 0, behavior: 'instant' });
  }

  /** The flag whose note is shown, else the one stepped to; null if none. */
  current() {
    return (this.tooltip.visible ? this.tooltip.item : this.hl.focused) ?? null;
  }

  hide() {
    this.tooltip.hide();
    this.hoverShown = false;
  }

  destroy() {
    this.listeners.removeAll();
    if (this.frame) this.win.cancelAnimationFrame(this.frame);
    this.frame = 0;
    clearTimeout(this.hideTimer);
    this.tooltip.remove();
    this.items = [];
  }
}
