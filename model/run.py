"""Build and run the model: the functions the command line, the sweep engine and the dashboard call."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from .alliance import Alliances, LearningAlliance
from .events import EventLog
from .reporters import MODEL_REPORTERS, summarise

# Runs the tools hand to run_batch at once (a task) unless a user asks otherwise. 128 rather than 64: 5-10% less CPU
# per run at the default size (interleaved rounds, both orders); peak memory 358 against 314 MB there and 455
# against 397 MB at 10x, stepped in groups of 13 (resource.getrusage, 2026-12-03, after a stepped group's
# alliances were freed at once: before that a 10x batch of 128 held every finished group, 1,288 MB).
DEFAULT_BATCH = 128
# Stakeholders stepped together at most (memory stays bounded whatever the batch). Measured on this machine with
# the compiled loops (model/kernels.py; runs per core-second, 120 months, interleaved rounds): 381 stakeholders a
# run, 16 runs together 42.4, 32 runs 51.7, 64 runs 59-60, 128 runs 61.1, 256 runs 62.7; 3,801 a run, one at a
# time 3.92, 4 together 6.36, 8 together 7.11, 16 together 7.45. (Before the loops were compiled, arrays past
# ~15,000 stakeholders made the month slower per replicate: 32 runs together 28.6 but 64 runs 27.5.)
STEPPED_TOGETHER = 50_000


@dataclass(eq=False)
class RunResult:
    """One run's outputs. ``series`` holds each monthly output's values (row t = state after month t); the
    tables ``timeseries`` and ``events`` are built from it and from the log when first read, so tools that keep
    only the summary never pay for them (building both took 4.3 ms a run, a sixth of a batched run)."""

    series: dict[str, np.ndarray]  # "step" and each of OUTPUTS: months 0..steps
    summary: dict[str, float]      # SUMMARY_OUTPUTS
    log: EventLog                  # the event log (step, kind, text), oldest first
    params: dict[str, Any]         # every parameter's value in this run
    seed: int
    steps: int

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """One row per month (row 0 = initial state): column "step" and each of OUTPUTS."""
        return pd.DataFrame(self.series)

    @cached_property
    def events(self) -> pd.DataFrame:
        """The event log: step, kind, text."""
        return self.log.to_frame()


def build_model(params: dict | None = None, seed: int = 0) -> LearningAlliance:
    """A model at month 0; ``params`` are overrides of the registry's defaults."""
    return LearningAlliance(params=params, rng=seed)


def run_model(params: dict | None = None, seed: int = 0, steps: int = 120) -> RunResult:
    """Run one replicate for ``steps`` months and return its outputs (a batch of one)."""
    return run_batch([(params, seed)], steps=steps)[0]


def run_batch(runs, steps: int = 120) -> list[RunResult]:
    """Run several replicates, each ``(params, seed)``, for ``steps`` months, stepped together
    (model/replicates.py) in groups of at most :data:`STEPPED_TOGETHER` stakeholders; results in the order given.

    Each replicate's outputs and event log are bit-identical to ``run_model(params, seed, steps)`` whatever the
    other replicates in the batch are (they may differ in parameters, population and mobilisation order).
    """
    out: list[RunResult] = []
    group: list[tuple[Alliances, int]] = []
    with collection_paused():
        for params, seed in runs:  # each alliance set up alone; a full group steps before the next is set up
            alliance = Alliances(params, np.random.default_rng(seed), record=False)
            if group and sum(a.n for a, _ in group) + alliance.n > STEPPED_TOGETHER:
                out += run_together(group, steps)
                group = []
            group.append((alliance, seed))
        if group:
            out += run_together(group, steps)
    return out


@contextmanager
def collection_paused():
    """Python's cyclic garbage collector paused while runs are set up and stepped, as it was before afterwards.

    A month makes no reference cycles (tests/model/test_run.py checks it) and a group of runs, once stepped,
    lets go of its alliances (:func:`run_together`), so the pause frees no model state later than reference
    counting would. Without the pause the collector walked the batch's live objects (its event
    records, names) again and again: 13% of a batched run's time and 8% of a run's alone, measured with 64 runs
    at the default size. Threads running batches at once may end the pause early, never make it outlast them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_together(group: list[tuple[Alliances, int]], steps: int) -> list[RunResult]:
    """Step the alliances of ``group`` (each ``(alliance at month 0, its seed)``) together for ``steps``
    months; one result each, in order."""
    alliances = Alliances.together([a for a, _ in group])
    alliances.record()  # month 0, for the whole group at once (its alliances were set up without it)
    for _ in range(steps):
        alliances.step()
    columns = {name: np.stack([row[k] for row in alliances.rows]) for k, name in enumerate(MODEL_REPORTERS)}
    out = []
    for r, (_, seed) in enumerate(group):
        series = {"step": np.arange(steps + 1), **{name: v[:, r] for name, v in columns.items()}}
        p = alliances.ps[r]
        out.append(RunResult(series, summarise(series, p["project_exit_month"]), alliances.logs[r], dict(p),
                             seed, steps))
    for p in alliances.ps:  # its parameters stop pointing at the batch: no cycle keeps its arrays once it is done
        p.owner = None
    return out
