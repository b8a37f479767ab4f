"""Prometheus metrics: counts and timings only, never text or URLs."""

from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

REQUESTS = Counter("claimflag_http_requests_total", "HTTP requests", ["endpoint", "status"])
BLOCKS = Counter("claimflag_blocks_total", "Blocks analysed", ["cache"])
REDIS_ERRORS = Counter("claimflag_redis_errors_total", "Redis calls that failed")
ANALYSIS_SECONDS = Histogram("claimflag_analysis_seconds", "Time to analyse the cache misses of a request")

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def init_app(app) -> None:
    @app.after_request
    def count(response):
        from flask import request
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(endpoint, str(response.status_code)).inc()
        return response

    app.register_blueprint(bp)
