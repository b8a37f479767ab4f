"""MatcherGate, the test in front of both Matchers (claim mentions and
disclosure cues): it may let through a pattern that then finds nothing, but
never hold back one that would match, or flags would change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher

from claimflag.config import Config
from claimflag.nlp import factories  # noqa: F401  (registers the components)
from claimflag.nlp.matcher_gate import MatcherGate
from claimflag.nlp.pipeline import load_annotator

DATA = Path(__file__).parent / "data"


def _texts() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            texts += [json.loads(line)["text"] for line in f if line.strip()]
    return texts


def _full_matcher(vocab, patterns: list[list[dict]]):
    """The indexes of the patterns a Matcher with all of them finds in a doc or span."""
    matcher = Matcher(vocab)
    for i, pattern in enumerate(patterns):
        matcher.add(str(i), [pattern])
    return lambda doclike: {int(vocab.strings[key]) for key, _, _ in matcher(doclike)}


@pytest.fixture(scope="module")
def annotator():
    return load_annotator(Config.SPACY_MODEL)


def test_never_holds_back_a_mention_pattern_that_matches(annotator):
    patterns = [pattern for _, pattern in annotator.get_pipe("claimflag_claim_evidence").mentions.patterns]
    gate, matched = MatcherGate(patterns), _full_matcher(annotator.vocab, patterns)
    let_through = 0
    docs = list(annotator.pipe(_texts()))
    for doc in docs:
        possible = gate.for_doc(doc)(0, len(doc))
        assert matched(doc) <= set(possible), doc.text
        let_through += len(possible)
    # ... and it does spare the Matcher most patterns.
    assert let_through < 0.5 * len(patterns) * len(docs)


def test_never_holds_back_a_disclosure_cue_that_matches_in_a_sentence():
    nlp = spacy.load(Config.SPACY_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                                  "lemmatizer", "ner"])
    nlp.enable_pipe("senter")
    patterns = nlp.add_pipe("claimflag_disclosures").cue_patterns
    gate, matched = MatcherGate(patterns), _full_matcher(nlp.vocab, patterns)
    sentences = skipped = 0
    for doc in nlp.pipe(_texts()):
        possible = gate.for_doc(doc)
        for sent in doc.sents:
            allowed = possible(sent.start, sent.end)
            assert matched(sent) <= set(allowed), sent.text
            sentences += 1
            skipped += not allowed
    assert skipped > 0.5 * sentences


def test_required_tokens_and_their_tests():
    nlp = spacy.blank("en")
    gate = MatcherGate([
        [{"LOWER": "paid"}, {"LOWER": "for", "OP": "?"}, {"LOWER": "by"}],     # 0: "for" optional
        [{"TEXT": {"REGEX": r"^\d+$"}}, {"LOWER": {"IN": ["km", "miles"]}, "OP": "+"}],  # 1
        [{"ORTH": "Ad", "LOWER": "ad"}],                                          # 2: both must hold
        [{"LOWER": "anything", "OP": "*"}],                                       # 3: no test: always
        [{"POS": "PROPN"}],                                                       # 4: needs a tag
    ])
    doc = nlp("Paid by the club. We ran 12 km. ad")
    possible = gate.for_doc(doc)
    assert possible(0, len(doc)) == (0, 1, 3)
    assert [t.text for t in doc[10:11]] == ["ad"]
    assert possible(0, 5) == (0, 3)                      # "Paid by the club."
    assert possible(5, 10) == (1, 3)                     # "We ran 12 km."
    assert possible(10, 11) == (3,)                      # "ad": lower-case, so no "Ad"
    assert MatcherGate([[{"TEXT": "x"}]]).for_doc(nlp(""))(0, 0) == ()
