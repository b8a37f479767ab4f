// The service worker: the only part that talks to the ClaimFlag service. It
// may be stopped at any time, so everything it needs between events lives in
// storage (settings in storage.local, per-tab state in storage.session).

import { ext } from '../shared/ext.js';
import { COMMANDS, fail, MSG, ok, PRIVILEGED } from '../shared/messages.js';
import { normalizeHost } from '../shared/hostname.js';
import { resolveSite, toServerDoc } from '../shared/site-settings.js';
import {
  ApiError, mergeSplitBlocks, request, splitBatches, toRequestBlock, validAnalyzeResponse,
} from './api-client.js';
import { deleteSite, loadSettings, setOptions, setSite, updateSettings } from './settings.js';

const { api } = ext;
const TOKEN_RETRY_MS = 10 * 60 * 1000;
const BADGE_COLOR = '#b45309';

// ---- install token ------------------------------------------------------

let tokenPromise = null;

/** The install token, fetched once from POST /v1/installs; "" if the service has none to give. */
function ensureToken(settings, { force = false } = {}) {
  if (settings.token && !force) return Promise.resolve(settings.token);
  tokenPromise ??= (async () => {
    const last = await ext.storageGet('local', 'tokenAttempt', null);
    if (!force && last && last.serviceUrl === settings.serviceUrl && Date.now() - last.at < TOKEN_RETRY_MS) return '';
    await ext.storageSet('local', { tokenAttempt: { serviceUrl: settings.serviceUrl, at: Date.now() } });
    try {
      const { status, body } = await request(settings.serviceUrl, '/v1/installs', { method: 'POST', body: {}, timeoutMs: 5000 });
      if (status === 201 && typeof body?.token === 'string' && body.token) {
        await updateSettings((s) => (s.serviceUrl === settings.serviceUrl ? { ...s, token: body.token } : s));
        syncAll(); // the settings made before there was a token
        return body.token;
      }
    } catch {
      // 404 (not built yet) or unreachable: carry on without a token.
    }
    return '';
  })().finally(() => {
    tokenPromise = null;
  });
  return tokenPromise;
}

// ---- settings mirror on the server (best effort) ---------------------------
// The extension's storage is the source of truth. With an install token, each
// change is copied to the server's settings API (DESIGN.md) so that the service
// applies the same rules; failures are ignored, since the extension filters
// spans itself as well.

const DEFAULTS_NAME = '_defaults';

async function mirrorSite(host, { doc: given } = {}) {
  const settings = await loadSettings();
  if (!settings.token || !host) return;
  const doc = given ?? (host === DEFAULTS_NAME ? settings.defaults : settings.sites[host]);
  const path = `/v1/settings/${encodeURIComponent(host)}`;
  try {
    if (doc) await request(settings.serviceUrl, path, { method: 'PUT', body: toServerDoc(doc), token: settings.token, timeoutMs: 5000 });
    else await request(settings.serviceUrl, path, { method: 'DELETE', token: settings.token, timeoutMs: 5000, okStatuses: [200, 204, 404] });
  } catch {
    // ignored: see above
  }
}

async function syncAll() {
  const settings = await loadSettings();
  if (!settings.token) return;
  await mirrorSite(DEFAULTS_NAME);
  for (const host of Object.keys(settings.sites)) await mirrorSite(host);
}

/**
 * The minimum claim score the service applies on `host` (its model's
 * threshold unless settings say otherwise: `effective.min_score` of
 * GET /v1/settings/<host>), for the popup's slider; null when the service
 * does not say (unreachable, or no install token to ask with).
 */
async function serviceMinScore(settings, host) {
  const token = host ? await ensureToken(settings) : '';
  if (!token) return null;
  try {
    const { body } = await request(settings.serviceUrl, `/v1/settings/${encodeURIComponent(host)}`, { token, timeoutMs: 3000 });
    const minScore = body?.effective?.min_score;
    return typeof minScore === 'number' && minScore >= 0 && minScore <= 1 ? minScore : null;
  } catch {
    return null;
  }
}

// ---- analyze -----------------------------------------------------------------

const inFlight = new Map(); // tabId → promise of the request chain (one request at a time per tab)

function analyze(tabId, msg) {
  const prev = inFlight.get(tabId) ?? Promise.resolve();
  const next = prev.catch(() => {}).then(() => analyzeNow(msg));
  inFlight.set(tabId, next);
  next.finally(() => {
    if (inFlight.get(tabId) === next) inFlight.delete(tabId);
  });
  return next;
}

