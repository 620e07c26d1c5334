"""Robust decisions (``compare --worlds/--target``): how strategies fare across plausible worlds.

Each replicate is one *plausible future*: a world drawn from the ensemble (with ``--worlds``) and a seed for
chance, the same for every strategy. Following the robustness metrics of decision making under deep
uncertainty (McPhail et al. 2018, Earth's Future 6:169; EMA Workbench's satisficing and regret measures):

- **Satisficing**: the share of futures in which a strategy meets each of the funder's targets
  (``--target "uptake_final >= 0.25"``, several allowed) and all of them together. A target whose output is
  undefined in a future (NaN) counts as not met there, and the table says how often that happened.
- **Regret** (Savage): in each future, how much of the ranking outcome (``--rank-by``, default
  ``uptake_final``) a strategy gives up against the best strategy *in that same future*, in the outcome's good
  direction; its mean and 90th percentile over futures (the maximum is one unlucky future, too noisy to steer
  by), and the share of futures in which the strategy is the best (regret 0).
- **Ranking flips**: the futures in which the strategy that is best on average is not the best; with worlds,
  the world parameters in which those futures differ most from the others (medians, in units of the
  parameter's spread across all futures).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import model

from ..expressions import Expression, parse
from ..io import UserError
from ..worlds import Worlds
from .stats import OUTCOME, Outcome

EXTRA_COLUMNS = ("funder_cost", "total_cost", "adopting_communities")
REGRET_QUANTILE = 0.9


def target_names() -> list[str]:
    return [*model.SUMMARY_OUTPUTS, *EXTRA_COLUMNS]


def parse_targets(texts: list[str]) -> list[Expression]:
    targets = [parse(t, target_names(), "--target", condition=True) for t in texts]
    if len({t.text for t in targets}) != len(targets):
        raise UserError("--target: the same target given twice")
    return targets


def rank_outcome(name: str) -> Outcome:
    if name not in OUTCOME:
        raise UserError(f"--rank-by {name}: unknown outcome; choose one of {', '.join(OUTCOME)}")
    return OUTCOME[name]


@dataclass
class Robustness:
    outcome: Outcome
    targets: list[Expression]
    labels: list[str]
    futures: int
    table: pd.DataFrame       # one row per strategy: satisficing, regret, share best
    flips: pd.DataFrame       # one row per future where the average best is not the best
    flip_parameters: pd.DataFrame  # world parameters: median in flip futures vs the others (with worlds)
    best_on_average: str
    worlds: Worlds | None


def robustness(runs: pd.DataFrame, labels: list[str], targets: list[Expression], outcome: Outcome,
               worlds: Worlds | None = None) -> Robustness:
    """Satisficing, regret and ranking flips from the runs table (one row per strategy and replicate)."""
    rows = []
    values = runs.pivot(index="replicate", columns="label", values=outcome.name)[labels]
    signed = outcome.better * values.to_numpy(dtype=float)
    best_value = np.nanmax(signed, axis=1, keepdims=True)
    regret = best_value - signed                                   # >= 0, in the outcome's units
    mean_signed = np.nanmean(signed, axis=0)
    best_on_average = labels[int(np.nanargmax(mean_signed))]
    for j, label in enumerate(labels):
        group = runs[runs["label"] == label].sort_values("replicate")
        row = {"strategy": label}
        met_all = np.ones(len(group), dtype=bool)
        for t in targets:
            value = t.evaluate(group)
            met = value == 1.0
            met_all &= met
            row[f"meets: {t.text}"] = float(met.mean())
            row[f"undefined: {t.text}"] = float(np.isnan(value).mean())
        row["meets all targets"] = float(met_all.mean()) if targets else np.nan
        row["mean regret"] = float(np.nanmean(regret[:, j]))
        row[f"regret p{int(100 * REGRET_QUANTILE)}"] = float(np.nanquantile(regret[:, j], REGRET_QUANTILE))
        row["share best"] = float(np.mean(regret[:, j] <= 1e-12))
        rows.append(row)
    table = pd.DataFrame(rows)
    j_best = labels.index(best_on_average)
    flipped = regret[:, j_best] > 1e-12
    flip_rows = []
    for r in np.flatnonzero(flipped):
        replicate = values.index[r]
        future = runs[(runs["replicate"] == replicate)].iloc[0]
        winner = labels[int(np.nanargmax(signed[r]))]
        flip_rows.append({"replicate": int(replicate), "seed": int(future["seed"]),
                          **({"world": int(future["world"])} if "world" in runs else {}),
                          "best": winner, outcome.name + " of best": float(values.iloc[r][winner]),
                          outcome.name + " of " + best_on_average: float(values.iloc[r][best_on_average])})
    flips = pd.DataFrame(flip_rows)
    return Robustness(outcome, targets, labels, len(values), table, flips,
                      flip_parameters(runs, values.index, flipped, worlds), best_on_average, worlds)


def flip_parameters(runs: pd.DataFrame, replicates: pd.Index, flipped: np.ndarray, worlds: Worlds | None) -> pd.DataFrame:
    """Per numeric world parameter: its median in futures where the ranking flips and in the others, and the
    difference in units of its spread (interquartile range) over all futures; largest first."""
    columns = ["parameter", "median where it flips", "median elsewhere", "difference (IQR units)"]
    if worlds is None or not flipped.any() or flipped.all():
        return pd.DataFrame(columns=columns)
    seeds = runs.drop_duplicates("replicate").set_index("replicate").loc[replicates, "seed"]
    drawn = pd.DataFrame([worlds.values[worlds.index(s)] for s in seeds])
    rows = []
    for name in drawn.columns:
        if not pd.api.types.is_numeric_dtype(drawn[name]):
            continue
        x = drawn[name].to_numpy(dtype=float)
        iqr = np.subtract(*np.quantile(x, [0.75, 0.25]))
        a, b = float(np.median(x[flipped])), float(np.median(x[~flipped]))
        rows.append({"parameter": name, "median where it flips": a, "median elsewhere": b,
                     "difference (IQR units)": (a - b) / iqr if iqr > 0 else 0.0})
    table = pd.DataFrame(rows, columns=columns)
    return table.reindex(table["difference (IQR units)"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def findings(rob: Robustness, amount) -> list[str]:
    """Plain words for a programme officer; ``amount(x)`` formats a difference of the ranking outcome."""
    t = rob.table.set_index("strategy")
    where = "plausible worlds" if rob.worlds is not None else "simulated futures"
    n = f"{rob.futures} {where}"
    items = []
    plural = "s" if len(rob.targets) > 1 else ""
    top_share = float(t["meets all targets"].max()) if rob.targets else float("nan")
    leaders = list(t.index[t["meets all targets"] >= top_share - 1e-12]) if rob.targets else []
    if rob.targets:
        order = t["meets all targets"].sort_values(ascending=False, kind="stable")
        what = " and ".join(f"`{x.text}`" for x in rob.targets)
        if top_share == 0:
            items.append(f"No strategy meets your target{plural} ({what}) in any of the {n}.")
        else:
            named = " and ".join(f"**{s}**" for s in leaders)
            items.append(f"{named} meet{'s' if len(leaders) == 1 else ''} your target{plural} ({what}) in "
                         f"**{pct(top_share)}** of the {n}"
                         + "".join(f"; {s}: {pct(v)}" for s, v in order.items() if s not in leaders) + ".")
            if top_share < 0.5:
                items.append(f"No strategy meets the target{plural} in most {where}: the target{plural} "
                             f"{'are' if plural else 'is'} ambitious for every strategy on offer.")
    regret = t["mean regret"].sort_values(kind="stable")
    least = regret.index[0]
    p = f"regret p{int(100 * REGRET_QUANTILE)}"
    items.append(f"Least regret: **{least}** gives up {amount(regret.iloc[0])} of {rob.outcome.short} on average "
                 f"against the best strategy of each future (at most {amount(t.loc[least, p])} in 9 futures out of 10); "
                 + "; ".join(f"{s}: {amount(v)}" for s, v in regret.iloc[1:].items()) + ".")
    share = len(rob.flips) / rob.futures if rob.futures else 0.0
    if len(rob.flips):
        winners = rob.flips["best"].value_counts()
        items.append(f"**{rob.best_on_average}** is best on average, but in {len(rob.flips)} of the {n} "
                     f"({pct(share)}) another strategy does better: "
                     + ", ".join(f"{s} in {c}" for s, c in winners.items()) + ".")
        if len(rob.flip_parameters):
            top = rob.flip_parameters.iloc[0]
            if abs(top["difference (IQR units)"]) >= 0.5:
                direction = "higher" if top["difference (IQR units)"] > 0 else "lower"
                items.append(f"The ranking flips mostly in worlds with {direction} {top['parameter']} "
                             f"(median {top['median where it flips']:.3g} there against {top['median elsewhere']:.3g} elsewhere).")
    else:
        items.append(f"**{rob.best_on_average}** is the best strategy in every one of the {n}.")
    if rob.targets and top_share > 0:
        if least in leaders:
            items.append(f"**{least}** is the robust choice: it meets the targets most often and costs the least regret.")
        else:
            items.append(f"No single robust choice: {' and '.join(f'**{s}**' for s in leaders)} meet"
                         f"{'s' if len(leaders) == 1 else ''} the targets most often, **{least}** costs the least "
                         "regret; choose by which matters more to you.")
    elif rob.targets:
        items.append(f"**{least}** costs the least regret, but no strategy reaches the target{plural}: consider a "
                     "different target or a strategy not on this list.")
    if rob.worlds is not None:
        items.append(rob.worlds.note())
    return items
