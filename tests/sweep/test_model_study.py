"""A tiny study of the model itself: it runs end to end, and any row of its results is reproduced exactly by
`mus-alliance run` with that row's seed and parameter values."""

from __future__ import annotations

import pandas as pd

from experiments.sweep.design import rerun_args
from experiments.sweep.spec import load_spec

from .conftest import BASELINE, write_spec

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
        assert again[name].iloc[0] == row[name], name  # exactly: same seed, same parameters, same numbers
