"""`mus-alliance discover STUDY --where "EXPR"`: scenario discovery on a finished study.

Which combinations of factors make a condition true (``uptake_final < 0.10``, ``members_final < 0.5 *
members_peak``)? Two views on the runs of a finished sweep or calibration folder:

- **PRIM** (patient rule induction; Friedman & Fisher 1999, as used for scenario discovery by Bryant &
  Lempert 2010), through EMA Workbench 3.0 (``ema_workbench.analysis.prim.Prim``): peeling then pasting, on
  numeric, integer and categorical factors (a categorical factor's box limit is a set of choices). Several
  boxes by *covering*: after a box is chosen, the runs inside it are set aside and the next box is sought in
  the rest. Peeling trades **coverage** (share of all runs meeting the condition that fall in the box) for
  **density** (share of runs in the box meeting the condition). By default the box reported sits at the
  **knee** of that curve (:func:`knee`): the point farthest above the chord of the curve scaled to each axis'
  range (Kneedle; Satopaa et al. 2011), where peeling further buys little density for much coverage. The
  earlier rule (the widest box with density >= 0.8) sat on the edge of its threshold: on the shipped demo it
  reported density 0.82 with one limit 0.075 too wide. ``--density D`` is the user's own choice: the highest
  coverage with density >= D (or, if none gets there, the best balance of the two, their harmonic mean). The
  curve is drawn with the knee and the box reported (``figures/tradeoff.png``).
  Each restricted factor carries its quasi-p value (Bryant & Lempert 2010): the one-sided binomial chance of
  the box's density if that limit were dropped; limits with qp > 0.05 are dropped one at a time (least
  significant first), so a box names only factors that matter.
- **Bootstrap survival** (``--bootstrap N``, default 20): the runs the box was found in are resampled with
  replacement N times (seeds from ``SeedSequence([BOOTSTRAP_TAG, box, b])``); on each resample PRIM finds its
  first box by the same rule and pruning, and each restricted factor of the reported box gets the share of
  resamples whose box restricts it too. A limit that survives rarely is an artefact of these runs.
- **CART** (scikit-learn's decision tree, depth ``--cart-depth``) as a second view: the leaves that predict
  the condition, with their coverage and density, categorical factors one-hot encoded.

Runs whose condition is undefined (a failed run, an output that is NaN) are left out and counted. A condition
no run meets, or every run meets, leaves nothing to discover: one line and exit code 2, as for a bad
expression or an unknown output.

The results go to ``<study>/discover/<condition>/`` (or ``--out``): ``report.md`` (the boxes in plain words),
``boxes`` (limits and qp values), ``box_stats`` (coverage, density, mass, restricted factors), ``tradeoff``
(every box's peeling trajectory), ``cart`` (the tree's leaves), ``figures/tradeoff.png``/``.svg``, and
``manifest.json``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .expressions import Expression, parse
from .io import (StagedDir, UserError, atomic_write_json, atomic_write_text, check_out_folder, read_manifest_json,
                 read_table, write_table)
from .provenance import git_state, versions

KIND = "discover"
SIGNIFICANT = 0.05  # quasi-p above this: the limit is not significant
MIN_RUNS = 30
BOOTSTRAP = 20        # resamples per box (each a PRIM search; 1-6 s each on 2,560 runs)
BOOTSTRAP_TAG = 0x626F6F74  # "boot": the resamples' own stream
SURVIVES = 0.5        # a limit restricted in fewer resamples than this is flagged as fragile


# --------------------------------------------------------------------------------------------- inputs
@dataclass
class Runs:
    """A finished study as discovery sees it: factor values per run, outputs per run, and what the factors are."""

    root: Path
    kind: str                       # "sweep" or "calibration"
    x: pd.DataFrame                 # one column per factor (categorical factors as pandas categories)
    outputs: pd.DataFrame           # one column per output
    factors: dict[str, dict[str, Any]]  # name -> {"kind", "low", "high", "choices"}


def load_runs(root: Path) -> Runs:
    """Read a finished sweep or calibration folder; any problem is one line (UserError)."""
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise UserError(f"{root}: is a file; discover reads a study folder (the --out of a sweep or calibrate)")
    if not root.is_dir():
        raise UserError(f"{root}: no such study folder")
    manifest = read_manifest_json(root)
    if manifest is None:
        raise UserError(f"{root}: no manifest.json; not a sweep or calibration folder")
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    if kind == "sweep":
        spec = manifest.get("spec") or {}
        factors = spec.get("factors") or {}
        order, output_names = spec.get("factor_order") or list(factors), list(spec.get("outputs") or [])
        path = root / "results.parquet"
        if not path.exists():
            raise UserError(f"{root}: the study has no results.parquet yet; finish it first (re-run its sweep command)")
    elif kind == "calibration":
        factors = manifest.get("factors") or {}
        order, output_names = list(factors), list(manifest.get("outputs") or [])
        path = root / "candidates.parquet"
    else:
        raise UserError(f"{root}: holds {kind or 'unknown'} results; discover reads sweep or calibration folders")
    table = read_table(path)
    missing = [c for c in [*order, *output_names] if c not in table.columns]
    if missing or not order:
        raise UserError(f"{path}: column {missing[0] if missing else 'of factors'} missing; the folder is damaged")
    x = pd.DataFrame(index=table.index)
    for name in order:
        info = factors[name]
        if info.get("kind") == "choice":
            x[name] = pd.Categorical(table[name].astype(str), categories=list(info.get("choices") or sorted(table[name].astype(str).unique())))
        elif info.get("kind") == "int":
            x[name] = table[name].astype("int64")
        else:
            x[name] = table[name].astype("float64")
    return Runs(root, kind, x, table[output_names].astype("float64"), {n: factors[n] for n in order})


# ------------------------------------------------------------------------------------------------ PRIM
@dataclass
class Box:
    number: int
    stats: dict[str, float]         # coverage, density, mass, res_dim, n
    limits: pd.DataFrame            # factor, kind, low, high, choices, qp_low, qp_high, significant
    trajectory: pd.DataFrame        # coverage, density, mass, res_dim per peeling step; 'chosen', 'knee'
    words: str
    rule: str = "knee"              # how the box was chosen on its trajectory: "knee" or "density >= D"
    resamples: int = 0              # bootstrap resamples behind limits' 'survival' 


def prim_boxes(x: pd.DataFrame, y: np.ndarray, factors: dict[str, dict[str, Any]], where: str,
               max_boxes: int = 3, min_density: float | None = None, mass_min: float = 0.05, alpha: float = 0.05,
               bootstrap: int = BOOTSTRAP) -> list[Box]:
    """Covering PRIM: up to ``max_boxes`` boxes, each chosen on its peeling trajectory at the knee (or with
    density >= ``min_density``), with each limit's bootstrap survival over ``bootstrap`` resamples (see
    module doc)."""
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        finder = prim.Prim(x, y.astype(bool), peel_alpha=alpha, paste_alpha=alpha, mass_min=mass_min)
        boxes: list[Box] = []
        base_rate = y.mean()
        for number in range(1, max_boxes + 1):
            found = finder.find_box()
            if found is None:
                break
            remaining = np.array(finder.yi_remaining)  # the runs this box was sought among (covering)
            bend = knee(found.peeling_trajectory)
            i = bend if min_density is None else choose(found.peeling_trajectory, min_density)
            found.select(i)
            i = prune(found, i)
            trajectory = found.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].copy()
            stats = {k: float(trajectory.iloc[i][k]) for k in ("coverage", "density", "mass", "res_dim")}
            stats["n"] = int(len(found.yi))
            if stats["res_dim"] == 0 or stats["density"] <= base_rate:
                break  # nothing better than the runs at large: no box to report
            trajectory["chosen"] = np.arange(len(trajectory)) == i
            trajectory["knee"] = np.arange(len(trajectory)) == bend
            trajectory.insert(0, "box", number)
            limits = box_limits(found.box_lims[i], finder.box_init, found.p_values[i], factors)
            survival = bootstrap_survival(x.iloc[remaining].reset_index(drop=True), y[remaining], factors, number,
                                          bootstrap, min_density, mass_min, alpha)
            limits["survival"] = [survival.get(f, np.nan) for f in limits["factor"]]
            rule = "knee" if min_density is None else f"density >= {min_density:g}"
            boxes.append(Box(number, stats, limits, trajectory,
                             box_words(number, stats, limits, where, rule, bootstrap), rule, bootstrap))
    return boxes


def knee(trajectory: pd.DataFrame) -> int:
    """Index of the knee of a peeling trajectory's coverage-density curve: with each axis scaled to its
    range on the trajectory, the box farthest above the chord from the widest box (coverage 1) to the
    densest, i.e. the highest scaled coverage + scaled density (Kneedle, Satopaa et al. 2011; ties: the
    later, denser box). A flat curve (one box, or no density gained) has its knee at the widest box."""
    c, d = trajectory["coverage"].to_numpy(dtype=float), trajectory["density"].to_numpy(dtype=float)
    span_c, span_d = c.max() - c.min(), d.max() - d.min()
    if len(c) < 2 or span_c <= 1e-12 or span_d <= 1e-12:
        return 0
    score = (c - c.min()) / span_c + (d - d.min()) / span_d
    return int(np.flatnonzero(score >= score.max() - 1e-12)[-1])


def bootstrap_survival(x: pd.DataFrame, y: np.ndarray, factors: dict[str, dict[str, Any]], number: int,
                       resamples: int, min_density: float | None, mass_min: float, alpha: float) -> dict[str, float]:
    """For each factor, the share of ``resamples`` bootstrap resamples of (x, y) whose first PRIM box, chosen
    and pruned as the reported one was, restricts it."""
    if resamples <= 0:
        return {}
    from ema_workbench.analysis import prim

    counts: dict[str, int] = {}
    for b in range(resamples):
        rng = np.random.default_rng(np.random.SeedSequence([BOOTSTRAP_TAG, number, b]))
        pick = rng.integers(0, len(y), len(y))
        yb = y[pick]
        if yb.all() or not yb.any():
            continue
        xb = x.iloc[pick].reset_index(drop=True)
        finder = prim.Prim(xb, yb.astype(bool), peel_alpha=alpha, paste_alpha=alpha, mass_min=mass_min)
        found = finder.find_box()
        if found is None:
            continue
        i = knee(found.peeling_trajectory) if min_density is None else choose(found.peeling_trajectory, min_density)
        found.select(i)
        i = prune(found, i)
        for name in box_limits(found.box_lims[i], finder.box_init, found.p_values[i], factors)["factor"]:
            counts[name] = counts.get(name, 0) + 1
    return {name: counts.get(name, 0) / resamples for name in x.columns}


def prune(box, i: int) -> int:
    """Drop, one at a time, the least significant limit (quasi-p > SIGNIFICANT; one side of a numeric range at
    a time) of the chosen box: noisy peeling restricts factors that do not matter, and Bryant & Lempert (2010)
    drop such limits the same way. Returns the index of the pruned box on the trajectory (EMA Workbench
    appends each updated box to it)."""
    from ema_workbench.analysis import scenario_discovery_util as sdutil

    while True:
        worst, worst_p = None, SIGNIFICANT
        for name, qps in box.p_values[i].items():
            for side, q in enumerate(qps):
                if q is not None and q != -1 and q > worst_p:
                    worst, worst_p = (name, side), q
        if worst is None:
            return i
        name, side = worst
        lims = box.box_lims[i].copy()
        init = box.prim.box_init
        if isinstance(init[name].iloc[0], set):
            lims[name] = init[name]
        else:
            lims.iloc[side, lims.columns.get_loc(name)] = init[name].iloc[side]
        remaining = box.prim.yi_remaining
        inside = sdutil._in_box(box.prim.x.loc[remaining, :], lims)  # as EMA's own drop_restriction does
        box.update(lims, remaining[inside])
        i = len(box.peeling_trajectory) - 1


def choose(trajectory: pd.DataFrame, min_density: float) -> int:
    """Index of the box reported: the highest coverage with density >= min_density (ties: the later, denser
    one); if no box is that dense, the best balance of the two (highest harmonic mean of coverage and
    density), since the densest box of a noisy condition is a handful of runs."""
    dense = trajectory.index[trajectory["density"] >= min_density - 1e-12]
    if len(dense):
        best = trajectory.loc[dense, "coverage"].max()
        return int(max(j for j in dense if trajectory.loc[j, "coverage"] >= best - 1e-12))
    c, d = trajectory["coverage"].to_numpy(), trajectory["density"].to_numpy()
    return int(np.argmax(2 * c * d / np.maximum(c + d, 1e-12)))


def box_limits(lims: pd.DataFrame, init: pd.DataFrame, qp: dict[str, list[float]],
               factors: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per restricted factor: its limits and quasi-p values (NaN where a side is not restricted)."""
    rows = []
    for name in lims.columns:
        kind = factors[name].get("kind", "float")
        low, high = lims[name].iloc[0], lims[name].iloc[1]
        init_low, init_high = init[name].iloc[0], init[name].iloc[1]
        qps = [np.nan if (v is None or v == -1) else float(v) for v in qp.get(name, [-1, -1])]
        if kind == "choice":
            if set(low) == set(init_low):
                continue
            kept = [c for c in (factors[name].get("choices") or sorted(init_low)) if c in set(low)]
            rows.append({"factor": name, "kind": kind, "low": np.nan, "high": np.nan, "choices": ", ".join(kept),
                         "qp_low": qps[0], "qp_high": np.nan})
            continue
        low_cut, high_cut = low > init_low, high < init_high
        if not (low_cut or high_cut):
            continue
        rows.append({"factor": name, "kind": kind, "low": float(low) if low_cut else np.nan,
                     "high": float(high) if high_cut else np.nan, "choices": "",
                     "qp_low": qps[0] if low_cut else np.nan, "qp_high": qps[1] if high_cut else np.nan})
    table = pd.DataFrame(rows, columns=["factor", "kind", "low", "high", "choices", "qp_low", "qp_high"])
    table["significant"] = ~(table[["qp_low", "qp_high"]].max(axis=1, skipna=True) > SIGNIFICANT)
    table.insert(1, "label", [label(f) for f in table["factor"]])
    return table


