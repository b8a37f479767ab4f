"""The real `claimflag serve` process, over HTTP."""

import sys
from pathlib import Path

import pytest
import requests

from claimflag.tools.procs import free_port, running

pytestmark = pytest.mark.slow

CLAIMFLAG = str(Path(sys.executable).parent / "claimflag")


def test_claimflag_serve_answers_over_http(tmp_path, redis_url, sample_column):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {"CLAIMFLAG_REDIS_URL": redis_url, "CLAIMFLAG_DATA_DIR": str(tmp_path)}
    with running([CLAIMFLAG, "serve", "--port", str(port)], port, env, log_path=log) as base:
        body = {"url": "https://news.example.org/column",
                "blocks": [{"id": f"b{i}", "text": t} for i, t in enumerate(sample_column)]}
        response = requests.post(f"{base}/v1/analyze", json=body, timeout=60)
        assert response.status_code == 200
        result = response.json()
        assert result["page"]["counts"]["claim"] > 0
        assert result["page"]["counts"]["disclosure"] > 0

        bad = requests.post(f"{base}/v1/analyze", data=b"{", timeout=10,
                            headers={"Content-Type": "application/json"})
        assert bad.status_code == 400 and bad.json()["error"]["code"]
        assert requests.get(f"{base}/readyz", timeout=10).json()["status"] == "ready"
    logged = log.read_text(errors="replace")
    assert "POST /v1/analyze 200" in logged      # the access log works...
    assert "news.example.org" not in logged      # ...and holds no URL
    assert sample_column[3][:40] not in logged   # ...and no page text
    # Workers stop cleanly (onnxruntime imported before the fork made them abort).
    assert "SIGABRT" not in logged and "terminate called" not in logged
    assert "was sent SIGKILL" not in logged


def test_access_log_names_routes_not_paths(tmp_path, redis_url):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {"CLAIMFLAG_REDIS_URL": redis_url, "CLAIMFLAG_DATA_DIR": str(tmp_path)}
    with running([CLAIMFLAG, "serve", "--port", str(port)], port, env, log_path=log) as base:
        requests.get(f"{base}/v1/settings/secret-hobby.example", timeout=10)
        requests.get(f"{base}/no/such/private-path", timeout=10)
    logged = log.read_text(errors="replace")
    assert "GET /v1/settings/<domain> 401" in logged
    assert "secret-hobby" not in logged and "private-path" not in logged


def test_serve_uses_the_embedded_redis_by_default(tmp_path):
    port = free_port()
    env = {"CLAIMFLAG_REDIS_URL": "", "CLAIMFLAG_DATA_DIR": str(tmp_path)}
    with running([CLAIMFLAG, "serve", "--port", str(port)], port, env) as base:
        assert requests.get(f"{base}/readyz", timeout=10).json()["redis"] == "ok"


def test_metrics_add_up_every_worker(tmp_path, redis_url):
    port = free_port()
    env = {"CLAIMFLAG_REDIS_URL": redis_url, "CLAIMFLAG_DATA_DIR": str(tmp_path),
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics")}
    (tmp_path / "metrics").mkdir()
    with running([CLAIMFLAG, "serve", "--port", str(port), "--workers", "2"], port, env) as base:
        n = 40
        for _ in range(n):   # a new connection each time, so both workers answer some
            requests.get(f"{base}/healthz", headers={"Connection": "close"}, timeout=10)
        text = requests.get(f"{base}/metrics", timeout=10).text
    counted = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                  if line.startswith("claimflag_http_requests_total{") and 'endpoint="/healthz"' in line)
    assert counted >= n
    # One file per process that counted (the master's holds the zeros it was born with).
    assert len(list((tmp_path / "metrics").glob("counter_*.db"))) >= 2
