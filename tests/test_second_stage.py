"""The cascade's band rule (claimflag.training.second_stage), on made-up scores."""

import pytest

from claimflag.nlp.claim_model import TierScore
from claimflag.training import second_stage
from claimflag.training.second_stage import cascade, choose_band
from claimflag.training.thresholds import Tuning


def ts(claim: float, check_first: float | None = None) -> TierScore:
    return TierScore(claim, claim if check_first is None else check_first)


def test_cascade_takes_the_second_scores_when_the_first_check_first_score_is_in_the_band():
    first = [ts(0.02), ts(0.1), ts(0.95, 0.3), ts(0.7), ts(0.3, 0.02)]
    second = [ts(0.9)] * 5
    # lo belongs to the band, hi does not; the claim score does not count.
    assert cascade(first, second, (0.1, 0.7)) == [ts(0.02), ts(0.9), ts(0.9), ts(0.7), ts(0.3, 0.02)]


def test_band_rule_keeps_the_page_share_and_prefers_the_cheaper_of_equals():
    # Web dev: an A the first stage ranks below a C (0.22 against 0.4); the
    # teacher gets both right. CT24 dev-test: already ranked right.
    tuning = Tuning(web_tiers=[0, 2, 0, 2], ct24_labels=[1, 0])
    # Pages: 30 of 100 sentences at 0.55 (a band up to 0.6 or more is too
    # costly), one at 0.15 (a band from 0.2 sends one sentence fewer).
    pages = [ts(0.55)] * 30 + [ts(0.15)] + [ts(0.99)] * 69
    first = ([ts(0.22), ts(0.4), ts(0.97), ts(0.01)], [ts(0.9), ts(0.02)])
    second = ([ts(0.8), ts(0.25), ts(0.97), ts(0.01)], [ts(0.9), ts(0.02)])
    chosen = choose_band(tuning.mean_ap, first, second, pages)
    assert chosen["band"] == [0.2, 0.5]
    assert chosen["page_share"] == 0.0
    assert chosen["mean_ap"] == pytest.approx(1.0)
    assert chosen["student_mean_ap"] < 1.0 - second_stage.MIN_GAIN and chosen["ships"]
    tried = {tuple(t["band"]): t for t in chosen["tried"]}
    assert len(tried) == len(second_stage.BAND_LOWS) * len(second_stage.BAND_HIGHS)
    assert tried[(0.2, 0.6)]["page_share"] == pytest.approx(0.30)
    assert tried[(0.1, 0.5)]["page_share"] == pytest.approx(0.01)
    assert tried[(0.3, 0.5)]["mean_ap"] < 1.0  # misses the A at 0.22


def test_the_student_ships_alone_when_the_teacher_gains_too_little():
    # The teacher agrees with the student wherever it looks: no gain at all.
    tuning = Tuning(web_tiers=[0, 2, 0, 2], ct24_labels=[1, 0])
    first = ([ts(0.45), ts(0.3), ts(0.97), ts(0.01)], [ts(0.9), ts(0.02)])
    chosen = choose_band(tuning.mean_ap, first, first, [ts(0.45)] + [ts(0.99)] * 99)
    assert chosen["mean_ap"] == chosen["student_mean_ap"] and not chosen["ships"]


def test_band_rule_refuses_when_every_band_costs_too_much():
    tuning = Tuning(web_tiers=[0, 2], ct24_labels=[1, 0])
    scores = ([ts(0.9), ts(0.1)], [ts(0.9), ts(0.1)])
    with pytest.raises(ValueError):
        choose_band(tuning.mean_ap, scores, scores, [ts(0.4)] * 10)


def test_thresholds_follow_their_own_labels():
    # Web dev tiers A, B, C, C and one CT24 Yes: the claim cut parts A and B
    # from C on the claim score; the check-first cut parts A (and Yes) from
    # the rest on the check-first score.
    tuning = Tuning(web_tiers=[0, 1, 2, 2], ct24_labels=[1])
    web = [ts(0.9, 0.8), ts(0.7, 0.2), ts(0.3, 0.1), ts(0.1, 0.05)]
    cut = tuning.thresholds(web, [ts(0.9, 0.6)])
    assert cut["threshold"] == pytest.approx((0.7 + 0.3) / 2)
    assert cut["high_threshold"] == pytest.approx((0.6 + 0.2) / 2)
    measured = tuning.measure(web, [ts(0.9, 0.6)])
    assert measured["web_claim"]["f1"] == 1.0 and measured["web_high"]["f1"] == 1.0
