"""POST /v1/analyze end to end through the Flask test client."""

import re

import pytest

from claimflag.api.schemas import AnalyzeResponse

from conftest import analyze, js_slice

TRICKY = [
    "👩🏽‍🔬 The lab said 12 samples tested positive on Friday. Officials confirmed it.",
    "東京都は、2024年に人口が1400万人を超えたと発表した。 The city said its population passed 14 million.",
    "Cafe\u0301 owners said prices rose by 30 percent in March.\r\nThe chamber disputed this.",
    "   The mayor said 300 jobs were cut last year.   ",
    "😀😀😀 Police said 7 people were arrested after the match. 🇬🇧",
]


def _sentences_of(nlp_segmenter, text):
    doc = nlp_segmenter(text)
    return [s.text.strip() for s in doc.sents if s.text.strip()]


def test_response_matches_the_published_schema(client):
    result = analyze(client, TRICKY)
    AnalyzeResponse.model_validate(result)
    assert [b["id"] for b in result["blocks"]] == [f"b{i}" for i in range(len(TRICKY))]


def test_spans_are_whole_sentences_in_utf16_without_surrounding_space(client, app):
    from claimflag.nlp import get_analyzer
    with app.app_context():
        segmenter = get_analyzer().segmenter
    result = analyze(client, TRICKY)
    flagged = 0
    for text, block in zip(TRICKY, result["blocks"]):
        sentences = _sentences_of(segmenter, text)
        for span in block["spans"]:
            piece = js_slice(text, span["start"], span["end"])
            assert piece == piece.strip() and piece
            assert piece in sentences, (piece, sentences)
            flagged += 1
    assert flagged >= 4


def test_a_sentence_never_crosses_a_block(client):
    # Without block boundaries this would read as one sentence.
    texts = ["The minister said that exports", "rose by 12 percent in the first quarter."]
    result = analyze(client, texts)
    for text, block in zip(texts, result["blocks"]):
        for span in block["spans"]:
            assert 0 <= span["start"] < span["end"] <= len(text.encode("utf-16-le")) // 2


def test_sample_column(client, sample_column):
    result = analyze(client, sample_column)
    by_block = {b["id"]: b["spans"] for b in result["blocks"]}

    first = by_block["b0"]
    assert [s["kind"] for s in first] == ["disclosure", "disclosure"]
    assert {js_slice(sample_column[0], s["start"], s["end"])[:20] for s in first} == {
        sample_column[0][:20], "This site does not g"}

    source_line = next(i for i, t in enumerate(sample_column) if t.startswith("Source:"))
    assert [s["kind"] for s in by_block[f"b{source_line}"]] == ["disclosure"]

    casualty = next(i for i, t in enumerate(sample_column) if "Seven people died" in t)
    spans = by_block[f"b{casualty}"]
    hit = [s for s in spans if js_slice(sample_column[casualty], s["start"], s["end"]).startswith("Seven")]
    assert hit and hit[0]["kind"] == "claim"
    assert "104" in hit[0]["note"]

    headings = [i for i, t in enumerate(sample_column)
                if len(t.split()) <= 8 and not t.rstrip().endswith((".", "!", "?", '"', "”"))]
    assert headings, "the sample has headings"
    for i in headings:
        assert [s for s in by_block[f"b{i}"] if s["kind"] == "claim"] == [], sample_column[i]

    assert result["page"]["counts"]["disclosure"] >= 3
    assert result["page"]["counts"]["claim"] >= 5
    assert result["page"]["notes"]


def _words(text: str) -> set[str]:
    return {re.sub(r"['’]s$", "", w.strip(".,;:()\"'“”’").lower()) for w in text.split()}


def test_every_span_carries_type_label_score_and_a_specific_note(client, sample_column):
    result = analyze(client, sample_column)
    for text, block in zip(sample_column, result["blocks"]):
        for span in block["spans"]:
            assert span["type"] and span["label"]
            assert 0.0 <= span["score"] <= 1.0
            assert 0 < len(span["note"]) <= 160
            sentence = js_slice(text, span["start"], span["end"])
            if span["kind"] == "claim":
                # The note names evidence taken from the sentence itself
                # ("Ukraine" from "Ukraine’s allies").
                assert _words(span["note"]) & {w for w in _words(sentence) if len(w) > 2}


def test_kinds_restrict_the_answer(client, sample_column):
    only_claims = analyze(client, sample_column, kinds=["claim"])
    assert set(only_claims["page"]["counts"]) == {"claim"}
    assert all(s["kind"] == "claim" for b in only_claims["blocks"] for s in b["spans"])
    assert only_claims["page"]["notes"] == []


def test_empty_and_whitespace_blocks_have_no_spans(client):
    result = analyze(client, ["", "   ", "\n\r\n"])
    assert all(b["spans"] == [] for b in result["blocks"])


def test_no_blocks_is_a_valid_empty_page(client):
    result = analyze(client, [])
    assert result["blocks"] == [] and result["page"]["counts"] == {"claim": 0, "disclosure": 0}


def test_markup_in_text_is_treated_as_text(client):
    text = 'The council said 40 homes flooded. <img src=x onerror=alert(1)> "quoted"'
    result = analyze(client, [text])
    for span in result["blocks"][0]["spans"]:
        assert js_slice(text, span["start"], span["end"]) in text


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/metrics"])
def test_service_endpoints_answer(client, path):
    assert client.get(path).status_code == 200


def test_readyz_reports_model_and_redis(client):
    body = client.get("/readyz").get_json()
    assert body["status"] == "ready" and body["redis"] == "ok"
    assert "en_core_web_sm 3.8.0" in body["model"]


def test_openapi_describes_every_route(client, app):
    spec = client.get("/openapi.json").get_json()
    # Flask writes path parameters as <name> or <conv:name>; OpenAPI as {name}.
    routes = {re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes <= set(spec["paths"])
    assert spec["components"]["schemas"]["AnalyzeRequest"]["additionalProperties"] is False
