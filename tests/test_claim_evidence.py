"""ClaimEvidence on its own: the veto, the claim type and the note.

The component runs on the annotator pipeline as the service builds it
(``pipeline.load_annotator``), loaded once per session, one sentence at a
time as ``pipeline.Analyzer`` feeds it. Nothing here depends on the claim
score model, which decides only *which* sentences reach this component.

Every text below is written for these tests (invented people, towns and
numbers), kept as JSONL under ``tests/data/claims_*.jsonl``. The groups
double as the veto's evaluation set: run this file with ``-s`` and
``test_veto_precision_and_recall`` prints the figures; ``claims_holdout*.jsonl``
were written after the rules and measured before any rule saw them.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest
import spacy

from claimflag.config import Config
from claimflag.nlp import claim_mentions, factories  # noqa: F401  (registers the component)
from claimflag.nlp.claim_evidence import notes
from claimflag.nlp.flags import NOTE_MAX_CHARS
from claimflag.nlp.pipeline import load_annotator

from conftest import analyze, js_slice

DATA = Path(__file__).parent / "data"


def _load(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# Lines every site repeats around an article, by kind: never claims.
FURNITURE = _load("claims_furniture.jsonl")
# Stance with nothing a reader could look up: never claims.
BARE_OPINION = _load("claims_opinion.jsonl")
_CLAIM_ROWS = _load("claims_claims.jsonl")
# Claims with the expected type and the words the note must contain:
# figures, quotes of factual statements, attributed facts, "experts say",
# cause, comparison, forecast, event, and opinion that carries a fact.
CLAIMS = [r for r in _CLAIM_ROWS if "type" in r]
# Claims that open like furniture ("Share prices fell ...", "By Monday, ..."):
# they must pass the veto; their type is not pinned.
LOOKALIKES = [r for r in _CLAIM_ROWS if "type" not in r]


def _ids(rows):
    return [f"{r['kind']}:{r['text'][:36]}" for r in rows]


@pytest.fixture(scope="session")
def annotator():
    return load_annotator(Config.SPACY_MODEL)


def _evidence(annotator, text):
    return annotator(text)._.claim_evidence


def test_the_groups_are_big_enough_and_varied():
    assert len(FURNITURE) >= 20 and len({r["kind"] for r in FURNITURE}) >= 10
    assert len(BARE_OPINION) >= 10 and len({r["kind"] for r in BARE_OPINION}) >= 4
    assert len(CLAIMS) >= 25 and {r["type"] for r in CLAIMS} == set(CLAIM_TYPES)
    texts = [r["text"] for r in FURNITURE + BARE_OPINION + _CLAIM_ROWS]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("row", FURNITURE, ids=_ids(FURNITURE))
def test_furniture_is_vetoed(annotator, row):
    assert _evidence(annotator, row["text"]) is None


@pytest.mark.parametrize("row", BARE_OPINION, ids=_ids(BARE_OPINION))
def test_bare_opinion_is_vetoed(annotator, row):
    assert _evidence(annotator, row["text"]) is None


@pytest.mark.parametrize("row", CLAIMS, ids=_ids(CLAIMS))
def test_claims_pass_with_type_and_evidence(annotator, row):
    text = row["text"]
    evidence = _evidence(annotator, text)
    assert evidence is not None, "vetoed"
    note = evidence.note.render(text)
    assert evidence.type == row["type"], note
    for word in row["evidence"]:
        assert word.lower() in note.lower(), note


@pytest.mark.parametrize("row", LOOKALIKES, ids=_ids(LOOKALIKES))
def test_claims_that_look_like_furniture_pass(annotator, row):
    evidence = _evidence(annotator, row["text"])
    assert evidence is not None, "vetoed"
    assert evidence.type in CLAIM_TYPES


@pytest.mark.parametrize("row", CLAIMS + LOOKALIKES, ids=_ids(CLAIMS + LOOKALIKES))
def test_notes_are_short_specific_and_built_from_slots(annotator, row):
    text = row["text"]
    evidence = _evidence(annotator, text)
    note = evidence.note.render(text)
    assert len(note) <= NOTE_MAX_CHARS
    assert evidence.note.slots, "a note names evidence from the sentence"
    for start, end in evidence.note.slots:
        assert 0 <= start < end <= len(text)
    # Page words enter only through slots: every word of the template is
    # fixed wording written in the notes part's source.
    blank = evidence.note.template.format(*["" for _ in evidence.note.slots])
    assert set(re.findall(r"[a-z']+", blank.lower())) <= _SOURCE_WORDS, blank
    # ... and the rendered note shares words with the sentence.
    assert _content_words(note) & _content_words(text)
    assert not re.search(r"\s[,.:)]|\(\s|\(\)|“”", note), note


def test_notes_on_the_sample_page_are_short_and_tidy(annotator, sample_column):
    for line in sample_column:
        for sent in annotator(line).sents:
            text = sent.text.strip()
            evidence = _evidence(annotator, text)
            if evidence is None:
                continue
            note = evidence.note.render(text)
            assert len(note) <= NOTE_MAX_CHARS, note
            assert evidence.note.slots, note
            assert not re.search(r"\s[,.:)]|\(\s|\(\)|“”", note), note
            for start, end in evidence.note.slots:
                piece = text[start:end]
                assert piece == piece.strip() and piece[:1].isalnum() or piece[:1] in "$£€“\"", note


@pytest.mark.parametrize("text", [
    "", "   ", "—", "🙂🙂", "12", "“”", "Q.", "The " * 120 + "end.",
    "Officials said " + ", ".join(str(n) for n in range(1, 60)) + " homes were hit.",
])
def test_odd_input_never_breaks_the_component(annotator, text):
    evidence = _evidence(annotator, text)
    if evidence is not None:
        assert len(evidence.note.render(text)) <= NOTE_MAX_CHARS


@pytest.mark.parametrize("text, expected", [
    ("The county paid $1.8 million and 12 percent more for 300 tonnes of grit.",
     [("$1.8 million", "MONEY"), ("12 percent", "PERCENT"), ("300 tonnes", "QUANTITY")]),
    ("Roughly 90 people left the stadium at 9.45 pm on Saturday 2 August 2025.",
     [("Roughly 90", "CARDINAL"), ("9.45 pm", "TIME"), ("Saturday 2 August 2025", "DATE")]),
    ("The bridge closed two weeks ago, and again last month.",
     [("two weeks ago", "DATE"), ("last month", "DATE")]),
    ("Dr Petra Lund of the Ostvik Water Authority said the leak near Fenby was fixed.",
     [("Dr Petra Lund", "PERSON"), ("Ostvik Water Authority", "ORG"), ("Fenby", "PLACE")]),
])
def test_mentions_stand_in_for_entities(annotator, text, expected):
    """What the rules read instead of NER: figures, times and typed names."""
    doc = annotator(text)
    found = [(m.text, m.label_) for m in doc.spans[claim_mentions.MENTIONS]]
    for mention in expected:
        assert mention in found, found


def test_component_on_a_blank_pipeline_vetoes_without_a_parse():
    # Without tagger and parser nothing looks like a sentence with a verb:
    # the component must fail safe (no flag), never crash.
    nlp = spacy.blank("en")
    nlp.add_pipe("claimflag_claim_evidence")
    assert nlp("Seven people died on Sunday.")._.claim_evidence is None


def test_component_round_trips_through_disk(annotator, tmp_path):
    annotator.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    text = CLAIMS[0]["text"]
    assert loaded(text)._.claim_evidence == annotator(text)._.claim_evidence


# The component's data files as shipped, read here by path, not through the
# code that loads them.
PACKAGE_DATA = Path(claim_mentions.__file__).parent / "data"
DATA_FILES = {"words": "claim_words.jsonl", "regexes": "claim_regexes.jsonl",
              "mentions": "claim_mentions.jsonl", "names": "claim_names.jsonl"}


def _shipped() -> dict[str, list[dict]]:
    found = {}
    for part, filename in DATA_FILES.items():
        with open(PACKAGE_DATA / filename, encoding="utf-8") as f:
            found[part] = [json.loads(line) for line in f if line.strip()]
    return found


def test_initialize_loads_the_word_lists_shipped_in_nlp_data():
    nlp = spacy.blank("en")
    evidence = nlp.add_pipe("claimflag_claim_evidence")
    shipped = _shipped()
    evidence.initialize(data={**shipped, "words": [
        {**row, "words": ["nothing"]} if row["kind"] == "evaluative" else row for row in shipped["words"]]})
    assert evidence.words.evaluative == {"nothing"}
    nlp.initialize()                                       # back to the shipped data
    assert evidence.data == shipped
    words = {row["kind"]: row["words"] for row in shipped["words"]}
    assert evidence.words.reporting == set(words["reporting_lemma"])
    assert evidence.words.quote_frame == set(words["reporting_lemma"] + words["quote_frame_lemma"])
    assert evidence.words.evaluative == set(words["evaluative"])
    assert [" ".join(marker) for marker in evidence.words.cause_after] == words["cause_after"]
    furniture = [row for row in shipped["regexes"] if row["kind"] == "furniture"]
    assert len(evidence.words.furniture_lines) == len(furniture) > 40
    assert evidence.mentions.patterns == [(row["label"], row["pattern"]) for row in shipped["mentions"]]


def test_data_missing_a_list_or_naming_an_unknown_one_is_refused():
    evidence = spacy.blank("en").add_pipe("claimflag_claim_evidence")
    shipped = _shipped()
    without = [row for row in shipped["words"] if row["kind"] != "people_source"]
    with pytest.raises(ValueError, match="people_source"):
        evidence.initialize(data={**shipped, "words": without})
    with pytest.raises(ValueError, match="evaluativ"):
        evidence.initialize(data={**shipped, "words": shipped["words"] + [
            {"kind": "evaluativ", "words": ["grand"]}]})
    with pytest.raises(ValueError, match="fragment 'weekday'"):
        evidence.initialize(data={**shipped, "regexes": shipped["regexes"] + [
            {"kind": "furniture", "group": "date", "regex": "^{weekday}$"}]})


def test_own_data_is_used_and_survives_a_save_load_round_trip(tmp_path):
    annotator = load_annotator(Config.SPACY_MODEL)     # its own: its data changes here
    evidence = annotator.get_pipe("claimflag_claim_evidence")
    text = "The harbour wall collapsed on Sunday, the council said."
    assert annotator(text)._.claim_evidence is not None
    data = {part: list(rows) for part, rows in evidence.data.items()}
    data["regexes"].append({"kind": "furniture", "group": "test", "regex": r"^the harbour wall\b"})
    evidence.initialize(data=data)
    assert annotator(text)._.claim_evidence is None

    annotator.to_disk(tmp_path / "nlp")
    saved = tmp_path / "nlp" / "claimflag_claim_evidence"
    assert sorted(p.name for p in saved.iterdir()) == sorted(DATA_FILES.values())
    lines = (saved / "claim_regexes.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1])["regex"] == r"^the harbour wall\b"    # one readable row a line
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.get_pipe("claimflag_claim_evidence").data == data
    assert loaded(text)._.claim_evidence is None

    evidence.initialize()                               # the shipped data again
    assert annotator(text)._.claim_evidence is not None


def test_veto_precision_and_recall(annotator):
    """The veto's quality on the groups above: every furniture and bare
    opinion line vetoed, no claim vetoed."""
    should = [r["text"] for r in FURNITURE + BARE_OPINION]
    should_not = [r["text"] for r in _CLAIM_ROWS]
    vetoed = {t for t in should + should_not if _evidence(annotator, t) is None}
    tp = len([t for t in should if t in vetoed])
    fp = len([t for t in should_not if t in vetoed])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / len(should)
    print(f"\nveto: precision {precision:.3f} recall {recall:.3f} "
          f"({tp} of {len(should)} vetoed, {fp} of {len(should_not)} claims wrongly vetoed)")
    assert precision == 1.0 and recall == 1.0


@pytest.mark.parametrize("name", ["claims_holdout.jsonl", "claims_holdout2.jsonl"])
def test_holdout_sets(annotator, name):
    """Texts written after the rules were and kept out of rule writing until
    their first run. First runs: holdout 1, veto precision 1.000 and recall
    0.984, types 32 of 33 (one label then fixed to follow the documented
    priority: a forecast with a figure is a prediction); holdout 2, written
    later, precision 0.938 and recall 0.938, types 20 of 22. What they
    showed was fixed in the rules, so they now overstate; the thresholds
    leave room for the parser's noise."""
    rows = _load(name)
    should = [r["text"] for r in rows if r["group"] != "claim"]
    claims = [r for r in rows if r["group"] == "claim"]
    vetoed = {r["text"] for r in rows if _evidence(annotator, r["text"]) is None}
    tp = len([t for t in should if t in vetoed])
    fp = len([r for r in claims if r["text"] in vetoed])
    precision, recall = tp / max(tp + fp, 1), tp / len(should)
    typed = [r for r in claims if "type" in r and r["text"] not in vetoed]
    right = [r for r in typed if _evidence(annotator, r["text"]).type == r["type"]]
    print(f"\nholdout veto: precision {precision:.3f} recall {recall:.3f}; "
          f"types {len(right)} of {len(typed)}")
    assert precision >= 0.95 and recall >= 0.9
    assert len(right) >= 0.85 * len(typed)


