"""The one JSON error shape: ``{"error": {"code", "message", "field"?}}``.

Every HTTPException, every validation failure and every unexpected exception
leaves the service in this shape, so the extension parses exactly one format.
"""

from __future__ import annotations

import logging
import traceback

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    503: "unavailable",
}


class APIError(Exception):
    """An error the API answers with on purpose."""

    def __init__(self, status: int, message: str, field: str | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.code = code or _CODES.get(status, "error")
        self.headers = headers or {}


def error_response(status: int, message: str, field: str | None = None,
                   code: str | None = None, headers: dict[str, str] | None = None):
    body = {"code": code or _CODES.get(status, "error"), "message": message}
    if field is not None:
        body["field"] = field
    response = jsonify({"error": body})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(APIError)
    def handle_api_error(err: APIError):
        return error_response(err.status, err.message, err.field, err.code, err.headers)

    @app.errorhandler(HTTPException)
    def handle_http_exception(err: HTTPException):
        headers = {}
        if err.code == 405 and err.valid_methods:
            headers["Allow"] = ", ".join(err.valid_methods)
        retry_after = getattr(err, "retry_after", None) or (
            err.response.headers.get("Retry-After") if err.response is not None else None)
        if retry_after:
            headers["Retry-After"] = str(retry_after)
        message = err.description or err.name
        return error_response(err.code or 500, message, headers=headers)

    @app.errorhandler(Exception)
    def handle_unexpected(err: Exception):
        # Log where it failed but not the exception's message, which could
        # quote page text; the client gets the JSON shape and no internals.
        frames = "".join(traceback.format_tb(err.__traceback__))
        log.error("unhandled %s at\n%s", type(err).__name__, frames)
        return error_response(500, "internal error", code="internal_error")
