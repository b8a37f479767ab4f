"""GET /openapi.json, generated from the pydantic models of ``schemas.py``."""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

from flask import Blueprint, current_app
from pydantic.json_schema import models_json_schema

from . import schemas

bp = Blueprint("openapi", __name__)

_MODELS = [schemas.AnalyzeRequest, schemas.AnalyzeResponse, schemas.ErrorResponse,
           schemas.Health, schemas.Ready, schemas.InstallCreated, schemas.Preferences,
           schemas.Dismiss, schemas.SiteSettings, schemas.AllSettings]
_REQUESTS = {schemas.AnalyzeRequest, schemas.Preferences, schemas.Dismiss}


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model) -> dict:
    return {"content": {"application/json": {"schema": _ref(model)}}}


def _errors(*statuses: int) -> dict:
    text = {400: "Malformed JSON", 413: "Body over the size limit", 415: "Not JSON",
            422: "Valid JSON of the wrong shape or out of range", 429: "Rate limited (see Retry-After)",
            401: "Missing or unknown token", 403: "Sent from a web page's origin",
            503: "Redis is down (code unavailable) or too many changes to one install at once "
                 "(code busy); retry after Retry-After",
            "analyze-503": "Busy analysing other pages (code busy) or over the time limit "
                           "(code analysis_timeout; the work done is cached); see Retry-After"}
    retry_after = {"Retry-After": {"description": "Seconds to wait before trying again", "required": True,
                                   "schema": {"type": "string", "pattern": "^[1-9][0-9]*$"}}}
    headers = {"401": {"WWW-Authenticate": {"description": "Bearer", "required": True,
                                            "schema": {"type": "string"}}},
               "429": retry_after, "503": retry_after}
    out = {}
    for status in statuses:
        code = str(status).removeprefix("analyze-")
        out[code] = {"description": text[status], **_json(schemas.ErrorResponse)}
        if code in headers:
            out[code]["headers"] = headers[code]
    return out


_DOMAIN = {"name": "domain", "in": "path", "required": True,
           "description": "A host name (Unicode or punycode, any case) or _defaults for the "
                          "install's defaults",
           "schema": {"type": "string", "minLength": 1},
           "examples": {"host": {"value": "news.example.com"}, "unicode": {"value": "bücher.example"},
                        "punycode": {"value": "xn--bcher-kva.example"},
                        "defaults": {"value": "_defaults"}}}


def _with_limits(defs: dict, config) -> dict:
    """The configured request limits, where JSON Schema can state them."""
    request = defs["AnalyzeRequest"]["properties"]
    request["blocks"]["maxItems"] = config.MAX_BLOCKS
    request["blocks"]["description"] = (
        f"At most {config.MAX_BLOCKS} blocks with distinct ids and {config.MAX_TOTAL_CHARS} "
        "characters (UTF-16 code units) of text in all")
    for option in request["url"]["anyOf"]:
        if option.get("type") == "string":
            option["maxLength"] = config.MAX_URL_CHARS
    text = defs["BlockIn"]["properties"]["text"]
    text["maxLength"] = config.MAX_BLOCK_CHARS
    text["description"] += (f" At most {config.MAX_BLOCK_CHARS} UTF-16 code units; no NUL "
                            "characters or lone surrogates.")
    return defs