def label(name: str) -> str:
    """A factor's plain-language label from the registry when it has one (model v2), else its name."""
    from model.registry import REGISTRY

    p = REGISTRY.get(name)
    return (getattr(p, "label", None) or name) if p is not None else name


def number(v: float) -> str:
    return f"{v:.3g}"


def limit_words(row: dict[str, Any]) -> str:
    return bare_limit_words(row) + survival_words(row)


def survival_words(row: dict[str, Any]) -> str:
    survival = row.get("survival", np.nan)
    if survival is None or np.isnan(survival):
        return ""
    return f" [in {percent(survival)} of resamples" + ("; fragile]" if survival < SURVIVES else "]")


def bare_limit_words(row: dict[str, Any]) -> str:
    name = row["label"]
    if row["kind"] == "choice":
        choices = row["choices"].split(", ")
        return f"{name} is {choices[0]}" if len(choices) == 1 else f"{name} is {' or '.join(choices)}"
    low, high = row["low"], row["high"]
    if not np.isnan(low) and not np.isnan(high):
        text = f"{name} between {number(low)} and {number(high)}"
    elif not np.isnan(high):
        text = f"{name} <= {number(high)}"
    else:
        text = f"{name} >= {number(low)}"
    return text if row["significant"] else text + " (not significant)"


def percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def box_words(number_: int, stats: dict[str, float], limits: pd.DataFrame, where: str, rule: str = "knee",
              resamples: int = 0) -> str:
    conditions = " and ".join(limit_words(r) for r in limits.to_dict("records")) or "anywhere"
    chosen = ("chosen at the knee of the coverage-density curve" if rule == "knee"
              else f"chosen as the widest box with {rule}")
    boot = (f" Bracketed: how often a limit on that factor appears in the boxes of {resamples} bootstrap "
            "resamples of the runs." if resamples and len(limits) else "")
    return (f"Box {number_}: {where} when {conditions}: {percent(stats['coverage'])} of the runs where it holds "
            f"are in this box (coverage), and it holds in {percent(stats['density'])} of the runs in the box "
            f"(density); the box holds {percent(stats['mass'])} of all runs ({chosen}).{boot}")


# ------------------------------------------------------------------------------------------------ CART
def cart_leaves(x: pd.DataFrame, y: np.ndarray, depth: int = 3, min_leaf: float = 0.05) -> pd.DataFrame:
    """The leaves of a decision tree that predict the condition: rule in words, coverage, density, runs."""
    from sklearn.tree import DecisionTreeClassifier

    dummies = pd.get_dummies(x, prefix_sep="=", dtype=float)
    tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=max(5, int(min_leaf * len(x))), random_state=0)
    tree.fit(dummies.to_numpy(), y.astype(int))
    t = tree.tree_
    columns = list(dummies.columns)
    total = y.sum()
    leaf_of = tree.apply(dummies.to_numpy())
    rows = []

    def walk(node: int, rules: list[tuple[str, str, float]]) -> None:
        if t.children_left[node] == -1:
            inside = leaf_of == node
            density = float(y[inside].mean()) if inside.any() else 0.0
            if density > 0.5:
                rows.append({"rule": rule_words(rules), "coverage": float(y[inside].sum() / total),
                             "density": density, "runs": int(inside.sum())})
            return
        feature, threshold = columns[t.feature[node]], float(t.threshold[node])
        walk(t.children_left[node], rules + [(feature, "<=", threshold)])
        walk(t.children_right[node], rules + [(feature, ">", threshold)])

    walk(0, [])
    table = pd.DataFrame(rows, columns=["rule", "coverage", "density", "runs"])
    return table.sort_values("coverage", ascending=False, kind="stable").reset_index(drop=True)


