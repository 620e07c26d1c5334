"""How `make bench` measures: contenders in interleaved rounds, medians and ranges, ratios within a round.

The machine is shared (2 cores, other sessions busy), so one measurement of each contender in a fixed order
says little: the time a process waits for a core changed by up to 2x between two identical measurements in
a row, and the first contender of a process also pays its warm-up (see README.md in this folder). Here:

- a light **warm-up round** runs every contender once on a few runs first (imports, caches, first pools);
  it is not part of the figures;
- then ``rounds`` rounds each measure every contender once, in alternating order (forward in even rounds,
  reversed in odd ones: ABC CBA ABC ...), so that no contender is always first, last, or next to the same
  neighbour;
- each figure is the **median over rounds, with its range** (min-max), and every comparison is the median
  of the ratios **within a round** (measured minutes apart at most, under the same load), never a ratio of
  medians from different moments;
- CPU seconds (this process and its finished child processes) are the primary measure; wall seconds are
  shown too, and the 1-minute load average is recorded with every measurement.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


def cpu_seconds() -> float:
    """CPU time of this process and of all its descendants: the finished children it has reaped (``os.times``)
    and every live one with the children each has reaped (a forkserver, which reaps the pool workers it forked,
    stays alive until this process ends; psutil comes with dask.distributed)."""
    import psutil

    t = os.times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in psutil.Process().children(recursive=True):
        try:
            c = child.cpu_times()
        except psutil.Error:  # ended meanwhile: counted once reaped
            continue
        total += c.user + c.system + c.children_user + c.children_system
    return total


def load_average() -> float:
    return os.getloadavg()[0]


@dataclass
class Sample:
    """One measurement of one contender: wall and CPU seconds, model runs done, the load when it started,
    and anything else the contender reports (``extra``: per-agent-step figures, equality checks...)."""

    wall: float
    cpu: float
    runs: int
    load: float = math.nan
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def runs_per_core_second(self) -> float:
        return self.runs / self.cpu if self.cpu > 0 else math.nan

    @property
    def runs_per_second(self) -> float:
        return self.runs / self.wall if self.wall > 0 else math.nan


def timed(fn: Callable[[], Any], runs: int) -> tuple[Sample, Any]:
    """Time ``fn()`` (wall and CPU seconds, load at the start); (its sample, its value)."""
    load = load_average()
    start, cpu = time.perf_counter(), cpu_seconds()
    value = fn()
    return Sample(time.perf_counter() - start, cpu_seconds() - cpu, runs, load), value


@dataclass
class Contender:
    """A thing to measure. ``measure(warm_up)`` measures it once (a lighter version when ``warm_up``) and
    returns a :class:`Sample`; ``runs`` and ``warm_up_runs`` are the model runs each does (for progress;
    ``warm_up_runs`` 0: no warm-up)."""

    name: str
    measure: Callable[[bool], Sample]
    runs: int
    warm_up_runs: int


def round_order(names: Sequence[str], round_index: int) -> list[str]:
    """Forward in even rounds, reversed in odd ones."""
    return list(names) if round_index % 2 == 0 else list(reversed(names))


class Progress:
    """One status line on stderr: model runs done of the total, rate, ETA, the round and contender, the load.
    On a terminal the line is rewritten in place; otherwise one line per measurement."""

    def __init__(self, total_runs: int, stream=None):
        self.total, self.done = total_runs, 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.perf_counter()

    def show(self, label: str) -> None:
        elapsed = time.perf_counter() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else math.nan
        line = (f"  [{self.done:>4d}/{self.total} runs, {rate:4.1f} runs/s, elapsed {clock(elapsed)}, "
                f"ETA {clock(eta)}] {label} (load {load_average():.2f})")
        if self.tty:
            self.stream.write("\r" + line[:160].ljust(160))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def advance(self, runs: int) -> None:
        self.done += runs

    def close(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 160 + "\r")
        self.stream.write(f"  measured {self.done} runs in {clock(time.perf_counter() - self.started)}\n")
        self.stream.flush()


def clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "--:--"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def run_rounds(contenders: Sequence[Contender], rounds: int, progress: Progress | None = None,
               ) -> tuple[dict[str, Sample], dict[str, list[Sample]]]:
    """Measure every contender in a warm-up round, then in ``rounds`` rounds of alternating order.
    Returns (warm-up sample per contender, samples per contender in round order)."""
    by_name = {c.name: c for c in contenders}
    warm: dict[str, Sample] = {}
    samples: dict[str, list[Sample]] = {c.name: [] for c in contenders}
    for r in range(-1, rounds):
        for name in round_order([c.name for c in contenders], max(r, 0)):
            contender = by_name[name]
            if r < 0 and contender.warm_up_runs == 0:
                continue  # nothing to warm up (e.g. measured in a fresh child process each time)
            label = "warm-up" if r < 0 else f"round {r + 1}/{rounds}"
            if progress:
                progress.show(f"{label}: {name}")
            sample = contender.measure(r < 0)
            if r < 0:
                warm[name] = sample
            else:
                samples[name].append(sample)
            if progress:
                progress.advance(contender.warm_up_runs if r < 0 else contender.runs)
    if progress:
        progress.close()
    return warm, samples


@dataclass
class Spread:
    """Median and range of one figure over rounds."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        finite = [v for v in values if math.isfinite(v)]
        if not finite:
            return cls(math.nan, math.nan, math.nan, 0)
        return cls(statistics.median(finite), min(finite), max(finite), len(finite))

    def text(self, digits: int = 2, suffix: str = "") -> str:
        if self.n == 0:
            return "n/a"
        f = f"{{:.{digits}f}}"
        return f"{f.format(self.median)}{suffix} ({f.format(self.low)}-{f.format(self.high)})"


def paired(a: Sequence[Sample], b: Sequence[Sample], figure: Callable[[Sample], float]) -> Spread:
    """The ratio figure(a) / figure(b) within each round: median and range over rounds."""
    return Spread.of([figure(x) / figure(y) for x, y in zip(a, b, strict=True)])


def load_spread(samples: Sequence[Sample]) -> Spread:
    return Spread.of([s.load for s in samples])
