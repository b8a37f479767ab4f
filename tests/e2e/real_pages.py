"""Real saved pages with the extension: what counts as their article, what
the extension sent, and which of its flags stand outside the article.
Shared by ``tests/e2e/test_real_pages.py`` and ``extension/bench/article.py``.

The pages are ``../shared/data/real-pages/dev/<name>/source.html``, read by
path, never copied; beside each, ``expected.html`` is Readability's extracted
article, which counts as the article (shared/data/real-pages/SOURCE.md).
``test/`` beside ``dev/`` is held out and never opened here.

Text is compared as lower-cased word sequences (``\\w+``), so markup,
whitespace and punctuation differences between the live page and
Readability's copy do not count:

- **coverage**: the share of the article's words that were sent for claims: a
  word counts when one of the word 3-grams it belongs to occurs in a block sent
  with kind ``claim`` (a block of the article shorter than three words: when
  it occurs whole);
- **outside**: a flag stands outside the article when fewer than half of its
  sentence's 3-grams occur in the article (a sentence under three words: when
  it does not occur whole).
"""

from __future__ import annotations

import html.parser
import http.client
import http.server
import json
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

SHARED_DEV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real-pages" / "dev"

WORD = re.compile(r"\w+")

# Elements whose text starts a new block in Readability's output.
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "dd", "dt",
           "figcaption", "caption", "section", "article", "header", "footer", "ul", "ol", "table", "tr", "br",
           "figure", "aside", "nav", "main", "details", "summary", "address", "dl", "hr"}
_SKIP = {"script", "style", "noscript", "template"}


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def grams(ws: list[str], n: int = 3) -> list[tuple[str, ...]]:
    return [tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)]


