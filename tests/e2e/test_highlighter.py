"""The drawing layer on its own, in Chromium's real CSS Custom Highlight API.

The extension's `highlighter.js` and `slicer.js` are loaded as ES modules into
a plain page (no extension, no service): a sliced `setItems` takes on its flags
a slice at a time, and a later `setItems` or `clear()` takes over from wherever
a sliced one got to. The slicer's clock says every slice is used up after one
flag, and its yields wait for the test to let them go, so each step is seen.
"""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, EXTENSION
from .perf import chromium_args, static_server

pytestmark = pytest.mark.browser

FLAGS = 12

PAGE = f"""<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<body style="font: 12px sans-serif">{''.join(f'<p>Flag number {i} sits in this line.</p>' for i in range(FLAGS))}</body>"""

# Builds one claim flag per paragraph and a highlighter; `window.step()` lets
# the sliced pass in flight go on by one flag.
SETUP = """async () => {
    const { createHighlighter, HIGHLIGHT_NAMES } = await import('/src/content/highlighter.js');
    const { Slicer } = await import('/src/content/slicer.js');
    const items = [...document.querySelectorAll('p')].map((p) => {
        const range = document.createRange();
        range.selectNodeContents(p.firstChild);
        return { kind: 'claim', range, span: {} };
    });
    let tick = 0;
    const waiting = [];
    window.step = () => waiting.shift()?.();
    window.slicer = () => new Slicer({ budgetMs: 1, clock: () => tick++,
                                       yieldFn: () => new Promise((go) => waiting.push(go)) });
    window.drawn = () => {
        const h = CSS.highlights.get(HIGHLIGHT_NAMES.claim);
        return h ? items.filter((it) => h.has(it.range)).map((it) => items.indexOf(it)) : [];
    };
    window.items = items;
    window.hl = createHighlighter(window);
    window.flush = () => new Promise((done) => setTimeout(done, 0));
    return hl.mode;
}"""


@pytest.fixture(scope="module")
def page(playwright_instance, tmp_path_factory):
    root = tmp_path_factory.mktemp("highlighter")
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "src").symlink_to(EXTENSION / "src")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=chromium_args())
    try:
        with static_server(root) as base:
            page = browser.new_page(viewport={"width": 800, "height": 600})
            page.goto(f"{base}/index.html")
            yield page
    finally:
        browser.close()


@pytest.fixture
def hl(page):
    assert page.evaluate(SETUP) == "highlight-api"
    yield page
    page.evaluate("hl.clear()")


def test_a_sliced_draw_takes_on_one_flag_per_slice_until_all_are_drawn(hl):
    hl.evaluate("void (window.pass = hl.setItems(items, slicer()))")
    assert hl.evaluate("drawn()") == []
    for n in range(1, FLAGS + 1):
        hl.evaluate("step(), flush()")
        assert hl.evaluate("drawn()") == list(range(n))
    hl.evaluate("pass")
    assert hl.evaluate("drawn()") == list(range(FLAGS))


def test_a_later_set_takes_over_from_a_sliced_draw_in_flight(hl):
    hl.evaluate("void (window.pass = hl.setItems(items, slicer()))")
    hl.evaluate("step(), flush()")
    hl.evaluate("step(), flush()")
    assert hl.evaluate("drawn()") == [0, 1]
    # Flags 0 and 1 drawn, the rest waiting: now only the last three are to be shown.
    hl.evaluate("hl.setItems(items.slice(-3))")
    assert hl.evaluate("drawn()") == [FLAGS - 3, FLAGS - 2, FLAGS - 1]
    # The first pass, let go, draws nothing more, and its promise ends with the later set's.
    hl.evaluate("step(), pass")
    assert hl.evaluate("drawn()") == [FLAGS - 3, FLAGS - 2, FLAGS - 1]
    assert hl.evaluate("hl.items.length") == 3


def test_clear_stops_a_sliced_draw_in_flight(hl):
    hl.evaluate("void (window.pass = hl.setItems(items, slicer()))")
    hl.evaluate("step(), flush()")
    assert hl.evaluate("drawn()") == [0]
    hl.evaluate("hl.clear(), step(), pass")
    assert hl.evaluate("drawn()") == []
    assert hl.evaluate("CSS.highlights.has('claimflag-claim')") is False
