"""Reference functions with known sensitivity indices, to verify the engine (``function = "...:name"``).

Ishigami & Homma (1990), with x1, x2, x3 uniform on [-pi, pi]: ``sin x1 + a sin^2 x2 + b x3^4 sin x1``.
Its variance decomposition is analytic (Sobol' & Levitan 1999; the values SALib's own tests use), see
:func:`ishigami_indices`: S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244) for a = 7, b = 0.1.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import time
from pathlib import Path

import numpy as np

A, B = 7.0, 0.1


def ishigami(x1: float, x2: float, x3: float) -> float:
    return math.sin(x1) + A * math.sin(x2) ** 2 + B * x3**4 * math.sin(x1)


def noisy_ishigami(x1: float, x2: float, x3: float, seed: int, noise: float = 1.0) -> dict[str, float]:
    """Ishigami plus Gaussian noise of sd ``noise`` drawn from the run's seed (a stochastic model in
    miniature): ``y`` is the noisy value, ``clean`` the deterministic part."""
    clean = ishigami(x1, x2, x3)
    return {"y": clean + noise * np.random.default_rng(seed).standard_normal(), "clean": clean}


def ishigami_indices(a: float = A, b: float = B) -> dict[str, dict[str, float]]:
    """Analytic first-order (S1) and total (ST) indices of the Ishigami function."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return {
        "S1": {"x1": v1 / var, "x2": v2 / var, "x3": 0.0},
        "ST": {"x1": (v1 + v13) / var, "x2": v2 / var, "x3": v13 / var},
        "variance": {"total": var},
    }


def choice_and_number(kind: str, x: float, seed: int) -> dict[str, float]:
    """A categorical factor and a numeric one: ``kind`` shifts the level, ``x`` the slope; noise from seed."""
    shift = {"low": 0.0, "mid": 1.0, "high": 3.0}[kind]
    return {"y": shift + x + 0.1 * np.random.default_rng(seed).standard_normal()}


def ishigami_dies_once(x1: float, x2: float, x3: float) -> float:
    """Ishigami, but the first call in a worker process with a fresh marker folder kills that worker (for
    fault tests): the marker folder is ``$SWEEP_DIE_ONCE``; the call that creates ``died`` in it exits hard."""
    marker = os.environ.get("SWEEP_DIE_ONCE")
    if marker and multiprocessing.parent_process() is not None:
        try:
            (Path(marker) / "died").touch(exist_ok=False)
        except FileExistsError:
            pass
        else:
            os._exit(1)
    return ishigami(x1, x2, x3)


def slow_noisy_ishigami(x1: float, x2: float, x3: float, seed: int) -> dict[str, float]:
    """:func:`noisy_ishigami` taking ~5 ms a run (sleeping, not computing), so a study lasts long enough to
    be interrupted or lose a worker mid-way, whatever else the machine is doing. If ``$SWEEP_RUN_LOG`` names
    a file, each run appends one line to it (in whichever process runs it), so a test can count the runs
    a study computed, saved or not."""
    time.sleep(0.005)
    log = os.environ.get("SWEEP_RUN_LOG")
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, b"r\n")  # one write of 2 bytes with O_APPEND: lines from several processes never mix
        finally:
            os.close(fd)
    return noisy_ishigami(x1, x2, x3, seed)


def linear(x1: float, x2: float, x3: float) -> float:
    """``4 x1 - 2 x2``: every Morris elementary effect of a factor is the same (sigma = 0), and mu* is
    proportional to |coefficient| (x3 has none)."""
    return 4 * x1 - 2 * x2 + 0 * x3
