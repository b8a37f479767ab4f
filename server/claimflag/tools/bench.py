"""``claimflag bench``: how fast the service is, measured in one run.

Every figure is compared against a baseline measured in the same run, since
the machine may be shared and absolute timings drift:

1. *Analysis*: words per second of ``Analyzer.analyze`` on fresh blocks (no
   cache) against the full ``en_core_web_sm`` pipeline run with ``nlp.pipe``
   over the same blocks; the two alternate page by page, and the ratio is
   of the summed times. The analysis's parts (segmentation, claim model, note
   pass) are timed again in the same rounds, which says how far the analysis
   could get if the claim model cost nothing.
2. *Latency*: p50/p95 per page over HTTP against gunicorn
   (``server/gunicorn.conf.py``, one worker): cold (every block new to the
   cache) and cached (the same page again).
3. *Throughput*: requests per second with 1 and with 2 workers under
   concurrent load from a second process (locust, headless), every request a
   page the cache has not seen. Both servers stay up and the load alternates
   between them in phases, so drift in the machine's other load hits both.
4. *Memory*: peak RSS of each worker (psutil, sampled all through), and
   its PSS at the end (shared pages split between the processes sharing them).

Pages are those of ``pages.py`` (``data/bench_pages.jsonl``): the sample
column from ``shared/samples`` when it is found, plus pages made from
templates (a quick run measures one of them); for cold requests every block
carries a number unique to its page, so the cache cannot answer any of it.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .pages import analyze_body, make_page, measured_pages, sample_pages, source, unique_copy, words
from .procs import Gunicorn
from .stats import percentile

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"

# Targets of the performance issue (ratios measured in the same run).
# The analysis floor is the claim detection issue's: at least as fast as plain spaCy.
TARGETS = {"analysis_floor": 1.0, "analysis_ratio": 3.0, "cached_speedup": 20.0,
           "scaling_2_workers": 1.7, "rss_mb_per_worker": 350.0}


@dataclass(frozen=True)
class Plan:
    """How much of each measurement a run does."""
    analysis_rounds: int
    generated_pages: int
    cold_pages: int
    cached_repeats: int
    load_seconds: int        # per phase; phases alternate 1 and 2 workers
    load_phases: int
    load_users: int
    load_page_blocks: int

    @classmethod
    def for_run(cls, quick: bool) -> Plan:
        if quick:   # a smoke test: well under a minute
            return cls(analysis_rounds=1, generated_pages=1, cold_pages=3, cached_repeats=10,
                       load_seconds=4, load_phases=1, load_users=4, load_page_blocks=6)
        # Eight readers, so that neither of two workers waits for work (each
        # takes the connections it accepts): with four, two workers used 1.71
        # of the 2 cores in one run; with eight, 1.73 to 1.78 in three runs.
        return cls(analysis_rounds=4, generated_pages=source().generated, cold_pages=10,
                   cached_repeats=40, load_seconds=12, load_phases=2, load_users=8, load_page_blocks=10)


# -------------------------------------------------------- 1. the analysis

def measure_analysis(pages: list[list[str]], rounds: int, log: Callable[[str], None],
                     samples: int = 0) -> dict:
    """``samples``: how many of ``pages`` (the first ones) are real pages;
    their ratio is also given on its own.

    The baseline is ``en_core_web_sm`` as spaCy loads it. The analysis runs
    its networks on numpy's BLAS (``pipeline.load_pipeline``), so the same
    baseline on numpy's BLAS is timed too: the ratio to it is what the
    analysis's own design gains. The analysis's parts are timed in the same
    rounds (see ``time_parts``)."""
    import spacy

    from ..config import Config
    from ..nlp import load_analyzer
    from ..nlp.pipeline import load_pipeline, page_blocks

    config = Config.from_env()
    analyzer = load_analyzer(config.SPACY_MODEL, config.NLP_BATCH_SIZE, config.CLAIM_THRESHOLD)
    runs = {"baseline": spacy.load(config.SPACY_MODEL).pipe,
            "baseline_numpy": load_pipeline(config.SPACY_MODEL).pipe,
            # new Block objects every time: nothing is cached
            "ours": lambda page: [analyzer.analyze(page_blocks(page))]}
    for run in runs.values():  # warm up (the ONNX session is made on the first call)
        list(run(pages[0][:3]))
    sentences = [sentence_texts(analyzer, page) for page in pages]
    seconds = dict.fromkeys(runs, 0.0)
    sample_seconds = dict.fromkeys(runs, 0.0)
    parts = dict.fromkeys(PARTS, 0.0)
    total_words = 0
    for r in range(rounds):
        for k, page in enumerate(pages):
            for name, run in runs.items():
                started = time.perf_counter()
                list(run(page))
                took = time.perf_counter() - started
                seconds[name] += took
                if k < samples:
                    sample_seconds[name] += took
            for name, took in time_parts(analyzer, page_blocks(page), sentences[k]).items():
                parts[name] += took
            total_words += words(page)
        log(f"  analysis round {r + 1}/{rounds}: ours {total_words / seconds['ours']:,.0f} words/s, "
            f"baseline {total_words / seconds['baseline']:,.0f} words/s "
            f"(on numpy's BLAS {total_words / seconds['baseline_numpy']:,.0f})")
    ours, baseline = seconds["ours"], seconds["baseline"]
    return {"words": total_words, "rounds": rounds, "pages": len(pages),
            "ours_seconds": round(ours, 3), "baseline_seconds": round(baseline, 3),
            "baseline_numpy_seconds": round(seconds["baseline_numpy"], 3),
            "ours_words_per_s": round(total_words / ours, 1),
            "baseline_words_per_s": round(total_words / baseline, 1),
            "baseline_numpy_words_per_s": round(total_words / seconds["baseline_numpy"], 1),
            "ratio": round(baseline / ours, 3),
            "ratio_numpy_baseline": round(seconds["baseline_numpy"] / ours, 3),
            "sample_pages_ratio": (round(sample_seconds["baseline"] / sample_seconds["ours"], 3)
                                   if samples else None),
            "parts_seconds": {name: round(v, 3) for name, v in parts.items()},
            "parts_share_of_baseline": {name: round(v / baseline, 3) for name, v in parts.items()},
            # What the analysis could reach if scoring sentences cost nothing.
            "ratio_with_free_claim_model": round(
                baseline / (parts["segmentation"] + parts["note_pass"]), 3)}


# The analysis in three parts: spaCy segmenting the blocks and the
# disclosure finder reading them; the claim model scoring every sentence; the
# annotator typing and noting the candidates.
PARTS = ("segmentation", "claim_model", "note_pass")


def sentence_texts(analyzer, page: list[str]) -> list[str]:
    """The texts the claim scorer gives the claim model for ``page``."""
    from ..nlp.claims import sentence_text

    with analyzer.segmenter.select_pipes(disable=["claimflag_claim_scorer"]):
        return [sentence_text(s) for doc in analyzer.segmenter.pipe(page) for s in doc.sents]


def time_parts(analyzer, blocks, sentences: list[str]) -> dict[str, float]:
    """Seconds of each of ``PARTS`` on one page. The claim model is timed
    alone on the page's sentences; the first pass less that is segmentation."""
    started = time.perf_counter()
    results, candidates = analyzer.first_pass(blocks)
    first = time.perf_counter() - started
    started = time.perf_counter()
    analyzer.claim_model.predict(sentences)
    claims = time.perf_counter() - started
    started = time.perf_counter()
    analyzer.note_pass(blocks, candidates, results)
    notes = time.perf_counter() - started
    return {"segmentation": first - claims, "claim_model": claims, "note_pass": notes}


