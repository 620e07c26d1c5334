"""Study explorer: only folders under results/, figures and tables listed, corrupted files reported in-page."""

from __future__ import annotations

import html
import io
import json

import ipyvuetify as v
import pandas as pd
import pytest
import solara
from matplotlib.figure import Figure
from solara.components.datatable import DataTableWidget

from dashboard import studies


def figure_bytes(fmt: str) -> bytes:
    figure = Figure(figsize=(2, 1.5))
    figure.add_subplot().bar(["a", "b"], [0.2, 0.7])
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt)
    return buffer.getvalue()


def make_study(folder):
    (folder / "figures").mkdir(parents=True)
    (folder / "tables").mkdir()
    (folder / "runs").mkdir()
    for stem in ("sobol_uptake", "morris_uptake"):
        (folder / "figures" / f"{stem}.png").write_bytes(figure_bytes("png"))
        (folder / "figures" / f"{stem}.svg").write_bytes(figure_bytes("svg"))
    (folder / "figures" / "only_vector.svg").write_bytes(figure_bytes("svg"))
    sobol = pd.DataFrame({"output": ["uptake"] * 2, "factor": ["mediation", "guidance"], "ST": [0.6, 0.2]})
    sobol.to_parquet(folder / "tables" / "sobol.parquet")
    sobol.to_csv(folder / "tables" / "sobol.csv", index=False)
    pd.DataFrame({"run_id": [0, 1]}).to_parquet(folder / "runs" / "part-0000000000-2.parquet")
    pd.DataFrame({"output": ["uptake"], "noise_share": [0.1]}).to_csv(folder / "tables" / "noise.csv", index=False)
    (folder / "manifest.json").write_text(json.dumps({
        "format": "mus-alliance-sweep/1", "description": "Which facilitation qualities matter?",
        "spec": {"method": "sobol", "factors": {"mediation": {}, "guidance": {}}, "replicates": 3, "steps": 120},
        "runs": 1200, "design_points": 400, "finished": None}))
    (folder / "warnings.txt").write_text("uptake: 25 % replicate noise left in the means\n")
    (folder / ".results.parquet.abc.tmp").write_bytes(b"half")
    return folder


