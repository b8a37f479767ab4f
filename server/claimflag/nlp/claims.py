"""Claims: which sentences are check-worthy, of what type, and what to check.

Two components, in the two pipelines of ``pipeline.py``:

- ``ClaimScorer`` runs on every sentence of every block (cheap pipeline: no
  tagger, parser or NER) and writes the model's scores of each sentence (a
  ``TierScore``: P(a claim), P(one to check first)) to
  ``doc._.claim_scores``, and the code-point range of each of those
  sentences to ``doc._.claim_sentences``.
- ``ClaimEvidence`` (in ``claim_evidence/``) runs only on the sentences
  that scored high enough, with the tagger and parser (no NER), and writes
  ``doc._.claim_evidence``: ``None`` when the sentence is page furniture,
  bare opinion or the writer's own story, else its type, label and a note
  whose slots point at the evidence in the sentence itself.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span


class ClaimScorer:
    """Scores each sentence with the claim model (``predict(texts)``)."""

    def __init__(self, nlp: Language, name: str, model):
        self.name = name
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 64):
        # One model call for the sentences of a whole batch of blocks.
        batch = list(docs)
        sents = [list(doc.sents) for doc in batch]
        texts = [sentence_text(s) for group in sents for s in group]
        scores = iter(self.model.predict(texts))
        for doc, group in zip(batch, sents):
            doc._.claim_scores = [next(scores) for _ in group]
            # Kept so readers of the scores need not walk doc.sents again.
            doc._.claim_sentences = [(s.start_char, s.end_char) for s in group]
            yield doc


def sentence_text(sent: Span) -> str:
    """What the model scores of a sentence."""
    return sent.text.strip()
