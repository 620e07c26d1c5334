"""Figures of an analysis, PNG and SVG (matplotlib's object API, no pyplot state, no display needed).

Per output: ``sobol_<output>`` (S1 and ST bars with 95 % CIs), ``morris_<output>`` (mu* against sigma with
mu* CIs; the 1:1 line separates mostly-linear from interacting or non-linear factors), ``curves_<output>``
(OFAT response curves or grid main effects: mean line, 5-95 % replicate band, CI bars). ``noise`` shows the
replicate-noise share of every output.

A study of the model is drawn for people: factors and outputs carry their plain labels from the registries
(``model.registry``, ``model.outputs``) with the factor's range, never code names; a function's factors keep
their names. A Sobol index whose 95 % interval reaches 0 is drawn hatched, and the figure says that the study
does not tell it from no effect (and that a negative estimate is noise around 0).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..io import atomic_write_bytes
from .analysis import Analysis

FORMATS = ("png", "svg")
MAX_LABELS = 12  # label this many factors in a Morris plot, the largest mu* first


def write_figures(root: Path, result: Analysis) -> list[Path]:
    folder = Path(root) / "figures"
    written: list[Path] = []
    if "sobol" in result.tables:
        for out, table in result.tables["sobol"].groupby("output", sort=False):
            written += save(sobol_figure(out, table, result), folder / f"sobol_{out}")
    if "morris" in result.tables:
        for out, table in result.tables["morris"].groupby("output", sort=False):
            written += save(morris_figure(out, table, result), folder / f"morris_{out}")
    if "curves" in result.tables:
        title = "one-at-a-time response" if result.method == "ofat" else "main effect"
        for out, table in result.tables["curves"].groupby("output", sort=False):
            written += save(curves_figure(out, table, title, result), folder / f"curves_{out}")
    noise = result.tables["noise"].dropna(subset=["noise_share"])
    if len(noise):
        written += save(noise_figure(noise, result), folder / "noise")
    return written


# -- labels ------------------------------------------------------------------------------------------------
def factor_label(name: str, result: Analysis | None = None, with_range: bool = True) -> str:
    """A factor as people read it: the registry's label for a model parameter, with the range the study
    varied it over ('Pilots per year (2 to 24 per year)'); a function's factor or a group keeps its name."""
    from model.registry import REGISTRY

    if result is None or not result.model or name not in REGISTRY:
        return name
    p = REGISTRY[name]
    spec = result.factors.get(name, {})
    if not with_range or not spec:
        return p.label
    if spec.get("kind") == "choice":
        return f"{p.label} ({len(spec.get('choices') or p.choices)} choices)"
    unit = f" {p.unit}" if p.unit not in ("", "-") else ""
    return f"{p.label} ({number(spec['low'])} to {number(spec['high'])}{unit})"


def output_label(name: str, result: Analysis | None = None) -> str:
    """An output as people read it: the output registry's label and unit for a model study, else its name."""
    from model import outputs

    if result is None or not result.model or name not in outputs.OUTPUTS:
        return name
    return outputs.output(name).axis_label


def number(x: float) -> str:
    return f"{x:g}"


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


def sobol_figure(out: str, table: pd.DataFrame, result: Analysis | None = None) -> Figure:
    """S1 (the factor alone) and ST (with its interactions) per factor, 95 % intervals as error bars.

    Replicate noise (chance) enters the indices: S1 is diluted by it, and ST counts it in full, so every
    factor's ST is overstated by about chance's share of the variance of the point means (Jansen's estimator
    compares points whose runs have independent chance). An index not told apart is hatched: S1 whose
    interval reaches 0; ST whose interval reaches chance's share (drawn as a dotted line)."""
    table = table.sort_values("ST")
    y = np.arange(len(table))
    labels = [factor_label(f, result) for f in table["factor"]]
    chance = chance_share(out, result)
    fig = Figure(figsize=(9, 2.4 + 0.5 * len(table)), layout="constrained")
    ax = fig.add_subplot()
    unclear, negative = False, False
    handles = []
    for offset, index, colour, name in ((0.2, "S1", "#4c72b0", "alone (first-order index S1)"),
                                        (-0.2, "ST", "#dd8452", "with its interactions (total index ST)")):
        value, conf = table[index].to_numpy(dtype=float), table[f"{index}_conf"].to_numpy(dtype=float)
        floor = chance if index == "ST" and chance is not None else 0.0
        apart = value - conf > floor  # the whole 95 % interval above 0 (S1) or above chance's share (ST)
        unclear |= bool((~apart).any())
        negative |= bool((value < 0).any())
        ax.barh(y[apart] + offset, value[apart], 0.4, color=colour)
        ax.barh(y[~apart] + offset, value[~apart], 0.4, color="white", edgecolor=colour, hatch="///", lw=1)
        handles.append(Patch(color=colour, label=name))
        ax.errorbar(value, y + offset, xerr=conf, fmt="none", ecolor="black", elinewidth=1, capsize=3)
        for yy, v, c in zip(y + offset, value, conf):
            ax.annotate(f"{v:.2f}", (max(v + c, 0), yy), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize="x-small")
    if chance is not None:
        ax.axvline(chance, color="grey", ls=":", lw=1.2)
        handles.append(Line2D([], [], color="grey", ls=":", label=f"chance's share ({chance:.0%}): an ST\nno larger is not told from no effect"))
    if unclear:
        handles.append(Patch(facecolor="white", edgecolor="grey", hatch="///", label="not told apart from no effect\n(interval reaches 0 or chance)"))
    ax.set_yticks(y, labels)
    ax.axvline(0, color="black", lw=0.6)
    values, confs = table[["S1", "ST"]].to_numpy(dtype=float), table[["S1_conf", "ST_conf"]].to_numpy(dtype=float)
    ax.set_xlim(min(-0.05, float((values - confs).min()) - 0.02), max(1.0, float((values + confs).max()) + 0.12))
    reps = (f"the mean of {result.replicates} runs per design point" if result is not None and result.replicates > 1
            else "one run per design point")
    notes = [f"Share of the variance of the outcome ({reps}) that each factor explains over the ranges shown "
             "(0 = none, 1 = all). Bars: 95 % interval."]
    if chance is not None:
        notes.append(f"Chance (replicate noise) is {chance:.0%} of that variance: it dilutes S1 and adds about "
                     f"{chance:.0%} to every ST" + ("; more replicates would shrink it." if chance > 0.2 else "."))
    if unclear:
        notes.append("Hatched: this study does not tell that index from no effect.")
    if negative:
        notes.append("A negative estimate is noise around 0 (an index cannot be below 0).")
    ax.set_xlabel("\n".join(wrap(n, 120) for n in notes), fontsize="small", loc="left")
    ax.set_title(f"{output_label(out, result)}\nSobol' indices: how much each factor moves it", loc="left",
                 fontsize="medium")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return fig


