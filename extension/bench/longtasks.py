"""Main-thread long tasks of the content script on a 20,000-word page.

Run from the repository root with the project's virtualenv:

    .venv/bin/python extension/bench/longtasks.py [--words 20000] [--runs 5] [--json out.json]

It starts the real service (`claimflag serve` on a free port; Redis at
redis://127.0.0.1:6379/0 if one answers there, else the embedded one in a
temporary data directory), serves a generated long read (tests/e2e/perf.py:
wrapper divs, links, citation marks, a reference list and a comment thread;
about a third of its sentences carry figures, quotes or sources, so a few
hundred get flagged) and opens it in headless Chromium (Debian's), each way
`--runs` times:

- **page alone**: no extension (the page's own parsing, layout and paint);
- **on load**: the extension as a reader gets it, working while the page loads;
- **after load**: the page loaded and settled in click-to-analyze mode, then
  one pass of the extension ("Analyze this page"): nothing else runs then, so
  every task is the extension's (or the rendering of what it drew);

and the extension both ways: **chunked** as shipped (collecting and anchoring
in slices of about 8 ms that yield to the event loop between them) and **one
go** with slicing switched off (storage key `perf: {timeSliceMs: 0}`, as
before the chunking).

Long tasks come from a PerformanceObserver ('longtask', buffered) added before
any page script; it only sees tasks over 50 ms, so the after-load passes are
also traced (CDP Tracing, the page's renderer main thread) for the longest
task whatever its length (tracing slows the page a little). The service's time
is not main-thread time (requests go from the service worker), and a warm-up
load fills the service's cache first (the service started here gets a fresh
cache secret, so nothing is cached before it: that load is the **cold** row).
Prints, per way, the longest task, the number of tasks over 50 ms, the time to
the first drawn flag (`data-claimflag-first-ms`, from navigation start: the
article's blocks near the viewport go in a request of their own, first) and to
`data-claimflag=ready` (from the click for after-load passes; the load event
for the page alone), worst and median over the runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from e2e.perf import (  # noqa: E402
    LONGTASK_OBSERVER, MainThreadTrace, analyze_settled, chromium_args, long_article, read_perf, settle,
    static_server, summary, wait_for_state)
from claimflag.tools.procs import free_port, running  # noqa: E402

EXTENSION = ROOT / "extension"
CHROMIUM = os.environ.get("CLAIMFLAG_CHROMIUM", "/usr/lib/chromium/chromium")
CLAIMFLAG = Path(sys.executable).with_name("claimflag")
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def redis_answers(url: str) -> bool:
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001 (any failure means: use the embedded one)
        return False


def open_page(ctx, url: str, throttle: float):
    page = ctx.new_page()
    if throttle != 1:
        ctx.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    page.goto(url)
    return page


def first_flag_ms(page) -> float | None:
    """data-claimflag-first-ms: when the first flag was drawn, ms since navigation began."""
    value = page.evaluate("document.documentElement.dataset.claimflagFirstMs ?? null")
    return None if value is None else float(value)


def flags(page) -> int:
    return page.evaluate("""() => Number(document.documentElement.dataset.claimflagClaims)
        + Number(document.documentElement.dataset.claimflagDisclosures)""")


def load(ctx, url: str, extension: bool, throttle: float = 1) -> dict:
    """Open the page and measure its whole load (the page's own work and, with
    the extension, the content script's automatic pass)."""
    page = open_page(ctx, url, throttle)
    try:
        if extension:
            wait_for_state(page, "ready")
        else:
            page.wait_for_load_state("load")
        settle(page)
        result = summary(read_perf(page))
        if extension:
            result["flags"] = flags(page)
            result["first_ms"] = first_flag_ms(page)
        return result
    finally:
        page.close()


def settled(ctx, worker, url: str, throttle: float = 1) -> dict:
    """Open the page in click-to-analyze mode, let it settle, then measure one
    pass of the content script alone (tests/e2e/perf.py, analyze_settled)."""
    page = open_page(ctx, url, throttle)
    try:
        wait_for_state(page, "disabled")
        page.wait_for_load_state("load")
        settle(page, 1000)
        with MainThreadTrace(ctx, page) as trace:
            result = summary(analyze_settled(page, worker))
        result["longest_traced_ms"] = trace.longest_ms
        result["flags"] = flags(page)
        return result
    finally:
        page.close()


def launch(p, profile: Path, extension: bool):
    ctx = p.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, viewport={"width": 1000, "height": 760},
        args=chromium_args(EXTENSION if extension else None))
    ctx.add_init_script(LONGTASK_OBSERVER)
    worker = None
    if extension:
        worker = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker", timeout=15_000)
    return ctx, worker


