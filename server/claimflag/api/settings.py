"""Per-site settings of one install, behind ``Authorization: Bearer <token>``.

``GET /v1/settings``                               the defaults, every site, the limits
``GET|PUT|DELETE /v1/settings/<domain>``           one site (``_defaults``: the install's defaults)
``POST /v1/settings/<domain>/dismissed``           hide one flag on a site (``{"text_hash"}``)
``DELETE /v1/settings/<domain>/dismissed/<hash>``  show it again

Settings need Redis: while it is down these answer 503 and recover by
themselves. ``/v1/analyze`` reads the same data through ``site_preferences``
and, if Redis is down, falls back to the service defaults instead.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
from flask import Blueprint, current_app, request

from .. import domains
from ..errors import APIError
from ..limits import bearer_token
from ..nlp import get_analyzer
from ..store.redis import get_store
from ..store.settings import (DEFAULTS, Contended, Entry, LimitExceeded, Limits, SettingsStore,
                              UnknownInstall)
from ..store.tokens import is_well_formed
from .schemas import Dismiss, Preferences
from .validation import read_json

bp = Blueprint("settings", __name__, url_prefix="/v1")
log = logging.getLogger(__name__)

DEFAULTS_NAME = "_defaults"
KINDS = ["claim", "disclosure"]
TEXT_HASH = re.compile(r"[0-9a-f]{40}")


# -- shared with /v1/analyze and /v1/installs --------------------------------

def unauthorized() -> APIError:
    return APIError(401, "a valid install token is required (Authorization: Bearer <token> "
                         "from POST /v1/installs)", headers={"WWW-Authenticate": "Bearer"})


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
    return {"enabled": True, "kinds": list(KINDS),
            "min_score": round(get_analyzer().claim_threshold, 4), "muted_types": []}


@dataclass(frozen=True)
class SitePreferences:
    token: str
    effective: dict
    dismissed: frozenset[str]


def site_preferences(url: str | None) -> SitePreferences | None:
    """What applies to the page at ``url`` for the request's install; None
    without a token, or (failing open) while Redis is down."""
    token = _token()
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
    return SitePreferences(token, _effective(chain),
                           frozenset(domains.dismissed_union(e.dismissed for e in chain if e)))


def _token() -> str | None:
    """The request's token if it sent one; 401 if it is not even well formed."""
    token = bearer_token()
    if token is None and "Authorization" in request.headers:
        raise unauthorized()
    if token is not None and not is_well_formed(token):
        raise unauthorized()
    return token


def _require_token(known: bool = False) -> str:
    """The request's token; with ``known``, checked against Redis now (before a
    body is validated, so an unknown token is a 401 whatever the body)."""
    token = _token()
    if token is None:
        raise unauthorized()
    if known:
        with settings_backend() as store:
            if not store.exists(token):
                raise UnknownInstall
    return token


# -- the endpoints ----------------------------------------------------------

@bp.get("/settings")
def list_settings():
    token = _require_token()
    with settings_backend() as store:
        defaults, sites = store.all(token)
    config = current_app.config["CLAIMFLAG"]
    return {
        "defaults": _view(DEFAULTS_NAME, [defaults]),
        "domains": [_view(host, [sites.get(h) for h in domains.lookup_chain(host)] + [defaults])
                    for host in sorted(sites)],
        "limits": {"max_domains": config.SETTINGS_MAX_DOMAINS,
                   "max_dismissed": config.SETTINGS_MAX_DISMISSED,
                   "min_score_default": service_defaults()["min_score"],
                   "min_score_floor": round(get_analyzer().claim_floor, 4)},
    }


@bp.get("/settings/<domain>")
def get_site(domain: str):
    return _current(_require_token(), _site(domain))


@bp.put("/settings/<domain>")
def put_site(domain: str):
    token = _require_token(known=True)
    name = _site(domain)
    prefs = _read(Preferences).model_dump(exclude_unset=True)
    with settings_backend() as store:
        store.put(token, _field(name), prefs)
    return _current(token, name)


@bp.delete("/settings/<domain>")
def delete_site(domain: str):
    token = _require_token()
    name = _site(domain)
    with settings_backend() as store:
        store.delete(token, _field(name))
    return "", 204


@bp.post("/settings/<domain>/dismissed")
def dismiss(domain: str):
    token = _require_token(known=True)
    name = _site(domain)
    body = _read(Dismiss)
    with settings_backend() as store:
        store.dismiss(token, _field(name), body.text_hash)
    return _current(token, name)


@bp.delete("/settings/<domain>/dismissed/<text_hash>")
def undismiss(domain: str, text_hash: str):
    token = _require_token()
    name = _site(domain)
    if not TEXT_HASH.fullmatch(text_hash):
        raise APIError(422, "text_hash must be 40 lower-case hex digits", field="text_hash")
    with settings_backend() as store:
        store.undismiss(token, _field(name), text_hash)
    return "", 204


# -- helpers ----------------------------------------------------------------

def _site(domain: str) -> str:
    """The canonical name of a site from the URL path, or 422."""
    if domain == DEFAULTS_NAME:
        return DEFAULTS_NAME
    try:
        return domains.normalize_host(domain)
    except domains.InvalidHost as err:
        raise APIError(422, f"domain {err}", field="domain") from None


def _field(name: str) -> str:
    return DEFAULTS if name == DEFAULTS_NAME else name


def _read(model):
    # Settings bodies are tiny: a far lower cap than the one for page text.
    request.max_content_length = current_app.config["CLAIMFLAG"].SETTINGS_MAX_BODY_BYTES
    return read_json(model)


def _current(token: str, name: str) -> dict:
    with settings_backend() as store:
        if name == DEFAULTS_NAME:
            _, defaults = store.chain(token, [])
            return _view(name, [defaults])
        entries, defaults = store.chain(token, domains.lookup_chain(name))
    return _view(name, [*entries, defaults])


def _view(name: str, chain: list[Entry | None]) -> dict:
    """A site as the API shows it: its own settings and dismissals, and what applies."""
    own = chain[0] or Entry()
    return {
        "domain": name,
        "unicode": name if name == DEFAULTS_NAME else domains.unicode_host(name),
        "settings": own.settings,
        "dismissed": own.dismissed,
        "effective": _effective(chain),
    }


def _effective(chain: list[Entry | None]) -> dict:
    """``chain``: a site's entry, its parents' and the defaults', most specific first."""
    return domains.resolve([e.settings for e in chain if e], service_defaults())
