// The orchestrator on a jsdom page with a fake extension API: what it sends to
// the service worker, when, and what it does with the answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { JSDOM } from 'jsdom';

const sent = []; // analyze messages, in order
let inFlight = 0;
let maxInFlight = 0;
const storageListeners = [];
let storedSettings = null;
let storedPerf = null;

function answer(msg) {
  return {
    ok: true,
    value: {
      model: 'fake',
      notes: ['A page note.'],
      blocks: msg.blocks.map((b) => ({
        id: b.id,
        spans: /\d/.test(b.text)
          ? [{ start: 0, end: b.text.length, kind: 'claim', type: 'statistic', score: 0.9, label: 'Figures', note: 'Check the figures.' }]
          : [],
      })),
    },
  };
}

before(() => {
  globalThis.chrome = {
    runtime: {
      id: 'fake',
      getURL: (p) => `chrome-extension://fake/${p}`,
      onMessage: { addListener() {} },
      async sendMessage(msg) {
        if (msg.what !== 'analyze') return { ok: true, value: null };
        sent.push(msg);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight -= 1;
        return answer(msg);
      },
    },
    storage: {
      local: { get: async () => ({ settings: storedSettings, perf: storedPerf }) },
      onChanged: { addListener: (fn) => storageListeners.push(fn) },
    },
  };
});

after(() => {
  delete globalThis.chrome;
});

async function until(fn, ms = 3000) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('sends the page once, then only new blocks, debounced, one request at a time; off means nothing sent', async () => {
  const { Orchestrator } = await import('../src/content/orchestrator.js');
  const dom = new JSDOM('<body><h1>Live</h1><p>The council said 1,240 homes lost power.</p><div id="feed"></div></body>',
    { url: 'https://news.example.com/live?session=secret#top', pretendToBeVisual: true });
  const { window } = dom;
  const html = window.document.documentElement;
  const orch = new Orchestrator(window);
  await orch.start();
  await until(() => html.dataset.claimflag === 'ready' && sent.length === 1);
  assert.deepEqual(sent[0].blocks.map((b) => b.text), ['Live', 'The council said 1,240 homes lost power.']);
  assert.equal(sent[0].url, 'https://news.example.com/live', 'no query string or fragment');
  assert.equal(html.dataset.claimflagClaims, '1');

  // Four stories arrive in quick succession: one request with just those four.
  const feed = window.document.getElementById('feed');
  for (let i = 1; i <= 4; i += 1) {
    const p = window.document.createElement('p');
    p.textContent = `Story ${i} says ${i * 10} people were rescued.`;
    feed.append(p);
    await new Promise((r) => setTimeout(r, 20));
  }
  await until(() => html.dataset.claimflagClaims === '5');
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].blocks.map((b) => b.text), [1, 2, 3, 4].map((i) => `Story ${i} says ${i * 10} people were rescued.`));
  assert.equal(maxInFlight, 1);

  // A change while a request is in flight waits for it, then goes out alone.
  const extra = window.document.createElement('p');
  extra.textContent = 'Late story: 7 roads closed.';
  feed.append(extra);
  await until(() => sent.length === 3);
  const late = window.document.createElement('p');
  late.textContent = 'Later story: 8 bridges shut.';
  feed.append(late);
  await until(() => html.dataset.claimflagClaims === '7');
  assert.equal(maxInFlight, 1);
  assert.deepEqual(sent.slice(2).flatMap((m) => m.blocks.map((b) => b.text)),
    ['Late story: 7 roads closed.', 'Later story: 8 bridges shut.']);

  // Switching the site off clears everything and sends nothing more.
  storedSettings = { sites: { 'example.com': { enabled: false } } };
  for (const fn of storageListeners) fn({ settings: { newValue: storedSettings } }, 'local');
  assert.equal(html.dataset.claimflag, 'disabled');
  assert.equal(html.dataset.claimflagClaims, '0');
  assert.equal(window.document.querySelectorAll('mark').length, 0);
  const count = sent.length;
  const p = window.document.createElement('p');
  p.textContent = 'Ignored: 99 balloons.';
  feed.append(p);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(sent.length, count);
  window.close();
});

