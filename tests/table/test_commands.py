"""The commands on a table: template, run, sweep, compare, allocate; what they refuse and what they record."""

from __future__ import annotations

import json

import pytest

import model
from experiments.strategies.strategy import load_strategy, strategy_path
from experiments.sweep.spec import load_spec
from model import alliance_table as at

from .conftest import REPO, RIVERSIDE, SEED, SMALL, SMALL_TIES, population_of, same_population, scenario_for, write_csv


@pytest.mark.parametrize("name", ["mine.xlsx", "mine.csv"])
def test_template_writes_the_default_country_with_a_guide(name, mus, tmp_path):
    out = tmp_path / name
    rc, stdout, stderr = mus("template", "--out", out, "--seed", SEED)
    assert rc == 0, stderr
    assert "381 stakeholders" in stdout and str(out) in stdout
    table = at.load_table(out)
    assert same_population(at.default_country(SEED), population_of(table, SEED)) == ["names"]
    if name.endswith(".csv"):
        guide = (tmp_path / "mine.guide.txt").read_text()
        assert (tmp_path / "mine.ties.csv").exists()
    else:
        import openpyxl

        book = openpyxl.load_workbook(out, read_only=True)
        assert book.sheetnames == ["guide", "stakeholders", "ties"]
        guide = "\n".join(str(r[0]) for r in book["guide"].iter_rows(values_only=True))
    assert guide.startswith("mus-alliance stakeholder table, format 1")
    for column in at.COLUMNS:
        assert f"  {column}: " in guide


def test_template_never_overwrites(mus, tmp_path):
    (tmp_path / "mine.ties.csv").write_text("keep me")
    rc, _, stderr = mus("template", "--out", tmp_path / "mine.csv")
    assert rc == 2 and "already exists" in stderr and stderr.count("\n") == 1
    assert not (tmp_path / "mine.csv").exists() and (tmp_path / "mine.ties.csv").read_text() == "keep me"
    rc, _, stderr = mus("template", "--out", tmp_path / "mine.txt")
    assert rc == 2 and "expected a .xlsx or .csv" in stderr


def test_run_on_a_table_records_what_came_from_it(mus, tmp_path):
    out = tmp_path / "run"
    rc, stdout, stderr = mus("run", RIVERSIDE, "--replicates", 2, "--steps", 12, "--out", out, "--quiet")
    assert rc == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    record = manifest["alliance_table"]
    assert record["file"].endswith("riverside.csv") and len(record["sha256"]) == 64
    assert record["values_from_table"]["power"] == "17 of 21 rows"
    assert "awareness" in record["columns_left_to_the_model"]
    assert record["parameters_set_by_table"]["n_districts"] == 2 and manifest["parameters"]["n_districts"] == 2
    assert "share_marginalised" in record["parameters_fixed_by_table"]
    assert "real names" in (out / "NOTICE.txt").read_text() and "NOTICE.txt" in stdout
    assert (out / "events.csv").read_text().count("Riverside MUS Project initiated") == 2


def test_a_run_without_a_table_has_no_notice(mus, tmp_path):
    rc, _, stderr = mus("run", REPO / "configs" / "baseline.toml", "--replicates", 1, "--steps", 2, "--out", tmp_path / "r", "--quiet")
    assert rc == 0, stderr
    assert not (tmp_path / "r" / "NOTICE.txt").exists()
    assert "alliance_table" not in json.loads((tmp_path / "r" / "manifest.json").read_text())


