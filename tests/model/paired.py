"""Paired-seed comparisons for mechanism tests.

Two scenarios run on the same seeds (common random numbers), so their per-seed differences remove most of
the between-run noise. A claim "A raises X over B" passes when the mean paired difference is more than
``z`` standard errors above zero (default 3: under a normal approximation a wrong-direction or null effect
passes with chance < 0.2%, and with fixed seeds the result is the same on every machine).

Seeds: each statistical test draws its own stream, ``seeds_for(name)`` with ``name`` the test's name without
``test_`` (so tests do not all share one seed set, and adding a test changes no other test's seeds). ``SEEDS``
(1000-1029) is kept only for callers outside the statistical tests.

Power: each test states in a comment the smallest effect it detects, :func:`detectable`: the true mean paired
difference that passes the z-SE threshold with 80% chance, (z + 0.84) x SD / sqrt(n), with SD the standard
deviation of the paired differences observed on that test's own seeds (one run of the slow tier, numbers
quoted in the comment) and n its replicates. A failing claim reports its SE and detectable effect.
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


def detectable(sd: float, n: int, z: float = 3.0) -> float:
    """The true mean paired difference a z-SE test on n pairs with difference SD ``sd`` detects with 80%
    chance (one-sided: z + 0.84 standard errors)."""
    return (z + 0.84) * sd / np.sqrt(n)


def assert_positive(d, what: str, z: float = 3.0, min_effect: float = 0.0) -> float:
    """Assert that the paired differences ``d`` have a mean above zero by more than z standard errors (and
    above ``min_effect``); return the mean."""
    d = np.asarray(d, dtype=float)
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    se = sd / np.sqrt(len(d))
    assert mean > z * se and mean > min_effect, (
        f"{what}: mean paired difference {mean:.4g} (SD {sd:.3g}, SE {se:.3g}, n {len(d)}; needs > {z} SE and"
        f" > {min_effect}; this test detects effects >= {detectable(sd, len(d), z):.3g})")
    return mean


def assert_raises(a: dict, b: dict, output: str, z: float = 3.0, min_effect: float = 0.0, steps: int = 120,
                  seeds: tuple = SEEDS) -> float:
    """Assert that scenario ``a`` gives a larger ``output`` than ``b`` (paired, z standard errors)."""
    d = summaries(a, steps, seeds)[output].to_numpy() - summaries(b, steps, seeds)[output].to_numpy()
    return assert_positive(d, f"{output}: expected {a} > {b}", z, min_effect)


def seeds_for(test_name: str, n: int = REPLICATES) -> tuple[int, ...]:
    """A documented seed stream per test: n consecutive seeds starting at 10_000 + (crc32 of the test's name
    mod 10^6) x 100, so tests do not all share one seed set and a test's seeds never change with others."""
    import zlib

    start = 10_000 + (zlib.crc32(test_name.encode()) % 1_000_000) * 100
    return tuple(range(start, start + n))
