"""Live alliance page (rendered without a browser): buttons drive the stepper, views show its frames,
workshop levers come first with plain labels, mid-run levers act at once, set-up levers say they need Reset."""

from __future__ import annotations

import ipyvuetify as v
import pytest

import model
from dashboard import alliance, controls, labels, live, state
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
def live_page(render_page):
    ui = render_page(live.LivePage())
    settle(ui)
    return ui


def test_page_shows_a_fresh_alliance(live_page):
    assert live_page.text("alliance-status").startswith("Month 0")
    assert live_page.image("alliance-drawing")[:4] == b"\x89PNG" and live_page.image("focus-chart")[:4] == b"\x89PNG"
    import solara

    (narration,) = [w.unsafe_innerHTML for w in live_page.rc.find(solara.widgets.HTML).widgets
                    if w.attributes.get("class") == "narration-text"]
    assert "initiated the alliance" in narration and "Month 0" in narration


def test_step_advances_one_month_and_updates_the_views(live_page):
    drawing_before, chart_before = live_page.image("alliance-drawing"), live_page.image("focus-chart")
    live_page.button("step-button").click()
    settle(live_page)
    assert shown_month(live_page) == 1 and running("main").steps == 1
    assert live_page.image("alliance-drawing") != drawing_before and live_page.image("focus-chart") != chart_before


def test_play_runs_until_pause_and_the_buttons_follow(live_page):
    live_page.button("play-button").click()
    assert live_page.button("step-button").disabled and live_page.button("play-button").disabled
    assert not live_page.button("pause-button").disabled
    live_page.wait_until(lambda: shown_month(live_page) >= 2, what="two months of play")
    live_page.button("pause-button").click()
    settle(live_page)
    assert not live_page.button("play-button").disabled and live_page.button("pause-button").disabled
    stopped = running("main").steps
    assert shown_month(live_page) == stopped
    import time

    time.sleep(0.6)  # several months at the default speed
    assert running("main").steps == stopped


def test_run_to_month_stops_there(live_page):
    live_page.rc.find(v.TextField, label="Run to month").widget.v_model = "18"
    live_page.button("run-to-button").click()
    live_page.wait_until(lambda: not state.playing.value, timeout=60, what="run to month 18")
    settle(live_page)
    assert shown_month(live_page) == 18


def test_workshop_levers_come_first_with_plain_labels(live_page):
    shown = [w.label for w in live_page.rc.find(v.Slider).widgets + live_page.rc.find(v.Select).widgets]
    for name in controls.WORKSHOP_LEVERS:
        label = controls.control_label(registry.REGISTRY[name])
        assert label in shown, label
        assert labels.parameter_label(registry.REGISTRY[name]) != name or "_" not in name or \
            not hasattr(registry.REGISTRY[name], "label")
    others = [p for p in labels.dashboard_parameters() if p.name not in controls.WORKSHOP_LEVERS]
    assert not any(controls.control_label(p) in shown for p in others)  # folded under "All parameters"


def test_counts_per_year_and_integers_take_whole_numbers(live_page):
    meetings = live_page.slider(controls.control_label(registry.REGISTRY["meetings_per_year"]))
    exit_month = live_page.slider(controls.control_label(registry.REGISTRY["project_exit_month"]))
    assert meetings.step == 1 and exit_month.step == 1
    meetings.v_model = 6
    assert state.parameter_values["meetings_per_year"].value == 6.0
    assert isinstance(state.parameter_values["meetings_per_year"].value, float)  # the registry's type kept


def test_mid_run_lever_acts_at_once_without_reset(live_page):
    live_page.button("step-button").click()
    settle(live_page)
    live_page.slider(controls.control_label(registry.REGISTRY["mediation"])).v_model = 0.9
    settle(live_page)
    assert running("main").p["mediation"] == 0.9 and running("main").steps == 1
    assert live_page.rc.find(v.Html, class_="needs-reset-note").widgets == []


def test_set_up_lever_waits_for_reset_and_says_so(live_page):
    before = running("main")
    live_page.slider(controls.control_label(registry.REGISTRY["project_exit_month"])).v_model = 30
    settle(live_page)
    assert running("main") is before and before.p["project_exit_month"] != 30
    assert live_page.rc.find(v.Html, class_="needs-reset-note").widgets
    assert any("wait for Reset" in text for text in live_page.alerts("warning"))
    live_page.button("reset-button").click()
    settle(live_page)
    assert running("main") is not before and running("main").p["project_exit_month"] == 30
    assert live_page.rc.find(v.Html, class_="needs-reset-note").widgets == []


