"""Who may call the service from a browser, and the headers every response carries.

CORS admits only browser-extension origins (``CORS_ORIGINS``; by default any
Chromium or Firefox extension). A request that carries a web page's
``Origin`` is refused outright with 403, so a page can neither read from
nor write to the service, not even with a "simple" request that skips the
preflight. Requests without an ``Origin`` (curl, the CLI, other services)
are not affected. The service sets no cookies and sends no credentials.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_cors import CORS

from .config import ConfigurationError
from .errors import APIError

EXTENSION_SCHEMES = ("chrome-extension", "moz-extension", "safari-web-extension")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
                               "form-action 'none'",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}

cors = CORS()


def origin_patterns(setting: str) -> list[re.Pattern]:
    """``CORS_ORIGINS`` as anchored patterns; anything but an extension origin fails at boot."""
    patterns = []
    for origin in filter(None, (o.strip() for o in setting.split(","))):
        scheme, sep, rest = origin.partition("://")
        if not sep or scheme not in EXTENSION_SCHEMES or not rest or "/" in rest:
            raise ConfigurationError(
                f"CLAIMFLAG_CORS_ORIGINS may list only extension origins "
                f"({', '.join(s + '://…' for s in EXTENSION_SCHEMES)}), not {origin!r}")
        body = "[A-Za-z0-9_-]+".join(re.escape(p) for p in rest.split("*"))
        patterns.append(re.compile(f"^{re.escape(scheme)}://{body}$"))
    return patterns


def init_app(app: Flask) -> None:
    config = app.config["CLAIMFLAG"]
    allowed = origin_patterns(config.CORS_ORIGINS)
    app.extensions["claimflag.origins"] = allowed
    cors.init_app(app, origins=allowed, supports_credentials=False,
                  allow_headers=["Authorization", "Content-Type"],
                  expose_headers=["Retry-After"],
                  methods=["GET", "POST", "PUT", "DELETE"], max_age=600)

    @app.before_request
    def refuse_web_origins():
        origin = request.headers.get("Origin")
        if origin is not None and not any(p.match(origin) for p in allowed):
            raise APIError(403, "this service answers browser extensions only, not web pages",
                           code="forbidden_origin")

    @app.after_request
    def security_headers(response):
        response.headers.update(SECURITY_HEADERS)
        response.headers.pop("Set-Cookie", None)
        return response
