"""`mus-alliance run` and `mus-alliance params`.

`run` plays one scenario for a few replicates and writes a results folder:

- ``timeseries.parquet`` / ``.csv``: one row per replicate and month, every model output;
- ``summary.parquet`` / ``.csv``: one row per replicate: its seed and the run's summary outcomes;
- ``events.csv``: the event log of every replicate, in plain words;
- ``outcomes.png`` / ``.svg``: the main outcomes over time, median and 10-90% band over replicates;
- ``manifest.json``: scenario, every parameter value, seeds, package version, git commit, times; for a
  scenario with an alliance table, which values came from it (``alliance_table``);
- ``NOTICE.txt`` (only with an alliance table): the folder contains real names.

Replicate r runs with seed S + r, so ``mus-alliance run CONFIG --seed S+r --replicates 1`` reproduces it.
Replicates are stepped together in batches (``model.run_batch``, ``--batch-size``), each giving what it gives
alone. The folder is built beside its final place and swapped in only when complete.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from tqdm import tqdm

import model
from model import registry
from model.alliance_table.safe_cells import safe_csv

from . import tables as table_outputs
from .batching import add_batch_size_option, default_batch, in_batches
from .io import StagedDir, UserError, atomic_write_json, atomic_write_text, check_out_folder, write_table
from .provenance import git_commit
from .worlds import Worlds, load_worlds

RESULTS = Path("results")


def add_parser(sub) -> None:
    run = sub.add_parser("run", help="run a scenario for some replicates and write results",
                         description="Run a scenario (TOML) and write a results folder.")
    run.add_argument("config", type=Path, help="scenario file, e.g. configs/baseline.toml")
    run.add_argument("--seed", type=int, help="seed of the first replicate (default: the scenario's)")
    run.add_argument("--replicates", type=int, help="number of replicates (default: the scenario's)")
    run.add_argument("--steps", type=int, help="months to simulate (default: the scenario's)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                     help="change one parameter (repeatable); see `mus-alliance params`")
    run.add_argument("--out", type=Path, help="results folder (default: results/<scenario file name>)")
    run.add_argument("--worlds", type=Path, metavar="FILE",
                     help="each replicate plays in a plausible world drawn from this ensemble (Parquet)")
    run.add_argument("--allow-unmet-worlds", action="store_true",
                     help="use worlds whose calibration did not meet its patterns (refused otherwise); the reports say so")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    add_batch_size_option(run)
    run.set_defaults(func=run_command)

    params = sub.add_parser("params", help="list every model parameter",
                            description="List every parameter: name, label, default, allowed and plausible range "
                                        "(with its source), unit, method step, meaning.")
    params.add_argument("--json", action="store_true", help="machine-readable output")
    params.set_defaults(func=params_command)

    outs = sub.add_parser("outputs", help="list every model output",
                          description="List every output: name, label, unit, which direction is better, how "
                                      "it is computed (monthly series and per-run summary).")
    outs.add_argument("--json", action="store_true", help="machine-readable output")
    outs.set_defaults(func=outputs_command)


# ------------------------------------------------------------------------------------------------ run
def scenario_from_args(args) -> model.Scenario:
    scenario = model.load_scenario(args.config)
    for text in args.overrides:
        name, sep, value = text.partition("=")
        if not sep:
            raise UserError(f"--set {text}: expected NAME=VALUE")
        if scenario.table is not None:
            scenario.table.refuse_fixed([name.strip()], prefix="--set ")
        scenario.params[name.strip()] = registry.parse_value(name.strip(), value.strip())
    for key in ("seed", "replicates", "steps"):
        value = getattr(args, key)
        if value is not None:
            setattr(scenario, key, model.check_run_setting(key, value))
    return scenario


def run_replicates(scenario: model.Scenario, quiet: bool = False, worlds: Worlds | None = None,
                   batch_size: int | None = None) -> list[model.RunResult]:
    """Replicate r runs with seed S + r; with ``worlds``, in the world that seed draws (scenario settings win);
    ``batch_size`` replicates stepped together (the progress bar moves by batch, counting runs)."""
    seeds = [scenario.seed + r for r in range(scenario.replicates)]
    runs = [(scenario.params if worlds is None else worlds.layer(s, scenario.params), s) for s in seeds]
    with tqdm(total=len(runs), desc=f"{scenario.name}", unit="run", disable=quiet, file=sys.stderr) as bar:
        return list(in_batches(runs, scenario.steps, batch_size or default_batch(),
                               on_batch=lambda _start, done: bar.update(len(done))))


def tables(results: list[model.RunResult], worlds: Worlds | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Timeseries, summary and events of all replicates, each row led by its replicate and seed (and the world
    it played in, with ``worlds``)."""
    ts, summary, events = [], [], []
    for r, res in enumerate(results):
        key = {"replicate": r, "seed": res.seed} | ({} if worlds is None else {"world": worlds.world_id(res.seed)})
        ts.append(res.timeseries.assign(**key))
        summary.append({**key, **res.summary})
        events.append(res.events.assign(**key))
    front = ("replicate", "seed") if worlds is None else ("replicate", "seed", "world")
    return lead(pd.concat(ts, ignore_index=True), front), pd.DataFrame(summary), lead(pd.concat(events, ignore_index=True), front)


