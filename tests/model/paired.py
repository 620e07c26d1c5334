"""Paired-seed comparisons for mechanism tests.

Two scenarios run on the same seeds (common random numbers), so their per-seed differences remove most of
the between-run noise. A claim "A raises X over B" passes when the mean paired difference is more than
``z`` standard errors above zero (default 3: under a normal approximation a wrong-direction or null effect
passes with chance < 0.2%, and with fixed seeds the result is the same on every machine).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

import model

REPLICATES = 30
SEEDS = tuple(range(1000, 1000 + REPLICATES))


def _key(params: dict) -> tuple:
    return tuple(sorted(params.items()))


@lru_cache(maxsize=64)
def _summaries(key: tuple, steps: int, seeds: tuple) -> pd.DataFrame:
    params = dict(key)
    return pd.DataFrame([model.run_model(params, seed=s, steps=steps).summary for s in seeds])


def summaries(params: dict, steps: int = 120, seeds: tuple = SEEDS) -> pd.DataFrame:
    return _summaries(_key(params), steps, seeds)


def paired_difference(a: dict, b: dict, output: str, steps: int = 120, seeds: tuple = SEEDS) -> tuple[float, float]:
    """Mean and standard error of output(a) - output(b) over paired seeds."""
    d = summaries(a, steps, seeds)[output].to_numpy() - summaries(b, steps, seeds)[output].to_numpy()
    return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d)))


def assert_raises(a: dict, b: dict, output: str, z: float = 3.0, min_effect: float = 0.0, **kw) -> float:
    """Assert that scenario ``a`` gives a larger ``output`` than ``b`` (paired, z standard errors)."""
    mean, se = paired_difference(a, b, output, **kw)
    assert mean > z * se and mean > min_effect, (
        f"{output}: expected {a} > {b}; mean paired difference {mean:.4g} (SE {se:.3g}, needs > {z} SE"
        f" and > {min_effect})")
    return mean


def seeds_for(test_name: str, n: int = REPLICATES) -> tuple[int, ...]:
    """A documented seed stream per test: n consecutive seeds starting at 10_000 + (crc32 of the test's name
    mod 10^6) x 100, so tests do not all share one seed set and a test's seeds never change with others."""
    import zlib

    start = 10_000 + (zlib.crc32(test_name.encode()) % 1_000_000) * 100
    return tuple(range(start, start + n))
