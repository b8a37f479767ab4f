// Every part of the content script takes away, in destroy(), each listener,
// observer, animation frame and timer it added; and the orchestrator's
// destroy() (or the site switched off) destroys every part. The browser's
// extension API is a stand-in here (node has none); the DOM is jsdom's, its
// functions watched by trackLive (helpers.mjs).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { JSDOM } from 'jsdom';
import { NOTHING_LIVE, trackLive } from './helpers.mjs';

function browserEvent() {
  const listeners = new Set();
  return {
    listeners,
    addListener: (fn) => listeners.add(fn),
    removeListener: (fn) => listeners.delete(fn),
    fire: (...args) => [...listeners].map((fn) => fn(...args)),
  };
}

const sent = [];
let answer = (msg) => ({ ok: true, value: msg.what === 'analyze' ? { blocks: [], notes: [] } : null });
let stored = {};
globalThis.chrome = {
  runtime: {
    id: 'fake',
    getURL: (p) => `chrome-extension://fake/${p}`,
    onMessage: browserEvent(),
    async sendMessage(msg) {
      sent.push(msg);
      return answer(msg);
    },
  },
  storage: {
    local: { get: async (key) => ({ [key]: stored[key] }) },
    onChanged: browserEvent(),
  },
};
after(() => {
  delete globalThis.chrome;
});

const { ListenerCollection } = await import('../src/content/listeners.js');
const { collectBlocks } = await import('../src/content/collect-blocks.js');
const { PassScheduler } = await import('../src/content/scheduler.js');
const { AnalyzeRequest } = await import('../src/content/request.js');
const { Records } = await import('../src/content/records.js');
const { PointerKeys, HIDE_DELAY_MS } = await import('../src/content/pointer.js');
const { DomWatcher } = await import('../src/content/dom-watcher.js');
const { PageState, REPORT_DELAY_MS } = await import('../src/content/page-state.js');
const { createHighlighter } = await import('../src/content/highlighter.js');
const { Orchestrator } = await import('../src/content/orchestrator.js');

const sleep = (ms) => new Promise((r) => {
  setTimeout(r, ms);
});

function page(body = '<p>The council said 1,240 homes lost power.</p>', url = 'https://news.example.com/a') {
  const { window } = new JSDOM(`<body>${body}</body>`, { url, pretendToBeVisual: true });
  window.document.querySelector('p'); // (jsdom's selector engine adds listeners of its own on first use)
  // jsdom lays nothing out, so it has no scrolling and no boxes for ranges: these stand in for the tooltip.
  window.Element.prototype.scrollIntoView = () => {};
  window.Range.prototype.getClientRects = () => [];
  window.Range.prototype.getBoundingClientRect = () => ({ top: 10, bottom: 20, left: 10, right: 200, width: 190, height: 10 });
  const tracker = trackLive(window);
  return { win: window, tracker };
}

/** A flag over the whole of the first <p>. */
function flagOnFirstParagraph(win) {
  const range = win.document.createRange();
  range.selectNodeContents(win.document.querySelector('p').firstChild);
  return { kind: 'claim', range, span: { kind: 'claim', type: 'statistic', score: 0.9, label: 'Figures', note: 'Check them.', text_hash: 'a'.repeat(40) } };
}

test('a ListenerCollection removes every listener it added, and runs what it was given to undo', () => {
  const { win, tracker } = page();
  const calls = [];
  const listeners = new ListenerCollection();
  listeners.add(win.document, 'click', () => calls.push('click'));
  listeners.add(win, 'scroll', () => calls.push('scroll'), { capture: true, passive: true });
  listeners.own(() => calls.push('undone'));
  assert.deepEqual(tracker.live().listeners, ['click', 'scroll']);
  listeners.removeAll();
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  win.document.dispatchEvent(new win.Event('click'));
  win.dispatchEvent(new win.Event('scroll'));
  assert.deepEqual(calls, ['undone']);
  listeners.removeAll(); // a second time: nothing left to undo
  assert.deepEqual(calls, ['undone']);
  tracker.restore();
});

