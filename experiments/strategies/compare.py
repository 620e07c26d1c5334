"""`mus-alliance compare`: play strategies on common random numbers and write a funder's decision report.

The results folder (built beside its place and swapped in only when complete):

- ``report.md`` and ``report.html`` with ``uptake.png``, ``differences.png``, ``costs.png``;
- ``runs`` (one row per strategy and replicate: seed, outcomes, units used, costs), ``outcomes`` (median and
  90% interval per strategy and outcome), ``differences`` (paired differences to the first strategy),
  ``costs`` (plan, cost, cost per adopting community, budget), ``uptake_bands`` (per month) and
  ``unit_costs``: each as ``.parquet`` and ``.csv``;
- ``manifest.json``: strategies as given and as run, base scenario, cost table, seeds, versions, timing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

import model
from model.registry import REGISTRY, TABLE

from ..io import StagedDir, atomic_write_json, atomic_write_text, write_table
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
from .figures import plot_costs, plot_differences, plot_uptake
from .runs import replicate_seeds
from ..expressions import Expression
from ..worlds import Worlds
from .robust import Robustness, robustness
from .robust import findings as robust_findings
from .stats import HIGH, LOW, OUTCOME, OUTCOMES, Outcome, describe, differences
from .strategy import Strategy, country_size

SEED_RULE = "replicate r: SeedSequence([seed, 0, r]).generate_state(1, uint64)[0] >> 1, the same for every strategy"


@dataclass
class Comparison:
    strategies: list[Strategy]
    costs: CostTable
    base: model.Scenario
    steps: int
    seeds: list[int]
    seed: int
    budget: float | None
    communities: int
    runs: pd.DataFrame
    outcomes: pd.DataFrame
    differences: pd.DataFrame
    cost_table: pd.DataFrame
    uptake: np.ndarray
    seconds: float
    started: str
    worlds: Worlds | None = None
    robustness: Robustness | None = None

    @property
    def labels(self) -> list[str]:
        return [s.label for s in self.strategies]

    @property
    def reference(self) -> str:
        return self.strategies[0].label


def compare(strategies: list[Strategy], costs: CostTable, base: model.Scenario, steps: int, replicates: int,
            seed: int, budget: float | None = None, workers: int = 1, progress: bool = True,
            worlds: Worlds | None = None, targets: list[Expression] | None = None,
            rank_by: Outcome | None = None, batch_size: int | None = None) -> Comparison:
    """Run every strategy on the same seeds (and, with ``worlds``, the same plausible worlds) and compute
    outcomes, paired differences and costs; with worlds or targets, robustness across the futures too."""
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    seeds = replicate_seeds(seed, replicates)
    _, communities = country_size(base.params)
    runs, uptake = play_strategies(strategies, seeds, steps, workers, progress, costs, communities, worlds=worlds,
                                   batch_size=batch_size)
    labels = [s.label for s in strategies]
    robust = None
    if worlds is not None or targets:
        robust = robustness(runs, labels, list(targets or []), rank_by or OUTCOME["uptake_final"], worlds)
    return Comparison(
        strategies, costs, base, steps, seeds, seed, budget, communities, runs,
        describe(runs, [o.name for o in OUTCOMES]), differences(runs, labels), cost_table(runs, strategies, costs, budget),
        uptake, time.perf_counter() - t0, started, worlds, robust,
    )


# --------------------------------------------------------------------------------------------- writing
def write_comparison(comp: Comparison, out: Path) -> Path:
    """Write the results folder atomically; return it."""
    with StagedDir(out) as tmp:
        write_table(comp.runs.rename(columns={"label": "strategy"}).drop(columns="contender"), tmp / "runs")
        write_table(comp.outcomes, tmp / "outcomes")
        write_table(comp.differences, tmp / "differences")
        write_table(comp.cost_table, tmp / "costs")
        write_table(uptake_bands(comp), tmp / "uptake_bands")
        write_table(pd.DataFrame(comp.costs.as_rows()), tmp / "unit_costs")
        if comp.robustness is not None:
            write_table(comp.robustness.table, tmp / "robustness")
            write_table(comp.robustness.flips, tmp / "flips")
            write_table(comp.robustness.flip_parameters, tmp / "flip_parameters")
        plot_uptake(comp.uptake, comp.labels, [s.exit_month for s in comp.strategies], tmp / "uptake")
        if len(comp.strategies) > 1:
            plot_differences(comp.differences, comp.labels[1:], comp.reference, tmp / "differences")
        plot_costs(comp.cost_table, comp.costs.currency, comp.budget, tmp / "costs")
        blocks = report_blocks(comp)
        atomic_write_text(tmp / "report.md", to_markdown(blocks))
        atomic_write_text(tmp / "report.html", to_html(blocks, title(comp)))
        atomic_write_json(tmp / "manifest.json", manifest(comp))
        tables.write_notice(tmp, comp.base.params)
    return Path(out)


def uptake_bands(comp: Comparison) -> pd.DataFrame:
    frames = []
    for label, series in zip(comp.labels, comp.uptake):
        low, median, high = np.quantile(series, [LOW, 0.5, HIGH], axis=0)
        frames.append(pd.DataFrame({"strategy": label, "month": np.arange(series.shape[1]),
                                    "median": median, "low": low, "high": high}))
    return pd.concat(frames, ignore_index=True)


def manifest(comp: Comparison) -> dict:
    return {
        "kind": "compare", "started": comp.started, "seconds": round(comp.seconds, 3),
        "version": model.__version__, "git_commit": git_commit(),
        "base": {"path": str(comp.base.path), "name": comp.base.name, "parameters": comp.base.params,
                 "alliance_table": tables.provenance(comp.base.params)},
        "steps": comp.steps, "replicates": len(comp.seeds), "seed": comp.seed, "seeds": comp.seeds,
        "seed_rule": SEED_RULE, "budget": comp.budget, "communities": comp.communities,
        "worlds": None if comp.worlds is None else {
            **comp.worlds.describe(),
            "overridden_by_strategies": sorted({p for s in comp.strategies for p in comp.worlds.overridden(s.params)})},
        "targets": [] if comp.robustness is None else [t.text for t in comp.robustness.targets],
        "rank_by": None if comp.robustness is None else comp.robustness.outcome.name,
        "costs": {"path": str(comp.costs.path), "currency": comp.costs.currency, "unit_costs": comp.costs.unit_costs},
        "strategies": [{
            "label": s.label, "name": s.name, "path": str(s.path), "description": s.description,
            "settings": s.settings, "plan": vars(s.plan), "parameters": s.params,
            "rerun": rerun_args(comp, s),
        } for s in comp.strategies],
    }


def rerun_args(comp: Comparison, s: Strategy) -> list[str]:
    """`mus-alliance run` arguments repeating one replicate of this strategy (put its seed for SEED)."""
    args = ["run", str(comp.base.path), "--steps", str(comp.steps), "--replicates", "1", "--seed", "SEED"]
    for name, value in s.params.items():
        if name == TABLE or (comp.base.table is not None and name in comp.base.table.values):
            continue  # the base scenario names its alliance table
        args += ["--set", f"{name}={value if REGISTRY[name].kind == 'choice' else repr(value)}"]
    return args


# ---------------------------------------------------------------------------------------------- report
def title(comp: Comparison) -> str:
    return "Funding strategies compared: " + ", ".join(comp.labels)


def report_blocks(comp: Comparison) -> list[Block]:
    return [
        Heading(title(comp), 1),
        *robust_blocks(comp),
        Paragraph(introduction(comp)),
        Heading("In short"), Bullets(tuple(findings(comp))),
        Heading("The strategies"), *strategy_blocks(comp),
        Heading("What each strategy achieves"),
        Paragraph("Median over the simulated futures, and in brackets the range that holds 9 futures out of 10."),
        outcome_table(comp),
        Figure("uptake.png", "Share of communities using MUS, month by month: the line is the median future, the "
                             "band holds 9 futures out of 10; a dotted line marks when the project leaves."),
        *difference_blocks(comp),
        Heading("What it costs"), Paragraph(cost_intro(comp)), cost_report_table(comp),
        Figure("costs.png", "Cost to the funder against communities using MUS at the end, median and 90% range."),
        Heading("How to read this report"), Bullets(reading_notes(comp)),
        Heading("Unit costs used"), unit_cost_table(comp),
        Heading("For analysts"), Bullets(analyst_notes(comp)), average_difference_table(comp),
    ]


def regret_amount(comp: Comparison):
    """Formats an amount of the ranking outcome given up (regret)."""
    kind = comp.robustness.outcome.kind
    return lambda x: fmt.value(kind, x, comp.steps) if kind != "share" else fmt.difference("share", x).lstrip("+")


def robust_items(comp: Comparison) -> list[str]:
    """Robustness in plain words (empty without targets or worlds)."""
    return [] if comp.robustness is None else robust_findings(comp.robustness, regret_amount(comp))


def robust_blocks(comp: Comparison) -> list[Block]:
    """The report's lead when the funder gave targets or plausible worlds: robustness in plain words."""
    rob = comp.robustness
    if rob is None:
        return []
    amount = regret_amount(comp)

    where = "plausible worlds" if comp.worlds is not None else "simulated futures"
    columns = [c for c in rob.table.columns if c.startswith("meets")]
    p = [c for c in rob.table.columns if c.startswith("regret p")][0]
    rows = tuple((r["strategy"], *(fmt.percent(r[c]) for c in columns), amount(r["mean regret"]), amount(r[p]),
                  fmt.percent(r["share best"])) for r in rob.table.to_dict("records"))
    return [
        Heading(f"Robust choice across {where}"),
        Bullets(tuple(robust_items(comp))),
        Table(("Strategy", *[c.replace("meets: ", "Meets ") for c in columns],
               f"Regret: {rob.outcome.short} given up (average)", "Regret, 9 futures in 10 at most",
               "Best in"), rows),
        Paragraph(f"Each of the {rob.futures} {where} is played by every strategy. Regret is what a strategy gives "
                  f"up against the best strategy in that same future; \"best in\" is the share of futures where "
                  f"it is the best. Tables: robustness, flips (futures where the ranking flips)"
                  + (", flip_parameters." if comp.worlds is not None else ".")),
    ]


