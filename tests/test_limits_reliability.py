"""Limits that protect the service (issue 7): a time limit for analysing one
request, one analysis at a time per worker with a bounded wait, the body size
limit, and a deadline for reading a request so a slow client cannot hold a
worker thread."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests

from claimflag import create_app
from claimflag.nlp import get_analyzer
from claimflag.tools.procs import free_port, running

from conftest import bearer, new_token

ROOT = Path(__file__).resolve().parents[1]


def _app(redis_url, tmp_path, cache_secret, **config):
    return create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "CACHE_SECRET": cache_secret,
                       "RATE_LIMIT_ENABLED": False, **config})


def _page(n: int) -> dict:
    tag = uuid.uuid4().hex[:8]
    return {"blocks": [{"id": f"b{i}", "text": f"Officials in Town{tag}{i} said {i + 3} homes were "
                                                f"flooded on Monday, up from {i} last year."}
                       for i in range(n)]}


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data()[:300]
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


def test_analysis_over_the_time_limit_is_503_and_a_retry_goes_on(redis_url, tmp_path, cache_secret):
    # Slices of about one block, and a limit every slice overruns: each request
    # analyses one slice (so it always makes progress), caches it, and stops.
    client = _app(redis_url, tmp_path, cache_secret, ANALYSIS_TIMEOUT=0.000001,
                  ANALYSIS_SLICE_CHARS=10).test_client()
    page = _page(4)
    statuses = []
    for _ in range(10):
        response = client.post("/v1/analyze", json=page)
        statuses.append(response.status_code)
        if response.status_code == 200:
            break
        error = _error(response, 503)
        assert error["code"] == "analysis_timeout"
        assert int(response.headers["Retry-After"]) >= 1
    # One slice per try: three 503s, then the fourth try finds three blocks cached.
    assert statuses == [503, 503, 503, 200]
    assert all(block["spans"] for block in response.get_json()["blocks"])


def test_a_page_within_the_limit_is_analysed_in_slices(redis_url, tmp_path, cache_secret):
    slices = _app(redis_url, tmp_path, cache_secret, ANALYSIS_SLICE_CHARS=10).test_client()
    whole = _app(redis_url, tmp_path, uuid.uuid4().hex).test_client()
    page = _page(5)
    a, b = slices.post("/v1/analyze", json=page), whole.post("/v1/analyze", json=page)
    assert a.status_code == b.status_code == 200
    assert a.get_json() == b.get_json()


def test_one_analysis_at_a_time_per_worker_with_a_bounded_wait(redis_url, tmp_path, cache_secret):
    app = _app(redis_url, tmp_path, cache_secret, ANALYSIS_WAIT=0.3)
    client = app.test_client()
    cached = _page(2)
    assert client.post("/v1/analyze", json=cached).status_code == 200
    with app.app_context():
        lock = get_analyzer()._lock
    assert lock.acquire(timeout=30)   # another request is analysing in this worker
    try:
        started = time.monotonic()
        response = client.post("/v1/analyze", json=_page(2))
        error = _error(response, 503)
        assert error["code"] == "busy"
        assert int(response.headers["Retry-After"]) >= 1
        assert time.monotonic() - started < 10          # waited ANALYSIS_WAIT, not for ever
        # Cached pages never wait for the lock.
        assert client.post("/v1/analyze", json=cached).status_code == 200
    finally:
        lock.release()
    assert client.post("/v1/analyze", json=_page(2)).status_code == 200


def test_a_waiting_analysis_runs_once_the_lock_is_free(redis_url, tmp_path, cache_secret):
    app = _app(redis_url, tmp_path, cache_secret, ANALYSIS_WAIT=30)
    client = app.test_client()
    with app.app_context():
        lock = get_analyzer()._lock
    assert lock.acquire(timeout=30)
    threading.Timer(0.5, lock.release).start()
    assert client.post("/v1/analyze", json=_page(2)).status_code == 200


def test_bodies_over_the_limits_are_413(redis_url, tmp_path, cache_secret):
    client = _app(redis_url, tmp_path, cache_secret, MAX_BODY_BYTES=2000).test_client()
    big = {"blocks": [{"id": "b0", "text": "x" * 3000}]}
    assert _error(client.post("/v1/analyze", json=big), 413)["code"] == "payload_too_large"
    token = new_token(client)
    settings = {"muted_types": ["quote"] * 1000}
    response = client.put("/v1/settings/example.com", json=settings, headers=bearer(token))
    assert _error(response, 413)["code"] == "payload_too_large"


# -- slow clients against the production gunicorn configuration -------------

def _trickle(port: int, head: bytes, limit: float = 30.0) -> tuple[float, bytes]:
    """Sends ``head``, then one byte every 0.2 s until the server answers or
    closes; returns how long that took and what it answered."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(head)
    sock.settimeout(0.2)
    started = time.monotonic()
    answer = b""
    try:
        while time.monotonic() - started < limit:
            try:
                sock.sendall(b"x")
                data = sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:        # reset by the server
                break
            if not data:
                break
            answer += data
    finally:
        sock.close()
    return time.monotonic() - started, answer


