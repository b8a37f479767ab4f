// The tooltip: a <claimflag-tooltip> element with an open shadow root. Its
// styles are isolated (`:host { all: initial }`), text is set only with
// textContent, and it is position:fixed on <html>, so it never shifts the
// page's layout. It says a claim's priority and why, and, when the flagged
// sentence links to its source, offers that link (its address is the page's
// own: it never left the browser). It stays open while the pointer is over
// it, so the link and "Dismiss on this site" can be clicked (the dismiss-flag
// keyboard command does the same).

import { priorityOf } from '../shared/site-settings.js';

const KIND_NAMES = { claim: 'Check-worthy claim', disclosure: 'Disclosure' };

// "Check first: …" / "Other factual claim: …": why a claim has its priority, by its type.
const CHECK_FIRST_WHY = {
  statistic: 'it rests on figures',
  quote: 'a quote that asserts a fact',
  attribution: 'a claim credited to a source',
  unnamed_source: 'it rests on unnamed sources',
  causal: 'it says what caused what',
  comparison: 'it compares things',
  prediction: 'a specific prediction',
  event: 'a consequential assertion stated as fact',
};
const OTHER_WHY = 'a routine fact (an event, background, a stated position); check it if it matters to you';

/** The tooltip's priority line for a claim span; '' for a disclosure. */
export function priorityLine(span) {
  const p = priorityOf(span);
  if (p === 'high') return `Check first: ${CHECK_FIRST_WHY[span.type] ?? 'a check-worthy factual claim'}`;
  if (p === 'normal') return `Other factual claim: ${OTHER_WHY}`;
  return '';
}

/** The first of `links` (elements) that leads to a web page (http or https); null if none. */
export function sourceLink(links) {
  for (const a of links ?? []) {
    try {
      const url = new URL(a.href);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url;
    } catch {
      // not a URL: not offered
    }
  }
  return null;
}

const CSS = `
:host { all: initial; }
.tip {
  box-sizing: border-box;
  max-width: min(360px, calc(100vw - 16px));
  padding: 8px 10px 9px;
  border-radius: 6px;
  border-left: 4px solid var(--accent);
  background: #1f2328;
  color: #f6f8fa;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  box-shadow: 0 4px 16px rgba(0, 0, 0, .35);
  text-align: left;
  white-space: normal;
  overflow-wrap: anywhere;
}
.tip[data-kind="claim"] { --accent: #f59e0b; }
.tip[data-kind="disclosure"] { --accent: #818cf8; }
.head { display: flex; gap: 8px; align-items: baseline; margin: 0 0 3px; }
.label { font-weight: 600; }
.type { font-size: 11px; color: #b6bec8; text-transform: none; }
.note { margin: 0; }
.priority { margin: 0 0 3px; font-weight: 600; font-size: 12px; }
.tip[data-priority="normal"] .priority { font-weight: 400; }
.source { display: inline-block; margin: 5px 0 0; color: inherit; font-size: 12px; }
.hint { margin: 5px 0 0; font-size: 11px; color: #9aa4ae; }
.actions { margin: 6px 0 0; }
.actions[hidden], .hint[hidden], .priority[hidden], .source[hidden] { display: none; }
.dismiss {
  font: inherit; font-size: 12px; color: inherit; background: transparent; cursor: pointer;
  border: 1px solid currentColor; border-radius: 4px; padding: 1px 7px; opacity: .85;
}
.dismiss:hover, .dismiss:focus-visible { opacity: 1; }
@media (prefers-color-scheme: light) {
  .tip { background: #ffffff; color: #1f2328; box-shadow: 0 4px 16px rgba(0, 0, 0, .18), 0 0 0 1px rgba(0, 0, 0, .08); }
  .type, .hint { color: #57606a; }
}
`;

function typeName(type) {
  return String(type ?? '').replace(/_/g, ' ');
}

export class Tooltip {
  constructor(doc = globalThis.document) {
    this.doc = doc;
    this.host = null;
    this.item = null;
    /** Called with the shown item when the reader clicks "Dismiss on this site". */
    this.onDismiss = null;
  }

