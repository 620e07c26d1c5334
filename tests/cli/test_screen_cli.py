"""`mus-alliance screen` and `mus-alliance outputs`: the lever screen and the output registry on the command line."""

import json

import numpy as np
import pandas as pd

from experiments.screen import MAIN_OUTPUTS

from model import outputs


def test_screen_moves_a_parameter_across_its_plausible_range(mus, tmp_path):
    out = tmp_path / "screen.csv"
    rc, stdout, err = mus("screen", "--parameters", "pilots_per_year,bass_p", "--seeds", "3", "--steps", "36",
                          "--workers", "1", "--out", str(out))
    assert rc == 0, err
    full = pd.read_csv(out)
    assert list(full["output"].unique()) == list(MAIN_OUTPUTS)  # every main outcome, in the declared order
    table = full[full.output == "uptake_final"].set_index("parameter")
    assert list(table.index) != [] and set(table.index) == {"pilots_per_year", "bass_p"}
    assert (table.loc["pilots_per_year", ["low", "high"]] == [2, 24]).all()  # the registry's plausible range
    assert table.loc["pilots_per_year", "mean_change"] > 0  # more pilots, more uptake (hosts implement)
    # acting means more than 3 standard errors from 0; the noise floor is (3 + 0.84) SD / sqrt(pairs)
    assert (full["acting"] == (full["mean_change"].abs() > 3 * full["se"])).all()
    sd = full["se"] * np.sqrt(full["pairs"])
    assert np.allclose(full["noise_floor"], 3.84 * sd / np.sqrt(full["pairs"]), equal_nan=True)
    assert full.loc[full.output == "uptake_after_exit", "pairs"].eq(0).all()  # undefined before exit: no pairs
    assert "noise floor" in stdout and stdout.count("parameters act") == len(MAIN_OUTPUTS)


def test_screen_refuses_unknown_parameters_and_outputs_in_one_line(mus, tmp_path):
    for args, word in ((["--parameters", "pilots_per_yeer"], "pilots_per_yeer"),
                       (["--parameters", "mobilisation_order"], "mobilisation_order"),
                       (["--output", "uptake"], "uptake"), (["--seeds", "1"], "--seeds"),
                       (["--outputs", ","], "--outputs")):
        rc, stdout, err = mus("screen", *args, "--out", str(tmp_path / "x.csv"))
        assert rc == 2 and word in err and len(err.strip().splitlines()) == 1, (args, err)
    assert not (tmp_path / "x.csv").exists()


def test_outputs_lists_the_output_registry(mus):
    rc, stdout, _ = mus("outputs", "--json")
    rows = json.loads(stdout)
    assert [r["name"] for r in rows if r["monthly"]] == list(outputs.SERIES_NAMES)
    assert {r["name"] for r in rows if r["per_run"]} == set(outputs.SUMMARY_NAMES)
