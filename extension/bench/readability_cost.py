"""What Mozilla's Readability would cost the content script on a long page.

The extension does not ship Readability (its article finder is
src/content/article.js); this measures why. Readability needs a clone of the
document and scores it in one synchronous call, which cannot be cut into
time slices. Run from the repository root, with the library fetched by npm
(it is not a dependency):

    (cd /tmp && npm pack @mozilla/readability@0.6.0 && tar xzf mozilla-readability-0.6.0.tgz)
    .venv/bin/python extension/bench/readability_cost.py /tmp/package/Readability.js [--words 20000] [--runs 5]

It opens the generated long read of the longtasks bench (tests/e2e/perf.py)
in headless Chromium without the extension and times, `--runs` times at each
CPU slow-down, `document.cloneNode(true)` and `new Readability(clone).parse()`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tests"))

from longtasks import CHROMIUM  # noqa: E402

from e2e.perf import chromium_args, long_article, static_server  # noqa: E402

TIME = """async (runs) => {
    const out = [];
    for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const clone = document.cloneNode(true);
        const t1 = performance.now();
        const article = new Readability(clone).parse();
        out.push({clone: t1 - t0, parse: performance.now() - t1, chars: article ? article.textContent.length : 0});
        await new Promise((done) => setTimeout(done, 50));
    }
    return out;
}"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("readability", type=Path, help="Readability.js from the @mozilla/readability package")
    ap.add_argument("--words", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpu-throttle", default="1,3")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    source = args.readability.read_text(encoding="utf-8")
    pages = Path(tempfile.mkdtemp(prefix="claimflag-pages-"))
    try:
        (pages / "long.html").write_text(long_article(args.words), encoding="utf-8")
        with static_server(pages) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=chromium_args())
            print(f"Readability on the generated {args.words:,}-word page, {args.runs} runs, ms (worst, median):")
            for rate in (float(x) for x in args.cpu_throttle.split(",")):
                page = browser.new_page()
                page.goto(f"{base}/long.html")
                page.add_script_tag(content=source)
                if rate != 1:
                    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
                runs = page.evaluate(TIME, args.runs)
                page.close()
                for key in ("clone", "parse"):
                    values = [r[key] for r in runs]
                    print(f"  {rate:g}x cpu  {key:6} {max(values):6.0f} ({statistics.median(values):.0f})")
            browser.close()
    finally:
        shutil.rmtree(pages, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