@pytest.mark.slow
def test_a_slow_client_cannot_hold_a_worker_thread(tmp_path, redis_url):
    port = free_port()
    env = {"CLAIMFLAG_REDIS_URL": redis_url, "CLAIMFLAG_DATA_DIR": str(tmp_path),
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           # One thread: a held thread would be the whole worker.
           "GUNICORN_THREADS": "1", "GUNICORN_READ_TIMEOUT": "2"}
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "server/gunicorn.conf.py"),
           "claimflag:create_app()"]
    with running(cmd, port, env, log_path=tmp_path / "gunicorn.log") as base:
        # A body that trickles in for ever: cut off at the deadline; the app sees
        # a body cut short and answers the JSON 400.
        took, answer = _trickle(port, b"POST /v1/analyze HTTP/1.1\r\nHost: t\r\n"
                                      b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
        assert took < 20, took
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b'{"error":{"code":' in answer
        # Headers that never end: the connection is closed at the deadline.
        took, answer = _trickle(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        assert took < 20, took
        assert b"200 OK" not in answer
        # A slow client holding the only thread meanwhile still lets others in afterwards.
        holder = threading.Thread(target=_trickle, args=(port, b"GET /healthz HTTP/1.1\r\nX-a: "))
        holder.start()
        time.sleep(0.5)
        assert requests.get(f"{base}/healthz", timeout=30).status_code == 200
        holder.join(30)
        # Ordinary requests on a kept-alive connection are unaffected.
        with requests.Session() as session:
            for _ in range(3):
                assert session.get(f"{base}/readyz", timeout=10).status_code == 200
                time.sleep(1.0)
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text(errors="replace")


def test_the_spec_states_the_configured_limits_and_the_503s(redis_url, tmp_path, cache_secret):
    client = _app(redis_url, tmp_path, cache_secret, MAX_BLOCKS=7, MAX_URL_CHARS=99,
                  MAX_BLOCK_CHARS=55).test_client()
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert schemas["AnalyzeRequest"]["properties"]["blocks"]["maxItems"] == 7
    assert {"type": "string", "maxLength": 99} in schemas["AnalyzeRequest"]["properties"]["url"]["anyOf"]
    assert schemas["BlockIn"]["properties"]["text"]["maxLength"] == 55
    busy = spec["paths"]["/v1/analyze"]["post"]["responses"]["503"]
    assert "busy" in busy["description"] and "analysis_timeout" in busy["description"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status in ("429", "503"):
                if status in operation["responses"]:
                    assert operation["responses"][status]["headers"]["Retry-After"]["required"], (path, method)
            if path.startswith("/v1/"):
                assert "429" in operation["responses"], (path, method)
