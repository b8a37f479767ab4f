"""The same extension files in headless Firefox ESR (a smoke test).

Playwright's Firefox needs its own patched build, so this drives Debian's
firefox-esr over WebDriver BiDi with puppeteer-core (extension/scripts/firefox-smoke.mjs).
Skipped where firefox-esr or the extension's npm packages are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import EXTENSION

pytestmark = pytest.mark.browser

FIREFOX = os.environ.get("CLAIMFLAG_FIREFOX", "/usr/bin/firefox-esr")
SMOKE = EXTENSION / "scripts" / "firefox-smoke.mjs"


@pytest.fixture(scope="module")
def firefox_ready():
    if not Path(FIREFOX).exists():
        pytest.skip(f"no Firefox at {FIREFOX} (apt-get install -y firefox-esr)")
    if not (EXTENSION / "node_modules" / "puppeteer-core").is_dir():
        pytest.skip("extension/node_modules missing (cd extension && npm ci)")
    if not shutil.which("node"):
        pytest.skip("node not installed")


def test_firefox_loads_the_extension_and_highlights_a_page(firefox_ready, service_url, pages_url, artifacts):
    shot = artifacts / "firefox-sponsored.png"
    run = subprocess.run(
        ["node", str(SMOKE), "--service", service_url, "--page", f"{pages_url}/sponsored.html",
         "--firefox", FIREFOX, "--screenshot", str(shot)],
        capture_output=True, text=True, timeout=180, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert "Firefox" in result["userAgent"]
    assert result["status"] == "ready", result
    assert result["disclosures"] > 0
    assert ("This post contains affiliate links, and we earn a commission if you buy through them."
            in result["highlights"]["disclosure"])
    assert result["errors"] == []
