"""The comparison's figures (matplotlib, PNG): uptake over time, paired differences, cost against uptake."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .stats import HIGH, LOW, OUTCOMES  # noqa: E402

COLOURS = plt.get_cmap("tab10").colors
DPI = 110


def save(fig, path: Path) -> Path:
    path = Path(path).with_suffix(".png")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def plot_uptake(uptake: np.ndarray, labels: list[str], exit_months: list[int], path: Path) -> Path:
    """Median uptake per month and its 90% band over replicates, one colour per strategy."""
    fig, ax = plt.subplots(figsize=(9, 5))
    months = np.arange(uptake.shape[2])
    for i, (label, exit_month) in enumerate(zip(labels, exit_months)):
        colour = COLOURS[i % len(COLOURS)]
        low, median, high = np.quantile(100 * uptake[i], [LOW, 0.5, HIGH], axis=0)
        ax.fill_between(months, low, high, color=colour, alpha=0.15)
        ax.plot(months, median, color=colour, lw=2, label=label)
        if exit_month < months[-1]:
            ax.axvline(exit_month, color=colour, ls=":", lw=1)
    ax.set(xlabel="month", ylabel="communities using MUS (%)",
           title="MUS uptake over time: median and 90% of futures (dotted: project leaves)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return save(fig, path)


def plot_differences(diffs: pd.DataFrame, labels: list[str], reference: str, path: Path) -> Path:
    """One panel per outcome: each strategy's paired difference to the reference (median, 90% range)."""
    fig, axes = plt.subplots(2, 4, figsize=(14, 6.5))
    for ax, outcome in zip(axes.ravel(), OUTCOMES):
        rows = diffs[diffs["outcome"] == outcome.name].set_index("strategy").loc[labels]
        scale = 100 if outcome.kind == "share" else 1
        y = np.arange(len(labels))[::-1]
        for yi, (label, row) in zip(y, rows.iterrows()):
            colour = COLOURS[(labels.index(label) + 1) % len(COLOURS)]
            ax.plot([scale * row["low"], scale * row["high"]], [yi, yi], color=colour, lw=2)
            ax.plot(scale * row["median"], yi, "o", color=colour)
        ax.axvline(0, color="grey", lw=1)
        ax.set_yticks(y, labels if ax in axes[:, 0] else [""] * len(labels), fontsize=8)
        unit = " (pts)" if outcome.kind == "share" else ""
        arrow = "better →" if outcome.better > 0 else "← better"
        ax.set_title(outcome.short, fontsize=10)
        ax.set_xlabel(f"difference{unit}   {arrow}", fontsize=8)
        ax.grid(alpha=0.3, axis="x")
    axes.ravel()[-1].axis("off")
    fig.suptitle(f"Difference to {reference} in the same futures: median and 90% range")
    fig.tight_layout()
    return save(fig, path)


def plot_costs(costs: pd.DataFrame, currency: str, budget: float | None, path: Path) -> Path:
    """Funder cost against adopting communities, median and 90% range of each, per strategy."""
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for i, row in enumerate(costs.to_dict("records")):
        colour = COLOURS[i % len(COLOURS)]
        ax.errorbar(row["funder_cost"], row["adopting_communities"],
                    xerr=[[row["funder_cost"] - row["funder_cost_low"]], [row["funder_cost_high"] - row["funder_cost"]]],
                    yerr=[[row["adopting_communities"] - row["adopting_communities_low"]],
                          [row["adopting_communities_high"] - row["adopting_communities"]]],
                    fmt="o", color=colour, capsize=3, label=row["strategy"])
    if budget is not None:
        ax.axvline(budget, color="firebrick", ls="--", lw=1.2, label=f"budget {budget:,.0f} {currency}")
    ax.set(xlabel=f"cost to the funder ({currency})", ylabel="communities using MUS at the end",
           title="What each strategy costs and buys (median and 90% of futures)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return save(fig, path)
