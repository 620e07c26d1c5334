"""Figures of a scenario's runs (matplotlib, PNG and SVG)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from model.outputs import output  # noqa: E402

MAIN_OUTCOMES = ("uptake", "awareness", "enabling_env", "members", "mean_trust", "conflicts_arisen")


def bands(timeseries: pd.DataFrame, column: str, low: float = 0.1, high: float = 0.9) -> pd.DataFrame:
    """Median and a replicate band of one output per month."""
    g = timeseries.groupby("step")[column]
    return pd.DataFrame({"median": g.median(), "low": g.quantile(low), "high": g.quantile(high)})


def plot_outcomes(timeseries: pd.DataFrame, path: Path, title: str = "", exit_month: int | None = None) -> list[Path]:
    """Six panels of the main outcomes, median line and 10-90% band, a dashed line where the project left;
    writes ``path``.png and .svg."""
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), sharex=True)
    for ax, column in zip(axes.ravel(), MAIN_OUTCOMES):
        o = output(column)
        b = bands(timeseries, column)
        ax.fill_between(b.index, b["low"], b["high"], alpha=0.25, color="tab:blue", label="10-90% of replicates")
        ax.plot(b.index, b["median"], color="tab:blue", label="median")
        if exit_month is not None and exit_month < timeseries["step"].max():
            ax.axvline(exit_month, color="grey", ls="--", lw=1, label="project leaves")
        ax.set_title(o.label, fontsize=10)
        ax.set_ylabel(o.unit, fontsize=9)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("month")
    n = timeseries["replicate"].nunique() if "replicate" in timeseries else 1
    fig.suptitle(f"{title} ({n} replicates)")
    axes[0, 0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    written = []
    for suffix in (".png", ".svg"):
        target = Path(path).with_suffix(suffix)
        fig.savefig(target, dpi=110)
        written.append(target)
    plt.close(fig)
    return written
