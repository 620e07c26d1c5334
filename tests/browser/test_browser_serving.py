"""Production serving in a real browser: bad URLs, no request off the machine, presenter layout, shutdown."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import time
from urllib.parse import urlparse

import pytest

from .browser_harness import DASHBOARD_APP, REPO_ROOT, require_prerequisites, save_screenshot, start_solara

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGE_LOAD_TIMEOUT_MS = 60_000
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.mark.parametrize("path", ["studies/anything", "presets/x", "compare/x", "studies/a/b", "compare/%3Cscript%3E"])
def test_bad_urls_show_the_friendly_not_found_page(watched_page, dashboard_server, path):
    page = watched_page
    page.goto(dashboard_server.url + path)
    page.get_by_text("Page not found").first.wait_for(timeout=PAGE_LOAD_TIMEOUT_MS)
    page.get_by_text(re.compile("There is no page at")).wait_for()
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "/work/" not in body and ".py" not in body
    page.get_by_role("button", name="Live alliance").last.click()  # and the way back works
    page.get_by_text(re.compile(r"Month \d+\s+·")).first.wait_for(timeout=PAGE_LOAD_TIMEOUT_MS)


@pytest.mark.parametrize("path", ["nope", "no-such-page/deeper", "presets%00", "%3Cscript%3Ealert(1)%3C/script%3E"])
def test_an_unknown_page_gets_the_friendly_not_found_page_with_status_404(watched_page, dashboard_server, path):
    page = watched_page
    response = page.goto(dashboard_server.url + path)
    assert response.status == 404
    page.get_by_text("Page not found").first.wait_for()
    body = page.locator("body").inner_text()
    assert "There is no page at /" in body
    assert "Traceback" not in body and "/work/" not in body and ".py" not in body
    for label in ("Live alliance", "Teaching presets", "Compare", "Study explorer"):  # every page is linked
        assert page.get_by_role("link", name=label).count() == 1
    page.get_by_role("link", name="Teaching presets").click()  # and the way back works
    page.get_by_text("Read aloud").first.wait_for(timeout=PAGE_LOAD_TIMEOUT_MS)
    assert urlparse(page.url).path == "/presets"


@pytest.mark.parametrize("raw_path", ["/../etc/passwd", "/presets%00", "/%ff%fe", "/_solara/nothing", "/.."])
def test_malformed_paths_as_sent_by_any_client_get_404_and_no_server_detail(dashboard_server, raw_path):
    """Sent byte for byte (a browser would normalise ``..``); the answer is the not-found page, never a trace."""
    host, port = urlparse(dashboard_server.url).hostname, urlparse(dashboard_server.url).port
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", raw_path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()
    assert response.status == 404
    assert "Page not found" in body and 'href="/presets"' in body
    assert "Traceback" not in body and str(REPO_ROOT) not in body and "\x00" not in body


def test_no_request_leaves_the_machine(watched_page, dashboard_server):
    page = watched_page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path, ready in (("", "Month 0"), ("presets", "Read aloud"), ("compare", "Compare two scenarios"),
                        ("studies", "Study explorer")):
        page.goto(dashboard_server.url + path)
        page.get_by_text(ready).first.wait_for(timeout=PAGE_LOAD_TIMEOUT_MS)
        page.wait_for_timeout(1500)  # late requests (fonts, telemetry, checks) would come now
    hosts = {urlparse(url).hostname for url in requests if urlparse(url).scheme in ("http", "https", "ws", "wss")}
    assert requests and hosts <= LOCAL_HOSTS, f"requests to other hosts: {sorted(hosts - LOCAL_HOSTS)}"
    assert "production" in dashboard_server.log_text() or "--production" in " ".join(dashboard_server.process.args)


@pytest.mark.parametrize("width, height", [(1024, 768), (1366, 768)])
def test_presenter_layout_on_projector_sizes(browser, dashboard_server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(dashboard_server.url)
        page.get_by_text("Month 0").first.wait_for(timeout=PAGE_LOAD_TIMEOUT_MS)
        page.locator("img.focus-chart").wait_for(timeout=30_000)
        page.get_by_role("button", name="Play").click()
        page.wait_for_timeout(2500)
        page.get_by_role("button", name="Pause").click()
        page.wait_for_timeout(1000)
        drawer = page.locator(".v-navigation-drawer").first
        drawer_box = drawer.bounding_box()
        assert drawer_box is None or drawer_box["x"] + drawer_box["width"] <= 1  # the sidebar is closed
        drawing = page.locator("img.alliance-drawing").bounding_box()
        chart = page.locator("img.focus-chart").bounding_box()
        assert drawing["width"] >= 0.5 * width  # the drawing takes the room's attention
        assert drawing["y"] + 0.8 * drawing["height"] <= height  # most of it above the fold
        narration = page.locator(".narration").bounding_box()
        assert narration["y"] < height - 120  # the narration beside the drawing, above the fold (issue 18)
        assert chart["y"] >= drawing["y"] + drawing["height"] - 1  # the large chart follows the drawing
        assert page.locator("img.alliance-charts").count() == 0  # the full chart grid is left out
        page.wait_for_timeout(600)
        page.screenshot(path=str(save_screenshot(page, f"presenter-{width}x{height}")), full_page=False)
        assert not errors, errors
    finally:
        context.close()


def test_full_layout_on_a_large_screen(watched_page, dashboard_server):
    page = watched_page  # 1400 x 1000 (conftest)
    page.goto(dashboard_server.url)
    page.locator("img.alliance-charts").wait_for(timeout=PAGE_LOAD_TIMEOUT_MS)
    assert page.locator(".v-navigation-drawer").first.bounding_box()["width"] > 200  # sidebar open
    save_screenshot(page, "full-layout-1400x1000")


def test_server_shuts_down_cleanly_on_ctrl_c():
    require_prerequisites()
    server = start_solara(DASHBOARD_APP, "dashboard-shutdown")
    server.process.send_signal(signal.SIGINT)
    try:
        code = server.process.wait(timeout=20)  # a hang, not a speed: development mode took ~13 s
    except subprocess.TimeoutExpired:
        server.process.kill()
        pytest.fail("the server did not stop within 20 s of Ctrl-C")
    time.sleep(0.2)
    log = server.log_text()
    assert code in (0, 1, 130, -signal.SIGINT), log  # click reports Ctrl-C as "Aborted." with code 1
    assert "Application shutdown complete" in log and "Traceback" not in log, log
