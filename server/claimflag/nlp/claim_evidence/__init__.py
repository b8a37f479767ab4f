"""Claim evidence: the veto, the type and the note of a candidate claim.

``ClaimEvidence`` runs in the annotator pipeline of ``pipeline.py`` (tagger,
parser and lemmatizer; no NER) on one candidate sentence at a time and writes
``doc._.claim_evidence``: ``None`` when the sentence is page furniture or bare
opinion, else an ``Evidence`` with the claim type, a label and a ``Note``.
Its parts, in the order the component runs them, each handed what it needs:

- ``claim_mentions.Mentions``: the figures, times and names in the sentence
  (cheaper than the statistical NER it replaces), written to
  ``doc.spans["claimflag_mentions"]`` with NER-like labels so that a reader
  of a rule can print them; ``sentence.Sentence`` holds them with the text;
- ``sources``: the figures worth checking, then who the sentence credits;
- ``veto``: furniture (on the text and figures), the writer's own story, and
  bare opinion (on the sources too);
- ``notes``: the claim's type and the note naming its evidence.

``words.ClaimWords`` holds the word lists and regular expressions they read,
from ``nlp/data/claim_words.jsonl`` and ``claim_regexes.jsonl``.
"""

from .component import ClaimEvidence
from .notes import Evidence

__all__ = ["ClaimEvidence", "Evidence"]
