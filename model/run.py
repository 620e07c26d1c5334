"""Build and run the model: the functions the command line, the sweep engine and the dashboard call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .alliance import Alliances, LearningAlliance
from .reporters import MODEL_REPORTERS, summarise

DEFAULT_BATCH = 16  # replicates stepped together by run_batch unless a caller asks otherwise


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
    """Run one replicate for ``steps`` months and return its outputs (a batch of one)."""
    return run_batch([(params, seed)], steps=steps)[0]


def run_batch(runs, steps: int = 120) -> list[RunResult]:
    """Run several replicates, each ``(params, seed)``, for ``steps`` months, stepped together
    (model/replicates.py); results in the order given.

    Each replicate's outputs and event log are bit-identical to ``run_model(params, seed, steps)`` whatever the
    other replicates in the batch are (they may differ in parameters, population and mobilisation order).
    """
    runs = list(runs)
    if not runs:
        return []
    alliances = Alliances.together((params, np.random.default_rng(seed)) for params, seed in runs)
    for _ in range(steps):
        alliances.step()
    columns = {name: np.stack([row[k] for row in alliances.rows]) for k, name in enumerate(MODEL_REPORTERS)}
    out = []
    for r, (_, seed) in enumerate(runs):
        ts = pd.DataFrame({"step": np.arange(steps + 1), **{name: v[:, r] for name, v in columns.items()}})
        p = alliances.ps[r]
        out.append(RunResult(ts, summarise(ts, p["project_exit_month"]), alliances.logs[r].to_frame(), dict(p),
                             seed, steps))
    return out
