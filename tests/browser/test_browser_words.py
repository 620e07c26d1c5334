"""Compare runs what its controls show (issue 18, part 2): sliders moved by keyboard and by mouse, Run at once."""

import re

import pytest

from .test_browser_dashboard import open_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_compare_runs_what_sliders_show(watched_page, dashboard_server):
    page = watched_page
    open_page(page, dashboard_server, "compare", "Compare two scenarios")
    for name, presses in (("Replicates", 4), ("Months", 3)):
        slider = page.get_by_role("slider", name=name)
        slider.focus()
        slider.press("Home")
        for _ in range(presses):
            slider.press("ArrowRight")
    box = page.get_by_role("slider", name="Replicates").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.12, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    reps = page.get_by_role("slider", name="Replicates").get_attribute("aria-valuenow")
    months = page.get_by_role("slider", name="Months").get_attribute("aria-valuenow")
    button = page.get_by_role("button", name=re.compile("^Run comparison"))
    # the button says what it runs: it shows the sliders' values (once the server has them, on a busy machine)
    button.get_by_text(re.compile(rf"{reps} replicates × {months} months", re.I)).wait_for(timeout=15_000)
    button.click()
    page.get_by_text(re.compile(r"Median and 10–90 % band over")).wait_for(timeout=90_000)
    text = page.get_by_text(re.compile(r"Median and 10–90 % band over")).inner_text()
    assert f"over {reps} replicates, {months} months" in text
