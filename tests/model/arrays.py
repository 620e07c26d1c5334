"""The per-alliance reductions the rules were written with before they became compiled loops (model/kernels.py),
kept for the tests' array forms of those rules: each adds a replicate's elements in index order, as
``np.bincount`` does (model/replicates.py)."""

from __future__ import annotations

import numpy as np


def any_of(a, rep: np.ndarray) -> np.ndarray:
    """Whether each replicate has any of the elements."""
    return a.total(rep) > 0


def weighted_share(a, rep: np.ndarray, flags: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per replicate, the share of the total weight on the flagged elements (0 when there is no weight)."""
    total = a.total(rep, weights)
    flagged = a.total(rep, weights * flags)
    return np.divide(flagged, total, out=np.zeros(a.replicates), where=total > 0)


def std_of(a, rep: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per replicate, the population standard deviation of ``x`` (NaN where no elements)."""
    mean = a.mean_of(rep, x)
    d = x - mean[rep]
    n = a.total(rep)
    var = np.divide(a.total(rep, d * d), n, out=np.full(a.replicates, np.nan), where=n > 0)
    return np.sqrt(var)


def platform_mean(a, values: np.ndarray) -> np.ndarray:
    """Mean of ``values`` over current members of each platform (primary seats), 0 where none."""
    total = np.bincount(a.seated_platform, weights=values[a.seated_members], minlength=a.n_platforms)
    count = a.platform_size
    return np.divide(total, count, out=np.zeros(a.n_platforms), where=count > 0)
