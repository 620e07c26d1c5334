"""Run a study: design, check the folder, time a run, batch the pending runs into tasks, execute them with a
progress bar while saving as they finish, then write the final results table.

A model study's task is one batch: ``batch_size`` runs (default ``model.DEFAULT_BATCH``) that the worker steps
together with ``model.run_batch``, consecutive in run order (a design point's replicates and the next points').
A function study's tasks carry >= 50 ms (aim: 250 ms) of work so the executor's per-task overhead (0.5 ms
pool, 3 ms Dask) stays a few per cent at most; they shrink towards the end of the study so the workers
finish together, and a kill loses little. The first runs are run in this process (and kept) while the
workers start: the first run alone (it checks the target), then, for the model, the rest of a batch; for a
function, timed runs that size the tasks. Neither batching nor chunking changes a number: seeds are per run,
each run of a batch gives what it gives alone, and results are sorted by run_id. A resume batches the runs
still missing, so a half-finished batch runs only its missing runs again.
"""

from __future__ import annotations

import functools
import itertools
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from ..batching import batch_for
from ..io import UserError
from .design import build_design, problem, run_items, run_table
from .execute import Backend, execute, open_backend
from .spec import Spec
from .store import Saver, Study
from .targets import output_row, resolve_target, run_chunk, run_one

SEED_RULE = "SeedSequence([study_seed, point, replicate]).generate_state(1, uint64)[0] >> 1"
TASK_SECONDS = 0.25  # aim per task
MIN_TASK_SECONDS = 0.05  # floor per task (overhead)
TASKS_PER_WORKER = 4  # at least, for load balance, when the floor allows
PROBE_RUNS, PROBE_SECONDS, MIN_PROBE_SECONDS = 20, 1.0, 0.2  # the first runs, timed here while workers start


def default_out(spec: Spec) -> Path:
    return Path("results") / "sweeps" / spec.name


def prepare(spec: Spec, out: Path) -> Study:
    """Design the study and check the folder against it (refusals happen here, before anything is written)."""
    design = build_design(spec)
    return Study(out, spec, design, run_table(spec, design)).open()


def run_study(spec: Spec, out: Path, workers: int, scheduler: str | None = None, progress: bool = True,
              batch_size: int | None = None) -> Study:
    """Run (or resume) the study into ``out``, ``batch_size`` model runs stepped together (default: the
    spec's); return the finished :class:`Study`."""
    batch_size = batch_size or spec.batch_size
    study = prepare(spec, out)
    if len(study.pending()):
        with open_backend(scheduler, workers, preload_modules(spec)) as backend:
            ready = backend.warm_up(spec.target)  # workers start while this process times the first runs
            seconds, probed = probe(spec, study.pending(), ready, batch_size, backend.workers)
            study.lock()
            if not study.exists:
                study.create(problem(spec) if spec.method in ("sobol", "morris") else None, SEED_RULE)
            session = study.begin_session(backend.name, backend.workers)
            try:
                study.save_rows(probed)
                if len(study.pending()):
                    run_pending(study, study.pending(), backend, seconds, progress, batch_size)
            finally:
                study.end_session(session)
    else:
        study.lock()
    study.write_results()
    return study


