"""The shipped thresholds and the figures each model variant is compared by.

Two thresholds, each chosen on tuning data only (never the held-out sets):

- ``threshold`` (a claim at all: A or B against C) maximises F1 on the web
  dev sentences, the genre the extension reads;
- ``high_threshold`` (check first: A against B and C) maximises F1 on the
  web dev sentences and the CT24 dev-test sentences pooled, where check-worthy
  means check first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claimflag.evaluation import average_precision, best_f1_threshold, binary_metrics
from claimflag.nlp.claim_model import TierScore

CLAIM_RULE = ("maximise F1 of A or B against C on the web-claims dev sentences, scored by the "
              "model as shipped; the cut lies halfway between the lowest score kept and the next")
HIGH_RULE = ("maximise F1 of A against B and C on the web-claims dev sentences and the CT24 "
             "dev-test sentences pooled, scored by the model as shipped; cut as above")


class Tuning:
    """The tuning sentences: web dev (tier 0/1/2 per sentence) and CT24
    dev-test (1 where check-worthy); ``measure`` scores a variant on them."""

    def __init__(self, web_tiers: Sequence[int], ct24_labels: Sequence[int]):
        self.web_claim = [int(t < 2) for t in web_tiers]
        self.web_high = [int(t == 0) for t in web_tiers]
        self.ct24 = list(ct24_labels)

    def thresholds(self, web: Sequence[TierScore], ct24: Sequence[TierScore]) -> dict[str, float]:
        return {"threshold": best_f1_threshold(self.web_claim, [s.claim for s in web]),
                "high_threshold": best_f1_threshold(self.web_high + self.ct24,
                                                    [s.check_first for s in [*web, *ct24]])}

    def measure(self, web: Sequence[TierScore], ct24: Sequence[TierScore]) -> dict[str, Any]:
        """Each figure at the variant's own thresholds (by the rules above)."""
        cut = self.thresholds(web, ct24)
        return {**cut,
                "web_claim": binary_metrics(self.web_claim, [s.claim for s in web], cut["threshold"]),
                "web_high": binary_metrics(self.web_high, [s.check_first for s in web],
                                           cut["high_threshold"]),
                "ct24_dev_test": binary_metrics(self.ct24, [s.check_first for s in ct24],
                                                cut["high_threshold"])}

    def mean_ap(self, web: Sequence[TierScore], ct24: Sequence[TierScore]) -> float:
        """What the cascade's band is chosen by: the mean of the three APs."""
        return (average_precision(self.web_claim, [s.claim for s in web])
                + average_precision(self.web_high, [s.check_first for s in web])
                + average_precision(self.ct24, [s.check_first for s in ct24])) / 3
