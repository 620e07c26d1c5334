"""The seed's central claims as paired contrasts (``mus-alliance pathways``).

Each contrast runs two scenarios on the same seeds (common random numbers) and reports, output by output, the
mean paired difference and its standard error. The contrasts are the questions users bring (issue 16): does
good facilitation carry an alliance through a hostile context, does power capture an unbrokered agenda, does
the mobilisation *order* (at equal founding size) shape who benefits, does the initiator matter after the
project leaves. Contexts and levers are read from the registry's plausible ranges, never restated here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import model
from model import registry
from model.outputs import output

from .batching import RunsProgress, add_batch_size_option, default_batch, map_batches
from .screen import paired, summary_of

# The facilitation qualities and core values (Tool 24): the levers a funder or trainer sets.
LEVERS = ("guidance", "mediation", "empowerment", "conflict_management",
          "transparency", "mutual_trust", "inclusiveness", "equity")
# A hostile context: low prior trust, divergent interests, unequal power, many blockers (Ansell & Gash 2008's
# starting conditions); each at the unfavourable end of its plausible range.
CONTEXT = {"initial_trust": -1, "interest_divergence": +1, "power_inequality": +1, "share_blockers": +1}
OUTPUTS = ("uptake_final", "uptake_pilot_final", "uptake_after_exit", "enabling_env_final", "equity_gap_final",
           "equity_gap_pilot_final", "share_marginalised_final", "pilot_share_marginalised",
           "uptake_marginalised_final", "agenda_fit_marginalised_final", "members_final", "dropouts",
           "conflicts_arisen", "conflicts_resolved", "mean_trust_final", "joint_action_final", "opposition_final",
           "reached_25",
           "meetings_second_year_after_exit", "pilots_documented", "cost_government", "cost_total")


def plausible_end(name: str, high: bool):
    p = registry.REGISTRY[name]
    return p.plausible_high if high else p.plausible_low


def context(hostile: bool) -> dict:
    """The hostile (or favourable) context: each starting condition at the matching end of its plausible range."""
    return {name: plausible_end(name, (sign > 0) == hostile) for name, sign in CONTEXT.items()}


def levers(high: bool) -> dict:
    return {name: plausible_end(name, high) for name in LEVERS}


@dataclass
class Contrast:
    name: str
    question: str
    a: dict
    b: dict
    group: str = ""
    outputs: tuple[str, ...] = field(default=OUTPUTS)


def contrasts() -> list[Contrast]:
    """The issue's contrasts: a minus b on paired seeds."""
    out = []
    for hostile, where in ((True, "hostile"), (False, "favourable")):
        c = context(hostile)
        out.append(Contrast(f"facilitation_{where}", f"all facilitation levers and core values high vs low, "
                            f"{where} context", {**c, **levers(True)}, {**c, **levers(False)}, "facilitation"))
    for brokered in (False, True):
        b = {"mediation": float(brokered), "empowerment": float(brokered)}
        out.append(Contrast(f"power_{'brokered' if brokered else 'unbrokered'}",
                            f"power distortion 1 vs 0, mediation and empowerment {int(brokered)}",
                            {**b, "power_distortion": 1.0}, {**b, "power_distortion": 0.0}, "power"))
    out.append(Contrast("empowerment", "empowerment 1 vs 0", {"empowerment": 1.0}, {"empowerment": 0.0}, "power"))
    for order in registry.MOBILISATION_ORDERS:
        if order != "core_group":
            out.append(Contrast(f"order_{order}", f"mobilisation order {order} vs core_group",
                                {"mobilisation_order": order}, {"mobilisation_order": "core_group"}, "order"))
    for initiator in registry.INITIATORS:
        if initiator != "project":
            out.append(Contrast(f"initiator_{initiator}", f"initiator {initiator} vs project",
                                {"initiator": initiator}, {"initiator": "project"}, "initiator"))
    return out


