import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anchorSpan, nearestIndexOf } from '../src/content/anchoring/anchor.js';
import { rangeFromOffsets, resolveOffset, splitsSurrogatePair } from '../src/content/anchoring/text-range.js';
import { collectBlocks } from '../src/content/collect-blocks.js';
import { domFrom } from './helpers.mjs';

/** Offsets of `sentence` in `text` in UTF-16 code units, as the service sends them. */
function span(text, sentence) {
  const start = text.indexOf(sentence);
  assert.ok(start >= 0, `${sentence} in ${text}`);
  return { start, end: start + sentence.length };
}

function oneBlock(html) {
  const win = domFrom(`<body>${html}</body>`);
  const blocks = collectBlocks(win.document.body);
  assert.equal(blocks.length, 1);
  return blocks[0];
}

const CLAIM = 'The city council said on Tuesday that 1,240 homes lost power after the storm.';

test('emoji before a claim (incl. a skin-tone modifier) shift UTF-16 offsets, and the range still fits', () => {
  const block = oneBlock(`<p>🌩️👍🏽🎉 <em>Update:</em> ${CLAIM} More soon.</p>`);
  const s = span(block.text, CLAIM);
  // 🌩 (2 units) + VS16 (1) + 👍 (2) + 🏽 (2) + 🎉 (2) + space + "Update:" + space
  assert.equal(s.start, 9 + 1 + 7 + 1);
  assert.equal([...block.text.slice(0, s.start)].length, 14, 'code points would be 4 fewer');
  const a = anchorSpan(block, s);
  assert.ok(!a.error, a.error);
  assert.equal(a.range.toString(), CLAIM);
});

test('a span across inline elements gets one range covering several Text nodes', () => {
  const block = oneBlock('<p>👍🏽 The council said <strong>1,240 homes</strong> lost power. Next.</p>');
  const sentence = 'The council said 1,240 homes lost power.';
  const a = anchorSpan(block, span(block.text, sentence));
  assert.equal(a.range.toString(), sentence);
  assert.notEqual(a.range.startContainer, a.range.endContainer);
});

test('CJK text: one code unit per character', () => {
  const text = '東京都は火曜日、1,240戸が停電したと発表した。専門家は原因を調べている。';
  const block = oneBlock(`<p>${text}</p>`);
  const sentence = '専門家は原因を調べている。';
  const a = anchorSpan(block, span(block.text, sentence));
  assert.equal(a.range.toString(), sentence);
});

test('astral CJK (surrogate pairs) and combining marks', () => {
  const decomposed = 'Cafe\u0301 owners said the re\u0301sume\u0301 had 3 errors.';
  const block = oneBlock(`<p>𠮷野家 𩸽. <i>${decomposed}</i></p>`);
  const s = span(block.text, decomposed);
  assert.equal(s.start, '𠮷野家 𩸽. '.length);
  assert.equal(s.start, 9);
  const a = anchorSpan(block, s);
  assert.equal(a.range.toString(), decomposed);
  assert.equal(a.range.toString().normalize('NFC'), 'Café owners said the résumé had 3 errors.');
});

test('offsets splitting a surrogate pair or past the end are refused as data, not thrown', () => {
  const block = oneBlock('<p>👍🏽 Short text.</p>');
  assert.ok(splitsSurrogatePair(block.text, 1));
  assert.throws(() => rangeFromOffsets(block, 1, 5), RangeError);
  assert.throws(() => resolveOffset(block, 99, 'end'), RangeError);
  assert.match(anchorSpan(block, { start: 1, end: 5 }).error, /changed|offsets/);
  assert.match(anchorSpan(block, { start: 0, end: 999 }).error, /bad offsets/);
  assert.match(anchorSpan(block, { start: 3, end: 3 }).error, /bad offsets/);
});

test('boundary offsets resolve into the node they cover', () => {
  const block = oneBlock('<p>ab<b>cd</b>ef</p>');
  const start = resolveOffset(block, 2, 'start');
  const end = resolveOffset(block, 2, 'end');
  assert.equal(start.node.data, 'cd');
  assert.equal(start.offset, 0);
  assert.equal(end.node.data, 'ab');
  assert.equal(end.offset, 2);
  assert.equal(rangeFromOffsets(block, 2, 4).toString(), 'cd');
});

test('text changed while in flight: found again near its old place, or reported', () => {
  const win = domFrom(`<body><p id="p">Intro. ${CLAIM}</p></body>`);
  const [block] = collectBlocks(win.document.body);
  const s = span(block.text, CLAIM);
  const p = win.document.getElementById('p');
  p.firstChild.data = `A new longer intro sentence. ${CLAIM}`;
  const recollect = () => collectBlocks(p)[0];
  const moved = anchorSpan(block, s, recollect);
  assert.ok(moved.moved);
  assert.equal(moved.range.toString(), CLAIM);
  p.firstChild.data = 'Something else entirely.';
  assert.equal(anchorSpan(block, s, recollect).error, 'text changed');
});

test('nearestIndexOf picks the occurrence closest to the old offset', () => {
  assert.equal(nearestIndexOf('ab ab ab', 'ab', 4), 3);
  assert.equal(nearestIndexOf('ab ab ab', 'ab', 0), 0);
  assert.equal(nearestIndexOf('ab', 'zz', 0), -1);
});
