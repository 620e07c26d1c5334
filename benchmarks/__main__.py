"""`make bench`: the fair benchmark of the model and its runners (benchmarks.fair_bench), then the
calibration's and the dashboard's benchmarks; each prints its figures as ratios against a reference from the same run.

`make bench QUICK=1` (``--quick``): the fair benchmark only, in fewer rounds on fewer runs, without the peers
(mesa.batch_run, Dask). The batched runner is the model's own (``model.run_batch`` in batches of ``model.DEFAULT_BATCH``);
`make bench BATCHED=module:function` (``--batched``) plugs in another."""

from __future__ import annotations

import argparse
import importlib
import time

import model

from .harness import clock, load_average


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds and runs, fair benchmark only (~1-2 min)")
    parser.add_argument("--batched", metavar="MODULE:FUNCTION",
                        help="another batched runner: fn(runs, steps) -> summaries, runs = [(params, seed), ...] "
                             "(default: the model's own, model.run_batch in batches of model.DEFAULT_BATCH)")
    args = parser.parse_args()
    from . import fair_bench

    batched = fair_bench.load_runner(args.batched) if args.batched else fair_bench.in_batches
    started = time.perf_counter()
    print("== benchmarks.fair_bench ==")
    name = args.batched or f"model.run_batch in batches of {model.DEFAULT_BATCH}"
    fair_bench.main(quick=args.quick, batched=batched, batched_name=name)
    if not args.quick:
        # calibration first: its pool forks its workers only while this process runs a single thread
        for name in ("benchmarks.calibrate_bench", "benchmarks.dashboard_bench", "benchmarks.workshop_bench"):
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            print(f"\n== {name} == (load {load_average():.2f})", flush=True)
            module.main()
    print(f"\nmake bench took {clock(time.perf_counter() - started)} (load {load_average():.2f})")


if __name__ == "__main__":  # spawned worker processes import this module as __mp_main__
    main()
