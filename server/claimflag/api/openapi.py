"""GET /openapi.json, generated from the pydantic models of ``schemas.py``."""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata

from flask import Blueprint, current_app
from pydantic.json_schema import models_json_schema

from . import schemas

bp = Blueprint("openapi", __name__)

_MODELS = [schemas.AnalyzeRequest, schemas.AnalyzeResponse, schemas.ErrorResponse,
           schemas.Health, schemas.Ready]


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model) -> dict:
    return {"content": {"application/json": {"schema": _ref(model)}}}


def _errors(*statuses: int) -> dict:
    text = {400: "Malformed JSON", 413: "Body over the size limit", 415: "Not JSON",
            422: "Valid JSON of the wrong shape or out of range", 429: "Rate limited",
            401: "Missing or unknown token", 503: "A dependency is down"}
    return {str(s): {"description": text[s], **_json(schemas.ErrorResponse)} for s in statuses}


@lru_cache(maxsize=1)
def build_spec(max_body: int) -> dict:
    _, defs = models_json_schema([(m, "validation" if m is schemas.AnalyzeRequest else "serialization")
                                  for m in _MODELS], ref_template="#/components/schemas/{model}")
    return {
        "openapi": "3.1.0",
        "info": {"title": "ClaimFlag", "version": metadata.version("claimflag"),
                 "description": "Finds check-worthy claims and disclosures in page text. "
                                "Offsets are UTF-16 code units into each block's text."},
        "paths": {
            "/v1/analyze": {"post": {
                "summary": "Flag claims and disclosures in a page's blocks",
                "requestBody": {"required": True, **_json(schemas.AnalyzeRequest)},
                "responses": {"200": {"description": "Spans per block", **_json(schemas.AnalyzeResponse)},
                              **_errors(400, 413, 415, 422)},
                "x-max-body-bytes": max_body,
            }},
            "/healthz": {"get": {"summary": "The process is up",
                                 "responses": {"200": {"description": "Up", **_json(schemas.Health)}}}},
            "/readyz": {"get": {"summary": "Model loaded; Redis reachable or degraded",
                                "responses": {"200": {"description": "Ready or degraded",
                                                      **_json(schemas.Ready)}}}},
            "/openapi.json": {"get": {"summary": "This document",
                                      "responses": {"200": {"description": "OpenAPI 3.1",
                                                            "content": {"application/json": {}}}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics",
                                 "responses": {"200": {"description": "Prometheus text format",
                                                       "content": {"text/plain": {}}}}}},
        },
        "components": {"schemas": defs["$defs"]},
    }


@bp.get("/openapi.json")
def openapi():
    return build_spec(current_app.config["CLAIMFLAG"].MAX_BODY_BYTES)
