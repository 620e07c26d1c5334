"""Calibration benchmark (part of `make bench`): throughput of `calibrate` against a plain loop, same runs.

A small calibration of the default country (2 free parameters, 2 patterns, 48 rejection candidates, one
SMC generation, 2 replicates) is run with 2 workers; then a plain Python loop runs exactly the same parameter
sets with the same seeds through the model (the floor: no engine, one core). Printed: runs per second of each
and their ratio (2 workers can give at most ~2x on an idle machine; the calibration also pays for saving every
candidate, proposals, distances and its tables).
"""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from .harness import cpu_seconds, load_average

import model
from experiments.calibrate.abc import calibrate
from experiments.calibrate.simulate import country, model_measures
from experiments.calibrate.spec import load_calibration

REPO = Path(__file__).resolve().parents[1]
SPEC = f"""
base = "{REPO / 'configs' / 'baseline.toml'}"
replicates = 2
seed = 1
[abc]
rejection_candidates = 48
population = 16
generations = 1
max_candidates = 48
[parameters]
trust_gain = {{}}
dropout_rate = {{}}
[patterns.alliance_size]
statistic = "members_national_at_exit + members_district_at_exit"
target = [10, 30]
tolerance = 5
source = "P4"
[patterns.contraction_after_exit]
statistic = "members_2y_after_exit < members_at_exit"
over = "share"
above = 0.5
tolerance = 0.25
source = "P12"
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.toml"
        path.write_text(SPEC)
        spec = load_calibration(path)
        load_engine, t0, c0 = load_average(), time.perf_counter(), cpu_seconds()
        result = calibrate(spec, Path(tmp) / "cal", workers=2, progress=False)
        engine, engine_cpu = time.perf_counter() - t0, cpu_seconds() - c0
        threads = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
        runs = len(result.candidates) * spec.replicates
        from experiments.calibrate.simulate import candidate_seed

        constants = country(tuple(sorted(spec.base_params.items())))
        load_loop, t0, c0 = load_average(), time.perf_counter(), cpu_seconds()
        for row in result.candidates.to_dict("records"):
            values = {p.name: p.value(row[p.name]) for p in spec.parameters}
            for r in range(spec.replicates):
                seed = candidate_seed(spec.seed, int(row["generation"]), int(row["candidate"]), r)
                model_measures({**spec.base_params, **values}, seed, spec.steps, constants)
        loop, loop_cpu = time.perf_counter() - t0, cpu_seconds() - c0
    print(f"calibrate, 2 workers: {runs} runs in {engine:.1f} s = {runs / engine:.2f} runs/s, "
          f"{runs / engine_cpu:.2f} runs/core-s (everything: pool start-up, proposals, saving, tables; load {load_engine:.2f})")
    print(f"plain loop, 1 core:   {runs} runs in {loop:.1f} s = {runs / loop:.2f} runs/s, "
          f"{runs / loop_cpu:.2f} runs/core-s (load {load_loop:.2f})")
    print(f"ratio calibrate / plain loop: wall {loop / engine:.2f}x, CPU per run {engine_cpu / loop_cpu:.2f}x "
          f"(model {model.__version__}; one measurement each, calibrate first: on a busy machine the wall ratio "
          "says little, see benchmarks/README.md)")
    if threads:
        print(f"note: threads were running during the calibration ({', '.join(threads)}), so its pool started its "
              "workers from a forkserver, not by fork (tqdm starts its monitor thread even for a disabled bar)")


if __name__ == "__main__":
    main()
