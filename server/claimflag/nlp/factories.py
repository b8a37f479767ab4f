"""Every spaCy registration of ClaimFlag: components, extensions, models.

``nlp.analyze_pipes()`` on either pipeline of ``pipeline.py`` then says who
reads and writes what.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from .attribute_lookup import AttributeLookup
from .claim_evidence import ClaimEvidence
from .claims import ClaimScorer
from .disclosures import DisclosureFinder
from .claim_model import ClaimModel

# Extensions are registered once per process, however many pipelines are built.
for _name, _default in (("page_edge", False), ("disclosure_flags", None),
                        ("claim_scores", None), ("claim_sentences", None),
                        ("claim_evidence", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@registry.misc("claimflag.packaged_claim_model.v1")
def packaged_claim_model(threads: int = 1) -> ClaimModel:
    """The trained model shipped in the package (models/claims)."""
    return ClaimModel.load(threads=threads)


@Language.factory(
    "claimflag_disclosures",
    requires=["doc.sents", "doc._.page_edge"],
    assigns=["doc._.disclosure_flags"],
    default_config={
        # A block of at most this many words that is one sentence is a
        # "standalone" line ("Sponsored", "Source: Substack").
        "standalone_max_tokens": 6,
        # Longest sponsor or outlet name a note quotes, in tokens.
        "name_max_tokens": 8,
        # Added to a cue's score when the sentence speaks about itself
        # ("this post", "I", "we") and when the block is at the page's edge.
        "frame_bonus": 0.03,
        "edge_bonus": 0.03,
        # Cues scoring below this are dropped.
        "min_score": 0.5,
        # A block of at most this many words may be a label line (an ad
        # slot's "Advertisement", an article's "Sponsored content"); the
        # learned model leaves sentences this short to the rules.
        "label_line_max_words": 3,
        # The learned model: on; its threshold, and the probability below
        # which it vetoes a rule's flag (null: the ones chosen in training,
        # in its weights file; a veto of 0 is none).
        "use_model": True,
        "model_threshold": None,
        "model_veto": None,
    },
)
def make_disclosure_finder(nlp: Language, name: str, standalone_max_tokens: int,
                           name_max_tokens: int, frame_bonus: float, edge_bonus: float,
                           min_score: float, label_line_max_words: int, use_model: bool,
                           model_threshold: float | None, model_veto: float | None) -> DisclosureFinder:
    return DisclosureFinder(nlp, name, standalone_max_tokens=standalone_max_tokens,
                            name_max_tokens=name_max_tokens, frame_bonus=frame_bonus,
                            edge_bonus=edge_bonus, min_score=min_score,
                            label_line_max_words=label_line_max_words, use_model=use_model,
                            model_threshold=model_threshold, model_veto=model_veto)


@Language.factory(
    "claimflag_claim_scorer",
    requires=["doc.sents"],
    # claim_sentences: the (start_char, end_char) of each sentence scored.
    assigns=["doc._.claim_scores", "doc._.claim_sentences"],
    default_config={"model": {"@misc": "claimflag.packaged_claim_model.v1", "threads": 1}},
)
def make_claim_scorer(nlp: Language, name: str, model) -> ClaimScorer:
    return ClaimScorer(nlp, name, model)


@Language.factory(
    "claimflag_claim_evidence",
    requires=["token.pos", "token.dep", "token.lemma"],
    # doc.spans: the figures, times and names its rules read ("claimflag_mentions").
    assigns=["doc._.claim_evidence", "doc.spans"],
)
def make_claim_evidence(nlp: Language, name: str) -> ClaimEvidence:
    return ClaimEvidence(nlp, name)


@Language.factory(
    "claimflag_attribute_lookup",
    requires=["token.tag", "token.dep"],
    assigns=["token.pos", "token.tag", "token.morph", "token.lemma", "token.dep"],
    # The rules of an ``attribute_ruler`` (its ``.patterns``), e.g. the model's own.
    default_config={"patterns": []},
)
def make_attribute_lookup(nlp: Language, name: str, patterns: list) -> AttributeLookup:
    return AttributeLookup(nlp.vocab, name, patterns)
