"""Play contenders (strategies, or budget splits) on common random numbers, in parallel.

Every contender runs on the same seeds: replicate r gets seed ``run_seed(seed, stream, r)`` (the sweep
engine's rule: ``SeedSequence([seed, stream, r])``), whatever the contender, so two contenders differ in
replicate r only by what they change and differences are paired. ``stream`` separates independent sets of
seeds (the allocation search screens on stream 0 and confirms its finalists on stream 1, so finalists are
not judged on the runs that selected them).

Runs go through the sweep engine's executor (a local process pool that survives a broken worker) in batches:
a task is ``batch_size`` runs (default ``model.DEFAULT_BATCH``) that the worker steps together with
``model.run_batch`` (the contenders' paired seeds, contender by contender), each giving what it gives alone;
each run is keyed by (contender, replicate) and results are sorted by that key, so they do not depend on the
number of workers or on how runs were batched. One run returns its summary outcomes, the resource units the model
counted by the month the project left and by the end, and its monthly uptake (for the figures).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

import model
from experiments.sweep.design import run_seed
from experiments.sweep.execute import execute, open_backend

from ..batching import batch_for, batches, default_batch, run_batch
from ..worlds import Worlds
from .costs import UNIT_COUNTERS

COUNTERS = tuple(UNIT_COUNTERS.values())


@dataclass(frozen=True)
class Contender:
    """Something to play: a label and the parameter overrides a run gets."""

    label: str
    params: dict[str, Any]


@dataclass
class Played:
    """Runs of several contenders: one row per (contender, replicate) and monthly uptake per run."""

    runs: pd.DataFrame       # contender, label, replicate, seed, summary outcomes, counters in/after project
    uptake: np.ndarray       # [contender, replicate, month]


def replicate_seeds(seed: int, replicates: int, stream: int = 0) -> list[int]:
    return [run_seed(seed, stream, r) for r in range(replicates)]


def play(contenders: list[Contender], seeds: list[int], steps: int, workers: int = 1,
         progress: bool = True, desc: str = "compare", worlds: Worlds | None = None,
         batch_size: int | None = None) -> Played:
    """Run every contender on every seed (common random numbers), ``batch_size`` runs stepped together; with
    ``worlds``, replicate r plays in the world its seed draws, the same for every contender (the contender's
    own settings win over the world)."""
    def params(contender: Contender, seed: int) -> dict[str, Any]:
        return contender.params if worlds is None else worlds.layer(seed, contender.params)

    items = [(c * len(seeds) + r, params(contender, seed), seed, steps)
             for c, contender in enumerate(contenders) for r, seed in enumerate(seeds)]
    results: dict[int, tuple[dict, np.ndarray]] = {}
    bar = tqdm(total=len(items), unit="run", desc=desc, disable=not progress, file=sys.stderr,
               mininterval=0.5 if sys.stderr.isatty() else 10.0, smoothing=0.05, dynamic_ncols=True)
    try:
        def on_done(_key: int, done: list[tuple[int, dict, np.ndarray]]) -> None:
            results.update({run_id: (row, series) for run_id, row, series in done})
            bar.update(len(done))

        run_items(items, steps, workers, on_done, batch_size or default_batch())
    finally:
        bar.close()
    played = collect(contenders, seeds, results)
    if worlds is not None:
        played.runs.insert(4, "world", [worlds.world_id(s) for s in played.runs["seed"]])
    return played


def run_items(items: list, steps: int, workers: int, on_done, batch_size: int | None = None) -> None:
    """Run the items here (one worker) or on the sweep engine's process pool, a batch of ``batch_size`` runs
    per task; ``on_done`` gets each batch's rows as the batch finishes."""
    chunks = dict(enumerate(batches(items, batch_for(len(items), batch_size or default_batch(), workers))))
    if workers == 1:
        for key, chunk in chunks.items():
            on_done(key, run_chunk(chunk))
        return
    with open_backend(None, workers, ["model", __name__]) as backend:
        execute(backend, run_chunk, chunks, on_done)


def run_chunk(items: list[tuple[int, dict, int, int]]) -> list[tuple[int, dict, np.ndarray]]:
    """The task a worker runs: a batch of runs stepped together (``model.run_batch``; runs of one length, as
    :func:`play` makes them), each (run id, outcome row, monthly uptake)."""
    if len({steps for *_, steps in items}) > 1:
        raise ValueError("a batch holds runs of one length")
    results = run_batch([(params, seed) for _, params, seed, _ in items], items[0][3]) if items else []
    return [(run_id, *reduce_run(result, steps)) for (run_id, _, _, steps), result in zip(items, results)]


def reduce_run(result: model.RunResult, steps: int) -> tuple[dict[str, float], np.ndarray]:
    """What a comparison keeps of a run: its summary outcomes, the resource units counted by the month the
    project left and by the end, and its monthly uptake."""
    series = result.series
    exit_row = min(int(result.params["project_exit_month"]), steps)
    row = dict(result.summary)
    row.update({f"{c}_in_project": float(series[c][exit_row]) for c in COUNTERS})
    row.update({f"{c}_to_end": float(series[c][-1]) for c in COUNTERS})
    return row, np.asarray(series["uptake"], dtype=float)


def collect(contenders: list[Contender], seeds: list[int], results: dict[int, tuple[dict, np.ndarray]]) -> Played:
    rows, series = [], []
    for c, contender in enumerate(contenders):
        for r, seed in enumerate(seeds):
            row, uptake = results[c * len(seeds) + r]
            rows.append({"contender": c, "label": contender.label, "replicate": r, "seed": seed, **row})
            series.append(uptake)
    uptake = np.asarray(series).reshape(len(contenders), len(seeds), -1)
    return Played(pd.DataFrame(rows), uptake)
