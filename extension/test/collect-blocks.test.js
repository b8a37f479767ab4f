import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockContainer, collectBlocks } from '../src/content/collect-blocks.js';
import { fixture, domFrom } from './helpers.mjs';

function texts(win) {
  return collectBlocks(win.document.body).map((b) => b.text);
}

test('collects visible block text in document order, skipping what is not prose', () => {
  const got = texts(fixture('article.html'));
  assert.deepEqual(got, [
    'Home',
    'News',
    'Storm leaves thousands without power',
    '🌩️👍🏽 The city council said on Tuesday that 1,240 homes lost power after the storm.',
    '東京都は火曜日、1,240戸が停電したと発表した。',
    'Cafe\u0301 owners — and the naïve — said the re\u0301sume\u0301 was fine.',
    'First item',
    'Nested paragraph in an item.',
    'tail of the item',
    'Line one of an address',
    'Line two of an address',
    'Type here:    done.', // the <input>, <textarea> and <button> are left out
    'Cell A has 3 apples.',
    'Cell B',
    'A caption of the storm.',
    '“We had 40 crews out,” the utility said.',
  ]);
});

test('never collects hidden, script, form-field, editable or own-UI text', () => {
  const all = texts(fixture('article.html')).join('\n');
  for (const s of ['Hidden paragraph', 'Display none', 'Invisible', 'not sent', 'Click', 'User draft',
    'No script text', 'Own UI text', 'The script said', 'Fixture']) {
    assert.ok(!all.includes(s), `${s} must not be collected`);
  }
});

test('each piece maps block offsets back to its Text node', () => {
  const win = fixture('article.html');
  for (const block of collectBlocks(win.document.body)) {
    let rebuilt = '';
    let at = 0;
    for (const p of block.pieces) {
      assert.equal(p.start, at, 'pieces are contiguous');
      assert.equal(p.node.nodeType, 3);
      rebuilt += p.node.data.slice(p.nodeStart, p.nodeStart + p.end - p.start);
      at = p.end;
    }
    assert.equal(rebuilt, block.text);
    assert.equal(at, block.text.length);
  }
});

test('a block spanning inline elements keeps one text with several pieces', () => {
  const win = fixture('article.html');
  const block = collectBlocks(win.document.body).find((b) => b.text.startsWith('🌩️'));
  assert.equal(block.element.localName, 'p');
  assert.equal(block.pieces.length, 3); // text, <strong> text, text
  assert.equal(block.pieces[1].node.parentElement.localName, 'strong');
});

test('<br> splits a block into segments of the same element', () => {
  const win = fixture('article.html');
  const lines = collectBlocks(win.document.body).filter((b) => b.text.startsWith('Line'));
  assert.equal(lines.length, 2);
  assert.equal(lines[0].element, lines[1].element);
  assert.deepEqual(lines.map((b) => b.segment), [0, 1]);
});

test('collecting from a sub-tree gives only that part (for mutation passes)', () => {
  const win = domFrom('<body><div id="feed"><p>Old.</p></div></body>');
  const feed = win.document.getElementById('feed');
  const p = win.document.createElement('p');
  p.innerHTML = 'New <b>story</b> with 12 figures.';
  feed.append(p);
  assert.equal(blockContainer(p.querySelector('b').firstChild), p);
  assert.deepEqual(collectBlocks(blockContainer(p)).map((b) => b.text), ['New story with 12 figures.']);
});

test('whitespace-only blocks are dropped and edges are trimmed with offsets kept', () => {
  const win = domFrom('<body><p>\n   <span>  Padded sentence.  </span>\n</p><p> \n </p></body>');
  const [b, ...rest] = collectBlocks(win.document.body);
  assert.equal(rest.length, 0);
  assert.equal(b.text, 'Padded sentence.');
  assert.equal(b.pieces.length, 1);
  assert.equal(b.pieces[0].nodeStart, 2);
});