def test_parameters_the_table_fixes_are_refused_everywhere(mus, tmp_path):
    write_csv(tmp_path, "alliance.csv", SMALL, SMALL_TIES)
    # in the scenario
    scenario = scenario_for(tmp_path, "alliance.csv", "[parameters]\nn_districts = 3\nguidance = 0.9\n")
    rc, _, stderr = mus("run", scenario, "--out", tmp_path / "o", "--quiet")
    assert rc == 2 and "parameters.n_districts: fixed by the alliance table alliance.csv" in stderr
    # on the command line
    scenario = scenario_for(tmp_path, "alliance.csv")
    rc, _, stderr = mus("run", scenario, "--set", "initiator=ngo", "--out", tmp_path / "o", "--quiet")
    assert rc == 2 and "--set initiator: fixed by the alliance table" in stderr and "project office" in stderr
    assert not (tmp_path / "o").exists()
    # as a sweep factor, named; include = "numeric" leaves the fixed ones out
    spec = tmp_path / "study.toml"
    spec.write_text(f'method = "ofat"\nbase = "{scenario}"\nN = 2\n[factors]\nshare_marginalised = {{}}\nguidance = {{}}\n')
    with pytest.raises(model.ConfigError, match=r"factors\.share_marginalised: fixed by the alliance table"):
        load_spec(spec)
    spec.write_text(f'method = "morris"\nbase = "{scenario}"\nN = 2\ninclude = "numeric"\n')
    names = load_spec(spec).factor_names
    assert "share_marginalised" not in names and "guidance" in names and "share_blockers" in names
    # as a strategy's setting
    strategy = tmp_path / "s.toml"
    strategy.write_text("[strategy]\nname = 'x'\n[settings]\nshare_marginalised = 0.5\n")
    with pytest.raises(model.ConfigError, match=r"settings\.share_marginalised: fixed by the alliance table"):
        load_strategy(strategy, model.load_scenario(scenario))


@pytest.mark.slow  # two commands on whole runs (~10 s)
def test_compare_and_allocate_play_the_table(mus, tmp_path):
    out = tmp_path / "cmp"
    # 60 months: past the project's exit (month 54), so uptake after exit is defined for the report
    rc, stdout, stderr = mus("compare", "business-as-usual", "pilot-heavy", "--base", RIVERSIDE, "--replicates", 3,
                             "--steps", 60, "--workers", 1, "--out", out, "--quiet")
    assert rc == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["base"]["alliance_table"]["stakeholders"] == 194  # 13 organisations, the project office, 3 named groups, 177 villages
    assert manifest["communities"] == 180
    rerun = manifest["strategies"][1]["rerun"]
    assert str(RIVERSIDE) in rerun and not any("population_table" in a or "n_districts" in a for a in rerun)
    assert (out / "NOTICE.txt").exists()
    out = tmp_path / "alloc"
    rc, _, stderr = mus("allocate", "--budget", 600, "--base", RIVERSIDE, "--replicates", 2, "--steps", 60,
                        "--workers", 1, "--out", out, "--quiet")
    assert rc == 0, stderr
    assert json.loads((out / "manifest.json").read_text())["base"]["alliance_table"]["districts"] == 2
    assert (out / "NOTICE.txt").exists()


def test_a_scenario_table_path_is_relative_to_the_scenario(tmp_path, monkeypatch):
    folder = tmp_path / "deep" / "er"
    folder.mkdir(parents=True)
    write_csv(folder, "alliance.csv", SMALL, SMALL_TIES)
    scenario = scenario_for(folder, "alliance.csv")
    monkeypatch.chdir(tmp_path)
    assert model.load_scenario(scenario).table.names[0] == "Water ministry"
    (folder / "scenario.toml").write_text('[population]\ntable = "alliance.csv"\ntypo = 1\n')
    with pytest.raises(model.ConfigError, match="population.typo: unknown key"):
        model.load_scenario(scenario)


def test_a_study_notices_an_edited_table(mus, tmp_path):
    """A sweep resumes only the same study: the table's content (sha256) is part of its spec."""
    write_csv(tmp_path, "alliance.csv", SMALL, SMALL_TIES)
    scenario = scenario_for(tmp_path, "alliance.csv")
    spec = tmp_path / "study.toml"
    spec.write_text(f'method = "ofat"\nbase = "{scenario}"\nN = 2\nsteps = 3\noutputs = ["uptake_final"]\n'
                    '[factors]\nguidance = {}\n')
    out = tmp_path / "study"
    rc, _, stderr = mus("sweep", spec, "--out", out, "--workers", 1, "--no-progress")
    assert rc == 0, stderr
    write_csv(tmp_path, "alliance.csv", SMALL.replace("0.9,blocker", "0.8,blocker"), SMALL_TIES)
    rc, _, stderr = mus("sweep", spec, "--out", out, "--workers", 1, "--no-progress")
    assert rc == 2 and "base_params.population_table" in stderr and "sha256" in stderr
