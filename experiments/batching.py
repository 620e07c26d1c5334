"""Runs grouped into batches for ``model.run_batch``: the one way every tool runs the model.

``model.run_batch(runs, steps)`` steps several replicates together (each ``(params, seed)``), each giving
exactly what ``model.run_model(params, seed, steps)`` gives alone, whatever its neighbours in the batch. So
the tools may group their runs however they like: a sweep's pending runs (a design point's replicates and
the next points'), an ABC generation's candidates x replicates, a strategy pair's paired seeds. Grouping
decides speed and memory, never a number: seeds stay per run and results are keyed per run.

The batch size is the runs handed to ``model.run_batch`` at once (``--batch-size``, and ``batch_size`` in the
sweep and calibration specs; the model steps them together in groups of at most ``model.run.STEPPED_TOGETHER``
stakeholders); its default is the model's :data:`model.DEFAULT_BATCH`. A batch's results are handed
on as the batch finishes, so what a tool holds is at most a few batches of full results.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import model
from model.registry import ConfigError

MAX_BATCH = 1024  # runs handed to the model at once at most: memory grows with the batch (its results are held)
T = TypeVar("T")


def default_batch() -> int:
    return int(model.DEFAULT_BATCH)


def check_batch_size(value: Any, field: str = "batch_size") -> int:
    """A batch size from a spec: a whole number from 1 to MAX_BATCH, else ConfigError naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{field}: expected a whole number of runs, got {value!r}")
    if not 1 <= value <= MAX_BATCH:
        raise ConfigError(f"{field}: {value} is outside 1 to {MAX_BATCH} (runs handed to the model at once)")
    return value


def batch_size_arg(text: str) -> int:
    """argparse type of ``--batch-size`` (a bad value: one line naming the option, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of runs, got {text!r}") from None
    try:
        return check_batch_size(value)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc).partition(": ")[2]) from None


def add_batch_size_option(parser: argparse.ArgumentParser, config_key: bool = False) -> None:
    where = " (overrides the spec's batch_size)" if config_key else ""
    parser.add_argument("--batch-size", type=batch_size_arg, default=None, metavar="RUNS",
                        help=f"runs handed to the model at once (default {default_batch()}){where}; "
                             "changes speed and memory, never a result")


def batch_for(runs: int, size: int, workers: int) -> int:
    """The batch size for ``runs`` runs on ``workers`` processes: at most ``size``, and small enough that every
    worker gets a batch (12 runs in batches of 16 on 2 workers would leave one worker idle: 2 batches of 6)."""
    return max(1, min(int(size), -(-int(runs) // max(1, int(workers)))))


def batches(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` cut into consecutive groups of ``size`` (the last may be smaller)."""
    size = max(1, int(size))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def run_batch(runs: Sequence[tuple[dict[str, Any], int]], steps: int) -> list[model.RunResult]:
    """``model.run_batch``, checked to give one result per run in the order given."""
    results = list(model.run_batch(list(runs), steps=steps))
    if len(results) != len(runs):
        raise RuntimeError(f"model.run_batch gave {len(results)} results for {len(runs)} runs")
    return results


def run_each_guarded(runs: Sequence[tuple[dict[str, Any], int]], steps: int) -> list[model.RunResult | Exception]:
    """The runs as one batch; if the batch raises, each run again alone (a batch of one), so a run that fails
    is named by its own exception and the others keep their results (which are the same either way)."""
    try:
        return list(run_batch(runs, steps))
    except Exception:
        out: list[model.RunResult | Exception] = []
        for run in runs:
            try:
                out.append(run_batch([run], steps)[0])
            except Exception as exc:  # noqa: BLE001 - the caller records it as this run's error
                out.append(exc)
        return out


def in_batches(runs: Sequence[tuple[dict[str, Any], int]], steps: int, size: int,
               on_batch: Callable[[int, list[model.RunResult]], None] | None = None) -> Iterator[model.RunResult]:
    """Every run's result, in order, computed ``size`` runs at a time (here, in this process)."""
    start = 0
    for group in batches(runs, size):
        results = run_batch(group, steps)
        if on_batch is not None:
            on_batch(start, results)
        start += len(group)
        yield from results


def map_batches(runs: Sequence[tuple[dict[str, Any], int]], steps: int, size: int, workers: int,
                reduce: Callable[[model.RunResult], T], progress: Callable[[int, int], None] | None = None) -> list[T]:
    """``reduce`` of every run's result, in the order given: the runs cut into batches of ``size``, each batch
    stepped together on a pool of ``workers`` processes and reduced there (only the reduced results come
    back); ``progress(done runs, all runs)`` after each finished batch."""
    from concurrent.futures import ProcessPoolExecutor
    import functools

    groups = batches(runs, batch_for(len(runs), size, workers))
    out: list[T] = []
    task = functools.partial(_reduced_batch, steps, reduce)
    if workers == 1:
        results = map(task, groups)
    else:
        pool = ProcessPoolExecutor(workers)
        results = pool.map(task, groups)
    try:
        for group in results:
            out += group
            if progress is not None:
                progress(len(out), len(runs))
    finally:
        if workers != 1:
            pool.shutdown(wait=True, cancel_futures=True)
    return out


def _reduced_batch(steps: int, reduce: Callable[[model.RunResult], T], group: list[tuple[dict[str, Any], int]]) -> list[T]:
    return [reduce(r) for r in run_batch(group, steps)]


class RunsProgress:
    """A one-line progress report on stderr that counts runs: done/all, runs per second and the time left."""

    def __init__(self, stream=None):
        import sys
        import time

        self.stream, self.start, self.clock = stream or sys.stderr, time.monotonic(), time.monotonic

    def __call__(self, done: int, total: int) -> None:
        elapsed = max(self.clock() - self.start, 1e-9)
        rate = done / elapsed
        eta = (total - done) / rate if rate > 0 else float("nan")
        print(f"\r{done}/{total} runs, {rate:.1f} runs/s, ETA {eta:.0f} s ", end="", file=self.stream, flush=True)


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]