def test_structural_change_takes_effect_on_reset(live_page):
    state.parameter_values["n_districts"].set(5)
    live_page.button("reset-button").click()
    settle(live_page)
    districts = {a.district for a in running("main").agents if a.level != model.Level.NATIONAL}
    assert districts == set(range(5))


def test_refused_seed_shows_an_error_and_keeps_the_alliance(live_page):
    old = running("main")
    state.seed.set(-4)
    live_page.button("reset-button").click()
    settle(live_page)
    assert running("main") is old
    assert any("Reset refused" in text for text in live_page.alerts("error"))


def test_reset_returns_to_month_zero_with_the_same_seed(live_page):
    first = list(running("main").marginalised)
    live_page.button("step-button").click()
    live_page.button("step-button").click()
    live_page.button("reset-button").click()
    settle(live_page)
    assert shown_month(live_page) == 0 and list(running("main").marginalised) == first


def test_branch_here_runs_both_futures_and_shows_the_difference(live_page):
    for _ in range(10):
        live_page.button("step-button").click()
    settle(live_page)
    state.branch_values["mediation"].set(1.0)
    state.branch_values["conflict_management"].set(1.0)
    state.branch_values["meetings_per_year"].set(12.0)
    live_page.button("branch-button").click()
    settle(live_page)
    assert "Branched at month 10" in live_page.text("branch-summary")
    state.set_speed(12)
    state.run_to_month(40)
    live_page.wait_until(lambda: not state.playing.value, timeout=60, what="both futures to month 40")
    settle(live_page)
    assert running("branch").steps == running("main").steps == 40
    assert "first differed in month" in live_page.text("branch-difference")
    assert live_page.image("branch-drawing") != live_page.image("original-drawing")
    live_page.button("drop-branch-button").click()
    settle(live_page)
    assert live_page.rc.find(v.Btn, class_="branch-button").widgets


def test_run_data_csv_has_every_month_of_both_futures(live_page):
    for _ in range(3):
        live_page.button("step-button").click()
    live_page.button("branch-button").click()
    live_page.button("step-button").click()
    settle(live_page)
    import io

    import pandas as pd

    table = pd.read_csv(io.BytesIO(live.run_csv()))
    assert table.groupby("future")["step"].max().to_dict() == {"as it was": 4, "what if": 4}
    assert list(table[table["future"] == "as it was"]["step"]) == [0, 1, 2, 3, 4]
    assert set(model.OUTPUTS) <= set(table.columns)


def test_event_log_lists_newest_first_when_opened(live_page):
    for _ in range(12):
        live_page.button("step-button").click()
    settle(live_page)
    assert live_page.rc.find(v.Html, class_="event-lines").widgets == []  # folded: not redrawn every frame
    live_page.button("event-log-button").click()
    lines = live_page.text("event-lines").splitlines()
    months = [int(line.split()[1]) for line in lines]
    assert len(months) >= 2 and months == sorted(months, reverse=True) and months[0] <= 12


def test_restore_defaults_clears_changes(live_page):
    state.parameter_values["mediation"].set(0.9)
    assert state.current_overrides() == {"mediation": 0.9}
    live_page.button_labelled("Restore defaults").click()
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


def test_every_parameter_a_trainer_may_change_has_exactly_one_control(live_page):
    for step in controls.parameters_by_step():
        found = live_page.rc.find(v.Btn, class_=f"group-{step}").widgets
        if found:
            found[0].click()
    sidebar = [w.label for w in live_page.rc.find(v.Slider).widgets + live_page.rc.find(v.Select).widgets
               if not str(w.label).startswith(live.BRANCH_PREFIX) and w.label not in ("Chart", alliance.TABLE_CHOOSER)]
    expected = [controls.control_label(p) for p in labels.dashboard_parameters()]
    speed = "Speed (months per second)"
    assert sorted(label for label in sidebar if label != speed) == sorted(expected)
    fixed = [p for p in registry.PARAMETERS if getattr(p, "fixed", False)]
    assert not any(controls.control_label(p) in sidebar for p in fixed)  # structural assumptions stay hidden