class _BlockText(html.parser.HTMLParser):
    """The text of an HTML document, one string per block element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def flush(self):
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)


def html_blocks(markup: str) -> list[str]:
    parser = _BlockText()
    parser.feed(markup)
    parser.close()
    parser.flush()
    return parser.blocks


class Article:
    """What counts as a page's article: Readability's ``expected.html``."""

    def __init__(self, markup: str):
        self.blocks = [words(b) for b in html_blocks(markup)]
        self.blocks = [b for b in self.blocks if b]
        self.grams = {g for b in self.blocks for g in grams(b)}
        self.joined = " " + " ".join(" ".join(b) for b in self.blocks) + " "

    @classmethod
    def of(cls, page_dir: Path) -> "Article":
        return cls((page_dir / "expected.html").read_text(encoding="utf-8"))

    @property
    def word_count(self) -> int:
        return sum(len(b) for b in self.blocks)

    def covered(self, sent_texts: list[str]) -> int:
        """How many of the article's words the texts sent cover (see the module's docstring)."""
        sent = [words(t) for t in sent_texts]
        sent_grams = {g for s in sent for g in grams(s)}
        sent_joined = " " + " | ".join(" ".join(s) for s in sent) + " "
        n = 0
        for b in self.blocks:
            if len(b) < 3:
                n += len(b) if f" {' '.join(b)} " in sent_joined else 0
                continue
            hit = [False] * len(b)
            for i, g in enumerate(grams(b)):
                if g in sent_grams:
                    hit[i] = hit[i + 1] = hit[i + 2] = True
            n += sum(hit)
        return n

    def contains(self, sentence: str) -> bool:
        """Whether a flagged sentence stands in the article (see the module's docstring)."""
        ws = words(sentence)
        if not ws:
            return True
        gs = grams(ws)
        if not gs:
            return f" {' '.join(ws)} " in self.joined
        return sum(g in self.grams for g in gs) * 2 >= len(gs)


def page_names(root: Path = SHARED_DEV) -> list[str]:
    return sorted(p.name for p in root.iterdir() if (p / "source.html").exists() and (p / "expected.html").exists())


# -- what the extension sent ------------------------------------------------------


@dataclass
class Sent:
    """One /v1/analyze request the extension made, as the proxy saw it."""
    kinds: list[str]
    blocks: list[dict]
    at: float = 0.0


@dataclass
class Recording:
    requests: list[Sent] = field(default_factory=list)

    def clear(self) -> None:
        self.requests.clear()

    def texts(self, kind: str) -> list[str]:
        return [b["text"] for r in self.requests if kind in r.kinds for b in r.blocks]


@contextmanager
def recording_proxy(service_url: str):
    """An HTTP proxy in front of the service that keeps every /v1/analyze body
    (in this process's memory only); yields (its base URL, the Recording)."""
    import time
    from urllib.parse import urlsplit

    target = urlsplit(service_url)
    rec = Recording()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if self.command == "POST" and self.path == "/v1/analyze" and body:
                data = json.loads(body)
                rec.requests.append(Sent(data.get("kinds") or ["claim", "disclosure"], data["blocks"],
                                         time.monotonic()))
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                res = conn.getresponse()
                payload = res.read()
                self.send_response(res.status)
                for k, v in res.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                # The browser left the page before the answer came back.
                self.close_connection = True
            finally:
                conn.close()     # else the service's socket is left open (a ResourceWarning, an error here)

        do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = _forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", rec
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- one page with the extension ----------------------------------------------------------

FLAGS = """async url => {
    const tab = (await chrome.tabs.query({})).find((t) => t.url === url);
    return chrome.tabs.sendMessage(tab.id, {what: 'flags.get'});
}"""


@dataclass
class PageResult:
    name: str
    article_words: int
    covered_words: int
    claims: list[str]          # the claim flags drawn (their sentences' text)
    outside: list[str]         # those that stand outside the article
    disclosures: list[str]     # the disclosure flags drawn (their sentences' text)
    requests: list[Sent]
    first_ms: float | None
    ready_s: float
    lines: dict[str, int]      # how often each line (or table cell) of the page's visible text occurs

    @property
    def coverage(self) -> float:
        return self.covered_words / self.article_words if self.article_words else 1.0


def settle_requests(rec: Recording, quiet_s: float = 0.6, timeout_s: float = 30.0) -> None:
    """Wait until no request has reached the proxy for `quiet_s` (a page sends in up to three)."""
    import time

    deadline = time.monotonic() + timeout_s
    seen = -1
    while time.monotonic() < deadline:
        if len(rec.requests) == seen:
            return
        seen = len(rec.requests)
        time.sleep(quiet_s)


def measure_page(ctx, worker, rec: Recording, base_url: str, name: str, root: Path = SHARED_DEV,
                 timeout_ms: int = 60_000) -> PageResult:
    """Open one saved page with the extension, wait until it is analyzed, and
    measure it against its article (the extension's service URL is the proxy
    that `rec` belongs to)."""
    import time

    rec.clear()
    page = ctx.new_page()
    try:
        started = time.monotonic()
        page.goto(f"{base_url}/{name}/source.html", wait_until="domcontentloaded")
        page.wait_for_function("document.documentElement.dataset.claimflag === 'ready'", timeout=timeout_ms)
        ready_s = time.monotonic() - started
        settle_requests(rec)
        page.wait_for_function("document.documentElement.dataset.claimflag === 'ready'", timeout=timeout_ms)
        reply = worker.evaluate(FLAGS, page.url)
        if not reply or not reply.get("ok"):
            raise RuntimeError(f"{name}: the content script did not list its flags: {reply}")
        first = page.evaluate("document.documentElement.dataset.claimflagFirstMs ?? null")
        lines: dict[str, int] = {}
        # (Table cells are apart by tabs in innerText.)
        for line in re.split(r"[\n\t]", page.evaluate("document.body.innerText")):
            key = " ".join(line.split())
            lines[key] = lines.get(key, 0) + 1
    finally:
        page.close()
    article = Article.of(root / name)
    claims = [e["text"] for e in reply["value"] if e["kind"] == "claim"]
    return PageResult(
        name=name, article_words=article.word_count, covered_words=article.covered(rec.texts("claim")),
        claims=claims, outside=[c for c in claims if not article.contains(c)],
        disclosures=[e["text"] for e in reply["value"] if e["kind"] == "disclosure"],
        requests=list(rec.requests), first_ms=None if first is None else float(first), ready_s=ready_s,
        lines=lines)


def sent_again(result: PageResult) -> list[str]:
    """Block texts sent more often than they stand on the page (the page, or part of it, sent again)."""
    sent: dict[str, int] = {}
    for r in result.requests:
        for b in r.blocks:
            key = " ".join(b["text"].split())
            sent[key] = sent.get(key, 0) + 1
    return [t for t, n in sent.items() if n > max(1, result.lines.get(t, 0))]


def totals(results: list[PageResult]) -> dict:
    words = sum(r.article_words for r in results)
    claims = sum(len(r.claims) for r in results)
    return {
        "coverage": sum(r.covered_words for r in results) / words if words else 1.0,
        "claims": claims,
        "outside": sum(len(r.outside) for r in results),
        "outside_share": sum(len(r.outside) for r in results) / claims if claims else 0.0,
        "disclosures": sum(len(r.disclosures) for r in results),
    }


def table(results: list[PageResult]) -> str:
    lines = [f"{'page':30} {'article words':>13} {'sent for claims':>15} {'claim flags':>11} {'outside':>8} "
             f"{'disclosures':>11} {'requests':>8} {'first flag ms':>13}"]
    for r in results:
        first = "-" if r.first_ms is None else f"{r.first_ms:.0f}"
        lines.append(f"{r.name:30} {r.article_words:>13,} {r.coverage:>15.1%} {len(r.claims):>11} "
                     f"{len(r.outside):>8} {len(r.disclosures):>11} {len(r.requests):>8} {first:>13}")
    t = totals(results)
    lines.append(f"{'all ' + str(len(results)) + ' pages':30} {sum(r.article_words for r in results):>13,} "
                 f"{t['coverage']:>15.1%} {t['claims']:>11} {t['outside']:>8} {t['disclosures']:>11} "
                 f"({t['outside_share']:.1%} of the claim flags outside)")
    return "\n".join(lines)
