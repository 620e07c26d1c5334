"""The same study on a Dask LocalCluster: the same numbers as the process pool, a worker killed mid-study
costs no run and duplicates none, and a scheduler address that does not answer is refused in one line."""

from __future__ import annotations

import json
import signal
import time

import psutil
import pytest

from experiments.sweep import execute
from experiments.sweep.engine import run_study
from experiments.sweep.spec import load_spec

from .conftest import (
    interrupt_after_part, results, saved_runs, slow_spec, snapshot, sobol_ishigami_spec, sweep_process, wait_for,
)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_numbers_of_the_process_pool(tmp_path):
    spec = load_spec(slow_spec(tmp_path, N=32))
    run_study(spec, tmp_path / "pool", workers=1, progress=False)
    run_study(spec, tmp_path / "dask", workers=2, scheduler="local", progress=False)
    assert (tmp_path / "pool/results.parquet").read_bytes() == (tmp_path / "dask/results.parquet").read_bytes()


def dask_workers(pid: int) -> list[psutil.Process]:
    """Worker processes the driver's LocalCluster nannies spawned."""
    kids = psutil.Process(pid).children(recursive=True)
    return [p for p in kids if "spawn_main" in " ".join(p.cmdline())]


@pytest.mark.slow
def test_a_dask_worker_killed_mid_study_costs_no_run_and_duplicates_none(tmp_path):
    spec = slow_spec(tmp_path, N=256)  # 2,560 runs of ~5 ms: ~6 s of work on 2 workers
    run_study(load_spec(spec), tmp_path / "pool", workers=2, progress=False)

    out = tmp_path / "dask"
    proc = sweep_process(spec, out, "--scheduler", "local", "--workers", "2")
    # A session is recorded once the cluster is up and the first runs are timed; tasks follow at once.
    wait_for(lambda: (out / "manifest.json").exists() and json.loads((out / "manifest.json").read_text())["sessions"],
             what="the study to start")
    time.sleep(0.5)  # every task is queued from the start, so both workers are busy by now
    victim = dask_workers(proc.pid)[0]
    victim.send_signal(signal.SIGKILL)
    killed_at = saved_runs(out)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert not psutil.pid_exists(victim.pid) or victim.status() == psutil.STATUS_ZOMBIE
    assert killed_at < 2560  # the kill came before the end
    got = results(out)
    assert got["run_id"].is_unique and len(got) == 2560 and got["error"].eq("").all()
    assert (out / "results.parquet").read_bytes() == (tmp_path / "pool/results.parquet").read_bytes()


@pytest.mark.parametrize("address", [
    pytest.param("tcp://127.0.0.1:1", marks=pytest.mark.slow), "tcp://127.0.0.1:notaport", "tcp://",
])
def test_a_bad_scheduler_address_is_refused_in_one_line_touching_nothing(tmp_path, monkeypatch, mus, address):
    # Nothing listens on port 1 (binding it needs root): Dask retries until CONNECT_TIMEOUT, shortened here.
    monkeypatch.setattr(execute, "CONNECT_TIMEOUT", "2s")
    spec = sobol_ishigami_spec(tmp_path, "noisy_ishigami", "small", N=16, replicates=1, seed=4)
    rc, stdout, err = mus("sweep", spec, "--out", tmp_path / "new", "--no-progress", "--scheduler", address)
    assert rc == 2 and stdout == "" and err.count("\n") == 1 and f"--scheduler {address}: cannot connect" in err, err
    assert not (tmp_path / "new").exists()

    partial = tmp_path / "partial"  # a study with saved runs and runs to go: a failed connection keeps it as it was
    with monkeypatch.context() as m:
        interrupt_after_part(m, 1)
        with pytest.raises(KeyboardInterrupt):
            run_study(load_spec(spec), partial, workers=1, progress=False)
    before = snapshot(partial)
    rc, _, err = mus("sweep", spec, "--out", partial, "--no-progress", "--scheduler", address)
    assert rc == 2 and err.count("\n") == 1, err
    assert snapshot(partial) == before