def rule_words(rules: list[tuple[str, str, float]]) -> str:
    """Merge a leaf's path into one limit per factor; one-hot splits read "is"/"is not"."""
    bounds: dict[str, list[float]] = {}
    words: list[str] = []
    for feature, op, threshold in rules:
        if "=" in feature:
            name, choice = feature.split("=", 1)
            words.append(f"{label(name)} is {'not ' if op == '<=' else ''}{choice}")
            continue
        lo_hi = bounds.setdefault(feature, [-np.inf, np.inf])
        if op == "<=":
            lo_hi[1] = min(lo_hi[1], threshold)
        else:
            lo_hi[0] = max(lo_hi[0], threshold)
    for name, (lo, hi) in bounds.items():
        if np.isfinite(lo) and np.isfinite(hi):
            words.append(f"{label(name)} between {number(lo)} and {number(hi)}")
        elif np.isfinite(hi):
            words.append(f"{label(name)} <= {number(hi)}")
        else:
            words.append(f"{label(name)} > {number(lo)}")
    return " and ".join(words) or "all runs"


# -------------------------------------------------------------------------------------------- command
@dataclass
class Discovery:
    runs: Runs
    where: Expression
    y: np.ndarray
    undefined: int
    boxes: list[Box]
    cart: pd.DataFrame
    settings: dict[str, Any]
    seconds: float