def introduction(comp: Comparison) -> str:
    return (f"Each strategy was played out in the same {len(comp.seeds)} simulated futures of the country "
            f"described by the scenario \"{comp.base.name}\" ({comp.communities} communities), over "
            f"{comp.steps} months. Because every strategy meets exactly the same futures, a difference between "
            f"two strategies is due to the strategies, not to luck. Every strategy is compared with the first "
            f"one, **{comp.reference}**." + (" " + comp.worlds.note() if comp.worlds is not None else ""))


def outcome_cell(comp: Comparison, label: str, name: str) -> str:
    """``median (low to high)`` of one outcome of one strategy, formatted for its kind."""
    row = comp.outcomes[(comp.outcomes["strategy"] == label) & (comp.outcomes["outcome"] == name)].iloc[0]
    return fmt.with_interval(OUTCOME[name].kind, row["median"], row["low"], row["high"], comp.steps)


def outcome_table(comp: Comparison) -> Table:
    rows = tuple((o.label, *(outcome_cell(comp, label, o.name) for label in comp.labels)) for o in OUTCOMES)
    return Table(("Outcome", *comp.labels), rows)


def difference_row(comp: Comparison, label: str, name: str) -> pd.Series:
    d = comp.differences
    return d[(d["strategy"] == label) & (d["outcome"] == name)].iloc[0]


