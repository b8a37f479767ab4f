"""The learned half of the disclosure finder: a linear model on hashed
n-grams, scored with numpy.

The rules (``disclosures.py``) are precise but know only the wordings they
were written for. This model reads the words of a sentence the rules did not
flag and says whether it discloses something about its own page, site or
author, and of which type. It is trained by ``claimflag train disclosures``
(``claimflag.training.disclosures``) on real page sentences and on
sentences we wrote to show it how many ways the same notice is worded
(measured on real ones only); its weights are
``data/disclosure_model.jsonl``, the report of how it was chosen
``data/disclosure_model_REPORT.md``.

Features are hashed (``zlib.crc32`` of the feature's text, modulo
``2 ** bits``), so the weights file holds numbers only, never text of the
pages it learned from: word unigrams, bigrams and trigrams with sentence
start and end marks, and a length bucket (character n-grams did no better
in cross-validation and made the file five times larger; see the report). A sentence's vector is binary and scaled to unit length. The model
is multinomial logistic regression over ``"none"`` and the eight types; the
probability that a sentence is a disclosure is one minus that of ``"none"``.

Only sentences with a *cue* (``CUE``: a word stem any disclosure of the
eight types is likely to use) are scored: most sentences of a page have
none, and for them the model is never run.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable

import numpy as np

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+|[^\w\s]")
_LENGTHS = (1, 2, 3, 5, 8, 13, 21, 34)

# The pre-filter. A sentence that matches none of these is not scored (the
# training report gives how many disclosures of the training split it misses).
# Matched at word starts in the lower-cased text: case-blind matching and
# tries at every position cost ten times as much on a page's sentences.
CUE = re.compile(
    r"\b(?:sponsor|advert|\bads?\b|promot|paid|\bpay|partner|support|fund|brought to you|"
    r"in association|in collaboration|collab|gift|complimentar|free of charge|compensat|"
    r"commission|affiliat|associate|earn|referral|\blinks?\b|"
    r"authori[sz]|approv|on behalf|campaign|committee|candidate|elect|imprint|"
    r"opinion|views?\b|\bown\b|employer|represent|endorse|"
    r"advice|advis|professional|doctor|lawyer|attorney|financial|invest|medical|"
    r"informational|educational|purposes|not intended|consult|own risk|research|"
    r"publish|reprint|repost|appeared|syndicat|republish|courtesy|permission|adapted|"
    r"excerpt|source|reuters|associated press|\bap\b|\bafp\b|wire|news service|press|"
    r"release|newswire|media contact|editors|immediate|"
    r"\bai\b|a\.i\.|artificial|generat|automat|chatgpt|gpt|language model|machine|algorithm|"
    r"written by|created|assist|tool)")


def has_cue(text: str) -> bool:
    return CUE.search(text.lower()) is not None


def features(text: str, bits: int) -> list[int]:
    """The sorted, distinct hashed feature indices of one sentence."""
    count = sum(1 for w in _WORD.findall(text.lower()) if w[0].isalnum())
    names = [*feature_names(text), f"len{sum(1 for b in _LENGTHS if count >= b)}"]
    return sorted({feature_index(name, bits) for name in names})


def feature_names(text: str) -> Iterable[str]:
    """The word n-grams of a sentence by name, with sentence start and end
    marks (``features`` hashes them and adds a length bucket)."""
    words = _WORD.findall(text.lower())
    padded = ["<s>", *words, "</s>"]
    for n in (1, 2, 3):
        for i in range(len(padded) - n + 1):
            yield "w" + " ".join(padded[i:i + n])


def feature_index(name: str, bits: int) -> int:
    return zlib.crc32(name.encode()) & ((1 << bits) - 1)


class DisclosureModel:
    """Weights for the features seen in training; every other feature
    weighs nothing. ``rows``: a header ``{"labels": [...], "bits": n,
    "bias": [...], "threshold": t, "veto": v}`` and one ``{"f": index, "w": [...]}`` per
    feature, a weight per label."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        head = rows[0] if rows else {}
        self.labels: list[str] = list(head.get("labels", []))
        self.bits: int = int(head.get("bits", 18))
        self.threshold: float = float(head.get("threshold", 1.0))
        self.veto: float = float(head.get("veto", 0.0))
        self.version: str = str(head.get("version", "none"))
        self.bias = np.asarray(head.get("bias", [0.0] * len(self.labels)), dtype=np.float32)
        body = [r for r in rows[1:] if "f" in r]
        self._row = {int(r["f"]): i for i, r in enumerate(body)}
        self.weights = (np.asarray([r["w"] for r in body], dtype=np.float32)
                        if body else np.zeros((0, len(self.labels)), dtype=np.float32))
        self._none = self.labels.index("none") if "none" in self.labels else None

    def __bool__(self) -> bool:
        return bool(self.labels) and self._none is not None

    def predict(self, text: str) -> tuple[float, str]:
        """The probability that ``text`` is a disclosure and its likeliest type."""
        idx = features(text, self.bits)
        rows = [self._row[i] for i in idx if i in self._row]
        logits = self.bias.copy()
        if rows:
            logits += self.weights[rows].sum(axis=0) / math.sqrt(len(idx))
        logits -= logits.max()
        probs = np.exp(logits)
        probs /= probs.sum()
        p_none = float(probs[self._none])
        probs[self._none] = -1.0
        return 1.0 - p_none, self.labels[int(probs.argmax())]
