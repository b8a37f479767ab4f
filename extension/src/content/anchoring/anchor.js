// Anchoring with checks: position first, then verify the text, then a
// fallback search. A failed anchor is data ({error}), never an exception.

import { pieceText, rangeFromOffsets } from './text-range.js';

/**
 * Anchor one span of a block.
 * @param {object} block      the block as collected when the request was sent ({text, pieces})
 * @param {{start:number, end:number}} span
 * @param {() => object|null} [recollect]  returns the block as it is now (for the fallback)
 * @returns {{range: Range, quote: string, moved?: boolean} | {error: string, quote?: string}}
 */
export function anchorSpan(block, span, recollect) {
  const { start, end } = span;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > block.text.length || start >= end) {
    return { error: `bad offsets ${start}-${end}` };
  }
  const quote = block.text.slice(start, end);
  try {
    const range = rangeFromOffsets(block, start, end);
    if (range.toString() === quote || pieceText(block, start, end) === quote) return { range, quote };
  } catch (err) {
    if (!(err instanceof RangeError) && err?.name !== 'IndexSizeError') throw err;
  }
  // The page changed while the request was in flight: look for the same
  // sentence in the block as it is now, nearest to where it was.
  const now = recollect?.();
  if (!now) return { error: 'text changed', quote };
  const at = nearestIndexOf(now.text, quote, start);
  if (at < 0) return { error: 'text changed', quote };
  try {
    const range = rangeFromOffsets(now, at, at + quote.length);
    if (range.toString() === quote || pieceText(now, at, at + quote.length) === quote) {
      return { range, quote, moved: true };
    }
  } catch (err) {
    if (!(err instanceof RangeError) && err?.name !== 'IndexSizeError') throw err;
  }
  return { error: 'text changed', quote };
}

/** Index of the occurrence of `needle` in `hay` nearest to `near`, or -1. */
export function nearestIndexOf(hay, needle, near) {
  if (!needle) return -1;
  let best = -1;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    if (best < 0 || Math.abs(i - near) < Math.abs(best - near)) best = i;
    if (i > near) break;
  }
  return best;
}

/**
 * Anchor every span of an answer, in the slicer's time slices.
 * @param {object[]} blocks  the blocks as sent (each with its `id`)
 * @param {{id: string, spans?: object[]}[]} answer  the service's blocks
 * @param {object} o
 * @param {import('../slicer.js').Slicer} o.slicer
 * @param {(block: object) => object|null} o.recollect  the block as it is in the page now
 * @param {() => boolean} o.wanted  checked after each pause: false drops the work
 * @returns {Promise<{anchored: object[], orphans: number} | null>} null once no longer wanted
 */
export async function anchorAnswer(blocks, answer, { slicer, recollect, wanted }) {
  const byId = new Map(blocks.map((b) => [b.id, b]));
  const anchored = [];
  let orphans = 0;
  // A block that changed in flight is re-read once, not once per span.
  const recollected = new Map();
  const now = (block) => {
    if (!recollected.has(block)) recollected.set(block, recollect(block));
    return recollected.get(block);
  };
  for (const rb of answer) {
    const block = byId.get(rb.id);
    if (!block) continue;
    for (const span of rb.spans ?? []) {
      const a = anchorSpan(block, span, () => now(block));
      if (a.error) orphans += 1;
      else anchored.push({ id: rb.id, element: block.element, segment: block.segment, kind: span.kind, span, range: a.range });
      if (slicer.due()) {
        await slicer.pause();
        if (!wanted()) return null;
      }
    }
  }
  return { anchored, orphans };
}
