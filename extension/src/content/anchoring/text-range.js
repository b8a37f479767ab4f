// Anchoring: turns UTF-16 offsets into DOM Ranges. The only JavaScript that
// knows how offsets map to nodes.
//
// Offsets are UTF-16 code units of the block's text exactly as sent
// (String.prototype.slice units), as the service returns them (DESIGN.md).

/**
 * Resolve one UTF-16 offset of a block's text to a (Text node, offset) point.
 * One forward walk over the pieces. At a boundary between two pieces, a start
 * point goes to the later piece and an end point to the earlier one, so a
 * Range never begins or ends in a node it does not cover.
 * @param {{text: string, pieces: {node: Text, start: number, end: number, nodeStart: number}[]}} block
 * @param {number} offset
 * @param {'start'|'end'} side
 * @returns {{node: Text, offset: number}}
 * @throws {RangeError} if the offset is not an integer inside the block's text
 */
export function resolveOffset(block, offset, side) {
  if (!Number.isInteger(offset) || offset < 0 || offset > block.text.length) {
    throw new RangeError(`offset ${offset} outside block of length ${block.text.length}`);
  }
  const { pieces } = block;
  for (let i = 0; i < pieces.length; i += 1) {
    const p = pieces[i];
    const inside = side === 'start' ? offset >= p.start && offset < p.end : offset > p.start && offset <= p.end;
    if (inside) return { node: p.node, offset: p.nodeStart + (offset - p.start) };
  }
  // Empty span at the very start/end of a block.
  const edge = side === 'start' ? pieces[0] : pieces[pieces.length - 1];
  if (!edge) throw new RangeError('block has no text nodes');
  return side === 'start'
    ? { node: edge.node, offset: edge.nodeStart }
    : { node: edge.node, offset: edge.nodeStart + (edge.end - edge.start) };
}

/** True if `i` falls between the two halves of a surrogate pair. */
export function splitsSurrogatePair(text, i) {
  if (i <= 0 || i >= text.length) return false;
  const hi = text.charCodeAt(i - 1);
  const lo = text.charCodeAt(i);
  return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
}

/**
 * A DOM Range for [start, end) of the block's text.
 * @throws {RangeError} for offsets outside the text, reversed, or splitting a surrogate pair
 */
export function rangeFromOffsets(block, start, end) {
  if (!(start <= end)) throw new RangeError(`start ${start} after end ${end}`);
  if (splitsSurrogatePair(block.text, start) || splitsSurrogatePair(block.text, end)) {
    throw new RangeError(`offsets ${start}-${end} split a surrogate pair`);
  }
  const a = resolveOffset(block, start, 'start');
  const b = resolveOffset(block, end, 'end');
  const doc = a.node.ownerDocument;
  const range = doc.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  return range;
}

/**
 * What the block's own Text nodes say now between `start` and `end` (offsets
 * of the text as collected). Differs from Range.toString() when a sentence
 * spans text the collector skips (a hidden span, a <button>): those nodes are
 * inside the Range but not in the text that was sent.
 */
export function pieceText(block, start, end) {
  let s = '';
  for (const p of block.pieces) {
    if (p.end <= start || p.start >= end) continue;
    if (p.node.isConnected === false) return null;
    const from = Math.max(p.start, start);
    const to = Math.min(p.end, end);
    s += p.node.data.slice(p.nodeStart + (from - p.start), p.nodeStart + (to - p.start));
  }
  return s;
}
