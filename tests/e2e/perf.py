"""Main-thread cost of the content script on a long page: shared by
``tests/e2e/test_longtasks.py`` and ``extension/bench/longtasks.py``.

- ``long_article(words)``: a generated news page of about that many words,
  from sentence templates (a third of them carry figures, quotes or named
  sources, so the service flags a few hundred sentences), with inline markup,
  lists, quotes, a table and some hidden text, all deterministic.
- ``LONGTASK_OBSERVER``: an init script (``page.add_init_script``) that records
  every long task (over 50 ms, with Chromium's attribution) and every long
  animation frame with the scripts it ran, from before the page's own scripts,
  and the time ``data-claimflag`` first turned ``ready``.
- ``chromium_args(extension)``: the flags every test browser starts with, and
  ``static_server(directory)``: pages over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import functools
import html
import http.server
import threading
from contextlib import contextmanager
import random
import re
import time

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_args(extension=None) -> list[str]:
    """Chromium flags; with `extension` (a folder) that unpacked extension is loaded."""
    args = list(CHROMIUM_FLAGS)
    if extension is not None:
        args += [f"--disable-extensions-except={extension}", f"--load-extension={extension}"]
    return args


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
        pass


@contextmanager
def static_server(directory):
    """The files under `directory` over HTTP on a free port (a thread of this
    process) until the block ends; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- the page -------------------------------------------------------------------

PEOPLE = ["Maria Lopez", "Dana Whitfield", "Omar Haddad", "Grace Okafor", "Lena Fischer", "Tomás Rivera",
          "Priya Natarajan", "Henrik Berg", "Aiko Tanaka", "Samuel Mensah"]
ROLES = ["a spokeswoman for the utility", "the county treasurer", "the mayor", "a senior economist at the bank",
         "the hospital's chief executive", "a professor of hydrology", "the transport minister",
         "the head of the teachers' union"]
BODIES = ["The city council", "The regional utility", "The health ministry", "The national statistics office",
          "The port authority", "The school board", "The central bank", "The fire service"]
THINGS = ["homes", "households", "students", "patients", "flights", "jobs", "businesses", "vehicles", "trees",
          "bridges"]
