"""Lever screen: each numeric parameter from the low to the high end of its plausible range, others at default,
on paired seeds; the change in an output (default final uptake). The table issue 8 asked for, and a quick
first look before a Morris or Sobol study (``mus-alliance screen``). Runs are stepped together in batches
(``model.run_batch``, ``--batch-size``), each giving what it gives alone."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

import model
from model import registry
from model.alliance_table.safe_cells import safe_csv
from model.outputs import output as model_output

from .batching import RunsProgress, add_batch_size_option, default_batch, map_batches

# The main outcomes the screen reports by default (issue 16: importance outcome by outcome, not on uptake alone).
MAIN_OUTPUTS = ("uptake_final", "uptake_after_exit", "enabling_env_final", "equity_gap_final", "members_final",
                "cost_total")
Z = 3.0  # a change counts as acting when it is more than Z standard errors from 0 (as the paired tests)


def summary_of(result: model.RunResult) -> dict:
    return result.summary


def paired(d) -> tuple[float, float, float, int]:
    """(mean, SD, SE, pairs) of paired differences ``d``; an undefined output (NaN) in either run of a pair leaves
    the pair out, and a statistic that needs more pairs than there are is NaN."""
    d = np.asarray(d, dtype=float)
    d = d[np.isfinite(d)]
    n = len(d)
    mean = float(d.mean()) if n else float("nan")
    sd = float(d.std(ddof=1)) if n > 1 else float("nan")
    return mean, sd, sd / np.sqrt(n) if n > 1 else float("nan"), n


def detectable(sd: float, n: int, z: float = Z) -> float:
    """The true mean paired change a z-SE screen on n pairs detects with 80% chance: (z + 0.84) SD / sqrt(n)."""
    return (z + 0.84) * sd / np.sqrt(n) if n > 1 else float("nan")


def screen(names: list[str], seeds: int = 10, steps: int = 120, outputs: tuple[str, ...] = MAIN_OUTPUTS,
           workers: int = 2, progress=None, batch_size: int | None = None) -> pd.DataFrame:
    """One row per parameter and output: mean and SE of output(high) - output(low) over paired seeds, in the
    output's unit; ``acting`` when |mean| > Z SE; ``noise_floor`` the change the screen detects with 80% chance
    (:func:`detectable`), so a smaller true effect may go unseen. Runs go ``batch_size`` at a time
    (``progress(done runs, all runs)`` after each batch)."""
    jobs = []
    for name in names:
        p = registry.REGISTRY[name]
        jobs += [({name: v}, s) for v in (p.plausible_low, p.plausible_high) for s in range(seeds)]
    values = map_batches(jobs, steps, batch_size or default_batch(), workers, summary_of, progress)
    rows = []
    for k, name in enumerate(names):
        p = registry.REGISTRY[name]
        low, high = values[2 * k * seeds:(2 * k + 1) * seeds], values[(2 * k + 1) * seeds:(2 * k + 2) * seeds]
        for output in outputs:
            mean, sd, se, n = paired([h[output] - lo[output] for h, lo in zip(high, low)])
            rows.append({"output": output, "parameter": name, "label": p.label, "low": p.plausible_low,
                         "high": p.plausible_high, "mean_change": mean, "se": se, "pairs": n,
                         "acting": bool(n > 1 and abs(mean) > Z * se), "noise_floor": detectable(sd, n),
                         "fixed": p.fixed, "structural": p.structural})
    table = pd.DataFrame(rows)
    table["position"] = table["output"].map({o: i for i, o in enumerate(outputs)})
    table["size"] = -table["mean_change"].abs()
    return table.sort_values(["position", "size"]).drop(columns=["position", "size"]).reset_index(drop=True)


def add_parser(sub) -> None:
    ap = sub.add_parser("screen", help="move each parameter across its plausible range (paired seeds)",
                        description="Lever screen: each numeric parameter from the low to the high end of its "
                                    "plausible range, others at default, on paired seeds; prints and writes, "
                                    "outcome by outcome, the mean change with its standard error, whether it "
                                    "is told apart from replicate noise (more than 3 SE) and the noise floor.")
    ap.add_argument("--parameters", help="comma-separated names (default: every numeric parameter)")
    ap.add_argument("--seeds", type=int, default=10, help="paired seeds per end (default 10)")
    ap.add_argument("--steps", type=int, default=120, help="months (default 120)")
    ap.add_argument("--outputs", default=",".join(MAIN_OUTPUTS),
                    help=f"comma-separated per-run outputs (default: {','.join(MAIN_OUTPUTS)})")
    ap.add_argument("--output", help="one per-run output (same as --outputs with one name)")
    ap.add_argument("--workers", type=int, default=2)
    add_batch_size_option(ap)
    ap.add_argument("--out", type=Path, default=Path("results/screen.csv"))
    ap.set_defaults(func=screen_command)


def screen_command(a) -> int:
    outputs = [a.output] if a.output else [o for o in a.outputs.split(",") if o]
    if not outputs:
        print("--outputs: name at least one per-run output (see `mus-alliance outputs`)", file=sys.stderr)
        return 2
    for output in outputs:
        if output not in model.SUMMARY_OUTPUTS:
            print(registry.unknown_key_message(output, model.SUMMARY_OUTPUTS, "output"), file=sys.stderr)
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
    table = screen(names, a.seeds, a.steps, tuple(outputs), a.workers, progress=RunsProgress(), batch_size=a.batch_size)
    print(file=sys.stderr)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(safe_csv(table), encoding="utf-8")
    for output, t in table.groupby("output", sort=False):
        o = model_output(output)
        floor = float(t["noise_floor"].median())
        print(f"\n{o.label} ({o.unit}): {int(t['acting'].sum())} of {len(t)} parameters act "
              f"(|change| > {Z:g} SE); noise floor {floor:.3g} (median change detected with 80% chance)")
        shown = t[["parameter", "label", "low", "high", "mean_change", "se", "acting"]]
        print(shown.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    return 0

