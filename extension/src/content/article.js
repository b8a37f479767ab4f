// Finding the article: which of a page's blocks are its main content (sent
// for claims), which are page chrome near it that may be a disclosure (a
// "Sponsored content" label above the headline, "Originally published at …"
// under the story: sent for disclosures only), and which are the rest of the
// chrome (navigation, related-story lists, footers, comment threads, ad slots:
// not sent). Pure DOM code over the collected blocks; no layout is read.
//
// The article's root is the element whose blocks hold the most text that is
// neither link text nor inside chrome (landmarks such as <nav>, <aside> and
// <footer>, ARIA roles, class and id names such as "related" or "comments"),
// less the link text and chrome text it takes in with them. Inside the root,
// chrome elements, blocks that are mostly link text, and bare ad-slot labels
// are left out again.
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

// Elements that are page chrome, and elements that hold an article. The
// nearest element above a block that is either decides: a story's body inside
// a sidebar-like "widget" is article, a share bar inside the story is chrome.
const CHROME_TAGS = new Set(['nav', 'aside', 'footer', 'form', 'menu', 'dialog']);
const ARTICLE_TAGS = new Set(['article', 'main']);
const CHROME_ROLES = new Set(['navigation', 'complementary', 'contentinfo', 'search', 'menu', 'menubar', 'dialog',
  'alertdialog', 'banner', 'toolbar', 'tablist']);
const ARTICLE_ROLES = new Set(['main', 'article']);
// Words in class names and ids ("c-related-links", "comment_list", "shareBar").
const CHROME_WORDS = new Set([
  'nav', 'navbar', 'navigation', 'menu', 'breadcrumb', 'breadcrumbs', 'sidebar', 'rail', 'related', 'recommended',
  'recommendations', 'share', 'sharing', 'social', 'comment', 'comments', 'disqus', 'newsletter', 'subscribe',
  'subscription', 'signup', 'promo', 'promotion', 'ad', 'ads', 'advert', 'advertisement', 'adslot', 'outbrain',
  'taboola', 'cookie', 'cookies', 'consent', 'gdpr', 'footer', 'masthead', 'pagination', 'pager', 'toolbar',
  'popup', 'modal', 'skip', 'tags', 'widget', 'trending', 'popular',
]);
const ARTICLE_WORDS = new Set(['article', 'content', 'post', 'entry', 'story', 'body', 'main', 'text', 'prose']);
// A bare ad-slot label: never sent at all.
const AD_LABEL = /^(advertisement|advertising|ads?|sponsored links?|sponsored stories|promoted links?|promoted stories|recommended by|paid links?|around the web)\W*$/i;

// Blocks mostly link text (over this share) are links, not prose.
export const MAX_LINK_SHARE = 0.5;
// Chrome blocks this near the article's first or last block, and this short, may be disclosures.
export const EDGE_BLOCKS = 6;
export const EDGE_MAX_CHARS = 300;

const CHECK_EVERY = 64;

function nameWords(el) {
  const raw = `${typeof el.className === 'string' ? el.className : ''} ${el.id || ''}`;
  if (!raw.trim()) return [];
  // camelCase, kebab-case and snake_case all split into words.
  return raw.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/);
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
  if (el.getAttribute('aria-hidden') === 'true') return 'chrome';
  const names = nameWords(el);
  if (names.some((w) => CHROME_WORDS.has(w))) return 'chrome';
  if (ARTICLE_TAGS.has(tag) || (role && ARTICLE_ROLES.has(role)) || names.some((w) => ARTICLE_WORDS.has(w))) return 'article';
  return '';
}

/** The text of `block` that is in links (UTF-16 units). */
function linkLength(block) {
  let n = 0;
  for (const p of block.pieces) if (p.link) n += p.end - p.start;
  return n;
}

export function isAdLabel(text) {
  return text.length <= 40 && AD_LABEL.test(text.trim());
}

/**
 * "Is this element in chrome?", answered by the nearest element at or above
 * it that says what it is, and kept per element, so that each is looked at once.
 */
