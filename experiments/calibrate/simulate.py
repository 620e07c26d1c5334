"""What one candidate parameter set is run as, and the task a worker executes.

A candidate is run ``replicates`` times (seeds from :func:`candidate_seed`); each run gives its **measures**
and every pattern's statistic is evaluated on them, then aggregated over the replicates (``mean``,
``median``, or ``share`` of replicates in which a condition holds). A statistic undefined in any replicate
(NaN) is undefined for the candidate.

**Judged per replicate** (``judge = "replicate"``, the default): a real alliance is one run of chance, not the
mean of many, so a pattern on a mean or median is judged on each replicate: the candidate's misfit is the
mean over its replicates of each replicate's misfit, and it meets the pattern in the share of its replicates
whose value lies in the target. A world whose replicates scatter around the target is no longer as good as
one whose every replicate hits it. A ``share`` pattern is about the replicates together and is judged on its
aggregate (as every pattern is with ``judge = "aggregate"``, the earlier rule).

Measures of a model run (the names a pattern's statistic may use):

- every summary output (``mus-alliance params`` and the README list them: ``uptake_final``, ``members_peak``, ...);
- for every monthly output ``x``: ``x_at_start`` (month 0), ``x_at_12``, ``x_at_24``, ``x_at_36`` (end of years
  1-3), ``x_at_exit`` (the month the project leaves), ``x_2y_after_exit`` (24 months later) and
  ``x_mean_in_project`` (mean over months 1 to the exit where x is defined); NaN where the month lies beyond
  the horizon;
- ``platforms`` and ``communities`` (the country's size) and ``project_years`` (the project's length in years).

A function target's measures are the outputs it returns.

A worker's task is a few candidates whose runs (candidates x replicates) the model steps together in
batches of ``batch_size`` (``model.run_batch``, :mod:`experiments.batching`); each run gives what it gives
alone, so batching changes no statistic.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ..expressions import parse

MONTHS = (12, 24, 36)


def candidate_seed(seed: int, generation: int, candidate: int, replicate: int) -> int:
    """The seed of one run: a function of (calibration seed, generation, candidate, replicate) only."""
    state = np.random.SeedSequence([seed, generation, candidate, replicate]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def series_names(column: str) -> list[str]:
    return [f"{column}_at_start", *(f"{column}_at_{m}" for m in MONTHS), f"{column}_at_exit",
            f"{column}_2y_after_exit", f"{column}_mean_in_project"]


@functools.cache
def country(base_items: tuple) -> dict[str, float]:
    from ..strategies.strategy import country_size

    platforms, communities = country_size(dict(base_items))
    return {"platforms": float(platforms), "communities": float(communities)}


def measure_names(target: str, base_params: dict[str, Any], steps: int, sample: dict[str, Any] | None = None) -> list[str]:
    if target == "model":
        import model

        return [*model.SUMMARY_OUTPUTS, *(n for c in model.OUTPUTS for n in series_names(c)),
                "platforms", "communities", "project_years"]
    from ..sweep.targets import resolve_target

    return list(resolve_target(target)(sample or {}, 0, steps)) if sample is not None else []


def model_measures(params: dict[str, Any], seed: int, steps: int, constants: dict[str, float]) -> dict[str, float]:
    """The measures of one run (a batch of one)."""
    from ..batching import run_batch

    return measures_of(run_batch([(params, seed)], steps)[0], constants)


def measures_of(result, constants: dict[str, float]) -> dict[str, float]:
    """The measures of a finished run (a ``model.RunResult``)."""
    import model

    series = result.series  # the monthly arrays (the table built from them would cost more than the run's summary)
    horizon = result.steps
    exit_month = int(result.params["project_exit_month"])
    out = {k: float(v) for k, v in result.summary.items()}
    for column in model.OUTPUTS:
        x = np.asarray(series[column], dtype=float)
        at = lambda m: float(x[m]) if m <= horizon else math.nan  # noqa: E731
        out[f"{column}_at_start"] = float(x[0])
        for m in MONTHS:
            out[f"{column}_at_{m}"] = at(m)
        out[f"{column}_at_exit"] = at(exit_month)
        out[f"{column}_2y_after_exit"] = at(exit_month + 24)
        out[f"{column}_mean_in_project"] = mean_defined(x[1:min(exit_month, horizon) + 1])
    out.update(constants)
    out["project_years"] = exit_month / 12
    return out


def mean_defined(x: np.ndarray) -> float:
    """Mean over the months where the output is defined (attendance is undefined in months without meetings)."""
    x = x[~np.isnan(x)]
    return float(x.mean()) if len(x) else math.nan


@functools.cache
def statistic(text: str, names: tuple[str, ...]):
    return parse(text, names, "statistic")


def misfit(value: float, low: float, high: float, tolerance: float) -> float:
    """Distance outside the target [low, high] in tolerances (0 inside; inf when undefined)."""
    if value is None or math.isnan(value):
        return math.inf
    return max(low - value, 0.0, value - high) / tolerance


def judge_pattern(values: list[float], over: str, low: float, high: float, tolerance: float,
                  per_replicate: bool) -> tuple[float, float, float, np.ndarray]:
    """(aggregate statistic, misfit, share of replicates meeting, per-replicate met flags) of one pattern."""
    stat = aggregate(values, over)
    if per_replicate and over != "share":
        each = np.array([misfit(v, low, high, tolerance) for v in values])
        met = each == 0
        return stat, float(each.mean()), float(met.mean()), met
    m = misfit(stat, low, high, tolerance)
    met = np.full(len(values), m == 0)
    return stat, m, float(m == 0), met


def aggregate(values: list[float], over: str) -> float:
    x = np.asarray(values, dtype=float)
    if np.isnan(x).any():
        return math.nan
    if over == "median":
        return float(np.median(x))
    return float(x.mean())  # mean, or share of replicates where the condition holds (1/0)


def run_measures(target: str, base_params: dict[str, Any], steps: int, batch_size: int,
                 runs: list[tuple[dict[str, Any], int]]) -> list[dict[str, float] | Exception]:
    """Each run's measures (or the exception it raised), in order: the model's runs ``batch_size`` at a
    time, each batch's full results reduced to measures as it finishes; a function's one by one."""
    from ..batching import batches, run_each_guarded

    if target != "model":
        from ..sweep.targets import resolve_batch

        return [r if isinstance(r, Exception) else dict(r) for r in resolve_batch(target)(runs, steps)]
    constants = country(tuple(sorted(base_params.items())))
    out: list[dict[str, float] | Exception] = []
    for group in batches([({**base_params, **values}, seed) for values, seed in runs], batch_size):
        for result in run_each_guarded(group, steps):
            try:
                out.append(result if isinstance(result, Exception) else measures_of(result, constants))
            except Exception as exc:  # noqa: BLE001 - the candidate's error
                out.append(exc)
    return out


def evaluate_chunk(target: str, base_params: dict[str, Any], steps: int, patterns: tuple[tuple, ...],
                   names: tuple[str, ...], batch_size: int,
                   items: list[tuple[int, dict[str, Any], list[int]]]) -> list[tuple[int, dict[str, float], str]]:
    """Run candidates [(key, parameter values, replicate seeds)], all their runs ``batch_size`` at a time; per
    candidate its statistics and an error text ('' if every run went well; else the first failure in
    replicate order). ``patterns`` are (name, statistic, over, low, high, tolerance, per_replicate); the
    statistics are, per pattern, its aggregate (``name``), its misfit (``misfit.name``) and the share of
    replicates meeting it (``met.name``), and the share of replicates meeting every pattern at once
    (``met_all``)."""
    out = []
    measured = iter(run_measures(target, base_params, steps, batch_size,
                                 [(values, seed) for _, values, seeds in items for seed in seeds]))
    for key, values, seeds in items:
        runs = [next(measured) for _ in seeds]
        per_pattern: dict[str, list[float]] = {name: [] for name, *_ in patterns}
        error = ""
        try:
            for measures in runs:
                if isinstance(measures, Exception):
                    raise measures
                for name, text, *_ in patterns:
                    per_pattern[name].append(float(statistic(text, names).evaluate(measures)[0]))
            stats, met_all = {}, np.ones(len(seeds), dtype=bool)
            for name, _, over, low, high, tolerance, per_replicate in patterns:
                stat, m, share, met = judge_pattern(per_pattern[name], over, low, high, tolerance, per_replicate)
                stats.update({name: stat, f"misfit.{name}": m, f"met.{name}": share})
                met_all &= met
            stats["met_all"] = float(met_all.mean())
        except Exception as exc:  # a failing candidate must not cost the calibration; its row says why
            stats = {k: math.nan for name, *_ in patterns for k in (name, f"misfit.{name}", f"met.{name}")}
            stats["met_all"] = math.nan
            error = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]
        out.append((key, stats, error))
    return out