CLAIM_TYPES = ("statistic", "quote", "attribution", "unnamed_source", "causal", "comparison",
               "prediction", "event")


# ------------------------------------------------------------- through the API

PAGE_FURNITURE = ["By Oskar Lindqvist", "Updated 2 hours ago", "Share this article",
                  "Photo: Mira Castell/Harbour Images", "Read more", "Water Rates Under Review"]
PAGE_OPINION = ["I think the board has lost its way.", "We deserve better than this!",
                "Is this any way to run a public utility?"]
PAGE_CLAIMS = [
    "The water board raised household bills by 11 percent in April, its annual report shows.",
    "Engineers found 26 leaks in the main pipeline between Ashby and Corran last winter.",
    "Chief executive Nadia Ferris said the company lost £3.5 million on the desalination plant.",
    "Consumer groups say complaints about billing errors doubled in 2024.",
    "Seventeen households were left without running water for more than a week.",
]


def test_page_through_the_api_flags_claims_only(client):
    texts = PAGE_FURNITURE[:3] + [PAGE_CLAIMS[0], PAGE_OPINION[0], PAGE_FURNITURE[3], PAGE_CLAIMS[1],
                                  PAGE_FURNITURE[5], PAGE_CLAIMS[2], PAGE_OPINION[1], PAGE_CLAIMS[3],
                                  PAGE_OPINION[2], PAGE_CLAIMS[4], PAGE_FURNITURE[4]]
    result = analyze(client, texts, kinds=["claim"])
    flagged = {}
    for text, block in zip(texts, result["blocks"]):
        for span in block["spans"]:
            assert span["kind"] == "claim"
            assert span["type"] and span["note"] and len(span["note"]) <= NOTE_MAX_CHARS
            flagged[js_slice(text, span["start"], span["end"])] = span
    for text in PAGE_FURNITURE + PAGE_OPINION:
        assert text not in flagged, (text, flagged.get(text))
    hits = [t for t in PAGE_CLAIMS if t in flagged]
    # The score model decides which sentences are candidates; most clear
    # claims must survive it whichever model ships.
    assert len(hits) > len(PAGE_CLAIMS) // 2, hits


# The templates' wording is written in the notes part.
_SOURCE_WORDS = set(re.findall(r"[a-z']+", inspect.getsource(notes).lower()))


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9£$%][\w£$%,.'-]*[\w%]|[a-z0-9]", text.lower())
            if len(w) > 3 or any(c.isdigit() for c in w)}
