"""One page's analysis within a time limit: the cache answers what it
knows, and the rest is analysed in slices until a deadline.

Slices hold at most ``batch_size`` blocks and about ``slice_chars``
characters. Each slice is cached as soon as it is done, so a request that
runs out of time (``DeadlineExceeded``) leaves its work for the retry. The
analyzer runs one page at a time per process; waiting longer than ``wait``
for it raises its ``Busy``.
"""

from __future__ import annotations

import time

from .. import metrics
from .flags import Flag
from .pipeline import Block


class DeadlineExceeded(Exception):
    """The deadline passed with slices left; the slices done are cached."""


def flags_for(blocks: list[Block], analyzer, cache, deadline: float, *, batch_size: int,
              slice_chars: int, wait: float) -> list[list[Flag]]:
    """Flags per block: ``cache`` (a ``store.cache.BlockCache``) where it has
    them, the misses analysed in slices until ``deadline`` (``time.monotonic``)."""
    keys = [cache.key(b.text, b.page_edge) for b in blocks]
    found = cache.get_many(keys)
    # Identical blocks on one page are analysed once.
    missing = {key: block for key, block, hit in zip(keys, blocks, found) if hit is None}
    metrics.BLOCKS.labels("hit").inc(len(blocks) - len(missing))
    metrics.BLOCKS.labels("miss").inc(len(missing))
    fresh: dict[str, list[Flag]] = {}
    spent = 0.0
    for n, piece in enumerate(slices(list(missing.items()), batch_size, slice_chars)):
        # The first slice always runs, so every retry makes progress.
        left = deadline - time.monotonic()
        if n and left <= 0:
            raise DeadlineExceeded
        started = time.perf_counter()
        # Later slices wait for the analyzer no longer than the deadline allows.
        results = analyzer.analyze([block for _, block in piece], wait=min(wait, left) if n else wait)
        spent += time.perf_counter() - started
        done = [(key, flags) for (key, _), flags in zip(piece, results)]
        cache.put_many(done)
        fresh.update(done)
    if missing:
        metrics.ANALYSIS_SECONDS.observe(spent)
    return [hit if hit is not None else fresh[key] for key, hit in zip(keys, found)]


def slices(items: list[tuple[str, Block]], max_blocks: int, max_chars: int):
    """Consecutive runs of at most ``max_blocks`` blocks and about ``max_chars``
    characters (a longer block is a slice of its own)."""
    piece: list[tuple[str, Block]] = []
    chars = 0
    for item in items:
        size = len(item[1].text)
        if piece and (len(piece) >= max_blocks or chars + size > max_chars):
            yield piece
            piece, chars = [], 0
        piece.append(item)
        chars += size
    if piece:
        yield piece
