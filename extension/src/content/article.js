// Finding the article: which of a page's blocks are its main content (sent
// for claims), which are page chrome near it that may be a disclosure (a
// "Sponsored content" label above the headline, "Originally published at …"
// under the story: sent for disclosures only), and which are the rest of the
// chrome (navigation, related-story lists, footers, comment threads, ad slots:
// not sent). Pure DOM code over the collected blocks; no layout is read.
//
// How: every paragraph (a block of some length outside chrome) scores the
// elements just above it, most its parent, less and less further up, so the
// element that holds the most paragraphs of its own wins, not the page's
// outer wrapper; an element's score then shrinks with the share of its text
// that is link text, which sinks lists of story teasers. The winner and those
// of its siblings that score or read like prose are the article. Chrome
// (landmarks such as <nav>, <aside> and <footer>, ARIA roles, class and id
// names such as "related" or "comments": the nearest element above a block
// that says what it is decides), blocks that are mostly link text and bare
// ad-slot labels are left out of it again.
//
// (Readability, which tells the article apart well, clones and scores the
// whole document in one go: 76 to 204 ms on the 20,000-word bench page, up to
// 457 ms at 3x CPU slow-down, one task that cannot be sliced; see
// extension/README.md. This finder works on the blocks already collected, in
// time slices.)

export const ROLE = Object.freeze({
  ARTICLE: 'article', // sent with the site's kinds
  EDGE: 'edge', // near the article, may be a disclosure: sent for disclosures only
  CHROME: 'chrome', // not sent
});

const CHROME_TAGS = new Set(['nav', 'aside', 'footer', 'form', 'menu', 'dialog']);
const ARTICLE_TAGS = new Set(['article', 'main']);
const CHROME_ROLES = new Set(['navigation', 'complementary', 'contentinfo', 'search', 'menu', 'menubar',
  'banner', 'toolbar', 'tablist']);
const ARTICLE_ROLES = new Set(['main', 'article']);
// Words in class names and ids ("c-related-links", "comment_list", "shareBar").
const CHROME_WORDS = new Set([
  'nav', 'navbar', 'navigation', 'menu', 'breadcrumb', 'breadcrumbs', 'sidebar', 'rail', 'related', 'recommended',
  'recommendations', 'share', 'sharing', 'social', 'comment', 'comments', 'disqus', 'newsletter', 'subscribe',
  'subscription', 'signup', 'promo', 'promotion', 'ad', 'ads', 'advert', 'advertisement', 'adslot', 'outbrain',
  'taboola', 'cookie', 'cookies', 'consent', 'gdpr', 'footer', 'masthead', 'pagination', 'pager', 'toolbar',
  'skip', 'tags', 'widget', 'trending', 'popular',
]);
// Names run together ("jp-relatedposts", "sharebuttons") are chrome by their first word.
const CHROME_PREFIXES = ['related', 'share', 'social', 'sidebar', 'newsletter', 'subscri', 'breadcrumb', 'advert',
  'outbrain', 'taboola', 'disqus', 'recommend', 'tooltip'];
const ARTICLE_WORDS = new Set(['article', 'content', 'post', 'entry', 'story', 'body', 'main', 'text', 'prose']);
// Class names that are words (atomic CSS such as "Mstart(137px)--modalMinWidth" names no part of a page).
const CLASS_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
// A bare ad-slot label: never sent at all.
const AD_LABEL = /^(advertisement|advertising|ads?|sponsored links?|sponsored stories|promoted links?|promoted stories|recommended by|paid links?|around the web)\W*$/i;

// Blocks mostly link text (over this share) are links, not prose.
export const MAX_LINK_SHARE = 0.5;
// A paragraph: a block of at least this many characters outside chrome.
export const MIN_PARAGRAPH_CHARS = 25;
// How far up a paragraph's score reaches (its parent is level 0).
const SCORE_LEVELS = 5;
// A sibling of the winner joins the article if it scores this share of the winner's score (and at least SIBLING_MIN).
const SIBLING_SHARE = 0.2;
const SIBLING_MIN = 10;
// Blocks outside the article this near its first or last block, and this short, may be disclosures.
export const EDGE_BLOCKS = 4;
export const EDGE_MAX_CHARS = 300;