def run_contrasts(chosen: list[Contrast], seeds: int = 30, steps: int = 120, workers: int = 2, first_seed: int = 0,
                  progress=None, batch_size: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(contrasts table: one row per contrast and output with mean a, mean b, mean paired difference and SE;
    scenarios table: one row per distinct scenario and seed). Each distinct scenario runs once per seed; runs
    go ``batch_size`` at a time (``progress(done runs, all runs)`` after each batch)."""
    scenarios: dict[tuple, dict] = {}
    for c in chosen:
        for s in (c.a, c.b):
            scenarios.setdefault(tuple(sorted(s.items())), s)
    keys = list(scenarios)
    jobs = [(scenarios[k], first_seed + r) for k in keys for r in range(seeds)]
    rows = map_batches(jobs, steps, batch_size or default_batch(), workers, summary_of, progress)
    runs = pd.DataFrame(rows)
    runs.insert(0, "seed", [j[1] for j in jobs])
    runs.insert(0, "scenario", [keys.index(tuple(sorted(j[0].items()))) for j in jobs])
    by = {k: runs[runs.scenario == i].sort_values("seed") for i, k in enumerate(keys)}
    table = []
    for c in chosen:
        a, b = by[tuple(sorted(c.a.items()))], by[tuple(sorted(c.b.items()))]
        for o in c.outputs:
            mean, _, se, n = paired(a[o].to_numpy(float) - b[o].to_numpy(float))
            table.append({"contrast": c.name, "group": c.group, "question": c.question, "output": o,
                          "label": output(o).label, "mean_a": paired(a[o])[0], "mean_b": paired(b[o])[0],
                          "difference": mean, "se": se, "pairs": n})
    return pd.DataFrame(table), runs


def add_parser(sub) -> None:
    ap = sub.add_parser("pathways", help="the seed's central claims as paired contrasts",
                        description="Runs the contrasts of the seed's central claims (facilitation in a hostile "
                                    "and a favourable context, power with and without brokering, empowerment, "
                                    "each mobilisation order, each initiator) on paired seeds and prints the "
                                    "mean paired difference +- SE of each main outcome.")
    from .cli import positive_int
    ap.add_argument("--only", help="comma-separated contrast names or groups (facilitation, power, order, initiator)")
    ap.add_argument("--seeds", type=positive_int, default=30, help="paired seeds (default 30)")
    ap.add_argument("--steps", type=positive_int, default=120, help="months (default 120)")
    ap.add_argument("--workers", type=positive_int, default=2)
    add_batch_size_option(ap)
    ap.add_argument("--out", type=Path, default=Path("results/pathways"))
    ap.set_defaults(func=pathways_command)


def pathways_command(a) -> int:
    from .io import UserError

    chosen = contrasts()
    if a.only:
        wanted = set(a.only.split(","))
        known = {c.name for c in chosen} | {c.group for c in chosen}
        bad = sorted(wanted - known)
        if bad:
            raise UserError(registry.unknown_key_message(bad[0], sorted(known), "contrast"))
        chosen = [c for c in chosen if c.name in wanted or c.group in wanted]
    if a.seeds < 2:
        raise UserError(f"--seeds: {a.seeds} is too small (a standard error needs at least 2 pairs)")

    table, runs = run_contrasts(chosen, a.seeds, a.steps, a.workers, progress=RunsProgress(), batch_size=a.batch_size)
    print(file=sys.stderr)
    a.out.mkdir(parents=True, exist_ok=True)
    table.to_csv(a.out / "contrasts.csv", index=False)
    runs.to_csv(a.out / "runs.csv", index=False)
    for c in chosen:
        t = table[table.contrast == c.name]
        print(f"\n{c.name}: {c.question} ({a.seeds} paired seeds, {a.steps} months)")
        for _, r in t.iterrows():
            print(f"  {r.label:<52} {r.mean_a:9.3f} vs {r.mean_b:9.3f}   {r.difference:+9.3f} +- {r.se:.3f}")
    print(f"\nWritten: {a.out / 'contrasts.csv'}, {a.out / 'runs.csv'}")
    return 0