@pytest.fixture
def results(tmp_path):
    root = tmp_path / "results"
    root.mkdir()
    make_study(root / "good-study")
    broken = make_study(root / "broken-study")
    (broken / "figures" / "sobol_uptake.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    (broken / "tables" / "sobol.parquet").write_bytes(b"PAR1 not really parquet")
    (broken / "manifest.json").write_text("{ half a manifest")
    return root


def test_lists_only_folders_inside_results(results, tmp_path):
    outside = tmp_path / "elsewhere"
    make_study(outside)
    (results / "escape").symlink_to(outside, target_is_directory=True)
    (results / "a-file.txt").write_text("not a folder")
    (results / ".hidden").mkdir()
    assert sorted(studies.list_studies(results)) == ["broken-study", "good-study"]


def test_studies_grouped_by_command_are_listed_one_level_down(results):
    # `mus-alliance sweep` writes results/sweeps/<name>/, `compare` results/compare/<name>/
    for name in ("sweeps/morris", "sweeps/sobol"):
        make_study(results / name)
        (results / name / "manifest.json").write_text('{"kind": "sweep"}')
    listed = studies.list_studies(results)
    assert {"sweeps/morris", "sweeps/sobol", "good-study", "broken-study"} == set(listed)
    folder = studies.study_folder("sweeps/sobol", results)
    assert folder == (results / "sweeps" / "sobol").resolve()
    assert studies.inspect_study(folder, results).figures


@pytest.mark.parametrize("name", ["..", "../results", "sweeps/../..", "/etc", "good-study/../..", "escape", "", ".", "nope"])
def test_names_that_are_not_listed_are_refused(results, tmp_path, name):
    (results / "escape").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(studies.StudyError):
        studies.study_folder(name, results)


def test_inspect_finds_figures_and_tables_preferring_png_and_parquet(results):
    contents = studies.inspect_study(studies.study_folder("good-study", results), results)
    assert [contents.relative(p) for p in contents.figures] == [
        "figures/morris_uptake.png", "figures/only_vector.svg", "figures/sobol_uptake.png"]
    assert [contents.relative(p) for p in contents.tables] == ["tables/noise.csv", "tables/sobol.parquet"]
    assert contents.problems == []
    assert contents.notes == ["uptake: 25 % replicate noise left in the means"]
    assert studies.manifest_summary(contents.manifest) == (
        "method sobol · 2 factors · 1,200 runs · 400 design points · 3 replicates · 120 months · not finished")


def test_files_linked_from_outside_results_are_ignored(results, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    (results / "good-study" / "tables" / "leak.csv").symlink_to(secret)
    contents = studies.inspect_study(studies.study_folder("good-study", results), results)
    assert "tables/leak.csv" not in [contents.relative(p) for p in contents.tables]


def test_corrupted_files_become_problems_not_exceptions(results):
    contents = studies.inspect_study(studies.study_folder("broken-study", results), results)
    problems = "\n".join(contents.problems)
    assert "figures/sobol_uptake.png" in problems and "tables/sobol.parquet" in problems
    assert "manifest.json" in problems
    assert "figures/sobol_uptake.png" not in [contents.relative(p) for p in contents.figures]


def test_page_shows_figures_and_tables_of_the_chosen_study(render_page, results):
    ui = render_page(studies.StudyPage(root=results))
    folder = ui.select("Study folder")
    assert sorted(folder.items) == ["broken-study", "good-study"]
    folder.v_model = "good-study"
    assert ui.alerts("error") == []
    assert ui.images()[0][:4] == b"\x89PNG"
    assert ui.select("Figure (3)").v_model == "figures/morris_uptake.png"
    ui.select("Figure (3)").v_model = "figures/only_vector.svg"
    assert b"<svg" in ui.images()[0][:2048]
    assert ui.alerts("warning") == []  # the study's notes are folded, not orange warnings (issue 18)
    titles = [str(c) for w in ui.rc.find(v.ExpansionPanelHeader).widgets for c in w.children]
    assert any(t.startswith("Notes from the analysis (") for t in titles), titles
    assert ui.text("study-summary").startswith("method sobol · 2 factors")
    ui.select("Table (2)").v_model = "tables/sobol.parquet"
    table = ui.rc.find(DataTableWidget).widget
    assert [row["factor"] for row in table.items] == ["mediation", "guidance"]


def test_page_reports_a_corrupted_study_in_page(render_page, results):
    ui = render_page(studies.StudyPage(root=results))
    ui.select("Study folder").v_model = "broken-study"
    errors = ui.alerts("error")
    assert len(errors) == 1 and "corrupted" in errors[0]
    assert "tables/sobol.parquet" in errors[0] and "figures/sobol_uptake.png" in errors[0]
    assert ui.select("Figure (2)").v_model == "figures/morris_uptake.png"  # the readable rest is still shown


def test_page_with_no_studies_says_so(render_page, tmp_path):
    ui = render_page(studies.StudyPage(root=tmp_path / "missing"))
    assert any("No study folders" in text for text in ui.alerts("info"))


def test_a_study_removed_after_listing_is_an_error_not_a_crash(render_page, results):
    import shutil

    ui = render_page(studies.StudyPage(root=results))
    shutil.rmtree(results / "good-study")
    ui.select("Study folder").v_model = "good-study"
    assert any("not a study folder" in text for text in ui.alerts("error"))


def test_a_funders_comparison_offers_its_report(render_page, results):
    report = results / "good-study" / "report.html"
    report.write_text("<html><body><h1>Funders' comparison</h1><p>light-touch vs facilitation-heavy</p></body></html>")
    ui = render_page(studies.StudyPage(root=results))
    ui.select("Study folder").v_model = "good-study"
    texts = [" ".join(map(str, w.children)) for w in ui.rc.find(v.Html).widgets]
    assert any("This is a funders' comparison" in t for t in texts)
    frames = [w for w in ui.rc.find(solara.widgets.HTML).widgets if w.tag == "iframe"]
    assert frames and "light-touch vs facilitation-heavy" in frames[0].attributes["srcdoc"]
    ui.select("Study folder").v_model = "broken-study"
    assert not [w for w in ui.rc.find(solara.widgets.HTML).widgets if w.tag == "iframe"]


def test_scenario_discoveries_on_a_study_are_shown_in_plain_words(render_page, results):
    found = results / "good-study" / "discover" / "uptake-final-lt-0.10"
    found.mkdir(parents=True)
    (found / "manifest.json").write_text(json.dumps({"kind": "discover", "where": "uptake_final < 0.10"}))
    words = "Alliances fail when guidance <= 0.66: 27% of failures, 79% of runs in the box fail."
    pd.DataFrame({"box": [1], "coverage": [0.27], "density": [0.79], "words": [words]}).to_parquet(found / "box_stats.parquet")
    half = results / "broken-study" / "discover" / "x"
    half.mkdir(parents=True)
    (half / "box_stats.parquet").write_bytes(b"PAR1 half")
    assert studies.inspect_study(results / "good-study", results).discoveries == [("uptake_final < 0.10", [words])]
    ui = render_page(studies.StudyPage(root=results))
    ui.select("Study folder").v_model = "good-study"
    shown = html.unescape(" ".join(str(w.template) for w in ui.rc.find(v.VuetifyTemplate).widgets))  # Markdown
    from model import outputs

    assert f"“{outputs.OUTPUTS['uptake_final'].label}” < 0.10" in shown and "79% of runs in the box fail" in shown
    assert "uptake_final" not in shown  # the condition in plain words, not the code name
    broken = studies.inspect_study(results / "broken-study", results)
    assert broken.discoveries == [] and any("discover/x" in p for p in broken.problems)


def test_study_notes_and_times_are_in_plain_words():
    from dashboard.studies import manifest_summary, plain_words
    from model import outputs

    note = plain_words("equity_gap_final: S1 CIs wider than the indices for mediation; N is too small to read them")
    assert "equity_gap_final" not in note and "CIs" not in note and " N " not in note
    assert outputs.OUTPUTS["equity_gap_final"].label in note
    summary = manifest_summary({"finished": "2026-12-02T14:05:03+00:00"})
    assert summary == "finished 2 Dec 2026 at 14:05 UTC"
