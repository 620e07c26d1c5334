"""Live alliance page: controls built from the registry drive the model; Step, Play, Pause, Reset."""

from __future__ import annotations

import ipyvuetify as v
import pytest

import model
from dashboard import controls, live, state
from model import registry


def open_every_group(ui) -> None:
    for step in controls.parameters_by_step():
        ui.button(f"group-{step}").click()


def agents_of(alliance):
    return sorted(alliance.agents, key=lambda a: a.index)


def test_page_renders_a_fresh_alliance(render_page):
    ui = render_page(live.LivePage())
    assert state.alliance.value is not None and state.alliance.value.steps == 0
    assert ui.text("alliance-status").startswith("Month 0")
    drawing_png, charts_png = ui.image("alliance-drawing"), ui.image("alliance-charts")
    assert drawing_png[:4] == b"\x89PNG" and charts_png[:4] == b"\x89PNG"


def test_every_registry_parameter_has_one_control_in_its_step_group(render_page):
    ui = render_page(live.LivePage())
    assert ui.rc.find(v.Slider).widgets == []  # groups start closed
    open_every_group(ui)
    labels = [w.label for w in ui.rc.find(v.Slider).widgets + ui.rc.find(v.Select).widgets]
    expected = [controls.control_label(p) for p in registry.PARAMETERS]
    assert sorted(labels) == sorted(expected)
    for parameter in registry.PARAMETERS:
        kind = v.Select if parameter.kind == "choice" else v.Slider
        widget = ui.rc.find(kind, label=controls.control_label(parameter)).widget
        if parameter.kind == "choice":
            assert widget.items == list(parameter.choices) and widget.v_model == parameter.default
        else:
            assert (widget.min, widget.max) == (parameter.low, parameter.high)
            assert widget.v_model == pytest.approx(parameter.default)


@pytest.mark.parametrize("parameter", registry.PARAMETERS, ids=lambda p: p.name)
def test_slider_steps_reach_default_and_bounds(parameter):
    if parameter.kind == "choice":
        assert parameter.default in parameter.choices
        return
    step = controls.slider_step(parameter)
    for value in (parameter.default, parameter.low, parameter.high):
        assert controls.is_multiple(value - parameter.low, step), (value, step)
    assert (parameter.high - parameter.low) / step <= 10 * controls.SLIDER_POSITIONS or parameter.kind == "int"


def test_step_advances_one_month_and_updates_the_view(render_page):
    ui = render_page(live.LivePage())
    drawing_before, charts_before = ui.image("alliance-drawing"), ui.image("alliance-charts")
    ui.button("step-button").click()
    assert state.alliance.value.steps == 1
    assert ui.text("alliance-status").startswith("Month 1")
    assert ui.image("alliance-drawing") != drawing_before
    assert ui.image("alliance-charts") != charts_before


def test_play_runs_months_until_pause(render_page):
    ui = render_page(live.LivePage())
    ui.button("play-button").click()
    assert ui.button("step-button").disabled and ui.button("play-button").disabled
    ui.wait_until(lambda: state.alliance.value.steps >= 3, what="three months of play")
    ui.button("pause-button").click()
    ui.wait_until(lambda: not state.playing.value, what="pause")
    import time

    time.sleep(2 * live.PLAY_INTERVAL_S)
    stopped_at = state.alliance.value.steps
    time.sleep(3 * live.PLAY_INTERVAL_S)
    assert state.alliance.value.steps == stopped_at
    assert ui.text("alliance-status").startswith(f"Month {stopped_at}")


def test_slider_changes_the_model_only_on_reset(render_page):
    ui = render_page(live.LivePage())
    old = state.alliance.value
    ui.button("group-levels").click()
    ui.slider("n_districts (districts)").v_model = 5
    assert state.alliance.value is old  # not yet
    assert "n_districts" in ui.text("changed-parameters")
    ui.button("reset-button").click()
    new = state.alliance.value
    assert new is not old and new.steps == 0
    assert {a.district for a in new.agents if a.level != model.Level.NATIONAL} == set(range(5))
    assert {a.district for a in old.agents if a.level != model.Level.NATIONAL} == set(range(3))


def test_float_and_choice_controls_reach_the_model(render_page):
    ui = render_page(live.LivePage())
    assert any(a.marginalised for a in state.alliance.value.agents)
    assert any(a.kind == "project_office" for a in state.alliance.value.agents)
    ui.button("group-stakeholders").click()
    ui.button("group-initiation").click()
    ui.slider("share_marginalised").v_model = 0.0
    ui.select("initiator").v_model = "government"
    ui.button("reset-button").click()
    assert not any(a.marginalised for a in state.alliance.value.agents)
    assert not any(a.kind == "project_office" for a in state.alliance.value.agents)


def test_reset_returns_to_month_zero_with_the_same_seed(render_page):
    ui = render_page(live.LivePage())
    first = [a.marginalised for a in agents_of(state.alliance.value)]
    for _ in range(3):
        ui.button("step-button").click()
    ui.button("reset-button").click()
    assert state.alliance.value.steps == 0
    assert [a.marginalised for a in agents_of(state.alliance.value)] == first


def test_refused_seed_shows_an_error_and_keeps_the_alliance(render_page):
    ui = render_page(live.LivePage())
    old = state.alliance.value
    state.seed.set(-4)
    ui.button("reset-button").click()
    assert state.alliance.value is old
    assert any("Reset refused" in text for text in ui.alerts("error"))


def test_colour_toggle_redraws(render_page):
    ui = render_page(live.LivePage())
    by_stage, charts_before = ui.image("alliance-drawing"), ui.image("alliance-charts")
    ui.rc.find(v.BtnToggle).widget.v_model = 1  # the second button, "membership"
    assert state.colour_by.value == "membership"
    assert ui.image("alliance-drawing") != by_stage
    assert ui.image("alliance-charts") == charts_before  # the charts do not depend on the colouring


def test_event_log_lists_newest_first(render_page):
    ui = render_page(live.LivePage())
    for _ in range(12):
        ui.button("step-button").click()
    shown = [w.children[0] for w in ui.rc.find(v.Html, class_="event-line").widgets]
    months = [int(text.split()[1]) for text in shown]
    assert len(months) >= 2 and months == sorted(months, reverse=True)
    records = state.alliance.value.events.records
    assert shown[0].endswith(records[-1]["text"])


def test_restore_defaults_clears_changes(render_page):
    ui = render_page(live.LivePage())
    ui.button("group-facilitation").click()
    ui.slider("mediation").v_model = 0.9
    assert state.current_overrides() == {"mediation": 0.9}
    ui.button_labelled("Restore defaults").click()
    assert state.current_overrides() == {}


def test_play_stops_when_the_page_goes_away(render_page):
    import time

    ui = render_page(live.LivePage())
    ui.button("play-button").click()
    ui.wait_until(lambda: state.alliance.value.steps >= 2, what="two months of play")
    ui.rc.close()
    time.sleep(2 * live.PLAY_INTERVAL_S)
    stopped_at = state.alliance.value.steps
    time.sleep(4 * live.PLAY_INTERVAL_S)
    assert state.alliance.value.steps == stopped_at