async function analyzeNow(msg) {
  const settings = await loadSettings();
  let host;
  try {
    host = normalizeHost(new URL(msg.url).hostname);
  } catch {
    return fail('invalid_request', 'bad page url');
  }
  const site = resolveSite(settings, host);
  if (!site.doc.enabled) return ok({ disabled: true, blocks: [], notes: [] }); // a disabled site sends nothing
  if (!Array.isArray(msg.blocks)) return fail('invalid_request', 'blocks missing');
  const kinds = Array.isArray(msg.kinds) ? msg.kinds : site.doc.kinds;
  let token = await ensureToken(settings);
  const out = { model: '', notes: [], counts: {}, blocks: [] };
  let repaired = false;
  for (const batch of splitBatches(msg.blocks)) {
    const body = { url: msg.url, blocks: batch.map(toRequestBlock), kinds };
    let res;
    try {
      res = await request(settings.serviceUrl, '/v1/analyze', { method: 'POST', body, token });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && token) {
        // The service no longer knows this token: forget it and go on without one.
        await updateSettings((s) => ({ ...s, token: s.token === token ? '' : s.token }));
        token = '';
        try {
          res = await request(settings.serviceUrl, '/v1/analyze', { method: 'POST', body });
        } catch (err2) {
          return failFrom(err2);
        }
      } else {
        return failFrom(err);
      }
    }
    let value = res.body;
    if (!validAnalyzeResponse(value)) return fail('bad_response', 'the service answered something unexpected');
    if (value.disabled && token && !repaired) {
      // The extension's settings are the truth and say "on": the server's copy is
      // stale (or a switch-on is still on its way). Copy ours over and ask again, once.
      repaired = true;
      await mirrorSite(site.source === 'site' ? site.rule : host, { doc: site.doc });
      try {
        value = (await request(settings.serviceUrl, '/v1/analyze', { method: 'POST', body, token })).body;
      } catch (err) {
        return failFrom(err);
      }
      if (!validAnalyzeResponse(value)) return fail('bad_response', 'the service answered something unexpected');
    }
    if (value.disabled) return ok({ disabled: true, blocks: [], notes: [] });
    out.model = value.model ?? out.model;
    for (const n of value.page?.notes ?? []) if (typeof n === 'string' && !out.notes.includes(n)) out.notes.push(n);
    for (const [k, v] of Object.entries(value.page?.counts ?? {})) out.counts[k] = (out.counts[k] ?? 0) + (Number(v) || 0);
    out.blocks.push(...mergeSplitBlocks(batch, value.blocks));
  }
  return ok(out);
}

function failFrom(err) {
  if (err instanceof ApiError) {
    return fail(err.code, err.message, { status: err.status, retryAfter: err.retryAfter, field: err.field });
  }
  return fail('internal', String(err?.message ?? err));
}

// ---- dismissing one flag on a site ---------------------------------------------

/**
 * Hide the flag with `textHash` on the site of the page at `pageUrl` (the
 * sender tab's, never one the message names): the service keeps the list per
 * install and leaves that sentence out of later answers for the site and its
 * subdomains. The hash comes from the service (spans carry `text_hash` once
 * there is an install token), so without a token there is nothing to dismiss.
 */
async function dismiss(pageUrl, textHash) {
  if (typeof textHash !== 'string' || !/^[0-9a-f]{40}$/.test(textHash)) {
    return fail('invalid_request', 'textHash must be 40 lower-case hex digits', { field: 'textHash' });
  }
  let host;
  try {
    host = normalizeHost(new URL(pageUrl).hostname);
  } catch {
    host = '';
  }
  if (!host) return fail('invalid_request', 'no site to dismiss the flag on');
  const settings = await loadSettings();
  const token = await ensureToken(settings);
  if (!token) return fail('no_token', 'the service gave no install token, so it cannot keep dismissed flags');
  try {
    await request(settings.serviceUrl, `/v1/settings/${encodeURIComponent(host)}/dismissed`,
      { method: 'POST', body: { text_hash: textHash }, token, timeoutMs: 5000 });
  } catch (err) {
    return failFrom(err);
  }
  return ok({ host });
}

// ---- per-tab state and badge ------------------------------------------------

const tabKey = (tabId) => `tab:${tabId}`;

async function saveTabState(tabId, state) {
  await ext.storageSet('session', { [tabKey(tabId)]: { ...state, tabId, at: Date.now() } });
  const n = (state.counts?.claim ?? 0) + (state.counts?.disclosure ?? 0);
  let text = '';
  if (state.status === 'error') text = '!';
  else if (state.status === 'ready' && n > 0 && state.visible !== false) text = n > 999 ? '999+' : String(n);
  await ext.setBadge(tabId, text, state.status === 'error' ? '#6b7280' : BADGE_COLOR);
}

// ---- commands ------------------------------------------------------------------

