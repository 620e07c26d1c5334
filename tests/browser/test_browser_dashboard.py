"""The dashboard in a real browser (Debian Chromium through Playwright) against `solara run`.

All tests share one server (session fixture) and run on one xdist worker (group "browser").
"""

from __future__ import annotations

import io
import re
import shutil
import uuid

import pandas as pd
import pytest
from matplotlib.figure import Figure

from .browser_harness import REPO_ROOT, cdn_misses, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGE_LOAD_TIMEOUT_MS = 60_000
STATUS = re.compile(r"Month (\d+) · (\d+) stakeholders")


def open_page(page, server, path: str, ready_text: str):
    page.goto(server.url + path)
    page.get_by_text(ready_text).first.wait_for(timeout=PAGE_LOAD_TIMEOUT_MS)


def read_status(page) -> tuple[int, int]:
    """(month, stakeholders) from the live page's status line."""
    text = page.locator(".alliance-status").inner_text()
    found = STATUS.search(text.replace("  ", " "))
    assert found, text
    return int(found.group(1)), int(found.group(2))


def wait_for_month(page, condition, timeout_ms: int = 20_000) -> int:
    page.wait_for_function(
        """([selector, pattern]) => {
            const el = document.querySelector(selector);
            return el && new RegExp(pattern).test(el.innerText);
        }""",
        arg=[".alliance-status", condition],
        timeout=timeout_ms,
    )
    return read_status(page)[0]


def test_live_page_steps_plays_and_pauses(watched_page, dashboard_server):
    page = watched_page
    open_page(page, dashboard_server, "", "Month 0")
    page.get_by_role("button", name="Step").click()
    wait_for_month(page, r"^Month 1 ")
    page.get_by_role("button", name="Play").click()
    wait_for_month(page, r"^Month ([4-9]|\d\d+) ")
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('.play-button').disabled", timeout=10_000)
    paused_at = read_status(page)[0]
    page.wait_for_timeout(1500)
    assert read_status(page)[0] == paused_at
    assert page.locator(".event-line").count() >= 1
    save_screenshot(page, "live-after-play")


def test_slider_change_takes_effect_on_reset(watched_page, dashboard_server):
    page = watched_page
    open_page(page, dashboard_server, "", "Month 0")
    _, stakeholders_before = read_status(page)
    page.get_by_role("button", name=re.compile(r"^Levels and platforms")).click()
    slider = page.get_by_role("slider", name="n_districts (districts)")
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")
    page.get_by_text(re.compile(r"1 parameter\(s\) changed from defaults: n_districts")).wait_for(timeout=10_000)
    assert read_status(page)[1] == stakeholders_before  # not before Reset
    page.get_by_role("button", name="Reset").click()
    page.wait_for_function(
        "(before) => { const m = /· (\\d+) stakeholders/.exec(document.querySelector('.alliance-status').innerText);"
        " return m && Number(m[1]) !== before; }",
        arg=stakeholders_before, timeout=15_000)
    month, stakeholders_after = read_status(page)
    assert month == 0 and stakeholders_after > stakeholders_before  # 2 more districts, 8 more organisations
    save_screenshot(page, "live-after-reset")


def test_teaching_preset_is_read_and_loaded(watched_page, dashboard_server):
    page = watched_page
    open_page(page, dashboard_server, "presets", "Read aloud")
    page.locator(".v-select").first.click()
    page.get_by_role("option", name="Project leaves early").click()
    description = page.locator(".preset-description")
    description.get_by_text(re.compile("leaves after a year and a half")).wait_for(timeout=10_000)
    save_screenshot(page, "presets")
    page.get_by_role("button", name="Load into Live alliance").click()
    page.get_by_text("Preset: Project leaves early").wait_for(timeout=20_000)
    assert read_status(page)[0] == 0
    save_screenshot(page, "live-with-preset")


