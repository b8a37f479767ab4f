"""From the claim model's two probabilities to a flag's score and priority.

The model gives each sentence ``claim`` = P(A or B) and ``check_first`` =
P(A), each with its own threshold chosen on tuning data (``meta.json``). A
reader's sensitivity setting (``min_score``) is one number, so the flag's
``score`` is one number too: each probability is rescaled, piecewise
linearly, so that its threshold lands on ``FLAG_AT``, and the larger of the
two is the score. A sentence scores ``FLAG_AT`` or more exactly when either
probability reaches its threshold, and the order of scores above and below
each threshold is kept.
"""

from __future__ import annotations

from .claim_model import TierScore

FLAG_AT = 0.5  # where both thresholds land; the service's default min_score


def rescale(p: float, threshold: float) -> float:
    """``p`` mapped so that 0 → 0, ``threshold`` → FLAG_AT and 1 → 1."""
    if p < threshold:
        return FLAG_AT * p / threshold
    return FLAG_AT + (1 - FLAG_AT) * (p - threshold) / (1 - threshold) if threshold < 1 else 1.0


def flag_score(score: TierScore, threshold: float, high_threshold: float) -> float:
    return max(rescale(score.claim, threshold), rescale(score.check_first, high_threshold))


def priority(score: TierScore, high_threshold: float) -> str:
    """``high`` (check first) when P(A) reaches its threshold, else ``normal``."""
    return "high" if score.check_first >= high_threshold else "normal"
