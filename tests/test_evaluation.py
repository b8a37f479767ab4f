"""Reading labelled files and the claim metrics (sentences written for these tests)."""

import json
import math

import pytest

from claimflag.evaluation import (
    average_precision,
    best_f1_threshold,
    binary_metrics,
    evaluate_claims,
    flagged_as,
    read_labelled,
    read_tiers,
    read_web_claims,
    tier_view,
    views_by_genre,
)
from claimflag.nlp.claim_model import TierScore


def test_read_claimbuster_csv(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text(
        "Sentence_id,Text,Speaker,Verdict\n"
        '1,"The bridge carried 40,000 cars a day, officials said.",A,1\n'
        "2,I'm glad to be here.,B,-1\n"
        '3,"We met in Ohio, ""twice"", last year.",C,0\n',
        encoding="utf-8",
    )
    assert read_labelled(path) == [
        ("The bridge carried 40,000 cars a day, officials said.", 1),
        ("I'm glad to be here.", 0),
        ('We met in Ohio, "twice", last year.', 0),
    ]


def test_read_claimbuster_tiers(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text("Text,Verdict\nTaxes rose 3%.,1\nWe met on Monday.,0\nHello there.,-1\n", encoding="utf-8")
    assert read_tiers(path) == [("Taxes rose 3%.", 0), ("We met on Monday.", 1), ("Hello there.", 2)]
    path.write_text("Text,Verdict\nTaxes rose 3%.,yes\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Verdict"):
        read_tiers(path)


def test_read_web_claims_leaves_out_the_disputed(tmp_path):
    path = tmp_path / "web.jsonl"
    rows = [{"page": "p", "block": 0, "text": "Rents rose 9% in a year.", "tier": "A", "genre": "news",
             "group": "news"},
            {"page": "p", "block": 1, "text": "Maybe.", "tier": "?", "genre": "news", "group": "news"},
            {"page": "p", "block": 2, "text": "Share this.", "tier": "C", "genre": "news", "group": "news"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert [(r["text"], r["tier"]) for r in read_web_claims(path)] == [
        ("Rents rose 9% in a year.", 0), ("Share this.", 2)]
    assert [r["tier"] for r in read_web_claims(path, disputed=True)] == [0, None, 2]


def test_flagged_as_follows_both_thresholds():
    assert flagged_as(TierScore(0.9, 0.6), 0.5, 0.4) == "high"
    assert flagged_as(TierScore(0.45, 0.41), 0.5, 0.4) == "high"  # check first alone is enough
    assert flagged_as(TierScore(0.9, 0.1), 0.5, 0.4) == "normal"
    assert flagged_as(TierScore(0.3, 0.1), 0.5, 0.4) == "none"


def test_tier_view_counts_by_hand():
    rows = [{"tier": t, "group": g, "genre": g} for t, g in
            [(0, "news"), (0, "news"), (1, "news"), (2, "news"), (2, "blog"), (1, "blog")]]
    flagged = ["high", "none", "high", "normal", "none", "normal"]
    view = tier_view(rows, flagged)
    assert view["tiers"] == {"A": 2, "B": 2, "C": 2}
    assert view["high"]["flagged"] == {"A": 0.5, "B": 0.5, "C": 0.0}
    assert view["high"]["share"] == pytest.approx(2 / 6)
    assert view["high"]["a_of_flags"] == 0.5
    assert view["all"]["flagged"] == {"A": 0.5, "B": 1.0, "C": 0.5}
    assert view["confusion"]["C"] == {"high": 0, "normal": 1, "none": 1}
    views = views_by_genre(rows, flagged)
    assert views["group: blog"]["tiers"] == {"A": 0, "B": 1, "C": 1}
    assert views["group: blog"]["high"]["flagged"]["A"] is None  # no A to flag
    assert views["group: blog"]["high"]["a_of_flags"] is None    # nothing flagged


def test_read_checkthat_tsv(tmp_path):
    path = tmp_path / "tiny.tsv"
    path.write_text(
        "Sentence_id\tText\tclass_label\n"
        "10\tExports grew by 12% in the first quarter.\tYes\n"
        "11\tWhat a lovely evening, folks.\tNo\n",
        encoding="utf-8",
    )
    assert read_labelled(path) == [
        ("Exports grew by 12% in the first quarter.", 1),
        ("What a lovely evening, folks.", 0),
    ]


def test_read_rejects_unknown_format(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,sentence\n1,Hello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Verdict"):
        read_labelled(path)


def test_binary_metrics_by_hand():
    labels = [1, 0, 1, 0, 1]
    scores = [0.9, 0.8, 0.6, 0.3, 0.2]
    m = binary_metrics(labels, scores, threshold=0.5)
    # Kept: 0.9 (pos), 0.8 (neg), 0.6 (pos) -> tp 2, fp 1, fn 1.
    assert (m["tp"], m["fp"], m["fn"]) == (2, 1, 1)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)
    # Precision at each positive, weighted by the recall it adds (1/3 each).
    assert m["average_precision"] == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)
    assert (m["n"], m["positives"], m["threshold"]) == (5, 3, 0.5)


def test_binary_metrics_edges():
    m = binary_metrics([1, 0], [0.1, 0.2], threshold=0.9)  # nothing flagged
    assert (m["precision"], m["recall"], m["f1"]) == (0.0, 0.0, 0.0)
    assert average_precision([1, 0], [0.5, 0.5]) == pytest.approx(0.5)  # a tie enters together
    assert average_precision([0, 0], [0.5, 0.1]) == 0.0


def test_best_threshold_maximises_f1():
    labels = [1, 1, 0, 1, 0, 0]
    scores = [0.95, 0.9, 0.7, 0.6, 0.4, 0.1]
    threshold = best_f1_threshold(labels, scores)
    assert threshold == pytest.approx((0.6 + 0.4) / 2)
    best = max(binary_metrics(labels, scores, t)["f1"] for t in scores)
    assert binary_metrics(labels, scores, threshold)["f1"] == pytest.approx(best)


def test_evaluate_claims_with_the_packaged_model(tmp_path):
    from claimflag.nlp.claim_model import ClaimModel

    rows = [
        ("Sales of electric cars rose 38 percent in 2023, to 14 million vehicles.", "Yes"),
        ("The company laid off 1,200 workers in March, a spokesperson confirmed.", "Yes"),
        ("Good evening and welcome, everyone.", "No"),
        ("I really like the color of that jacket.", "No"),
        ("Crime in the county doubled between 2015 and 2020, police records show.", "Yes"),
    ]
    path = tmp_path / "mine.tsv"
    path.write_text("Sentence_id\tText\tclass_label\n"
                    + "".join(f"{i}\t{t}\t{y}\n" for i, (t, y) in enumerate(rows)), encoding="utf-8")
    model = ClaimModel.load()
    result = evaluate_claims(path, model=model, progress=False)
    # Check-worthy means check first: the check-first score at its threshold.
    expected = binary_metrics([int(y == "Yes") for _, y in rows],
                              [s.check_first for s in model.predict([t for t, _ in rows])],
                              model.high_threshold)
    for key, value in expected.items():
        assert result[key] == pytest.approx(value), key
    assert (result["n"], result["positives"]) == (5, 3)
    assert result["model"] == model.version
    assert not math.isnan(result["average_precision"])
    assert evaluate_claims(path, model=model, threshold=0.0, progress=False)["recall"] == 1.0


def test_evaluate_command(tmp_path):
    from click.testing import CliRunner

    from claimflag.cli import main

    path = tmp_path / "mine.csv"
    path.write_text("Text,Verdict\n"
                    '"Prices rose 8 percent in 2022, the fastest rise in 40 years.",1\n'
                    "Thanks for having me.,-1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "claims", str(path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)  # the progress bar goes to stderr
    assert (metrics["n"], metrics["positives"]) == (2, 1)
    text = CliRunner().invoke(main, ["evaluate", "claims", str(path), "--threshold", "0.5"])
    assert text.exit_code == 0 and "F1" in text.output and "threshold 0.5000" in text.output


def test_evaluate_tiers_counts_each_sentence_by_the_flag_over_it(tmp_path):
    from claimflag.config import Config
    from claimflag.evaluation import evaluate_tiers
    from claimflag.nlp import load_analyzer

    def row(page, block, text, tier, genre):
        return {"page": page, "block": block, "text": text, "tier": tier, "genre": genre, "group": genre}

    rows = [row("p1", 0, "Unemployment in the region fell from 9.1 percent in 2021 to 5.4 percent this spring.",
                "A", "news"),
            row("p1", 0, "What a week it has been!", "C", "news"),   # same block: one text, two sentences
            row("p1", 1, "Share this article", "C", "news"),
            row("p1", 2, "Perhaps.", "?", "news"),                    # on the page, not scored
            row("p2", 0, "The band played two sets at the town hall on Friday night.", "B", "blog")]
    path = tmp_path / "web.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    views = evaluate_tiers(path, load_analyzer(Config.SPACY_MODEL, Config.NLP_BATCH_SIZE, Config.CLAIM_THRESHOLD))
    assert views["all"]["n"] == 4
    assert views["all"]["confusion"]["A"] == {"high": 1, "normal": 0, "none": 0}
    assert views["all"]["confusion"]["B"] == {"high": 0, "normal": 1, "none": 0}
    assert views["all"]["confusion"]["C"] == {"high": 0, "normal": 0, "none": 2}
    assert set(views) == {"all", "group: news", "group: blog", "genre: news", "genre: blog"}