# ------------------------------------------------------------ 2. servers

def local_redis_url(url: str | None) -> tuple[str | None, str]:
    """The Redis to use: the one given, else a local one that answers, else
    None (the service's embedded Redis)."""
    import redis

    if url:
        return url, "given"
    candidate = "redis://127.0.0.1:6379/0"
    try:
        if redis.Redis.from_url(candidate, socket_timeout=0.5, socket_connect_timeout=0.5).ping():
            return candidate, "local"
    except redis.RedisError:
        pass
    return None, "embedded"


def request(base: str, method: str, path: str, body: dict | None = None,
            conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    own = conn is None
    conn = conn or http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        payload = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=payload,
                     headers={"Content-Type": "application/json"} if payload else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def warm(server: Gunicorn, rounds: int = 3) -> None:
    """Every worker makes its ONNX session and touches its pipelines."""
    tag = random.randrange(1 << 30)
    threads = [threading.Thread(target=request, args=(
        server.base, "POST", "/v1/analyze", analyze_body(make_page(tag + k, 4))))
        for k in range(rounds * server.workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


class CacheCounts:
    """What a server's cache did between two reads of its ``/metrics`` (all
    workers together): blocks it answered (hit) and did not (miss), and
    failed Redis calls (after which a block is analysed again, uncached)."""

    def __init__(self, server: Gunicorn):
        self.server = server
        self.last = self.read()

    def read(self) -> dict[str, float]:
        from prometheus_client.parser import text_string_to_metric_families

        status, body = request(self.server.base, "GET", "/metrics")
        if status != 200:
            raise RuntimeError(f"/metrics answered {status}")
        counts = {"hit": 0.0, "miss": 0.0, "redis_errors": 0.0}
        for family in text_string_to_metric_families(body.decode()):
            for sample in family.samples:
                if sample.name == "claimflag_blocks_total":
                    counts[sample.labels["cache"]] += sample.value
                elif sample.name == "claimflag_redis_errors_total":
                    counts["redis_errors"] += sample.value
        return counts

    def since(self) -> dict[str, int]:
        """The counts since the last call (or since it was made)."""
        now = self.read()
        change = {name: int(now[name] - self.last[name]) for name in now}
        self.last = now
        return change


def measure_latency(server: Gunicorn, pages: list[list[str]], plan: Plan, run_tag: int,
                    log: Callable[[str], None]) -> dict:
    host, port = server.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    seconds: dict[str, list[float]] = {"cold": [], "cached": []}
    blocks_sent = {"cold": 0, "cached": 0}
    # Cold pages must all be misses, and the repeats all hits unless Redis failed.
    cache = CacheCounts(server)
    by_cache = {"cold": Counter(), "cached": Counter()}

    def post(kind: str, page: list[str]) -> None:
        body = analyze_body(page)
        started = time.perf_counter()
        status, _ = request(server.base, "POST", "/v1/analyze", body, conn)
        seconds[kind].append(time.perf_counter() - started)
        blocks_sent[kind] += len(page)
        if status != 200:
            raise RuntimeError(f"/v1/analyze answered {status}")
        by_cache[kind].update(cache.since())

    try:
        for k in range(plan.cold_pages):
            page = unique_copy(pages[k % len(pages)], run_tag + k)
            post("cold", page)
            for _ in range(max(1, plan.cached_repeats // plan.cold_pages)):
                post("cached", page)
    finally:
        conn.close()
    cold, cached = seconds["cold"], seconds["cached"]
    ms = lambda v: round(v * 1000, 2)  # noqa: E731
    result = {"pages": len(cold), "cached_requests": len(cached),
              "blocks_per_page": round(statistics.mean(len(pages[k % len(pages)])
                                                       for k in range(plan.cold_pages)), 1),
              "cold_p50_ms": ms(percentile(cold, 0.5)), "cold_p95_ms": ms(percentile(cold, 0.95)),
              "cached_p50_ms": ms(percentile(cached, 0.5)),
              "cached_p95_ms": ms(percentile(cached, 0.95)),
              "blocks_sent": blocks_sent, "cache": by_cache}
    result["cached_speedup"] = round(result["cold_p50_ms"] / result["cached_p50_ms"], 1)
    log(f"  latency: cold p50 {result['cold_p50_ms']} ms, cached p50 {result['cached_p50_ms']} ms")
    return result


class RssSampler:
    """Samples the RSS of every worker of a server until stopped."""

    def __init__(self, server: Gunicorn, every: float = 0.2):
        self.server = server
        self.every = every
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        import psutil

        while not self._stop.is_set():
            self.sample(psutil)
            self._stop.wait(self.every)

    def sample(self, psutil=None):
        import psutil

        for worker in self.server.worker_processes():
            try:
                rss = worker.memory_info().rss
            except psutil.Error:
                continue
            self.peak[worker.pid] = max(self.peak.get(worker.pid, 0), rss)

    def report(self) -> dict:
        import psutil

        pss = {}
        for worker in self.server.worker_processes():
            try:
                pss[worker.pid] = worker.memory_full_info().pss
            except (psutil.Error, AttributeError):
                pass
        mb = lambda b: round(b / 2**20, 1)  # noqa: E731
        return {"peak_rss_mb": [mb(v) for v in self.peak.values()],
                "pss_mb": [mb(v) for v in pss.values()],
                "max_peak_rss_mb": mb(max(self.peak.values())) if self.peak else None}


def run_load(server: Gunicorn, plan: Plan, work: Path, run_tag: int,
             log: Callable[[str], None]) -> dict:
    """locust headless in its own process; every request a page new to the cache."""
    prefix = work / f"locust-{server.workers}"
    env = {**os.environ, "CLAIMFLAG_BENCH_BLOCKS": str(plan.load_page_blocks),
           "CLAIMFLAG_BENCH_TAG": str(run_tag)}
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
           "-u", str(plan.load_users), "-r", str(plan.load_users), "-t", f"{plan.load_seconds}s",
           "--host", server.base, "--csv", str(prefix), "--only-summary",
           "--loglevel", "WARNING", "--stop-timeout", "10", "--exit-code-on-error", "0"]
    import psutil

    workers = server.worker_processes()
    cache = CacheCounts(server)
    cpu_before = _busy_seconds(psutil), [_cpu_seconds(w) for w in workers], _children_cpu()
    wall = time.monotonic()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True,
                          timeout=plan.load_seconds + 120)
    wall = time.monotonic() - wall
    busy = _busy_seconds(psutil) - cpu_before[0]
    ours = sum(_cpu_seconds(w) for w in workers) - sum(cpu_before[1])
    locust = _children_cpu() - cpu_before[2]
    if done.returncode != 0 or not Path(f"{prefix}_stats.csv").is_file():
        raise RuntimeError(f"locust failed ({done.returncode}): {done.stderr[-2000:]}")
    import csv

    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    total = rows["Aggregated"]
    result = {"requests": int(total["Request Count"]), "failures": int(total["Failure Count"]),
              "requests_per_s": round(float(total["Requests/s"]), 2),
              "p50_ms": float(total["50%"]), "p95_ms": float(total["95%"]),
              # Cores used during the phase: by the workers, by locust, and by
              # every other process on the machine.
              "worker_cores": round(ours / wall, 2),
              "load_cores": round(locust / wall, 2),
              "other_cores": round(max(busy - ours - locust, 0.0) / wall, 2),
              # Every page new to the cache: no hit.
              "cache": cache.since()}
    log(f"  load, {server.workers} worker(s): {result['requests_per_s']} requests/s, "
        f"{result['failures']} failures; workers used {result['worker_cores']} cores, "
        f"locust {result['load_cores']}, other processes {result['other_cores']}")
    return result


def _busy_seconds(psutil) -> float:
    t = psutil.cpu_times()
    return t.user + t.system + getattr(t, "nice", 0.0) + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)


def _cpu_seconds(process) -> float:
    try:
        t = process.cpu_times()
        return t.user + t.system
    except Exception:
        return 0.0


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- the run

def run(quick: bool = False, redis_url: str | None = None,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    # Looked up, not imported: locust runs in its own process, and importing
    # it here would monkey-patch this one with gevent.
    for name in ("locust", "psutil", "cpuinfo"):
        if importlib.util.find_spec(name) is None:
            raise RuntimeError(f"{name} is missing: pip install 'claimflag[bench]'")
    plan = Plan.for_run(quick)
    started = time.perf_counter()
    load_before = os.getloadavg()
    samples = sample_pages()
    pages = measured_pages(plan.generated_pages, samples)
    log(f"pages: {len(samples)} sample, {plan.generated_pages} generated; "
        f"{sum(map(words, pages)):,} words")
    result: dict[str, Any] = {
        "quick": quick,
        "machine": {"cpus": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_before": [round(x, 2) for x in load_before]},
        "pages": {"sample": len(samples), "generated": plan.generated_pages,
                  "words": sum(map(words, pages)), "blocks": sum(map(len, pages))},
    }
    log("analysis without cache vs full en_core_web_sm nlp.pipe:")
    result["analysis"] = measure_analysis(pages, plan.analysis_rounds, log, samples=len(samples))

    url, redis_kind = local_redis_url(redis_url)
    result["redis"] = redis_kind
    # Page numbers of this run: far from those of any other run, so a page
    # called cold here was never cached by an earlier run either.
    run_tag = random.SystemRandom().randrange(1, 10**6) * 10**8
    work = Path(tempfile.mkdtemp(prefix="claimflag-bench-"))
    servers: dict[int, Gunicorn] = {}
    try:
        # Both servers stay up; the load alternates between them, phase by
        # phase, so that a change in the machine's other load hits both alike.
        log(f"gunicorn with 1 and with 2 workers, Redis {redis_kind}:")
        for n in (1, 2):
            # One BLAS/OpenMP thread, as the analysis is measured on one core.
            servers[n] = Gunicorn(n, url, work, env={"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                                                   "MKL_NUM_THREADS": "1"})
        for server in servers.values():
            server.wait_until_up()
            warm(server)
        with RssSampler(servers[1]) as rss1, RssSampler(servers[2]) as rss2:
            result["http"] = measure_latency(servers[1], pages, plan, run_tag, log)
            phases: dict[int, list[dict]] = {1: [], 2: []}
            for phase in range(plan.load_phases):
                for n in (1, 2):
                    phases[n].append(run_load(servers[n], plan, work,
                                              run_tag + 50 + (2 * phase + n) * 10**6, log))
        memory = {1: rss1.report(), 2: rss2.report()}
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    result["load"] = {}
    for n in (1, 2):
        runs = phases[n]
        result["load"][f"workers_{n}"] = {
            "workers": n, "users": plan.load_users, "phases": len(runs),
            "seconds": plan.load_seconds * len(runs),
            "requests": sum(r["requests"] for r in runs),
            "failures": sum(r["failures"] for r in runs),
            "requests_per_s": round(statistics.mean(r["requests_per_s"] for r in runs), 2),
            "per_phase_requests_per_s": [r["requests_per_s"] for r in runs],
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p95_ms": max(r["p95_ms"] for r in runs),
            "worker_cores": round(statistics.mean(r["worker_cores"] for r in runs), 2),
            "load_cores": round(statistics.mean(r["load_cores"] for r in runs), 2),
            "other_cores": round(statistics.mean(r["other_cores"] for r in runs), 2),
            "cache": {name: sum(r["cache"][name] for r in runs) for name in runs[0]["cache"]},
            "memory": memory[n]}
    one = result["load"]["workers_1"]["requests_per_s"]
    two = result["load"]["workers_2"]["requests_per_s"]
    result["load"]["scaling"] = round(two / one, 3) if one else None
    # The same per core the workers actually got: on a machine shared with
    # other work, what two workers would give with two free cores, roughly.
    per_core = {n: sum(r["requests_per_s"] for r in phases[n]) /
                max(sum(r["worker_cores"] for r in phases[n]), 1e-9) for n in (1, 2)}
    result["load"]["requests_per_core"] = {f"workers_{n}": round(v, 2) for n, v in per_core.items()}
    result["load"]["per_core_efficiency_2_workers"] = round(per_core[2] / per_core[1], 3)
    peaks = memory[1]["peak_rss_mb"] + memory[2]["peak_rss_mb"]
    result["memory"] = {"max_peak_rss_mb_per_worker": max(peaks) if peaks else None,
                        "pss_mb_2_workers": memory[2]["pss_mb"]}
    result["targets"] = {
        "analysis_floor": {"target": TARGETS["analysis_floor"], "value": result["analysis"]["ratio"]},
        "analysis_ratio": {"target": TARGETS["analysis_ratio"], "value": result["analysis"]["ratio"]},
        "cached_speedup": {"target": TARGETS["cached_speedup"], "value": result["http"]["cached_speedup"]},
        "scaling_2_workers": {"target": TARGETS["scaling_2_workers"], "value": result["load"]["scaling"]},
        "rss_mb_per_worker": {"target": TARGETS["rss_mb_per_worker"],
                              "value": result["memory"]["max_peak_rss_mb_per_worker"]},
    }
    for name, t in result["targets"].items():
        v = t["value"]
        t["met"] = v is not None and (v <= t["target"] if name == "rss_mb_per_worker" else v >= t["target"])
    result["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


def cpu_model() -> dict[str, Any]:
    """The CPU's name and whether it has the instructions int8 matrix
    products run fastest on: the claim model's share of the analysis, and so
    the ratio to the baseline, hangs on them (the same model measured 1.13x
    on an AMD EPYC with AVX-512 VNNI, 0.92x on one with AVX2 alone)."""
    import cpuinfo

    info = cpuinfo.get_cpu_info()
    flags = set(info.get("flags", ()))
    return {"model": info.get("brand_raw") or platform.processor() or "unknown",
            "avx2": "avx2" in flags, "avx512_vnni": "avx512_vnni" in flags or "avx512vnni" in flags}


def _cpu_text(cpu: dict[str, Any]) -> str:
    isa = "AVX-512 VNNI" if cpu["avx512_vnni"] else "AVX2, no AVX-512 VNNI" if cpu["avx2"] else "no AVX2"
    return f"{cpu['model']}, {isa}"


def table(result: dict[str, Any]) -> str:
    a, h, load, m = result["analysis"], result["http"], result["load"], result["memory"]
    t = result["targets"]
    mark = lambda name: "yes" if t[name]["met"] else "NO"  # noqa: E731
    rows = [
        ("analysis, words/s (no cache)", f"{a['ours_words_per_s']:,.0f}", ""),
        ("baseline en_core_web_sm nlp.pipe, words/s", f"{a['baseline_words_per_s']:,.0f}", ""),
        ("analysis / baseline", f"{a['ratio']:.2f}x",
         f">= {t['analysis_floor']['target']:g}x: {mark('analysis_floor')}; "
         f">= {t['analysis_ratio']['target']:g}x: {mark('analysis_ratio')}"),
        *([("  on the sample column alone", f"{a['sample_pages_ratio']:.2f}x", "")]
          if a.get("sample_pages_ratio") else []),
        ("  baseline on numpy's BLAS, words/s; analysis / it",
         f"{a['baseline_numpy_words_per_s']:,.0f}; {a['ratio_numpy_baseline']:.2f}x", ""),
        ("  its parts, as shares of the baseline's time:", "", ""),
        ("    segmentation / claim model / note pass",
         " / ".join(f"{a['parts_share_of_baseline'][name]:.0%}" for name in PARTS), ""),
        ("  analysis / baseline if the claim model cost nothing", f"{a['ratio_with_free_claim_model']:.2f}x", ""),
        (f"page latency cold, p50 / p95 ({h['blocks_per_page']:g} blocks)",
         f"{h['cold_p50_ms']:,.0f} / {h['cold_p95_ms']:,.0f} ms", ""),
        ("page latency cached, p50 / p95", f"{h['cached_p50_ms']:,.1f} / {h['cached_p95_ms']:,.1f} ms", ""),
        ("cold p50 / cached p50", f"{h['cached_speedup']:.0f}x", f">= {t['cached_speedup']['target']:g}x: {mark('cached_speedup')}"),
        ("requests/s, 1 worker (cold pages)", f"{load['workers_1']['requests_per_s']:.2f}", ""),
        ("requests/s, 2 workers (cold pages)", f"{load['workers_2']['requests_per_s']:.2f}", ""),
        ("2 workers / 1 worker", f"{load['scaling']:.2f}x", f">= {t['scaling_2_workers']['target']:g}x: {mark('scaling_2_workers')}"),
        ("  cores used by the workers, 1 / 2 workers",
         f"{load['workers_1']['worker_cores']:.2f} / {load['workers_2']['worker_cores']:.2f}", ""),
        ("  cores used by locust, 1 / 2 workers",
         f"{load['workers_1']['load_cores']:.2f} / {load['workers_2']['load_cores']:.2f}", ""),
        ("  cores used by other processes meanwhile",
         f"{load['workers_1']['other_cores']:.2f} / {load['workers_2']['other_cores']:.2f}", ""),
        ("  requests per core used, 1 / 2 workers",
         f"{load['requests_per_core']['workers_1']:.1f} / {load['requests_per_core']['workers_2']:.1f}", ""),
        ("peak RSS per worker", f"{m['max_peak_rss_mb_per_worker']:.0f} MB",
         f"<= {t['rss_mb_per_worker']['target']:g} MB: {mark('rss_mb_per_worker')}"),
        ("PSS per worker, 2 workers", " / ".join(f"{v:.0f}" for v in m["pss_mb_2_workers"]) + " MB", ""),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    lines = [f"{'measure':<{w0}}  {'value':>{w1}}  target", f"{'-' * w0}  {'-' * w1}  ------"]
    lines += [f"{name:<{w0}}  {value:>{w1}}  {target}".rstrip() for name, value, target in rows]
    lines.append(f"({result['pages']['words']:,} words in {result['pages']['blocks']} blocks, "
                 f"{result['analysis']['rounds']} round(s); Redis {result['redis']}; "
                 f"{result['machine']['cpus']} CPUs ({_cpu_text(result['machine']['cpu'])}), load {result['machine']['load_before'][0]} before, "
                 f"{result['machine']['load_after'][0]} after; {result['seconds']} s)")
    return "\n".join(lines)
