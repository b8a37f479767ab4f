"""The whole claim analysis on web-page text: named behaviours.

Everything goes through ``Analyzer.analyze`` as the service runs it: the
claim model decides which sentences are candidates (at any score down to
the floor), and the claim evidence component vetoes furniture and bare
opinion and types the rest. The texts are our own lines
(``tests/data/claims_*.jsonl``, each its own block of one page, as a page's
paragraphs are) and the sample column, both used while writing the rules,
so they show that each behaviour holds, not how well the analysis does:
no rate over them is a quality figure. How well the claim model does on
real text is measured in its report (``models/claims/REPORT.md``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimflag.config import Config
from claimflag.nlp import load_analyzer
from claimflag.nlp.pipeline import page_blocks

DATA = Path(__file__).parent / "data"


def _load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


_HOLDOUT = _load("claims_holdout.jsonl") + _load("claims_holdout2.jsonl")
FURNITURE = _load("claims_furniture.jsonl") + [r for r in _HOLDOUT if r["group"] == "furniture"]
BARE_OPINION = _load("claims_opinion.jsonl") + [r for r in _HOLDOUT if r["group"] == "opinion"]
CLAIMS = _load("claims_claims.jsonl")


@pytest.fixture(scope="module")
def analyzer():
    return load_analyzer(Config.SPACY_MODEL, Config.NLP_BATCH_SIZE, Config.CLAIM_THRESHOLD)


def _flagged_as_claims(analyzer, texts: list[str]) -> list[str]:
    """The texts, laid out as the blocks of one page, that get a claim flag
    at any score."""
    flags = analyzer.analyze(page_blocks(texts))
    return [text for text, block in zip(texts, flags) if any(f.kind == "claim" for f in block)]


def test_page_furniture_is_never_a_claim(analyzer):
    """Bylines, dates, credits, cookie, share and navigation lines, ads and
    headings are no claims, however the model scores them."""
    assert len(FURNITURE) > 100
    assert _flagged_as_claims(analyzer, [r["text"] for r in FURNITURE]) == []


def test_bare_opinion_is_never_a_claim(analyzer):
    """Stance with nothing a reader could look up is no claim, however the
    model scores it."""
    assert len(BARE_OPINION) > 30
    assert _flagged_as_claims(analyzer, [r["text"] for r in BARE_OPINION]) == []


def test_a_claim_the_model_puts_forward_is_flagged_with_its_type(analyzer):
    """Each candidate sentence of our claim lines comes out as one claim flag
    over that sentence, with the score the model gave it and, where it is
    the whole line, the type the line names."""
    texts = [r["text"] for r in CLAIMS]
    blocks = page_blocks(texts)
    _, candidates = analyzer.first_pass(blocks)
    assert candidates
    flags = analyzer.analyze(blocks)
    for candidate in candidates:
        row = CLAIMS[candidate.block]
        [flag] = [f for f in flags[candidate.block] if f.kind == "claim"
                  and (f.start, f.end) == (candidate.start, candidate.end)]
        assert flag.score == pytest.approx(candidate.score), row["text"]
        if "type" in row and (candidate.start, candidate.end) == (0, len(row["text"])):
            assert flag.type == row["type"], row["text"]


def test_the_sample_columns_headings_and_disclaimers_are_not_claims(analyzer, sample_column):
    """A real page: its section headings are no claims, and neither is its
    disclaimer, flagged as a disclosure at the top and the foot."""
    headings = [2, 7, 15, 24]
    disclaimers = [0, len(sample_column) - 1]
    assert all(len(sample_column[i].split()) <= 5 and sample_column[i][-1].isalpha() for i in headings)
    flags = analyzer.analyze(page_blocks(sample_column))
    for i in headings:
        assert not any(f.kind == "claim" for f in flags[i]), sample_column[i]
    for i in disclaimers:
        assert flags[i] and {f.kind for f in flags[i]} == {"disclosure"}, sample_column[i]
