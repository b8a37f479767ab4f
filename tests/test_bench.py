"""`claimflag bench`: the pages it makes, and one quick run end to end."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimflag import bench

CLAIMFLAG = str(Path(sys.executable).parent / "claimflag")


def test_generated_pages_never_share_a_block():
    pages = [bench.make_page(k, 12) for k in range(20)]
    blocks = [b for page in pages for b in page]
    assert len(set(blocks)) == len(blocks)
    assert bench.make_page(3, 12) == bench.make_page(3, 12)      # reproducible
    assert all(bench.words(page) > 50 for page in pages)


def test_unique_copies_differ_in_every_block():
    page = ["One block.", "Another block."]
    first, second = bench.unique_copy(page, 1), bench.unique_copy(page, 2)
    assert all(a != b for a, b in zip(first, second))
    assert all(a.startswith(p) for a, p in zip(first, page))


def test_percentile():
    assert bench.percentile([3, 1, 2], 0.5) == 2
    assert bench.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == pytest.approx(9.55)


def test_cpu_model_says_which_int8_instructions_the_cpu_has():
    cpu = bench.cpu_model()
    assert cpu["model"] and cpu["model"] != "unknown"
    proc = Path("/proc/cpuinfo")
    if proc.exists():        # Linux: the kernel's own list of the CPU's flags
        flags = set(next(line for line in proc.read_text().splitlines()
                         if line.startswith("flags")).split(":", 1)[1].split())
        assert cpu["avx512_vnni"] == ("avx512_vnni" in flags)
        assert cpu["avx2"] == ("avx2" in flags)


@pytest.mark.slow
def test_quick_bench_writes_every_figure(tmp_path, redis_url):
    # The bench extra must be installed (tests/run does). Never import locust
    # here: gevent's monkey-patching would break the rest of the session.
    assert importlib.util.find_spec("locust"), "install the bench extra: pip install -e '.[bench]'"
    out = tmp_path / "bench.json"
    done = subprocess.run([CLAIMFLAG, "bench", "--quick", "--out", str(out), "--redis-url", redis_url],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "analysis / baseline" in done.stdout
    assert "VNNI" in done.stdout                                   # which CPU made the figures
    result = json.loads(out.read_text())

    a = result["analysis"]
    assert a["words"] > 1000 and a["ours_words_per_s"] > 0 and a["baseline_words_per_s"] > 0
    assert a["ratio"] == pytest.approx(a["baseline_seconds"] / a["ours_seconds"], rel=0.01)
    assert a["ratio_numpy_baseline"] == pytest.approx(a["baseline_numpy_seconds"] / a["ours_seconds"], rel=0.01)
    h = result["http"]
    assert 0 < h["cached_p50_ms"] <= h["cached_p95_ms"]
    assert 0 < h["cold_p50_ms"] <= h["cold_p95_ms"]
    assert h["cached_p50_ms"] < h["cold_p50_ms"]                 # the cache answers
    for n in (1, 2):
        load = result["load"][f"workers_{n}"]
        assert load["workers"] == n and load["requests"] > 0 and load["failures"] == 0
        assert load["requests_per_s"] > 0
        assert len(load["memory"]["peak_rss_mb"]) == n
        assert load["worker_cores"] > 0 and load["load_cores"] > 0 and load["other_cores"] >= 0
    assert result["load"]["scaling"] > 0
    assert result["load"]["per_core_efficiency_2_workers"] > 0
    assert 50 < result["memory"]["max_peak_rss_mb_per_worker"] < 4000
    assert set(result["targets"]) == {"analysis_floor", "analysis_ratio", "cached_speedup",
                                      "scaling_2_workers", "rss_mb_per_worker"}
    assert a["sample_pages_ratio"] > 0
    # The parts are the analysis, timed again piece by piece in the same rounds.
    parts = a["parts_seconds"]
    assert set(parts) == {"segmentation", "claim_model", "note_pass"} and min(parts.values()) > 0
    assert 0.5 < sum(parts.values()) / a["ours_seconds"] < 2
    assert a["ratio_with_free_claim_model"] == pytest.approx(
        a["baseline_seconds"] / (parts["segmentation"] + parts["note_pass"]), rel=0.01)
    assert all(isinstance(t["met"], bool) for t in result["targets"].values())
