"""'Your alliance' on the Live page: a stakeholder table in, that alliance (with its real names) on the page;
a bad table's problems in the page, one line each, and the alliance shown stays."""

from __future__ import annotations

import csv
import os
import shutil

import ipyvuetify as v
import pytest

from dashboard import alliance, controls, live, presets, state
from model import registry
from model.alliance_table import load_alliance_table

RIVERSIDE = alliance.ALLIANCES_DIR / "riverside.csv"


def settle(ui) -> None:
    # a table is read in a thread of the session; its sign goes when its alliance is on screen
    ui.wait_until(lambda: state.working.value is None, what="the table's alliance on screen")
    ui.wait_until(lambda: state.session.value is not None, what="the session")
    assert state.session.value.stepper.wait_idle(timeout=30)


def running_names() -> list[str]:
    return state.session.value.stepper.read(lambda models: [a.name for a in sorted(models["main"].agents,
                                                                                   key=lambda a: a.index)])


def drawn_names() -> tuple[str, ...]:
    return state.latest_picture().frame.main.drawing.names


def texts(ui, css_class: str) -> list[str]:
    return [str(w.children[0]) for w in ui.rc.find(v.Html, class_=css_class).widgets]


@pytest.fixture
def live_page(render_page):
    ui = render_page(live.LivePage())
    settle(ui)
    return ui


def test_the_chooser_lists_the_shipped_tables_but_not_ties_files():
    files = alliance.table_files()
    assert "riverside.csv" in files and "riverside.xlsx" in files
    assert not any(name.endswith(".ties.csv") for name in files)


def test_choosing_a_table_builds_that_alliance_with_its_real_names(live_page):
    generated = list(drawn_names())
    live_page.select("Stakeholder table").v_model = "riverside.csv"
    settle(live_page)
    params, problems = load_alliance_table(RIVERSIDE)
    table = params[registry.TABLE]
    assert not problems
    assert list(drawn_names()) == table.names == running_names()  # the drawing's names are the table's
    assert drawn_names() != tuple(generated)
    assert "Ministry of Water and Sanitation" in drawn_names()
    assert live_page.text("alliance-status").startswith("Month 0")
    assert f"{len(table.names)} stakeholders" in live_page.text("alliance-status")
    assert any("riverside.csv" in text for text in live_page.alerts("success"))
    import solara

    (narration,) = [w.unsafe_innerHTML for w in live_page.rc.find(solara.widgets.HTML).widgets
                    if w.attributes.get("class") == "narration-text"]
    assert table.names[0] not in generated and "Riverside MUS Project initiated the alliance" in narration


def test_controls_the_table_fixes_are_disabled_with_a_note_and_reset_rebuilds_that_alliance(live_page):
    live_page.select("Stakeholder table").v_model = "riverside.csv"
    settle(live_page)
    fixed = state.table_fixed()
    assert "n_districts" in fixed
    summary = " ".join(texts(live_page, "fixed-by-table-summary"))
    assert f"{len(fixed)} parameter(s) are fixed by the alliance table riverside.csv" in summary
    # open the group of "All parameters" that holds the district count
    for step, parameters in controls.parameters_by_step().items():
        if any(p.name == "n_districts" for p in parameters):
            live_page.rc.find(v.Btn, class_=f"group-{step}").widget.click()
    label = controls.control_label(registry.REGISTRY["n_districts"])
    slider = live_page.rc.find(v.Slider, label=label).widget
    assert slider.disabled
    assert any(fixed["n_districts"] in text for text in texts(live_page, "fixed-by-table-note"))
    names_before = running_names()
    live_page.button("step-button").click()
    settle(live_page)
    state.parameter_values["n_districts"].set(5)  # a stale value of a fixed control changes nothing
    live_page.button("reset-button").click()
    settle(live_page)
    assert running_names() == names_before and live_page.text("alliance-status").startswith("Month 0")
    assert not live_page.alerts("error")


def write_bad_table(folder):
    rows = list(csv.reader(RIVERSIDE.open()))
    header = rows[1]
    rows[3][header.index("power")] = "1.5"
    rows[4][header.index("type")] = "wizard"
    path = folder / "bad.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    shutil.copy(RIVERSIDE.with_name("riverside.ties.csv"), folder / "bad.ties.csv")
    return path


def test_a_bad_table_shows_its_problems_one_line_each_and_the_alliance_stays(render_page, tmp_path):
    write_bad_table(tmp_path)
    shutil.copy(RIVERSIDE, tmp_path / "riverside.csv")
    shutil.copy(RIVERSIDE.with_name("riverside.ties.csv"), tmp_path / "riverside.ties.csv")
    ui = render_page(live.LivePage())
    settle(ui)
    # the chooser of the page reads configs/alliances; drive the same call on the test folder
    assert alliance.load_table_file(tmp_path / "riverside.csv", "riverside.csv")
    settle(ui)
    kept = running_names()
    assert not alliance.load_table_file(tmp_path / "bad.csv", "bad.csv")
    power, kind = texts(ui, "alliance-problem")  # one line per problem, with file, row and column
    assert power == "bad.csv: row 4, column power: 1.5 is outside [0, 1]"
    assert kind.startswith("bad.csv: row 5, column type: unknown type 'wizard'")
    assert str(tmp_path) not in power + kind  # the page names the file, not the folder
    settle(ui)
    assert running_names() == kept and state.alliance_label.value == "riverside.csv"
    assert list(drawn_names()) == kept


