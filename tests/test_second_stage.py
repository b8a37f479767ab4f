"""The cascade's band rule (claimflag.training.second_stage), on made-up scores."""

import pytest

from claimflag.training import second_stage
from claimflag.training.second_stage import cascade, choose_band


def test_cascade_takes_the_second_score_inside_the_band_only():
    first = [0.02, 0.05, 0.3, 0.7, 0.95]
    second = [0.9, 0.9, 0.9, 0.1, 0.1]
    # lo belongs to the band, hi does not.
    assert cascade(first, second, (0.05, 0.7)) == [0.02, 0.9, 0.9, 0.7, 0.95]


def test_band_rule_keeps_the_page_share_and_prefers_the_cheaper_of_equals():
    # Dev-test: the first stage ranks a claim (0.12) below a non-claim (0.4);
    # the teacher gets both right. Any band holding both fixes the ranking.
    labels = [1, 0, 1, 0]
    first = [0.12, 0.4, 0.97, 0.01]
    second = [0.8, 0.2, 0.97, 0.01]
    # Pages: 30 of 100 sentences at 0.55 (a band up to 0.6 or more is too
    # costly), one at 0.07 (a band from 0.1 sends one sentence fewer).
    pages = [0.55] * 30 + [0.07] + [0.99] * 69
    chosen = choose_band(labels, first, second, pages)
    assert chosen["band"] == [0.1, 0.5]
    assert chosen["page_share"] == 0.0
    assert chosen["dev_test_ap"] == pytest.approx(1.0)
    tried = {tuple(t["band"]): t for t in chosen["tried"]}
    assert len(tried) == len(second_stage.BAND_LOWS) * len(second_stage.BAND_HIGHS)
    assert tried[(0.1, 0.6)]["page_share"] == pytest.approx(0.30)
    assert tried[(0.05, 0.5)]["page_share"] == pytest.approx(0.01)
    assert tried[(0.15, 0.5)]["dev_test_ap"] < 1.0  # misses the claim at 0.12


def test_band_rule_refuses_when_every_band_costs_too_much():
    with pytest.raises(ValueError):
        choose_band([1, 0], [0.9, 0.1], [0.9, 0.1], [0.4] * 10)
