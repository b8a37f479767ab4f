"""Redis stopped and started again under a running app: analysis keeps
answering, settings answer 503, and everything recovers with no restart."""

import time

import pytest

from claimflag import create_app

from conftest import bearer, new_token

pytestmark = pytest.mark.slow

PAGE = {"url": "https://news.example.com/a/1",
        "blocks": [{"id": "b0", "text": "The council said 40 homes were flooded on Monday."},
                   {"id": "b1", "text": "This article was sponsored by Acme Corp."}]}


def _eventually(check, timeout=15.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            pytest.fail(f"did not recover within {timeout}s")
        time.sleep(interval)


def _error(response, status):
    assert response.status_code == status, response.get_data()[:300]
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


def test_outage_and_recovery_without_restart(redis_process, tmp_path):
    app = create_app({"REDIS_URL": redis_process.url, "DATA_DIR": str(tmp_path),
                      "REDIS_RETRY_AFTER": 0.3, "REDIS_SOCKET_TIMEOUT": 0.25})
    client = app.test_client()
    token = new_token(client)
    auth = bearer(token)
    assert client.put("/v1/settings/example.com", json={"kinds": ["claim"]}, headers=auth).status_code == 200
    assert client.put("/v1/settings/blocked.example", json={"enabled": False}, headers=auth).status_code == 200
    before = client.post("/v1/analyze", json=PAGE, headers=auth)
    assert before.status_code == 200
    assert {s["kind"] for b in before.get_json()["blocks"] for s in b["spans"]} == {"claim"}
    assert client.get("/readyz").get_json()["status"] == "ready"

    redis_process.stop()

    # Analysis answers, uncached, with the service defaults (settings cannot be read).
    for headers in (auth, {}):
        during = client.post("/v1/analyze", json=PAGE, headers=headers)
        assert during.status_code == 200
        assert during.get_json()["blocks"][0]["spans"]
    assert client.get("/readyz").get_json() == {**client.get("/readyz").get_json(),
                                                 "status": "degraded", "redis": "down"}
    # Settings and token issuance need Redis: 503 in the one JSON shape, with Retry-After.
    for method, path, body in [("GET", "/v1/settings", None), ("GET", "/v1/settings/example.com", None),
                               ("PUT", "/v1/settings/example.com", {"enabled": False}),
                               ("DELETE", "/v1/settings/example.com", None),
                               ("POST", "/v1/settings/example.com/dismissed", {"text_hash": "0" * 40}),
                               ("POST", "/v1/installs", None)]:
        response = client.open(path, method=method, json=body, headers=auth)
        assert _error(response, 503)["code"] == "unavailable", (method, path)
        assert int(response.headers["Retry-After"]) >= 1
    assert client.get("/healthz").status_code == 200

    redis_process.start()          # same port, same data directory

    _eventually(lambda: client.get("/readyz").get_json()["status"] == "ready")
    settings = _eventually(lambda: (r := client.get("/v1/settings", headers=auth)).status_code == 200 and r)
    # Nothing acknowledged before the stop was lost.
    assert {d["domain"]: d["settings"] for d in settings.get_json()["domains"]} == {
        "example.com": {"kinds": ["claim"]}, "blocked.example": {"enabled": False}}
    after = client.post("/v1/analyze", json=PAGE, headers=auth).get_json()
    assert {s["kind"] for b in after["blocks"] for s in b["spans"]} == {"claim"}
    blocked = client.post("/v1/analyze", json={**PAGE, "url": "https://blocked.example/"}, headers=auth)
    assert blocked.get_json()["disabled"] is True
    # Writes work again, and new installs can be issued.
    assert client.put("/v1/settings/example.com", json={"enabled": False}, headers=auth).status_code == 200
    assert new_token(client)


def test_rate_limits_return_to_redis_after_an_outage(redis_process, tmp_path):
    import redis
    app = create_app({"REDIS_URL": redis_process.url, "DATA_DIR": str(tmp_path),
                      "REDIS_RETRY_AFTER": 0.3})
    client = app.test_client()
    body = {"blocks": [{"id": "b0", "text": "Short."}]}
    assert client.post("/v1/analyze", json=body).status_code == 200
    redis_process.stop()
    assert [client.post("/v1/analyze", json=body).status_code for _ in range(3)] == [200] * 3
    redis_process.start()
    direct = redis.Redis.from_url(redis_process.url)

    def counted_in_redis():
        assert client.post("/v1/analyze", json=body).status_code == 200
        return any(True for _ in direct.scan_iter(match="claimflag:ratelimit:*"))
    # flask-limiter re-probes its storage with exponential backoff (1 s, 2 s, 4 s, ...).
    _eventually(counted_in_redis, timeout=30, interval=0.5)
    direct.close()


def test_a_redis_that_never_answers_is_not_waited_on(tmp_path):
    # A black-holed address: every call gives up after the short socket timeout,
    # and the backoff keeps later requests from waiting at all.
    app = create_app({"REDIS_URL": "redis://10.255.255.1:6379/0", "DATA_DIR": str(tmp_path),
                      "REDIS_SOCKET_TIMEOUT": 0.2, "REDIS_RETRY_AFTER": 30})
    client = app.test_client()
    body = {"blocks": [{"id": "b0", "text": "Short."}]}
    client.post("/v1/analyze", json=body)          # pays the timeout once (cache, limiter)
    started = time.monotonic()
    for _ in range(3):
        assert client.post("/v1/analyze", json=body).status_code == 200
        assert _error(client.get("/v1/settings", headers=bearer("A" * 43)), 503)["code"] == "unavailable"
    assert time.monotonic() - started < 2.0


def test_one_slow_reply_fails_one_request_but_two_open_the_window(redis_process, tmp_path):
    # CLIENT PAUSE holds every other client's commands, as a saturated or
    # stalled Redis would: the app's call times out although Redis is up.
    import redis

    # Rate limits off: only the settings store's own calls meet the pause.
    app = create_app({"REDIS_URL": redis_process.url, "DATA_DIR": str(tmp_path),
                      "REDIS_SOCKET_TIMEOUT": 0.2, "REDIS_RETRY_AFTER": 30,
                      "RATE_LIMIT_ENABLED": False})
    client = app.test_client()
    auth = bearer(new_token(client))
    assert client.put("/v1/settings/example.com", json={"kinds": ["claim"]}, headers=auth).status_code == 200
    direct = redis.Redis.from_url(redis_process.url)

    direct.execute_command("CLIENT", "PAUSE", 600)
    assert _error(client.get("/v1/settings", headers=auth), 503)["code"] == "unavailable"
    time.sleep(0.7)
    # One timeout opened no 30 s window: the next request reads Redis again.
    assert client.get("/v1/settings", headers=auth).status_code == 200

    direct.execute_command("CLIENT", "PAUSE", 900)
    for _ in range(2):
        assert _error(client.get("/v1/settings", headers=auth), 503)["code"] == "unavailable"
    time.sleep(1.0)
    # Two in a row did: Redis answers again, but the window keeps it skipped.
    started = time.monotonic()
    assert _error(client.get("/v1/settings", headers=auth), 503)["code"] == "unavailable"
    assert time.monotonic() - started < 0.1
    direct.close()
    app.extensions["claimflag.redis"].client.close()
