// Test helper: a jsdom window for a fixture page (not a test file itself).
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

export function domFrom(html) {
  return new JSDOM(html).window;
}

export function fixture(name) {
  const html = readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    // The fixture spells combining marks as \u0301 so they stay visible in an editor.
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  return domFrom(html);
}

/**
 * Watch what code attaches to `win` and the event loop from now on: DOM
 * event listeners, MutationObservers that observe, animation frames and
 * timers. `live()` says what is still attached and can still fire (listeners
 * as their event types; one on a node taken out of the document cannot).
 * Instruments the platform's own functions; our code runs unchanged.
 */
export function trackLive(win) {
  const listeners = new Map(); // key → "type"
  const observers = new Set();
  const frames = new Set();
  const timers = new Set();
  const key = (target, type, fn, options) => {
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    return [target, type, fn, capture];
  };
  const same = (a, b) => a.every((x, i) => x === b[i]);
  const proto = win.EventTarget.prototype;
  const { addEventListener, removeEventListener } = proto;
  proto.addEventListener = function add(type, fn, options) {
    const k = key(this, type, fn, options);
    if (![...listeners.keys()].some((o) => same(o, k))) listeners.set(k, type);
    return addEventListener.call(this, type, fn, options);
  };
  proto.removeEventListener = function remove(type, fn, options) {
    const k = key(this, type, fn, options);
    for (const o of listeners.keys()) if (same(o, k)) listeners.delete(o);
    return removeEventListener.call(this, type, fn, options);
  };
  const MO = win.MutationObserver;
  win.MutationObserver = class extends MO {
    observe(...args) {
      observers.add(this);
      return super.observe(...args);
    }

    disconnect() {
      observers.delete(this);
      return super.disconnect();
    }
  };
  const { requestAnimationFrame, cancelAnimationFrame } = win;
  win.requestAnimationFrame = (fn) => {
    const id = requestAnimationFrame.call(win, (t) => {
      frames.delete(id);
      fn(t);
    });
    frames.add(id);
    return id;
  };
  win.cancelAnimationFrame = (id) => {
    frames.delete(id);
    cancelAnimationFrame.call(win, id);
  };
  const { setTimeout, clearTimeout } = globalThis;
  globalThis.setTimeout = (fn, ms, ...args) => {
    const id = setTimeout(() => {
      timers.delete(id);
      fn(...args);
    }, ms);
    timers.add(id);
    return id;
  };
  globalThis.clearTimeout = (id) => {
    timers.delete(id);
    clearTimeout(id);
  };
  return {
    live: () => ({
      listeners: [...listeners].filter(([[target]]) => target.isConnected !== false).map(([, type]) => type).sort(),
      observers: observers.size,
      frames: frames.size,
      timers: timers.size,
    }),
    restore() {
      Object.assign(proto, { addEventListener, removeEventListener });
      Object.assign(win, { MutationObserver: MO, requestAnimationFrame, cancelAnimationFrame });
      Object.assign(globalThis, { setTimeout, clearTimeout });
    },
  };
}

export const NOTHING_LIVE = Object.freeze({ listeners: [], observers: 0, frames: 0, timers: 0 });
