// Finding: the visible text of each block element, in document order, with an
// offset table from the block's text to its Text nodes. Pure DOM code: no
// extension APIs, so `node --test` runs it on a DOM fixture.
//
// A block is the text of one block-level element that is not inside a nested
// block (a <li> with a <p> inside yields the <li>'s own text and the <p>'s
// text separately). A <br> ends a block segment too, so a sentence never
// crosses a block boundary or a line break.

/**
 * @typedef {object} Piece   One Text node's share of a block's text.
 * @property {Text} node
 * @property {number} start      UTF-16 offset in the block text where the piece begins
 * @property {number} end        UTF-16 offset where it ends (exclusive)
 * @property {number} nodeStart  UTF-16 offset in node.data that `start` corresponds to
 * @property {Element|null} link  the link (`<a href>`) the Text node is in, if any
 *
 * @typedef {object} Block
 * @property {Element} element   the block element
 * @property {number} segment    index of the <br>-separated segment within the element
 * @property {string} text       the text sent to the service (offsets are UTF-16 code units of this)
 * @property {Piece[]} pieces    in document order, non-overlapping, covering `text`
 */

export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog',
  'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4',
  'h5', 'h6', 'header', 'hgroup', 'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre',
  'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);

/** Elements whose text is never page prose (or is the user's own input). */
export const SKIP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'textarea', 'input', 'select', 'option', 'optgroup',
  'button', 'svg', 'math', 'canvas', 'iframe', 'object', 'embed', 'video', 'audio', 'head',
  'title', 'meta', 'link', 'datalist', 'output', 'progress', 'meter',
]);

/** The extension's own UI: never collected, never observed. */
export const OWN_TAGS = new Set(['claimflag-tooltip']);

const INLINE_DISPLAYS = /^(inline|contents|ruby)/;

/** Default: hidden by the `hidden` attribute, `display:none` or `visibility:hidden`. */
export function defaultIsHidden(el) {
  if (el.hidden) return true;
  if (typeof el.checkVisibility === 'function') {
    return !el.checkVisibility({ visibilityProperty: true });
  }
  const view = el.ownerDocument?.defaultView;
  if (!view?.getComputedStyle) return false;
  const cs = view.getComputedStyle(el);
  return cs.display === 'none' || cs.visibility === 'hidden';
}

/** Default: a block tag, or any element the page styles as a non-inline box. */
export function defaultIsBlock(el) {
  const tag = el.localName;
  if (BLOCK_TAGS.has(tag)) return true;
  const view = el.ownerDocument?.defaultView;
  if (!view?.getComputedStyle) return false;
  const d = view.getComputedStyle(el).display;
  return Boolean(d) && !INLINE_DISPLAYS.test(d) && d !== 'none';
}

function isSkipped(el) {
  const tag = el.localName;
  if (SKIP_TAGS.has(tag) || OWN_TAGS.has(tag)) return true;
  if (el.isContentEditable || el.getAttribute?.('contenteditable') === 'true') return true;
  return false;
}

/**
 * Collect the blocks under `root` (an Element, usually document.body).
 * `root` itself counts as a block container.
 * @param {Element} root
 * @param {{isHidden?: (el: Element) => boolean, isBlock?: (el: Element) => boolean}} [opts]
 * @returns {Block[]}
 */
export function collectBlocks(root, opts = {}) {
  const blocks = [];
  for (const b of walkBlocks(root, opts)) if (b) blocks.push(b);
  return blocks;
}

/**
 * The same blocks, collected in time slices: between slices it yields to the
 * event loop (`slicer`, see slicer.js), so a big page never blocks the main
 * thread for long. The page may change during a pause: the blocks are what
 * the page said when each was read (anchoring checks the text again later).
 * @param {Element} root
 * @param {{due: () => boolean, pause: () => Promise<void>}} slicer
 * @param {object} [opts]  as for collectBlocks
 * @returns {Promise<Block[]>}
 */
export async function collectBlocksSliced(root, slicer, opts = {}) {
  const blocks = [];
  for (const b of walkBlocks(root, opts)) {
    if (b) blocks.push(b);
    if (slicer.due()) await slicer.pause();
  }
  return blocks;
}

// How many elements the walk visits between two chances to pause.
const CHECK_EVERY = 16;

/**
 * The walk behind both: a generator of blocks in document order, which also
 * yields `null` every few elements (a point where a caller may pause).
 * @returns {Generator<Block|null>}
 */
