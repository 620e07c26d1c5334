"""Sweep-engine benchmark (part of `make bench`): the same small grid of the default scenario, measured in
one process run, by

- a plain Python loop calling the model (the floor: no engine at all), and two such loops over half the runs
  each in 2 processes (the most 2 workers can get from this machine at this moment),
- the engine (`run_study`) on the local process pool with 1 and 2 workers, and on a Dask LocalCluster,
- `mesa.batch_run` with 1 and 2 processes (its grid: the same parameter sets and as many seeds),

and the projection, from the measured 2-worker throughput, of a 12-factor Sobol study with N = 512 and 10
replicates on this machine. Goals (issue 3): 2 workers >= 1.8x faster than 1; engine overhead <= 5 % over the
plain loop; >= 2x faster than mesa.batch_run; the Sobol study within an hour on 2 cores.
Engine times include everything a user waits for except the analysis: design, folder, probe, pool start-up,
saving every run and the final table.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import mesa
import pandas as pd
import psutil

import model
from experiments.sweep.design import run_items
from experiments.sweep.engine import prepare, run_study
from experiments.sweep.spec import load_spec
from experiments.sweep.targets import model_summary

REPO = Path(__file__).resolve().parents[1]
REPLICATES = 16
GRID = {"guidance": [0.25, 0.75], "mobilisation_order": ["core_group", "top_down", "bottom_up"]}
SOBOL_FACTORS, SOBOL_N, SOBOL_REPLICATES = 12, 512, 10


def grid_spec(folder: Path) -> Path:
    factors = "\n".join(f"{name} = {{ values = {values!r} }}" for name, values in GRID.items())
    path = folder / "bench_grid.toml"
    path.write_text(
        f'method = "grid"\nbase = "{REPO / "configs" / "baseline.toml"}"\nreplicates = {REPLICATES}\n'
        f'seed = 1\noutputs = {list(model.SUMMARY_OUTPUTS)!r}\n[factors]\n{factors}\n'.replace("'", '"')
    )
    return path


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (pool workers, once joined)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn) -> tuple[tuple[float, float], object]:
    """((wall seconds, CPU seconds), fn's value)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    value = fn()
    return (time.perf_counter() - start, cpu_seconds() - cpu), value


def all_items(spec) -> list:
    return run_items(spec, prepare(spec, Path(tempfile.mkdtemp()) / "unused").runs)


def loop_over(spec, items) -> list[dict]:
    return [{"run_id": rid, **model_summary({**spec.base_params, **values}, seed, spec.steps)}
            for rid, values, seed in items]


def plain_loop(spec) -> pd.DataFrame:
    return pd.DataFrame(loop_over(spec, all_items(spec)))


def two_loops(spec) -> None:
    """The machine's ceiling for 2 workers: two plain loops, each over half the runs, in 2 forked processes."""
    items = all_items(spec)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(loop_over, [spec, spec], [items[0::2], items[1::2]]))


def engine(spec, folder: Path, workers: int, scheduler: str | None = None) -> pd.DataFrame:
    study = run_study(spec, folder, workers=workers, scheduler=scheduler, progress=False)
    return pd.read_parquet(study.root / "results.parquet")


def batch(spec, processes: int) -> list[dict]:
    grid_points = prepare(spec, Path(tempfile.mkdtemp()) / "unused").design
    params = [{**spec.base_params, **row} for row in grid_points[spec.factor_names].astype(object).to_dict("records")]
    return mesa.batch_run(
        model.LearningAlliance, parameters={"params": params}, number_processes=processes,
        rng=list(range(REPLICATES)), max_steps=spec.steps, data_collection_period=-1, display_progress=False,
    )


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="sweep_bench."))
    spec = load_spec(grid_spec(folder))
    n = len(GRID["guidance"]) * len(GRID["mobilisation_order"]) * REPLICATES
    print(f"grid of the default scenario: {n} runs of {spec.steps} months; "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, Mesa {mesa.__version__}")
    busy = psutil.cpu_percent(interval=1.0)  # what others use of the CPUs before we start

    measured: dict[str, tuple[float, float]] = {}
    measured["plain loop"], loop = timed(lambda: plain_loop(spec))
    measured["2 plain loops in parallel"], _ = timed(lambda: two_loops(spec))
    measured["engine, 1 worker"], one = timed(lambda: engine(spec, folder / "e1", 1))
    measured["engine, 2 workers"], two = timed(lambda: engine(spec, folder / "e2", 2))
    measured["engine, Dask LocalCluster 2"], dask = timed(lambda: engine(spec, folder / "d2", 2, "local"))
    measured["mesa.batch_run, 1 process"], _ = timed(lambda: batch(spec, 1))
    measured["mesa.batch_run, 2 processes"], _ = timed(lambda: batch(spec, 2))
    times = {name: wall for name, (wall, _) in measured.items()}
    cpu = {name: c for name, (_, c) in measured.items()}

    if busy > 10:
        print(f"note: other processes used {busy:.0f} % of the CPUs when this started: wall-clock ratios are "
              "unreliable; CPU seconds are not")
    print(f"\n{'':32s}{'wall s':>8s}{'runs/s':>8s}{'vs loop':>9s}{'CPU s':>8s}")
    for name, seconds in times.items():
        print(f"{name:32s}{seconds:8.2f}{n / seconds:8.1f}{times['plain loop'] / seconds:8.2f}x{cpu[name]:8.2f}")

    outputs = list(model.SUMMARY_OUTPUTS)
    same = all(loop[outputs].equals(frame[outputs]) for frame in (one, two, dask))
    print(f"\nengine results equal the plain loop's, run for run: {'yes' if same else 'NO'}")
    speedup = times["engine, 1 worker"] / times["engine, 2 workers"]
    ceiling = times["plain loop"] / times["2 plain loops in parallel"]
    print(f"2 workers vs 1: {speedup:.2f}x faster (goal >= 1.8x); this machine's ceiling now (2 loops vs 1): "
          f"{ceiling:.2f}x, of which the engine reaches {speedup / ceiling:.0%}")
    print(f"engine overhead over the plain loop (1 worker): wall {times['engine, 1 worker'] / times['plain loop'] - 1:+.1%}, "
          f"CPU {cpu['engine, 1 worker'] / cpu['plain loop'] - 1:+.1%} (goal <= 5 %)")
    print(f"vs mesa.batch_run: {times['mesa.batch_run, 1 process'] / times['engine, 1 worker']:.2f}x (1 vs 1), "
          f"{times['mesa.batch_run, 2 processes'] / times['engine, 2 workers']:.2f}x (2 vs 2) faster (goal >= 2x); "
          f"CPU {cpu['mesa.batch_run, 2 processes'] / cpu['engine, 2 workers']:.2f}x")

    rates = {"measured 2-worker throughput": n / times["engine, 2 workers"],
             "CPU per run (1 worker), 2 free cores": 2 * n / cpu["engine, 1 worker"]}
    for label, per_point in (("S1 + ST", SOBOL_FACTORS + 2), ("with S2", 2 * SOBOL_FACTORS + 2)):
        runs = SOBOL_N * per_point * SOBOL_REPLICATES
        print(f"projection, {SOBOL_FACTORS}-factor Sobol N={SOBOL_N} x {SOBOL_REPLICATES} replicates ({label}, "
              f"{runs:,} runs; goal <= 1 h on 2 cores): "
              + "; ".join(f"{rate:.1f} runs/s ({basis}) -> {runs / rate / 3600:.2f} h" for basis, rate in rates.items()))


if __name__ == "__main__":
    main()
