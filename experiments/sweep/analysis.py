"""Analyse a finished study folder: indices with SALib, replicate noise, response curves, and warnings.

Replicates are averaged per design point before SALib sees them, so Sobol and Morris indices describe the
*mean* response over ``replicates`` runs. How much of the variance is replicate noise is reported per output
(table ``noise``) from a one-way decomposition over design points: the mean within-point variance (unbiased
for the noise variance) over the variance of all runs is the noise share of a single run; divided by the
number of replicates, over the variance of the point means, it is the noise share left in what SALib saw.

Tables (``tables/*.parquet`` and ``.csv``, long format, one row per output x factor [x level]):
``noise``; ``sobol`` (S1, S1_conf, ST, ST_conf) and ``sobol_s2`` when the study sampled second order;
``morris`` (mu, mu_star, mu_star_conf, sigma); ``curves`` for OFAT (each factor moved alone) and grid (main
effect: each level averaged over the other factors) with the replicate band (5-95 % of runs) and the 95 %
CI of the mean. Bootstrap CIs use the study seed, so re-analysing gives the same numbers.

Warnings (``warnings.txt`` and stderr): failed runs; outputs without variance or with missing values; a
single replicate (noise unknown); more than 20 % noise left in the means; Sobol or Morris indices whose 95 %
CI is wider than the index itself and than 0.1 (Sobol) / 5 % of the largest mu* (Morris), i.e. the sample
is too small to read them; negative indices beyond their CI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from ..io import UserError, atomic_write_text, read_table, write_table
from .design import SAMPLE_PREFIX
from .store import DESIGN, RESULTS, read_manifest

NOISE_WARN = 0.2  # share of the means' variance that is noise, above which indices are called noisy
SOBOL_CI_FLOOR = 0.1  # a CI half-width up to this still tells a weak factor from a strong one
MORRIS_CI_FLOOR = 0.05  # as a share of the largest mu* of the output


@dataclass
class Analysis:
    method: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    model: bool = False  # a study of the model: factors and outputs have plain labels in the registries
    factors: dict[str, dict[str, Any]] = field(default_factory=dict)  # the spec's factors (kind, low, high, ...)
    replicates: int = 1


@dataclass
class StudyData:
    """What the analysis reads from a folder: the spec as run, the SALib problem, design and results."""

    root: Path
    spec: dict[str, Any]
    problem: dict[str, Any] | None
    design: pd.DataFrame
    results: pd.DataFrame

    @property
    def outputs(self) -> list[str]:
        return list(self.spec["outputs"])

    @property
    def factors(self) -> list[str]:
        return list(self.spec["factor_order"])  # the design's order (the "factors" table is key-sorted on disk)


def load_study(root: Path) -> StudyData:
    root = Path(root)
    if not root.is_dir():
        raise UserError(f"{root}: no such study folder")
    manifest = read_manifest(root)
    if not (root / RESULTS).exists():
        raise UserError(f"{root}: the study is not finished (no {RESULTS}); re-run `mus-alliance sweep` to finish it")
    data = StudyData(root, manifest["spec"], manifest.get("problem"), read_table(root / DESIGN), read_table(root / RESULTS))
    missing = data.results["error"].isna().sum() if len(data.results) == manifest["runs"] else manifest["runs"]
    if missing:
        raise UserError(f"{root}: {missing} of {manifest['runs']} runs are not saved; re-run `mus-alliance sweep` to finish")
    return data


def analyze(data: StudyData) -> Analysis:
    method = data.spec["method"]
    target = str(data.spec.get("target", ""))
    result = Analysis(method, model=target == "model" or target.startswith("model+worlds:"),
                      factors=dict(data.spec.get("factors", {})), replicates=int(data.spec["replicates"]))
    report_failures(data, result)
    result.tables["noise"] = noise_table(data, result)
    if method == "sobol":
        sobol(data, usable_outputs(data, result), result)
    elif method == "morris":
        morris(data, usable_outputs(data, result), result)
    else:
        result.tables["curves"] = curves_table(data, method)
    return result


def report_failures(data: StudyData, result: Analysis) -> None:
    failed = data.results[data.results["error"] != ""]
    if len(failed):
        first = failed.iloc[0]
        result.warnings.append(
            f"{len(failed)} of {len(data.results)} runs failed (first: run {first['run_id']}: {first['error']})"
        )


def usable_outputs(data: StudyData, result: Analysis) -> list[str]:
    """Outputs SALib can analyse: no missing values and some variance across design points."""
    usable = []
    for out in data.outputs:
        values = data.results[out]
        if values.isna().any():
            result.warnings.append(f"{out}: missing (NaN) in {int(values.isna().sum())} runs; no indices computed")
        elif np.ptp(values.to_numpy()) == 0:
            result.warnings.append(f"{out}: the same value in every run; no indices computed")
        else:
            usable.append(out)
    return usable


def point_means(data: StudyData, out: str) -> np.ndarray:
    """The mean over replicates of each design point, in design order (SALib relies on the order)."""
    return data.results.groupby("point", sort=True)[out].mean().to_numpy()


def noise_table(data: StudyData, result: Analysis) -> pd.DataFrame:
    reps = int(data.spec["replicates"])
    if reps == 1:
        result.warnings.append("1 replicate per design point: replicate noise cannot be separated from the factors' effects")
    rows = []
    for out in data.outputs:
        by_point = data.results.groupby("point")[out]
        total = data.results[out].var(ddof=1)
        within = by_point.var(ddof=1).mean() if reps > 1 else np.nan
        means_var = by_point.mean().var(ddof=1)
        # estimates, so sampling error can push them past 1 when nearly everything is noise: shown as 1
        share = min(within / total, 1.0) if total > 0 else np.nan
        share_means = min((within / reps) / means_var, 1.0) if means_var > 0 else np.nan
        rows.append({"output": out, "replicates": reps, "mean": data.results[out].mean(), "variance": total,
                     "noise_variance": within, "noise_share": share, "noise_share_of_means": share_means})
        if share_means > NOISE_WARN:
            result.warnings.append(
                f"{out}: {share_means:.0%} of the variance of the replicate means is noise; "
                "effects are hard to tell from noise, add replicates"
            )
    return pd.DataFrame(rows)


def sobol(data: StudyData, outputs: list[str], result: Analysis) -> None:
    second = bool(data.spec["second_order"])
    first_rows, s2_rows = [], []
    for out in outputs:
        res = sobol_analyze.analyze(data.problem, point_means(data, out), calc_second_order=second,
                                    seed=int(data.spec["seed"]))
        frames = res.to_df()
        table = frames[1].join(frames[0]).rename_axis("factor").reset_index()
        first_rows.append(table.assign(output=out))
        warn_sobol(out, table, result)
        if second:
            pairs = frames[2].index  # tuples (a, b)
            s2 = frames[2].reset_index(drop=True).assign(factor_a=[a for a, _ in pairs], factor_b=[b for _, b in pairs])
            s2_rows.append(s2.dropna(subset=["S2"]).assign(output=out))
    result.tables["sobol"] = tidy(first_rows, ["output", "factor", "S1", "S1_conf", "ST", "ST_conf"])
    if second:
        result.tables["sobol_s2"] = tidy(s2_rows, ["output", "factor_a", "factor_b", "S2", "S2_conf"])


def warn_sobol(out: str, table: pd.DataFrame, result: Analysis) -> None:
    for index in ("S1", "ST"):
        conf = table[f"{index}_conf"]
        wide = table.loc[(conf > table[index].abs()) & (conf > SOBOL_CI_FLOOR), "factor"].tolist()
        if wide:
            result.warnings.append(
                f"{out}: {index} CIs wider than the indices for {listed(wide)}; N is too small to read them"
            )
        negative = table.loc[table[index] + conf < 0, "factor"].tolist()
        if negative:
            result.warnings.append(f"{out}: {index} below zero beyond its CI for {listed(negative)}; increase N")


def morris(data: StudyData, outputs: list[str], result: Analysis) -> None:
    X = data.design[[SAMPLE_PREFIX + f for f in data.problem["names"]]].to_numpy()
    rows = []
    for out in outputs:
        res = morris_analyze.analyze(data.problem, X, point_means(data, out), num_levels=int(data.spec["levels"]),
                                     seed=int(data.spec["seed"]))
        table = res.to_df().rename_axis("factor").reset_index()
        rows.append(table.assign(output=out))
        floor = MORRIS_CI_FLOOR * table["mu_star"].max()
        wide = table.loc[(table["mu_star_conf"] > table["mu_star"]) & (table["mu_star_conf"] > floor), "factor"]
        if len(wide):
            result.warnings.append(
                f"{out}: mu* CIs wider than mu* for {listed(list(wide))}; add trajectories (N) or replicates"
            )
    result.tables["morris"] = tidy(rows, ["output", "factor", "mu", "mu_star", "mu_star_conf", "sigma"])


def curves_table(data: StudyData, method: str) -> pd.DataFrame:
    """OFAT: each factor's own points; grid: every run, grouped by one factor's level (main effect)."""
    runs = data.results.merge(data.design[["point", "ofat_factor"]], on="point") if method == "ofat" else data.results
    rows = []
    for factor in data.factors:
        subset = runs[runs["ofat_factor"] == factor] if method == "ofat" else runs
        for out in data.outputs:
            rows += level_rows(subset, factor, out)
    return pd.DataFrame(rows)


def level_rows(runs: pd.DataFrame, factor: str, out: str) -> list[dict[str, Any]]:
    """One row per level of ``factor``: numeric levels by value, categorical ones in the spec's order."""
    runs = runs.sort_values([factor, "run_id"] if pd.api.types.is_numeric_dtype(runs[factor]) else "run_id")
    rows = []
    for order, (level, group) in enumerate(runs.groupby(factor, sort=False)[out]):
        values = group.dropna().to_numpy()
        n = len(values)
        sd = values.std(ddof=1) if n > 1 else np.nan
        rows.append({
            "output": out, "factor": factor, "level": str(level),
            "value": float(level) if isinstance(level, (int, float, np.number)) else np.nan, "order": order,
            "n": n, "mean": values.mean() if n else np.nan, "sd": sd,
            "q05": np.quantile(values, 0.05) if n else np.nan, "q95": np.quantile(values, 0.95) if n else np.nan,
            "ci95": 1.96 * sd / np.sqrt(n) if n > 1 else np.nan,
        })
    return rows


def listed(names: list[str], shown: int = 5) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def tidy(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def write_analysis(root: Path, result: Analysis) -> None:
    for name, table in result.tables.items():
        write_table(table, Path(root) / "tables" / f"{name}.parquet")
    atomic_write_text(Path(root) / "warnings.txt", "".join(f"{w}\n" for w in result.warnings))


def summary_lines(result: Analysis, top: int = 3) -> list[str]:
    """A few lines for the terminal: per output, the most influential factors."""
    lines = []
    key, label = {"sobol": ("ST", "ST"), "morris": ("mu_star", "mu*")}.get(result.method, (None, None))
    if key is None:
        return [f"response curves in tables/curves ({result.tables['curves']['factor'].nunique()} factors)"]
    table = result.tables[result.method]
    for out, group in table.groupby("output", sort=False):
        best = group.nlargest(top, key)
        lines.append(f"{out}: " + ", ".join(f"{r.factor} {label} {getattr(r, key):.3g}" for r in best.itertuples()))
    return lines
