"""Functions with a known answer, for the evidence tests (importable by sweep workers)."""

from __future__ import annotations

import numpy as np


def boxes(a: float, b: float, c: str, seed: int) -> dict[str, float]:
    """``fail`` is 1 in two known boxes of the factor space: {a < 0.3 and c == "p"} and {b > 0.8 and a > 0.6},
    0 elsewhere; 3% of runs, drawn from the run's seed, have it flipped (noise PRIM must see through).
    ``score`` is a plain number for expressions with arithmetic."""
    inside = (a < 0.3 and c == "p") or (b > 0.8 and a > 0.6)
    flip = np.random.default_rng(seed).random() < 0.03
    return {"fail": float(inside != flip), "score": a + b}


def gaussian_pair(mu: float, spread: float, seed: int) -> dict[str, float]:
    """A stochastic model in miniature with a known answer: ``level`` is mu plus noise of sd 0.05, ``width``
    is spread plus noise of sd 0.05, and ``both`` their sum."""
    rng = np.random.default_rng(seed)
    level = mu + 0.05 * rng.standard_normal()
    width = spread + 0.05 * rng.standard_normal()
    return {"level": level, "width": width, "both": level + width}


def gaussian_triple(mu: float, spread: float, drift: float, seed: int) -> dict[str, float]:
    """Three parameters, each read by its own noisy output (sd 0.05) and ``mix``, which couples two of them:
    ``level`` = mu, ``width`` = spread, ``slope`` = drift, ``mix`` = mu + drift, each plus noise."""
    rng = np.random.default_rng(seed)
    noise = 0.05 * rng.standard_normal(4)
    return {"level": mu + noise[0], "width": spread + noise[1], "slope": drift + noise[2],
            "mix": mu + drift + noise[3]}