def discover(runs: Runs, where: str, max_boxes: int = 3, min_density: float | None = None, cart_depth: int = 3,
             bootstrap: int = BOOTSTRAP) -> Discovery:
    t0 = time.perf_counter()
    known = [*runs.outputs.columns, *runs.x.columns]
    expr = parse(where, known, "--where", condition=True)
    table = pd.concat([runs.outputs, runs.x.astype({c: str for c in runs.x.columns if isinstance(runs.x[c].dtype, pd.CategoricalDtype)})], axis=1)
    value = expr.evaluate(table)
    defined = ~np.isnan(value)
    y = value[defined] == 1.0
    x = runs.x[defined].reset_index(drop=True)
    if len(y) == 0:
        raise UserError(f"--where {where!r}: undefined in every run (failed runs or NaN outputs)")
    if not y.any():
        raise UserError(f"--where {where!r}: no run of {len(y)} meets the condition; nothing to discover")
    if y.all():
        raise UserError(f"--where {where!r}: every run of {len(y)} meets the condition; nothing to discover")
    boxes = prim_boxes(x, y, runs.factors, expr.text, max_boxes, min_density, bootstrap=bootstrap)
    cart = cart_leaves(x, y, cart_depth)
    settings = {"boxes": max_boxes, "choice": "knee" if min_density is None else f"density >= {min_density:g}",
                "density": min_density, "bootstrap": bootstrap, "bootstrap_seeds": "SeedSequence([0x626F6F74, box, b])",
                "cart_depth": cart_depth, "peel_alpha": 0.05, "paste_alpha": 0.05, "mass_min": 0.05}
    return Discovery(runs, expr, y, int((~defined).sum()), boxes, cart, settings, time.perf_counter() - t0)


def summary_lines(d: Discovery) -> list[str]:
    n, hits = len(d.y), int(d.y.sum())
    lines = [f"{d.where.text}: holds in {hits} of {n} runs ({percent(hits / n)})"
             + (f"; {d.undefined} runs left out (undefined)" if d.undefined else "") + "."]
    if not d.boxes:
        lines.append("PRIM found no box where the condition is more common than in the runs at large.")
    lines += [b.words for b in d.boxes]
    if d.boxes:
        together = float(sum(b.stats["coverage"] for b in d.boxes))
        lines.append(f"Together the {len(d.boxes)} box(es) hold {percent(min(together, 1.0))} of the runs where it holds.")
    if len(d.cart):
        top = d.cart.iloc[0]
        lines.append(f"Decision tree (second view): {top['rule']} ({percent(top['coverage'])} of those runs, "
                     f"holds in {percent(top['density'])} of runs there).")
    else:
        lines.append("Decision tree (second view): no leaf where the condition holds in most runs.")
    if n < MIN_RUNS:
        lines.append(f"Only {n} runs: boxes from so few runs are fragile; run a larger study.")
    return lines


