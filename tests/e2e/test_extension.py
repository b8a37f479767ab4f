"""End to end: the unpacked extension in headless Chromium against the real service.

Each test gets a fresh browser profile with the extension configured (through
its storage) to use the service started for this session. Pages are the
fixtures in ``pages/``. The content script reports what it did in the
``data-claimflag*`` attributes on <html> (DESIGN.md, "Extension test hooks");
highlights are read back from ``CSS.highlights`` in the page and the tooltip
from its open shadow root, as a person would see them.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .conftest import hooks, point_on, wait_status

pytestmark = pytest.mark.browser

CLAIM = "The city council said on Tuesday that 1,240 homes lost power after the storm."
AFFILIATE = "This post contains affiliate links, and we earn a commission if you buy through them."
HOSTILE = "<img src=x onerror=alert(1)>"

HIGHLIGHTED = """name => {
    const h = CSS.highlights.get(name);
    return h ? [...h].map(r => r.toString()) : [];
}"""

TOOLTIP = """() => {
    const host = document.querySelector('claimflag-tooltip');
    if (!host || !host.shadowRoot || getComputedStyle(host).display === 'none') return null;
    const q = s => host.shadowRoot.querySelector(s)?.textContent ?? '';
    const r = host.getBoundingClientRect();
    return {label: q('.label'), type: q('.type'), note: q('.note'),
            html: host.shadowRoot.innerHTML, mode: host.shadowRoot.mode,
            inView: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.width > 0};
}"""


def content_script_listeners(browser, page) -> list[str]:
    """The event listeners the content script has on the page's document and
    window now, as "target type script" (read with the DevTools protocol in the
    extension's own JavaScript world, which the page cannot see)."""
    cdp = browser.ctx.new_cdp_session(page)
    worlds, scripts = [], {}
    cdp.on("Runtime.executionContextCreated", lambda e: worlds.append(e["context"]))
    cdp.on("Debugger.scriptParsed", lambda e: scripts.__setitem__(e["scriptId"], e["url"]))
    cdp.send("Runtime.enable")
    cdp.send("Debugger.enable")
    try:
        (world,) = [w for w in worlds if w["name"] == "ClaimFlag" and w["auxData"].get("type") == "isolated"]
        out = []
        for target in ("document", "window"):
            obj = cdp.send("Runtime.evaluate", {"expression": target, "contextId": world["id"]})["result"]["objectId"]
            for listener in cdp.send("DOMDebugger.getEventListeners", {"objectId": obj})["listeners"]:
                out.append(f"{target} {listener['type']} {scripts.get(listener['scriptId'], '?').rsplit('/', 1)[-1]}")
        return sorted(out)
    finally:
        cdp.detach()


def wait_tooltip(page, timeout=5_000):
    page.wait_for_function(f"({TOOLTIP})() !== null", timeout=timeout)
    return page.evaluate(TOOLTIP)


def extension_errors(browser) -> list[str]:
    return [e for e in browser.errors if "favicon" not in e]


def test_article_claim_after_emoji_is_highlighted_and_hover_shows_tooltip(browser, pages_url):
    page = browser.open(f"{pages_url}/article.html")
    h = hooks(page)
    assert h["status"] == "ready"
    assert h["claims"] > 0
    claims = page.evaluate(HIGHLIGHTED, "claimflag-claim")
    assert len(claims) == h["claims"]
    # The emoji (one with a skin tone) before the claim shift UTF-16 offsets: the
    # highlight covers exactly the sentence, no more, no less.
    assert CLAIM in claims
    # No change to the page's nodes: the paragraph is still one Text node.
    assert page.evaluate("document.getElementById('claim').childNodes.length") == 1

    layout = "JSON.stringify([...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().toJSON()))"
    point = point_on(page, "claim", CLAIM)
    before = page.evaluate(layout)
    page.mouse.move(*point)
    tip = wait_tooltip(page)
    # No layout shift from the highlights or the tooltip (fixed, outside <body>).
    assert page.evaluate(layout) == before
    # The body is exactly what the server sent, node for node.
    assert page.evaluate("""async () => {
        const fresh = new DOMParser().parseFromString(await (await fetch(location.href)).text(), 'text/html');
        return fresh.body.innerHTML === document.body.innerHTML;
    }""")
    assert tip["mode"] == "open"
    assert tip["label"]
    assert "1,240" in tip["note"]
    assert "claim" in tip["type"].lower()
    assert tip["inView"]
    browser.shot(page, "hover-tooltip")

    # Moving away dismisses it; Escape dismisses it too.
    page.mouse.move(5, 5)
    page.wait_for_function(f"({TOOLTIP})() === null", timeout=3_000)
    page.mouse.move(*point_on(page, "claim", CLAIM))
    wait_tooltip(page)
    page.keyboard.press("Escape")
    page.wait_for_function(f"({TOOLTIP})() === null", timeout=3_000)
    assert extension_errors(browser) == []


def test_sponsored_post_shows_disclosures_badge_and_page_notes(browser, pages_url):
    page = browser.open(f"{pages_url}/sponsored.html")
    h = hooks(page)
    assert h["disclosures"] > 0
    assert AFFILIATE in page.evaluate(HIGHLIGHTED, "claimflag-disclosure")
    browser.shot(page, "dark-page")

    page.mouse.move(*point_on(page, "disclosure", AFFILIATE))
    tip = wait_tooltip(page)
    assert "disclosure" in tip["type"].lower()
    assert tip["note"]

    tab = browser.tab_id(page)
    badge = browser.sw.evaluate("t => chrome.action.getBadgeText({tabId: t})", tab)
    assert badge == str(h["claims"] + h["disclosures"])

    popup = browser.popup(tab)
    # (Extension pages forbid eval, so the popup is checked with locators, not wait_for_function.)
    expect(popup.locator("#count-disclosure")).to_have_text(str(h["disclosures"]), timeout=5_000)
    assert popup.text_content("#host") == "127.0.0.1"
    assert int(popup.text_content("#count-notes")) >= 1
    assert popup.locator("#notes li").count() >= 1
    browser.shot(popup, "popup")
    assert extension_errors(browser) == []


def test_next_flag_command_scrolls_and_shows_tooltip(browser, pages_url):
    page = browser.open(f"{pages_url}/article.html")
    n = hooks(page)["claims"] + hooks(page)["disclosures"]
    assert n >= 2
    page.bring_to_front()
    # chrome.commands cannot be pressed headless: run what the shortcut runs
    # (runCommand sends {what: "flag.next"} to the active tab).
    reply = browser.run_command("next-flag")
    assert reply["ok"], reply
    first = wait_tooltip(page)
    assert first["label"] and first["note"] and first["inView"]
    assert page.evaluate("[...CSS.highlights.get('claimflag-focus')].length") == 1
    reply = browser.run_command("next-flag")
    assert reply["value"]["index"] == 1
    second = wait_tooltip(page)
    assert second["note"] != first["note"] or n == 1
    reply = browser.run_command("previous-flag")
    assert reply["value"]["index"] == 0
    browser.shot(page, "next-flag")

    # Toggle all highlights off for a clean reading view, and back on.
    reply = browser.run_command("toggle-highlights")
    assert reply["value"] is False
    assert page.evaluate("CSS.highlights.has('claimflag-claim')") is False
    assert page.evaluate(f"({TOOLTIP})()") is None
    browser.shot(page, "highlights-off")
    browser.run_command("toggle-highlights")
    assert page.evaluate("CSS.highlights.has('claimflag-claim')") is True
    assert extension_errors(browser) == []


def test_popup_switch_turns_site_off_and_on(browser, pages_url):
    page = browser.open(f"{pages_url}/article.html")
    assert hooks(page)["claims"] > 0
    tab = browser.tab_id(page)
    popup = browser.popup(tab)
    switch = popup.locator("#site-enabled")
    expect(popup.locator("#host")).to_have_text("127.0.0.1", timeout=5_000)
    assert switch.is_checked()
    on = ["document keydown pointer.js", "document mousemove pointer.js",
          "window resize pointer.js", "window scroll pointer.js"]
    assert content_script_listeners(browser, page) == on
    switch.click()

    wait_status(page, "disabled", timeout=5_000)
    h = hooks(page)
    assert (h["claims"], h["disclosures"]) == (0, 0)
    assert page.evaluate("CSS.highlights.size") == 0
    # Torn down: not one listener of the content script is left on the page.
    assert content_script_listeners(browser, page) == []
    assert browser.settings()["sites"]["127.0.0.1"]["enabled"] is False
    expect(popup.locator("#status")).to_have_attribute("data-status", "disabled", timeout=5_000)
    browser.shot(page, "site-off")
    browser.shot(popup, "popup-site-off")

    # A new page on the switched-off site sends nothing and stays disabled.
    other = browser.open(f"{pages_url}/sponsored.html", wait_for="disabled")
    time.sleep(1)
    assert hooks(other)["status"] == "disabled"

    switch.click()
    wait_status(page, "ready")
    assert hooks(page)["claims"] > 0
    assert content_script_listeners(browser, page) == on  # each once: nothing left over from before
    assert extension_errors(browser) == []


def service_settings(service_url: str, token: str, path: str = "") -> dict:
    import json
    import urllib.request

    req = urllib.request.Request(f"{service_url}/v1/settings{path}", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.load(r)


def test_popup_kind_toggle_and_sensitivity_filter_client_side(browser, pages_url, service_url):
    page = browser.open(f"{pages_url}/sponsored.html")
    before = hooks(page)
    assert before["disclosures"] > 0
    popup = browser.popup(browser.tab_id(page))
    expect(popup.locator("#host")).to_have_text("127.0.0.1", timeout=5_000)
    # The slider starts at the service's own threshold for this site, which is the model's.
    token = browser.settings()["token"]
    threshold = service_settings(service_url, token, "/127.0.0.1")["effective"]["min_score"]
    assert threshold == service_settings(service_url, token)["limits"]["min_score_default"]
    slider = popup.locator("#sensitivity")
    expect(slider).to_have_value(str(round((1 - threshold) * 100)), timeout=5_000)
    expect(slider).to_be_enabled()
    expect(popup.locator("#sensitivity-out")).to_contain_text(f"default: claims scoring {threshold:.2f}")
    popup.locator("#kind-disclosure").uncheck()
    page.wait_for_function("document.documentElement.dataset.claimflagDisclosures === '0'", timeout=5_000)
    assert page.evaluate(HIGHLIGHTED, "claimflag-disclosure") == []
    popup.locator("#kind-disclosure").check()
    page.wait_for_function(f"document.documentElement.dataset.claimflagDisclosures === '{before['disclosures']}'",
                           timeout=10_000)
    # Lowest sensitivity: only flags scoring 1.0 remain.
    popup.locator("#sensitivity").fill("0")
    page.wait_for_function("""() => {
        const d = document.documentElement.dataset;
        return d.claimflag === 'ready' && Number(d.claimflagClaims) + Number(d.claimflagDisclosures) < %d;
    }""" % (before["claims"] + before["disclosures"]), timeout=5_000)
    assert browser.settings()["sites"]["127.0.0.1"]["min_score"] == 1.0


def test_dynamic_page_new_content_is_analyzed(browser, pages_url, service_url):
    page = browser.open(f"{pages_url}/dynamic.html")
    # The page adds a story 1.5 s after load (infinite-scroll style).
    page.wait_for_function("document.querySelectorAll('#feed article').length === 2", timeout=5_000)
    page.wait_for_function("""() => [...(CSS.highlights.get('claimflag-claim') ?? [])]
        .some(r => r.toString().includes('25 roads'))""", timeout=5_000)

    # A story added now is analyzed within about a second (plus the service's time).
    n = hooks(page)["claims"]
    started = time.monotonic()
    page.evaluate("addStory()")
    page.wait_for_function(f"Number(document.documentElement.dataset.claimflagClaims) > {n}", timeout=5_000)
    elapsed = time.monotonic() - started
    assert elapsed < 3, elapsed

    # An expanded "read more" (hidden → visible) is picked up too.
    n = hooks(page)["claims"]
    page.click("#read-more")
    page.wait_for_function(f"Number(document.documentElement.dataset.claimflagClaims) > {n}", timeout=5_000)
    claims = page.evaluate(HIGHLIGHTED, "claimflag-claim")
    assert any("85 percent" in c for c in claims)
    # Only new blocks were sent: each sentence is highlighted once.
    assert len(claims) == len(set(claims))
    browser.shot(page, "dynamic")
    assert extension_errors(browser) == []


def test_markup_like_text_stays_text_and_runs_nothing(browser, pages_url):
    page = browser.open(f"{pages_url}/markup.html")
    assert hooks(page)["claims"] > 0
    claims = page.evaluate(HIGHLIGHTED, "claimflag-claim")
    assert any(HOSTILE in c for c in claims)
    page.mouse.move(*point_on(page, "hostile", "The moderators said"))
    tip = wait_tooltip(page)
    assert "<img" not in tip["html"] and "<script" not in tip["html"]
    assert page.evaluate("document.images.length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert HOSTILE in page.text_content("#hostile")
    time.sleep(0.5)
    assert browser.dialogs == []
    browser.shot(page, "markup")
    assert extension_errors(browser) == []


def test_click_to_analyze_mode_sends_nothing_until_asked(browser, pages_url, service_url):
    browser.configure(service_url, clickToAnalyze=True)
    page = browser.open(f"{pages_url}/article.html", wait_for="disabled")
    page.wait_for_timeout(800)
    h = hooks(page)
    assert (h["status"], h["reason"], h["claims"]) == ("disabled", "click-to-analyze", 0)
    popup = browser.popup(browser.tab_id(page))
    expect(popup.locator("#analyze")).to_be_visible(timeout=5_000)
    popup.click("#analyze")
    wait_status(page, "ready")
    assert hooks(page)["claims"] > 0
    assert extension_errors(browser) == []


def test_options_page_lists_sites_and_sets_defaults_for_new_sites(browser, pages_url, service_url):
    options = browser.options()
    expect(options.locator("#service-url")).to_have_value(service_url, timeout=5_000)
    assert "mail.google.com" in options.input_value("#sensitive").splitlines()

    options.fill("#add-host", "https://News.Example.com/some/page")
    options.click("#add-site button")
    row = options.locator('#sites tr[data-host="news.example.com"]')
    expect(row).to_be_visible(timeout=5_000)
    assert "news.example.com" in browser.settings()["sites"]

    # Defaults for new sites: off. A page on a site without a rule is then left alone.
    options.uncheck("#default-enabled")
    page = browser.open(f"{pages_url}/sponsored.html", wait_for="disabled")
    assert hooks(page)["reason"] == "off:default"
    browser.shot(options, "options")

    row.locator("button", has_text="Remove").click()
    expect(row).to_have_count(0, timeout=5_000)
    assert "news.example.com" not in browser.settings()["sites"]
    assert extension_errors(browser) == []


def test_service_down_is_an_error_state_not_a_broken_page(browser, pages_url, service_url):
    # A port nothing listens on.
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    browser.configure(dead)
    page = browser.open(f"{pages_url}/article.html", wait_for="error")
    h = hooks(page)
    assert (h["error"], h["claims"]) == ("unreachable", 0)
    tab = browser.tab_id(page)
    popup = browser.popup(tab)
    expect(popup.locator("#error")).to_contain_text("claimflag serve", timeout=5_000)
    expect(popup.locator("#analyze")).to_be_visible()
    # The service's threshold is unknown: the slider says so and has no position, none made up.
    expect(popup.locator("#sensitivity-out")).to_contain_text("did not say", timeout=5_000)
    expect(popup.locator("#sensitivity")).to_be_disabled()
    expect(popup.locator("#sensitivity")).to_have_attribute("data-unknown", "")
    browser.shot(popup, "popup-service-down")
    page.wait_for_timeout(300)  # the badge is set just after the state report
    assert browser.sw.evaluate("t => chrome.action.getBadgeText({tabId: t})", tab) == "!"
    # The extension logs nothing at error level for an unreachable service.
    assert extension_errors(browser) == []

    # A service that answers after all: the page is analyzed, and the open popup's slider learns the threshold.
    browser.configure(service_url)
    wait_status(page, "ready")
    expect(popup.locator("#sensitivity")).to_be_enabled(timeout=5_000)
    expect(popup.locator("#sensitivity-out")).to_contain_text("default: claims scoring")


def test_install_token_is_fetched_when_the_service_offers_one(browser, pages_url, service_url):
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(f"{service_url}/v1/installs", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            offered = r.status == 201 and bool(json.load(r).get("token"))
    except urllib.error.HTTPError:
        offered = False
    page = browser.open(f"{pages_url}/article.html")
    assert hooks(page)["claims"] > 0  # analysis works with or without a token
    if not offered:
        assert browser.settings().get("token", "") == ""
        pytest.skip("this service has no POST /v1/installs yet: the extension carried on without a token")
    deadline = time.monotonic() + 5
    while not browser.settings().get("token") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browser.settings()["token"]


def test_dismiss_on_this_site_from_the_tooltip_and_by_command(browser, pages_url, service_url):
    import json
    import urllib.request

    page = browser.open(f"{pages_url}/article.html")
    before = hooks(page)
    assert CLAIM in page.evaluate(HIGHLIGHTED, "claimflag-claim")
    # The tooltip stays open while the pointer moves onto it, and its button dismisses the flag.
    page.mouse.move(*point_on(page, "claim", CLAIM))
    wait_tooltip(page)
    button = page.locator("claimflag-tooltip .dismiss")  # (Playwright's locators pierce open shadow roots)
    expect(button).to_be_visible()
    assert button.text_content() == "Dismiss on this site"
    button.hover()
    page.wait_for_timeout(300)  # longer than the hide delay
    assert page.evaluate(f"({TOOLTIP})()") is not None
    browser.shot(page, "dismiss-button")
    button.click()
    page.wait_for_function(f"Number(document.documentElement.dataset.claimflagClaims) === {before['claims'] - 1}",
                           timeout=5_000)
    assert CLAIM not in page.evaluate(HIGHLIGHTED, "claimflag-claim")
    assert page.evaluate(f"({TOOLTIP})()") is None

    # The service keeps it for this install and site: a new page load leaves it out.
    token = browser.settings()["token"]
    req = urllib.request.Request(f"{service_url}/v1/settings/127.0.0.1",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=5) as r:
        assert len(json.load(r)["dismissed"]) == 1
    again = browser.open(f"{pages_url}/article.html")
    assert hooks(again)["claims"] == before["claims"] - 1
    assert CLAIM not in again.evaluate(HIGHLIGHTED, "claimflag-claim")

    # The keyboard path: step to a flag, then the dismiss-flag command.
    again.bring_to_front()
    assert browser.run_command("next-flag")["ok"]
    wait_tooltip(again)
    reply = browser.run_command("dismiss-flag")
    assert reply["ok"] and reply["value"]["dismissed"] >= 1, reply
    again.wait_for_function(
        f"Number(document.documentElement.dataset.claimflagClaims) + Number(document.documentElement.dataset"
        f".claimflagDisclosures) < {before['claims'] + before['disclosures'] - 1}", timeout=5_000)
    assert extension_errors(browser) == []
