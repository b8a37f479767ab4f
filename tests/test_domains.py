"""Per-site rules as pure functions: canonical hosts, parent domains, inheritance."""

import pytest

from claimflag.domains import (InvalidHost, dismissed_union, host_of_url, lookup_chain,
                               normalize_host, resolve, unicode_host)

SERVICE = {"enabled": True, "kinds": ["claim", "disclosure"], "min_score": 0.5, "muted_types": [],
           "all_claims": False}


@pytest.mark.parametrize("raw,canonical", [
    ("example.com", "example.com"),
    ("News.Example.COM", "news.example.com"),
    ("example.com.", "example.com"),
    ("Bücher.example", "xn--bcher-kva.example"),
    ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    ("XN--BCHER-KVA.Example", "xn--bcher-kva.example"),
    ("BÜCHER.EXAMPLE", "xn--bcher-kva.example"),
    ("faß.de", "xn--fa-hia.de"),                      # non-transitional, as browsers do
    ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
    ("ｅｘａｍｐｌｅ。com", "example.com"),              # full-width letters and dot
    ("my_host.example.com", "my_host.example.com"),   # browsers accept underscores
    ("localhost", "localhost"),
    ("127.0.0.1", "127.0.0.1"),
    ("[::1]", "::1"),
    ("2001:DB8::1", "2001:db8::1"),
])
def test_hosts_are_lower_case_idna(raw, canonical):
    assert normalize_host(raw) == canonical


def test_a_unicode_host_and_its_punycode_are_the_same_site():
    assert normalize_host("münchen.de") == normalize_host("xn--mnchen-3ya.de")
    assert unicode_host(normalize_host("xn--mnchen-3ya.de")) == "münchen.de"


@pytest.mark.parametrize("raw", [
    "", ".", "a..b", ".example.com", "exa mple.com", "-bad.com", "bad-.com",
    "xn--zz.example",                  # not a valid A-label
    "a" * 64 + ".com",                 # label over 63
    ".".join(["a" * 60] * 5),          # host over 253
    "example.com/path", "user@example.com", "example.com:80",
    "1.2.3", "256.1.1.1",              # ends in a number but is no IPv4 address
    "exa\u0000mple.com", "ex*ample.com",
])
def test_invalid_hosts_are_rejected(raw):
    with pytest.raises(InvalidHost):
        normalize_host(raw)


@pytest.mark.parametrize("url,host", [
    ("https://News.Example.com/a/1?x=2#y", "news.example.com"),
    ("http://user:pw@example.com:8080/", "example.com"),
    ("https://bücher.example/", "xn--bcher-kva.example"),
    ("https://[2001:db8::1]:443/x", "2001:db8::1"),
    ("http://127.0.0.1:8000/page", "127.0.0.1"),
    ("file:///home/me/page.html", None),
    ("about:blank", None),
])
def test_host_of_url(url, host):
    assert host_of_url(url) == host


def test_host_of_url_rejects_a_bad_host():
    with pytest.raises(InvalidHost):
        host_of_url("https://exa mple.com/")


def test_lookup_chain_goes_from_the_host_to_its_parents():
    assert lookup_chain("a.news.example.co.uk") == [
        "a.news.example.co.uk", "news.example.co.uk", "example.co.uk", "co.uk", "uk"]
    assert lookup_chain("localhost") == ["localhost"]
    assert lookup_chain("127.0.0.1") == ["127.0.0.1"]   # an address has no parent
    assert lookup_chain("2001:db8::1") == ["2001:db8::1"]


def test_resolve_takes_each_field_from_the_most_specific_document():
    sub = {"kinds": ["claim"]}
    site = {"enabled": False, "kinds": ["disclosure"], "min_score": 0.8}
    defaults = {"muted_types": ["prediction"], "min_score": 0.2, "all_claims": True}
    assert resolve([sub, None, site, defaults], SERVICE) == {
        "enabled": False, "kinds": ["claim"], "min_score": 0.8, "muted_types": ["prediction"], "all_claims": True}


def test_resolve_falls_back_to_the_install_then_the_service_defaults():
    assert resolve([None, None], SERVICE) == SERVICE
    assert resolve([None, {"enabled": False}], SERVICE) == {**SERVICE, "enabled": False}


def test_resolve_keeps_falsy_values_that_were_set():
    assert resolve([{"kinds": [], "min_score": 0.0}], SERVICE)["kinds"] == []
    assert resolve([{"kinds": [], "min_score": 0.0}], SERVICE)["min_score"] == 0.0


def test_dismissals_accumulate_along_the_chain():
    assert dismissed_union([["a"], None, ["b", "a"], []]) == {"a", "b"}