PAGE_ALONE = "page alone"
COLD = "cold, on load"   # the warm-up: nothing of the page cached yet
# (label, storage key `perf`, settled page?)
WAYS = (("one go", {"timeSliceMs": 0}, False), ("chunked", None, False),
        ("one go", {"timeSliceMs": 0}, True), ("chunked", None, True))


def settled_way(name: str) -> bool:
    return name.endswith("after load")


def way_name(label: str, is_settled: bool) -> str:
    return f"{label}, {'after load' if is_settled else 'on load'}"


def measure(service_url: str, page_url: str, runs: int, throttles: list[float]) -> dict:
    from playwright.sync_api import sync_playwright

    names = [PAGE_ALONE, COLD] + [way_name(label, st) for label, _, st in WAYS]
    results: dict[tuple[float, str], list[dict]] = {(t, n): [] for t in throttles for n in names}
    tmp = Path(tempfile.mkdtemp(prefix="claimflag-bench-"))
    try:
        with sync_playwright() as p:
            ctx, _ = launch(p, tmp / "plain", extension=False)
            try:
                load(ctx, page_url, extension=False)  # warm the HTTP and font caches
                for t in throttles:
                    for _ in range(runs):
                        results[t, PAGE_ALONE].append(load(ctx, page_url, extension=False, throttle=t))
            finally:
                ctx.close()

            ctx, worker = launch(p, tmp / "ext", extension=True)
            try:
                def configure(perf, click_mode):
                    worker.evaluate("""([s, perf]) => chrome.storage.local.set(perf ? {settings: s, perf} : {settings: s})
                        .then(() => perf ? null : chrome.storage.local.remove('perf'))""",
                                    [{"serviceUrl": service_url, "clickToAnalyze": click_mode}, perf])

                configure(None, False)
                started = time.monotonic()
                warm = load(ctx, page_url, extension=True)
                print(f"warm-up (fills the service's cache): {warm['flags']} flags, "
                      f"ready after {warm['ready_ms']} ms ({time.monotonic() - started:.1f} s)", file=sys.stderr)
                results[throttles[0], COLD] = [warm] if throttles[0] == 1 else []
                for t in throttles:
                    for _ in range(runs):
                        for label, perf, is_settled in WAYS:
                            configure(perf, is_settled)
                            if is_settled:
                                r = settled(ctx, worker, page_url, throttle=t)
                            else:
                                r = load(ctx, page_url, extension=True, throttle=t)
                            results[t, way_name(label, is_settled)].append(r)
            finally:
                ctx.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def aggregate(runs: list[dict]) -> dict:
    out = {}
    for key in ("longest_ms", "longest_traced_ms", "tasks_over_50ms", "ready_ms", "load_ms", "flags", "first_ms"):
        values = [r[key] for r in runs if r.get(key) is not None]
        if values:
            out[key] = {"max": max(values), "median": statistics.median(values)}
    return out


