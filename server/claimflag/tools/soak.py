"""``claimflag soak``: sustained mixed load on gunicorn and a real Redis, with faults.

Starts its own ``redis-server`` (``appendonly yes``, ``appendfsync always``:
a settings write is acknowledged only once it is on disk) and gunicorn with
``server/gunicorn.conf.py`` and 2 workers, then runs N client threads for D
seconds. Each client mixes analyze requests (new and cached pages, a page
near the block and character limits, tiny ones, with and without its install
token), settings reads and writes, bad requests, and now and then a body it
abandons half way (closing the socket). Every acknowledged settings write is
recorded; at the end all are read back through the API.

Faults, at fixed points of the run:

- a gunicorn worker is killed (SIGKILL) while analysing; gunicorn replaces it.
  Clients see an answer or a connection error, which they retry;
- Redis is killed (SIGKILL, the harshest stop) and started again on the same
  port and files: analysis must keep answering 200, settings answer 503 and
  then recover, and no acknowledged write may be lost;
- a client sends headers and part of a large body, then closes the socket.

Fails (non-zero exit) on any 5xx other than settings' 503 while Redis is
down, a connection error outside the killed worker's moment, a request that
hangs (no answer within its timeout), a lost write or stale read, a worker
that is not replaced, or worker memory that grows beyond a bound.

Needs ``redis-server`` on the PATH (Debian: ``apt-get install redis-server``)
and psutil (``pip install 'claimflag[test]'``).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .pages import analyze_body
from .procs import Gunicorn, RedisServer
from .stats import percentile

REQUEST_TIMEOUT = 60.0        # seconds; no answer by then is a hang
RETRIES = 3
KILL_GRACE = 5.0              # connection errors this long after the kill are expected
REDIS_RECOVERY = 5.0          # settings 503s this long after Redis is back are expected
MEMORY_GROWTH_LIMIT = 1.5     # end RSS of the workers at most 1.5x start (+ 64 MiB)
MEMORY_GROWTH_SLACK = 64 * 2**20

SENTENCES = [
    "Officials said {n} people were injured in the collision on Route {m}.",
    "The council voted {n} to {m} to approve the new budget on Tuesday.",
    "According to the report, unemployment fell to {n}.{m} percent last quarter.",
    "\"We will not raise taxes,\" the mayor told reporters on {n} March.",
    "Experts say the drought could cut harvests by {n} percent by {m}.",
    "This article is sponsored by Acme Outdoor Gear {n}.",
    "The views expressed here are the author's own and not those of the paper {n}.",
    "Prices rose faster than wages for the {n}th month in a row, the agency said.",
    "Share this article {n}",
    "Sign up for our newsletter {n}",
]


def _text(rng: random.Random, nonce: str) -> str:
    return rng.choice(SENTENCES).format(n=rng.randint(2, 9999), m=rng.randint(2, 99)) + f" {nonce}"


# -- processes ---------------------------------------------------------------

def worker_rss(server: Gunicorn) -> dict[int, int]:
    """Resident memory of each gunicorn worker, by pid."""
    import psutil
    sizes = {}
    for worker in server.worker_processes():
        try:
            sizes[worker.pid] = worker.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return sizes


# -- the load ----------------------------------------------------------------

@dataclass
class Record:
    at: float           # seconds since the start of the run
    kind: str
    status: int | None  # None: connection error or hang
    code: str | None
    seconds: float
    error: str | None = None


@dataclass
class Shared:
    started: float
    deadline: float
    base: str
    huge_texts: list[str]
    cached_pages: list[dict]
    records: list[Record] = field(default_factory=list)
    # (token, domain) -> attempts: [value, "acked" | "unknown"]; a 4xx is not applied.
    writes: dict = field(default_factory=lambda: defaultdict(list))
    stale_reads: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.monotonic() - self.started

    def add(self, record: Record) -> None:
        with self.lock:
            self.records.append(record)


def _broken_connection() -> tuple[type[Exception], ...]:
    """What requests raises when the server's side of a connection goes:
    before the response, or partway through its body (a worker killed
    while it sends)."""
    import requests
    return requests.ConnectionError, requests.exceptions.ChunkedEncodingError


class Client(threading.Thread):
    def __init__(self, n: int, shared: Shared, token: str, seed: int):
        super().__init__(name=f"soak-client-{n}", daemon=True)
        import requests
        self.n = n
        self.shared = shared
        self.token = token
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.domains = [f"site{k}.client{n}.soak.example" for k in range(6)]

    def run(self) -> None:
        actions = [(self.analyze_new, 18), (self.analyze_cached, 22), (self.analyze_huge, 5),
                   (self.analyze_tiny, 12), (self.settings_read, 12), (self.settings_write, 15),
                   (self.bad_request, 12), (self.abandon_body, 2), (self.health, 2)]
        funcs, weights = zip(*actions)
        while time.monotonic() < self.shared.deadline:
            self.rng.choices(funcs, weights)[0]()
        self.session.close()

    # -- one request, retried after a connection error --------------------

    def call(self, kind: str, method: str, path: str, **kwargs):
        import requests
        for attempt in range(RETRIES):
            start = time.monotonic()
            at = self.shared.now()
            try:
                response = self.session.request(method, self.shared.base + path,
                                                timeout=(5, REQUEST_TIMEOUT), **kwargs)
            except requests.Timeout as err:
                self.shared.add(Record(at, kind, None, "hang", time.monotonic() - start, type(err).__name__))
                return None
            except _broken_connection() as err:
                self.shared.add(Record(at, kind, None, "connection_error", time.monotonic() - start,
                                       type(err).__name__))
                self.session.close()
                time.sleep(0.2 * (attempt + 1))
                continue
            code = None
            if response.status_code >= 400:
                try:
                    code = response.json()["error"]["code"]
                except (ValueError, KeyError, TypeError):
                    code = "not_json"
            self.shared.add(Record(at, kind, response.status_code, code, time.monotonic() - start))
            return response
        return None

    def auth(self, use: bool | None = None) -> dict:
        if use is None:
            use = self.rng.random() < 0.5
        return {"Authorization": f"Bearer {self.token}"} if use else {}

    # -- the actions ---------------------------------------------------------

    def analyze_new(self):
        nonce = uuid.uuid4().hex[:10]
        texts = [_text(self.rng, nonce) for _ in range(self.rng.randint(3, 25))]
        self.call("analyze_new", "POST", "/v1/analyze", headers=self.auth(),
                  json=analyze_body(texts, f"https://{self.rng.choice(self.domains)}/a/{nonce}"))

    def analyze_cached(self):
        self.call("analyze_cached", "POST", "/v1/analyze", headers=self.auth(),
                  json=self.rng.choice(self.shared.cached_pages))

    def analyze_huge(self):
        # Near the limits: 2,000 blocks and ~190,000 characters, most of them
        # repeated page furniture (cached); now and then a few new ones.
        texts = list(self.shared.huge_texts)
        if self.rng.random() < 0.3:
            nonce = uuid.uuid4().hex[:10]
            for i in self.rng.sample(range(len(texts)), 5):
                texts[i] = _text(self.rng, nonce).ljust(len(texts[i]), ".")[:len(texts[i])]
        self.call("analyze_huge", "POST", "/v1/analyze", headers=self.auth(), json=analyze_body(texts))

    def analyze_tiny(self):
        self.call("analyze_tiny", "POST", "/v1/analyze", headers=self.auth(),
                  json={"blocks": [{"id": "t", "text": self.rng.choice(["Hi.", "", "42", "OK"])}]})

    def settings_read(self):
        domain = self.rng.choice(self.domains)
        key = (self.token, domain)
        response = self.call("settings_read", "GET", f"/v1/settings/{domain}", headers=self.auth(True))
        if response is None or response.status_code != 200:
            return
        with self.shared.lock:
            attempts = list(self.shared.writes.get(key, []))
        if attempts and attempts[-1][1] == "acked":
            if response.json()["settings"] != attempts[-1][0]:
                self.shared.stale_reads.append(f"{domain}: read {response.json()['settings']}, "
                                               f"acknowledged {attempts[-1][0]}")

    def settings_write(self):
        domain = self.rng.choice(self.domains)
        value = self.rng.choice([
            {"min_score": round(self.rng.random(), 2)},
            {"enabled": self.rng.random() < 0.5},
            {"kinds": self.rng.sample(["claim", "disclosure"], self.rng.randint(0, 2))},
            {"muted_types": self.rng.sample(["prediction", "quote", "sponsored"], self.rng.randint(0, 3)),
             "min_score": round(self.rng.random(), 2)},
        ])
        key = (self.token, domain)
        response = self.call("settings_write", "PUT", f"/v1/settings/{domain}", headers=self.auth(True),
                             json=value)
        if response is not None and 400 <= response.status_code < 500:
            return                                  # refused: not applied
        state = "acked" if response is not None and response.status_code == 200 else "unknown"
        with self.shared.lock:
            self.shared.writes[key].append((value, state))

    def bad_request(self):
        choice = self.rng.randrange(6)
        if choice == 0:
            self.call("bad", "POST", "/v1/analyze", data=b'{"blocks": [',
                      headers={"Content-Type": "application/json"})
        elif choice == 1:
            self.call("bad", "POST", "/v1/analyze", data=b"blocks=1", headers={"Content-Type": "text/plain"})
        elif choice == 2:
            self.call("bad", "POST", "/v1/analyze", json={"blocks": [{"id": 1, "text": None}]})
        elif choice == 3:
            # Settings refuse these only once Redis has looked: 503 while it is down.
            self.call("settings_bad", "GET", "/v1/settings", headers={"Authorization": "Bearer " + "A" * 43})
        elif choice == 4:
            self.call("settings_bad", "PUT", "/v1/settings/exa mple..com", headers=self.auth(True),
                      json={"enabled": True})
        else:
            self.call("bad", "POST", "/v1/analyze", json={"blocks": [{"id": "x", "text": "y" * 20_001}]})

    def abandon_body(self):
        abandon(self.shared)

    def health(self):
        self.call("health", "GET", "/readyz")


def abandon(shared: Shared) -> None:
    """Headers for a 1 MB body, 100 KB of it, then the socket closes."""
    port = int(shared.base.rsplit(":", 1)[1])
    at = shared.now()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"POST /v1/analyze HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 1000000\r\n\r\n" + b'{"blocks": [' + b" " * 100_000)
        shared.add(Record(at, "abandoned_body", 0, None, 0.0))
    except OSError as err:
        shared.add(Record(at, "abandoned_body", None, "connection_error", 0.0, type(err).__name__))


# -- the run -----------------------------------------------------------------

def run(duration: float = 60.0, clients: int = 8, workers: int = 2, faults: bool = True,
        seed: int = 0, log=print,
        before_read_back: Callable[[str, dict], None] | None = None) -> dict:
    """``before_read_back(redis_url, writes)`` runs once the load is over,
    before every acknowledged write is read back (``writes``: (token,
    domain) -> the attempts, see ``Shared``): the tests lose a write there
    on purpose, to see the read-back catch it."""
    import requests

    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="claimflag-soak-"))
    redis_server = RedisServer(tmp)
    redis_server.start()
    server = Gunicorn(workers, redis_server.url, tmp, env={
        "CLAIMFLAG_REDIS_RETRY_AFTER": "1", "CLAIMFLAG_LOG_LEVEL": "WARNING", "GUNICORN_THREADS": "4"})
    events: dict[str, float] = {}
    failures: list[str] = []
    try:
        log(f"soak: gunicorn {workers} workers on {server.base}, redis-server :{redis_server.port} "
            f"(appendonly yes, appendfsync always), {clients} clients, {duration:.0f} s")
        server.wait_until_up()
        tokens = []
        for _ in range(clients):
            response = requests.post(f"{server.base}/v1/installs", timeout=30)
            response.raise_for_status()
            tokens.append(response.json()["token"])
        nonce = uuid.uuid4().hex[:10]
        furniture = [_text(rng, nonce).ljust(95, ".")[:95] for _ in range(40)]
        huge = [furniture[i % len(furniture)] for i in range(2000)]
        cached = [analyze_body([_text(rng, nonce) for _ in range(rng.randint(2, 30))],
                        f"https://cached{i}.soak.example/") for i in range(12)]
        # Warm up: every worker analyses something, the cached pages are cached.
        for page in [*cached, analyze_body(huge)] * 2:
            requests.post(f"{server.base}/v1/analyze", json=page, timeout=REQUEST_TIMEOUT).raise_for_status()
        rss_start = worker_rss(server)

        started = time.monotonic()
        shared = Shared(started, started + duration, server.base, huge, cached)
        threads = [Client(i, shared, tokens[i], seed * 1000 + i) for i in range(clients)]
        for t in threads:
            t.start()
        rss_samples = [(0.0, sum(rss_start.values()))]
        plan = sorted([(0.25, "kill_worker"), (0.45, "redis_down"), (0.60, "redis_up"),
                       (0.70, "abandon")] if faults else [])
        for fraction, what in plan:
            while shared.now() < fraction * duration:
                time.sleep(0.2)
                rss_samples.append((shared.now(), sum(worker_rss(server).values())))
            events[what] = shared.now()
            if what == "kill_worker":
                killed = _kill_busy_worker(server, shared, rng)
                log(f"soak: t={events[what]:.1f}s SIGKILL worker {killed}")
            elif what == "redis_down":
                redis_server.kill()
                log(f"soak: t={events[what]:.1f}s redis-server SIGKILL")
            elif what == "redis_up":
                redis_server.start()
                events[what] = shared.now()
                log(f"soak: t={events[what]:.1f}s redis-server started again")
            elif what == "abandon":
                for _ in range(3):
                    abandon(shared)
        while any(t.is_alive() for t in threads) and time.monotonic() < shared.deadline + REQUEST_TIMEOUT + 10:
            time.sleep(0.2)
            rss_samples.append((shared.now(), sum(worker_rss(server).values())))
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:
            failures.append(f"clients still waiting after the run: {', '.join(stuck)}")
        rss_end = worker_rss(server)

        if before_read_back is not None:
            before_read_back(redis_server.url, shared.writes)
        lost, checked = _read_back(server.base, shared, failures)
        result = _summarise(shared, events, duration, clients, workers, rss_start, rss_end,
                            rss_samples, lost, checked, failures)
        return result
    finally:
        server.stop()
        redis_server.stop()
        log_text = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
        if "Traceback" in log_text:
            log("soak: gunicorn logged a traceback:\n" + log_text[-3000:])
        shutil.rmtree(tmp, ignore_errors=True)


def _kill_busy_worker(server: Gunicorn, shared: Shared, rng: random.Random) -> int | None:
    """Sends a fresh page to analyse, then SIGKILLs the worker using the most CPU."""
    import requests

    def slow_page():
        texts = [_text(rng, uuid.uuid4().hex[:10]) for _ in range(150)]
        at = shared.now()
        start = time.monotonic()
        try:
            response = requests.post(f"{shared.base}/v1/analyze", json=analyze_body(texts), timeout=REQUEST_TIMEOUT)
            shared.add(Record(at, "killed_in_flight", response.status_code, None, time.monotonic() - start))
        except _broken_connection() as err:
            shared.add(Record(at, "killed_in_flight", None, "connection_error", time.monotonic() - start,
                              type(err).__name__))
        except requests.Timeout:
            shared.add(Record(at, "killed_in_flight", None, "hang", time.monotonic() - start))

    senders = [threading.Thread(target=slow_page, daemon=True) for _ in range(2)]
    for s in senders:
        s.start()
    workers = server.worker_processes()
    for w in workers:
        w.cpu_percent(None)
    time.sleep(0.4)
    busiest = max(workers, key=lambda w: _cpu(w), default=None)
    if busiest is None:
        return None
    try:
        os.kill(busiest.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for s in senders:
        s.join(REQUEST_TIMEOUT + 5)
    return busiest.pid


def _cpu(process) -> float:
    import psutil
    try:
        return process.cpu_percent(None)
    except psutil.NoSuchProcess:
        return -1.0


def _read_back(base: str, shared: Shared, failures: list[str]) -> tuple[list[str], int]:
    """Reads every site each client wrote, through the API; a site whose last
    acknowledged value (or a later attempt whose outcome is unknown) is not
    what the service holds counts as a lost write."""
    import requests

    by_token: dict[str, dict] = {}
    deadline = time.monotonic() + 30
    for token in {t for t, _ in shared.writes}:
        while True:
            try:
                response = requests.get(f"{base}/v1/settings", headers={"Authorization": f"Bearer {token}"},
                                        timeout=10)
                if response.status_code == 200:
                    by_token[token] = {d["domain"]: d["settings"] for d in response.json()["domains"]}
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                failures.append("settings could not be read back within 30 s after the run")
                return [], 0
            time.sleep(0.5)
    lost = []
    checked = 0
    for (token, domain), attempts in shared.writes.items():
        acked = [i for i, (_, state) in enumerate(attempts) if state == "acked"]
        if not acked:
            continue
        checked += 1
        last = acked[-1]
        allowed = [attempts[last][0]] + [v for v, state in attempts[last + 1:] if state == "unknown"]
        actual = by_token.get(token, {}).get(domain)
        if actual not in allowed:
            lost.append(f"{domain}: holds {actual}, last acknowledged {attempts[last][0]}")
    return lost, checked


def _summarise(shared: Shared, events: dict, duration, clients, workers, rss_start: dict, rss_end: dict,
               rss_samples: list[tuple[float, int]], lost, checked, failures) -> dict:
    records = list(shared.records)
    kill = events.get("kill_worker")
    down, up = events.get("redis_down"), events.get("redis_up")

    def in_kill_window(r: Record) -> bool:
        # In flight when the worker died, or sent on a connection to it just after.
        return kill is not None and (r.kind == "killed_in_flight" or
                                     (r.at + r.seconds >= kill and r.at <= kill + KILL_GRACE))

    def redis_outage(r: Record) -> bool:
        return down is not None and r.at + r.seconds >= down and r.at <= (up or down) + REDIS_RECOVERY

    by_status = Counter()
    unexpected_5xx, settings_503, conn_errors, conn_expected, hangs = [], 0, 0, 0, 0
    for r in records:
        by_status[f"{r.kind} {r.status if r.status is not None else r.code}"] += 1
        if r.code == "hang":
            hangs += 1
        elif r.status is None:
            conn_errors += 1
            if in_kill_window(r):
                conn_expected += 1
            else:
                failures.append(f"connection error at t={r.at:.1f}s ({r.kind}, {r.error})")
        elif r.status >= 500:
            if r.status == 503 and r.kind.startswith("settings") and r.code == "unavailable" and redis_outage(r):
                settings_503 += 1
            else:
                unexpected_5xx.append(r)
    if hangs:
        failures.append(f"{hangs} requests got no answer within {REQUEST_TIMEOUT:.0f} s")
    for r in unexpected_5xx[:10]:
        failures.append(f"{r.status} {r.code} at t={r.at:.1f}s ({r.kind})")
    if len(unexpected_5xx) > 10:
        failures.append(f"... and {len(unexpected_5xx) - 10} more 5xx")
    if down is not None:
        during = [r for r in records if r.kind.startswith("analyze") and down <= r.at and r.at + r.seconds <= up]
        if not during:
            failures.append("no analyze request completed while Redis was down")
        settings_during = [r for r in records if r.kind.startswith("settings") and down + 1.5 <= r.at
                           and r.at + r.seconds <= up]
        if settings_during and not any(r.status == 503 for r in settings_during):
            failures.append("settings did not answer 503 while Redis was down")
        after = [r for r in records if r.kind.startswith("settings") and r.at > up + REDIS_RECOVERY]
        if not any(r.status == 200 for r in after):
            failures.append("settings did not recover after Redis came back")
    if kill is not None and (len(rss_end) != workers or set(rss_end) == set(rss_start)):
        failures.append(f"the killed worker was not replaced (workers now {sorted(rss_end)})")
    failures.extend(f"lost write: {x}" for x in lost)
    failures.extend(f"stale read: {x}" for x in shared.stale_reads)
    # Growth of each worker that lived through the whole run (a replaced one starts afresh).
    growth = {pid: (rss_start[pid], rss_end[pid]) for pid in set(rss_start) & set(rss_end)}
    for pid, (before, after) in growth.items():
        if after > before * MEMORY_GROWTH_LIMIT + MEMORY_GROWTH_SLACK:
            failures.append(f"worker {pid} grew from {before / 2**20:.0f} to {after / 2**20:.0f} MiB")

    answered = [r for r in records if r.status]
    latencies = [r.seconds for r in answered if r.kind != "abandoned_body"]
    statuses = Counter(r.status for r in answered if r.kind != "abandoned_body")
    return {
        "duration_s": duration, "clients": clients, "workers": workers,
        "requests": len(latencies), "requests_per_s": round(len(latencies) / duration, 1),
        "by_status": dict(sorted(statuses.items())),
        "by_kind_and_status": dict(sorted(by_status.items())),
        "connection_errors": conn_errors, "connection_errors_at_kill": conn_expected,
        "hangs": hangs,
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
        "5xx_unexpected": len(unexpected_5xx), "settings_503_during_outage": settings_503,
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1) if latencies else 0.0,
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1) if latencies else 0.0,
        "writes_acknowledged_sites": checked, "lost_writes": len(lost), "stale_reads": len(shared.stale_reads),
        "abandoned_bodies": sum(1 for r in records if r.kind == "abandoned_body"),
        "rss_start_mib": round(sum(rss_start.values()) / 2**20, 1),
        "rss_end_mib": round(sum(rss_end.values()) / 2**20, 1),
        "rss_max_mib": round(max(v for _, v in rss_samples) / 2**20, 1),
        # The workers' total at each fifth of the run (a killed worker restarts small).
        "rss_timeline_mib": [round(max((v for t, v in rss_samples if t <= duration * k / 5),
                                       default=0) / 2**20, 1) for k in range(1, 6)],
        "rss_surviving_worker_mib": [[round(a / 2**20, 1), round(b / 2**20, 1)] for a, b in growth.values()],
        "events_s": {k: round(v, 1) for k, v in events.items()},
        "failures": failures,
        "ok": not failures,
    }


def table(result: dict) -> str:
    rows = [
        ("run", f"{result['duration_s']:.0f} s, {result['clients']} clients, {result['workers']} workers"),
        ("requests", f"{result['requests']} ({result['requests_per_s']}/s)"),
        ("by status", ", ".join(f"{k}: {v}" for k, v in result["by_status"].items())),
        ("5xx", f"{result['5xx']} ({result['settings_503_during_outage']} settings 503 while Redis was down, "
                f"{result['5xx_unexpected']} unexpected)"),
        ("connection errors", f"{result['connection_errors']} ({result['connection_errors_at_kill']} at the "
                              f"killed worker, retried)"),
        ("hangs", str(result["hangs"])),
        ("latency", f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms"),
        ("settings writes", f"{result['writes_acknowledged_sites']} sites acknowledged, "
                            f"{result['lost_writes']} lost, {result['stale_reads']} stale reads"),
        ("abandoned bodies", str(result["abandoned_bodies"])),
        ("worker RSS (sum)", f"start {result['rss_start_mib']} MiB, end {result['rss_end_mib']} MiB, "
                             f"max {result['rss_max_mib']} MiB"),
        ("RSS by fifths", " / ".join(f"{v}" for v in result["rss_timeline_mib"]) + " MiB (max so far)"),
        ("surviving worker", ", ".join(f"{a} -> {b} MiB" for a, b in result["rss_surviving_worker_mib"])
         or "none"),
        ("faults at", ", ".join(f"{k} {v}s" for k, v in result["events_s"].items()) or "none"),
        ("result", "PASS" if result["ok"] else "FAIL"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{k.ljust(width)}  {v}" for k, v in rows]
    lines += [f"  - {f}" for f in result["failures"]]
    return "\n".join(lines)


def dump(result: dict) -> str:
    return json.dumps(result, indent=2)
