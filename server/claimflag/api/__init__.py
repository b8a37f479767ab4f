"""The HTTP API: blueprints under /v1 plus health and the OpenAPI spec."""

from flask import Flask

from . import analyze, health, installs, openapi, settings


def init_app(app: Flask) -> None:
    app.register_blueprint(analyze.bp)
    app.register_blueprint(installs.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
