// Finding the article on DOM fixtures: what is sent for claims, what only
// for disclosures, and what not at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ArticleFinder, elementHint, isAdLabel, ROLE } from '../src/content/article.js';
import { collectBlocks } from '../src/content/collect-blocks.js';
import { domFrom, fixture } from './helpers.mjs';

async function roles(win) {
  const blocks = collectBlocks(win.document.body);
  const finder = new ArticleFinder();
  await finder.classifyPage(blocks);
  return { finder, blocks, of: (text) => blocks.find((b) => b.text.startsWith(text))?.role };
}

test('a news page: the story is article; chrome near it goes for disclosures only; the rest stays home', async () => {
  const win = fixture('news-page.html');
  const { of, blocks } = await roles(win);
  for (const id of ['p1', 'p2', 'p3', 'p4', 'p5']) {
    const text = win.document.getElementById(id).textContent.trim();
    assert.equal(of(text.slice(0, 30)), ROLE.ARTICLE, id);
  }
  // The headline and byline stand outside the story's body (as in Readability's
  // article), and with a label above them and the syndication line under the
  // story they may be disclosures.
  assert.equal(of('Storm cuts power to thousands'), ROLE.EDGE);
  assert.equal(of('By Dana Whitfield'), ROLE.EDGE);
  assert.equal(of('Sponsored content'), ROLE.EDGE);
  assert.equal(of('This story was originally published'), ROLE.EDGE);
  // An ad slot's bare label is never sent, even inside the story.
  assert.equal(of('Advertisement'), ROLE.CHROME);
  // Navigation, the share bar, related links, comments, teasers, the sidebar, the footer, the cookie notice.
  for (const text of ['Home', 'Share on X', 'Related', 'Flood defences', 'I lost power for two days', 'Thanks to the crews',
    'Council approves', 'The changes take effect', 'Most read', 'Bridge closed', '© Riverside Gazette', 'We use cookies']) {
    assert.equal(of(text), ROLE.CHROME, text);
  }
  assert.ok(blocks.every((b) => Object.values(ROLE).includes(b.role)));
});

test('a list of story teasers (headline links with a summary each) loses to the one story beside it', async () => {
  const teasers = Array.from({ length: 12 }, (_, i) => `<li class="card"><h3><a href="/s${i}">Story number ${i} about the council and its budget plans</a></h3>`
    + `<p>The council said on Monday that ${i + 3} projects would be delayed, and officials expect further cuts.</p></li>`).join('');
  const story = Array.from({ length: 5 }, (_, i) => `<p>Paragraph ${i}: the mayor said the city would borrow about $${i + 2} million, `
    + 'a figure that critics, including two councillors, called too high for a town of its size.</p>').join('');
  const win = domFrom(`<body><div id="stream"><ul>${teasers}</ul></div><div id="reader"><h1>The budget</h1>${story}</div></body>`);
  const { of, finder } = await roles(win);
  assert.deepEqual(finder.roots.map((r) => r.id), ['reader']);
  assert.equal(of('Paragraph 3'), ROLE.ARTICLE);
  assert.equal(of('The council said on Monday that 5'), ROLE.CHROME);
  assert.equal(of('Story number 4'), ROLE.CHROME);
});

test('an article in several containers (the steps of a how-to) is found whole', async () => {
  const steps = Array.from({ length: 5 }, (_, i) => `<div class="step"><h2>Step ${i + 1}</h2><div class="step-text"><p>Cut the foam about `
    + `${i + 2} centimetres smaller than the base, then press it in firmly, so that it sits level and does not move.</p></div></div>`).join('');
  const win = domFrom(`<body><div class="page"><div class="intro"><p>Terrariums are easy to make at home, and they need little care once they are closed.</p></div>${steps}</div>`
    + '<div class="footer-links"><a href="/x">About us</a> <a href="/y">Contact</a></div></body>');
  const { of, blocks } = await roles(win);
  assert.equal(blocks.filter((b) => b.text.startsWith('Cut the foam') && b.role === ROLE.ARTICLE).length, 5);
  assert.equal(of('Terrariums are easy'), ROLE.ARTICLE);
  assert.equal(of('About us'), ROLE.CHROME);
});

test('content added later is judged against the article found: more story is article, new chrome is not', async () => {
  const win = fixture('news-page.html');
  const { finder } = await roles(win);
  const doc = win.document;
  const more = doc.createElement('p');
  more.textContent = 'Update: the utility said 900 homes were still without power on Wednesday evening.';
  doc.querySelector('.story-body').append(more);
  const comment = doc.createElement('div');
  comment.className = 'comment';
  comment.innerHTML = '<p>Still no power on our street, and no word on when it will be back.</p>';
  doc.querySelector('.comments').append(comment);
  const next = doc.createElement('article');
  next.innerHTML = '<p>Next story: the fire service said it rescued 12 people from flooded homes overnight.</p>';
  doc.body.append(next);
  const ticker = doc.createElement('div');
  ticker.textContent = 'Updated 2 min ago';
  doc.body.prepend(ticker);
  const later = finder.classifyMore([more, comment, next, ticker].flatMap((el) => collectBlocks(el)));
  assert.deepEqual(later.map((b) => b.role), [ROLE.ARTICLE, ROLE.CHROME, ROLE.ARTICLE, ROLE.CHROME]);
});

test('a page with no prose to speak of (a short page, a form) is taken whole, as before', async () => {
  const win = domFrom('<body><h1>Live</h1><p>The council said 1,240 homes lost power.</p></body>');
  const { blocks } = await roles(win);
  assert.deepEqual(blocks.map((b) => b.role), [ROLE.ARTICLE, ROLE.ARTICLE]);
});

test('names say what an element is; the nearest one decides, atomic class names say nothing', () => {
  const win = domFrom('<body><div id="a" class="widget"><div id="b" class="post-body"><p id="c">x</p></div></div>'
    + '<div id="d" class="jp-relatedposts"></div><div id="e" class="comment-content"></div><div id="f" class="Mstart(137px)--modalMinWidth D(n)"></div>'
    + '<div id="g" role="navigation"></div><main id="h"></main></body>');
  const hint = (id) => elementHint(win.document.getElementById(id));
  assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(hint), ['chrome', 'article', '', 'chrome', 'chrome', '', 'chrome', 'article']);
  assert.ok(isAdLabel('Advertisement') && isAdLabel('Sponsored Links') && isAdLabel('ADVERTISEMENT:'));
  assert.ok(!isAdLabel('Sponsored content') && !isAdLabel('This post was sponsored by Summit Outdoor.'));
});
