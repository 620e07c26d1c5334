"""The engine on plain functions: Ishigami indices recovered; Ctrl-C stops a study at once; interruption (Ctrl-C, kill -9) and resume give
the uninterrupted study bit for bit; a broken pool costs nothing; worker counts change nothing; changed
specs and damaged folders are refused without touching a file."""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from experiments.sweep import engine, store
from experiments.sweep.engine import chunk_sizes, run_study
from experiments.sweep.execute import local_backend
from experiments.sweep.functions import ishigami_indices
from experiments.sweep.spec import load_spec

from .conftest import (
    REPO, group_alive, interrupt_after_part, results, rows_on_disk, runs_logged, saved_runs, slow_spec, snapshot,
    sobol_ishigami_spec, sweep_process, wait_for, write_spec,
)


def small_spec(folder, N=64, replicates=3, function="noisy_ishigami", name="small", extra=""):
    return sobol_ishigami_spec(folder, function, name, N, replicates, seed=3, extra=extra)


@pytest.mark.slow
def test_ishigami_indices_are_recovered_within_their_confidence_intervals(tmp_path, mus):
    rc, stdout, _ = mus("sweep", REPO / "configs/sweeps/ishigami.toml", "--out", tmp_path / "ish", "--no-progress")
    assert rc == 0 and "x1 ST" in stdout
    table = pd.read_parquet(tmp_path / "ish/tables/sobol.parquet").set_index("factor")
    truth = ishigami_indices()
    for index in ("S1", "ST"):
        for factor, value in truth[index].items():
            estimate, conf = table.loc[factor, index], table.loc[factor, f"{index}_conf"]
            # SALib's conf is the half-width of a 95 % bootstrap CI; at N = 1024 (5,120 runs) the estimates lie
            # within 0.015 of the analytic values (sweeps.md), so a row-order or mapping bug cannot hide.
            assert abs(estimate - value) <= conf, (index, factor, estimate, value, conf)
            assert abs(estimate - value) < 0.05
    assert (tmp_path / "ish/figures/sobol_y.png").stat().st_size > 0
    assert (tmp_path / "ish/figures/sobol_y.svg").stat().st_size > 0
    assert set(pd.read_csv(tmp_path / "ish/results.csv").columns) >= {"run_id", "point", "replicate", "seed", "x1", "y"}
    manifest = json.loads((tmp_path / "ish/manifest.json").read_text())
    assert manifest["problem"]["names"] == ["x1", "x2", "x3"] and manifest["spec"]["N"] == 1024
    assert manifest["seeds"]["study_seed"] == 42 and "SeedSequence" in manifest["seeds"]["rule"]
    assert manifest["versions"]["SALib"] and "commit" in manifest["git"] and "N = 1024" in manifest["spec_text"]
    assert manifest["started"] <= manifest["finished"] and manifest["sessions"][0]["runs_after"] == 5120


