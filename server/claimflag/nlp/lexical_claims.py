"""A first, rule-based claim model: a stand-in with the trained model's interface.

It looks only at tokenizer-level cues (figures, reporting words, hedges of
opinion) so it can run on every sentence cheaply. ``claim_model.ClaimModel``
replaces it once a trained model ships in the package.
"""

from __future__ import annotations

import math
import re

_WEIGHTS = [
    (re.compile(r"\d"), 1.6),
    (re.compile(r"\b(said|says|told|according to|reported|announced|confirmed|found)\b", re.I), 1.2),
    (re.compile(r"\b(percent|per cent|%|million|billion|thousand|dozens?|hundreds?)\b", re.I), 1.0),
    (re.compile(r"\b(died|killed|injured|arrested|elected|voted|signed|passed|rose|fell|increased|decreased)\b", re.I), 1.0),
    (re.compile(r"\b(more|less|fewer|higher|lower|largest|smallest|most|least)\b", re.I), 0.5),
    (re.compile(r"\b(I think|I believe|I feel|in my opinion|we should|we must|let's|let us)\b", re.I), -2.0),
    (re.compile(r"\?\s*$"), -2.0),
    (re.compile(r"!\s*$"), -0.8),
]
_BIAS = -1.2


class LexicalClaimModel:
    version = "lexical-1"
    threshold = 0.5

    def predict(self, texts):
        return [self._score(t) for t in texts]

    @staticmethod
    def _score(text: str) -> float:
        words = len(text.split())
        if words < 5:
            return 0.02
        z = _BIAS + sum(w for pattern, w in _WEIGHTS if pattern.search(text))
        return 1.0 / (1.0 + math.exp(-z))