def visible_words(html: str) -> int:
    body = html.split("<body>", 1)[1]
    body = re.sub(r"<p hidden>.*?</p>", " ", body, flags=re.S)
    return len(re.sub(r"<[^>]+>", " ", body).split())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--words", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpu-throttle", default="1",
                    help="CPU slow-down factors to measure, comma-separated, e.g. 1,4 (Chromium's emulation: it "
                         "suspends the renderer in coarse slices, so under it even short tasks can pass 50 ms). "
                         "Default: 1")
    ap.add_argument("--service", help="use a service that is already running (e.g. http://127.0.0.1:8000)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    throttles = [float(x) for x in args.cpu_throttle.split(",") if x.strip()]

    stack = contextlib.ExitStack()
    pages = Path(tempfile.mkdtemp(prefix="claimflag-pages-"))
    html = long_article(args.words)
    (pages / "long.html").write_text(html, encoding="utf-8")
    data_dir = Path(tempfile.mkdtemp(prefix="claimflag-data-"))
    try:
        static = stack.enter_context(static_server(pages))
        page_url = f"{static}/long.html"
        if args.service:
            redis_note = "service given"
            results = measure(args.service.rstrip("/"), page_url, args.runs, throttles)
        else:
            # A fresh cache secret: nothing of the page is cached when the warm-up loads it (the cold row).
            env = {"CLAIMFLAG_DATA_DIR": str(data_dir), "CLAIMFLAG_RATE_LIMIT_INSTALLS": "1000 per minute",
                   "CLAIMFLAG_CACHE_SECRET": os.urandom(16).hex()}
            if redis_answers(LOCAL_REDIS):
                env["CLAIMFLAG_REDIS_URL"] = LOCAL_REDIS
                redis_note = LOCAL_REDIS
            else:
                os.environ.pop("CLAIMFLAG_REDIS_URL", None)
                redis_note = "embedded"
            port = free_port()
            with running([str(CLAIMFLAG), "serve", "--host", "127.0.0.1", "--port", str(port)], port, env) as base:
                results = measure(base, page_url, args.runs, throttles)
    finally:
        stack.close()
        shutil.rmtree(pages, ignore_errors=True)
        shutil.rmtree(data_dir, ignore_errors=True)

    agg = {key: aggregate(runs) for key, runs in results.items() if runs}
    print(f"\nClaimFlag content script on the main thread: a generated page of {visible_words(html):,} visible "
          f"words, {args.runs} runs each (worst, median), headless Chromium, Redis: {redis_note}")
    print("'on load': the page loading with the extension working as it does by default (the page's own parsing "
          "and layout included);\n'after load': one pass of the extension over the loaded, settled page "
          "(click-to-analyze mode, then 'Analyze'), so every long task is the extension's; ready ms from the click.")
    print(f"{'cpu':>4}  {'':22} {'longest task ms':>16} {'traced longest':>15} {'tasks > 50 ms':>14} "
          f"{'first flag ms':>14} {'ready ms':>14} {'flags':>6}")
    for (t, way), a in agg.items():
        longest = f"{a['longest_ms']['max']:.0f} ({a['longest_ms']['median']:.0f})"
        traced = a.get("longest_traced_ms")
        traced = f"{traced['max']:.0f} ({traced['median']:.0f})" if traced else "-"
        over = f"{a['tasks_over_50ms']['max']} ({a['tasks_over_50ms']['median']:g})"
        if "ready_ms" in a:
            ready = f"{a['ready_ms']['max']:.0f} ({a['ready_ms']['median']:.0f})"
        else:
            ready = f"load {a['load_ms']['max']:.0f}"
        n = f"{a['flags']['max']}" if "flags" in a else "-"
        first = a.get("first_ms")
        first = f"{first['max']:.0f} ({first['median']:.0f})" if first and not settled_way(way) else "-"
        print(f"{t:>3g}x  {way:22} {longest:>16} {traced:>15} {over:>14} {first:>14} {ready:>14} {n:>6}")
    for t in throttles:
        one = agg[t, way_name("one go", True)]
        chunked = agg[t, way_name("chunked", True)]
        ratio = one["longest_traced_ms"]["max"] / chunked["longest_traced_ms"]["max"]
        print(f"{t:g}x cpu, the extension's own work on the loaded page (traced, worst of {args.runs}): longest "
              f"task one go {one['longest_traced_ms']['max']:.0f} ms, chunked "
              f"{chunked['longest_traced_ms']['max']:.0f} ms ({ratio:.1f}x shorter); tasks over 50 ms one go "
              f"{one['tasks_over_50ms']['max']}, chunked {chunked['tasks_over_50ms']['max']}; "
              f"time to ready chunked / one go {chunked['ready_ms']['median'] / one['ready_ms']['median']:.2f}")
    if args.json:
        args.json.write_text(json.dumps({
            "words": args.words, "visible_words": visible_words(html), "runs": args.runs, "redis": redis_note,
            "results": [{"cpu_throttle": t, "way": w, "runs": results[t, w], "summary": a} for (t, w), a in agg.items()],
        }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
