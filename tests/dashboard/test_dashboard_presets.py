"""Teaching presets: the shipped files load, the page shows the read-aloud text and loads a preset."""

from __future__ import annotations

import re

import ipyvuetify as v
import pytest

import model
from dashboard import presets, state
from model import registry


def test_shipped_presets_load_and_cover_the_teaching_topics():
    found = presets.discover_presets()
    assert len(found) >= 5
    assert [p.error for p in found if p.error] == []
    scenarios = [p.scenario for p in found]
    assert len({s.name for s in scenarios}) == len(scenarios)
    for scenario in scenarios:
        assert len(scenario.description) > 80, scenario.name
        assert scenario.params, scenario.name
        registry.resolve(scenario.params)
    by_params = [s.params for s in scenarios]
    assert any(p.get("transparency") == 0 and p.get("inclusiveness") == 0 for p in by_params)  # no core values
    assert any(p.get("mediation", 0) > 0.8 for p in by_params)  # strong facilitation
    assert any(p.get("analysis_blocker_coverage") == 0 for p in by_params)  # blockers ignored
    defaults = registry.defaults()
    assert any(p.get("project_exit_month", 10**9) < defaults["project_exit_month"] for p in by_params)
    orders = {p.get("mobilisation_order") for p in by_params}
    assert {"top_down", "bottom_up"} <= orders


def test_page_shows_the_read_aloud_text_of_the_chosen_preset(render_page):
    ui = render_page(presets.PresetsPage())
    found = presets.discover_presets()
    select = ui.select("Preset")
    assert select.items == [p.label for p in found]
    assert ui.text("preset-description") == presets.flowing_text(found[0].scenario.description)
    select.v_model = found[2].label
    assert ui.text("preset-description") == presets.flowing_text(found[2].scenario.description)


def test_read_aloud_text_flows_across_the_files_line_breaks():
    assert presets.flowing_text("One line\n  goes on.\n\nNew paragraph\nhere.\n") == \
        "One line goes on.\n\nNew paragraph here."


def test_loading_a_preset_sets_the_controls_seed_and_a_fresh_alliance(render_page):
    ui = render_page(presets.PresetsPage())
    chosen = next(p for p in presets.discover_presets() if "project_exit_month" in p.scenario.params)
    ui.select("Preset").v_model = chosen.label
    ui.rc.find(v.Btn, children=["Load into Live alliance"]).assert_empty()  # label sits beside an icon
    ui.button("load-preset-button").click()
    assert state.preset.value.name == chosen.scenario.name
    assert state.seed.value == chosen.scenario.seed
    assert state.current_overrides() == chosen.scenario.params
    runner = state.session.value.stepper
    assert runner.wait_idle()
    alliance = runner.read(lambda models: models["main"])
    assert alliance.steps == 0 and alliance.p["project_exit_month"] == chosen.scenario.params["project_exit_month"]
    assert any(chosen.scenario.name in text for text in ui.alerts("success"))


def test_a_broken_preset_shows_its_error_and_the_others_still_work(render_page, tmp_path):
    (tmp_path / "a-good.toml").write_text('[scenario]\nname = "Good"\ndescription = "Fine."\n'
                                          '[parameters]\ntransparency = 0.1\n')
    (tmp_path / "b-typo.toml").write_text('[parameters]\ntransparancy = 0.1\n')
    (tmp_path / "c-not-toml.toml").write_text('[scenario\nname = \n')
    ui = render_page(presets.PresetsPage(folder=tmp_path))
    labels = ui.select("Preset").items
    assert labels == ["Good", "b-typo.toml (cannot be loaded)", "c-not-toml.toml (cannot be loaded)"]
    ui.select("Preset").v_model = labels[1]
    errors = ui.alerts("error")
    assert len(errors) == 1 and "transparancy" in errors[0] and "did you mean transparency" in errors[0]
    ui.select("Preset").v_model = labels[2]
    assert "not valid TOML" in ui.alerts("error")[0]
    ui.select("Preset").v_model = labels[0]
    assert ui.alerts("error") == []
    ui.button("load-preset-button").click()
    assert state.current_overrides() == {"transparency": 0.1}


