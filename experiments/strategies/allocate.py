"""`mus-alliance allocate --budget B`: how a fixed budget is best split across facilitation, pilots,
dissemination and project length, for one outcome.

A split is a point of the unit cube (x0, x1, x2): the project length L = 12 + x0 (L_max - 12) months (L_max:
the horizon, 96 months, or what 90% of the budget pays a facilitator for); the facilitator(s) for those months
are paid first, and the rest of the budget goes to meetings, pilots and dissemination events in shares
(x1, x2) mapped uniformly onto the triangle of shares (meetings = 1 - sqrt(1 - x1), pilots = the remainder
x x2, events = the remainder x (1 - x2)). Shares buy units at the cost table's prices, and the units become a
plan (:class:`.strategy.Plan`) that drives the model's rates. An item that would exceed the model's highest
rate (e.g. 52 events a year) is capped and its money goes to the other items in proportion to their shares;
money stays unspent only when every item with a share is capped (shown). Facilitation quality is not bought: it stays at the base scenario's
(or ``--strategy``'s) settings.

The search, on common random numbers throughout:

1. screen a Latin hypercube of 40 splits, each on R/4 (>= 4) replicates (seed stream 0);
2. refine: 8 more splits in a box of half-width 0.1 around each of the 4 best, on the same replicates;
3. confirm the 8 best splits found on R fresh replicates (seed stream 1), so they are not judged on the runs
   that selected them; rank them by their mean outcome and compare each with the best one, pairing replicates:
   mean difference with a 90% bootstrap interval, chance of doing better in one future, and whether it is
   **indistinguishable** from the best (the interval of the mean difference includes 0).

About 1,040 runs with the defaults (R = 40): 39 s measured on 2 cores (2 min with the machine busy).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd
from SALib.sample import latin

import model
from model.registry import REGISTRY

from ..io import StagedDir, UserError, atomic_write_json, atomic_write_text, write_table
from .. import tables
from ..provenance import git_commit
from . import formatting as fmt
from .accounts import cost_table, play_strategies
from .costs import UNIT_LABELS, UNITS, CostTable
from .document import (
    Block,
    Bullets,
    Figure,
    Heading,
    Paragraph,
    Table,
    to_html,
    to_markdown,
)
from ..worlds import Worlds
from .runs import replicate_seeds
from .stats import Outcome, describe, differences
from .strategy import RATE_OF, Plan, Strategy, country_size

MIN_MONTHS, MAX_MONTHS = 12, 96
FACILITATOR_CAP = 0.9  # at most this share of the budget on the facilitator (sets the longest project)
SCREEN_POINTS, REFINE_AROUND, REFINE_POINTS, FINALISTS = 40, 4, 8, 8
REFINE_HALF_WIDTH = 0.1
SEARCH_SEED = 5  # the Latin hypercubes' seed (offset by the run seed)
COLUMNS = ("facilitation", "pilots", "dissemination")
PLAN_COLUMNS = ("project_months", "planned_meeting", "planned_pilot", "planned_dissemination_event")
ITEM = {"meeting": "meetings", "pilot": "pilots", "dissemination_event": "dissemination_events"}  # unit -> plan item


@dataclass
class Allocation:
    budget: float
    outcome: Outcome
    costs: CostTable
    base: model.Scenario
    steps: int
    seed: int
    screening: pd.DataFrame   # every screened split: stage, point, plan, shares, mean outcome
    finalists: pd.DataFrame   # confirmed splits, best first
    runs: pd.DataFrame        # the confirmation runs
    replicates: int
    screen_replicates: int
    seconds: float
    started: str
    worlds: Worlds | None = None


# -------------------------------------------------------------------------------------------- splits
def month_range(budget: float, costs: CostTable, facilitators: float, steps: int) -> tuple[int, int]:
    per_month = facilitators * costs.unit_costs["facilitator_month"]
    affordable = math.floor(FACILITATOR_CAP * budget / per_month) if per_month > 0 else MAX_MONTHS
    longest = min(steps, MAX_MONTHS, affordable)
    if longest < min(MIN_MONTHS, steps):
        raise UserError(f"--budget {budget:g}: too small; {facilitators:g} facilitator(s) for {MIN_MONTHS} months "
                        f"already cost {MIN_MONTHS * per_month:,.0f} {costs.currency}")
    return min(MIN_MONTHS, longest), longest


def shares(x1: float, x2: float) -> dict[str, float]:
    """A uniform point of the triangle of shares (meetings, pilots, events) from the unit square."""
    meetings = 1 - math.sqrt(1 - x1)
    return {"meeting": meetings, "pilot": (1 - meetings) * x2, "dissemination_event": (1 - meetings) * (1 - x2)}


def plan_from_point(x: np.ndarray, budget: float, costs: CostTable, facilitators: float, platforms: int,
                    months: tuple[int, int]) -> Plan:
    """The plan a point of the unit cube buys: the facilitator(s) first, then the rest by shares."""
    project_months = int(round(months[0] + x[0] * (months[1] - months[0])))
    years = project_months / 12
    most = {unit: REGISTRY[RATE_OF[ITEM[unit]]].high * years * (platforms if unit == "meeting" else 1) for unit in ITEM}
    flexible = budget - facilitators * project_months * costs.unit_costs["facilitator_month"]
    units = buy(shares(x[1], x[2]), flexible, {u: costs.unit_costs[u] for u in ITEM}, most)
    return Plan(project_months, facilitators, **{ITEM[u]: n for u, n in units.items()})


def buy(share: dict[str, float], money: float, price: dict[str, float], most: dict[str, float]) -> dict[str, float]:
    """Units bought with ``money`` split by ``share``; an item that reaches the model's highest rate is capped
    and what it leaves goes to the other items in proportion to their shares (left unspent only when every
    item with a share is capped). Items are summed in ``share``'s order, never a set's: a set of names iterates
    in an order that changes with the process's hash seed, and float sums in another order differ in the last
    bits, which gave the same budget split slightly different plans from one process to the next."""
    units = dict.fromkeys(share, 0.0)
    open_items = [u for u in share if share[u] > 0]
    while open_items and money > 1e-9:
        weight = sum(share[u] for u in open_items)
        capped = [u for u in open_items if price[u] == 0 or share[u] / weight * money >= (most[u] - units[u]) * price[u]]
        if not capped:
            for u in open_items:
                units[u] += share[u] / weight * money / price[u]
            break
        for u in capped:
            money -= (most[u] - units[u]) * price[u]
            units[u] = most[u]
        open_items = [u for u in open_items if u not in capped]
    return units


def split_row(plan: Plan, budget: float, costs: CostTable) -> dict[str, float]:
    """A plan as a funder reads it: project length, units, and the shares of the budget each part takes."""
    spent = {u: n * costs.unit_costs[u] for u, n in plan.units().items()}
    row = {"project_months": plan.project_months, "facilitators": plan.facilitators,
           **{f"planned_{u}": n for u, n in plan.units().items()}, "planned_cost": sum(spent.values())}
    row["facilitation"] = (spent["facilitator_month"] + spent["meeting"]) / budget
    row["pilots"] = spent["pilot"] / budget
    row["dissemination"] = spent["dissemination_event"] / budget
    row["unspent"] = max(0.0, 1 - row["planned_cost"] / budget)
    return row


def as_strategy(label: str, plan: Plan, template: Strategy | None, base: model.Scenario, platforms: int) -> Strategy:
    settings = dict(template.settings) if template else {}
    params = {**base.params, **settings, **plan.parameters(platforms)}
    return Strategy(label, "", settings, plan, params, base, None, label)


# -------------------------------------------------------------------------------------------- search
def allocate(base: model.Scenario, costs: CostTable, budget: float, outcome: Outcome, replicates: int,
             steps: int, seed: int, workers: int = 1, template: Strategy | None = None,
             progress: bool = True, worlds: Worlds | None = None, batch_size: int | None = None) -> Allocation:
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    facilitators = template.plan.facilitators if template else 1.0
    platforms, communities = country_size({**base.params, **(template.settings if template else {})})
    months = month_range(budget, costs, facilitators, steps)

    def strategies_at(points: np.ndarray, first: int) -> list[Strategy]:
        return [as_strategy(f"split {first + i}", plan_from_point(x, budget, costs, facilitators, platforms, months),
                            template, base, platforms) for i, x in enumerate(points)]

    screen_reps = max(4, replicates // 4)
    screen_seeds = replicate_seeds(seed, screen_reps, stream=0)
    points = latin.sample(cube(), SCREEN_POINTS, seed=SEARCH_SEED + seed)
    screened = evaluate(strategies_at(points, 0), points, "screen", screen_seeds, steps, workers, progress,
                        costs, communities, outcome, budget, worlds, batch_size)
    around = points[distinct_best(screened, REFINE_AROUND)["point"].to_numpy()]
    refine_points = np.vstack([box_around(x, k, seed) for k, x in enumerate(around)])
    refined = evaluate(strategies_at(refine_points, len(points)), refine_points, "refine", screen_seeds, steps,
                       workers, progress, costs, communities, outcome, budget, worlds, batch_size)
    screening = pd.concat([screened, refined], ignore_index=True)
    chosen = distinct_best(screening, FINALISTS)
    all_points = np.vstack([points, refine_points])
    finalists = strategies_at(all_points[chosen["point"].to_numpy()], 0)
    finalists = [s.relabel(label) for s, label in zip(finalists, chosen["split"])]
    runs, table = confirm(finalists, replicates, seed, steps, workers, progress, costs, communities, outcome, budget,
                          worlds, batch_size)
    return Allocation(budget, outcome, costs, base, steps, seed, screening, table, runs, replicates, screen_reps,
                      time.perf_counter() - t0, started, worlds)


def cube() -> dict:
    return {"num_vars": 3, "names": ["months", "x1", "x2"], "bounds": [[0.0, 1.0]] * 3}


def box_around(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    local = latin.sample(cube(), REFINE_POINTS, seed=SEARCH_SEED + seed + 1000 + k)
    return np.clip(x + (2 * local - 1) * REFINE_HALF_WIDTH, 0.0, 1.0)


def distinct_best(table: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n best splits by mean outcome (in the outcome's good direction), one per distinct plan (points whose
    capped items make them buy the same plan are the same split)."""
    distinct = table[~table[list(PLAN_COLUMNS)].round(6).duplicated()]
    return distinct.iloc[np.argsort(-distinct["score"].to_numpy(), kind="stable")[:n]]


