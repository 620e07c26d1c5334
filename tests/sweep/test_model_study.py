"""A tiny study of the model itself: it runs end to end, any row of its results is reproduced exactly by
`mus-alliance run` with that row's seed and parameter values, and a resumed study keeps its base scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import model
from experiments.sweep import engine
from experiments.sweep.design import rerun_args, run_items
from experiments.sweep.engine import run_study
from experiments.sweep.spec import load_spec
from model.registry import REGISTRY

from .conftest import BASELINE, interrupt_after_part, results, rows_on_disk, write_spec

OUTPUTS = ["uptake_final", "dropouts", "cost_total", "months_to_50"]


def test_a_model_study_runs_and_each_row_reruns_alone(tmp_path, mus):
    spec_path = write_spec(tmp_path, f"""
        method = "sobol"
        base = "{BASELINE}"
        N = 2
        replicates = 2
        steps = 24
        seed = 8
        outputs = {OUTPUTS}
        [factors]
        guidance = {{}}
        mobilisation_order = {{ choices = ["top_down", "bottom_up"] }}
    """)
    out = tmp_path / "study"
    rc, _, err = mus("sweep", spec_path, "--out", out, "--no-progress", "--workers", "2")
    assert rc == 0, err
    table = pd.read_parquet(out / "results.parquet")
    assert len(table) == 2 * (2 + 2) * 2 and table["error"].eq("").all()  # N (D + 2) x replicates
    assert table["seed"].is_unique
    assert (out / "figures/sobol_uptake_final.png").exists()

    row = table.iloc[7].to_dict()  # a full-precision sampled point (repr must carry it exactly), replicate 1
    rc, _, err = mus(*rerun_args(load_spec(spec_path), row), "--out", tmp_path / "rerun", "--quiet")
    assert rc == 0, err
    again = pd.read_parquet(tmp_path / "rerun/summary.parquet")  # one replicate: one row
    assert len(again) == 1 and again["seed"].iloc[0] == row["seed"]
    for name in OUTPUTS:
        assert again[name].iloc[0] == row[name] or (np.isnan(row[name]) and np.isnan(again[name].iloc[0])), name  # exactly: same seed, same parameters, same numbers


# A small country whose every parameter here differs from the registry default (checked in the test), so a
# run that fell back to the defaults would give other numbers.
SMALL_COUNTRY = {"n_districts": 2, "n_pilot_communities": 20, "n_outside_communities": 60,
                 "project_exit_month": 18, "pilots_per_year": 24.0, "dissemination_events_per_year": 12.0}


@pytest.mark.slow
def test_a_resumed_model_study_keeps_its_base_scenarios_parameters(tmp_path, monkeypatch, mus):
    assert all(REGISTRY[name].default != value for name, value in SMALL_COUNTRY.items())
    base = tmp_path / "small_country.toml"
    base.write_text("[run]\nsteps = 36\nseed = 5\n[parameters]\n"
                    + "".join(f"{k} = {v}\n" for k, v in SMALL_COUNTRY.items()), encoding="utf-8")
    body = """
        method = "sobol"
        base = "{base}"
        N = 4
        replicates = 2
        steps = 36
        seed = 5
        outputs = {outputs}
        [factors]
        guidance = {{}}
    """
    spec_path = write_spec(tmp_path, body.format(base=base, outputs=OUTPUTS[:3]), "small")  # 4 x 3 x 2 = 24 runs
    run_study(load_spec(spec_path), tmp_path / "reference", workers=2, progress=False)

    out = tmp_path / "study"
    monkeypatch.setattr(engine, "PROBE_RUNS", 2)  # the first part holds 2 runs: the rest waits for the resume
    interrupt_after_part(monkeypatch, 1)
    try:
        run_study(load_spec(spec_path), out, workers=2, progress=False)
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    assert rows_on_disk(out) == 2
    rc, _, err = mus("sweep", spec_path, "--out", out, "--no-progress", "--workers", "2")  # the resume, as a user runs it
    assert rc == 0, err
    assert (out / "results.parquet").read_bytes() == (tmp_path / "reference/results.parquet").read_bytes()

    # The same study on the default scenario gives other numbers for the resumed runs: a resume that lost the
    # base scenario's parameters would have given those, so the comparison above can fail.
    default = write_spec(tmp_path, body.format(base=BASELINE, outputs=OUTPUTS[:3]), "default")
    run_study(load_spec(default), tmp_path / "on_default", workers=2, progress=False)
    resumed = results(tmp_path / "reference").iloc[2:][OUTPUTS[:3]].reset_index(drop=True)
    assert not resumed.equals(results(tmp_path / "on_default").iloc[2:][OUTPUTS[:3]].reset_index(drop=True))


# A tiny country (fast tier): every parameter differs from the registry default and from the baseline
# scenario's value, so a run that lost them would give other numbers.
TINY_COUNTRY = {"n_districts": 1, "n_pilot_communities": 10, "n_outside_communities": 20,
                "project_exit_month": 8, "pilots_per_year": 30.0}
TINY_OUTPUTS = ["cost_total", "members_final", "awareness_final", "dropouts"]


def test_a_resumed_tiny_model_study_equals_the_uninterrupted_one_and_direct_runs_on_its_base(tmp_path, monkeypatch):
    """Fast-tier guard for issue 12's "a resumed model study loses its base scenario's parameters": 12 runs of
    18 months in a country of 30 communities; interrupted after its first 2 runs are saved, then resumed. The resume
    must give the uninterrupted study's results bit for bit, and every run must equal `model.run_model` on the
    base scenario's parameters plus the run's factor values and seed (the base parameters taken from this test,
    not from the spec, so a spec or engine that dropped them cannot agree with itself)."""
    assert all(REGISTRY[name].default != value for name, value in TINY_COUNTRY.items())
    base = tmp_path / "tiny_country.toml"
    base.write_text("[run]\nsteps = 18\nseed = 3\n[parameters]\n"
                    + "".join(f"{k} = {v}\n" for k, v in TINY_COUNTRY.items()), encoding="utf-8")
    spec_path = write_spec(tmp_path, f"""
        method = "sobol"
        base = "{base}"
        N = 2
        replicates = 2
        steps = 18
        seed = 3
        outputs = {TINY_OUTPUTS}
        [factors]
        guidance = {{}}
    """, "tiny")  # N (D + 2) x replicates = 2 x 3 x 2 = 12 runs
    spec = load_spec(spec_path)
    reference = run_study(spec, tmp_path / "reference", workers=1, progress=False)

    out = tmp_path / "study"
    with monkeypatch.context() as m:
        m.setattr(engine, "PROBE_RUNS", 2)  # the first part holds 2 runs: the rest waits for the resume
        interrupt_after_part(m, 1)
        with pytest.raises(KeyboardInterrupt):
            run_study(spec, out, workers=1, progress=False)
    assert rows_on_disk(out) == 2
    with monkeypatch.context() as m:
        m.setattr(engine, "PROBE_RUNS", 1)  # the resume times one run here: the other 9 go through the workers
        run_study(load_spec(spec_path), out, workers=1, progress=False)  # the resume, from the spec file again
    assert (out / "results.parquet").read_bytes() == (tmp_path / "reference/results.parquet").read_bytes()

    table = results(out).set_index("run_id")
    differs_from_default = 0
    for run_id, values, seed in run_items(spec, reference.runs):
        direct = model.run_model({**TINY_COUNTRY, **values}, seed=seed, steps=18).summary
        row = table.loc[run_id]
        for name in TINY_OUTPUTS:  # exactly: same parameters, same seed, same numbers
            assert row[name] == direct[name] or (np.isnan(row[name]) and np.isnan(direct[name])), (run_id, name)
        on_default = model.run_model(values, seed=seed, steps=18).summary
        differs_from_default += any(on_default[name] != direct[name] for name in TINY_OUTPUTS)
    # the base parameters matter for every run, so a resume that lost them could not pass the check above
    assert differs_from_default == len(table) == 12
