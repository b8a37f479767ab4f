"""`claimflag bench`: the pages it measures, its percentile, and one quick
run end to end, whose figures must agree with the timings and counts it
reports and whose cold pages the cache must never answer."""

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from claimflag.tools import pages
from claimflag.tools.stats import percentile

CLAIMFLAG = str(Path(sys.executable).parent / "claimflag")


def test_made_pages_differ_and_are_reproducible():
    made = [pages.make_page(k, 12) for k in range(20)]
    blocks = [b for page in made for b in page]
    assert len(set(blocks)) == len(blocks)
    assert pages.make_page(3, 12) == pages.make_page(3, 12)      # reproducible
    assert all(pages.words(page) > 50 for page in made)


def test_unique_copies_differ_in_every_block():
    page = ["One block.", "Another block."]
    first, second = pages.unique_copy(page, 1), pages.unique_copy(page, 2)
    assert all(a != b for a, b in zip(first, second))
    assert all(a.startswith(p) for a, p in zip(first, page))


def test_the_measured_pages_are_the_ones_the_file_names():
    source = pages.source()
    made = pages.measured_pages(samples=[])
    assert made == [pages.make_page(source.first_page + k, source.blocks) for k in range(source.generated)]
    assert pages.measured_pages(1, samples=[["A sample."]]) == [["A sample."], made[0]]


def test_the_training_band_rule_splits_the_pages_the_bench_measures():
    from claimflag.training.second_stage import page_sentences

    measured = pages.measured_pages()
    sentences = page_sentences()
    assert len(sentences) > sum(map(len, measured))         # most blocks hold several sentences
    blocks = [b for page in measured for b in page]
    assert all(any(s in b for b in blocks) for s in sentences)


def test_percentile_interpolates_between_ranks():
    assert percentile([3, 1, 2], 0.5) == 2
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == pytest.approx(9.55)
    with pytest.raises(ValueError):
        percentile([], 0.5)


def row(table: str, label: str) -> str:
    """The value a row of the bench's table shows."""
    line = next(line for line in table.splitlines() if line.strip().startswith(label))
    return re.split(r"\s{2,}", line.strip())[1]


@pytest.mark.slow
def test_a_quick_run_reports_figures_that_agree_with_its_own_timings(tmp_path, redis_url):
    # The bench extra must be installed (tests/run does). Never import locust
    # here: gevent's monkey-patching would break the rest of the session.
    assert importlib.util.find_spec("locust"), "install the bench extra: pip install -e '.[bench]'"
    out = tmp_path / "bench.json"
    done = subprocess.run([CLAIMFLAG, "bench", "--quick", "--out", str(out), "--redis-url", redis_url],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    table = done.stdout
    assert result["machine"]["cpu"]["model"] in table                # which CPU made the figures

    # The analysis: every ratio and rate is the one its reported timings give.
    a = result["analysis"]
    assert a["words"] == result["pages"]["words"] * a["rounds"]
    for name in ("ours", "baseline", "baseline_numpy"):
        assert a[f"{name}_words_per_s"] == pytest.approx(a["words"] / a[f"{name}_seconds"], rel=0.01)
    assert a["ratio"] == pytest.approx(a["baseline_seconds"] / a["ours_seconds"], rel=0.01)
    assert a["ratio_numpy_baseline"] == pytest.approx(a["baseline_numpy_seconds"] / a["ours_seconds"], rel=0.01)
    assert row(table, "analysis / baseline") == f"{a['ratio']:.2f}x"
    # Its parts are the analysis timed again piece by piece, as shares of the
    # baseline's time. (How close their sum comes to the analysis's own time
    # is left to the machine: one quick round under load gave 0.45 of it.)
    parts = a["parts_seconds"]
    assert list(parts) == ["segmentation", "claim_model", "note_pass"]
    for name, seconds in parts.items():
        assert a["parts_share_of_baseline"][name] == pytest.approx(seconds / a["baseline_seconds"], abs=0.002)
    assert row(table, "segmentation / claim model / note pass") == " / ".join(
        f"{a['parts_share_of_baseline'][name]:.0%}" for name in parts)
    assert a["ratio_with_free_claim_model"] == pytest.approx(
        a["baseline_seconds"] / (parts["segmentation"] + parts["note_pass"]), rel=0.01)

    # Latency: the cold pages are all new to the cache, and the repeats all
    # answered by it (but for a Redis call that failed on this busy machine).
    h = result["http"]
    cold, cached, sent = h["cache"]["cold"], h["cache"]["cached"], h["blocks_sent"]
    assert cold["hit"] == 0 and cold["miss"] == sent["cold"] > 0
    assert cached["hit"] + cached["miss"] == sent["cached"] >= sent["cold"]
    assert cached["miss"] == 0 or cold["redis_errors"] + cached["redis_errors"] > 0
    assert h["cached_p50_ms"] <= h["cached_p95_ms"] and h["cold_p50_ms"] <= h["cold_p95_ms"]
    assert h["cached_speedup"] == pytest.approx(h["cold_p50_ms"] / h["cached_p50_ms"], abs=0.051)
    assert row(table, "cold p50 / cached p50") == f"{h['cached_speedup']:.0f}x"

    # Load: no failure, and no page of it was ever in the cache.
    load = result["load"]
    for n in (1, 2):
        w = load[f"workers_{n}"]
        assert w["workers"] == n and w["requests"] > 0 and w["failures"] == 0
        assert w["cache"]["hit"] == 0 and w["cache"]["miss"] > 0
        assert len(w["memory"]["peak_rss_mb"]) == n
        assert row(table, f"requests/s, {n} worker{'s' if n > 1 else ''} (cold pages)") == \
            f"{w['requests_per_s']:.2f}"
    assert load["scaling"] == pytest.approx(
        load["workers_2"]["requests_per_s"] / load["workers_1"]["requests_per_s"], rel=0.01)
    assert row(table, "2 workers / 1 worker") == f"{load['scaling']:.2f}x"
    assert result["memory"]["max_peak_rss_mb_per_worker"] == max(
        load["workers_1"]["memory"]["peak_rss_mb"] + load["workers_2"]["memory"]["peak_rss_mb"])

    # Each target is judged on the figure it names.
    figures = {"analysis_floor": a["ratio"], "analysis_ratio": a["ratio"], "cached_speedup": h["cached_speedup"],
               "scaling_2_workers": load["scaling"],
               "rss_mb_per_worker": result["memory"]["max_peak_rss_mb_per_worker"]}
    assert {name: t["value"] for name, t in result["targets"].items()} == figures
    for name, t in result["targets"].items():
        assert t["met"] == (t["value"] <= t["target"] if name == "rss_mb_per_worker" else t["value"] >= t["target"])