  ensure() {
    if (this.host?.isConnected) return;
    const host = this.doc.createElement('claimflag-tooltip');
    host.setAttribute('role', 'tooltip');
    host.style.cssText = 'all: initial; position: fixed; left: 0; top: 0; z-index: 2147483647;'
      + ' display: none;';
    const root = host.attachShadow({ mode: 'open' });
    const style = this.doc.createElement('style');
    style.textContent = CSS;
    const tip = this.doc.createElement('div');
    tip.className = 'tip';
    tip.setAttribute('part', 'tip');
    const head = this.doc.createElement('div');
    head.className = 'head';
    const label = this.doc.createElement('span');
    label.className = 'label';
    const type = this.doc.createElement('span');
    type.className = 'type';
    head.append(label, type);
    const priority = this.doc.createElement('p');
    priority.className = 'priority';
    const note = this.doc.createElement('p');
    note.className = 'note';
    const source = this.doc.createElement('a');
    source.className = 'source';
    source.target = '_blank';
    source.rel = 'noopener noreferrer';
    const hint = this.doc.createElement('p');
    hint.className = 'hint';
    const actions = this.doc.createElement('p');
    actions.className = 'actions';
    const dismiss = this.doc.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'dismiss';
    dismiss.textContent = 'Dismiss on this site';
    dismiss.title = 'Stop flagging this sentence on this site';
    dismiss.addEventListener('click', (e) => {
      e.stopPropagation();
      if (this.item) this.onDismiss?.(this.item);
    });
    actions.append(dismiss);
    tip.append(head, priority, note, source, hint, actions);
    root.append(style, tip);
    this.parts = { tip, label, type, priority, note, source, hint, actions };
    this.host = host;
    (this.doc.documentElement ?? this.doc.body).append(host);
  }

  /** Whether `event` happened on the tooltip (the pointer is over it). */
  contains(event) {
    return Boolean(this.host) && event.composedPath?.().includes(this.host);
  }

  get visible() {
    return Boolean(this.host?.isConnected && this.host.style.display !== 'none');
  }

  /** Show `item` ({kind, range, span, sources}) next to its range. */
  show(item, { viaKeyboard = false } = {}) {
    this.ensure();
    const { span } = item;
    const { tip, label, type, priority, note, source, hint, actions } = this.parts;
    tip.dataset.kind = item.kind;
    tip.dataset.priority = priorityOf(span);
    label.textContent = span.label || KIND_NAMES[item.kind] || 'Flag';
    type.textContent = `${KIND_NAMES[item.kind] ?? item.kind} · ${typeName(span.type)}`;
    priority.textContent = priorityLine(span);
    priority.hidden = !priority.textContent;
    note.textContent = span.note ?? '';
    // The sentence links to its source: that link, one click away.
    const url = span.cites_link ? sourceLink(item.sources) : null;
    source.hidden = !url;
    if (url) {
      source.href = url.href;
      source.textContent = `Open the cited source (${url.hostname})`;
      source.title = url.href;
    } else {
      source.removeAttribute('href');
      source.textContent = '';
    }
    hint.textContent = viaKeyboard ? 'Esc to close' : '';
    hint.hidden = !viaKeyboard;
    // Only a span the service gave a text_hash (there is an install token) can be dismissed.
    actions.hidden = !span.text_hash;
    this.host.setAttribute('aria-live', viaKeyboard ? 'polite' : 'off');
    this.item = item;
    this.host.style.display = 'block';
    this.place();
  }

  /** Put the tooltip below the flagged text (above it if there is no room), inside the viewport. */
  place() {
    if (!this.item || !this.host) return;
    const win = this.doc.defaultView;
    const vw = win.innerWidth;
    const vh = win.innerHeight;
    const rects = Array.from(this.item.range.getClientRects());
    const r = rects.find((x) => x.width > 0) ?? this.item.range.getBoundingClientRect();
    if (r.bottom < 0 || r.top > vh) {
      this.hide();
      return;
    }
    const last = rects.length ? rects[rects.length - 1] : r;
    const box = this.host.getBoundingClientRect();
    const w = box.width || 300;
    const h = box.height || 60;
    let top = last.bottom + 6;
    if (top + h > vh - 4) top = Math.max(4, r.top - h - 6);
    const left = Math.min(Math.max(4, r.left), Math.max(4, vw - w - 4));
    this.host.style.left = `${Math.round(left)}px`;
    this.host.style.top = `${Math.round(top)}px`;
  }

  hide() {
    this.item = null;
    if (this.host) this.host.style.display = 'none';
  }

  remove() {
    this.hide();
    this.host?.remove();
    this.host = null;
  }
}