def test_a_dropped_table_is_used_and_leaves_no_copy_on_disk(live_page, monkeypatch, tmp_path):
    made = []
    original = alliance.tempfile.mkdtemp

    def recording_mkdtemp(**kwargs):
        made.append(original(dir=tmp_path, **kwargs))
        return made[-1]

    monkeypatch.setattr(alliance.tempfile, "mkdtemp", recording_mkdtemp)
    ties = RIVERSIDE.with_name("riverside.ties.csv")
    files = [{"name": "riverside.csv", "data": RIVERSIDE.read_bytes()}, {"name": ties.name, "data": ties.read_bytes()}]
    assert alliance.load_upload(files)
    settle(live_page)
    assert "Kalinda District Water Office" in drawn_names()
    assert made and not any(os.path.exists(folder) for folder in made)  # deleted once read
    assert "riverside.csv" in live_page.select("Stakeholder table").items


def test_a_dropped_bad_workbook_is_refused_in_one_line(live_page):
    kept = running_names()
    assert not alliance.load_upload([{"name": "../../etc/programme.xlsx", "data": b"not a workbook"}])
    (line,) = texts(live_page, "alliance-problem")
    assert line.startswith("programme.xlsx: ") and "XLSX" in line and "/" not in line.split(":")[0]
    assert running_names() == kept


def test_a_preset_naming_a_table_is_shown_and_loads_that_alliance(render_page, tmp_path):
    for name in ("riverside.toml", "riverside.csv", "riverside.ties.csv"):
        shutil.copy(alliance.ALLIANCES_DIR / name, tmp_path / name)
    ui = render_page(presets.PresetsPage(folder=tmp_path))
    (line,) = texts(ui, "preset-table")
    assert line.startswith("Alliance table: riverside.csv")
    ui.button("load-preset-button").click()
    settle(ui)
    assert "Riverside University Water Centre" in running_names()
    assert state.alliance_label.value == "riverside.csv"


def test_the_drawing_names_the_tables_districts_and_platforms():
    import model
    from dashboard import drawing

    params, _ = load_alliance_table(RIVERSIDE)
    table = params[registry.TABLE]
    own = drawing.read_snapshot(model.build_model(registry.resolve(params), seed=1))
    assert drawing.district_names(own) == table.districts
    assert drawing._short_platform_name(f"{table.districts[0]} community platform", table.districts) == "Community platform"
    generated = drawing.read_snapshot(model.build_model(registry.resolve({}), seed=1))
    assert drawing.district_names(generated) == [f"District {c + 1}" for c in range(generated.n_districts)]
    png, figure = drawing.render_alliance(own)
    _, again = drawing.render_alliance(generated, figure)
    assert again is not figure  # another country's names: the drawing is rebuilt, not reused with stale labels


def test_the_live_alliance_settings_compared_on_the_compare_page_carry_the_table(live_page):
    from dashboard import compare

    live_page.select("Stakeholder table").v_model = "riverside.csv"
    settle(live_page)
    live = compare.live_contender()
    assert live.params[registry.TABLE] is state.alliance_table.value
    result = compare.compare_scenarios(live, compare.Contender("generated"), replicates=2, steps=3)
    members = {label: band[(band["output"] == "members") & (band["step"] == 0)]["median"].iloc[0]
               for label, band in result.bands.items()}
    table_members = live_page.text("alliance-status").split("·")[2].split()[0]  # "5 members" at month 0
    assert members[f"A: {compare.LIVE_LABEL}"] == float(table_members) != members["B: generated"]


def test_a_dropped_workbook_gives_the_same_alliance_as_its_csv(live_page):
    workbook = alliance.ALLIANCES_DIR / "riverside.xlsx"
    assert alliance.load_upload([{"name": workbook.name, "data": workbook.read_bytes()}])
    settle(live_page)
    from_xlsx = running_names()
    assert alliance.load_table_file(RIVERSIDE, "riverside.csv")
    settle(live_page)
    assert from_xlsx == running_names() and "Aqua Donor Fund" in from_xlsx


def test_problems_are_one_line_per_distinct_problem():
    from dashboard.alliance import distinct_problems

    lines = [f"t.csv: row {r}, column type: required column missing (One of: a, b, c.)" for r in range(2, 28)]
    lines += [f"t.csv: row {r}, column power: not a number" for r in (3, 9, 12, 15, 30)]
    lines += ["t.csv: row 4, column name: empty; every stakeholder needs a name", "t.csv: the file is empty"]
    shown = distinct_problems(lines)
    assert shown == ["t.csv: column type: required column missing (One of: a, b, c.)",
                     "t.csv: rows 3, 9, 12, 15 and 1 more, column power: not a number",
                     "t.csv: row 4, column name: empty; every stakeholder needs a name",
                     "t.csv: the file is empty"]