def difference_cell(comp: Comparison, label: str, name: str) -> str:
    row = difference_row(comp, label, name)
    spread = fmt.difference_interval(OUTCOME[name].kind, row["median"], row["low"], row["high"])
    return f"{spread}; better in {fmt.percent(row['p_better'])}"


def difference_blocks(comp: Comparison) -> list[Block]:
    others = comp.labels[1:]
    if not others:
        return []
    rows = tuple((o.label, *(difference_cell(comp, label, o.name) for label in others)) for o in OUTCOMES)
    return [
        Heading(f"Compared with {comp.reference}"),
        Paragraph(f"For each future, the strategy's result minus {comp.reference}'s result in the same future: "
                  f"the median difference, the range that holds 9 futures out of 10, and the share of futures "
                  f"in which the strategy did better (fewer months to 50% and fewer dropouts count as better)."),
        Table(("Outcome", *others), rows),
        Figure("differences.png", f"Paired differences to {comp.reference}: dot = median, bar = 90% of futures; "
                                  f"right of the grey line is more of the outcome."),
    ]


def money(comp: Comparison, x: float) -> str:
    return fmt.value("money", x, currency=comp.costs.currency)


def cost_intro(comp: Comparison) -> str:
    text = (f"Costs are the resource units the simulation actually used (facilitator-months, meetings, pilots, "
            f"dissemination events) times the unit costs below, in {comp.costs.currency}. **Cost to the funder** "
            f"counts the project's months; **total cost** adds what the alliance keeps spending on its own after "
            f"the project leaves, to month {comp.steps}. Cost per additional adopting community compares each "
            f"strategy with {comp.reference} future by future: the extra money divided by the extra communities "
            f"using MUS.")
    if comp.budget is not None:
        text += f" Budget: {money(comp, comp.budget)}; a strategy whose median cost to the funder exceeds it is marked."
    return text