@pytest.mark.slow
def test_ctrl_c_stops_the_study_at_once_and_after_kill_9_a_resume_gives_the_uninterrupted_study_bit_for_bit(tmp_path, mus):
    spec = slow_spec(tmp_path, N=256, replicates=2)  # 2,560 runs of ~5 ms
    total = 256 * 5 * 2
    assert mus("sweep", spec, "--out", tmp_path / "reference", "--no-progress")[0] == 0

    out, log = tmp_path / "study", tmp_path / "runs.log"
    proc = sweep_process(spec, out, "--workers", "2", env={"SWEEP_RUN_LOG": str(log)})
    # Ctrl-C once the first part is saved (the runs timed before the pool starts) and the workers are busy.
    wait_for(lambda: saved_runs(out) > 0 and runs_logged(log) > saved_runs(out) + 100, what="busy workers")
    at_signal = runs_logged(log)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    at_exit = runs_logged(log)
    assert proc.returncode == 130 and "run the same command to resume" in err, err
    # Liveness, counted in runs, not seconds: the workers are terminated, so only runs started before the
    # driver saw the signal count; the bound of half the study allows the driver ~2 s (~800 runs on 2
    # workers at 5 ms) to see it on a loaded machine. A pool that goes on computes all 2,560 (that bug
    # depends on a race, lost in 3 of 4 tries here; the unit test below checks the stop deterministically).
    assert at_signal < total // 8 and at_exit < total // 2, (at_signal, at_exit)
    wait_for(lambda: not group_alive(proc.pid), timeout=10, what="the workers to end")  # terminated, not orphaned
    assert runs_logged(log) == at_exit  # nothing computed after the driver left
    after_ctrl_c = saved_runs(out)
    assert json.loads((out / "manifest.json").read_text())["sessions"][0]["runs_after"] == after_ctrl_c

    proc = sweep_process(spec, out, "--workers", "2")
    wait_for(lambda: saved_runs(out) > after_ctrl_c, what="more saved runs")
    os.kill(proc.pid, signal.SIGKILL)  # the driver only, as `kill -9 PID` would; its workers are orphaned
    proc.wait(timeout=10)  # reap it as a shell would: its orphaned workers notice within a second and exit
    proc.communicate(timeout=60)  # they held its output pipes
    assert proc.returncode == -signal.SIGKILL
    after_kill = saved_runs(out)
    assert 0 < after_ctrl_c < after_kill < total  # both stops happened mid-study
    assert not (out / "results.parquet").exists()

    rc, _, _ = mus("sweep", spec, "--out", out, "--no-progress", "--workers", "2")
    assert rc == 0
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [s["runs_before"] for s in sessions] == [0, after_ctrl_c, after_kill]  # saved runs were skipped
    assert [s["runs_after"] for s in sessions] == [after_ctrl_c, after_kill, total]  # the killed one from disk
    for name in ("results.parquet", "results.csv", "tables/sobol.parquet", "tables/noise.csv"):
        assert (out / name).read_bytes() == (tmp_path / "reference" / name).read_bytes(), name


def test_discarding_the_local_pool_cancels_what_has_not_started_and_ends_its_workers_before_returning():
    before = set(multiprocessing.active_children())
    backend = local_backend(2, [])
    executor = backend.executor()
    futures = [executor.submit(time.sleep, 0.5) for _ in range(20)]
    wait_for(lambda: futures[0].running(), what="a task to start")
    workers = set(multiprocessing.active_children()) - before
    del executor  # as the engine does: only the backend holds the pool
    backend.discard()
    assert len(workers) == 2 and not any(p.is_alive() for p in workers)
    assert all(f.done() for f in futures)  # nothing left to run: cancelled, or failed when its worker ended
    # At most 2 running + 3 queued tasks had left the pool's queue; every other one is cancelled.
    assert sum(f.cancelled() for f in futures) >= 20 - 5


@pytest.mark.slow
@pytest.mark.parametrize("interrupted_part", [1, 3])  # the first runs' part; a part of the pool's runs
def test_an_interrupt_just_after_a_part_is_saved_leaves_a_manifest_that_counts_it(tmp_path, monkeypatch,
                                                                                   interrupted_part):
    spec = load_spec(slow_spec(tmp_path, N=16))  # 160 runs of ~5 ms in tasks of ~10-20 runs
    run_study(spec, tmp_path / "reference", workers=2, progress=False)
    monkeypatch.setattr(engine, "Saver", functools.partial(store.Saver, interval=0.0))  # a part per task
    written = interrupt_after_part(monkeypatch, interrupted_part)
    out = tmp_path / "study"
    with pytest.raises(KeyboardInterrupt):
        run_study(spec, out, workers=2, progress=False)
    on_disk = rows_on_disk(out)
    assert written[-1].exists() and 0 < on_disk < 160
    assert json.loads((out / "manifest.json").read_text())["sessions"][0]["runs_after"] == on_disk

    monkeypatch.undo()
    run_study(spec, out, workers=2, progress=False)
    sessions = json.loads((out / "manifest.json").read_text())["sessions"]
    assert [(s["runs_before"], s["runs_after"]) for s in sessions] == [(0, on_disk), (on_disk, 160)]
    assert (out / "results.parquet").read_bytes() == (tmp_path / "reference/results.parquet").read_bytes()


def test_worker_count_and_chunking_change_no_number(tmp_path):
    spec = load_spec(slow_spec(tmp_path, N=16))  # 160 runs of ~5 ms: other task sizes on 1 and 4 workers
    run_study(spec, tmp_path / "one", workers=1, progress=False)
    run_study(spec, tmp_path / "four", workers=4, progress=False)
    assert (tmp_path / "one/results.parquet").read_bytes() == (tmp_path / "four/results.parquet").read_bytes()
    assert results(tmp_path / "one")["seed"].is_unique