def lead(df: pd.DataFrame, front: tuple[str, ...] = ("replicate", "seed")) -> pd.DataFrame:
    return df[list(front) + [c for c in df.columns if c not in front]]


def run_command(args) -> int:
    scenario = scenario_from_args(args)
    out = args.out or RESULTS / (scenario.path.stem if scenario.path else "scenario")
    check_out_folder(out, "run")
    worlds = load_worlds(args.worlds, args.allow_unmet_worlds) if args.worlds is not None else None
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    results = run_replicates(scenario, args.quiet, worlds, args.batch_size)
    elapsed = time.perf_counter() - t0
    timeseries, summary, events = tables(results, worlds)
    from .figures import plot_outcomes  # matplotlib only once a run is done (a bad input is answered fast)

    with StagedDir(out) as tmp:
        write_table(timeseries, tmp / "timeseries")
        write_table(summary, tmp / "summary")
        atomic_write_text(tmp / "events.csv", safe_csv(events))
        plot_outcomes(timeseries, tmp / "outcomes", title=scenario.name + (" (in plausible worlds)" if worlds else ""),
                      exit_month=results[0].params["project_exit_month"])
        atomic_write_json(tmp / "manifest.json", {
            "kind": "run", "scenario": scenario.name, "description": scenario.description,
            "config": str(scenario.path), "overrides": scenario.params, "parameters": results[0].params,
            "steps": scenario.steps, "replicates": scenario.replicates,
            "seeds": [r.seed for r in results], "version": model.__version__, "git_commit": git_commit(),
            "started": started.isoformat(), "seconds": round(elapsed, 3),
            **({"alliance_table": table_outputs.provenance(scenario.params)} if scenario.table is not None else {}),
            "worlds": None if worlds is None else {
                **worlds.describe(), "drawn": [worlds.world_id(r.seed) for r in results],
                "overridden_by_scenario": worlds.overridden(scenario.params)},
        })
        table_outputs.write_notice(tmp, scenario.params)
    print_report(scenario, summary, out, worlds)
    return 0


REPORTED = ("uptake_final", "enabling_env_final", "members_final", "dropouts", "mean_trust_final", "months_to_50",
            "uptake_after_exit", "equity_gap_final", "cost_total")


def print_report(scenario: model.Scenario, summary: pd.DataFrame, out: Path, worlds: Worlds | None = None) -> None:
    """Median and 10-90% over replicates of the main outputs, labelled from the output registry; a milestone
    not reached in some replicates says in how many (its months are undefined there)."""
    print(f"\n{scenario.name}: {scenario.replicates} replicates x {scenario.steps} months "
          f"(median and 10-90% over replicates)")
    for name in REPORTED:
        o = model.outputs.output(name)
        values = summary[name].dropna()
        if values.empty:
            text = "undefined in every replicate" + (" (not reached)" if o.kind == "months" else "")
        else:
            q10, q50, q90 = values.quantile([0.1, 0.5, 0.9])
            text = f"{q50:,.3g}  ({q10:,.3g} - {q90:,.3g})"
            missing = len(summary) - len(values)
            if missing:
                text += f"  [{'not reached' if o.kind == 'months' else 'undefined'} in {missing} of {len(summary)}]"
        print(f"  {o.label + ' (' + o.unit + ')':<58} {text}")
    if worlds is not None:
        print(worlds.note())
        masked = worlds.overridden(scenario.params)
        if masked:
            print(f"The scenario sets {', '.join(masked)} itself; the worlds' values of these are not used.")
    print(f"\nResults in {out}/")
    for name in ("summary.csv", "timeseries.csv", "events.csv", "outcomes.png", "manifest.json"):
        print(f"  {out / name}")
    if scenario.table is not None:
        print(f"  {out / 'NOTICE.txt'}  (made from {scenario.table.source.path.name}: the folder contains real names)")


# --------------------------------------------------------------------------------------------- params
def params_command(args) -> int:
    rows = registry.as_rows()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for step in registry.SeedStep:
        group = [r for r in rows if r["step"] == step]
        if not group:
            continue
        print(f"\n[{step}]")
        for r in group:
            default = r["default"]
            tag = "  (fixed assumption)" if r["fixed"] else ""
            print(f"  {r['name']:<30} {default!s:>10}  allowed {r['range']:<18} plausible {r['plausible']:<16} "
                  f"{r['unit']}{tag}")
            print(f"      {r['label']}: {r['meaning']}")
            if r["plausible_source"]:
                print(f"      plausible range: {r['plausible_source']}")
    return 0


def outputs_command(args) -> int:
    rows = model.outputs.as_rows()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for title, keep in (("Monthly (timeseries.csv)", lambda r: r["monthly"]),
                        ("Per run only (summary.csv)", lambda r: not r["monthly"])):
        print(f"\n[{title}]")
        for r in filter(keep, rows):
            per_run = "  (also per run)" if r["monthly"] and r["per_run"] else ""
            print(f"  {r['name']:<34} {r['label']} ({r['unit']}); better: {r['better']}{per_run}")
            print(f"      {r['how']}")
    return 0

