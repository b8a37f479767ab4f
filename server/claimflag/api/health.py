"""Liveness and readiness."""

from __future__ import annotations

from flask import Blueprint

from ..nlp import get_analyzer
from ..store.redis import get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    # The model is loaded before the app answers at all; Redis may be down,
    # in which case analysis still works (uncached) and we say so.
    redis_ok = get_store().ping()
    return {"status": "ready" if redis_ok else "degraded", "model": get_analyzer().version,
            "redis": "ok" if redis_ok else "down"}
