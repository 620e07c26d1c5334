"""Lever screen: each numeric parameter from the low to the high end of its plausible range, others at default,
on paired seeds; the change in an output (default final uptake). The table issue 8 asked for, and a quick
first look before a Morris or Sobol study (``mus-alliance screen``)."""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

import model
from model import registry
from model.alliance_table.safe_cells import safe_csv


def _run(job: tuple[dict, int, int, str]) -> float:
    params, seed, steps, output = job
    return model.run_model(params, seed=seed, steps=steps).summary[output]


def screen(names: list[str], seeds: int = 10, steps: int = 120, output: str = "uptake_final", workers: int = 2,
           progress=None) -> pd.DataFrame:
    """One row per parameter: mean and SE of output(high) - output(low) over paired seeds, in the output's unit."""
    jobs = []
    for name in names:
        p = registry.REGISTRY[name]
        jobs += [({name: v}, s, steps, output) for v in (p.plausible_low, p.plausible_high) for s in range(seeds)]
    values: list[float] = []
    with ProcessPoolExecutor(workers) as pool:
        for i, x in enumerate(pool.map(_run, jobs, chunksize=max(1, seeds // 2)), 1):
            values.append(x)
            if progress and i % (2 * seeds) == 0:
                progress(i, len(jobs))
    v = np.array(values).reshape(len(names), 2, seeds)
    d = v[:, 1] - v[:, 0]
    rows = []
    for name, di in zip(names, d):
        p = registry.REGISTRY[name]
        rows.append({"parameter": name, "label": p.label, "low": p.plausible_low, "high": p.plausible_high,
                     "mean_change": float(np.nanmean(di)), "se": float(np.nanstd(di, ddof=1) / np.sqrt(np.isfinite(di).sum())),
                     "fixed": p.fixed, "structural": p.structural})
    return pd.DataFrame(rows).sort_values("mean_change", key=np.abs, ascending=False)


def add_parser(sub) -> None:
    ap = sub.add_parser("screen", help="move each parameter across its plausible range (paired seeds)",
                        description="Lever screen: each numeric parameter from the low to the high end of its "
                                    "plausible range, others at default, on paired seeds; prints and writes the "
                                    "mean change in an output with its standard error.")
    ap.add_argument("--parameters", help="comma-separated names (default: every numeric parameter)")
    ap.add_argument("--seeds", type=int, default=10, help="paired seeds per end (default 10)")
    ap.add_argument("--steps", type=int, default=120, help="months (default 120)")
    ap.add_argument("--output", default="uptake_final", help="per-run output (default uptake_final)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path("results/screen.csv"))
    ap.set_defaults(func=screen_command)


def screen_command(a) -> int:
    if a.output not in model.SUMMARY_OUTPUTS:
        print(registry.unknown_key_message(a.output, model.SUMMARY_OUTPUTS, "output"), file=sys.stderr)
        return 2
    names = a.parameters.split(",") if a.parameters else [p.name for p in registry.PARAMETERS if p.kind != "choice"]
    for name in names:
        if name not in registry.REGISTRY or registry.REGISTRY[name].kind == "choice":
            print(registry.unknown_key_message(name, [p.name for p in registry.numeric(True, True)], "numeric parameter"),
                  file=sys.stderr)
            return 2
    for key in ("seeds", "steps", "workers"):
        if getattr(a, key) < (2 if key == "seeds" else 1):
            print(f"--{key}: {getattr(a, key)} is too small", file=sys.stderr)
            return 2
    table = screen(names, a.seeds, a.steps, a.output, a.workers,
                   progress=lambda i, n: print(f"\r{i}/{n} runs", end="", file=sys.stderr, flush=True))
    print(file=sys.stderr)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(safe_csv(table), encoding="utf-8")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    return 0
