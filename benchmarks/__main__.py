"""`make bench`: every benchmark, each printing its figures as ratios against a reference from the same run."""

import importlib

for name in ("benchmarks.model_bench", "benchmarks.sweep_bench", "benchmarks.dashboard_bench",
             "benchmarks.calibrate_bench", "benchmarks.workshop_bench"):
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        continue
    print(f"\n== {name} ==")
    module.main()