test('a big page is collected and anchored in many small slices, with the same result; switching off mid-pass stops it', async () => {
  const { Orchestrator } = await import('../src/content/orchestrator.js');
  storedSettings = null;
  storedPerf = { timeSliceMs: 0.01 }; // a pause after (nearly) every step
  const paras = Array.from({ length: 300 }, (_, i) => `<p>Report ${i}: <b>${i + 1} homes</b> lost power, officials said.</p>`);
  const dom = new JSDOM(`<body>${paras.join('')}</body>`, { url: 'https://big.example.org/a', pretendToBeVisual: true });
  const html = dom.window.document.documentElement;
  const before = sent.length;
  const orch = new Orchestrator(dom.window);
  await orch.start();
  assert.equal(orch.sliceMs, 0.01);
  await until(() => html.dataset.claimflag === 'ready' && html.dataset.claimflagClaims === '300');
  assert.equal(sent.length, before + 1);
  assert.equal(sent[sent.length - 1].blocks.length, 300);
  assert.deepEqual(orch.parts.records.items.map((it) => it.range.toString()).slice(0, 2),
    ['Report 0: 1 homes lost power, officials said.', 'Report 1: 2 homes lost power, officials said.']);

  // Off while a pass is collecting: nothing is sent, nothing drawn.
  for (const p of dom.window.document.querySelectorAll('p')) p.append(' Updated.');
  await until(() => orch.parts?.scheduler.running);
  storedSettings = { sites: { 'example.org': { enabled: false } } };
  storageListeners[storageListeners.length - 1]({ settings: { newValue: storedSettings } }, 'local');
  const count = sent.length;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(html.dataset.claimflag, 'disabled');
  assert.equal(html.dataset.claimflagClaims, '0');
  assert.equal(sent.length, count);
  storedPerf = null;
  dom.window.close();
});

test('the page is analyzed once: the install token saved while the first request is in flight, or a display setting, resends nothing', async () => {
  const { Orchestrator } = await import('../src/content/orchestrator.js');
  storedSettings = null;
  const dom = new JSDOM('<body><p>The council said 1,240 homes lost power.</p><p>Crews worked through the night.</p></body>',
    { url: 'https://once.example.net/a', pretendToBeVisual: true });
  const html = dom.window.document.documentElement;
  const before = sent.length;
  const orch = new Orchestrator(dom.window);
  await orch.start();
  const changed = storageListeners[storageListeners.length - 1];
  await until(() => sent.length === before + 1);
  // The service worker got the install token just before it sent the first
  // request, and stored it: the content script hears of it while the request is in flight.
  assert.equal(html.dataset.claimflag, 'pending');
  storedSettings = { token: 'a-new-install-token' };
  changed({ settings: { newValue: storedSettings } }, 'local');
  await until(() => html.dataset.claimflag === 'ready');
  assert.equal(html.dataset.claimflagClaims, '1');
  // Settings that change only what is drawn (all claims, the sensitivity, another site's rule).
  for (const s of [
    { token: 'a-new-install-token', defaults: { all_claims: true } },
    { token: 'a-new-install-token', defaults: { all_claims: true, min_score: 0.95 } },
    { token: 'a-new-install-token', sites: { 'other.example': { enabled: false } } },
  ]) {
    changed({ settings: { newValue: s } }, 'local');
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(html.dataset.claimflag, 'ready');
  }
  assert.equal(sent.length, before + 1, 'one request for the page');
  // A kind not asked for yet is a reason to ask again.
  changed({ settings: { newValue: { defaults: { kinds: ['disclosure'] } } } }, 'local');
  await new Promise((r) => setTimeout(r, 100));
  changed({ settings: { newValue: { defaults: { kinds: ['claim', 'disclosure'] } } } }, 'local');
  await until(() => html.dataset.claimflag === 'ready');
  assert.equal(sent.length, before + 1, 'both kinds were asked for the first time');
  orch.destroy();
  dom.window.close();
});
