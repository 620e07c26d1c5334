"""From a spec to its design (one row per design point) and its runs (design point x replicate, with seeds).

Sobol and Morris designs are sampled by SALib over the SALib problem (:func:`problem`): a numeric factor over
its [low, high]; a categorical factor over a uniform [0, 1) variable split into equal bins, one per choice,
so every choice is equally likely and its index is the variance explained by switching among the choices.
Integer factors are binned the same way (equal bins over [low, high]), so each integer is equally likely.
The raw SALib sample is kept in the design as ``x.<factor>`` columns, because Morris analysis needs it.

OFAT designs have a base point (every factor at its base-scenario value) and, for each factor in turn, its
levels with the others at base (``ofat_factor`` says which factor moves). Grid designs are the cartesian
product of the levels. Levels are ``values`` if given, all choices of a categorical factor, or N evenly
spaced values over [low, high].

Seeds: run (point p, replicate r) of a study with seed s gets
``SeedSequence([s, p, r]).generate_state(1, uint64)[0] >> 1``, a non-negative 63-bit integer that
``mus-alliance run --seed`` accepts. It depends on nothing else (not on workers, chunks or executor).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from .spec import Factor, Spec

SAMPLE_PREFIX = "x."
RUN_COLUMNS = ("run_id", "point", "replicate", "seed")


def problem(spec: Spec) -> dict[str, Any]:
    """The SALib problem of a Sobol or Morris study (categorical factors over [0, 1])."""
    bounds = [[0.0, 1.0] if f.kind == "choice" else [float(f.low), float(f.high)] for f in spec.factors]
    prob: dict[str, Any] = {"num_vars": len(spec.factors), "names": spec.factor_names, "bounds": bounds}
    if any(f.group for f in spec.factors):
        prob["groups"] = [f.group or f.name for f in spec.factors]
    return prob


def build_design(spec: Spec) -> pd.DataFrame:
    """One row per design point, in the order SALib's analysis expects: ``point``, the factor values and,
    for sampled designs, the raw sample."""
    if spec.method in ("sobol", "morris"):
        design = sampled_design(spec)
    elif spec.method == "ofat":
        design = ofat_design(spec)
    else:
        design = grid_design(spec)
    design.insert(0, "point", np.arange(len(design), dtype=np.int64))
    return design


def sampled_design(spec: Spec) -> pd.DataFrame:
    X = salib_sample(spec)
    columns = {f.name: to_values(f, X[:, i]) for i, f in enumerate(spec.factors)}
    columns.update({SAMPLE_PREFIX + f.name: X[:, i] for i, f in enumerate(spec.factors)})
    return pd.DataFrame(columns)


def salib_sample(spec: Spec) -> np.ndarray:
    prob = problem(spec)
    if spec.method == "sobol":
        return sobol_sample.sample(prob, spec.N, calc_second_order=spec.second_order, seed=spec.seed)
    return morris_sample.sample(prob, spec.N, num_levels=spec.levels, seed=spec.seed)


def to_values(factor: Factor, x: np.ndarray) -> pd.Series:
    """Map a column of the SALib sample to the values the run receives (bins for int and choice)."""
    if factor.kind == "float":
        return pd.Series(np.clip(x, factor.low, factor.high), dtype="float64")
    if factor.kind == "int":
        n = int(factor.high - factor.low) + 1
        u = (x - factor.low) / (factor.high - factor.low)
        return pd.Series(int(factor.low) + bin_index(u, n), dtype="int64")
    return pd.Series(np.asarray(factor.choices, dtype=object)[bin_index(x, len(factor.choices))], dtype="str")


def bin_index(u: np.ndarray, n: int) -> np.ndarray:
    """Index of the equal bin of [0, 1] that each u falls in (u = 1 goes to the last bin)."""
    return np.minimum(np.floor(np.asarray(u) * n).astype(np.int64), n - 1)


def levels(factor: Factor, N: int) -> list[Any]:
    if factor.values is not None:
        return list(factor.values)
    if factor.kind == "choice":
        return list(factor.choices)
    grid = np.linspace(factor.low, factor.high, N)
    if factor.kind == "int":
        return sorted({int(round(v)) for v in grid})
    return [float(v) for v in grid]


def ofat_design(spec: Spec) -> pd.DataFrame:
    base = {f.name: f.base for f in spec.factors}
    rows = [dict(base, ofat_factor="")]
    for f in spec.factors:
        rows += [dict(base, **{f.name: v}, ofat_factor=f.name) for v in levels(f, spec.N)]
    return typed(pd.DataFrame(rows), spec)


def grid_design(spec: Spec) -> pd.DataFrame:
    combos = itertools.product(*(levels(f, spec.N) for f in spec.factors))
    return typed(pd.DataFrame(list(combos), columns=spec.factor_names), spec)


def typed(design: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    dtypes = {"int": "int64", "float": "float64", "choice": "str"}
    return design.astype({f.name: dtypes[f.kind] for f in spec.factors} | ({"ofat_factor": "str"} if "ofat_factor" in design else {}))


def run_seed(study_seed: int, point: int, replicate: int) -> int:
    """The seed of one run: a function of (study seed, design point, replicate) only."""
    state = np.random.SeedSequence([study_seed, point, replicate]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def run_table(spec: Spec, design: pd.DataFrame) -> pd.DataFrame:
    """One row per run: ``run_id`` (point-major), ``point``, ``replicate``, ``seed`` and the factor values."""
    points = np.repeat(design["point"].to_numpy(), spec.replicates)
    reps = np.tile(np.arange(spec.replicates, dtype=np.int64), len(design))
    runs = pd.DataFrame({
        "run_id": np.arange(len(points), dtype=np.int64),
        "point": points,
        "replicate": reps,
        "seed": np.array([run_seed(spec.seed, int(p), int(r)) for p, r in zip(points, reps)], dtype=np.int64),
    })
    values = design.set_index("point").loc[points, spec.factor_names].reset_index(drop=True)
    return pd.concat([runs, values], axis=1)


def run_items(spec: Spec, runs: pd.DataFrame) -> list[tuple[int, dict[str, Any], int]]:
    """(run_id, factor values, seed) for each run, as plain Python values (so a value printed with repr is
    the value the run got); the base parameters travel once per task, not once per run."""
    records = runs[spec.factor_names].astype(object).to_dict("records")
    return [
        (int(rid), {k: plain(v) for k, v in rec.items()}, int(seed))
        for rid, seed, rec in zip(runs["run_id"], runs["seed"], records)
    ]


def plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def rerun_args(spec: Spec, row: dict[str, Any]) -> list[str]:
    """The `mus-alliance run` arguments that repeat one run of a model study from its results row
    (numbers as repr, which Python reads back to the same float)."""
    args = ["run", str(spec.base_path), "--replicates", "1", "--steps", str(spec.steps), "--seed", str(int(row["seed"]))]
    for f in spec.factors:
        value = plain(row[f.name])
        args += ["--set", f"{f.name}={value if f.kind == 'choice' else repr(value)}"]
    return args