test('the scheduler: destroy() drops the debounce timer, and a pass in flight starts no other', async () => {
  const { win, tracker } = page();
  const passes = [];
  let release;
  const scheduler = new PassScheduler({
    pass: (roots) => {
      passes.push(roots);
      return new Promise((r) => {
        release = r;
      });
    },
    whole: () => win.document.body,
  });
  scheduler.schedule([win.document.querySelector('p')]);
  assert.equal(tracker.live().timers, 1);
  scheduler.destroy();
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  await sleep(300);
  assert.deepEqual(passes, []);

  const again = new PassScheduler({ pass: (roots) => scheduler.pass(roots), whole: () => win.document.body });
  again.schedule(null, { now: true });
  await sleep(20);
  assert.equal(passes.length, 1);
  again.schedule([win.document.querySelector('p')]); // waits for the pass in flight
  again.destroy();
  release();
  await sleep(300);
  assert.equal(passes.length, 1);
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  tracker.restore();
});

test('the request: destroy() drops a pending retry (Retry-After), so it never asks again', async () => {
  const { win, tracker } = page();
  answer = () => ({ ok: false, error: { code: 'rate_limited', message: 'slow down', retryAfter: 1 } });
  const retried = [];
  const request = new AnalyzeRequest(win, { onRetry: (els) => retried.push(els) });
  const reply = await request.send(collectBlocks(win.document.body), ['claim']);
  assert.equal(reply.error.code, 'rate_limited');
  assert.equal(sent.at(-1).url, 'https://news.example.com/a');
  assert.equal(request.retryScheduled, true);
  assert.equal(tracker.live().timers, 1);
  request.destroy();
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  await sleep(1100);
  assert.deepEqual(retried, []);
  answer = (msg) => ({ ok: true, value: msg.what === 'analyze' ? { blocks: [], notes: [] } : null });
  tracker.restore();
});

test('the records hold no listeners, and destroy() forgets every flag', () => {
  const { win, tracker } = page();
  const records = new Records();
  const p = win.document.querySelector('p');
  const block = { element: p, segment: 0, text: p.textContent };
  const flag = { ...flagOnFirstParagraph(win), element: p, segment: 0 };
  records.add([block], [flag], { kinds: ['claim'] });
  assert.equal(records.show({ enabled: true, kinds: ['claim'], min_score: null, muted_types: [] }).length, 1);
  assert.deepEqual(records.unsent([block]), []);
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  records.destroy();
  assert.deepEqual([records.list, records.items, records.unsent([block]).length], [[], [], 1]);
  tracker.restore();
});

test('pointer and keys: destroy() removes their four listeners, a pending frame and hide timer, and the tooltip', async () => {
  const { win, tracker } = page();
  const hl = createHighlighter(win);
  const pointer = new PointerKeys(win, hl, { onDismiss: () => {} });
  assert.deepEqual(tracker.live().listeners, ['keydown', 'mousemove', 'resize', 'scroll']);
  const flag = flagOnFirstParagraph(win);
  hl.setItems([flag]);
  pointer.setItems([flag]);
  assert.equal(pointer.step(1).count, 1);
  assert.equal(pointer.current(), flag);
  assert.ok(win.document.querySelector('claimflag-tooltip'));
  win.document.dispatchEvent(new win.MouseEvent('mousemove', { clientX: 1, clientY: 1 }));
  assert.equal(tracker.live().frames, 1);

  pointer.destroy();
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  assert.equal(win.document.querySelector('claimflag-tooltip'), null);
  // Nothing listens any more: Esc no longer takes the focus off the flag.
  win.document.dispatchEvent(new win.KeyboardEvent('keydown', { key: 'Escape' }));
  assert.equal(hl.focused, flag);
  hl.destroy();

  // A hide timer pending at destroy() is dropped too.
  const hl2 = createHighlighter(win);
  const pointer2 = new PointerKeys(win, hl2, { onDismiss: () => {} });
  pointer2.hoverShown = true;
  pointer2.tooltip.show(flag);
  pointer2.setItems([flag]);
  win.document.dispatchEvent(new win.MouseEvent('mousemove', { clientX: 500, clientY: 500 }));
  await sleep(50); // the frame: no flag at that point, so the tooltip is to go after HIDE_DELAY_MS
  assert.equal(tracker.live().timers, 1);
  pointer2.destroy();
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  await sleep(HIDE_DELAY_MS + 20);
  tracker.restore();
});