def evaluate(strategies: list[Strategy], points: np.ndarray, stage: str, seeds: list[int], steps: int,
             workers: int, progress: bool, costs: CostTable, communities: int, outcome: Outcome,
             budget: float, worlds: Worlds | None = None, batch_size: int | None = None) -> pd.DataFrame:
    """Play splits on the given seeds; one row per split with its plan, shares and mean outcome."""
    runs, _ = play_strategies(strategies, seeds, steps, workers, progress, costs, communities, f"allocate {stage}",
                              worlds, batch_size)
    rows = []
    for s, x, (_, group) in zip(strategies, points, runs.groupby("contender", sort=True)):
        mean = float(group[outcome.name].mean())
        rows.append({"split": s.label, "stage": stage, "point": int(s.label.split()[-1]),
                     "x_months": x[0], "x1": x[1], "x2": x[2], **split_row(s.plan, budget, costs),
                     "mean": mean, "sd": float(group[outcome.name].std(ddof=1)), "replicates": len(group),
                     "funder_cost": float(group["funder_cost"].median()), "score": outcome.better * mean})
    return pd.DataFrame(rows)


def confirm(finalists: list[Strategy], replicates: int, seed: int, steps: int, workers: int, progress: bool,
            costs: CostTable, communities: int, outcome: Outcome, budget: float,
            worlds: Worlds | None = None, batch_size: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-run the finalists on fresh seeds; rank by mean outcome and compare each with the best, paired."""
    seeds = replicate_seeds(seed, replicates, stream=1)
    runs, _ = play_strategies(finalists, seeds, steps, workers, progress, costs, communities, "allocate confirm",
                              worlds, batch_size)
    summary = describe(runs, [outcome.name]).set_index("strategy")
    order = sorted(finalists, key=lambda s: -outcome.better * summary.loc[s.label, "mean"])
    diffs = differences(runs, [s.label for s in order], (outcome,)).set_index("strategy")
    spend = cost_table(runs, order, costs, budget).set_index("strategy")
    rows = []
    for rank, s in enumerate(order, start=1):
        d = diffs.loc[s.label] if rank > 1 else None
        rows.append({
            "rank": rank, "split": s.label, **split_row(s.plan, budget, costs),
            "median": summary.loc[s.label, "median"], "low": summary.loc[s.label, "low"],
            "high": summary.loc[s.label, "high"], "mean": summary.loc[s.label, "mean"],
            "diff_mean": 0.0 if d is None else d["mean"], "diff_low": 0.0 if d is None else d["mean_low"],
            "diff_high": 0.0 if d is None else d["mean_high"], "p_better": 0.5 if d is None else d["p_better"],
            "indistinguishable": True if d is None else bool(d["mean_low"] <= 0 <= d["mean_high"]),
            "funder_cost": spend.loc[s.label, "funder_cost"], "funder_cost_low": spend.loc[s.label, "funder_cost_low"],
            "funder_cost_high": spend.loc[s.label, "funder_cost_high"],
        })
    return runs, pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------- writing
def write_allocation(result: Allocation, out: Path) -> Path:
    with StagedDir(out) as tmp:
        write_table(result.screening, tmp / "screening")
        write_table(result.finalists, tmp / "finalists")
        write_table(result.runs.rename(columns={"label": "split"}).drop(columns="contender"), tmp / "runs")
        plot_search(result, tmp / "search")
        plot_finalists(result, tmp / "finalists")
        blocks = report_blocks(result)
        atomic_write_text(tmp / "report.md", to_markdown(blocks))
        atomic_write_text(tmp / "report.html", to_html(blocks, heading(result)))
        atomic_write_json(tmp / "manifest.json", {
            "kind": "allocate", "started": result.started, "seconds": round(result.seconds, 3),
            "version": model.__version__, "git_commit": git_commit(), "budget": result.budget,
            "outcome": result.outcome.name, "replicates": result.replicates,
            "screen_replicates": result.screen_replicates, "steps": result.steps, "seed": result.seed,
            "base": {"path": str(result.base.path), "parameters": result.base.params,
                     "alliance_table": tables.provenance(result.base.params)},
            "costs": {"path": str(result.costs.path), "currency": result.costs.currency,
                      "unit_costs": result.costs.unit_costs},
            "worlds": None if result.worlds is None else result.worlds.describe(),
        })
        tables.write_notice(tmp, result.base.params)
    return Path(out)


def heading(result: Allocation) -> str:
    return f"Splitting a budget of {result.budget:,.0f} {result.costs.currency}: best splits for {result.outcome.short}"


def value(result: Allocation, x: float) -> str:
    return fmt.value(result.outcome.kind, x, result.steps)


def shares_text(r: dict) -> str:
    """``27% / 42% / 24%`` of the budget on facilitation / pilots / dissemination, and what stays unspent."""
    unspent = f" ({fmt.percent(r['unspent'])} unspent)" if r["unspent"] > 0.005 else ""
    return " / ".join(fmt.percent(r[c]) for c in COLUMNS) + unspent


def verdict(r: dict) -> str:
    if r["rank"] == 1:
        return "best"
    return "indistinguishable from the best" if r["indistinguishable"] else "worse"


def finalist_rows(result: Allocation) -> tuple[tuple[str, ...], ...]:
    rows = []
    for r in result.finalists.to_dict("records"):
        best = r["rank"] == 1
        kind = result.outcome.kind
        rows.append((
            f"{r['rank']}. {r['split']}", f"{r['project_months']}", shares_text(r),
            f"{r['planned_meeting']:,.0f} / {r['planned_pilot']:,.0f} / {r['planned_dissemination_event']:,.0f}",
            fmt.with_interval(kind, r["median"], r["low"], r["high"], result.steps), value(result, r["mean"]),
            "-" if best else fmt.difference_interval(kind, r["diff_mean"], r["diff_low"], r["diff_high"]),
            "-" if best else fmt.percent(r["p_better"]), verdict(r),
            fmt.with_interval("money", r["funder_cost"], r["funder_cost_low"], r["funder_cost_high"],
                              currency=result.costs.currency),
        ))
    return tuple(rows)


def report_blocks(result: Allocation) -> list[Block]:
    best = result.finalists.iloc[0]
    tied = result.finalists[result.finalists["indistinguishable"]]
    return [
        Heading(heading(result), 1),
        Paragraph(f"{len(result.screening)} ways of splitting the budget were tried on {result.screen_replicates} "
                  f"simulated futures each; the {len(result.finalists)} most promising were then played again on "
                  f"{result.replicates} fresh futures (the same futures for each split) and compared with the best. "
                  f"The country is \"{result.base.name}\", simulated for {result.steps} months."),
        Heading("In short"),
        Bullets((
            f"Best split found: a project of **{best['project_months']} months**, with "
            + ", ".join(f"**{fmt.percent(best[c])}** on {c}" for c in COLUMNS)
            + f" of the budget; {result.outcome.short}: {value(result, best['median'])} in the median future.",
            f"{len(tied)} of the {len(result.finalists)} finalists cannot be told apart from the best with these "
            f"replicates (the 90% interval of their average difference includes zero): "
            + ", ".join(tied["split"]) + ". Any of them is a defensible choice; pick on other grounds.",
            "Shares of the budget: facilitation is the facilitator(s) plus platform meetings.",
            absorption_text(result),
            *((result.worlds.note(),) if result.worlds is not None else ()),
        )),
        Heading("The best splits found"),
        Table(("Split", "Project months", "Facilitation / pilots / dissemination (share of budget)",
               "Meetings / pilots / events planned", f"{result.outcome.label} (median, 90% range)", "Average",
               "Average difference to the best (90% CI)", "Better than the best in", "Verdict", "Cost to the funder (used)"),
              finalist_rows(result)),
        Figure("finalists.png", "The finalists on fresh futures: dot = median, bar = 90% of futures, cross = average."),
        Figure("search.png", "Every split tried in the search: shares of the budget (left) and project length (right), "
                             "coloured by the average outcome on the screening futures."),
        Heading("How to read this report"),
        Bullets((
            "**90% range**: 9 futures out of 10 fall inside it. **Average difference to the best**: how much worse "
            "(or better) a split does than the best on average over the same futures, with a 90% confidence interval.",
            "**Better than the best in x%**: the share of futures in which the split beat the best split.",
            "Facilitation quality (guidance, mediation, empowerment, conflict management) is not bought here; it "
            "stays at the scenario's settings. Unit costs: " + "; ".join(
                f"{UNIT_LABELS[u]} {result.costs.unit_costs[u]:g} {result.costs.currency}" for u in UNITS) + ".",
            "The cost to the funder is what the simulated alliance actually used during the project; it can differ "
            "from the planned budget (platforms without members do not meet, pilots need willing communities).",
        )),
    ]


def absorption_text(result: Allocation) -> str:
    """How much of the budget the simulated alliances actually used (a plan sets rates, not spending)."""
    used = result.finalists["funder_cost"] / result.budget
    return (f"The finalists' alliances used {fmt.percent(used.min())} to {fmt.percent(used.max())} of the budget in "
            f"the median future: a plan sets how often the alliance meets, pilots and disseminates, but platforms "
            f"without members do not meet and pilots need willing host communities.")


def plot_search(result: Allocation, path: Path) -> Path:
    from .figures import plt, save

    s = result.screening
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    sc = left.scatter(100 * s["pilots"], 100 * s["facilitation"], c=s["mean"], cmap="viridis", s=30)
    left.set(xlabel="pilots (% of budget)", ylabel="facilitation (% of budget)", title="Shares of the budget")
    right.scatter(s["project_months"], s["mean"], c=s["mean"], cmap="viridis", s=30)
    right.set(xlabel="project months", ylabel=f"average {result.outcome.name}", title="Project length")
    fig.colorbar(sc, ax=left, label=f"average {result.outcome.name}")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return save(fig, path)


def plot_finalists(result: Allocation, path: Path) -> Path:
    from .figures import plt, save

    f = result.finalists
    scale = 100 if result.outcome.kind == "share" else 1
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(f) + 1.5))
    y = np.arange(len(f))[::-1]
    colours = ["tab:green" if t else "tab:grey" for t in f["indistinguishable"]]
    ax.hlines(y, scale * f["low"], scale * f["high"], colors=colours, lw=2)
    ax.plot(scale * f["median"], y, "o", color="black")
    ax.plot(scale * f["mean"], y, "x", color="tab:red")
    ax.set_yticks(y, [f"{r['rank']}. {r['split']} ({r['project_months']} mo)" for r in f.to_dict("records")], fontsize=8)
    ax.set(xlabel=result.outcome.label + (" (%)" if scale == 100 else ""),
           title="Finalists (green: indistinguishable from the best)")
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return save(fig, path)


def print_allocation(result: Allocation, out: Path, file: TextIO) -> None:
    print(f"\n{len(result.screening)} splits screened, {len(result.finalists)} confirmed on {result.replicates} "
          f"replicates, in {result.seconds:.1f} s. Best splits for {result.outcome.name} (best first; "
          f"facilitation / pilots / dissemination as shares of the budget):", file=file)
    for r in result.finalists.to_dict("records"):
        print(f"  {r['split']:<9} {r['project_months']:>3} months  {shares_text(r)}  average {value(result, r['mean'])}, "
              f"median {fmt.with_interval(result.outcome.kind, r['median'], r['low'], r['high'], result.steps)}  "
              f"[{verdict(r)}]", file=file)
    if result.worlds is not None:
        print(result.worlds.note(), file=file)
    print(f"\nReport: {out / 'report.html'} (and report.md); tables: {out}/*.csv, *.parquet", file=file)
