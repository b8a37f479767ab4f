"""An install's settings per site, as the API reads and applies them.

- ``settings_backend()`` opens the settings store for a request: Redis
  trouble becomes 503, the store's refusals 401 or 422;
- ``effective()`` resolves a site's settings through its parents, the
  install's defaults and ``service_defaults()``;
- ``site_preferences()`` is what applies to a page for the request's install
  (None while Redis is down: analysis fails open, to the service defaults);
- ``shown()`` picks the flags of a block that a site's settings let through.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
from flask import current_app

from . import domains
from .auth import request_token, unauthorized
from .errors import APIError
from .nlp import get_analyzer
from .nlp.flags import Flag
from .store.redis import get_store
from .store.settings import Contended, Entry, LimitExceeded, Limits, SettingsStore, UnknownInstall
from .store.tokens import sentence_hash

log = logging.getLogger(__name__)

KINDS = ["claim", "disclosure"]


def _unavailable() -> APIError:
    wait = math.ceil(current_app.config["CLAIMFLAG"].REDIS_RETRY_AFTER)
    return APIError(503, "settings are unavailable right now; try again shortly",
                    headers={"Retry-After": str(max(wait, 1))})


@contextmanager
def settings_backend() -> Iterator[SettingsStore]:
    """The settings store, with Redis trouble turned into 503 and store errors into 4xx."""
    store = get_store()
    if not store.available():
        raise _unavailable()
    try:
        yield _settings_store(store)
    except redis.ResponseError as err:
        # Redis answered but refused (e.g. OOM at maxmemory): not an outage to back off from.
        log.warning("settings write refused by redis (%s)", str(err).split(" ", 1)[0])
        raise _unavailable() from None
    except redis.RedisError as err:
        store.failed(err)
        raise _unavailable() from None
    except UnknownInstall:
        raise unauthorized() from None
    except LimitExceeded as err:
        raise APIError(422, err.message, field=err.field, code="limit_exceeded") from None
    except Contended:
        raise APIError(503, "too many changes to these settings at once; try again",
                       code="busy", headers={"Retry-After": "1"}) from None


def _settings_store(store) -> SettingsStore:
    config = current_app.config["CLAIMFLAG"]
    return SettingsStore(store.client, Limits(config.SETTINGS_MAX_DOMAINS, config.SETTINGS_MAX_DISMISSED))


def service_defaults() -> dict:
    # all_claims is for the extension's drawing only: /v1/analyze answers with
    # claims of both priorities whatever it says.
    return {"enabled": True, "kinds": list(KINDS),
            "min_score": round(get_analyzer().claim_threshold, 4), "muted_types": [], "all_claims": False}


def effective(chain: list[Entry | None]) -> dict:
    """``chain``: a site's entry, its parents' and the defaults', most specific first."""
    return domains.resolve([e.settings for e in chain if e], service_defaults())


@dataclass(frozen=True)
class SitePreferences:
    token: str
    effective: dict
    dismissed: frozenset[str]


def site_preferences(url: str | None) -> SitePreferences | None:
    """What applies to the page at ``url`` for the request's install; None
    without a token, or (failing open) while Redis is down."""
    token = request_token()
    if token is None:
        return None
    try:
        host = domains.host_of_url(url) if url else None
    except domains.InvalidHost as err:
        raise APIError(422, f"url host {err}", field="url") from None
    store = get_store()
    if not store.available():
        return None
    try:
        entries, defaults = _settings_store(store).chain(token, domains.lookup_chain(host) if host else [])
    except redis.RedisError as err:
        store.failed(err)
        return None
    except UnknownInstall:
        raise unauthorized() from None
    chain = [*entries, defaults]
    return SitePreferences(token, effective(chain),
                           frozenset(domains.dismissed_union(e.dismissed for e in chain if e)))


def shown(flags: list[Flag], text: str, kinds: Collection[str], prefs: dict,
          site: SitePreferences | None) -> list[tuple[Flag, str | None]]:
    """The flags of the block ``text`` that ``prefs`` (effective settings) let
    through, of ``kinds`` only, each with the hash to dismiss it by (None
    without an install); those the install dismissed are left out."""
    muted = set(prefs["muted_types"])
    out = []
    for flag in flags:
        # Compared as shown (rounded), so a min_score copied from a span keeps that span.
        if flag.kind not in kinds or flag.type in muted or \
                (flag.kind == "claim" and round(flag.score, 4) < prefs["min_score"]):
            continue
        text_hash = None
        if site is not None:
            text_hash = sentence_hash(site.token, text[flag.start:flag.end])
            if text_hash in site.dismissed:
                continue
        out.append((flag, text_hash))
    return out
