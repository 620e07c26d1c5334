"""Summaries over replicates and paired comparisons on common random numbers.

- A strategy's outcome: median and 90% interval (5th-95th percentile) over replicates.
- A paired difference to the reference: per replicate d_r = x_r(strategy) - x_r(reference); its median and
  90% interval over replicates (what to expect in one future), its mean with a 90% bootstrap confidence
  interval (how sure the average effect is; replicates resampled as pairs), and the chance of doing better:
  the share of replicates in which the strategy beats the reference in the outcome's good direction (ties
  count half).
- Cost per additional adopting community: the incremental cost-effectiveness ratio of paired replicates,
  sum_r dC_r / sum_r dA_r (= mean dC / mean dA), with dA_r the additional adopting communities in replicate r
  and dC_r the additional cost. It is built from per-replicate differences, not from the difference of the
  medians (which mixes different futures and can even have the wrong sign). Its 90% interval is a paired
  bootstrap; when more than 5% of resamples add no community, the upper end is unbounded (``inf``).

The bootstrap uses a fixed generator, so the same runs always give the same intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.outputs import output

LOW, HIGH = 0.05, 0.95  # the 90% interval
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20240605


@dataclass(frozen=True)
class Outcome:
    """An outcome of the funders' tables: a per-run output of the output registry (label, unit, direction)."""

    name: str     # column of the runs table

    @property
    def _o(self):
        return output(self.name)

    @property
    def label(self) -> str:
        return self._o.axis_label

    @property
    def short(self) -> str:
        return self._o.label

    @property
    def better(self) -> int:  # +1: higher is better, -1: lower is better
        return self._o.better.sign

    @property
    def kind(self) -> str:
        return str(self._o.kind)


OUTCOMES: tuple[Outcome, ...] = tuple(Outcome(n) for n in (
    "uptake_final", "uptake_at_exit", "enabling_env_final", "dropouts", "equity_gap_final", "uptake_after_exit",
    "members_final"))
OUTCOME = {o.name: o for o in OUTCOMES}


def interval(values) -> tuple[float, float, float]:
    """(median, 5th, 95th percentile)."""
    x = np.asarray(values, dtype=float)
    low, median, high = np.quantile(x, [LOW, 0.5, HIGH])
    return float(median), float(low), float(high)


def describe(runs: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Tidy: one row per (label, outcome) with median, low, high and mean over replicates."""
    rows = []
    for label, group in runs.groupby("label", sort=False):
        for col in columns:
            median, low, high = interval(group[col])
            rows.append({"strategy": label, "outcome": col, "median": median, "low": low, "high": high,
                         "mean": float(group[col].mean())})
    return pd.DataFrame(rows)


def paired(runs: pd.DataFrame, column: str, label: str, reference: str) -> np.ndarray:
    """Per-replicate differences label - reference (replicates matched by number, i.e. by seed)."""
    table = runs.pivot(index="replicate", columns="label", values=column)
    return (table[label] - table[reference]).to_numpy(dtype=float)


def bootstrap_indices(n: int, draws: int = BOOTSTRAP_DRAWS) -> np.ndarray:
    return np.random.default_rng(BOOTSTRAP_SEED).integers(0, n, size=(draws, n))


def mean_interval(d: np.ndarray) -> tuple[float, float, float]:
    """Mean of paired differences and its 90% bootstrap confidence interval."""
    means = d[bootstrap_indices(len(d))].mean(axis=1)
    return float(d.mean()), float(np.quantile(means, LOW)), float(np.quantile(means, HIGH))


def chance_better(d: np.ndarray, better: int) -> float:
    """Share of paired replicates in which the strategy does better (ties count half); NaN (undefined) when
    the outcome is undefined in some replicate, as the other summaries of ``d`` are."""
    if np.isnan(d).any():
        return math.nan
    signed = better * d
    return float(((signed > 0).sum() + 0.5 * (signed == 0).sum()) / len(d))


def difference_row(d: np.ndarray, better: int) -> dict[str, float]:
    median, low, high = interval(d)
    mean, mean_low, mean_high = mean_interval(d)
    return {"median": median, "low": low, "high": high, "mean": mean, "mean_low": mean_low,
            "mean_high": mean_high, "p_better": chance_better(d, better)}


def differences(runs: pd.DataFrame, labels: list[str], outcomes: tuple[Outcome, ...] = OUTCOMES) -> pd.DataFrame:
    """Tidy: paired difference of every strategy after the first to the first, per outcome."""
    reference = labels[0]
    rows = [{"strategy": label, "reference": reference, "outcome": o.name,
             **difference_row(paired(runs, o.name, label, reference), o.better)}
            for label in labels[1:] for o in outcomes]
    return pd.DataFrame(rows)


def cost_per_additional(d_cost: np.ndarray, d_adopters: np.ndarray) -> tuple[float, float, float]:
    """(ratio, 90% low, 90% high) of sum dC / sum dA over paired replicates; NaN when nothing is added."""
    if d_adopters.sum() <= 0:
        return math.nan, math.nan, math.nan
    idx = bootstrap_indices(len(d_adopters))
    gained, spent = d_adopters[idx].sum(axis=1), d_cost[idx].sum(axis=1)
    ok = gained > 0
    ratios = spent[ok] / gained[ok]
    low = float(np.quantile(ratios, LOW))
    high = float(np.quantile(ratios, HIGH)) if ok.mean() >= 1 - LOW else math.inf
    return float(d_cost.sum() / d_adopters.sum()), low, high