@lru_cache(maxsize=4)
def build_spec(config) -> dict:
    """The spec for one ``Config`` (its limits appear in it)."""
    max_body, settings_body = config.MAX_BODY_BYTES, config.SETTINGS_MAX_BODY_BYTES
    _site_settings = {"description": "The site's settings", **_json(schemas.SiteSettings)}
    _, defs = models_json_schema([(m, "validation" if m in _REQUESTS else "serialization")
                                  for m in _MODELS], ref_template="#/components/schemas/{model}")
    _with_limits(defs["$defs"], config)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ClaimFlag", "version": metadata.version("claimflag"),
                 "description": "Finds check-worthy claims and disclosures in page text. "
                                "Offsets are UTF-16 code units into each block's text."},
        "paths": {
            "/v1/analyze": {"post": {
                "summary": "Flag claims and disclosures in a page's blocks",
                "description": "With a token, the install's settings for the url's site apply "
                               "(a disabled site answers disabled: true and runs no analysis) and "
                               "each span carries a text_hash for dismissing it.",
                "security": [{}, {"bearer": []}],
                "requestBody": {"required": True, **_json(schemas.AnalyzeRequest)},
                "responses": {"200": {"description": "Spans per block", **_json(schemas.AnalyzeResponse)},
                              **_errors(400, 401, 403, 413, 415, 422, 429, "analyze-503")},
                "x-max-body-bytes": max_body,
            }},
            "/v1/installs": {"post": {
                "summary": "Issue an anonymous install token (no request body)",
                "responses": {"201": {"description": "The new token", **_json(schemas.InstallCreated)},
                              **_errors(403, 429, 503)},
            }},
            "/v1/settings": {"get": {
                "summary": "The install's defaults, every site it has settings for, and the limits",
                "security": [{"bearer": []}],
                "responses": {"200": {"description": "All settings", **_json(schemas.AllSettings)},
                              **_errors(401, 403, 429, 503)},
            }},
            "/v1/settings/{domain}": {
                "parameters": [_DOMAIN],
                "get": {"summary": "One site's own settings and what applies there",
                        "security": [{"bearer": []}],
                        "responses": {"200": _site_settings, **_errors(401, 403, 422, 429, 503)}},
                "put": {"summary": "Replace one site's own settings (fields left out are inherited)",
                        "security": [{"bearer": []}],
                        "requestBody": {"required": True, **_json(schemas.Preferences)},
                        "responses": {"200": _site_settings,
                                      **_errors(400, 401, 403, 413, 415, 422, 429, 503)},
                        "x-max-body-bytes": settings_body},
                "delete": {"summary": "Forget one site's settings and dismissed flags",
                           "security": [{"bearer": []}],
                           "responses": {"204": {"description": "Gone (or never there)"},
                                         **_errors(401, 403, 422, 429, 503)}},
            },
            "/v1/settings/{domain}/dismissed": {
                "parameters": [_DOMAIN],
                "post": {"summary": "Hide one flag on this site and its subdomains",
                         "security": [{"bearer": []}],
                         "requestBody": {"required": True, **_json(schemas.Dismiss)},
                         "responses": {"200": _site_settings,
                                       **_errors(400, 401, 403, 413, 415, 422, 429, 503)},
                         "x-max-body-bytes": settings_body},
            },
            "/v1/settings/{domain}/dismissed/{text_hash}": {
                "parameters": [_DOMAIN, {"name": "text_hash", "in": "path", "required": True,
                                         "schema": {"type": "string", "pattern": "^[0-9a-f]{40}$"}}],
                "delete": {"summary": "Show a dismissed flag again",
                           "security": [{"bearer": []}],
                           "responses": {"204": {"description": "Shown again (or never dismissed)"},
                                         **_errors(401, 403, 422, 429, 503)}},
            },
            "/healthz": {"get": {"summary": "The process is up",
                                 "responses": {"200": {"description": "Up", **_json(schemas.Health)}, **_errors(403)}}},
            "/readyz": {"get": {"summary": "Model loaded; Redis reachable or degraded",
                                "responses": {"200": {"description": "Ready or degraded",
                                                      **_json(schemas.Ready)}, **_errors(403)}}},
            "/openapi.json": {"get": {"summary": "This document",
                                      "responses": {"200": {"description": "OpenAPI 3.1",
                                                            "content": {"application/json": {}}}, **_errors(403)}}},
            "/metrics": {"get": {"summary": "Prometheus metrics",
                                 "responses": {"200": {"description": "Prometheus text format",
                                                       "content": {"text/plain": {}}}, **_errors(403)}}},
        },
        "components": {"schemas": defs["$defs"],
                       "securitySchemes": {"bearer": {
                           "type": "http", "scheme": "bearer",
                           "description": "The install token from POST /v1/installs"}}},
    }


@bp.get("/openapi.json")
def openapi():
    config = current_app.config["CLAIMFLAG"]
    return build_spec(config)