def slug(text: str) -> str:
    text = text.replace("<=", " le ").replace(">=", " ge ").replace("<", " lt ").replace(">", " gt ")
    text = text.replace("==", " eq ").replace("!=", " ne ")
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")[:80] or "condition"


def write_discovery(d: Discovery, out: Path) -> Path:
    from .strategies.document import Bullets, Figure, Heading, Paragraph, Table, to_markdown

    limits = pd.concat([b.limits.assign(box=b.number) for b in d.boxes], ignore_index=True) if d.boxes else \
        pd.DataFrame(columns=["box", "factor", "label", "kind", "low", "high", "choices", "qp_low", "qp_high", "significant",
                              "survival"])
    limits = limits[["box", *[c for c in limits.columns if c != "box"]]]
    stats = pd.DataFrame([{"box": b.number, **b.stats, "words": b.words} for b in d.boxes],
                         columns=["box", "coverage", "density", "mass", "res_dim", "n", "words"])
    trajectory = pd.concat([b.trajectory for b in d.boxes], ignore_index=True) if d.boxes else pd.DataFrame()
    with StagedDir(out) as tmp:
        write_table(limits, tmp / "boxes")
        write_table(stats, tmp / "box_stats")
        if len(trajectory):
            write_table(trajectory, tmp / "tradeoff")
            plot_tradeoff(d.boxes, tmp / "figures" / "tradeoff")
        write_table(d.cart, tmp / "cart")
        lines = summary_lines(d)
        blocks = [
            Heading(f"When does {d.where.text} hold?", 1), Paragraph(lines[0]),
            Heading("Boxes (PRIM, covering)"), Bullets(tuple(lines[1:1 + max(len(d.boxes), 1)])),
            Table(("Box", "Factor", "Limits", "quasi-p", f"Bootstrap survival ({d.settings['bootstrap']} resamples)"),
                  tuple((str(r["box"]), r["label"], bare_limit_words(r), qp_text(r), survival_text(r))
                        for r in limits.to_dict("records"))),
            *([Figure("figures/tradeoff.png", "Coverage against density along each box's peeling trajectory: the "
                                              "knee is marked with a black cross, the box reported with a red ring "
                                              "(the same point unless --density chose another).")]
              if len(trajectory) else []),
            *([Table(("Box", "Coverage", "Density", "Restricted factors", "Reported", "Knee"), tuple(
                (str(r["box"]), percent(r["coverage"]), percent(r["density"]), str(int(r["res_dim"])),
                 "yes" if r["chosen"] else "", "yes" if r["knee"] else "") for r in trajectory.to_dict("records")))]
              if len(trajectory) else []),
            Heading("Decision tree (CART), second view"),
            Table(("Rule", "Coverage", "Density", "Runs"), tuple(
                (r["rule"], percent(r["coverage"]), percent(r["density"]), str(r["runs"])) for r in d.cart.to_dict("records"))),
            Heading("How to read this"), Bullets((
                "Coverage: of all runs where the condition holds, the share inside the box.",
                "Density: of the runs inside the box, the share where the condition holds.",
                f"quasi-p: how likely the box's density would be if that limit were dropped (Bryant & Lempert 2010); "
                f"above {SIGNIFICANT} the limit is marked not significant.",
                ("Box chosen on each peeling trajectory at the knee of the coverage-density curve (each axis scaled to "
                 "its range; the point farthest above the chord), where peeling further buys little density for much "
                 "coverage; --density D chooses the widest box with density >= D instead."
                 if d.settings["density"] is None else
                 f"Box chosen on each peeling trajectory by your choice: the highest coverage with density >= "
                 f"{d.settings['density']} (the knee is marked in the figure and the table)."),
                f"Bootstrap survival: the share of {d.settings['bootstrap']} resamples of the runs (with replacement) "
                f"whose box, chosen the same way, restricts that factor too; below {percent(SURVIVES)} it is marked "
                "fragile.",
                "Later boxes are found among the runs outside the earlier ones (covering).")),
        ]
        atomic_write_text(tmp / "report.md", to_markdown(blocks))
        atomic_write_json(tmp / "manifest.json", {
            "kind": KIND, "study": str(d.runs.root), "study_kind": d.runs.kind, "where": d.where.text,
            "runs": int(len(d.y)), "runs_meeting": int(d.y.sum()), "runs_undefined": d.undefined,
            "settings": d.settings, "factors": list(d.runs.x.columns), "seconds": round(d.seconds, 3),
            "versions": versions(), "git": git_state(),
        })
    return Path(out)


