"""Teaching presets: the shipped files load, the page shows the read-aloud text and loads a preset."""

from __future__ import annotations

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
