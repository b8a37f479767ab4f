"""Install tokens on a request: reading one, checking that it names an
install, the 401 that answers when it does not, and its rate-limit key.

An install sends its token as ``Authorization: Bearer <token>`` (from
``POST /v1/installs``). The token itself is never stored or logged: Redis and
the rate limiter see only hashes of it (``store/tokens.py``).
"""

from __future__ import annotations

from flask import request

from .errors import APIError
from .store.keys import digest
from .store.settings import SettingsStore
from .store.tokens import is_well_formed


def bearer_token() -> str | None:
    """The token of ``Authorization: Bearer <token>``, if the request has one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def unauthorized() -> APIError:
    return APIError(401, "a valid install token is required (Authorization: Bearer <token> "
                         "from POST /v1/installs)", headers={"WWW-Authenticate": "Bearer"})


def request_token() -> str | None:
    """The request's token if it sent one; 401 if it is not even well formed."""
    token = bearer_token()
    if token is None and "Authorization" in request.headers:
        raise unauthorized()
    if token is not None and not is_well_formed(token):
        raise unauthorized()
    return token


def require_token() -> str:
    """The request's token; 401 without one."""
    token = request_token()
    if token is None:
        raise unauthorized()
    return token


def require_install(store: SettingsStore, token: str) -> None:
    """401 unless ``token`` names an install ``store`` holds."""
    if not store.exists(token):
        raise unauthorized()


def rate_limit_key() -> str:
    """The per-install rate-limit key: a hash of the token, never the token."""
    return "token-" + digest(bearer_token() or "")