def chance_share(out: str, result: Analysis | None) -> float | None:
    """The share of the variance of the design points' means that is replicate noise (None if unknown)."""
    if result is None or "noise" not in result.tables:
        return None
    noise = result.tables["noise"].set_index("output")
    if out not in noise.index or not np.isfinite(noise.loc[out, "noise_share_of_means"]):
        return None
    return float(noise.loc[out, "noise_share_of_means"])


def wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def morris_figure(out: str, table: pd.DataFrame, result: Analysis | None = None) -> Figure:
    fig = Figure(figsize=(6.5, 5))
    ax = fig.add_subplot()
    ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", ms=4, color="#4c72b0",
                ecolor="#9fb4d8", capsize=2)
    top = max(table["mu_star"].max(), table["sigma"].max(), 1e-12)
    ax.plot([0, top], [0, top], color="grey", lw=0.6, ls="--")
    for row in table.nlargest(MAX_LABELS, "mu_star").itertuples():
        ax.annotate(factor_label(row.factor, result, with_range=False), (row.mu_star, row.sigma), fontsize="x-small",
                    xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("mu* (mean |change of the output over the factor's range|; bars: 95 % CI)")
    ax.set_ylabel("sigma (spread of elementary effects)")
    ax.set_title(f"Morris screening: {output_label(out, result)}")
    return fig


def curves_figure(out: str, table: pd.DataFrame, title: str, result: Analysis | None = None) -> Figure:
    factors = list(dict.fromkeys(table["factor"]))
    cols = min(4, len(factors))
    rows = math.ceil(len(factors) / cols)
    fig = Figure(figsize=(3.2 * cols, 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, factor in zip(axes, factors):
        draw_curve(ax, table[table["factor"] == factor].sort_values("order"), factor_label(factor, result, False))
    for ax in axes[len(factors):]:
        ax.set_visible(False)
    fig.suptitle(f"{title}: {output_label(out, result)} (line: mean; band: 5-95 % of runs; bars: 95 % CI of mean)",
                 fontsize="small")
    return fig


def draw_curve(ax, curve: pd.DataFrame, factor: str) -> None:
    numeric = curve["value"].notna().all()
    x = curve["value"].to_numpy() if numeric else np.arange(len(curve))
    ax.fill_between(x, curve["q05"], curve["q95"], color="#4c72b0", alpha=0.2, lw=0)
    ax.errorbar(x, curve["mean"], yerr=curve["ci95"], color="#4c72b0", marker="o", ms=3, capsize=2)
    if not numeric:
        ax.set_xticks(x, curve["level"], rotation=30, ha="right", fontsize="x-small")
    ax.set_xlabel(factor, fontsize="small")


def noise_figure(noise: pd.DataFrame, result: Analysis | None = None) -> Figure:
    fig = Figure(figsize=(6.5, 1.2 + 0.32 * len(noise)))
    ax = fig.add_subplot()
    y = np.arange(len(noise))
    ax.barh(y, noise["noise_share"], color="#8c8c8c", label="of single runs")
    ax.barh(y, noise["noise_share_of_means"], 0.4, color="#c44e52", label="of the means over replicates\n(what the indices use)")
    ax.set_yticks(y, [output_label(o, result) for o in noise["output"]])
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of the variance that is chance (replicate noise)")
    ax.set_title("How much of each outcome's variance is chance", loc="left", fontsize="medium")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    return fig