def probe(spec: Spec, pending: pd.DataFrame, ready: Callable[[], bool],
          batch_size: int = 1, workers: int = 1) -> tuple[float, list[dict[str, Any]]]:
    """Run the first pending runs here: (seconds per run, their rows). The rows are kept, so probing wastes
    no run; a target that fails or lacks an output is refused before the folder is created. The model: the
    first run, then the rest of a batch as one batch (the model's tasks are batches, not timed): up to
    PROBE_RUNS runs, and no more than this process's share beside the workers (1 / (workers + 1) of the
    study), so a small study still goes mostly to the workers. A function: runs timed one by one until a
    worker is ready (and >= 2 runs are timed, or 0.2 s passed) or 1 s passed."""
    share = -(-len(pending) // (max(1, workers) + 1))
    items = run_items(spec, pending.head(min(PROBE_RUNS, batch_size, share) if spec.is_model else PROBE_RUNS))
    evaluate = resolve_target(spec.target)
    rows = [first_run(spec, evaluate, items[0])]  # also the warm-up (imports, caches): not timed
    if spec.is_model:
        rows += run_chunk(spec.target, spec.base_params, spec.steps, spec.outputs, batch_size, items[1:])
        return 0.0, rows
    start = time.perf_counter()
    for run_id, values, seed in items[1:]:
        rows.append(run_one(evaluate, run_id, {**spec.base_params, **values}, seed, spec.steps, spec.outputs))
        elapsed = time.perf_counter() - start
        if elapsed > PROBE_SECONDS or (ready() and (len(rows) > 2 or elapsed > MIN_PROBE_SECONDS)):
            break
    seconds = (time.perf_counter() - start) / (len(rows) - 1) if len(rows) > 1 else 1.0
    return seconds, rows


def first_run(spec: Spec, evaluate, item: tuple[int, dict[str, Any], int]) -> dict[str, Any]:
    run_id, values, seed = item
    try:
        result = evaluate({**spec.base_params, **values}, seed, spec.steps)
    except Exception as exc:
        raise UserError(f"{spec.path}: run {run_id} failed before the study started: {type(exc).__name__}: {exc}") from exc
    missing = [o for o in spec.outputs if o not in result]
    if missing:
        raise UserError(f"{spec.path}: outputs.{missing[0]}: the target does not give it (it gives: {', '.join(result)})")
    return output_row(run_id, result, spec.outputs)


def chunk_sizes(seconds_per_run: float, pending: int, workers: int) -> list[int]:
    """Runs per task, in submission order: ~TASK_SECONDS of work each (never under MIN_TASK_SECONDS),
    shrinking towards the end (guided scheduling: at most 1/(TASKS_PER_WORKER x workers) of what is left),
    so that all workers finish together."""
    per_run = max(seconds_per_run, 1e-7)
    floor, goal = math.ceil(MIN_TASK_SECONDS / per_run), math.ceil(TASK_SECONDS / per_run)
    sizes, left = [], pending
    while left > 0:
        size = min(left, max(1, floor, min(goal, math.ceil(left / (TASKS_PER_WORKER * workers)))))
        sizes.append(size)
        left -= size
    return sizes


def preload_modules(spec: Spec) -> list[str]:
    target = ["model"] if spec.is_model else [spec.target.partition(":")[0]]
    return [__name__.rpartition(".")[0] + ".targets", *target]


def task_sizes(spec: Spec, seconds: float, pending: int, workers: int, batch_size: int) -> list[int]:
    """Runs per task: one batch each for the model, :func:`chunk_sizes` for a function."""
    if spec.is_model:
        size = batch_for(pending, batch_size, workers)
        return [min(size, pending - start) for start in range(0, pending, size)]
    return chunk_sizes(seconds, pending, workers)


def run_pending(study: Study, pending: pd.DataFrame, backend: Backend, seconds: float, progress: bool,
                batch_size: int = 1) -> None:
    spec = study.spec
    items = run_items(spec, pending)
    bounds = itertools.accumulate(task_sizes(spec, seconds, len(items), backend.workers, batch_size), initial=0)
    payloads = dict(enumerate(items[a:b] for a, b in itertools.pairwise(bounds)))
    task = functools.partial(run_chunk, spec.target, spec.base_params, spec.steps, spec.outputs, batch_size)
    saver = Saver(study)
    bar = progress_bar(spec, len(study.runs), len(study.done), progress)

    def on_done(_key: int, rows: list[dict[str, Any]]) -> None:
        saver.add(rows)
        bar.update(len(rows))

    try:
        execute(backend, task, payloads, on_done)
    except Exception as exc:
        if type(exc).__name__ == "KilledWorker":  # Dask gave up on a task that killed 4 workers
            raise UserError(f"a task killed its worker repeatedly ({exc}); finished runs are saved") from None
        raise
    finally:
        saver.flush()
        bar.close()


class ProgressBar(tqdm):
    """tqdm without its monitor thread: the bar moves as tasks finish, and a process with no extra thread
    can fork its next pool's workers (see :func:`.execute.process_pool`)."""

    monitor_interval = 0


def progress_bar(spec: Spec, total: int, done: int, enabled: bool) -> tqdm:
    tty = sys.stderr.isatty()
    return ProgressBar(
        total=total, initial=done, unit="run", desc=f"sweep {spec.name}", disable=not enabled,
        mininterval=0.5 if tty else 10.0, smoothing=0.05, dynamic_ncols=True, file=sys.stderr,
    )
