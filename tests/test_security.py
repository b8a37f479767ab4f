"""CORS for extension origins only, no cookies, security headers on every response."""

import pytest

from claimflag import create_app
from claimflag.security import origin_patterns
from claimflag.config import ConfigurationError

from conftest import bearer

CHROME = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
FIREFOX = "moz-extension://0f5a7a64-8a38-4b1c-9d0e-8c2f1f3b6a11"
BODY = {"blocks": [{"id": "b0", "text": "The mayor said 300 jobs were cut last year."}]}

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _check_headers(response):
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "Set-Cookie" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("method,path,kwargs", [
    ("POST", "/v1/analyze", {"json": BODY}),
    ("POST", "/v1/analyze", {"data": b"{", "content_type": "application/json"}),   # 400
    ("POST", "/v1/analyze", {"json": {"blocks": 1}}),                            # 422
    ("GET", "/v1/analyze", {}),                                                  # 405
    ("GET", "/nowhere", {}),                                                     # 404
    ("POST", "/v1/installs", {}),
    ("GET", "/v1/settings", {}),                                                 # 401
    ("GET", "/healthz", {}),
    ("GET", "/readyz", {}),
    ("GET", "/metrics", {}),
    ("GET", "/openapi.json", {}),
    ("OPTIONS", "/v1/analyze", {"headers": {"Origin": CHROME, "Access-Control-Request-Method": "POST"}}),
    ("POST", "/v1/analyze", {"json": BODY, "headers": {"Origin": "https://evil.example"}}),  # 403
])
def test_every_response_carries_the_security_headers(client, method, path, kwargs):
    _check_headers(client.open(path, method=method, **kwargs))


def test_settings_responses_carry_them_too(client, token):
    _check_headers(client.get("/v1/settings", headers=bearer(token)))
    _check_headers(client.put("/v1/settings/example.com", json={"enabled": False}, headers=bearer(token)))
    _check_headers(client.delete("/v1/settings/example.com", headers=bearer(token)))


def test_rate_limited_and_unavailable_responses_carry_them(redis_url, tmp_path, cache_secret):
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "CACHE_SECRET": cache_secret,
                      "RATE_LIMIT_PER_ADDRESS": "1 per minute"})
    client = app.test_client()
    client.post("/v1/analyze", json=BODY)
    limited = client.post("/v1/analyze", json=BODY)
    assert limited.status_code == 429
    _check_headers(limited)
    down = create_app({"REDIS_URL": "redis://127.0.0.1:1/0", "DATA_DIR": str(tmp_path)}).test_client()
    unavailable = down.post("/v1/installs")
    assert unavailable.status_code == 503
    _check_headers(unavailable)


@pytest.mark.parametrize("origin", [CHROME, FIREFOX])
def test_extension_origins_are_let_in(client, origin):
    preflight = client.options("/v1/settings/example.com", headers={
        "Origin": origin, "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    response = client.post("/v1/analyze", json=BODY, headers={"Origin": origin})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "Origin" in response.headers.get("Vary", "")
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("origin", [
    "https://evil.example", "http://127.0.0.1:8000", "http://localhost", "null",
    "chrome-extension://", "chrome-extension://abc/../x", "https://chrome-extension.example",
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop.evil.example:8000/",
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop.evil.example",
])
def test_web_page_origins_are_refused(client, token, origin):
    for method, path, kwargs in [("POST", "/v1/analyze", {"json": BODY}),
                                 ("POST", "/v1/installs", {}),
                                 ("GET", "/v1/settings", {"headers": bearer(token)}),
                                 ("OPTIONS", "/v1/analyze", {})]:
        headers = {**kwargs.pop("headers", {}), "Origin": origin, "Access-Control-Request-Method": "POST"}
        response = client.open(path, method=method, headers=headers, **kwargs)
        assert response.status_code == 403, (origin, method, path)
        assert response.get_json()["error"]["code"] == "forbidden_origin"
        assert "Access-Control-Allow-Origin" not in response.headers


def test_requests_without_an_origin_are_not_browser_requests_and_pass(client):
    # curl, the CLI and other services send no Origin.
    response = client.post("/v1/analyze", json=BODY)
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers


def test_an_explicit_origin_list(redis_url, tmp_path, cache_secret):
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "CACHE_SECRET": cache_secret,
                      "CORS_ORIGINS": CHROME})
    client = app.test_client()
    assert client.post("/v1/analyze", json=BODY, headers={"Origin": CHROME}).status_code == 200
    assert client.post("/v1/analyze", json=BODY, headers={"Origin": FIREFOX}).status_code == 403
    other = CHROME[:-1] + "a"
    assert client.post("/v1/analyze", json=BODY, headers={"Origin": other}).status_code == 403


@pytest.mark.parametrize("setting", ["https://example.com", "*", "http://127.0.0.1:8000",
                                     "chrome-extension://*/path", "chrome-extension://"])
def test_web_origins_cannot_be_configured(setting):
    with pytest.raises(ConfigurationError):
        origin_patterns(setting)


def test_origin_patterns():
    patterns = origin_patterns("chrome-extension://*, moz-extension://fixed-id")
    assert patterns[0].match(CHROME) and not patterns[0].match(CHROME + ".evil.com/")
    assert patterns[1].match("moz-extension://fixed-id") and not patterns[1].match(FIREFOX)


def test_no_cookies_ever(client, token):
    responses = [client.post("/v1/installs"), client.get("/v1/settings", headers=bearer(token)),
                 client.post("/v1/analyze", json=BODY, headers=bearer(token))]
    assert all("Set-Cookie" not in r.headers for r in responses)
    assert client.get_cookie("session") is None
