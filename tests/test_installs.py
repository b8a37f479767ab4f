"""POST /v1/installs: anonymous tokens, stored only as a hash; 401 without one."""

import base64

import pytest

from claimflag import create_app
from claimflag.store.tokens import install_key

from conftest import bearer, new_token


def test_issues_a_random_256_bit_token(client):
    response = client.post("/v1/installs")
    assert response.status_code == 201
    assert response.mimetype == "application/json"
    token = response.get_json()["token"]
    assert set(response.get_json()) == {"token"}
    assert len(base64.urlsafe_b64decode(token + "=")) == 32
    assert new_token(client) != token


def test_a_body_is_ignored(client):
    # The extension posts {}; anything else is simply not read.
    assert client.post("/v1/installs", json={}).status_code == 201
    assert client.post("/v1/installs", data=b"x", content_type="text/plain").status_code == 201


def test_the_token_is_stored_only_as_a_hash(client, redis_client):
    token = new_token(client)
    key = install_key(token)
    assert redis_client.hget(key, "@install") == b"1"
    assert redis_client.ttl(key) == -1            # settings never expire or get evicted
    assert token not in key
    for found in redis_client.scan_iter(match=f"*{token[:12]}*", count=1000):
        pytest.fail(f"token in key {found!r}")


def test_the_token_opens_the_settings(client):
    token = new_token(client)
    assert client.get("/v1/settings", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer " + "A" * 43},        # well formed, never issued
    {"Authorization": "Bearer not-a-token"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
])
def test_missing_or_unknown_token_is_401_json(client, headers):
    for method, path in [("GET", "/v1/settings"), ("GET", "/v1/settings/example.com"),
                         ("PUT", "/v1/settings/example.com"), ("DELETE", "/v1/settings/example.com"),
                         ("POST", "/v1/settings/example.com/dismissed")]:
        response = client.open(path, method=method, headers=headers,
                               json={} if method in ("PUT", "POST") else None)
        assert response.status_code == 401, (method, path)
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_analyze_with_an_unknown_token_is_401(client):
    body = {"blocks": [{"id": "b0", "text": "The mayor said 300 jobs were cut."}]}
    response = client.post("/v1/analyze", json=body, headers=bearer("B" * 43))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_wrong_method_is_405_json(client):
    response = client.get("/v1/installs")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_issuing_is_rate_limited_per_address(redis_url, tmp_path, cache_secret):
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "CACHE_SECRET": cache_secret,
                      "RATE_LIMIT_INSTALLS": "2 per minute"})
    client = app.test_client()
    assert [client.post("/v1/installs").status_code for _ in range(2)] == [201, 201]
    refused = client.post("/v1/installs")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    other = client.post("/v1/installs", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 201


def test_issuing_needs_redis_503(tmp_path):
    app = create_app({"REDIS_URL": "redis://127.0.0.1:1/0", "DATA_DIR": str(tmp_path)})
    response = app.test_client().post("/v1/installs")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"
    assert int(response.headers["Retry-After"]) >= 1
