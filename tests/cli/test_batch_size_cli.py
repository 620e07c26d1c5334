"""`--batch-size` on every command that runs the model: `run`, `screen` and `pathways` step their runs through
`model.run_batch` in batches of the size asked, the batch size changes no number, and a bad value is refused in
one line naming the option (exit 2, nothing written)."""

from __future__ import annotations

import pandas as pd
import pytest

from .test_run_cli import BASELINE as CONFIG, ROOT


def test_run_steps_its_replicates_in_batches_and_the_batch_size_changes_no_number(mus, tmp_path, batch_sizes):
    args = ("run", CONFIG, "--replicates", "5", "--steps", "12", "--quiet")
    rc, _, err = mus(*args, "--out", tmp_path / "one", "--batch-size", "1")
    assert rc == 0, err
    assert batch_sizes == [1] * 5
    batch_sizes.clear()
    rc, _, err = mus(*args, "--out", tmp_path / "three", "--batch-size", "3")
    assert rc == 0, err
    assert batch_sizes == [3, 2]
    for table in ("summary", "timeseries"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"one/{table}.parquet"),
                                      pd.read_parquet(tmp_path / f"three/{table}.parquet"))
    assert (tmp_path / "one/events.csv").read_bytes() == (tmp_path / "three/events.csv").read_bytes()
    assert pd.read_parquet(tmp_path / "one/summary.parquet")["seed"].is_unique


def test_screen_and_pathways_batch_their_runs_and_the_batch_size_changes_no_number(mus, tmp_path, batch_sizes):
    screen = ("screen", "--parameters", "pilots_per_year", "--seeds", "3", "--steps", "12", "--workers", "1")
    assert mus(*screen, "--out", tmp_path / "s1.csv", "--batch-size", "1")[0] == 0
    assert batch_sizes == [1] * 6  # 2 ends x 3 seeds
    batch_sizes.clear()
    rc, _, err = mus(*screen, "--out", tmp_path / "s4.csv", "--batch-size", "4")
    assert rc == 0 and batch_sizes == [4, 2]
    assert "6/6 runs" in err and "runs/s" in err and "ETA" in err  # progress counts runs
    assert (tmp_path / "s1.csv").read_bytes() == (tmp_path / "s4.csv").read_bytes()

    pathways = ("pathways", "--only", "empowerment", "--seeds", "3", "--steps", "12", "--workers", "1")
    assert mus(*pathways, "--out", tmp_path / "p1", "--batch-size", "1")[0] == 0
    batch_sizes.clear()
    assert mus(*pathways, "--out", tmp_path / "p5", "--batch-size", "5")[0] == 0
    assert batch_sizes == [5, 1]
    for name in ("contrasts.csv", "runs.csv"):
        assert (tmp_path / "p1" / name).read_bytes() == (tmp_path / "p5" / name).read_bytes()


@pytest.mark.parametrize("command", [
    ("run", CONFIG), ("screen", "--parameters", "bass_p"), ("pathways", "--only", "empowerment"),
    ("compare", "business-as-usual"), ("allocate", "--budget", "1000"),
    ("calibrate", ROOT / "configs/calibration/default.toml"), ("sweep", ROOT / "configs/sweeps/demo.toml"),
])
@pytest.mark.parametrize("value", ["0", "many", "4096"])
def test_a_bad_batch_size_is_refused_in_one_line_naming_the_option(mus, tmp_path, command, value):
    rc, out, err = mus(*command, "--out", tmp_path / "out", "--batch-size", value)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "--batch-size" in err, err
    assert not (tmp_path / "out").exists()