export function* walkBlocks(root, opts = {}) {
  const isHidden = opts.isHidden ?? defaultIsHidden;
  const isBlock = opts.isBlock ?? defaultIsBlock;
  if (!root || root.nodeType !== 1 || isSkipped(root) || isHidden(root)) return;

  // One open segment per block element on the stack; a nested block suspends
  // its parent's segment (text after the nested block starts a new segment).
  const stack = [];
  let visited = 0;
  let link = root.closest?.('a[href]') ?? null; // the link the walk is inside, if any
  const open = (element) => {
    stack.push({ element, segment: 0, text: '', pieces: [] });
  };
  /** Close the frame's open segment; the block it made, or null. */
  const flush = (frame) => {
    let block = null;
    if (frame.pieces.length) {
      block = trimBlock(frame);
      frame.segment += 1;
    }
    frame.text = '';
    frame.pieces = [];
    return block;
  };

  function* walk(node) {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const data = child.data;
        if (!data) continue;
        const frame = stack[stack.length - 1];
        const start = frame.text.length;
        frame.text += data;
        frame.pieces.push({ node: child, start, end: start + data.length, nodeStart: 0, link });
      } else if (child.nodeType === 1) {
        const el = child;
        visited += 1;
        if (visited % CHECK_EVERY === 0) yield null;
        if (el.localName === 'br') {
          const b = flush(stack[stack.length - 1]);
          if (b) yield b;
          continue;
        }
        if (isSkipped(el) || isHidden(el)) continue;
        const outer = link;
        if (el.localName === 'a' && el.hasAttribute('href')) link = el;
        if (isBlock(el)) {
          const before = flush(stack[stack.length - 1]);
          if (before) yield before;
          open(el);
          yield* walk(el);
          const own = flush(stack.pop());
          if (own) yield own;
        } else {
          yield* walk(el);
        }
        link = outer;
        // Shadow roots and iframes are not walked: their text is not part of this document's flow.
      }
    }
  }

  open(root);
  yield* walk(root);
  const last = flush(stack.pop());
  if (last) yield last;
}

/** Drop leading/trailing whitespace from a segment; null if nothing but whitespace is left. */
function trimBlock(frame) {
  const { text } = frame;
  const lead = text.length - text.trimStart().length;
  const end = text.trimEnd().length;
  if (end <= lead) return null;
  const pieces = [];
  for (const p of frame.pieces) {
    const s = Math.max(p.start, lead);
    const e = Math.min(p.end, end);
    if (e <= s) continue;
    pieces.push({ node: p.node, start: s - lead, end: e - lead, nodeStart: p.nodeStart + (s - p.start), link: p.link });
  }
  return { element: frame.element, segment: frame.segment, text: text.slice(lead, end), pieces };
}

/**
 * The block's links: for each run of its text inside one `<a href>`, the
 * UTF-16 range in the block's text and the link element. (The ranges are what
 * is sent; the elements, with their addresses, stay in the page.)
 * @param {Block} block
 * @returns {{start: number, end: number, element: Element}[]}
 */
export function blockLinks(block) {
  const out = [];
  for (const p of block.pieces) {
    if (!p.link) continue;
    const last = out[out.length - 1];
    if (last?.element === p.link && last.end === p.start) last.end = p.end;
    else out.push({ start: p.start, end: p.end, element: p.link });
  }
  return out;
}

/** The same block as it is in the page now, or null (for anchoring after the page changed). */
export function recollectBlock(block) {
  if (!block.element.isConnected) return null;
  const now = collectBlocks(block.element).filter((b) => b.element === block.element);
  return now.find((b) => b.segment === block.segment) ?? now.find((b) => b.text.includes(block.text)) ?? null;
}

/**
 * The nearest ancestor-or-self of `node` that is a block container (for
 * re-collecting only the part of a page a mutation touched).
 */
export function blockContainer(node, opts = {}) {
  const isBlock = opts.isBlock ?? defaultIsBlock;
  let el = node.nodeType === 1 ? node : node.parentElement;
  while (el && !isBlock(el)) el = el.parentElement;
  return el ?? node.ownerDocument?.body ?? null;
}

/** Whether `node` is inside something collectBlocks never reads (own UI, scripts, form fields). */
export function isInsideSkipped(node) {
  for (let el = node.nodeType === 1 ? node : node.parentElement; el; el = el.parentElement) {
    if (isSkipped(el)) return true;
  }
  return false;
}