def spread(comp: Comparison, kind: str, row: dict, column: str) -> str:
    """``median (low to high)`` of a cost-table column with ``_low``/``_high`` partners."""
    return fmt.with_interval(kind, row[column], row[f"{column}_low"], row[f"{column}_high"], currency=comp.costs.currency)


def units_text(row: dict, prefix: str, suffix: str = "") -> str:
    return "; ".join(f"{row[f'{prefix}{u}{suffix}']:,.0f} {UNIT_LABELS[u]}" for u in UNITS)


def budget_text(comp: Comparison, row: dict) -> str:
    if comp.budget is None:
        return "no budget given"
    over = f"({fmt.percent(row['p_over_budget'])} of futures over)"
    return f"**OVER BUDGET** {over}" if row["over_budget"] else f"within budget {over}"


def cost_cells(comp: Comparison, row: dict) -> list[str]:
    reference = row["strategy"] == comp.reference
    extra = "reference" if reference else fmt.difference_interval(
        "count", row["additional_communities"], row["additional_communities_low"], row["additional_communities_high"])
    return [
        f"{row['project_months']} months, {row['facilitators']:g} facilitator(s)",
        units_text(row, "planned_"), money(comp, row["planned_cost"]), units_text(row, "used_", "_in_project"),
        spread(comp, "money", row, "funder_cost"), spread(comp, "money", row, "total_cost"),
        spread(comp, "count", row, "adopting_communities"), money(comp, row["cost_per_adopting_community"]),
        extra, "reference" if reference else per_additional_text(comp, row), budget_text(comp, row),
    ]


def per_additional_text(comp: Comparison, row: dict) -> str:
    ratio = row["cost_per_additional_community"]
    if np.isnan(ratio):
        return f"none: adds no communities over {comp.reference} on average"
    bounds = f"({money(comp, row['cost_per_additional_low'])} to {money(comp, row['cost_per_additional_high'])})"
    if ratio < 0:
        return f"saves money: {money(comp, -ratio)} less per additional community {bounds}"
    return f"{money(comp, ratio)} {bounds}"


COST_ROWS = (
    "Project plan", "Planned units", "Planned cost", "Units used during the project (median)",
    "Cost to the funder", "Total cost incl. after the project", "Communities using MUS at the end",
    "Cost to the funder per adopting community (average)", "Additional communities vs reference (average, 90% CI)",
    "Cost per additional adopting community (90% CI)", "Budget",
)


def cost_report_table(comp: Comparison) -> Table:
    columns = [cost_cells(comp, row) for row in comp.cost_table.to_dict("records")]
    return Table(("Cost", *comp.labels), tuple((name, *(col[i] for col in columns)) for i, name in enumerate(COST_ROWS)))


def strategy_blocks(comp: Comparison) -> list[Block]:
    blocks: list[Block] = []
    for s, row in zip(comp.strategies, comp.cost_table.to_dict("records")):
        blocks += [Heading(s.label, 3), Paragraph(s.description or "(no description)")]
        plan = (f"Plan: a project of {s.plan.project_months} months with {s.plan.facilitators:g} facilitator(s), "
                f"{s.plan.meetings:,.0f} platform meetings, {s.plan.pilots:,.0f} pilots and "
                f"{s.plan.dissemination_events:,.0f} dissemination events; planned cost {money(comp, row['planned_cost'])}.")
        changes = [f"{k} = {v} ({REGISTRY[k].meaning.rstrip('.')})" for k, v in s.settings.items()]
        blocks.append(Bullets((plan, "Settings changed: " + ("; ".join(changes) if changes else "none")
                               + ".")))
    return blocks


