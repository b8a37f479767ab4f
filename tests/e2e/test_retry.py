"""Answers that say when to try again are retried, and the page gets there.

The service here has an analysis time limit of zero: each request analyzes
one slice of the page, caches it, and answers 503 ``analysis_timeout`` with
``Retry-After``, until every slice is cached and the page answers 200.
"""

from __future__ import annotations

import os

import pytest

from claimflag.tools.procs import free_port, running

from .conftest import CLAIMFLAG, hooks

pytestmark = pytest.mark.browser


@pytest.fixture
def slow_service(artifacts, tmp_path):
    port = free_port()
    env = {"CLAIMFLAG_REDIS_URL": os.environ.get("CLAIMFLAG_TEST_REDIS_URL") or None,
           "CLAIMFLAG_DATA_DIR": str(tmp_path / "data"),
           # A fresh keyspace, so nothing on the page is cached already.
           "CLAIMFLAG_CACHE_SECRET": os.urandom(8).hex(),
           "CLAIMFLAG_RATE_LIMIT_INSTALLS": "10000 per minute",
           "CLAIMFLAG_ANALYSIS_TIMEOUT": "0",
           "CLAIMFLAG_ANALYSIS_SLICE_CHARS": "170"}
    log = artifacts / "e2e-retry-service.log"
    with running([str(CLAIMFLAG), "serve", "--host", "127.0.0.1", "--port", str(port)], port, env,
                 log_path=log, timeout=120) as base:
        yield base, log


def test_analysis_timeout_answers_are_retried_until_the_page_is_ready(browser, pages_url, slow_service):
    base, log = slow_service
    browser.configure(base)
    page = browser.open(f"{pages_url}/sponsored.html", wait_for="ready")
    assert hooks(page)["disclosures"] > 0
    logged = log.read_text(errors="replace")
    assert logged.count("POST /v1/analyze 503") >= 2      # it really was cut short, more than once
    assert "POST /v1/analyze 200" in logged
    browser.shot(page, "ready-after-retries")
