"""The drawing layer on its own, in Chromium's real CSS Custom Highlight API
(jsdom, under `npm test`, has none: there only the <mark> fallback runs).

The extension's `highlighter.js` and `slicer.js` are loaded as ES modules into
a plain page (no extension, no service). On the first page, a sliced
`setItems` takes on its flags a slice at a time, and a later `setItems` or
`clear()` takes over from wherever a sliced one got to: the slicer's clock
says every slice is used up after one flag, and its yields wait for the test
to let them go, so each step is seen. On the second, the highlights
themselves: one per kind and one for the focus, drawn without a change to the
page, only the difference applied, hidden and shown, the flag under a point,
only the flags near the viewport, and nothing left after destroy().
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


# A claim whose paragraph holds a disclosure sentence, more claims, and a
# claim ten viewports further down.
KINDS_PAGE = """<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<body style="margin: 0; font: 16px/1.5 sans-serif">
<p id="mixed">Officials said 7 roads closed. This post is sponsored by a bank. They reopened at noon.</p>
<p id="a">Alpha said 1 thing.</p><p id="b">Beta said 2 things.</p><p id="c">Gamma said 3 things.</p>
<div style="height: 6000px"></div>
<p id="far">Far below, 9 bridges shut.</p>
</body>"""

# Flags named by what they cover (a whole paragraph, or one sentence of it), and a new highlighter.
KINDS_SETUP = """async () => {
    const { createHighlighter } = await import('/src/content/highlighter.js');
    const flag = (id, kind, sentence) => {
        const node = document.getElementById(id).firstChild;
        const range = document.createRange();
        const at = sentence ? node.data.indexOf(sentence) : 0;
        range.setStart(node, at);
        range.setEnd(node, sentence ? at + sentence.length : node.data.length);
        return { kind, range, span: {} };
    };
    window.f = {
        mixed: flag('mixed', 'claim'), sponsored: flag('mixed', 'disclosure', 'This post is sponsored by a bank.'),
        a: flag('a', 'claim'), b: flag('b', 'claim'), c: flag('c', 'claim'), far: flag('far', 'claim'),
    };
    for (const [name, flag] of Object.entries(f)) flag.span.label = name;
    // The ids of the flags of `kind` in the highlight registered now ([] if none is).
    window.drawn = (kind) => {
        const h = CSS.highlights.get('claimflag-' + kind);
        return h ? Object.keys(f).filter((k) => h.has(f[k].range)) : [];
    };
    window.frames = (n = 2) => new Promise((done) => {
        const next = () => (n-- ? requestAnimationFrame(next) : done());
        next();
    });
    window.hl = createHighlighter(window);
    return hl.mode;
}"""


@pytest.fixture(scope="module")
def site(playwright_instance, tmp_path_factory):
    root = tmp_path_factory.mktemp("highlighter")
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "kinds.html").write_text(KINDS_PAGE, encoding="utf-8")
    (root / "src").symlink_to(EXTENSION / "src")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=chromium_args())
    try:
        with static_server(root) as base:
            yield browser, base
    finally:
        browser.close()


@pytest.fixture(scope="module")
def page(site):
    browser, base = site
    page = browser.new_page(viewport={"width": 800, "height": 600})
    page.goto(f"{base}/index.html")
    yield page
    page.close()


@pytest.fixture
def kinds(site):
    browser, base = site
    page = browser.new_page(viewport={"width": 800, "height": 600})
    page.goto(f"{base}/kinds.html")
    assert page.evaluate(KINDS_SETUP) == "highlight-api"
    yield page
    page.close()


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


def test_each_kind_has_its_highlight_and_the_page_is_not_touched(kinds):
    before = kinds.evaluate("document.body.innerHTML")
    kinds.evaluate("hl.setItems([f.mixed, f.sponsored, f.a])")
    assert kinds.evaluate("drawn('claim')") == ["mixed", "a"]
    assert kinds.evaluate("drawn('disclosure')") == ["sponsored"]
    assert kinds.evaluate("CSS.highlights.has('claimflag-focus')") is False  # nothing focused: not registered
    # The focus is drawn over a disclosure, a disclosure over a claim.
    assert kinds.evaluate("['claim', 'disclosure'].map((k) => CSS.highlights.get('claimflag-' + k).priority)") == [0, 1]
    kinds.evaluate("hl.setFocus(f.a)")
    assert kinds.evaluate("drawn('focus')") == ["a"]
    assert kinds.evaluate("CSS.highlights.get('claimflag-focus').priority") == 2
    assert kinds.evaluate("document.body.innerHTML") == before


def test_a_redraw_applies_only_the_difference(kinds):
    kinds.evaluate("hl.setItems([f.a, f.b, f.c]), window.kept = CSS.highlights.get('claimflag-claim')")
    kinds.evaluate("hl.setFocus(f.a), hl.setItems([f.b, f.c, f.mixed])")
    assert kinds.evaluate("drawn('claim')") == ["mixed", "b", "c"]
    # The same Highlight, its ranges the same objects: nothing was rebuilt; the focus went with its flag.
    assert kinds.evaluate("CSS.highlights.get('claimflag-claim') === kept && kept.size") == 3
    assert kinds.evaluate("hl.focused") is None
    assert kinds.evaluate("CSS.highlights.has('claimflag-focus')") is False


def test_hidden_flags_leave_the_registry_and_come_back_as_they_were(kinds):
    kinds.evaluate("hl.setItems([f.mixed, f.sponsored])")
    kinds.evaluate("hl.setVisible(false)")
    assert kinds.evaluate("CSS.highlights.size") == 0
    kinds.evaluate("hl.setFocus(f.sponsored)")  # stepping to a flag while hidden
    assert kinds.evaluate("CSS.highlights.size") == 0
    kinds.evaluate("hl.setVisible(true)")
    assert kinds.evaluate("[drawn('claim'), drawn('disclosure'), drawn('focus')]") == [["mixed"], ["sponsored"],
                                                                                       ["sponsored"]]


def test_the_flag_under_a_point_is_the_smallest_one_there(kinds):
    kinds.evaluate("hl.setItems([f.mixed, f.sponsored, f.a])")
    at = """([id, text]) => {
        const node = document.getElementById(id).firstChild;
        const r = document.createRange();
        const i = node.data.indexOf(text);
        r.setStart(node, i); r.setEnd(node, i + 2);
        const box = r.getBoundingClientRect();
        return hl.itemAt(box.left + box.width / 2, box.top + box.height / 2)?.span.label ?? null;
    }"""
    assert kinds.evaluate(at, ["mixed", "sponsored"]) == "sponsored"  # inside the claim too: the smaller wins
    assert kinds.evaluate(at, ["mixed", "roads"]) == "mixed"
    assert kinds.evaluate(at, ["a", "said"]) == "a"
    assert kinds.evaluate(at, ["b", "said"]) is None  # no flag on it
    assert kinds.evaluate("hl.itemAt(790, 590)") is None
    kinds.evaluate("hl.setVisible(false)")
    assert kinds.evaluate(at, ["a", "said"]) is None


def test_only_flags_near_the_viewport_are_drawn_and_destroy_leaves_nothing(kinds):
    kinds.evaluate("hl.setItems([f.a, f.far])")
    assert kinds.evaluate("drawn('claim')") == ["a"]  # "far" is ten viewports down
    assert kinds.evaluate("hl.items.length") == 2
    kinds.evaluate("document.getElementById('far').scrollIntoView(), frames()")
    kinds.wait_for_function("drawn('claim').join() === 'far'", timeout=5_000)

    kinds.evaluate("hl.destroy()")
    assert kinds.evaluate("CSS.highlights.size") == 0
    # Its IntersectionObserver is gone too: scrolling back draws nothing.
    kinds.evaluate("scrollTo(0, 0), frames(4)")
    assert kinds.evaluate("CSS.highlights.size") == 0
