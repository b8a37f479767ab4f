"""Per-site settings of one install, behind ``Authorization: Bearer <token>``.

``GET /v1/settings``                               the defaults, every site, the limits
``GET|PUT|DELETE /v1/settings/<domain>``           one site (``_defaults``: the install's defaults)
``POST /v1/settings/<domain>/dismissed``           hide one flag on a site (``{"text_hash"}``)
``DELETE /v1/settings/<domain>/dismissed/<hash>``  show it again

Settings need Redis: while it is down these answer 503 and recover by
themselves. ``/v1/analyze`` reads the same data through
``preferences.site_preferences`` and, if Redis is down, falls back to the
service defaults instead.
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, request

from .. import domains
from ..auth import require_install, require_token
from ..errors import APIError
from ..nlp import get_analyzer
from ..preferences import effective, service_defaults, settings_backend
from ..store.settings import DEFAULTS, Entry
from .schemas import Dismiss, Preferences
from .validation import read_json

bp = Blueprint("settings", __name__, url_prefix="/v1")

DEFAULTS_NAME = "_defaults"
TEXT_HASH = re.compile(r"[0-9a-f]{40}")


def _known_token() -> str:
    """The request's token, checked against Redis now (before a body is
    validated, so an unknown token is a 401 whatever the body)."""
    token = require_token()
    with settings_backend() as store:
        require_install(store, token)
    return token


# -- the endpoints ----------------------------------------------------------

@bp.get("/settings")
def list_settings():
    token = require_token()
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
    return _current(require_token(), _site(domain))


@bp.put("/settings/<domain>")
def put_site(domain: str):
    token = _known_token()
    name = _site(domain)
    prefs = _read(Preferences).model_dump(exclude_unset=True)
    with settings_backend() as store:
        store.put(token, _field(name), prefs)
    return _current(token, name)


@bp.delete("/settings/<domain>")
def delete_site(domain: str):
    token = require_token()
    name = _site(domain)
    with settings_backend() as store:
        store.delete(token, _field(name))
    return "", 204


@bp.post("/settings/<domain>/dismissed")
def dismiss(domain: str):
    token = _known_token()
    name = _site(domain)
    body = _read(Dismiss)
    with settings_backend() as store:
        store.dismiss(token, _field(name), body.text_hash)
    return _current(token, name)


@bp.delete("/settings/<domain>/dismissed/<text_hash>")
def undismiss(domain: str, text_hash: str):
    token = require_token()
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
        "effective": effective(chain),
    }
