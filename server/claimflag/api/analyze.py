"""POST /v1/analyze: blocks in, highlight spans out."""

from __future__ import annotations

import math
import time

from flask import Blueprint, current_app

from ..errors import APIError
from ..nlp import get_analyzer
from ..nlp.analysis import DeadlineExceeded, flags_for
from ..nlp.disclosures import page_notes
from ..nlp.flags import Flag
from ..nlp.offsets import Utf16Offsets, utf16_length
from ..nlp.pipeline import Busy, page_blocks
from ..preferences import service_defaults, shown, site_preferences
from ..store.cache import BlockCache
from ..store.redis import get_store
from .schemas import AnalyzeRequest
from .validation import check_text, read_json

bp = Blueprint("analyze", __name__, url_prefix="/v1")


@bp.post("/analyze")
def analyze():
    req = read_json(AnalyzeRequest)
    _check_limits(req)
    started = time.monotonic()
    analyzer = get_analyzer()
    config = current_app.config["CLAIMFLAG"]
    site = site_preferences(req.url)   # None: no token, or Redis down (service defaults)
    prefs = site.effective if site else service_defaults()
    kinds = [kind for kind in req.kinds if kind in prefs["kinds"]]
    if not prefs["enabled"]:
        # A disabled site: no analysis at all, not even a cache lookup.
        return {"model": analyzer.version, "offsets": "utf16", "disabled": True,
                "page": {"notes": [], "counts": _counts(kinds)},
                "blocks": [{"id": b.id, "spans": []} for b in req.blocks]}
    blocks = page_blocks([b.text for b in req.blocks])
    flags: list[list[Flag]] = [[] for _ in blocks]
    if kinds:   # the site shows no kind at all: nothing to analyse
        cache = BlockCache(get_store(), analyzer.fingerprint, config.CACHE_TTL, config.CACHE_SECRET)
        try:
            flags = flags_for(blocks, analyzer, cache, deadline=started + config.ANALYSIS_TIMEOUT,
                              batch_size=config.NLP_BATCH_SIZE, slice_chars=config.ANALYSIS_SLICE_CHARS,
                              wait=config.ANALYSIS_WAIT)
        except DeadlineExceeded:
            raise APIError(503, "the page took too long to analyse; what was done is cached, "
                                "so a retry goes on from there", code="analysis_timeout",
                           headers={"Retry-After": "1"}) from None
        except Busy:
            raise APIError(503, "the service is busy analysing other pages; try again shortly",
                           code="busy", headers={"Retry-After": str(max(1, math.ceil(config.ANALYSIS_WAIT)))}) \
                from None
    counts = _counts(kinds)
    disclosure_types = []
    out_blocks = []
    for block_in, block_flags in zip(req.blocks, flags):
        spans = []
        to_utf16 = Utf16Offsets(block_in.text)
        for flag, text_hash in shown(block_flags, block_in.text, kinds, prefs, site):
            span = _span(flag, block_in.text, to_utf16, block_in.links or ())
            if text_hash is not None:
                span["text_hash"] = text_hash
            spans.append(span)
            counts[flag.kind] += 1
            if flag.kind == "claim":
                counts[flag.priority] += 1
            if flag.kind == "disclosure":
                disclosure_types.append(flag.type)
        out_blocks.append({"id": block_in.id, "spans": spans})
    return {
        "model": analyzer.version,
        "offsets": "utf16",
        "disabled": False,
        "page": {"notes": page_notes(disclosure_types), "counts": counts},
        "blocks": out_blocks,
    }


def _counts(kinds: list[str]) -> dict[str, int]:
    """Zero of each kind asked for; with claims, also of each priority."""
    return {kind: 0 for kind in kinds} | ({"high": 0, "normal": 0} if "claim" in kinds else {})


def _span(flag: Flag, text: str, to_utf16: Utf16Offsets, links) -> dict:
    start, end = to_utf16(flag.start), to_utf16(flag.end)
    # Worked out here, from this request's links: the cache holds flags of the
    # text alone, and the links are never stored.
    cites = flag.kind == "claim" and any(a < end and start < b for a, b in links)
    span = {"start": start, "end": end, "kind": flag.kind, "type": flag.type, "score": round(flag.score, 4),
            "label": flag.label, "note": flag.note.render(text, cites_link=cites)}
    if flag.kind == "claim":
        span["priority"] = flag.priority
    if cites:
        span["cites_link"] = True
    return span


def _check_limits(req: AnalyzeRequest) -> None:
    config = current_app.config["CLAIMFLAG"]
    if len(req.blocks) > config.MAX_BLOCKS:
        raise APIError(422, f"blocks must hold at most {config.MAX_BLOCKS} blocks", field="blocks")
    if req.url is not None:
        if len(req.url) > config.MAX_URL_CHARS:
            raise APIError(422, f"url must be at most {config.MAX_URL_CHARS} characters", field="url")
        check_text(req.url, "url")
    if len(set(req.kinds)) != len(req.kinds):
        raise APIError(422, "kinds must not repeat a kind", field="kinds")
    seen: set[str] = set()
    total = 0
    for i, block in enumerate(req.blocks):
        if block.id in seen:
            raise APIError(422, f"blocks[{i}].id repeats the id of an earlier block", field=f"blocks[{i}].id")
        seen.add(block.id)
        check_text(block.id, f"blocks[{i}].id")
        check_text(block.text, f"blocks[{i}].text")
        size = utf16_length(block.text)
        if size > config.MAX_BLOCK_CHARS:
            raise APIError(422, f"blocks[{i}].text must be at most {config.MAX_BLOCK_CHARS} characters",
                           field=f"blocks[{i}].text")
        for j, (start, end) in enumerate(block.links or ()):
            # (The message gives no positions: nothing of the request is echoed.)
            if not 0 <= start < end <= size:
                raise APIError(422, f"blocks[{i}].links[{j}] must be [start, end] with 0 <= start < end <= "
                                    "the length of the block's text in UTF-16 code units",
                               field=f"blocks[{i}].links[{j}]")
        total += size
    if total > config.MAX_TOTAL_CHARS:
        raise APIError(422, f"blocks must hold at most {config.MAX_TOTAL_CHARS} characters in all",
                       field="blocks")
