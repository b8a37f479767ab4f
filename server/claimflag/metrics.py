"""Prometheus metrics and the access log.

Both name a request by its route template (``/v1/settings/<domain>``), never
by its path, so neither holds a URL, a host a reader configured, or text.
"""

from __future__ import annotations

import logging
import os
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)

REQUESTS = Counter("claimflag_http_requests_total", "HTTP requests", ["endpoint", "status"])
BLOCKS = Counter("claimflag_blocks_total", "Blocks analysed", ["cache"])
REDIS_ERRORS = Counter("claimflag_redis_errors_total", "Redis calls that failed")
ANALYSIS_SECONDS = Histogram("claimflag_analysis_seconds", "Time to analyse the cache misses of a request")

access_log = logging.getLogger("claimflag.access")

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        # Under gunicorn (gunicorn.conf.py sets it): the sum over all workers.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    @app.before_request
    def start_clock():
        g.started = time.perf_counter()

    @app.after_request
    def count_and_log(response):
        route = request.url_rule.rule if request.url_rule else "(no route)"
        REQUESTS.labels(route, str(response.status_code)).inc()
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        access_log.info("%s %s %s %dB %.0fms", request.method, route, response.status_code,
                        response.calculate_content_length() or 0, elapsed)
        return response

    app.register_blueprint(bp)
