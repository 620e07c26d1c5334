"""Live alliance page (rendered without a browser): buttons drive the stepper, views show its frames,
workshop levers come first with plain labels, mid-run levers act at once, set-up levers say they need Reset."""

from __future__ import annotations

import ipyvuetify as v
import pytest

import model
from dashboard import controls, labels, live, state
from model import registry


def settle(ui) -> None:
    """Wait until the stepper has done every request and the page shows the newest frame."""
    ui.wait_until(lambda: state.session.value is not None, what="the session")
    assert state.session.value.stepper.wait_idle(timeout=30)


def shown_month(ui) -> int:
    return int(ui.text("alliance-status").split()[1])


def running(name: str):
    return state.session.value.stepper.read(lambda models: models[name])


@pytest.fixture
def page(render_page):
    ui = render_page(live.LivePage())
    settle(ui)
    return ui


def test_page_shows_a_fresh_alliance(page):
    assert page.text("alliance-status").startswith("Month 0")
    assert page.image("alliance-drawing")[:4] == b"\x89PNG" and page.image("focus-chart")[:4] == b"\x89PNG"
    assert any("initiated the alliance" in w.children[0] for w in page.rc.find(v.Html, class_="narration-period").widgets)


def test_step_advances_one_month_and_updates_the_views(page):
    drawing_before, chart_before = page.image("alliance-drawing"), page.image("focus-chart")
    page.button("step-button").click()
    settle(page)
    assert shown_month(page) == 1 and running("main").steps == 1
    assert page.image("alliance-drawing") != drawing_before and page.image("focus-chart") != chart_before


def test_play_runs_until_pause_and_the_buttons_follow(page):
    page.button("play-button").click()
    assert page.button("step-button").disabled and page.button("play-button").disabled
    assert not page.button("pause-button").disabled
    page.wait_until(lambda: shown_month(page) >= 2, what="two months of play")
    page.button("pause-button").click()
    settle(page)
    assert not page.button("play-button").disabled and page.button("pause-button").disabled
    stopped = running("main").steps
    assert shown_month(page) == stopped
    import time

    time.sleep(0.6)  # several months at the default speed
    assert running("main").steps == stopped


def test_run_to_month_stops_there(page):
    page.rc.find(v.TextField, label="Run to month").widget.v_model = "18"
    page.button("run-to-button").click()
    page.wait_until(lambda: not state.playing.value, timeout=60, what="run to month 18")
    settle(page)
    assert shown_month(page) == 18


def test_workshop_levers_come_first_with_plain_labels(page):
    shown = [w.label for w in page.rc.find(v.Slider).widgets + page.rc.find(v.Select).widgets]
    for name in controls.WORKSHOP_LEVERS:
        label = controls.control_label(registry.REGISTRY[name])
        assert label in shown, label
        assert labels.parameter_label(registry.REGISTRY[name]) != name or "_" not in name or \
            not hasattr(registry.REGISTRY[name], "label")
    others = [p for p in labels.dashboard_parameters() if p.name not in controls.WORKSHOP_LEVERS]
    assert not any(controls.control_label(p) in shown for p in others)  # folded under "All parameters"


def test_counts_per_year_and_integers_take_whole_numbers(page):
    meetings = page.slider(controls.control_label(registry.REGISTRY["meetings_per_year"]))
    exit_month = page.slider(controls.control_label(registry.REGISTRY["project_exit_month"]))
    assert meetings.step == 1 and exit_month.step == 1
    meetings.v_model = 6
    assert state.parameter_values["meetings_per_year"].value == 6.0
    assert isinstance(state.parameter_values["meetings_per_year"].value, float)  # the registry's type kept


def test_mid_run_lever_acts_at_once_without_reset(page):
    page.button("step-button").click()
    settle(page)
    page.slider(controls.control_label(registry.REGISTRY["mediation"])).v_model = 0.9
    settle(page)
    assert running("main").p["mediation"] == 0.9 and running("main").steps == 1
    assert page.rc.find(v.Html, class_="needs-reset-note").widgets == []


def test_set_up_lever_waits_for_reset_and_says_so(page):
    before = running("main")
    page.slider(controls.control_label(registry.REGISTRY["project_exit_month"])).v_model = 30
    settle(page)
    assert running("main") is before and before.p["project_exit_month"] != 30
    assert page.rc.find(v.Html, class_="needs-reset-note").widgets
    assert any("wait for Reset" in text for text in page.alerts("warning"))
    page.button("reset-button").click()
    settle(page)
    assert running("main") is not before and running("main").p["project_exit_month"] == 30
    assert page.rc.find(v.Html, class_="needs-reset-note").widgets == []


def test_structural_change_takes_effect_on_reset(page):
    state.parameter_values["n_districts"].set(5)
    page.button("reset-button").click()
    settle(page)
    districts = {a.district for a in running("main").agents if a.level != model.Level.NATIONAL}
    assert districts == set(range(5))


def test_refused_seed_shows_an_error_and_keeps_the_alliance(page):
    old = running("main")
    state.seed.set(-4)
    page.button("reset-button").click()
    settle(page)
    assert running("main") is old
    assert any("Reset refused" in text for text in page.alerts("error"))


def test_reset_returns_to_month_zero_with_the_same_seed(page):
    first = list(running("main").marginalised)
    page.button("step-button").click()
    page.button("step-button").click()
    page.button("reset-button").click()
    settle(page)
    assert shown_month(page) == 0 and list(running("main").marginalised) == first


def test_branch_here_runs_both_futures_and_shows_the_difference(page):
    for _ in range(10):
        page.button("step-button").click()
    settle(page)
    state.branch_values["mediation"].set(1.0)
    state.branch_values["conflict_management"].set(1.0)
    state.branch_values["meetings_per_year"].set(12.0)
    page.button("branch-button").click()
    settle(page)
    assert "Branched at month 10" in page.text("branch-summary")
    state.set_speed(12)
    state.run_to_month(60)
    page.wait_until(lambda: not state.playing.value, timeout=60, what="both futures to month 60")
    settle(page)
    assert running("branch").steps == running("main").steps == 60
    assert "first differed in month" in page.text("branch-difference")
    assert page.image("branch-drawing") != page.image("original-drawing")
    page.button("drop-branch-button").click()
    settle(page)
    assert page.rc.find(v.Btn, class_="branch-button").widgets


def test_run_data_csv_has_every_month_of_both_futures(page):
    for _ in range(3):
        page.button("step-button").click()
    page.button("branch-button").click()
    page.button("step-button").click()
    settle(page)
    import io

    import pandas as pd

    table = pd.read_csv(io.BytesIO(live.run_csv()))
    assert table.groupby("future")["step"].max().to_dict() == {"as it was": 4, "what if": 4}
    assert list(table[table["future"] == "as it was"]["step"]) == [0, 1, 2, 3, 4]
    assert set(model.OUTPUTS) <= set(table.columns)


def test_restore_defaults_clears_changes(page):
    state.parameter_values["mediation"].set(0.9)
    assert state.current_overrides() == {"mediation": 0.9}
    page.button_labelled("Restore defaults").click()
    assert state.current_overrides() == {}


def test_presenter_layout_leaves_out_the_chart_grid(render_page):
    state.presenter.set(False)
    ui = render_page(live.LivePage())
    settle(ui)
    assert ui.image("alliance-charts")[:4] == b"\x89PNG"
    state.presenter.set(True)
    ui.button("step-button").click()
    settle(ui)
    assert ui.images("alliance-charts") == []