const CHECK_EVERY = 16;

function nameWords(el) {
  const names = (typeof el.className === 'string' ? el.className.split(/\s+/) : []).filter((c) => CLASS_NAME.test(c));
  if (el.id && CLASS_NAME.test(el.id)) names.push(el.id);
  if (!names.length) return [];
  // camelCase, kebab-case and snake_case all split into words.
  return names.join(' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
}

/**
 * What `el` itself says it is: 'chrome' (a landmark, a role, or a class or id
 * naming chrome; "comment-content" too), 'article', or '' (nothing).
 */
export function elementHint(el) {
  const tag = el.localName;
  if (CHROME_TAGS.has(tag)) return 'chrome';
  const role = el.getAttribute('role')?.trim().toLowerCase();
  if (role && CHROME_ROLES.has(role)) return 'chrome';
  const names = nameWords(el);
  if (names.some((w) => CHROME_WORDS.has(w) || CHROME_PREFIXES.some((p) => w.startsWith(p)))) return 'chrome';
  if (ARTICLE_TAGS.has(tag) || (role && ARTICLE_ROLES.has(role)) || names.some((w) => ARTICLE_WORDS.has(w))) return 'article';
  return '';
}

export function isAdLabel(text) {
  return text.length <= 40 && AD_LABEL.test(text.trim());
}

/** The text of `block` that is in links (UTF-16 units). */
function linkLength(block) {
  let n = 0;
  for (const p of block.pieces) if (p.link) n += p.end - p.start;
  return n;
}

function linkShare(block) {
  return block.text.length ? linkLength(block) / block.text.length : 0;
}

/** What one paragraph adds to the scores above it: one, one per comma, one per 100 characters (at most 3). */
function paragraphPoints(text) {
  const commas = (text.match(/[,，、]/g) ?? []).length;
  return 1 + commas + Math.min(3, Math.floor(text.length / 100));
}

/**
 * "Is this element in chrome?", answered by the nearest element at or above
 * it that says what it is, and kept per element, so that each is looked at once.
 */
class ChromeAncestry {
  constructor() {
    this.memo = new Map();
    this.hints = new Map();
  }

  hint(el) {
    let h = this.hints.get(el);
    if (h === undefined) this.hints.set(el, (h = elementHint(el)));
    return h;
  }

  /** Whether `el` is in chrome, by the nearest hint at or above it (up to the document). */
  inChrome(el) {
    if (!el || el.nodeType !== 1) return false;
    if (this.memo.has(el)) return this.memo.get(el);
    const hint = this.hint(el);
    const v = hint ? hint === 'chrome' : this.inChrome(el.parentElement);
    this.memo.set(el, v);
    return v;
  }

  /** The same, by the nearest hint at or above `el` and below `top` (no hint there: not chrome). */
  inChromeBelow(el, top) {
    for (let e = el; e && e !== top; e = e.parentElement) {
      const hint = this.hint(e);
      if (hint) return hint === 'chrome';
    }
    return false;
  }
}

/** Per element: its paragraphs' score, and its blocks' text and link text. */
class Tally {
  constructor() {
    this.score = 0;
    this.chars = 0;
    this.links = 0;
  }

  get final() {
    return this.score * (1 - (this.chars ? this.links / this.chars : 0));
  }
}

/**
 * The article of a page, found once over the whole page's blocks; later
 * blocks (content added to the page) are judged against it.
 */
export class ArticleFinder {
  constructor() {
    this.roots = []; // the elements that hold the article
    this.ancestry = new ChromeAncestry();
  }

  /**
   * Give each of `blocks` (the whole page, in document order) its `role`.
   * @param {import('./collect-blocks.js').Block[]} blocks
   * @param {{due: () => boolean, pause: () => Promise<void>}} [slicer]
   * @returns {Promise<import('./collect-blocks.js').Block[]>} the same blocks
   */
  async classifyPage(blocks, slicer = null) {
    this.ancestry = new ChromeAncestry();
    this.roots = await this.findRoots(blocks, slicer);
    let first = -1;
    let last = -1;
    for (let i = 0; i < blocks.length; i += 1) {
      const b = blocks[i];
      b.role = this.roleInArticle(b);
      if (b.role === ROLE.ARTICLE) {
        if (first < 0) first = i;
        last = i;
      }
      if (i % CHECK_EVERY === 0 && slicer?.due()) await slicer.pause();
    }
    if (first >= 0) this.markEdges(blocks, first, last);
    return blocks;
  }

  /**
   * Roles for blocks that came later (new or changed content), judged
   * against the article found for the page: inside it as on the first pass;
   * outside it, a paragraph that is not chrome is taken for more article (a
   * story appended by infinite scroll), the rest (a ticker's "updated 2 min
   * ago", a new menu) for chrome.
   */
  classifyMore(blocks) {
    for (const b of blocks) {
      if (this.rootOf(b.element)) b.role = this.roleInArticle(b);
      else if (b.text.length < MIN_PARAGRAPH_CHARS || this.ancestry.inChrome(b.element)
        || linkShare(b) > MAX_LINK_SHARE) b.role = ROLE.CHROME;
      else b.role = ROLE.ARTICLE;
    }
    return blocks;
  }

  /** The root of the article that holds `el`, or null. */
  rootOf(el) {
    return this.roots.find((r) => r.isConnected && r.contains(el)) ?? null;
  }

  roleInArticle(b) {
    const root = this.rootOf(b.element);
    if (!root || isAdLabel(b.text)) return ROLE.CHROME;
    if (this.ancestry.inChromeBelow(b.element, root)) return ROLE.CHROME;
    if (linkShare(b) > MAX_LINK_SHARE) return ROLE.CHROME;
    return ROLE.ARTICLE;
  }

  /**
   * Short blocks just before and after the article that are outside it only
   * by where they stand (no landmark or name says they are chrome): its
   * headline and byline, a label above them, a line under the story.
   */
  markEdges(blocks, first, last) {
    const near = (i) => {
      const b = blocks[i];
      if (b.role === ROLE.CHROME && b.text.length <= EDGE_MAX_CHARS && !isAdLabel(b.text)
        && !this.rootOf(b.element) && !this.ancestry.inChrome(b.element)) b.role = ROLE.EDGE;
    };
    for (let i = Math.max(0, first - EDGE_BLOCKS); i < first; i += 1) near(i);
    for (let i = last + 1; i <= Math.min(blocks.length - 1, last + EDGE_BLOCKS); i += 1) near(i);
  }

  /**
   * The elements that hold the article: the best scoring element (see the
   * top of this file) and those of its siblings that score well enough or
   * read as prose. The page's body when no paragraph stands anywhere.
   */
  async findRoots(blocks, slicer) {
    const body = blocks[0]?.element.ownerDocument?.body ?? null;
    const tallies = new Map();
    const tally = (el) => {
      let t = tallies.get(el);
      if (!t) tallies.set(el, (t = new Tally()));
      return t;
    };
    for (let i = 0; i < blocks.length; i += 1) {
      const b = blocks[i];
      const links = linkLength(b);
      for (let el = b.element; el; el = el.parentElement) {
        const t = tally(el);
        t.chars += b.text.length;
        t.links += links;
        if (el === body) break;
      }
      if (b.text.length >= MIN_PARAGRAPH_CHARS && !this.ancestry.inChrome(b.element)) {
        const points = paragraphPoints(b.text);
        let level = 0;
        for (let el = b.element.parentElement; el && level < SCORE_LEVELS; el = el.parentElement, level += 1) {
          tally(el).score += points / (level === 0 ? 1 : level === 1 ? 2 : level * 3);
          if (el === body) break;
        }
      }
      if (i % CHECK_EVERY === 0 && slicer?.due()) await slicer.pause();
    }
    // The best few candidates, best first (kept as they come: no sort of every element).
    const ranked = [];
    let n = 0;
    for (const [el, t] of tallies) {
      if (t.score <= 0) continue;
      const final = t.final + hintBonus(el, this.ancestry.hint(el));
      if (ranked.length < TOP_CANDIDATES || final > ranked[ranked.length - 1].final) {
        const at = ranked.findIndex((c) => c.final < final);
        ranked.splice(at < 0 ? ranked.length : at, 0, { el, final });
        ranked.length = Math.min(ranked.length, TOP_CANDIDATES);
      }
      n += 1;
      if (n % CHECK_EVERY === 0 && slicer?.due()) await slicer.pause();
    }
    if (!ranked.length || ranked[0].final <= 0) return body ? [body] : [];
    const top = liftTop(ranked, tallies, body);
    const best = Math.max(ranked[0].final, finalOf(top, tallies));
    // An article split over several sibling containers (the story, then more of
    // it after a photo box): the siblings that score, or read as prose, join.
    const roots = [];
    const threshold = Math.max(SIBLING_MIN, best * SIBLING_SHARE);
    for (const sib of top.parentElement?.children ?? [top]) {
      const t = tallies.get(sib);
      if (sib === top || (t && (t.final + hintBonus(sib) >= threshold || isProse(sib, t)))) roots.push(sib);
    }
    return roots;
  }

  /** Holds nothing that listens; forgets the page. */
  destroy() {
    this.roots = [];
    this.ancestry = new ChromeAncestry();
  }
}

// An article in several containers (steps of a how-to, sections between
// photos): when this many of the best candidates score nearly as well as the
// best one, the nearest element holding that many of them is the article.
const TOP_CANDIDATES = 5;
const CLOSE_SHARE = 0.75;
const CLOSE_NEEDED = 3;

function finalOf(el, tallies) {
  const t = tallies.get(el);
  return t ? t.final + hintBonus(el) : 0;
}

/**
 * The best candidate, moved up to the element that holds the article when
 * the best one holds only part of it: several close candidates under one
 * ancestor, a parent that scores better than its child on the way up, or a
 * parent of which it is the only child.
 */
function liftTop(ranked, tallies, body) {
  let top = ranked[0].el;
  const close = ranked.slice(1).filter((c) => c.final >= CLOSE_SHARE * ranked[0].final);
  if (close.length >= CLOSE_NEEDED) {
    for (let el = top.parentElement; el && el !== body; el = el.parentElement) {
      if (close.filter((c) => el.contains(c.el)).length >= CLOSE_NEEDED) {
        top = el;
        break;
      }
    }
  }
  let last = finalOf(top, tallies);
  const floor = last / 3;
  for (let el = top.parentElement; el && el !== body; el = el.parentElement) {
    if (!tallies.get(el)?.score) continue;
    const score = finalOf(el, tallies);
    if (score < floor) break;
    if (score > last) {
      top = el;
      break;
    }
    last = score;
  }
  while (top.parentElement && top.parentElement !== body && top.parentElement.children.length === 1) {
    top = top.parentElement;
  }
  return top;
}

/** Names that say "article" make a candidate likelier, names of chrome less likely. */
function hintBonus(el, hint = elementHint(el)) {
  return hint === 'article' ? 25 : hint === 'chrome' ? -25 : 0;
}

/** A sibling that is itself a paragraph of prose: long enough with few links, or a sentence with none. */
function isProse(el, t) {
  if (elementHint(el) === 'chrome') return false;
  const share = t.chars ? t.links / t.chars : 0;
  if (t.chars >= 80 && share < 0.25) return true;
  return t.chars > 0 && share === 0 && /[.!?]["'”’)]?\s*$/.test(el.textContent ?? '');
}