def findings(comp: Comparison) -> list[str]:
    """Plain-language key points, each computed from the result tables."""
    uptake = comp.outcomes[comp.outcomes["outcome"] == "uptake_final"].set_index("strategy")
    best = uptake["median"].idxmax()
    items = [f"Highest median MUS uptake: **{best}**, {outcome_cell(comp, best, 'uptake_final')} of communities."]
    for label in comp.labels[1:]:
        d = difference_row(comp, label, "uptake_final")
        row = comp.cost_table.set_index("strategy").loc[label]
        items.append(
            f"**{label}** against {comp.reference}: uptake {fmt.difference('share', d['median'])} in the median "
            f"future, better in {fmt.percent(d['p_better'])} of futures; "
            f"{extra_money(comp, row['additional_funder_cost'])}; "
            f"cost per additional adopting community: {per_additional_text(comp, row.to_dict())}.")
    after = comp.outcomes[comp.outcomes["outcome"] == "uptake_after_exit"].set_index("strategy")["median"]
    if after.notna().any():
        items.append(f"After the money stops, uptake grows most with **{after.idxmax()}** "
                     f"({fmt.difference('share', after.max())} in the median future after the project left).")
    else:
        items.append(f"Uptake after the money stops is undefined: no project leaves within the {comp.steps} months simulated.")
    if comp.budget is not None:
        over = comp.cost_table.loc[comp.cost_table["over_budget"], "strategy"].tolist()
        named = ", ".join(f"**{o}**" for o in over) if over else "none"
        items.append(f"Over the budget of {money(comp, comp.budget)}: {named}.")
    return items


def extra_money(comp: Comparison, amount: float) -> str:
    if amount >= 0:
        return f"it costs the funder {money(comp, amount)} more on average"
    return f"it saves the funder {money(comp, -amount)} on average"


def reading_notes(comp: Comparison) -> tuple[str, ...]:
    return (
        "**Median**: half of the simulated futures did better, half worse: the typical result.",
        "**Range in brackets**: 9 futures out of 10 fall inside it (5th to 95th percentile). A wide range means "
        "the result depends a lot on circumstances the funder does not control.",
        "**Better in x%**: in x% of the futures, the strategy did better than the reference in that same future.",
        f"**Months until half of the communities use MUS**: \"> {comp.steps}\" means not reached within the "
        f"{comp.steps} months simulated.",
        "**Planned versus used**: the plan sets how often the alliance meets, pilots and disseminates; what is used "
        "depends on the alliance (platforms without members do not meet, pilots need willing communities), and "
        "after the project leaves the alliance goes on only as far as its members own it.",
        "The model is a simplification; use the comparisons between strategies, not the absolute numbers.",
    )


def unit_cost_table(comp: Comparison) -> Table:
    return Table(("Resource unit", f"Unit cost ({comp.costs.currency})"),
                 tuple((UNIT_LABELS[u], f"{comp.costs.unit_costs[u]:,.2f}") for u in UNITS))


def analyst_notes(comp: Comparison) -> tuple[str, ...]:
    return (
        f"Replicates: {len(comp.seeds)}; seed {comp.seed}; {SEED_RULE}. Base scenario: {comp.base.path}. "
        f"Cost table: {comp.costs.path}.",
        "Tables (parquet and csv): runs, outcomes, differences, costs, uptake_bands, unit_costs; manifest.json "
        "holds the exact parameters of every strategy and the `mus-alliance run` arguments that repeat a run.",
        "Average paired differences below carry 90% bootstrap confidence intervals (replicates resampled as pairs): "
        "how sure the average effect is, which narrows with more replicates, unlike the 90% range of futures above.",
    )


def average_difference_table(comp: Comparison) -> Table:
    others = comp.labels[1:]
    rows = []
    for o in OUTCOMES:
        cells = []
        for label in others:
            r = difference_row(comp, label, o.name)
            cells.append(fmt.difference_interval(o.kind, r["mean"], r["mean_low"], r["mean_high"]))
        rows.append((o.label, *cells))
    return Table(("Average difference (90% CI)", *others), tuple(rows))
