// The one message contract. Every message is `{what, ...}`; every reply is
// `{ok: true, value}` or `{ok: false, error: {code, message}}`.

export const MSG = Object.freeze({
  // content script → service worker
  ANALYZE: 'analyze', // {url, kinds, blocks: [{id, text, links?}]} → {disabled, model, notes, counts, blocks}
  STATE_REPORT: 'state.report', // {state: TabState} → null (stored per tab; sets the badge)
  DISMISS: 'dismiss', // {textHash} → null (hides that flag on the sender tab's site, through the service)
  // extension pages (popup, options) → service worker
  TAB_STATE_GET: 'tab.state.get', // {tabId} → {tab: TabState|null, site, clickToAnalyze, serviceUrl}
  SERVICE_MIN_SCORE_GET: 'service.minScore.get', // {host} → number|null (the service's minimum claim score there; null: unknown)
  SETTINGS_GET: 'settings.get', // {} → Settings
  SETTINGS_SET: 'settings.set', // {patch} → Settings (serviceUrl, token, clickToAnalyze, defaults, sensitive)
  SITE_SET: 'site.set', // {host, patch: Partial<SiteDoc>, exact?} → Settings
  SITE_REMOVE: 'site.remove', // {host} → Settings
  TOKEN_RENEW: 'token.renew', // {} → {token}
  TAB_ANALYZE: 'tab.analyze', // {tabId} → null (asks the content script to analyze now)
  TAB_FLAGS_GET: 'tab.flags.get', // {tabId} → FlagEntry[] (the tab's flags shown, in reading order)
  TAB_FLAG_SHOW: 'tab.flag.show', // {tabId, index} → {index, count, label} (scrolls to that flag, opens its tooltip)
  COMMAND: 'command', // {command, tabId?} → null (same path as a keyboard command)
  // service worker → content script (tabs.sendMessage)
  FLAG_NEXT: 'flag.next',
  FLAG_PREVIOUS: 'flag.previous',
  HIGHLIGHTS_TOGGLE: 'highlights.toggle',
  ANALYZE_NOW: 'analyze.now',
  FLAG_DISMISS: 'flag.dismiss', // dismiss the flag whose note is shown (or the one stepped to)
  FLAGS_GET: 'flags.get', // → FlagEntry[]: {index, kind, priority, label, type, text, note, citesLink}
  FLAG_SHOW: 'flag.show', // {index} → {index, count, label}
});

/** Messages that change settings or act on tabs: accepted only from the extension's own pages. */
export const PRIVILEGED = new Set([
  MSG.SETTINGS_GET, MSG.SETTINGS_SET, MSG.SITE_SET, MSG.SITE_REMOVE, MSG.TOKEN_RENEW,
  MSG.TAB_STATE_GET, MSG.SERVICE_MIN_SCORE_GET, MSG.TAB_ANALYZE, MSG.TAB_FLAGS_GET, MSG.TAB_FLAG_SHOW, MSG.COMMAND,
]);

/** Keyboard commands (manifest "commands") → the message sent to the active tab. */
export const COMMANDS = Object.freeze({
  'next-flag': MSG.FLAG_NEXT,
  'previous-flag': MSG.FLAG_PREVIOUS,
  'toggle-highlights': MSG.HIGHLIGHTS_TOGGLE,
  'dismiss-flag': MSG.FLAG_DISMISS,
});

export function ok(value = null) {
  return { ok: true, value };
}

export function fail(code, message, extra = {}) {
  return { ok: false, error: { code, message, ...extra } };
}
