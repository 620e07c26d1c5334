"""What each run cost, and what each strategy costs per adopting community.

Per run, from the resource units the model counted (never from the plan):

- ``used_<unit>_in_project``: units used while the project ran (months 1 to its exit month), facilitator-months
  times the plan's facilitators; ``funder_cost`` = those units x unit costs: what the funder pays, and what
  ``--budget`` is checked against;
- ``used_<unit>_to_end``: units used over the whole horizon, including what the alliance itself keeps
  paying for after the project left; ``total_cost`` = those units x unit costs;
- ``adopting_communities`` = uptake at the end x the country's communities.

Per strategy (:func:`cost_table`): planned units and planned cost, funder and total cost (median and 90%
interval), adopting communities, the average cost per adopting community, and against the first strategy
the paired additional communities, additional funder cost and cost per additional adopting community
(:func:`.stats.cost_per_additional`); ``over_budget`` when the median funder cost exceeds the budget.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..worlds import Worlds
from .costs import UNIT_COUNTERS, UNITS, CostTable
from .runs import Contender, play
from .stats import cost_per_additional, interval, mean_interval, paired
from .strategy import Strategy

PERIODS = ("in_project", "to_end")
COST_OF_PERIOD = {"in_project": "funder_cost", "to_end": "total_cost"}


def play_strategies(strategies: list[Strategy], seeds: list[int], steps: int, workers: int, progress: bool,
                    costs: CostTable, communities: int, desc: str = "compare",
                    worlds: Worlds | None = None, batch_size: int | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Play strategies on common seeds (and worlds), ``batch_size`` runs stepped together; (runs with costs,
    monthly uptake [strategy, replicate, month])."""
    played = play([Contender(s.label, s.params) for s in strategies], seeds, steps, workers, progress, desc, worlds,
                  batch_size)
    return add_costs(played.runs, strategies, costs, communities), played.uptake


def add_costs(runs: pd.DataFrame, strategies: list[Strategy], costs: CostTable, communities: int) -> pd.DataFrame:
    """The runs table with used units, funder and total cost, and adopting communities per run."""
    runs = runs.copy()
    facilitators = runs["label"].map({s.label: s.plan.facilitators for s in strategies}).astype(float)
    for period in PERIODS:
        for unit, counter in UNIT_COUNTERS.items():
            used = runs[f"{counter}_{period}"] * (facilitators if unit == "facilitator_month" else 1.0)
            runs[f"used_{unit}_{period}"] = used
        runs[COST_OF_PERIOD[period]] = sum(runs[f"used_{u}_{period}"] * costs.unit_costs[u] for u in UNITS)
    runs["adopting_communities"] = (runs["uptake_final"] * communities).round()
    return runs


def planned_rows(strategies: list[Strategy], costs: CostTable) -> pd.DataFrame:
    """One row per strategy: its plan in resource units and what the plan would cost."""
    rows = []
    for s in strategies:
        units = s.plan.units()
        rows.append({"strategy": s.label, "project_months": s.plan.project_months,
                     "facilitators": s.plan.facilitators,
                     **{f"planned_{u}": units[u] for u in UNITS}, "planned_cost": costs.cost(units)})
    return pd.DataFrame(rows)


def cost_table(runs: pd.DataFrame, strategies: list[Strategy], costs: CostTable,
               budget: float | None) -> pd.DataFrame:
    """One row per strategy: plan, used cost, adopting communities and cost-effectiveness vs the first."""
    reference = strategies[0].label
    rows = []
    for s, plan in zip(strategies, planned_rows(strategies, costs).to_dict("records")):
        group = runs[runs["label"] == s.label]
        row = dict(plan)
        for column in ("funder_cost", "total_cost", "adopting_communities"):
            row[column], row[f"{column}_low"], row[f"{column}_high"] = interval(group[column])
        row.update({f"used_{u}_in_project": float(group[f"used_{u}_in_project"].median()) for u in UNITS})
        adopters = float(group["adopting_communities"].mean())
        row["cost_per_adopting_community"] = float(group["funder_cost"].mean()) / adopters if adopters > 0 else math.nan
        row.update(compared(runs, s.label, reference))
        row["budget"] = math.nan if budget is None else float(budget)
        row["p_over_budget"] = math.nan if budget is None else float((group["funder_cost"] > budget).mean())
        row["over_budget"] = bool(budget is not None and row["funder_cost"] > budget)
        rows.append(row)
    return pd.DataFrame(rows)


def compared(runs: pd.DataFrame, label: str, reference: str) -> dict[str, float]:
    """Paired additional communities and funder cost against the reference, and their ratio."""
    keys = ("additional_communities", "additional_communities_low", "additional_communities_high",
            "additional_funder_cost", "cost_per_additional_community", "cost_per_additional_low",
            "cost_per_additional_high")
    if label == reference:
        return dict.fromkeys(keys, math.nan)
    d_adopt = paired(runs, "adopting_communities", label, reference)
    d_cost = paired(runs, "funder_cost", label, reference)
    ratio, low, high = cost_per_additional(d_cost, d_adopt)
    return dict(zip(keys, (*mean_interval(d_adopt), float(np.mean(d_cost)), ratio, low, high)))
