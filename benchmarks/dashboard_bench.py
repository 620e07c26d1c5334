"""Dashboard benchmark (part of `make bench`): how fast Play runs and how quickly Step is answered.

1. **Play at the default size, no browser**: the live page's stepper and painter (dashboard.stepper,
   dashboard.pictures) play at the top speed (12 months per second) for a few seconds, in the presenter and
   the full layout. Reported: months per second reached (goal >= 5) and pictures painted per second, each as a
   ratio against the reference measured in the same run: the bare model stepping alone (months per second).
2. **Step round trip in Chromium** (full layout, 1600x1000): `solara run --production` and Chromium (as the tests);
   the time from a click on Step until the page shows the next month, against the round trip of a click that
   only unfolds a parameter group (a Solara round trip with no model work), measured alternately in the
   same page.
Wall-clock times (the user waits for them); medians over repeats.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import model
from dashboard import pictures, stepper

REPO = Path(__file__).resolve().parents[1]
PLAY_SECONDS = 6.0
ROUND_TRIPS = 15


def bare_model_months_per_second(seconds: float = 2.0) -> float:
    alliance = model.build_model(seed=1)
    started, months = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        alliance.step()
        months += 1
    return months / (time.perf_counter() - started)


def play_rate(presenter: bool, seconds: float = PLAY_SECONDS) -> tuple[float, float]:
    """(months per second, pictures per second) while playing at the top speed."""
    painter = pictures.Painter(lambda: ("Uptake", presenter))
    painted = []
    runner = stepper.Stepper(model.build_model(seed=1), paint=lambda frame: painted.append(painter.paint(frame)))
    try:
        runner.wait_idle()
        runner.set_speed(stepper.SPEED_RANGE[1])
        start_month = runner.read(lambda models: models["main"].steps)
        start_pictures = len(painted)
        started = time.perf_counter()
        runner.play()
        time.sleep(seconds)
        runner.pause()
        elapsed = time.perf_counter() - started
        months = runner.read(lambda models: models["main"].steps) - start_month
        return months / elapsed, (len(painted) - start_pictures) / elapsed
    finally:
        runner.close()


def browser_round_trips() -> tuple[float, float] | None:
    """(median Step round trip, median reference round trip) in seconds, or None without Chromium/assets."""
    sys.path.insert(0, str(REPO))
    from tests.browser.browser_harness import (ASSETS_DIR, CHROMIUM, CHROMIUM_ARGS, DASHBOARD_APP, start_solara,
                                               stop_solara)

    if not CHROMIUM.is_file() or not (ASSETS_DIR / ".complete").is_file():
        print("  (skipped: needs `make assets chromium`)")
        return None
    from playwright.sync_api import sync_playwright

    server = start_solara(DASHBOARD_APP, "dashboard-bench")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})  # full layout: sidebar open
            page.goto(server.url)
            page.get_by_text("Month 0").first.wait_for(timeout=90_000)
            page.locator("img.focus-chart").wait_for(timeout=60_000)
            page.get_by_text("All parameters").click()
            group = page.locator("button[class*='group-']").first
            group.wait_for(timeout=30_000)
            steps, reference = [], []
            for k in range(ROUND_TRIPS):
                month = k + 1
                started = time.perf_counter()
                page.get_by_role("button", name="Step").click()
                page.wait_for_function(
                    "m => new RegExp('^Month ' + m + '\\\\s').test(document.querySelector('.alliance-status').innerText)",
                    arg=month, timeout=30_000)
                steps.append(time.perf_counter() - started)
                opened = "mdi-chevron-down" in (group.inner_html() or "")
                started = time.perf_counter()
                group.click()
                page.wait_for_function(
                    "([sel, was]) => document.querySelector(sel).innerHTML.includes('mdi-chevron-down') !== was",
                    arg=["button[class*='group-']", opened], timeout=30_000)
                reference.append(time.perf_counter() - started)
            browser.close()
        return statistics.median(steps), statistics.median(reference)
    finally:
        stop_solara(server)


def main() -> None:
    bare = bare_model_months_per_second()
    print(f"reference: the bare model steps {bare:,.0f} months per second at the default size "
          f"(load {os.getloadavg()[0]:.2f})")
    for presenter in (True, False):
        months, frames = play_rate(presenter)
        layout = "presenter layout" if presenter else "full layout"
        goal = "meets" if months >= 5 else "MISSES"
        print(f"Play at top speed ({layout}): {months:.1f} months/s ({goal} the goal of >= 5; "
              f"ratio to the bare model {months / bare:.4f}), {frames:.1f} pictures/s "
              f"(ratio {frames / bare:.4f}; load {os.getloadavg()[0]:.2f})")
    trips = browser_round_trips()
    if trips is not None:
        step, reference = trips
        print(f"Step round trip in Chromium: median {step * 1000:.0f} ms over {ROUND_TRIPS}; reference round trip "
              f"(unfold a parameter group) {reference * 1000:.0f} ms; ratio {step / reference:.2f} (load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
