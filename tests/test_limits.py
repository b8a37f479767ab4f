"""Rate limits: per address, per token, on token issuance; in Redis; failing open."""

import pytest

from claimflag import create_app
from claimflag.limits import KEY_PREFIX
from claimflag.store.keys import digest

from conftest import bearer, new_token

BODY = {"blocks": [{"id": "b0", "text": "The mayor said 300 jobs were cut last year."}]}


def _app(redis_url, tmp_path, cache_secret, **config):
    return create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "CACHE_SECRET": cache_secret,
                       **config})


def _assert_429(response):
    assert response.status_code == 429
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited" and error["message"]
    assert int(response.headers["Retry-After"]) >= 1
    return error


def test_per_address_limit(redis_url, tmp_path, cache_secret):
    client = _app(redis_url, tmp_path, cache_secret, RATE_LIMIT_PER_ADDRESS="3 per minute").test_client()
    assert [client.post("/v1/analyze", json=BODY).status_code for _ in range(3)] == [200] * 3
    error = _assert_429(client.post("/v1/analyze", json=BODY))
    assert "address" in error["message"]
    # Every /v1 endpoint shares the address's budget...
    _assert_429(client.get("/v1/settings"))
    # ...another address has its own...
    assert client.post("/v1/analyze", json=BODY, environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 200
    # ...and health, metrics, the spec and CORS preflights are never limited.
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert client.get(path).status_code == 200, path
    preflight = client.options("/v1/analyze", headers={
        "Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200


def test_per_token_limit(redis_url, tmp_path, cache_secret):
    client = _app(redis_url, tmp_path, cache_secret, RATE_LIMIT_PER_TOKEN="2 per minute").test_client()
    alice, bob = new_token(client), new_token(client)
    assert [client.post("/v1/analyze", json=BODY, headers=bearer(alice)).status_code
            for _ in range(2)] == [200, 200]
    error = _assert_429(client.get("/v1/settings", headers=bearer(alice)))
    assert "install" in error["message"]
    assert client.post("/v1/analyze", json=BODY, headers=bearer(bob)).status_code == 200
    assert client.post("/v1/analyze", json=BODY).status_code == 200     # no token: the address limit only


def test_counters_live_in_redis_with_ttls_and_hashed_keys(redis_url, tmp_path, cache_secret, redis_client):
    app = _app(redis_url, tmp_path, cache_secret)
    client = app.test_client()
    token = new_token(client)
    client.post("/v1/analyze", json=BODY, headers=bearer(token))
    keys = [k.decode() for k in redis_client.scan_iter(match=f"{KEY_PREFIX}:*", count=1000)]
    mine = [k for k in keys if digest(token) in k or digest("127.0.0.1", cache_secret) in k]
    assert len(mine) >= 3             # address, token, issuance
    for key in mine:
        assert token not in key and "127.0.0.1" not in key
        assert redis_client.ttl(key) > 0


def test_counters_are_shared_between_apps_on_one_redis(redis_url, tmp_path, cache_secret):
    # Two workers (or hosts) behind a load balancer see the same counters.
    config = {"RATE_LIMIT_PER_ADDRESS": "2 per minute"}
    first = _app(redis_url, tmp_path, cache_secret, **config).test_client()
    second = _app(redis_url, tmp_path, cache_secret, **config).test_client()
    assert first.post("/v1/analyze", json=BODY).status_code == 200
    assert second.post("/v1/analyze", json=BODY).status_code == 200
    _assert_429(first.post("/v1/analyze", json=BODY))


def test_limits_can_be_switched_off(redis_url, tmp_path, cache_secret):
    client = _app(redis_url, tmp_path, cache_secret, RATE_LIMIT_ENABLED=False,
                  RATE_LIMIT_PER_ADDRESS="1 per minute").test_client()
    assert [client.post("/v1/analyze", json=BODY).status_code for _ in range(3)] == [200] * 3


def test_behind_a_proxy_the_forwarded_address_counts(redis_url, tmp_path, cache_secret):
    client = _app(redis_url, tmp_path, cache_secret, TRUSTED_PROXIES=1,
                  RATE_LIMIT_PER_ADDRESS="1 per minute").test_client()
    assert client.post("/v1/analyze", json=BODY, headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert client.post("/v1/analyze", json=BODY, headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200
    _assert_429(client.post("/v1/analyze", json=BODY, headers={"X-Forwarded-For": "203.0.113.1"}))


def test_without_a_trusted_proxy_forwarded_for_is_ignored(redis_url, tmp_path, cache_secret):
    client = _app(redis_url, tmp_path, cache_secret, RATE_LIMIT_PER_ADDRESS="1 per minute").test_client()
    assert client.post("/v1/analyze", json=BODY, headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    _assert_429(client.post("/v1/analyze", json=BODY, headers={"X-Forwarded-For": "203.0.113.2"}))


def test_limits_fail_open_when_redis_is_down(tmp_path):
    # Nothing listens on port 1: the limiter falls back to memory and the service answers.
    app = create_app({"REDIS_URL": "redis://127.0.0.1:1/0", "DATA_DIR": str(tmp_path),
                      "RATE_LIMIT_PER_ADDRESS": "5 per minute"})
    client = app.test_client()
    statuses = [client.post("/v1/analyze", json=BODY).status_code for _ in range(6)]
    # Limits still hold, per process, while Redis is away.
    assert statuses == [200] * 5 + [429]


@pytest.mark.parametrize("name", ["RATE_LIMIT_PER_ADDRESS", "RATE_LIMIT_PER_TOKEN", "RATE_LIMIT_INSTALLS"])
def test_a_bad_limit_string_fails_loudly_at_boot(redis_url, tmp_path, name):
    # flask-limiter parses limits lazily; a typo must not switch limiting off unnoticed.
    from claimflag.config import ConfigurationError
    with pytest.raises(ConfigurationError, match=name):
        create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), name: "1 per fortnight"})


def test_counters_can_live_elsewhere(redis_url, tmp_path, cache_secret):
    client = _app(redis_url, tmp_path, cache_secret, RATE_LIMIT_STORAGE_URL="memory://",
                  RATE_LIMIT_PER_ADDRESS="1 per minute").test_client()
    assert client.post("/v1/analyze", json=BODY).status_code == 200
    _assert_429(client.post("/v1/analyze", json=BODY))
