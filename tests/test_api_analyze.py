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
    assert set(only_claims["page"]["counts"]) == {"claim", "high", "normal"}
    assert all(s["kind"] == "claim" for b in only_claims["blocks"] for s in b["spans"])
    assert only_claims["page"]["notes"] == []


def test_empty_and_whitespace_blocks_have_no_spans(client):
    result = analyze(client, ["", "   ", "\n\r\n"])
    assert all(b["spans"] == [] for b in result["blocks"])


def test_no_blocks_is_a_valid_empty_page(client):
    result = analyze(client, [])
    assert result["blocks"] == [] and result["page"]["counts"] == {"claim": 0, "high": 0, "normal": 0, "disclosure": 0}


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


def _utf16(text: str, sub: str) -> list[int]:
    """[start, end) of ``sub`` in ``text`` in UTF-16 units, as the extension measures a link."""
    at = text.index(sub)
    start = len(text[:at].encode("utf-16-le")) // 2
    return [start, start + len(sub.encode("utf-16-le")) // 2]


LINKED = ("👩🏽‍🔬 The county said 4,210 homes lost power on Tuesday, according to the utility's outage report. "
          "Officials said 90 crews were out overnight.")


def test_a_claim_whose_sentence_holds_a_link_cites_it_and_its_note_says_so(client):
    from claimflag.nlp.flags import CITES_LINK_NOTE, NOTE_MAX_CHARS

    plain = analyze(client, [LINKED])["blocks"][0]["spans"]
    assert len([s for s in plain if s["kind"] == "claim"]) == 2, plain
    assert not any("cites_link" in s for s in plain)
    linked = analyze(client, [LINKED], blocks=[{"id": "b0", "text": LINKED,
                                                "links": [_utf16(LINKED, "utility's outage report")]}])
    first, second = linked["blocks"][0]["spans"]
    AnalyzeResponse.model_validate(linked)
    assert first["cites_link"] is True and "cites_link" not in second
    assert first["note"].endswith(CITES_LINK_NOTE) and len(first["note"]) <= NOTE_MAX_CHARS
    assert second == plain[1]
    # Only the link's own sentence: the same place, the same type, the note longer by what it says of the link.
    assert {k: v for k, v in first.items() if k not in ("cites_link", "note")} == \
        {k: v for k, v in plain[0].items() if k != "note"}
    # A link touching the sentence's last unit counts; one in the space between sentences does not.
    end = first["end"]
    edge = analyze(client, [LINKED], blocks=[{"id": "b0", "text": LINKED, "links": [[end - 1, end + 1]]}])
    assert edge["blocks"][0]["spans"][0].get("cites_link") is True
    gap = analyze(client, [LINKED], blocks=[{"id": "b0", "text": LINKED, "links": [[end, end + 1]]}])
    assert not any("cites_link" in s for s in gap["blocks"][0]["spans"])


def test_links_leave_disclosures_alone_and_the_cache_keyed_by_text_only(client, app):
    from claimflag import metrics

    text = f"This post was sponsored by Summit Outdoor. {LINKED}"
    hits = metrics.BLOCKS.labels("hit")._value.get()
    body = [{"id": "b0", "text": text, "links": [[0, len(text.encode("utf-16-le")) // 2]]}]
    first = analyze(client, [text], blocks=body)["blocks"][0]["spans"]
    assert [s["kind"] for s in first] == ["disclosure", "claim", "claim"]
    assert [s.get("cites_link") for s in first] == [None, True, True]
    # Other links, or none, for the same text: answered from the cache, worked out again.
    none = analyze(client, [text])["blocks"][0]["spans"]
    assert metrics.BLOCKS.labels("hit")._value.get() >= hits + 1
    assert [s.get("cites_link") for s in none] == [None, None, None]
    assert [(s["start"], s["end"], s["type"]) for s in none] == [(s["start"], s["end"], s["type"]) for s in first]


def test_a_long_note_keeps_its_link_sentence_whole_within_160(client):
    from claimflag.nlp.flags import CITES_LINK_NOTE, NOTE_MAX_CHARS, Note

    text = "The Organisation for Economic Co-operation and Development and the International Monetary Fund said."
    note = Note("{0} and {1} said it: check their figures against the original publication.", ((4, 55), (60, 92)))
    plain = note.render(text)
    cited = note.render(text, cites_link=True)
    assert len(plain) <= NOTE_MAX_CHARS and len(cited) <= NOTE_MAX_CHARS
    assert cited.endswith(" " + CITES_LINK_NOTE)
    assert "…" in cited and "…" not in plain


def test_openapi_describes_link_ranges_and_cites_link(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    links = schemas["BlockIn"]["properties"]["links"]
    assert links["maxItems"] == 200 and "links" not in schemas["BlockIn"].get("required", [])
    assert links["items"] == {**links["items"], "type": "array", "minItems": 2, "maxItems": 2,
                              "items": {"type": "integer"}}
    assert "UTF-16" in links["items"]["description"] and "never" in links["description"]
    assert schemas["SpanOut"]["properties"]["cites_link"]["type"] == "boolean"
    assert "cites_link" not in schemas["SpanOut"].get("required", [])
