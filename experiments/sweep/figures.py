"""Figures of an analysis, PNG and SVG (matplotlib's object API, no pyplot state, no display needed).

Per output: ``sobol_<output>`` (S1 and ST bars with 95 % CIs), ``morris_<output>`` (mu* against sigma with
mu* CIs; the 1:1 line separates mostly-linear from interacting or non-linear factors), ``curves_<output>``
(OFAT response curves or grid main effects: mean line, 5-95 % replicate band, CI bars). ``noise`` shows the
replicate-noise share of every output.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from ..io import atomic_write_bytes
from .analysis import Analysis

FORMATS = ("png", "svg")
MAX_LABELS = 12  # label this many factors in a Morris plot, the largest mu* first


def write_figures(root: Path, result: Analysis) -> list[Path]:
    folder = Path(root) / "figures"
    written: list[Path] = []
    if "sobol" in result.tables:
        for out, table in result.tables["sobol"].groupby("output", sort=False):
            written += save(sobol_figure(out, table), folder / f"sobol_{out}")
    if "morris" in result.tables:
        for out, table in result.tables["morris"].groupby("output", sort=False):
            written += save(morris_figure(out, table), folder / f"morris_{out}")
    if "curves" in result.tables:
        title = "one-at-a-time response" if result.method == "ofat" else "main effect"
        for out, table in result.tables["curves"].groupby("output", sort=False):
            written += save(curves_figure(out, table, title), folder / f"curves_{out}")
    noise = result.tables["noise"].dropna(subset=["noise_share"])
    if len(noise):
        written += save(noise_figure(noise), folder / "noise")
    return written


def save(fig: Figure, stem: Path) -> list[Path]:
    paths = []
    for fmt in FORMATS:
        buf = io.BytesIO()
        with rc_context({"svg.hashsalt": "mus-alliance"}):  # stable SVG ids: same study, same bytes
            fig.savefig(buf, format=fmt, dpi=120, bbox_inches="tight", metadata={"Date": None} if fmt == "svg" else None)
        path = stem.with_suffix(f".{fmt}")
        atomic_write_bytes(path, buf.getvalue())
        paths.append(path)
    return paths


def sobol_figure(out: str, table: pd.DataFrame) -> Figure:
    table = table.sort_values("ST")
    y = np.arange(len(table))
    fig = Figure(figsize=(6.5, 1.2 + 0.32 * len(table)))
    ax = fig.add_subplot()
    ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], label="S1 (first order)", color="#4c72b0", capsize=2)
    ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"], label="ST (total)", color="#dd8452", capsize=2)
    ax.set_yticks(y, table["factor"])
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel("Sobol' index (bars: 95 % CI)")
    ax.set_title(f"Sobol' indices: {out}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return fig


def morris_figure(out: str, table: pd.DataFrame) -> Figure:
    fig = Figure(figsize=(6.5, 5))
    ax = fig.add_subplot()
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", ms=4, color="#4c72b0",
                ecolor="#9fb4d8", capsize=2)
    top = max(table["mu_star"].max(), table["sigma"].max(), 1e-12)
    ax.plot([0, top], [0, top], color="grey", lw=0.6, ls="--")
    for row in table.nlargest(MAX_LABELS, "mu_star").itertuples():
        ax.annotate(row.factor, (row.mu_star, row.sigma), fontsize="x-small", xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("mu* (mean |change of the output over the factor's range|; bars: 95 % CI)")
    ax.set_ylabel("sigma (spread of elementary effects)")
    ax.set_title(f"Morris screening: {out}")
    return fig


def curves_figure(out: str, table: pd.DataFrame, title: str) -> Figure:
    factors = list(dict.fromkeys(table["factor"]))
    cols = min(4, len(factors))
    rows = math.ceil(len(factors) / cols)
    fig = Figure(figsize=(3.2 * cols, 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, factor in zip(axes, factors):
        draw_curve(ax, table[table["factor"] == factor].sort_values("order"), factor)
    for ax in axes[len(factors):]:
        ax.set_visible(False)
    fig.suptitle(f"{title}: {out} (line: mean; band: 5-95 % of runs; bars: 95 % CI of mean)", fontsize="small")
    return fig


def draw_curve(ax, curve: pd.DataFrame, factor: str) -> None:
    numeric = curve["value"].notna().all()
    x = curve["value"].to_numpy() if numeric else np.arange(len(curve))
    ax.fill_between(x, curve["q05"], curve["q95"], color="#4c72b0", alpha=0.2, lw=0)
    ax.errorbar(x, curve["mean"], yerr=curve["ci95"], color="#4c72b0", marker="o", ms=3, capsize=2)
    if not numeric:
        ax.set_xticks(x, curve["level"], rotation=30, ha="right", fontsize="x-small")
    ax.set_xlabel(factor, fontsize="small")


def noise_figure(noise: pd.DataFrame) -> Figure:
    fig = Figure(figsize=(6.5, 1.2 + 0.32 * len(noise)))
    ax = fig.add_subplot()
    y = np.arange(len(noise))
    ax.barh(y, noise["noise_share"], color="#8c8c8c", label="of single runs")
    ax.barh(y, noise["noise_share_of_means"], 0.4, color="#c44e52", label="of replicate means (what SALib saw)")
    ax.set_yticks(y, noise["output"])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of variance that is replicate noise")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return fig
