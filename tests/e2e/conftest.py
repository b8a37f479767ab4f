"""Browser end-to-end fixtures: the real service, a static server for the
fixture pages, and headless Chromium (Debian's) with the unpacked extension.

Everything runs on 127.0.0.1 with free ports. Screenshots and the service log
go to ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from claimflag.tools.procs import free_port, running

from .perf import chromium_args, static_server

ROOT = Path(__file__).resolve().parents[2]
EXTENSION = ROOT / "extension"
PAGES = Path(__file__).resolve().parent / "pages"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CLAIMFLAG_CHROMIUM", "/usr/lib/chromium/chromium")
CLAIMFLAG = Path(sys.executable).with_name("claimflag")

# Generous: the service's first request loads the model.
READY_TIMEOUT_MS = 60_000


def pytest_collection_modifyitems(config, items):
    """Skip (with the reason) the browser tests on machines without Chromium."""
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def service_url(artifacts, tmp_path_factory) -> str:
    """`claimflag serve` on a free port; Redis from CLAIMFLAG_TEST_REDIS_URL or embedded.

    CLAIMFLAG_E2E_SERVICE_URL=http://127.0.0.1:8000 uses a service that is already running instead.
    """
    if os.environ.get("CLAIMFLAG_E2E_SERVICE_URL"):
        yield os.environ["CLAIMFLAG_E2E_SERVICE_URL"].rstrip("/")
        return
    if not CLAIMFLAG.exists():
        pytest.skip(f"{CLAIMFLAG} not installed (pip install -e .)")
    port = free_port()
    env = {
        # None (no test Redis): unset, so the service starts its embedded one.
        "CLAIMFLAG_REDIS_URL": os.environ.get("CLAIMFLAG_TEST_REDIS_URL") or None,
        "CLAIMFLAG_DATA_DIR": str(tmp_path_factory.mktemp("claimflag-data")),
        # Every test is a fresh browser profile, so a fresh install asking for a token:
        # more than the production limit on token issuance per address allows.
        "CLAIMFLAG_RATE_LIMIT_INSTALLS": "10000 per minute",
    }
    # Generous: the service loads its model before it answers.
    with running([str(CLAIMFLAG), "serve", "--host", "127.0.0.1", "--port", str(port)], port, env,
                 log_path=artifacts / "e2e-service.log", timeout=120) as base:
        yield base


@pytest.fixture(scope="session")
def pages_url() -> str:
    """The fixture pages on a static server (a thread of this process)."""
    with static_server(PAGES) as base:
        yield base


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


class Browser:
    """One fresh Chromium profile with the unpacked extension, configured for the test service."""

    def __init__(self, ctx, worker, artifacts: Path, name: str):
        # Console errors and uncaught exceptions anywhere in the profile: pages
        # (content scripts included), the popup and options pages.
        ctx.on("console", lambda m: self.errors.append(f"{m.page.url if m.page else '-'}: {m.text}")
               if m.type == "error" else None)
        ctx.on("weberror", lambda e: self.errors.append(f"uncaught: {e.error}"))
        self.ctx = ctx
        self.sw = worker
        self.ext_id = worker.url.split("/")[2]
        self.artifacts = artifacts
        self.name = name
        self.errors: list[str] = []
        self.dialogs: list[str] = []

    # -- extension state, through the service worker ---------------------------

    def configure(self, service_url: str, **extra) -> None:
        settings = {"serviceUrl": service_url, **extra}
        self.sw.evaluate("s => chrome.storage.local.set({settings: s})", settings)

    def settings(self) -> dict:
        return self.sw.evaluate("async () => (await chrome.storage.local.get('settings')).settings")

    def tab_id(self, page) -> int:
        """The extension's id for `page`'s tab (the worker may read 127.0.0.1 tab URLs)."""
        return self.sw.evaluate(
            "async url => (await chrome.tabs.query({})).find(t => t.url === url)?.id ?? null", page.url)

    def run_command(self, command: str, tab_id: int | None = None):
        """What the keyboard shortcut does (chrome.commands cannot be pressed headless)."""
        return self.sw.evaluate("([c, t]) => claimflag.runCommand(c, t ?? undefined)", [command, tab_id])

    # -- pages ---------------------------------------------------------------

    def open(self, url: str, wait_for: str | None = "ready"):
        page = self.ctx.new_page()
        self.watch(page)
        page.goto(url)
        if wait_for:
            wait_status(page, wait_for)
        return page

    def watch(self, page) -> None:
        def on_dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)

    def popup(self, tab_id: int):
        page = self.ctx.new_page()
        self.watch(page)
        page.goto(f"chrome-extension://{self.ext_id}/src/popup/popup.html?tab={tab_id}")
        return page

    def options(self):
        page = self.ctx.new_page()
        self.watch(page)
        page.goto(f"chrome-extension://{self.ext_id}/src/options/options.html")
        return page

    def shot(self, page, label: str) -> Path:
        path = self.artifacts / f"{self.name}-{label}.png"
        page.screenshot(path=str(path))
        return path


def wait_status(page, status: str, timeout: int = READY_TIMEOUT_MS) -> None:
    page.wait_for_function("s => document.documentElement.dataset.claimflag === s", arg=status, timeout=timeout)


def point_on(page, element_id: str, sentence: str) -> tuple[float, float]:
    """Viewport coordinates of the middle of the first line of `sentence` inside #element_id."""
    return tuple(page.evaluate("""([id, sentence]) => {
        const el = document.getElementById(id);
        el.scrollIntoView({block: 'center'});
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const i = n.data.indexOf(sentence.slice(0, 12));
            if (i < 0) continue;
            const r = document.createRange();
            r.setStart(n, i + 4); r.setEnd(n, i + 8);
            const box = r.getClientRects()[0];
            return [box.left + box.width / 2, box.top + box.height / 2];
        }
        throw new Error('sentence not found');
    }""", [element_id, sentence]))


def hooks(page) -> dict:
    return page.evaluate("""() => {
        const d = document.documentElement.dataset;
        return {status: d.claimflag, claims: Number(d.claimflagClaims), disclosures: Number(d.claimflagDisclosures),
                reason: d.claimflagReason ?? null, error: d.claimflagError ?? null};
    }""")


@pytest.fixture
def browser(request, playwright_instance, tmp_path, artifacts, service_url):
    profile = tmp_path / "profile"
    ctx = playwright_instance.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True,
        viewport={"width": 1000, "height": 760},
        args=chromium_args(EXTENSION))
    try:
        worker = ctx.service_workers[0] if ctx.service_workers else ctx.wait_for_event("serviceworker", timeout=15_000)
        b = Browser(ctx, worker, artifacts, request.node.name.removeprefix("test_"))
        b.configure(service_url)
        yield b
    finally:
        ctx.close()
        shutil.rmtree(profile, ignore_errors=True)
