"""Build and run the model: the functions the command line, the sweep engine and the dashboard call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .alliance import LearningAlliance
from .reporters import summarise


@dataclass
class RunResult:
    timeseries: pd.DataFrame   # one row per month (row 0 = initial state), column "step" + OUTPUTS
    summary: dict[str, float]  # SUMMARY_OUTPUTS
    events: pd.DataFrame       # step, kind, text
    params: dict[str, Any]     # every parameter's value in this run
    seed: int
    steps: int


def build_model(params: dict | None = None, seed: int = 0) -> LearningAlliance:
    """A model at month 0; ``params`` are overrides of the registry's defaults."""
    return LearningAlliance(params=params, rng=seed)


def run_model(params: dict | None = None, seed: int = 0, steps: int = 120) -> RunResult:
    """Run one replicate for ``steps`` months and return its outputs."""
    model = build_model(params, seed)
    model.run_for(steps)
    ts = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    ts.insert(0, "step", range(len(ts)))
    return RunResult(ts, summarise(ts, model.p["project_exit_month"]), model.events.to_frame(), model.p, seed, steps)


DEFAULT_BATCH = 16  # replicates stepped together by run_batch unless a caller asks otherwise


def run_batch(runs, steps: int = 120) -> list[RunResult]:
    """Run several replicates, each ``(params, seed)``, for ``steps`` months; results in the order given.

    Each replicate's outputs and event log are bit-identical to ``run_model(params, seed, steps)`` whatever the
    other replicates in the batch are (they may differ in parameters, population and mobilisation order).
    """
    return [run_model(params, seed=seed, steps=steps) for params, seed in runs]
