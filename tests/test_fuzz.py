"""The running service, fuzzed from its own /openapi.json with schemathesis.

A real gunicorn (server/gunicorn.conf.py, one worker) on a free port, over
HTTP. For every operation of the spec, schemathesis sends a bounded number
of generated requests (valid ones and, for request bodies and parameters,
invalid ones) with a valid install token, and checks each answer: no 5xx,
a status code the spec lists, the documented content type and headers, a
body that matches the documented schema, valid data accepted and invalid
data rejected. Every call has a timeout, so a hang fails the test.
Rate limits are off for the run (429 is documented, but would only slow it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from claimflag.api.openapi import build_spec
from claimflag.config import Config
from claimflag.domains import InvalidHost, normalize_host
from claimflag.nlp.offsets import utf16_length
from claimflag.tools.procs import free_port, running

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("CLAIMFLAG_FUZZ_EXAMPLES", "100"))   # per operation
CALL_TIMEOUT = 30   # seconds: far above any answer of the service; a hang fails the test


@pytest.fixture(scope="module")
def service(tmp_path_factory, redis_url):
    tmp = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    env = {"CLAIMFLAG_REDIS_URL": redis_url, "CLAIMFLAG_DATA_DIR": str(tmp),
           "CLAIMFLAG_RATE_LIMIT_ENABLED": "false",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4"}
    cmd = [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "server/gunicorn.conf.py"),
           "claimflag:create_app()"]
    with running(cmd, port, env, log_path=tmp / "gunicorn.log") as base:
        yield base
    log = (tmp / "gunicorn.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture(scope="module")
def token(service) -> str:
    response = requests.post(f"{service}/v1/installs", timeout=10)
    assert response.status_code == 201
    return response.json()["token"]


CONFIG = Config.from_env({})


def _spec() -> dict:
    return build_spec(CONFIG)


# The spec the service serves with its defaults (checked below), loaded at
# import so that schemathesis makes one test per operation.
# An invalid request may also be refused for its size (413, documented).
CHECKS = schemathesis.config.SchemathesisConfig.from_str("""
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 413, 415, 422, 429]
""")
schema = schemathesis.openapi.from_dict(_spec(), config=CHECKS)


@schema.hook
def filter_case(context, case) -> bool:
    """Valid cases only where the rules JSON Schema cannot state hold too (the
    spec names them in its descriptions and documents their 422): a domain
    must be a host name under IDNA, block ids distinct, text free of NUL and
    lone surrogates, the text within the limits in UTF-16 code units, each
    link range inside its block's text. Invalid cases are all sent."""
    meta = case.meta
    if meta is None or meta.generation.mode != "positive":
        return True
    domain = (case.path_parameters or {}).get("domain")
    if isinstance(domain, str) and domain != "_defaults":
        try:
            normalize_host(domain)
        except InvalidHost:
            return False
    body = case.body
    if case.operation.path == "/v1/analyze" and isinstance(body, dict):
        blocks = body.get("blocks") or []
        ids = [b.get("id") for b in blocks]
        texts = [b.get("id", "") + b.get("text", "") for b in blocks] + [body.get("url") or ""]
        if len(set(ids)) != len(ids):
            return False
        if any("\x00" in t or not _well_formed(t) for t in texts):
            return False
        if sum(utf16_length(b.get("text", "")) for b in blocks) > CONFIG.MAX_TOTAL_CHARS or \
                any(utf16_length(b.get("text", "")) > CONFIG.MAX_BLOCK_CHARS for b in blocks):
            return False
        if any(not 0 <= start < end <= utf16_length(b.get("text", ""))
               for b in blocks for start, end in b.get("links") or []):
            return False
    return True


def _well_formed(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:   # a lone surrogate
        return False
    return True


def test_the_fuzzed_spec_is_the_served_one(service):
    served = requests.get(f"{service}/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.json() == json.loads(json.dumps(_spec()))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_spec(case, token, service):
    headers = {"Authorization": f"Bearer {token}"} if case.operation.path.startswith("/v1/") else {}
    case.call_and_validate(base_url=service, headers=headers, timeout=CALL_TIMEOUT)
