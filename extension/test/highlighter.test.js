import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anchorSpan } from '../src/content/anchoring/anchor.js';
import { collectBlocks } from '../src/content/collect-blocks.js';
import { createHighlighter, textSegments } from '../src/content/highlighter.js';
import { domFrom } from './helpers.mjs';

// jsdom has no CSS Custom Highlight API, so createHighlighter gives the <mark> fallback here;
// the Custom Highlight API path is tested in real Chromium: tests/e2e/test_highlighter.py.

function setup(html) {
  const win = domFrom(`<body>${html}</body>`);
  const items = [];
  for (const block of collectBlocks(win.document.body)) {
    for (const sentence of block.text.split(/(?<=\.) /)) {
      if (!/\d/.test(sentence)) continue;
      const start = block.text.indexOf(sentence);
      const a = anchorSpan(block, { start, end: start + sentence.length });
      items.push({ kind: sentence.includes('sponsored') ? 'disclosure' : 'claim', range: a.range, span: { label: 'x' } });
    }
  }
  return { win, items, hl: createHighlighter(win) };
}

test('the <mark> fallback is used only where CSS.highlights is missing', () => {
  const { hl } = setup('<p>Nothing.</p>');
  assert.equal(hl.mode, 'mark');
});

test('<mark> fallback wraps each flag, across inline elements, and unwraps to the same text', () => {
  const html = '<p>👍🏽 Intro. The council said <b>1,240 homes</b> lost power. This was sponsored by 2 firms.</p>';
  const { win, items, hl } = setup(html);
  const p = win.document.querySelector('p');
  const before = p.textContent;
  hl.setItems(items);
  const marks = [...p.querySelectorAll('mark.claimflag-mark')];
  assert.deepEqual(marks.map((m) => m.className), [
    'claimflag-mark claimflag-mark-claim', 'claimflag-mark claimflag-mark-claim', 'claimflag-mark claimflag-mark-claim',
    'claimflag-mark claimflag-mark-disclosure']);
  assert.equal(p.textContent, before);
  assert.equal(items[0].range.toString(), 'The council said 1,240 homes lost power.');
  assert.equal(items[1].range.toString(), 'This was sponsored by 2 firms.');

  // Dropping one flag leaves the other's marks and range alone.
  hl.setItems([items[1]]);
  assert.equal(p.querySelectorAll('mark').length, 1);
  assert.equal(items[1].range.toString(), 'This was sponsored by 2 firms.');
  hl.setVisible(false);
  assert.ok(p.querySelector('mark').classList.contains('claimflag-mark-hidden'));
  hl.clear();
  assert.equal(p.querySelectorAll('mark').length, 0);
  assert.equal(p.textContent, before);
});

test('textSegments lists the Text-node pieces a range covers', () => {
  const { win } = setup('<p>ab<i>cd</i>ef</p>');
  const p = win.document.querySelector('p');
  const r = win.document.createRange();
  r.setStart(p.firstChild, 1);
  r.setEnd(p.lastChild, 1);
  assert.deepEqual(textSegments(r).map((s) => s.node.data.slice(s.start, s.end)), ['b', 'cd', 'e']);
});
