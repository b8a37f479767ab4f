"""Per-site settings end to end over the Flask test client: isolation between
installs, subdomains, IDNA, kinds, muted types, min_score and dismissals."""

import threading

import pytest

from claimflag import create_app
from claimflag.api.schemas import AllSettings, AnalyzeResponse, SiteSettings

from conftest import bearer, new_token

PAGE = [
    "The council said 40 homes were flooded on Monday.",
    "This article was sponsored by Acme Corp.",
    "Officials predicted that unemployment will fall to 3 percent next year.",
    "Crime rose by 12 percent after the policy changed, police said.",
    "We may earn a commission when you buy through links on this page.",
    "The minister told reporters that the plant employs 2,300 workers.",
]


def _analyze(client, url, token=None, texts=PAGE, **extra):
    body = {"url": url, "blocks": [{"id": f"b{i}", "text": t} for i, t in enumerate(texts)], **extra}
    response = client.post("/v1/analyze", json=body, headers=bearer(token) if token else {})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    AnalyzeResponse.model_validate(result)
    return result


def _spans(result):
    return [s for b in result["blocks"] for s in b["spans"]]


def _put(client, token, domain, doc, status=200):
    response = client.put(f"/v1/settings/{domain}", json=doc, headers=bearer(token))
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _get(client, token, domain):
    response = client.get(f"/v1/settings/{domain}", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return SiteSettings.model_validate(response.get_json()).model_dump(exclude_unset=True)


def _error(response, status, field=None, code=None):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    if field is not None:
        assert error["field"] == field, error
    if code is not None:
        assert error["code"] == code
    return error


# -- the documents ----------------------------------------------------------

def test_a_new_install_has_the_service_defaults(client, token, app):
    response = client.get("/v1/settings", headers=bearer(token))
    assert response.status_code == 200
    body = AllSettings.model_validate(response.get_json()).model_dump(exclude_unset=True)
    from claimflag.nlp import get_analyzer
    with app.app_context():
        threshold = round(get_analyzer().claim_threshold, 4)
    assert body["domains"] == []
    assert body["defaults"]["domain"] == "_defaults" and body["defaults"]["settings"] == {}
    assert body["defaults"]["effective"] == {"enabled": True, "kinds": ["claim", "disclosure"],
                                             "min_score": threshold, "muted_types": [], "all_claims": False}
    assert body["limits"]["min_score_default"] == threshold
    assert body["limits"]["min_score_floor"] <= threshold


def test_put_get_delete_round_trip(client, token):
    doc = {"enabled": True, "kinds": ["claim"], "min_score": 0.7, "muted_types": ["prediction", "sponsored"],
           "all_claims": True}
    put = _put(client, token, "example.com", doc)
    assert put["settings"] == doc and put["effective"] == doc and put["domain"] == "example.com"
    assert _get(client, token, "example.com")["settings"] == doc
    listed = client.get("/v1/settings", headers=bearer(token)).get_json()
    assert [d["domain"] for d in listed["domains"]] == ["example.com"]
    assert client.delete("/v1/settings/example.com", headers=bearer(token)).status_code == 204
    assert _get(client, token, "example.com")["settings"] == {}
    assert client.get("/v1/settings", headers=bearer(token)).get_json()["domains"] == []
    # Deleting what is not there is fine too.
    assert client.delete("/v1/settings/example.com", headers=bearer(token)).status_code == 204


def test_put_replaces_the_sites_own_settings(client, token):
    _put(client, token, "example.com", {"enabled": False, "min_score": 0.9})
    after = _put(client, token, "example.com", {"kinds": ["disclosure"]})
    assert after["settings"] == {"kinds": ["disclosure"]}
    assert after["effective"]["enabled"] is True


def test_two_installs_cannot_see_or_change_each_others_settings(client):
    alice, bob = new_token(client), new_token(client)
    _put(client, alice, "example.com", {"enabled": False})
    assert client.get("/v1/settings", headers=bearer(bob)).get_json()["domains"] == []
    assert _get(client, bob, "example.com")["settings"] == {}
    assert _analyze(client, "https://example.com/a", bob)["disabled"] is False
    # Bob's writes land in Bob's install only.
    _put(client, bob, "example.com", {"enabled": True, "kinds": ["claim"]})
    assert client.delete("/v1/settings/example.com", headers=bearer(bob)).status_code == 204
    assert _get(client, alice, "example.com")["settings"] == {"enabled": False}
    assert _analyze(client, "https://example.com/a", alice)["disabled"] is True


def test_defaults_are_a_site_called__defaults(client, token):
    _put(client, token, "_defaults", {"kinds": ["claim"], "min_score": 0.6})
    assert _get(client, token, "_defaults")["settings"] == {"kinds": ["claim"], "min_score": 0.6}
    assert _get(client, token, "anything.example")["effective"]["kinds"] == ["claim"]
    listed = client.get("/v1/settings", headers=bearer(token)).get_json()
    assert listed["defaults"]["settings"]["min_score"] == 0.6 and listed["domains"] == []
    assert client.delete("/v1/settings/_defaults", headers=bearer(token)).status_code == 204
    assert _get(client, token, "anything.example")["effective"]["kinds"] == ["claim", "disclosure"]


# -- domain rules -----------------------------------------------------------

def test_a_site_covers_its_subdomains_unless_they_have_their_own(client, token):
    _put(client, token, "example.com", {"enabled": False})
    assert _analyze(client, "https://news.example.com/a/1", token)["disabled"] is True
    assert _analyze(client, "https://a.b.example.com/", token)["disabled"] is True
    assert _analyze(client, "https://example.org/", token)["disabled"] is False
    assert _analyze(client, "https://notexample.com/", token)["disabled"] is False
    _put(client, token, "news.example.com", {"enabled": True})
    assert _analyze(client, "https://news.example.com/a/1", token)["disabled"] is False
    assert _analyze(client, "https://sport.example.com/", token)["disabled"] is True


def test_inheritance_is_field_by_field(client, token):
    _put(client, token, "_defaults", {"muted_types": ["prediction"], "all_claims": True})
    _put(client, token, "example.com", {"kinds": ["claim"], "min_score": 0.9})
    _put(client, token, "news.example.com", {"min_score": 0.1})
    effective = _get(client, token, "live.news.example.com")["effective"]
    assert effective == {"enabled": True, "kinds": ["claim"], "min_score": 0.1, "muted_types": ["prediction"],
                         "all_claims": True}
    _put(client, token, "example.com", {"kinds": ["claim"], "all_claims": False})
    assert _get(client, token, "live.news.example.com")["effective"]["all_claims"] is False
    assert _get(client, token, "example.org")["effective"]["all_claims"] is True


def test_all_claims_is_for_drawing_only_analyze_answers_the_same_whatever_it_says(client, token):
    _put(client, token, "example.com", {"all_claims": False})
    without = _analyze(client, "https://example.com/a", token)
    _put(client, token, "example.com", {"all_claims": True})
    assert _analyze(client, "https://example.com/a", token) == without


def test_unknown_site_gets_the_install_defaults(client, token):
    _put(client, token, "_defaults", {"enabled": False})
    assert _analyze(client, "https://never-seen.example/", token)["disabled"] is True
    assert _analyze(client, "file:///home/me/page.html", token)["disabled"] is True
    # Without a url only the defaults can apply.
    body = {"blocks": [{"id": "b0", "text": PAGE[0]}]}
    assert client.post("/v1/analyze", json=body, headers=bearer(token)).get_json()["disabled"] is True


@pytest.mark.parametrize("put_as,visit", [
    ("bücher.example", "https://xn--bcher-kva.example/"),
    ("xn--bcher-kva.example", "https://BÜCHER.example/x"),
    ("Example.COM", "https://news.example.com./"),
    ("%E4%BE%8B%E3%81%88.%E3%83%86%E3%82%B9%E3%83%88", "https://www.例え.テスト/"),  # percent-encoded path
])
def test_unicode_and_punycode_hosts_are_the_same_site(client, token, put_as, visit):
    _put(client, token, put_as, {"enabled": False})
    assert _analyze(client, visit, token)["disabled"] is True
    assert len(client.get("/v1/settings", headers=bearer(token)).get_json()["domains"]) == 1


def test_the_api_names_sites_in_both_forms(client, token):
    body = _put(client, token, "Bücher.Example", {"enabled": False})
    assert body["domain"] == "xn--bcher-kva.example" and body["unicode"] == "bücher.example"


# -- what analyze shows -----------------------------------------------------

def test_a_disabled_site_runs_no_analysis(client, token, app, monkeypatch):
    _put(client, token, "example.com", {"enabled": False})
    from claimflag.nlp import get_analyzer
    with app.app_context():
        analyzer = get_analyzer()

    def refuse(blocks):
        raise AssertionError("analysed a disabled site")
    monkeypatch.setattr(analyzer, "analyze", refuse)
    result = _analyze(client, "https://www.example.com/story", token)
    assert result["disabled"] is True
    assert result["page"]["counts"] == {"claim": 0, "high": 0, "normal": 0, "disclosure": 0}
    assert [b["id"] for b in result["blocks"]] == [f"b{i}" for i in range(len(PAGE))]
    assert _spans(result) == [] and result["page"]["notes"] == []


def test_without_a_token_analyze_works_as_before(client, token):
    _put(client, token, "example.com", {"enabled": False})
    anonymous = _analyze(client, "https://example.com/")
    assert anonymous["disabled"] is False and _spans(anonymous)
    assert all("text_hash" not in s for s in _spans(anonymous))


def test_kinds_of_the_site_filter_spans(client, token):
    _put(client, token, "example.com", {"kinds": ["disclosure"]})
    result = _analyze(client, "https://example.com/", token)
    assert _spans(result) and {s["kind"] for s in _spans(result)} == {"disclosure"}
    assert set(result["page"]["counts"]) == {"disclosure"}
    # The request's kinds and the site's kinds both apply.
    assert _spans(_analyze(client, "https://example.com/", token, kinds=["claim"])) == []
    _put(client, token, "example.com", {"kinds": []})
    result = _analyze(client, "https://example.com/", token)
    assert result["disabled"] is False and _spans(result) == []


def test_muted_types_filter_spans(client, token):
    everything = _spans(_analyze(client, "https://example.com/", token))
    muted = everything[0]["type"]
    _put(client, token, "example.com", {"muted_types": [muted]})
    shown = _spans(_analyze(client, "https://example.com/", token))
    assert all(s["type"] != muted for s in shown)
    assert len(shown) == len([s for s in everything if s["type"] != muted])


def test_min_score_filters_claims_and_defaults_to_the_threshold(client, token):
    default = _spans(_analyze(client, "https://example.com/", token))
    anonymous = _spans(_analyze(client, "https://example.com/"))
    assert [(s["start"], s["type"]) for s in default] == [(s["start"], s["type"]) for s in anonymous]
    claims = sorted(s["score"] for s in default if s["kind"] == "claim")
    assert len(claims) >= 2
    _put(client, token, "example.com", {"min_score": claims[-1]})
    strict = _spans(_analyze(client, "https://example.com/", token))
    assert [s["score"] for s in strict if s["kind"] == "claim"] == [claims[-1]] * claims.count(claims[-1])
    assert [s for s in strict if s["kind"] == "disclosure"] == [s for s in default if s["kind"] == "disclosure"]
    # Lower than the threshold shows more: claims are kept down to a floor.
    _put(client, token, "example.com", {"min_score": 0.0})
    lenient = _spans(_analyze(client, "https://example.com/", token))
    assert {s["start"] for s in default} <= {s["start"] for s in lenient}
    assert min(s["score"] for s in lenient if s["kind"] == "claim") <= claims[0]


# -- dismissals -------------------------------------------------------------

def test_a_dismissed_flag_is_left_out_on_later_visits(client, token):
    first = _analyze(client, "https://news.example.com/a", token)
    target = first["blocks"][1]["spans"][0]          # the sponsorship line
    others = len(_spans(first)) - 1
    response = client.post("/v1/settings/example.com/dismissed", json={"text_hash": target["text_hash"]},
                           headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["dismissed"] == [target["text_hash"]]

    later = _analyze(client, "https://www.example.com/b", token)       # any page of the site
    assert target["text_hash"] not in {s["text_hash"] for s in _spans(later)}
    assert len(_spans(later)) == others
    # Same sentence with other spacing, in another block, is the same flag.
    moved = _analyze(client, "https://example.com/c", token, texts=["x", "This  article was sponsored\nby Acme Corp."])
    assert _spans(moved) == []
    # Other sites and other installs still show it.
    assert len(_spans(_analyze(client, "https://example.org/", token))) == others + 1
    assert len(_spans(_analyze(client, "https://example.com/", new_token(client)))) == others + 1

    # Undo.
    undo = client.delete(f"/v1/settings/example.com/dismissed/{target['text_hash']}", headers=bearer(token))
    assert undo.status_code == 204
    assert len(_spans(_analyze(client, "https://example.com/", token))) == others + 1


def test_dismissing_keeps_the_sites_settings_and_put_keeps_dismissals(client, token):
    _put(client, token, "example.com", {"min_score": 0.0})
    text_hash = "ab" * 20
    client.post("/v1/settings/example.com/dismissed", json={"text_hash": text_hash}, headers=bearer(token))
    again = client.post("/v1/settings/example.com/dismissed", json={"text_hash": text_hash}, headers=bearer(token))
    assert again.get_json()["dismissed"] == [text_hash]                # idempotent
    assert again.get_json()["settings"] == {"min_score": 0.0}
    assert _put(client, token, "example.com", {"enabled": True})["dismissed"] == [text_hash]
    assert client.delete("/v1/settings/example.com", headers=bearer(token)).status_code == 204
    assert _get(client, token, "example.com")["dismissed"] == []


def test_text_hashes_are_per_install(client):
    a, b = new_token(client), new_token(client)
    hash_a = _spans(_analyze(client, "https://example.com/", a))[0]["text_hash"]
    hash_b = _spans(_analyze(client, "https://example.com/", b))[0]["text_hash"]
    assert hash_a != hash_b


def test_concurrent_writes_are_all_kept(app, token):
    hashes = [f"{i:040x}" for i in range(24)]
    errors = []

    def dismiss(text_hash):
        client = app.test_client()
        response = client.post("/v1/settings/example.com/dismissed", json={"text_hash": text_hash},
                               headers=bearer(token))
        if response.status_code != 200:
            errors.append(response.get_json())
    threads = [threading.Thread(target=dismiss, args=(h,)) for h in hashes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(_get(app.test_client(), token, "example.com")["dismissed"]) == hashes


# -- validation and limits --------------------------------------------------

BAD_DOCS = [
    ({"enabled": "yes"}, "enabled"),
    ({"enabled": None}, "enabled"),
    ({"enabled": 1}, "enabled"),
    ({"kinds": "claim"}, "kinds"),
    ({"kinds": ["claim", "rumour"]}, "kinds[1]"),
    ({"kinds": ["claim", "claim"]}, "kinds"),
    ({"min_score": 1.5}, "min_score"),
    ({"min_score": -0.1}, "min_score"),
    ({"min_score": True}, "min_score"),
    ({"min_score": "0.5"}, "min_score"),
    ({"muted_types": ["statistic", "gossip"]}, "muted_types[1]"),
    ({"muted_types": ["quote", "quote"]}, "muted_types"),
    ({"all_claims": "yes"}, "all_claims"),
    ({"all_claims": None}, "all_claims"),
    ({"all_claims": 0}, "all_claims"),
    ({"colour": "red"}, "colour"),
    ({"dismissed": []}, "dismissed"),
]


@pytest.mark.parametrize("doc,field", BAD_DOCS, ids=[f for _, f in BAD_DOCS])
def test_a_bad_document_is_422_naming_the_field(client, token, doc, field):
    _error(client.put("/v1/settings/example.com", json=doc, headers=bearer(token)), 422, field)
    assert _get(client, token, "example.com")["settings"] == {}


def test_a_refusing_redis_is_503_without_backing_off(client, token, app, monkeypatch):
    import redis
    from claimflag.store.redis import get_store
    with app.app_context():
        store = get_store()

    def oom(*args, **kwargs):
        raise redis.ResponseError("OOM command not allowed when used memory > 'maxmemory'.")
    monkeypatch.setattr(type(store.client), "hset", oom)
    _error(client.put("/v1/settings/example.com", json={}, headers=bearer(token)), 503)
    assert store.available()                          # the cache keeps using Redis
    monkeypatch.undo()
    _put(client, token, "example.com", {})


def test_integers_are_numbers(client, token):
    assert _put(client, token, "example.com", {"min_score": 1})["effective"]["min_score"] == 1


@pytest.mark.parametrize("domain", ["a..b", "-bad.com", "exa%20mple.com", "xn--zz.example", "1.2.3",
                                    "a" * 64 + ".com", "ex*ample.com"])
def test_a_bad_domain_is_422(client, token, domain):
    _error(client.get(f"/v1/settings/{domain}", headers=bearer(token)), 422, "domain")
    _error(client.put(f"/v1/settings/{domain}", json={}, headers=bearer(token)), 422, "domain")


def test_a_bad_url_host_is_422_when_settings_apply(client, token):
    body = {"url": "https://exa mple.com/", "blocks": []}
    _error(client.post("/v1/analyze", json=body, headers=bearer(token)), 422, "url")


@pytest.mark.parametrize("body,field", [({}, "text_hash"), ({"text_hash": "XYZ"}, "text_hash"),
                                        ({"text_hash": "ab" * 19}, "text_hash"),
                                        ({"text_hash": "ab" * 20, "text": "x"}, "text")])
def test_a_bad_dismissal_is_422(client, token, body, field):
    response = client.post("/v1/settings/example.com/dismissed", json=body, headers=bearer(token))
    _error(response, 422, field)


def test_undismissing_a_bad_hash_is_422(client, token):
    _error(client.delete("/v1/settings/example.com/dismissed/nothex", headers=bearer(token)), 422, "text_hash")


def test_settings_bodies_must_be_json(client, token):
    _error(client.put("/v1/settings/example.com", data="enabled=false",
                      content_type="application/x-www-form-urlencoded", headers=bearer(token)), 415)
    _error(client.put("/v1/settings/example.com", data="{", content_type="application/json",
                      headers=bearer(token)), 400)


@pytest.fixture
def small(redis_url, tmp_path, cache_secret):
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path), "CACHE_SECRET": cache_secret,
                      "SETTINGS_MAX_DOMAINS": 2, "SETTINGS_MAX_DISMISSED": 2,
                      "SETTINGS_MAX_BODY_BYTES": 300})
    return app.test_client()


