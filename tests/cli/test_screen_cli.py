"""`mus-alliance screen` and `mus-alliance outputs`: the lever screen and the output registry on the command line."""

import json

import pandas as pd

from model import outputs


def test_screen_moves_a_parameter_across_its_plausible_range(mus, tmp_path):
    out = tmp_path / "screen.csv"
    rc, stdout, err = mus("screen", "--parameters", "pilots_per_year,bass_p", "--seeds", "3", "--steps", "36",
                          "--workers", "1", "--out", str(out))
    assert rc == 0, err
    table = pd.read_csv(out).set_index("parameter")
    assert list(table.index) != [] and set(table.index) == {"pilots_per_year", "bass_p"}
    assert (table.loc["pilots_per_year", ["low", "high"]] == [2, 24]).all()  # the registry's plausible range
    assert table.loc["pilots_per_year", "mean_change"] > 0  # more pilots, more uptake (hosts implement)


def test_screen_refuses_unknown_parameters_and_outputs_in_one_line(mus, tmp_path):
    for args, word in ((["--parameters", "pilots_per_yeer"], "pilots_per_yeer"),
                       (["--parameters", "mobilisation_order"], "mobilisation_order"),
                       (["--output", "uptake"], "uptake"), (["--seeds", "1"], "--seeds")):
        rc, stdout, err = mus("screen", *args, "--out", str(tmp_path / "x.csv"))
        assert rc == 2 and word in err and len(err.strip().splitlines()) == 1, (args, err)
    assert not (tmp_path / "x.csv").exists()


def test_outputs_lists_the_output_registry(mus):
    rc, stdout, _ = mus("outputs", "--json")
    rows = json.loads(stdout)
    assert [r["name"] for r in rows if r["monthly"]] == list(outputs.SERIES_NAMES)
    assert {r["name"] for r in rows if r["per_run"]} == set(outputs.SUMMARY_NAMES)
