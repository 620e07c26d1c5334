"""`mus-alliance calibrate` steps an ABC generation's candidates x replicates together through `model.run_batch`:
the batch size changes no number (candidates, posterior, history), a task holds whole candidates whose runs
fill a batch, and a calibration cut short resumes with another batch size to the uninterrupted numbers."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import model
from experiments.calibrate.spec import load_calibration

from .conftest import write
from .test_calibrate import MODEL_BASE

TABLES = ("candidates", "posterior", "history")


def tiny_calibration(folder, batch_size: int | None = None):
    write(folder / "base.toml", MODEL_BASE.replace("steps = 24", "steps = 12"))
    return write(folder / "cal.toml", f"""
        base = "base.toml"
        replicates = 3
        seed = 4
        {'' if batch_size is None else f'batch_size = {batch_size}'}
        [abc]
        population = 4
        rejection_candidates = 10
        generations = 1
        max_candidates = 8
        [parameters]
        meetings_per_year = {{ low = 1, high = 12 }}
        [patterns.meetings]
        statistic = "meetings + meetings_missed"
        target = [3, 6]
        tolerance = 1
        source = "a test"
    """)


def tables(folder) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(folder / f"{t}.parquet").drop(columns=["seconds"], errors="ignore") for t in TABLES}


def test_batch_sizes_change_no_number_and_a_task_fills_a_batch_with_whole_candidates(mus, tmp_path, batch_sizes):
    spec = tiny_calibration(tmp_path)
    assert load_calibration(spec).batch_size == model.DEFAULT_BATCH
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "one", "--workers", "1", "--no-progress", "--batch-size", "1")
    assert rc == 0, err
    assert set(batch_sizes) == {1}
    batch_sizes.clear()
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "seven", "--workers", "1", "--no-progress", "--batch-size", "7")
    assert rc == 0, err
    # 7 // 3 replicates = 2 candidates (6 runs) per task: generation 0's 10 candidates in 5 batches of 6, and
    # generation 1 the same way (it stops at abc.max_candidates = 8 at most)
    assert batch_sizes[:5] == [6] * 5 and set(batch_sizes) <= {3, 6}
    one, seven = tables(tmp_path / "one"), tables(tmp_path / "seven")
    for t in TABLES:
        pd.testing.assert_frame_equal(one[t], seven[t])
    # the calibration did something: candidates differ, so equal tables are not two empty answers
    assert one["candidates"]["meetings_per_year"].nunique() > 5 and len(one["posterior"]) == 4


def test_a_cut_calibration_resumes_with_another_batch_size_to_the_same_numbers(mus, tmp_path):
    spec = tiny_calibration(tmp_path, batch_size=4)
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "full", "--workers", "1", "--no-progress")
    assert rc == 0, err
    shutil.copytree(tmp_path / "full", tmp_path / "cut")
    parts = sorted((tmp_path / "cut" / "runs").glob("part-*.parquet"))
    for p in parts[len(parts) // 2:]:
        p.unlink()
    kept = sum(len(pd.read_parquet(p)) for p in parts[:len(parts) // 2])
    assert 0 < kept < len(pd.read_parquet(tmp_path / "full" / "candidates.parquet"))  # the resume has work to do
    for name in ("posterior.parquet", "candidates.parquet", "worlds.parquet"):
        (tmp_path / "cut" / name).unlink(missing_ok=True)
    spec = tiny_calibration(tmp_path, batch_size=5)  # not a change of the calibration: it resumes
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "cut", "--workers", "2", "--no-progress")
    assert rc == 0, err
    full, cut = tables(tmp_path / "full"), tables(tmp_path / "cut")
    for t in TABLES:
        pd.testing.assert_frame_equal(full[t], cut[t])


@pytest.mark.parametrize("line, problem", [("batch_size = 0", "batch_size: 0 is outside 1 to 1024"),
                                           ("batch_size = 2.5", "batch_size: expected a whole number of runs, got 2.5")])
def test_a_bad_batch_size_is_refused_in_one_line(mus, tmp_path, line, problem):
    spec = tiny_calibration(tmp_path)
    spec.write_text(spec.read_text(encoding="utf-8").replace("seed = 4\n", f"seed = 4\n{line}\n", 1), encoding="utf-8")
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--no-progress")
    assert rc == 2 and len(err.strip().splitlines()) == 1 and problem in err, err
    assert not (tmp_path / "cal").exists()