PLACES = ["Riverside", "the northern district", "Elm Street", "the harbour", "the old town", "the valley",
          "the industrial park", "the coastal road"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

# Flaggable: figures, quotes, named and unnamed sources, comparisons, predictions.
CLAIMS = [
    "{body} said on {day} that {n:,} {thing} were affected in {place}.",
    "According to {body_l}, the repairs will cost about ${m}.{d} million, nearly twice as much as last year.",
    "Unemployment in {place} rose to {p}.{d} percent in {month}, the highest level in {y} years.",
    "\u201cWe had {k} crews out before midnight,\u201d said {person}, {role}.",
    "{person}, {role}, said the number of {thing} had fallen by {p} percent since {year}.",
    "Officials who asked not to be named said at least {k} {thing} would be closed until {month}.",
    "The budget grew from ${m} million in {year} to ${m2} million this year, an increase of {p} percent.",
    "A report published in {month} found that {p} percent of {thing} in {place} were at risk of flooding.",
    "{body} expects the number of {thing} to double by {year2}.",
    "Experts warn that prices could rise by as much as {p} percent before the end of the year.",
]
# Narrative that should not be flagged.
PLAIN = [
    "Crews worked through the night to clear fallen trees from the main roads.",
    "Residents on {place_c} described the wind as the worst they could remember.",
    "The meeting ran late into the evening and ended without a vote.",
    "Neighbours brought food and blankets to the families who had to leave their homes.",
    "The old bridge has long been a favourite spot for anglers and walkers.",
    "Some shops reopened in the afternoon, while others stayed shut for the rest of the week.",
    "Children played in the park as the rain finally eased.",
    "The library opened its doors to anyone who needed a warm place to sit.",
    "Volunteers sorted donations in the school gym until late at night.",
    "The river was calm again by the weekend, and the ferries resumed their usual routes.",
    "Many people said they were simply glad the worst had passed.",
    "Local musicians played an impromptu concert on the town square.",
]


def _sentence(rng: random.Random, flagged: bool) -> str:
    template = rng.choice(CLAIMS if flagged else PLAIN)
    body = rng.choice(BODIES)
    place = rng.choice(PLACES)
    return template.format(
        body=body, body_l=body[0].lower() + body[1:], day=rng.choice(DAYS), n=rng.randint(120, 48_000),
        thing=rng.choice(THINGS), place=place, place_c=place[0].upper() + place[1:], m=rng.randint(2, 90),
        m2=rng.randint(91, 400), d=rng.randint(1, 9), p=rng.randint(3, 60), month=rng.choice(MONTHS),
        y=rng.randint(5, 30), k=rng.randint(12, 300), person=rng.choice(PEOPLE), role=rng.choice(ROLES),
        year=rng.randint(2009, 2022), year2=rng.randint(2027, 2040))


def _inline(rng: random.Random, text: str, refs: list[int]) -> str:
    """HTML for one sentence as news sites write it: links, emphasis and spans
    inside it, sometimes a citation mark after it (so several Text nodes)."""
    words = html.escape(text, quote=False).split(" ")
    for _ in range(rng.choice([0, 1, 2, 2, 3])):
        if len(words) < 6:
            break
        i = rng.randint(1, len(words) - 3)
        tag = rng.choice(['a href="#"', "em", "strong", 'span class="hl"', 'a class="topic" href="#"'])
        close = tag.split(" ")[0]
        words[i] = f"<{tag}>{words[i]} {words[i + 1]}</{close}>"
        del words[i + 1]
    out = " ".join(words)
    if rng.random() < 0.4:
        refs[0] += 1
        out += f'<sup class="ref"><a href="#ref-{refs[0]}">[{refs[0]}]</a></sup>'
    return out


def _references(rng: random.Random, n: int) -> str:
    """A reference list as encyclopaedias and long reads have: many small elements, few words."""
    items = []
    for i in range(1, n + 1):
        items.append(
            f'<li id="ref-{i}"><span class="back"><a href="#">^</a></span> <cite class="citation">'
            f'<a href="#">{html.escape(rng.choice(HEADLINES))}</a>. <i>{html.escape(rng.choice(BODIES))}</i>. '
            f'<span class="date">{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2009, 2026)}</span>.</cite></li>')
    return f'<section class="references"><h2>References</h2><ol>{"".join(items)}</ol></section>'


HEADLINES = ["How the river was tamed", "Inside the night shift", "The cost of rebuilding", "Who pays for the storm",
             "A town that refused to leave", "Ten years of floods", "What the forecasters got wrong"]
AUTHORS = ["riverfan", "Old Harbour", "j.mensah", "Lena F.", "northern_lights", "Tom R.", "anon", "Elm St resident"]


def long_article(words: int = 20_000, seed: int = 6, flag_share: float = 0.33) -> str:
    """A news page of about `words` words of visible prose (deterministic for a seed).

    Built like a real long read, not a bare list of paragraphs: nested wrapper
    divs, inline links and citation marks, a related-stories box per section,
    buttons, hidden text, a reference list and a long comment thread, about one
    element for every two or three words, so collecting it costs what collecting a real page does.
    """
    rng = random.Random(seed)
    refs = [0]
    parts: list[str] = []
    count = 0
    section = 0

    def sentences(n: int, visible: bool = True) -> list[str]:
        nonlocal count
        out = []
        for _ in range(n):
            s = _sentence(rng, rng.random() < flag_share)
            if visible:
                count += len(s.split())
            out.append(_inline(rng, s, refs))
        return out

    def para(n: int) -> str:
        return f'<div class="para"><p>{" ".join(sentences(n))}</p></div>'

    while count < words * 0.6:
        section += 1
        parts.append(f'<section class="chunk" id="part-{section}"><div class="inner">')
        parts.append(f"<h2>Part {section}: what happened in {html.escape(rng.choice(PLACES))}</h2>")
        parts.append('<div class="share"><button>Share</button><button>Save</button></div>')
        count += 5
        for _ in range(rng.randint(4, 8)):
            r = rng.random()
            if r < 0.1:
                items = "".join(f"<li>{s}</li>" for s in sentences(rng.randint(3, 5)))
                parts.append(f"<ul>{items}</ul>")
            elif r < 0.16:
                parts.append(f"<blockquote><p>{' '.join(sentences(2))}</p></blockquote>")
            elif r < 0.2:
                rows = "".join(f"<tr><td>{html.escape(rng.choice(PLACES))}</td><td>{s}</td></tr>"
                               for s in sentences(3))
                parts.append(f"<table><tbody>{rows}</tbody></table>")
            elif r < 0.22:
                # Hidden text is never collected (and not counted).
                parts.append(f"<p hidden>{' '.join(sentences(2, visible=False))}</p>")
            else:
                parts.append(para(rng.randint(2, 5)))
        links = []
        for _ in range(5):
            h = rng.choice(HEADLINES)
            count += len(h.split())
            links.append(f'<li><a href="#"><span class="kicker">Read</span> {html.escape(h)}</a></li>')
        parts.append(f'<aside class="related"><h3>Related</h3><ul>{"".join(links)}</ul></aside>')
        parts.append("</div></section>")
    references = _references(rng, refs[0])
    count += len(re.sub(r"<[^>]+>", " ", references).split())
    comments = []
    while count < words:
        who = html.escape(rng.choice(AUTHORS))
        comments.append(
            f'<div class="comment"><div class="meta"><span class="author">{who}</span> · '
            f'<time>{rng.randint(1, 23)} h ago</time></div>'
            f'<div class="text"><p>{" ".join(sentences(rng.randint(1, 3)))}</p></div>'
            f'<div class="actions"><button>Reply</button> <button>Like</button> '
            f'<span class="likes">{rng.randint(0, 99)}</span></div></div>')
    body = "\n".join(parts) + references
    thread = "\n".join(comments)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>The long read: a year of storms ({words:,} words)</title>
<style>
  body {{ font: 17px/1.6 Georgia, serif; max-width: 720px; margin: 40px auto; padding: 0 16px; color: #222; }}
  td {{ vertical-align: top; padding: 4px 8px; }}
  .related {{ border-top: 1px solid #ddd; font-size: 14px; }}
  .kicker {{ font-weight: bold; margin-right: 4px; }}
  .comment {{ border-left: 3px solid #eee; padding-left: 10px; margin: 12px 0; }}
  .meta, .actions {{ font-size: 13px; color: #666; }}
</style>
</head>
<body>
<header><nav><ul><li><a href="#">News</a></li><li><a href="#">Weather</a></li><li><a href="#">Opinion</a></li></ul></nav>
<p>Riverside Gazette · The long read</p></header>
<main><article>
<h1>A year of storms</h1>
{body}
</article>
<section class="comments"><h2>Comments</h2>
{thread}
</section></main>
<footer><p>© Riverside Gazette</p></footer>
</body>
</html>
"""


# -- measuring --------------------------------------------------------------------

LONGTASK_OBSERVER = r"""
(() => {
  const out = window.__claimflagPerf = {longtasks: [], frames: [], startedAt: null, readyAt: null, loadAt: null};
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        out.longtasks.push({start: e.startTime, duration: e.duration, name: e.name,
          attribution: (e.attribution || []).map((a) => ({name: a.name, containerType: a.containerType,
            containerName: a.containerName, containerSrc: a.containerSrc, containerId: a.containerId}))});
      }
    }).observe({type: 'longtask', buffered: true});
  } catch (err) { out.longtaskError = String(err); }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        out.frames.push({start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
          scripts: (e.scripts || []).map((s) => ({duration: s.duration, invoker: s.invoker,
            invokerType: s.invokerType, sourceURL: s.sourceURL, sourceFunctionName: s.sourceFunctionName,
            windowAttribution: s.windowAttribution}))});
      }
    }).observe({type: 'long-animation-frame', buffered: true});
  } catch (err) { out.frameError = String(err); }
  addEventListener('load', () => { out.loadAt = performance.now(); });
  // When the content script first showed itself (data-claimflag set) and first
  // said ready. (<html> may not exist yet when an init script runs.)
  const seen = new MutationObserver(() => {
    const state = document.documentElement?.getAttribute('data-claimflag');
    if (state && out.startedAt === null) out.startedAt = performance.now();
    if (state === 'ready') {
      out.readyAt = performance.now();
      seen.disconnect();
    }
  });
  seen.observe(document, {attributes: true, subtree: true, attributeFilter: ['data-claimflag']});
})();
"""


def read_perf(page) -> dict:
    """What LONGTASK_OBSERVER recorded so far in `page`."""
    return page.evaluate("() => JSON.parse(JSON.stringify(window.__claimflagPerf))")


def wait_for_state(page, state: str = "ready", timeout_s: float = 180.0) -> None:
    """Poll `data-claimflag` with plain evaluations: Playwright's wait_for_function
    would inject its own (large) script into the page, a long task of its own."""
    deadline = time.monotonic() + timeout_s
    while page.evaluate("document.documentElement.dataset.claimflag") != state:
        if time.monotonic() > deadline:
            raise TimeoutError(f"data-claimflag did not become {state!r} in {timeout_s} s")
        time.sleep(0.05)


def settle(page, ms: int = 600) -> None:
    """Let the last drawing reach the screen (and its tasks be reported)."""
    page.evaluate("""ms => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(
        () => setTimeout(done, ms))))""", ms)


def analyze_settled(page, worker, timeout_s: float = 180.0) -> dict:
    """One pass of the content script over a page that has finished loading.

    The page is open with the extension in "analyze only when I click" mode
    (data-claimflag=disabled) and settled: nothing of the page's own runs any
    more, so every long task from here on is the extension's. Clears what was
    recorded, asks the content script to analyze (what the popup's button
    does), waits for ready and for the drawing to reach the screen; returns
    the record of just that pass (`triggeredAt` is when it was asked).
    """
    page.evaluate("""() => {
        const p = window.__claimflagPerf;
        p.longtasks = []; p.frames = []; p.readyAt = null; p.triggeredAt = performance.now();
    }""")
    reply = worker.evaluate("""async url => {
        const tab = (await chrome.tabs.query({})).find((t) => t.url === url);
        return chrome.tabs.sendMessage(tab.id, {what: 'analyze.now'});
    }""", page.url)
    if not reply or not reply.get("ok"):
        raise RuntimeError(f"the content script did not take the request: {reply}")
    wait_for_state(page, "ready", timeout_s)
    settle(page)
    return read_perf(page)


def summary(perf: dict) -> dict:
    """Longest task, tasks over 50 ms and the time to ready (ms since navigation
    start, or since the pass was asked for after analyze_settled)."""
    tasks = perf["longtasks"]
    since = perf.get("triggeredAt") or 0.0
    return {
        "longest_ms": round(max((t["duration"] for t in tasks), default=0.0), 1),
        "tasks_over_50ms": sum(1 for t in tasks if t["duration"] > 50),
        "ready_ms": None if perf["readyAt"] is None else round(perf["readyAt"] - since),
        "load_ms": None if perf["loadAt"] is None else round(perf["loadAt"]),
    }


class MainThreadTrace:
    """Every task of one page's renderer main thread, from a Chromium trace.

    The Long Tasks API reports only tasks over 50 ms; a trace shows all of
    them, so a benchmark can say how long the longest one was even when it is
    short. Use as a context manager around the work to measure:

        with MainThreadTrace(ctx, page) as trace:
            ...
        trace.longest_ms, trace.task_ms
    """

    CATEGORIES = "toplevel,devtools.timeline,disabled-by-default-devtools.timeline"

    def __init__(self, ctx, page):
        self.page = page
        self.cdp = ctx.new_cdp_session(page)
        self.events: list[dict] = []
        self.done = False
        self.task_ms: list[float] = []

    def __enter__(self):
        self.cdp.on("Tracing.dataCollected", lambda e: self.events.extend(e["value"]))
        self.cdp.on("Tracing.tracingComplete", lambda e: setattr(self, "done", True))
        self.cdp.send("Tracing.start", {"categories": self.CATEGORIES, "transferMode": "ReportEvents"})
        return self

    def __exit__(self, *exc):
        self.cdp.send("Tracing.end")
        deadline = time.monotonic() + 30
        while not self.done and time.monotonic() < deadline:
            self.page.wait_for_timeout(50)
        self.cdp.detach()
        self.task_ms = self._tasks()
        return False

    def _tasks(self) -> list[float]:
        pid = None
        for e in self.events:
            if e.get("name") == "TracingStartedInBrowser":
                for f in e.get("args", {}).get("data", {}).get("frames", []):
                    if f.get("url") == self.page.url and not f.get("parent"):
                        pid = f.get("processId")
        threads = {(e["pid"], e["tid"]) for e in self.events
                   if e.get("ph") == "M" and e.get("name") == "thread_name"
                   and e.get("args", {}).get("name") == "CrRendererMain" and (pid is None or e["pid"] == pid)}
        if len(threads) != 1:
            raise RuntimeError(f"cannot tell the page's main thread in the trace ({len(threads)} candidates)")
        main = threads.pop()
        return [e["dur"] / 1000 for e in self.events
                if (e["pid"], e["tid"]) == main and e.get("ph") == "X" and e.get("name") == "RunTask"]

    @property
    def longest_ms(self) -> float:
        return round(max(self.task_ms, default=0.0), 1)