def test_tasks_carry_enough_work_and_shrink_towards_the_end():
    sizes = chunk_sizes(0.08, 90_000, 2)
    assert sum(sizes) == 90_000 and sizes[0] == 4 and sizes[-1] == 1  # ~0.25 s tasks of 80 ms runs, then less
    assert sizes == sorted(sizes, reverse=True)
    assert chunk_sizes(1e-5, 100, 2) == [100]  # at least 50 ms a task, even if it leaves a worker idle
    assert chunk_sizes(0.001, 400, 2) == [50] * 8  # the 50 ms floor wins over shrinking
    assert max(chunk_sizes(2.0, 10, 4)) == 1


@pytest.mark.slow
def test_a_worker_that_dies_breaks_the_pool_which_is_rebuilt_without_losing_a_run(tmp_path):
    dying = small_spec(tmp_path, function="ishigami_dies_once", replicates=1, name="dying", extra='outputs = ["y"]')
    marker = tmp_path / "marker"
    marker.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "experiments.sweep", "sweep", str(dying), "--out", str(tmp_path / "dying_out"),
         "--no-progress", "--workers", "2"],
        cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, "SWEEP_DIE_ONCE": str(marker)},
    )
    assert done.returncode == 0, done.stderr
    assert (marker / "died").exists()  # a worker did die
    run_study(load_spec(small_spec(tmp_path, function="ishigami", replicates=1, name="plain")), tmp_path / "plain_out",
              workers=2, progress=False)
    dying_y, plain_y = results(tmp_path / "dying_out"), results(tmp_path / "plain_out")
    assert dying_y["error"].eq("").all() and len(dying_y) == 64 * 5
    pd.testing.assert_series_equal(dying_y["y"], plain_y["y"])


def test_changed_spec_is_refused_naming_what_changed_and_touching_nothing(tmp_path, mus):
    spec = small_spec(tmp_path)
    out = tmp_path / "out"
    assert mus("sweep", spec, "--out", out, "--no-progress")[0] == 0
    before = snapshot(out)
    spec.write_text(small_spec(tmp_path, N=128).read_text().replace("x1 = { low = -3.141592653589793", "x1 = { low = -1"))
    rc, _, err = mus("sweep", spec, "--out", out, "--no-progress")
    assert rc == 2 and err.count("\n") == 1
    assert "N 64 -> 128" in err and "factors.x1.low -3.141592653589793 -> -1.0" in err, err
    assert snapshot(out) == before


@pytest.mark.parametrize("damage", ["manifest", "part", "design", "stranger"])
def test_damaged_folder_is_refused_in_one_line_touching_nothing(tmp_path, mus, damage):
    spec = small_spec(tmp_path)
    out = tmp_path / "out"
    if damage == "stranger":
        out.mkdir()
        (out / "notes.txt").write_text("mine")
    else:
        assert mus("sweep", spec, "--out", out, "--no-progress")[0] == 0
        target = {"manifest": out / "manifest.json", "design": out / "design.parquet",
                  "part": next((out / "runs").glob("part-*.parquet"))}[damage]
        target.write_bytes(target.read_bytes()[: len(target.read_bytes()) // 2])
    before = snapshot(out)
    rc, stdout, err = mus("sweep", spec, "--out", out, "--no-progress")
    assert rc == 2 and err.count("\n") == 1 and stdout == "", err
    assert snapshot(out) == before


def test_failing_runs_are_recorded_not_fatal(tmp_path, mus):
    spec = write_spec(tmp_path, """
        method = "ofat"
        function = "experiments.sweep.functions:choice_and_number"
        N = 3
        replicates = 2
        [factors]
        kind = { choices = ["low", "mid", "unknown"] }
        x = { low = 0, high = 1 }
    """)
    rc, _, err = mus("sweep", spec, "--out", tmp_path / "out", "--no-progress")
    assert rc == 0
    table = results(tmp_path / "out")
    failed = table[table["error"] != ""]
    assert set(failed["kind"]) == {"unknown"} and failed["y"].isna().all() and "KeyError" in failed["error"].iloc[0]
    assert "2 of 14 runs failed" in err  # (1 base + 3 choices + 3 levels) x 2