test('the DOM watcher: destroy() disconnects its MutationObserver, so later changes go unreported', async () => {
  const { win, tracker } = page();
  const changes = [];
  const watcher = new DomWatcher(win, { onChange: (roots) => changes.push(roots), onRemoved: () => changes.push('removed') });
  assert.equal(tracker.live().observers, 1);
  const p = win.document.createElement('p');
  p.textContent = 'A new story: 3 roads closed.';
  win.document.body.append(p);
  await sleep(0);
  assert.deepEqual(changes, [[win.document.body]]); // the element whose children changed
  watcher.destroy();
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  p.textContent = 'Rewritten: 4 roads closed.';
  p.remove();
  await sleep(0);
  assert.equal(changes.length, 1);
  tracker.restore();
});

test('the page state: destroy() drops the report that was to follow the last change', async () => {
  const { win, tracker } = page();
  const state = new PageState(win.document, () => ({
    host: 'news.example.com', status: 'ready', reason: '', error: '', counts: { claim: 2, disclosure: 0 },
    notes: [], orphans: 0, visible: true, model: '', mode: 'mark',
  }));
  const reports = sent.length;
  state.changed();
  assert.equal(win.document.documentElement.dataset.claimflagClaims, '2'); // the hooks at once
  assert.equal(tracker.live().timers, 1);
  state.destroy();
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  await sleep(REPORT_DELAY_MS + 30);
  assert.equal(sent.length, reports);
  tracker.restore();
});

test('the orchestrator: the site switched off destroys every part; destroy() leaves nothing listening at all', async () => {
  const { win, tracker } = page();
  stored = { settings: null };
  const html = win.document.documentElement;
  const orch = new Orchestrator(win);
  await orch.start();
  await sleep(100);
  assert.equal(html.dataset.claimflag, 'ready');
  assert.deepEqual(tracker.live().listeners, ['keydown', 'mousemove', 'resize', 'scroll']);
  assert.equal(tracker.live().observers, 1);
  assert.equal(chrome.runtime.onMessage.listeners.size, 1);
  assert.equal(chrome.storage.onChanged.listeners.size, 1);

  // Off for this site: no part is left, only the two extension listeners that hear "on" again.
  chrome.storage.onChanged.fire({ settings: { newValue: { sites: { 'example.com': { enabled: false } } } } }, 'local');
  assert.equal(html.dataset.claimflag, 'disabled');
  assert.equal(orch.parts, null);
  await sleep(REPORT_DELAY_MS + 30); // the "disabled" report goes out
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  const before = sent.length;
  const p = win.document.createElement('p');
  p.textContent = 'Ignored: 99 balloons.';
  win.document.body.append(p);
  await sleep(400);
  assert.equal(sent.length, before);

  // On again: the parts are back and the page is read again.
  chrome.storage.onChanged.fire({ settings: { newValue: null } }, 'local');
  await sleep(100);
  assert.equal(html.dataset.claimflag, 'ready');
  assert.equal(tracker.live().observers, 1);
  assert.ok(sent.slice(before).some((m) => m.what === 'analyze' && m.blocks.some((b) => b.text.includes('99 balloons'))));

  orch.destroy();
  assert.deepEqual(tracker.live(), NOTHING_LIVE);
  assert.equal(chrome.runtime.onMessage.listeners.size, 0);
  assert.equal(chrome.storage.onChanged.listeners.size, 0);
  tracker.restore();
});
