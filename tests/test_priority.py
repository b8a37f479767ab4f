"""Claim priorities: from the model's two scores to a flag's score and
priority, and through the analysis and the API (texts written for these tests)."""

from __future__ import annotations

import pytest

from claimflag.config import Config
from claimflag.nlp import load_analyzer
from claimflag.nlp.claim_model import TierScore
from claimflag.nlp.claim_scores import FLAG_AT, flag_score, priority, rescale
from claimflag.nlp.flags import Flag, Note
from claimflag.nlp.pipeline import page_blocks
from conftest import analyze, bearer

# Check first: figures, cause and effect, unnamed sources, comparisons.
CHECK_FIRST = [
    "Unemployment in the region fell from 9.1 percent in 2021 to 5.4 percent this spring.",
    "The new bypass has cut average commuting times by 14 minutes, according to the transport agency.",
    "Officials who asked not to be named said the plant had leaked for at least three years.",
]
# Not a claim: stance, advice, greetings, a question.
NOT_CLAIMS = [
    "Honestly, this is the loveliest walk in the whole county.",
    "Remember to bring a warm coat if you go in winter.",
    "What would you have done in her place?",
]


@pytest.fixture(scope="module")
def analyzer():
    return load_analyzer(Config.SPACY_MODEL, Config.NLP_BATCH_SIZE, Config.CLAIM_THRESHOLD)


def test_each_threshold_lands_on_flag_at_and_the_order_is_kept():
    assert rescale(0.7, 0.7) == FLAG_AT and rescale(0.0, 0.7) == 0.0 and rescale(1.0, 0.7) == 1.0
    assert rescale(0.35, 0.7) == pytest.approx(FLAG_AT / 2)
    assert rescale(0.85, 0.7) == pytest.approx(0.75)
    points = [i / 20 for i in range(21)]
    assert [rescale(p, 0.3) for p in points] == sorted(rescale(p, 0.3) for p in points)


def test_flag_score_reaches_flag_at_when_either_probability_reaches_its_threshold():
    assert flag_score(TierScore(0.75, 0.1), 0.7, 0.35) >= FLAG_AT      # a claim, not check first
    assert flag_score(TierScore(0.5, 0.4), 0.7, 0.35) >= FLAG_AT       # check first, claim below
    assert flag_score(TierScore(0.6, 0.3), 0.7, 0.35) < FLAG_AT        # neither
    assert flag_score(TierScore(0.9, 0.8), 0.7, 0.35) > flag_score(TierScore(0.8, 0.1), 0.7, 0.35)


def test_priority_is_high_on_check_first():
    assert priority(TierScore(0.9, 0.5), 0.35) == "high"
    assert priority(TierScore(0.36, 0.35), 0.35) == "high"
    assert priority(TierScore(0.9, 0.2), 0.35) == "normal"


def test_a_flag_keeps_its_priority_through_the_cache():
    flag = Flag(0, 20, "claim", "statistic", 0.81, "Figures", Note("Check {0}.", ((0, 5),)), "high")
    assert Flag.from_cache(flag.to_cache()) == flag


def test_check_first_sentences_are_flagged_high(analyzer):
    flags = analyzer.analyze(page_blocks(CHECK_FIRST))
    for text, block in zip(CHECK_FIRST, flags):
        assert [f.priority for f in block if f.kind == "claim"] == ["high"], text


def test_sentences_that_are_no_claims_are_not_flagged(analyzer):
    flags = analyzer.analyze(page_blocks(NOT_CLAIMS))
    for text, block in zip(NOT_CLAIMS, flags):
        assert not [f for f in block if f.kind == "claim" and f.score >= FLAG_AT], text


def test_the_writers_own_story_is_no_claim_and_a_quoted_one_is_left_to_the_model(analyzer):
    # Figures, but the writer's own experience; a quoted "I" is someone else.
    mine = "I lost 12 kilos in four months after I cut out sugar."
    theirs = '"I watched them pour 40 barrels of waste into the river," a former worker told investigators.'
    (tiers,) = analyzer.claim_model.predict([mine])
    assert flag_score(tiers, analyzer.claim_model.threshold, analyzer.claim_model.high_threshold) >= FLAG_AT
    flags = analyzer.analyze(page_blocks([mine, theirs]))
    assert [f for f in flags[0] if f.kind == "claim"] == []
    assert [f.kind for f in flags[1]] == ["claim"]


def test_the_api_gives_claims_a_priority_and_counts_them(client):
    texts = CHECK_FIRST + ["This site uses affiliate links, so we may earn a commission on purchases."]
    body = analyze(client, texts)
    spans = [s for b in body["blocks"] for s in b["spans"]]
    claims = [s for s in spans if s["kind"] == "claim"]
    assert claims and all(s["priority"] in ("high", "normal") for s in claims)
    assert all("priority" not in s for s in spans if s["kind"] == "disclosure")
    counts = body["page"]["counts"]
    assert counts["high"] == sum(s["priority"] == "high" for s in claims) >= len(CHECK_FIRST)
    assert counts["high"] + counts["normal"] == counts["claim"] == len(claims)
    only_disclosures = analyze(client, texts, kinds=["disclosure"])["page"]["counts"]
    assert only_disclosures == {"disclosure": 1}


def _claim_scores(body: dict) -> list[float]:
    return [s["score"] for b in body["blocks"] for s in b["spans"] if s["kind"] == "claim"]


def test_min_score_filters_claims_on_the_flag_score(client, token):
    texts = CHECK_FIRST + NOT_CLAIMS
    everything = _claim_scores(analyze(client, texts))
    assert everything and min(everything) >= FLAG_AT   # the service default
    cut = sorted(everything)[len(everything) // 2]
    assert client.put("/v1/settings/example.org", json={"min_score": cut},
                      headers=bearer(token)).status_code == 200
    body = {"url": "https://example.org/a", "blocks": [{"id": f"b{i}", "text": t} for i, t in enumerate(texts)]}
    fewer = client.post("/v1/analyze", json=body, headers=bearer(token)).get_json()
    assert _claim_scores(fewer) == [s for s in everything if s >= cut]
