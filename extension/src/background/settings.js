// Settings storage: the extension's storage is the source of truth (the
// server's settings API only mirrors it, best effort). Every read returns
// valid settings; every write goes through one queue so two quick changes
// from the popup cannot overwrite each other.

import { ext } from '../shared/ext.js';
import { normalizeSettings, patchSite, removeSite } from '../shared/site-settings.js';

const KEY = 'settings';
let queue = Promise.resolve();

export async function loadSettings() {
  return normalizeSettings(await ext.storageGet('local', KEY, null));
}

/** Apply `fn(settings) → settings` atomically (within this worker) and store the result. */
export function updateSettings(fn) {
  const next = queue.then(async () => {
    const current = await loadSettings();
    const updated = normalizeSettings(fn(current));
    await ext.storageSet('local', { [KEY]: updated });
    return updated;
  });
  queue = next.catch(() => {});
  return next;
}

const GLOBAL_KEYS = ['serviceUrl', 'token', 'clickToAnalyze', 'defaults', 'sensitive'];

/** Patch the global options (not the per-site entries). */
export function setOptions(patch) {
  return updateSettings((s) => {
    const out = { ...s };
    for (const k of GLOBAL_KEYS) if (patch && k in patch) out[k] = patch[k];
    if (patch && 'sites' in patch && patch.sites && typeof patch.sites === 'object') out.sites = patch.sites;
    return out;
  });
}

export function setSite(host, patch, opts) {
  return updateSettings((s) => patchSite(s, host, patch ?? {}, opts));
}

export function deleteSite(host) {
  return updateSettings((s) => removeSite(s, host));
}
