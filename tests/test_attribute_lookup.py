"""``claimflag_attribute_lookup`` sets exactly what the model's
``attribute_ruler`` sets, token for token.

Texts: sentences written for this file (contractions, whitespace tokens,
numbers, names), every line of ``tests/data/claims_*.jsonl`` and the sample
pages' blocks when ``shared/samples`` is there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from claimflag.tools.pages import sample_pages
from claimflag.config import Config
from claimflag.nlp import load_analyzer
from claimflag.nlp.attribute_lookup import AttributeLookup

DATA = Path(__file__).parent / "data"

INVENTED = [
    "I can't say it's gonna work, but y'all gotta try.",
    "Let's go!  C'mon, you're late and it's not my fault.",
    "Ain't nobody got time for that; he ain't here and they aren't either.",
    "She's been to Oberhausen twice, and Dr. Maria Keller's team won't stop.",
    "There is a bridge, there are 3 roads and there were 1,240 cars on 12 May 2021.",
    "What do you want?  I did it.  Did he have it?  They had had enough.",
    "Gimme that.  Lemme see.  I dunno what you'd do, I'd've gone.",
    "  Leading spaces,\n\nnew lines\tand tabs   inside .  ",
    "The rate rose 14.5% to $4.2bn in Q3 (vs. 3.1% in 2019) -- per the IMF.",
    "It gets worse: it got cold, you got it, I got mine and we gets nothing.",
    "That which is done is done; this is that, and those are these.",
    "Whether or not it rains, if you go, because I said so, we'll see.",
    "\n",
    " ",
    "",
    "'s 're n't 'll 'd 've 'm",
    "GONNA WANNA GOTTA Y'ALL CAN'T WON'T",
    "But, but, but... I I I, you you, it it.",
]


def _texts() -> list[str]:
    texts = list(INVENTED)
    for path in sorted(DATA.glob("claims_*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]
    for page in sample_pages():
        texts += page
    return texts


def _attrs(doc) -> list[tuple]:
    """Hashes and strings: an unset lemma (0) differs from a set one."""
    return [(t.i, t.text, t.tag, t.tag_, t.pos, t.pos_, t.morph.key, str(t.morph),
             t.lemma, t.lemma_, t.dep, t.dep_) for t in doc]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


@pytest.fixture(scope="module")
def model():
    return spacy.load(Config.SPACY_MODEL, exclude=["senter", "ner"])


def test_the_lookup_alone_sets_what_the_ruler_sets(model, texts):
    """Both run on copies of the same tagged and parsed docs, with nothing
    after them (the lemmatizer could hide a lemma either one got wrong)."""
    ruler = model.get_pipe("attribute_ruler")
    lookup = AttributeLookup(model.vocab, "lookup", ruler.patterns)
    with model.select_pipes(disable=["attribute_ruler", "lemmatizer"]):
        docs = list(model.pipe(texts))
    tokens = 0
    for doc in docs:
        twin = doc.copy()
        assert _attrs(lookup(twin)) == _attrs(ruler(doc)), doc.text
        tokens += len(doc)
    assert tokens > 5000  # the data files were read


def test_the_annotator_reads_as_the_model_with_its_ruler(model, texts):
    annotator = load_analyzer(Config.SPACY_MODEL, Config.NLP_BATCH_SIZE,
                              Config.CLAIM_THRESHOLD).annotator
    assert "attribute_ruler" not in annotator.pipe_names
    names = annotator.pipe_names
    assert names.index("parser") < names.index("claimflag_attribute_lookup") < names.index("lemmatizer")
    for ours, theirs in zip(annotator.pipe(texts), model.pipe(texts), strict=True):
        assert _attrs(ours) == _attrs(theirs), ours.text


def test_rules_for_multi_token_and_dependency_patterns_still_apply(model):
    """The Matcher part: 'gonna' (two tokens, index 1), 'I' as subject (DEP)."""
    annotator = load_analyzer(Config.SPACY_MODEL, Config.NLP_BATCH_SIZE,
                              Config.CLAIM_THRESHOLD).annotator
    doc = annotator("I am gonna win.")
    assert [t.lemma_ for t in doc[2:4]] == ["go", "to"]
    assert str(doc[0].morph) == "Case=Nom|Number=Sing|Person=1|PronType=Prs"


def test_the_lookup_matches_the_ruler_where_dependencies_are_missing(model, texts):
    """Without the parser every DEP is 0 (""): rules testing DEP with
    ``NOT_IN [""]`` or ``IN`` must fail there exactly as the ruler's do."""
    ruler = model.get_pipe("attribute_ruler")
    lookup = AttributeLookup(model.vocab, "lookup", ruler.patterns)
    with model.select_pipes(disable=["parser", "attribute_ruler", "lemmatizer"]):
        docs = list(model.pipe(texts[:300]))
    for doc in docs:
        twin = doc.copy()
        assert _attrs(lookup(twin)) == _attrs(ruler(doc)), doc.text
