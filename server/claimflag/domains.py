"""Per-site rules as pure functions over host names (no Flask, no Redis).

A host is compared in one canonical form: lower case, IDNA (UTS #46,
non-transitional, as browsers do), no trailing dot. ``Bücher.example`` and
``xn--bcher-kva.example`` are therefore the same site. A site's settings
apply to its subdomains unless a subdomain has its own, field by field:
``news.example.com`` → ``example.com`` → ``com`` → the install's defaults →
the service's defaults.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

import idna

MAX_HOST_CHARS = 253
_ASCII_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
PREFERENCES = ("enabled", "kinds", "min_score", "muted_types", "all_claims")


class InvalidHost(ValueError):
    pass


def normalize_host(raw: str) -> str:
    """The canonical (ASCII) form of a host name or IP address, or InvalidHost."""
    if not isinstance(raw, str) or not raw or len(raw) > 4 * MAX_HOST_CHARS:
        raise InvalidHost("is not a host name")
    ip = _ip(raw)
    if ip is not None:
        return ip
    try:
        mapped = idna.uts46_remap(raw, std3_rules=False, transitional=False)
    except idna.IDNAError:
        raise InvalidHost("is not a valid host name") from None
    if mapped.endswith("."):
        mapped = mapped[:-1]
    labels = mapped.split(".")
    out = [_label(label) for label in labels]
    host = ".".join(out)
    if len(host) > MAX_HOST_CHARS:
        raise InvalidHost(f"must be at most {MAX_HOST_CHARS} characters")
    if out[-1].isdigit():
        # WHATWG URL: a host ending in a number is an IPv4 address, and this one is not valid.
        raise InvalidHost("is not a valid IP address")
    return host


def _ip(raw: str) -> str | None:
    candidate = raw[1:-1] if raw.startswith("[") and raw.endswith("]") else raw
    try:
        return ipaddress.ip_address(candidate).compressed
    except ValueError:
        return None


def _label(label: str) -> str:
    if not label:
        raise InvalidHost("has an empty label")
    if label.isascii():
        if not _ASCII_LABEL.fullmatch(label):
            raise InvalidHost("is not a valid host name")
        if label.startswith("xn--"):
            # An A-label must decode, and be the canonical encoding of what it decodes to.
            try:
                if idna.encode(idna.decode(label)).decode("ascii") != label:
                    raise InvalidHost("has an A-label that is not in canonical form")
            except idna.IDNAError:
                raise InvalidHost("has an invalid A-label (xn--)") from None
        return label
    try:
        return idna.encode(label, uts46=False).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise InvalidHost("is not a valid internationalized host name") from None


def unicode_host(host: str) -> str:
    """The readable form of a canonical host, for showing to a person."""
    try:
        return ".".join(idna.decode(label) if label.startswith("xn--") else label
                        for label in host.split("."))
    except idna.IDNAError:
        return host


def host_of_url(url: str) -> str | None:
    """The canonical host of a page URL; None for URLs without one (file:, about:)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise InvalidHost("is not a valid URL") from None
    if not host:
        return None
    if ":" in host:  # urlsplit drops the brackets of an IPv6 literal
        host = f"[{host}]"
    return normalize_host(host)


def lookup_chain(host: str) -> list[str]:
    """The host and every parent domain, most specific first; an IP stands alone."""
    if _ip(host) is not None:
        return [host]
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def resolve(own: Iterable[Mapping | None], service_defaults: Mapping) -> dict:
    """The effective preferences: for each field, the first document in ``own``
    (most specific first, the install's defaults last) that sets it, else the
    service default."""
    docs = [doc for doc in own if doc]
    return {name: next((doc[name] for doc in docs if name in doc), service_defaults[name])
            for name in PREFERENCES}


def dismissed_union(dismissed: Iterable[Iterable[str] | None]) -> set[str]:
    """Dismissals on a domain hold on all its subdomains (and the defaults' everywhere)."""
    out: set[str] = set()
    for hashes in dismissed:
        out.update(hashes or ())
    return out