def test_empty_folder_says_so(render_page, tmp_path):
    ui = render_page(presets.PresetsPage(folder=tmp_path))
    assert any("No teaching presets" in text for text in ui.alerts("warning"))


@pytest.mark.parametrize("bad_value", ['"high"', "7.5", "-1"])
def test_out_of_range_or_mistyped_values_are_refused_by_name(tmp_path, bad_value):
    path = tmp_path / "bad.toml"
    path.write_text(f"[parameters]\nmutual_trust = {bad_value}\n")
    preset = presets.read_preset(path)
    assert preset.scenario is None and "mutual_trust" in preset.error
    with pytest.raises(model.ConfigError):
        model.load_scenario(path)


def live_page_controls(render_page) -> dict[str, set[str]]:
    """What the Live page really offers, read from the rendered page and the app: buttons, charts, pages."""
    import ipyvuetify as v

    from dashboard import app, charts, live

    ui = render_page(live.LivePage())
    buttons = {" ".join(str(c) for c in w.children if isinstance(c, str)).strip()
               for w in ui.rc.find(v.Btn).widgets}
    return {"buttons": {b for b in buttons if b}, "charts": set(charts.available_panels()),
            "pages": {page.label for page in app.PAGES}}


# How a preset's text points at a control: "Colour by X", "the X chart", "the X page", "press/click X", "the event log".
REFERENCES = {
    "colour": re.compile(r"\bcolou?r(?: the drawing)? by (\w+)", re.I),
    "charts": re.compile(r"\bthe ([A-Z][\w ]*?) chart\b"),
    "pages": re.compile(r"\bthe ([A-Z][\w ]*?) page\b"),
    "buttons": re.compile(r"\b(?:press|click) (?:the )?([A-Z][\w-]*(?: [a-z]+)?)"),
    "event log": re.compile(r"\bthe event log\b", re.I),
}


def test_every_preset_refers_only_to_controls_that_exist(render_page):
    """Issue 18: the top-down and bottom-up presets told the trainer to "Colour by membership", a control that
    no longer exists. Every reference to a control in every preset's text must name one the page has."""
    offered = live_page_controls(render_page)
    assert {"Step", "Play", "Reset"} <= offered["buttons"] and "Trust" in offered["charts"]  # the reading works
    missing = []
    for preset in presets.discover_presets():
        assert preset.scenario is not None, preset.error
        text = presets.flowing_text(preset.scenario.description)
        for kind, pattern in REFERENCES.items():
            for found in pattern.finditer(text):
                if kind == "colour":  # no control colours the drawing by anything: the legend is fixed
                    missing.append(f"{preset.path.name}: {found.group(0)!r}")
                elif kind == "event log":
                    if not any("event log" in b for b in offered["buttons"]):
                        missing.append(f"{preset.path.name}: {found.group(0)!r}")
                elif not any(name == found.group(1) or name.startswith(found.group(1)) for name in offered[kind]):
                    missing.append(f"{preset.path.name}: {found.group(0)!r}")
    assert missing == []


def test_the_checker_catches_a_control_that_does_not_exist(render_page):
    offered = live_page_controls(render_page)
    text = "Colour by membership and watch the Equity chart on the Funders page."
    assert REFERENCES["colour"].search(text)
    assert REFERENCES["charts"].search(text).group(1) not in offered["charts"]
    assert REFERENCES["pages"].search(text).group(1) not in offered["pages"]


def test_what_differs_is_in_plain_words():
    scenario = next(p.scenario for p in presets.discover_presets() if p.scenario and
                    "mobilisation_order" in p.scenario.params)
    rows = presets.changes_table(scenario)
    row = next(r for r in rows if r["parameter"] == "mobilisation_order")
    from model import registry

    assert row["label"] == registry.REGISTRY["mobilisation_order"].label
    assert "_" not in row["default_words"] + row["preset_words"]  # "core group → top down", not code names