def test_comparison_runs_in_the_background_and_can_be_cancelled(watched_page, dashboard_server):
    page = watched_page
    open_page(page, dashboard_server, "compare", "Compare two scenarios")
    for name in ("Replicates", "Months"):
        slider = page.get_by_role("slider", name=name)
        slider.focus()
        slider.press("End")  # the largest comparison: 50 replicates of 240 months
    page.get_by_role("button", name="Run comparison").click()
    page.get_by_text(re.compile(r"Running replicates… [1-9]\d* %")).wait_for(timeout=30_000)  # progress moves
    page.get_by_role("button", name="Cancel").click()  # the page still answers while the runs go on
    page.get_by_text("Comparison cancelled.").wait_for(timeout=15_000)


def test_small_comparison_shows_median_and_band(watched_page, dashboard_server):
    page = watched_page
    open_page(page, dashboard_server, "compare", "Compare two scenarios")
    for name in ("Replicates", "Months"):
        slider = page.get_by_role("slider", name=name)
        slider.focus()
        slider.press("Home")  # the smallest comparison: 2 replicates, 12 months
    page.get_by_role("slider", name="Replicates").press("ArrowRight")  # 3 replicates
    page.get_by_role("button", name="Run comparison").click()
    page.get_by_text(re.compile(r"Median and 10–90 % band over 3 replicates, 12 months")).wait_for(timeout=60_000)
    page.locator("img.comparison-chart").wait_for(timeout=15_000)
    page.get_by_text("uptake_final").first.wait_for(timeout=10_000)
    save_screenshot(page, "compare")


def sobol_png() -> bytes:
    figure = Figure(figsize=(4, 2.5))
    ax = figure.add_subplot()
    ax.barh(["mediation", "guidance"], [0.6, 0.2])
    ax.set_title("Sobol ST, uptake (browser test)")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


@pytest.fixture
def study_folders():
    """A readable and a corrupted study folder under the real results/ (removed afterwards)."""
    tag = uuid.uuid4().hex[:8]
    good = REPO_ROOT / "results" / f"browser-test-good-{tag}"
    broken = REPO_ROOT / "results" / f"browser-test-broken-{tag}"
    for folder in (good, broken):
        (folder / "figures").mkdir(parents=True)
        (folder / "tables").mkdir()
        (folder / "figures" / "sobol_uptake.png").write_bytes(sobol_png())
        pd.DataFrame({"output": ["uptake", "uptake"], "factor": ["mediation", "guidance"], "ST": [0.6, 0.2]}) \
            .to_parquet(folder / "tables" / "sobol.parquet")
    (broken / "tables" / "sobol.parquet").write_bytes(b"PAR1 truncated")
    yield good.name, broken.name
    shutil.rmtree(good, ignore_errors=True)
    shutil.rmtree(broken, ignore_errors=True)


def test_study_explorer_shows_a_study_and_reports_a_corrupted_one(watched_page, dashboard_server, study_folders):
    good, broken = study_folders
    page = watched_page
    open_page(page, dashboard_server, "studies", "Study explorer")
    page.locator(".v-select").first.click()
    page.get_by_role("option", name=good).click()
    page.get_by_text("figures/sobol_uptake.png").first.wait_for(timeout=15_000)
    page.locator("img.study-figure").wait_for(timeout=15_000)
    page.get_by_role("tab", name="Tables").click()
    page.get_by_text("mediation").first.wait_for(timeout=10_000)
    save_screenshot(page, "study-explorer")
    page.locator(".v-select").first.click()
    page.get_by_role("option", name=broken).click()
    page.get_by_text(re.compile("looks corrupted")).wait_for(timeout=15_000)
    page.get_by_text(re.compile(r"tables/sobol\.parquet: cannot be read")).wait_for(timeout=5_000)
    save_screenshot(page, "study-explorer-corrupted")


def test_every_front_end_file_came_from_the_offline_cache(watched_page, dashboard_server):
    open_page(watched_page, dashboard_server, "", "Month 0")
    log = dashboard_server.log_text()
    assert "/_solara/cdn/" in log  # the access log is on, so a miss could be seen
    assert cdn_misses(log) == []
