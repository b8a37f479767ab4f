// All browser APIs behind one small wrapper. Storage and messaging calls
// never throw: they resolve to a fallback (and log once) so a stopped
// service worker, a closed port or a reloaded extension cannot break a page.

/* global browser, chrome */
import { fail } from './messages.js';

const api = globalThis.browser?.runtime ? globalThis.browser : globalThis.chrome;

const warned = new Set();
function warnOnce(where, err) {
  if (warned.has(where)) return;
  warned.add(where);
  console.debug(`ClaimFlag: ${where} failed:`, err?.message ?? err);
}

/** `event.addListener(fn)`; returns the function that removes it again (a no-op if adding failed). */
function listen(event, fn, where) {
  try {
    event.addListener(fn);
  } catch (err) {
    warnOnce(where, err);
    return () => {};
  }
  return () => {
    try {
      event.removeListener(fn);
    } catch (err) {
      warnOnce(where, err);
    }
  };
}

export const ext = {
  api,

  getURL(path) {
    return api.runtime.getURL(path);
  },

  /** Value stored under `key` in `area` ("local" | "session"), or `fallback`. */
  async storageGet(area, key, fallback = undefined) {
    try {
      const got = await api.storage[area].get(key);
      return got?.[key] === undefined ? fallback : got[key];
    } catch (err) {
      warnOnce(`storage.${area}.get`, err);
      return fallback;
    }
  },

  /** Store `items` in `area`; true on success. */
  async storageSet(area, items) {
    try {
      await api.storage[area].set(items);
      return true;
    } catch (err) {
      warnOnce(`storage.${area}.set`, err);
      return false;
    }
  },

  async storageRemove(area, keys) {
    try {
      await api.storage[area].remove(keys);
      return true;
    } catch (err) {
      warnOnce(`storage.${area}.remove`, err);
      return false;
    }
  },

  /** Listen to storage changes: `fn(changes, areaName)`. Returns a function that stops listening. */
  onStorageChanged(fn) {
    return listen(api.storage?.onChanged, fn, 'storage.onChanged');
  },

  /** Send `msg` to the service worker; resolves to its reply or `{ok:false, error}`. */
  async send(msg) {
    try {
      const reply = await api.runtime.sendMessage(msg);
      return reply ?? fail('no_reply', 'no reply');
    } catch (err) {
      return fail('unreachable', String(err?.message ?? err));
    }
  },

  /** Send `msg` to the content script of tab `tabId`; resolves to the reply or `{ok:false, error}`. */
  async sendToTab(tabId, msg) {
    try {
      const reply = await api.tabs.sendMessage(tabId, msg);
      return reply ?? fail('no_reply', 'no reply');
    } catch (err) {
      return fail('unreachable', String(err?.message ?? err));
    }
  },

  /**
   * The one runtime.onMessage listener: `handler(msg, sender)` returns a
   * reply (or a promise of one); thrown errors become `{ok:false}` replies.
   * Returns a function that stops listening.
   */
  onMessage(handler) {
    return listen(api.runtime.onMessage, (msg, sender, sendResponse) => {
      let result;
      try {
        result = handler(msg, sender);
      } catch (err) {
        sendResponse(fail('internal', String(err?.message ?? err)));
        return false;
      }
      if (result === undefined) return false; // not ours: let other listeners answer
      Promise.resolve(result).then(sendResponse, (err) => {
        sendResponse(fail('internal', String(err?.message ?? err)));
      });
      return true;
    }, 'runtime.onMessage');
  },

  async activeTab() {
    try {
      const [tab] = await api.tabs.query({ active: true, lastFocusedWindow: true });
      return tab ?? null;
    } catch (err) {
      warnOnce('tabs.query', err);
      return null;
    }
  },

  async setBadge(tabId, text, color) {
    try {
      await api.action.setBadgeText({ tabId, text });
      if (color) await api.action.setBadgeBackgroundColor({ tabId, color });
    } catch {
      // the tab may be gone: nothing to show
    }
  },

  /** Ask for host access to `origin` (must run in a user gesture). */
  async requestOrigin(origin) {
    try {
      const origins = [`${origin}/*`];
      if (await api.permissions.contains({ origins })) return true;
      return await api.permissions.request({ origins });
    } catch (err) {
      warnOnce('permissions.request', err);
      return false;
    }
  },
};