class ChromeAncestry {
  constructor() {
    this.memo = new Map();
  }

  /** Whether `el` is in chrome, by the nearest hint at or above it (up to the document). */
  inChrome(el) {
    if (!el || el.nodeType !== 1) return false;
    if (this.memo.has(el)) return this.memo.get(el);
    const hint = elementHint(el);
    const v = hint ? hint === 'chrome' : this.inChrome(el.parentElement);
    this.memo.set(el, v);
    return v;
  }

  /** The same, by the nearest hint at or above `el` and below `root` (no hint there: not chrome). */
  inChromeBelow(el, root) {
    for (let e = el; e && e !== root; e = e.parentElement) {
      const hint = elementHint(e);
      if (hint) return hint === 'chrome';
    }
    return false;
  }
}

/**
 * The article of a page, found once over the whole page's blocks; later
 * blocks (content added to the page) are judged against it.
 */
export class ArticleFinder {
  constructor() {
    this.root = null;
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
    this.root = await this.findRoot(blocks, slicer);
    let first = -1;
    let last = -1;
    for (let i = 0; i < blocks.length; i += 1) {
      const b = blocks[i];
      b.role = this.roleInRoot(b);
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
   * against the root found for the page: inside it as on the first pass;
   * outside it, prose that is not chrome is taken for more article (a story
   * appended by infinite scroll), the rest for chrome.
   */
  classifyMore(blocks) {
    for (const b of blocks) {
      if (this.root?.isConnected && this.root.contains(b.element)) b.role = this.roleInRoot(b);
      else if (isAdLabel(b.text) || this.ancestry.inChrome(b.element) || linkShare(b) > MAX_LINK_SHARE) b.role = ROLE.CHROME;
      else b.role = ROLE.ARTICLE;
    }
    return blocks;
  }

  roleInRoot(b) {
    if (!this.root || isAdLabel(b.text)) return ROLE.CHROME;
    if (!this.root.contains(b.element) && b.element !== this.root) return ROLE.CHROME;
    if (this.ancestry.inChromeBelow(b.element, this.root)) return ROLE.CHROME;
    if (linkShare(b) > MAX_LINK_SHARE) return ROLE.CHROME;
    return ROLE.ARTICLE;
  }

  /** Holds nothing that listens; forgets the page. */
  destroy() {
    this.root = null;
    this.ancestry = new ChromeAncestry();
  }

  markEdges(blocks, first, last) {
    const near = (i) => {
      const b = blocks[i];
      if (b.role === ROLE.CHROME && b.text.length <= EDGE_MAX_CHARS && !isAdLabel(b.text)) b.role = ROLE.EDGE;
    };
    for (let i = Math.max(0, first - EDGE_BLOCKS); i < first; i += 1) near(i);
    for (let i = last + 1; i <= Math.min(blocks.length - 1, last + EDGE_BLOCKS); i += 1) near(i);
  }

  /**
   * The element that best holds the article: of all the blocks' ancestors,
   * the one whose blocks have the most text outside links and chrome, less
   * their link and chrome text. The document's body when nothing stands out.
   */
  async findRoot(blocks, slicer) {
    const body = blocks[0]?.element.ownerDocument?.body ?? null;
    const score = new Map();
    for (let i = 0; i < blocks.length; i += 1) {
      const b = blocks[i];
      const links = linkLength(b);
      const chrome = this.ancestry.inChrome(b.element);
      const worth = chrome ? -b.text.length : (b.text.length - links) - links;
      for (let el = b.element.parentElement; el; el = el.parentElement) {
        score.set(el, (score.get(el) ?? 0) + worth);
        if (el === body) break;
      }
      if (i % CHECK_EVERY === 0 && slicer?.due()) await slicer.pause();
    }
    let best = body;
    let bestScore = -Infinity;
    for (const [el, s] of score) {
      if (s > bestScore || (s === bestScore && best?.contains(el))) {
        best = el;
        bestScore = s;
      }
    }
    return best;
  }
}

function linkShare(b) {
  return b.text.length ? linkLength(b) / b.text.length : 0;
}
