"""Reading a JSON request body into a pydantic model, or a clear APIError.

400 for a body that is not JSON (bad UTF-8, syntax, NaN, nesting too deep),
415 for a content type that is not JSON, 413 (raised by Flask) for a body
over ``MAX_CONTENT_LENGTH``, 422 for JSON of the wrong shape.
"""

from __future__ import annotations

import json
from typing import TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError

from ..errors import APIError

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not an allowed field",
    "string_type": "must be a string",
    "list_type": "must be an array",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "bool_type": "must be true or false",
    "float_type": "must be a number",
    "int_type": "must be an integer",
    "string_too_short": "must not be empty",
}


def field_path(loc) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def read_json(model: type[M]) -> M:
    if not request.is_json:
        raise APIError(415, "the body must be JSON (Content-Type: application/json)")
    raw = request.get_data(cache=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise APIError(400, "the body is not valid UTF-8") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as err:
        raise APIError(400, f"the body is not valid JSON ({_reason(err)})", code="malformed_json") from None
    if _depth(data) > current_app.config["CLAIMFLAG"].MAX_JSON_DEPTH:
        raise APIError(400, "the JSON is nested too deeply", code="malformed_json")
    if not isinstance(data, dict):
        raise APIError(422, "the body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors(include_url=False, include_input=False)[0]
        path = field_path(first["loc"]) or "body"
        message = _MESSAGES.get(first["type"], first["msg"].lower())
        raise APIError(422, f"{path} {message}", field=path) from None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed")


def _reason(err: Exception) -> str:
    if isinstance(err, RecursionError):
        return "nested too deeply"
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg} at line {err.lineno} column {err.colno}"
    return str(err)


def _depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def check_text(text: str, path: str) -> None:
    """Text the browser could not have sent as a well-formed string."""
    if "\x00" in text:
        raise APIError(422, f"{path} must not contain NUL characters", field=path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise APIError(422, f"{path} contains a lone surrogate; send well-formed text "
                            "(String.prototype.toWellFormed)", field=path) from None
