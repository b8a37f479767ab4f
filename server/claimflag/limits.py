"""Rate limits on /v1: per client address, per install token, and on issuing tokens.

flask-limiter counts in the service's Redis (sharing its connection pool),
so every worker and host behind a load balancer sees the same counters. The
counters carry TTLs, so a ``volatile-lru`` Redis may evict them under memory
pressure but never settings. Keys hold hashes of the address and token,
never the values. If Redis is down the limiter falls back to per-process
memory and re-probes with backoff: limits stay on, requests keep flowing.

One ``Limiter`` per app (kept in ``app.extensions``): flask-limiter keeps its
storage on the instance, and tests build many apps with different Redis
servers in one process.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import ApplicationLimit, Limiter
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth import bearer_token, rate_limit_key
from .config import ConfigurationError
from .store.keys import digest
from .store.redis import EXTENSION as REDIS_EXTENSION

EXTENSION = "claimflag.limiter"
KEY_PREFIX = "claimflag:ratelimit:v1"
# Token issuance has a tighter limit of its own, on its blueprint (named,
# not imported: the limiter knows blueprints by name).
INSTALLS_BLUEPRINT = "installs"


def address_key() -> str:
    secret = current_app.config["CLAIMFLAG"].CACHE_SECRET
    return "addr-" + digest(request.remote_addr or "unknown", secret)


def _no_token() -> bool:
    return bearer_token() is None


def storage_uri(app: Flask) -> tuple[str, dict]:
    """Where the counters live, and the options for limits' Redis storage."""
    config = app.config["CLAIMFLAG"]
    options: dict = {"key_prefix": KEY_PREFIX}
    if config.RATE_LIMIT_STORAGE_URL:
        uri = config.RATE_LIMIT_STORAGE_URL
        if uri.startswith(("redis", "unix")):
            options.update(socket_timeout=config.REDIS_SOCKET_TIMEOUT,
                           socket_connect_timeout=config.REDIS_SOCKET_TIMEOUT)
        else:
            options = {}
        return uri.replace("unix://", "redis+unix://", 1) if uri.startswith("unix://") else uri, options
    # The service's own Redis, through its one connection pool.
    pool = app.extensions[REDIS_EXTENSION].client.connection_pool
    path = pool.connection_kwargs.get("path")
    options["connection_pool"] = pool
    return (f"redis+unix://{path}" if path else "redis://"), options


def _check_limit(value: str, name: str) -> None:
    """flask-limiter parses limit strings lazily: fail at boot on a typo instead."""
    try:
        parse_many(value)
    except ValueError:
        raise ConfigurationError(f"CLAIMFLAG_{name} is not a rate limit "
                                 f"(like '600 per minute' or '10 per hour;3 per minute'): {value!r}") from None


def init_app(app: Flask) -> None:
    """Runs after ``api.init_app``: the installs limit is set on the registered blueprint."""
    config = app.config["CLAIMFLAG"]
    if config.TRUSTED_PROXIES > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.TRUSTED_PROXIES)

    for name in ("RATE_LIMIT_PER_ADDRESS", "RATE_LIMIT_PER_TOKEN", "RATE_LIMIT_INSTALLS"):
        _check_limit(getattr(config, name), name)
    uri, options = storage_uri(app)
    limiter = Limiter(
        key_func=address_key,
        application_limits=[
            ApplicationLimit(limit_provider=config.RATE_LIMIT_PER_ADDRESS, key_function=address_key,
                             scope="address", error_message="too many requests from this address"),
            ApplicationLimit(limit_provider=config.RATE_LIMIT_PER_TOKEN, key_function=rate_limit_key,
                             scope="token", exempt_when=_no_token,
                             error_message="too many requests for this install"),
        ],
        storage_uri=uri,
        storage_options=options,
        strategy=config.RATE_LIMIT_STRATEGY,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
        headers_enabled=False,   # Retry-After on 429 only, set below
        enabled=config.RATE_LIMIT_ENABLED,
    )

    @limiter.request_filter
    def only_the_api() -> bool:
        # Health, metrics and the spec stay reachable; CORS preflights are free.
        return not request.path.startswith("/v1/") or request.method == "OPTIONS"

    limiter.limit(config.RATE_LIMIT_INSTALLS, key_func=address_key, methods=["POST"],
                  error_message="too many installs from this address")(app.blueprints[INSTALLS_BLUEPRINT])
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter

    @app.after_request
    def retry_after(response):
        if response.status_code == 429 and limiter.current_limit is not None:
            wait = math.ceil(limiter.current_limit.reset_at - time.time())
            response.headers["Retry-After"] = str(max(wait, 1))
        return response
