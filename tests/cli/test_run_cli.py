"""`mus-alliance run` and `params` from a user's side: outputs, reproducibility, refusal of bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from model import registry

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.toml"


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "experiments.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "baseline"
    proc = cli("run", BASELINE, "--replicates", 3, "--steps", 36, "--seed", 11, "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_run_writes_tables_figure_events_and_manifest(baseline_run):
    out, proc = baseline_run
    for name in ("timeseries.parquet", "timeseries.csv", "summary.parquet", "summary.csv", "events.csv",
                 "outcomes.png", "outcomes.svg", "manifest.json"):
        assert (out / name).stat().st_size > 0, name
    ts = pd.read_parquet(out / "timeseries.parquet")
    assert sorted(ts["replicate"].unique()) == [0, 1, 2] and ts["step"].max() == 36
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seeds"] == [11, 12, 13] and manifest["parameters"]["meetings_per_year"] == 4
    assert str(out) in proc.stdout
    events = pd.read_csv(out / "events.csv")
    assert len(events) > 10 and events["text"].str.len().min() > 10


def test_a_replicate_reruns_alone_from_its_seed(baseline_run, tmp_path):
    out, _ = baseline_run
    row = pd.read_parquet(out / "summary.parquet").iloc[2]
    proc = cli("run", BASELINE, "--replicates", 1, "--steps", 36, "--seed", int(row["seed"]), "--out", tmp_path / "one", "--quiet")
    assert proc.returncode == 0, proc.stderr
    again = pd.read_parquet(tmp_path / "one" / "summary.parquet").iloc[0]
    assert again.drop(["replicate"]).equals(row.drop(["replicate"]))


def test_set_overrides_a_parameter(tmp_path):
    proc = cli("run", BASELINE, "--replicates", 1, "--steps", 12, "--set", "meetings_per_year=12",
               "--set", "mobilisation_order=top_down", "--out", tmp_path / "o", "--quiet")
    assert proc.returncode == 0, proc.stderr
    params = json.loads((tmp_path / "o" / "manifest.json").read_text())["parameters"]
    assert params["meetings_per_year"] == 12 and params["mobilisation_order"] == "top_down"


BAD_CONFIGS = {
    "unknown parameter": ("[parameters]\nmeetings_per_yaer = 4\n", "meetings_per_yaer: unknown parameter"),
    "wrong type": ("[parameters]\nmeetings_per_year = \"often\"\n", "meetings_per_year: expected a number"),
    "out of range": ("[parameters]\ntransparency = 1.5\n", "transparency: 1.5 is out of range [0, 1]"),
    "unknown order": ("[parameters]\nmobilisation_order = \"sideways\"\n",
                      "mobilisation_order: 'sideways' is not allowed; allowed values: core_group"),
    "unknown section": ("[parametres]\n", "parametres: unknown section"),
    "bad run setting": ("[run]\nsteps = -3\n", "run.steps: -3 is out of range"),
    "not toml": ("[parameters\n", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_config_is_refused_in_one_line_and_nothing_written(case, tmp_path):
    text, fragment = BAD_CONFIGS[case]
    config = tmp_path / "bad.toml"
    config.write_text(text)
    out = tmp_path / "out"
    proc = cli("run", config, "--out", out, "--quiet")
    assert proc.returncode == 2
    assert fragment in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


@pytest.mark.parametrize("args, fragment", [
    (["run", "configs/nowhere.toml"], "no such config file"),
    (["run", "configs"], "is a folder"),
    (["run", "configs/baseline.toml", "--set", "bogus=1"], "bogus: unknown parameter"),
    (["run", "configs/baseline.toml", "--set", "pilot_duration=half"], "pilot_duration: expected an integer"),
    (["run", "configs/baseline.toml", "--set", "initiator=aliens"], "allowed values: project, knowledge_institute"),
    (["run", "configs/baseline.toml", "--replicates", "0"], "run.replicates: 0 is out of range"),
    (["run", "configs/baseline.toml", "--set", "guidance"], "--set guidance: expected NAME=VALUE"),
    (["allocate", "--budget", "1000", "--strategy", "nope"], "nope.toml: no such config file"),
])
def test_bad_command_line_is_refused_in_one_line(args, fragment, tmp_path):
    proc = cli(*args, "--out", tmp_path / "out", "--quiet")
    assert proc.returncode == 2 and fragment in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_a_folder_of_other_results_is_not_overwritten(tmp_path):
    precious = tmp_path / "study"
    precious.mkdir()
    (precious / "data.csv").write_text("keep me")
    proc = cli("run", BASELINE, "--replicates", 1, "--steps", 3, "--out", precious, "--quiet")
    assert proc.returncode == 2 and "choose another --out" in proc.stderr
    assert (precious / "data.csv").read_text() == "keep me"


def test_params_lists_every_parameter():
    proc = cli("params", "--json")
    rows = json.loads(proc.stdout)
    assert [r["name"] for r in rows] == [p.name for p in registry.PARAMETERS]
    assert {"name", "default", "range", "unit", "step", "meaning"} <= set(rows[0])
    text = cli("params").stdout
    assert all(p.name in text for p in registry.PARAMETERS) and "[facilitation]" in text


@pytest.mark.parametrize("args, fragment", [
    (["run", "configs/baseline.toml", "--steps", "abc"], "argument --steps: invalid int value: 'abc'"),
    (["nonsense"], "invalid choice: 'nonsense'"),
])
def test_bad_options_get_one_line_not_a_usage_dump(args, fragment):
    proc = cli(*args)
    assert proc.returncode == 2 and fragment in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


@pytest.mark.parametrize("text, message", [
    ("[scenario]\nname = 'x'\n[guidance]\nvalue = 0.5\n",
     "guidance: a parameter, not a section; set it under [parameters] as guidance = <value> ([0, 1])"),
    ("[paramters]\nguidance = 0.5\n", "paramters: unknown section; did you mean [parameters]?"),
    ("[budget]\ntotal = 3\n", "budget: unknown section; the sections are [scenario], [run], [parameters], [population]"),
])
def test_a_section_that_is_not_one_is_named_for_what_it_is(mus, tmp_path, text, message):
    path = tmp_path / "s.toml"
    path.write_text(text)
    rc, _, err = mus("run", path, "--out", tmp_path / "o", "--quiet")
    assert rc == 2 and err.strip().endswith(message) and len(err.strip().splitlines()) == 1, err