/** What a keyboard command does: send its message to the active (or given) tab. */
async function runCommand(command, tabId) {
  const what = COMMANDS[command];
  if (!what) return fail('invalid_request', `unknown command ${command}`);
  const id = tabId ?? (await ext.activeTab())?.id;
  if (id === undefined || id === null) return fail('no_tab', 'no active tab');
  return ext.sendToTab(id, { what });
}

api.commands?.onCommand.addListener((command, tab) => {
  runCommand(command, tab?.id);
});

// ---- messages ----------------------------------------------------------------------

function fromExtensionPage(sender) {
  const own = api.runtime.getURL('');
  // The popup and options pages (also when opened in a tab); never a content script,
  // whose sender.url is the web page's.
  return sender.id === api.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(own);
}

async function handle(msg, sender) {
  if (PRIVILEGED.has(msg.what) && !fromExtensionPage(sender)) {
    return fail('forbidden', 'only the extension\'s own pages may do that');
  }
  const tabId = sender.tab?.id;
  switch (msg.what) {
    case MSG.ANALYZE:
      if (tabId === undefined) return fail('invalid_request', 'analyze comes from a tab');
      return analyze(tabId, msg);
    case MSG.STATE_REPORT:
      if (tabId === undefined) return fail('invalid_request', 'state comes from a tab');
      if (sender.frameId) return ok(); // only the top frame runs the content script
      await saveTabState(tabId, msg.state ?? {});
      return ok();
    case MSG.DISMISS:
      if (tabId === undefined) return fail('invalid_request', 'dismiss comes from a tab');
      return dismiss(sender.tab.url, msg.textHash);
    case MSG.TAB_STATE_GET: {
      const state = await ext.storageGet('session', tabKey(msg.tabId), null);
      const settings = await loadSettings();
      const site = state?.host ? resolveSite(settings, state.host) : null;
      return ok({
        tab: state,
        site,
        clickToAnalyze: settings.clickToAnalyze,
        serviceUrl: settings.serviceUrl,
      });
    }
    case MSG.SERVICE_MIN_SCORE_GET:
      return ok(await serviceMinScore(await loadSettings(), normalizeHost(msg.host)));
    case MSG.SETTINGS_GET:
      return ok(await loadSettings());
    case MSG.SETTINGS_SET: {
      const before = await loadSettings();
      const after = await setOptions(msg.patch ?? {});
      if (after.serviceUrl !== before.serviceUrl && msg.patch?.token === undefined) {
        // A different service: the old token means nothing there.
        await updateSettings((s) => ({ ...s, token: '' }));
        await ext.storageRemove('local', 'tokenAttempt');
      } else if (after.token && after.token !== before.token) {
        syncAll();
      } else if (msg.patch?.defaults) {
        mirrorSite(DEFAULTS_NAME);
      }
      return ok(await loadSettings());
    }
    case MSG.SITE_SET: {
      const host = normalizeHost(msg.host);
      if (!host) return fail('invalid_request', 'bad host', { field: 'host' });
      const after = await setSite(host, msg.patch, { exact: Boolean(msg.exact) });
      const rule = resolveSite(after, host).rule;
      mirrorSite(rule || host);
      return ok(after);
    }
    case MSG.SITE_REMOVE: {
      const host = normalizeHost(msg.host);
      const after = await deleteSite(host);
      mirrorSite(host);
      return ok(after);
    }
    case MSG.TOKEN_RENEW: {
      await ext.storageRemove('local', 'tokenAttempt');
      const settings = await loadSettings();
      const token = await ensureToken(settings, { force: true });
      return token ? ok({ token }) : fail('unavailable', 'the service gave no token (POST /v1/installs)');
    }
    case MSG.TAB_ANALYZE:
      return ext.sendToTab(msg.tabId, { what: MSG.ANALYZE_NOW });
    case MSG.TAB_FLAGS_GET:
      return ext.sendToTab(msg.tabId, { what: MSG.FLAGS_GET });
    case MSG.TAB_FLAG_SHOW:
      return ext.sendToTab(msg.tabId, { what: MSG.FLAG_SHOW, index: msg.index });
    case MSG.COMMAND:
      return runCommand(msg.command, msg.tabId);
    default:
      return undefined;
  }
}

ext.onMessage((msg, sender) => (msg && typeof msg.what === 'string' ? handle(msg, sender) : undefined));

api.tabs?.onRemoved.addListener((tabId) => {
  ext.storageRemove('session', tabKey(tabId));
  inFlight.delete(tabId);
});

// Test and debugging hook: `claimflag.runCommand("next-flag")` from the worker's
// console (or Playwright's worker.evaluate) does exactly what the shortcut does.
globalThis.claimflag = Object.freeze({ runCommand });