def test_domains_per_install_are_limited(small):
    token = new_token(small)
    _put(small, token, "a.example", {})
    _put(small, token, "b.example", {})
    _put(small, token, "_defaults", {"enabled": True})       # the defaults are not a site
    _error(small.put("/v1/settings/c.example", json={}, headers=bearer(token)), 422, "domain",
           "limit_exceeded")
    _error(small.post("/v1/settings/c.example/dismissed", json={"text_hash": "0" * 40},
                      headers=bearer(token)), 422, "domain", "limit_exceeded")
    _put(small, token, "a.example", {"enabled": False})      # changing a site is fine
    assert small.delete("/v1/settings/b.example", headers=bearer(token)).status_code == 204
    _put(small, token, "c.example", {})


def test_dismissals_per_site_are_limited(small):
    token = new_token(small)
    for i in range(2):
        assert small.post("/v1/settings/a.example/dismissed", json={"text_hash": f"{i:040x}"},
                          headers=bearer(token)).status_code == 200
    _error(small.post("/v1/settings/a.example/dismissed", json={"text_hash": "f" * 40},
                      headers=bearer(token)), 422, "text_hash", "limit_exceeded")


def test_a_settings_body_over_its_limit_is_413(small):
    token = new_token(small)
    body = '{"muted_types": [' + ", ".join(['"quote"'] * 60) + "]}"
    _error(small.put("/v1/settings/a.example", data=body, content_type="application/json",
                     headers=bearer(token)), 413)


# -- the spec ---------------------------------------------------------------

def test_openapi_describes_the_settings_api(client, app):
    import re
    spec = client.get("/openapi.json").get_json()
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static"}
    assert routes <= set(spec["paths"])
    for path in ("/v1/installs", "/v1/settings", "/v1/settings/{domain}",
                 "/v1/settings/{domain}/dismissed", "/v1/settings/{domain}/dismissed/{text_hash}"):
        methods = set()
        for rule in app.url_map.iter_rules():
            if re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) == path:
                methods |= rule.methods - {"HEAD", "OPTIONS"}
        assert methods == {m.upper() for m in spec["paths"][path] if m != "parameters"}
    put = spec["paths"]["/v1/settings/{domain}"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/Preferences")
    schemas = spec["components"]["schemas"]
    assert schemas["Preferences"]["properties"]["all_claims"]["type"] == "boolean"
    assert "all_claims" in schemas["Effective"]["required"]
    assert {"401", "422", "429", "503"} <= set(put["responses"])
    assert spec["components"]["schemas"]["Preferences"]["additionalProperties"] is False
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
