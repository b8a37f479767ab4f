"""ClaimFlag: inline flags for check-worthy claims and disclosures."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask

from .config import Config


def create_app(config: Mapping | None = None) -> Flask:
    """Builds the app: defaults, then the environment, then ``config``."""
    settings = Config.from_env(**dict(config or {}))
    logging.basicConfig(level=settings.LOG_LEVEL,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__)
    app.config["CLAIMFLAG"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.MAX_BODY_BYTES
    app.json.sort_keys = False

    from . import api, errors, limits, metrics, nlp, security
    from .store import redis

    errors.init_app(app)
    redis.init_app(app)
    nlp.init_app(app)
    metrics.init_app(app)
    security.init_app(app)
    api.init_app(app)
    limits.init_app(app)
    return app
