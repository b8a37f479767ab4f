// Time slicing: the Slicer's budget, yielding, and collection in slices
// giving exactly what one go gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectBlocks, collectBlocksSliced, defaultIsHidden, walkBlocks } from '../src/content/collect-blocks.js';
import { Slicer, yieldToEventLoop } from '../src/content/slicer.js';
import { domFrom, fixture } from './helpers.mjs';

function fakeClock() {
  let t = 0;
  const clock = () => t;
  clock.advance = (ms) => {
    t += ms;
  };
  return clock;
}

test('a slice is due once its budget is used; pausing yields and starts a new slice', async () => {
  const clock = fakeClock();
  let yields = 0;
  const s = new Slicer({ budgetMs: 8, clock, yieldFn: async () => { yields += 1; } });
  assert.equal(s.due(), false);
  clock.advance(7.9);
  assert.equal(s.due(), false);
  clock.advance(0.1);
  assert.equal(s.due(), true);
  await s.check();
  assert.equal(yields, 1);
  assert.equal(s.due(), false);
  await s.check();
  assert.equal(yields, 1, 'check() yields only when due');
  clock.advance(20);
  s.restart();
  assert.equal(s.due(), false, 'restart() begins a fresh slice');
});

test('a budget of 0 or Infinity never yields (one go)', () => {
  for (const budgetMs of [0, Infinity, -1, Number.NaN]) {
    const clock = fakeClock();
    const s = new Slicer({ budgetMs, clock });
    clock.advance(1e6);
    assert.equal(s.due(), false, String(budgetMs));
  }
});

test('yieldToEventLoop lets queued tasks run first', async () => {
  const order = [];
  setTimeout(() => order.push('timer'), 0);
  await new Promise((r) => setTimeout(r, 1)); // the timer is due now
  const p = yieldToEventLoop().then(() => order.push('after yield'));
  order.push('sync');
  await p;
  assert.deepEqual(order, ['timer', 'sync', 'after yield']);
});

test('collecting in slices gives the same blocks, in the same order, as one go', async () => {
  const win = fixture('article.html');
  const once = collectBlocks(win.document.body);
  const clock = fakeClock();
  let yields = 0;
  // Every element "takes" 1 ms: with a 2 ms budget the walk pauses often.
  const slicer = new Slicer({ budgetMs: 2, clock, yieldFn: async () => { yields += 1; } });
  const sliced = await collectBlocksSliced(win.document.body, slicer, {
    isHidden: (el) => {
      clock.advance(1);
      return defaultIsHidden(el);
    },
  });
  assert.ok(yields > 2, `paused ${yields} times`);
  assert.deepEqual(sliced.map((b) => [b.element, b.segment, b.text]), once.map((b) => [b.element, b.segment, b.text]));
});

test('the walk offers a pause point every few elements, even where there is no text', () => {
  const win = domFrom(`<body>${'<div><span></span></div>'.repeat(100)}<p>Only text.</p></body>`);
  const out = [...walkBlocks(win.document.body)];
  assert.ok(out.filter((x) => x === null).length >= 10);
  assert.deepEqual(out.filter(Boolean).map((b) => b.text), ['Only text.']);
});