def survival_text(row: dict[str, Any]) -> str:
    s = row.get("survival", np.nan)
    return "-" if s is None or np.isnan(s) else percent(s) + (" (fragile)" if s < SURVIVES else "")


def qp_text(row: dict[str, Any]) -> str:
    values = [v for v in (row["qp_low"], row["qp_high"]) if not np.isnan(v)]
    return ", ".join(f"{v:.2g}" for v in values) if values else "-"


def plot_tradeoff(boxes: list[Box], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for b in boxes:
        t = b.trajectory
        sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis", s=18, vmin=0,
                        vmax=max(1, max(int(bb.trajectory["res_dim"].max()) for bb in boxes)))
        chosen = t[t["chosen"]]
        ax.plot(t["coverage"], t["density"], color="grey", linewidth=0.8, zorder=0)
        if "knee" in t:
            bend = t[t["knee"]]
            ax.scatter(bend["coverage"], bend["density"], s=90, marker="x", color="black", zorder=3)
        ax.scatter(chosen["coverage"], chosen["density"], s=140, facecolors="none", edgecolors="red")
        ax.annotate(f"box {b.number}", (chosen["coverage"].iloc[0], chosen["density"].iloc[0]),
                    textcoords="offset points", xytext=(6, 6))
    fig.colorbar(sc, ax=ax, label="restricted factors")
    ax.set_xlabel("coverage (share of the runs meeting the condition)")
    ax.set_ylabel("density (share of runs in the box meeting it)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title("PRIM peeling trajectories")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in (".png", ".svg"):
        fig.savefig(path.with_suffix(suffix), dpi=120)
    plt.close(fig)


def add_parser(sub) -> None:
    from .cli import positive_int, share

    p = sub.add_parser(
        "discover", help="scenario discovery: which factor combinations make a condition true (PRIM, CART)",
        description="Find boxes of factor values in which a condition on the outputs holds (PRIM with peeling, "
                    "pasting and covering; a decision tree as second view), on a finished sweep or calibration folder.")
    p.add_argument("study", type=Path, help="a finished sweep or calibration folder")
    p.add_argument("--where", required=True, metavar="EXPR", help='the condition, e.g. "uptake_final < 0.10"')
    p.add_argument("--boxes", type=positive_int, default=3, help="at most this many boxes (default 3)")
    p.add_argument("--density", type=share, default=None,
                   help="choose each box with at least this density, as much coverage as possible (default: the "
                        "knee of the coverage-density curve, drawn in figures/tradeoff.png)")
    p.add_argument("--bootstrap", type=int, default=BOOTSTRAP, metavar="N",
                   help=f"resamples for each limit's bootstrap survival (default {BOOTSTRAP}; 0: none)")
    p.add_argument("--cart-depth", type=positive_int, default=3, help="depth of the decision tree (default 3)")
    p.add_argument("--out", type=Path, help="folder for the results (default STUDY/discover/<condition>)")
    p.set_defaults(func=discover_command)


def discover_command(args) -> int:
    runs = load_runs(args.study)
    out = args.out or Path(args.study) / "discover" / slug(args.where)
    check_out_folder(out, KIND)
    if args.bootstrap < 0:
        raise UserError(f"--bootstrap: expected 0 or more resamples, got {args.bootstrap}")
    d = discover(runs, args.where, args.boxes, args.density, args.cart_depth, args.bootstrap)
    write_discovery(d, out)
    for line in summary_lines(d):
        print(line)
    print(f"\nReport: {out / 'report.md'}; tables: boxes, box_stats, tradeoff, cart (.csv, .parquet); "
          f"figure: {out / 'figures' / 'tradeoff.png'}", file=sys.stdout)
    return 0
