"""How well the extension finds the article on the shared dev pages.

Run from the repository root with the project's virtualenv:

    .venv/bin/python extension/bench/article.py [--pages a,b] [--json out.json]

It starts the real service (as extension/bench/longtasks.py does, with a
fresh cache secret), puts a recording proxy in front of it, and opens each
page of ../shared/data/real-pages/dev/ in headless Chromium with the unpacked
extension (tests/e2e/real_pages.py). Per page and overall it prints:

- **sent for claims**: the share of the article's words (Readability's
  `expected.html`) that went to the service in blocks asked for claims;
- **claim flags** drawn, and how many of them stand **outside** the article;
- the **disclosure flags** drawn (with ``--show-disclosures``, their text);
- the number of requests (the article's blocks near the viewport, the chrome
  near it for disclosures only, the rest) and the time to the first drawn
  flag (`data-claimflag-first-ms`, from navigation start; cold: nothing cached).

The held-out pages (`real-pages/test/`) are never opened here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tests"))

from longtasks import CHROMIUM, CLAIMFLAG, EXTENSION, LOCAL_REDIS, redis_answers  # noqa: E402

from claimflag.tools.procs import free_port, running  # noqa: E402
from e2e.perf import chromium_args, static_server  # noqa: E402
from e2e.real_pages import (SHARED_DEV, measure_page, page_names, recording_proxy, table,  # noqa: E402
                            totals)


def measure(service_url: str, names: list[str]) -> list:
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="claimflag-article-"))
    results = []
    try:
        with static_server(SHARED_DEV) as base, recording_proxy(service_url) as (proxy, rec), \
                sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, viewport={"width": 1000, "height": 760},
                args=chromium_args(EXTENSION))
            try:
                worker = ctx.service_workers[0] if ctx.service_workers else \
                    ctx.wait_for_event("serviceworker", timeout=15_000)
                worker.evaluate("s => chrome.storage.local.set({settings: s})", {"serviceUrl": proxy})
                for name in names:
                    r = measure_page(ctx, worker, rec, base, name)
                    print(f"{name}: {len(r.claims)} claim flags, first drawn at {r.first_ms} ms", file=sys.stderr)
                    results.append(r)
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", help="comma-separated page names (default: every dev page)")
    ap.add_argument("--service", help="use a service that is already running (e.g. http://127.0.0.1:8000)")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--show-disclosures", action="store_true", help="print each disclosure flag's sentence")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.pages.split(",")] if args.pages else page_names()

    if args.service:
        results = measure(args.service.rstrip("/"), names)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="claimflag-data-"))
        env = {"CLAIMFLAG_DATA_DIR": str(data_dir), "CLAIMFLAG_RATE_LIMIT_INSTALLS": "1000 per minute",
               "CLAIMFLAG_CACHE_SECRET": os.urandom(16).hex()}
        if redis_answers(LOCAL_REDIS):
            env["CLAIMFLAG_REDIS_URL"] = LOCAL_REDIS
        else:
            os.environ.pop("CLAIMFLAG_REDIS_URL", None)
        try:
            port = free_port()
            with running([str(CLAIMFLAG), "serve", "--host", "127.0.0.1", "--port", str(port)], port, env) as base:
                results = measure(base, names)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)

    print(f"\nThe extension on {len(results)} saved pages (../shared/data/real-pages/dev), headless Chromium: the "
          "share of the article's words sent for claims, and the claim flags drawn outside the article")
    print(table(results))
    if args.show_disclosures:
        for r in results:
            for text in r.disclosures:
                print(f"disclosure on {r.name}: {text}")
    firsts = sorted(r.first_ms for r in results if r.first_ms is not None)
    if firsts:
        print(f"first flag drawn (cold), ms from navigation start: median {firsts[len(firsts) // 2]:.0f}, "
              f"worst {firsts[-1]:.0f}")
    if args.json:
        args.json.write_text(json.dumps({
            "totals": totals(results),
            "pages": [{"name": r.name, "article_words": r.article_words, "coverage": r.coverage,
                       "claims": len(r.claims), "outside": r.outside, "disclosures": len(r.disclosures),
                       "requests": len(r.requests),
                       "first_ms": r.first_ms} for r in results],
        }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
