"""Pure numerical rules the mechanisms are built from, each a classic model with a known limiting case.

Keeping them free of model state lets the verification tests drive exactly the code the model runs:
the Bass (1969) hazard, the Deffuant-Weisbuch (2000) and Hegselmann-Krause (2002) bounded-confidence
updates, and linear-reinforcement trust (domain notes, section 3).
"""

from __future__ import annotations

import math

import numpy as np

from . import kernels


def bass_hazard(p, q, peer_share):
    """The Bass (1969) adoption hazard p + q*F: innovation p plus imitation q times the share F of peers who
    adopted (on numbers, so that the compiled loops run this very rule)."""
    return p + q * peer_share


def chance_within_a_month(hazard: np.ndarray | float) -> np.ndarray:
    """Chance of the event within one month at a constant monthly hazard: 1 - e^-hazard."""
    return -np.expm1(-np.asarray(hazard))


def bass_probability(p: np.ndarray | float, q: float, peer_share: np.ndarray | float) -> np.ndarray:
    """Chance of adopting within one month at hazard p + q*F (Bass 1969, discretised as 1 - e^-(p+qF))."""
    return chance_within_a_month(bass_hazard(np.asarray(p), q, np.asarray(peer_share)))


def bass_discrete_map(p: float, q: float, steps: int, f0: float = 0.0) -> np.ndarray:
    """Expected adopter share of a fully mixed population under :func:`bass_probability`, month by month.

    F(t+1) = F(t) + (1 - F(t)) (1 - exp(-(p + q F(t)))); element t is F after t months (element 0 = f0).
    """
    f = np.empty(steps + 1)
    f[0] = f0
    for t in range(steps):
        f[t + 1] = f[t] + (1 - f[t]) * bass_probability(p, q, f[t])
    return f


def bass_closed_form(p: float, q: float, t: np.ndarray | float) -> np.ndarray:
    """Continuous-time Bass adopter share F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})."""
    e = np.exp(-(p + q) * np.asarray(t, dtype=float))
    return (1 - e) / (1 + (q / p) * e)


def reinforce(value: np.ndarray, rate: np.ndarray | float, outcome: np.ndarray | float) -> np.ndarray:
    """Linear reinforcement T <- T + rate (outcome - T) (trust learning; domain notes 3.6)."""
    return value + rate * (outcome - value)


def trust_after_successes(t0: float, rate: float, n: int) -> float:
    """Closed form of n reinforcements towards 1: T_n = 1 - (1 - T0)(1 - rate)^n."""
    return 1 - (1 - t0) * (1 - rate) ** n


def standard_deviation(x: np.ndarray) -> float:
    """Population standard deviation of a 1-d array (the same arithmetic as ``np.std``, without its
    per-call overhead, which dominates for the few dozen values of one alliance)."""
    d = x - x.sum() / len(x)
    return math.sqrt((d * d).sum() / len(x))


def pair_within_groups(groups: np.ndarray, u: np.ndarray | np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random disjoint pairs of positions that share a group label (one encounter round of a platform).

    Positions are shuffled within each group (by the uniform draws ``u``, one per position, or drawn here from
    a generator) and paired in order; a group's odd one out sits this round out.
    """
    n = len(groups)
    if n < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    if isinstance(u, np.random.Generator):
        u = u.random(n)
    order = np.lexsort((u, groups))  # random order within each group
    g = groups[order]
    same_as_next = np.zeros(n, dtype=bool)  # the next position is in the same group (never for the last)
    np.equal(g[1:], g[:-1], out=same_as_next[:-1])
    # rank of each position inside its group, so pairs never straddle two groups
    position = np.arange(n)
    new_group = np.ones(n, dtype=bool)  # the first position of a group
    np.logical_not(same_as_next[:-1], out=new_group[1:])
    starts = np.maximum.accumulate(np.where(new_group, position, 0))
    rank = position - starts
    first = (same_as_next & (rank % 2 == 0)).nonzero()[0]
    return order[first], order[first + 1]


def weighted_sample(g: np.random.Generator, k: int, weights: np.ndarray) -> np.ndarray:
    """``k`` distinct positions drawn with chance in proportion to ``weights`` (all > 0), as successive draws
    without replacement: exactly what ``g.choice(len(weights), k, replace=False, p=weights / weights.sum())``
    returns and draws from ``g`` (NumPy's algorithm: a batch of uniforms against the cumulative weights, the
    repeats dropped and drawn again without the positions already taken), without its argument checks,
    which cost as much again. One group of :func:`weighted_samples`."""
    return weighted_samples(lambda counts: g.random(int(counts[0])), np.array([k]), np.asarray(weights, dtype=float),
                            np.array([0, len(weights)]))


def weighted_samples(draw, k: np.ndarray, weights: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """:func:`weighted_sample` in each group r of ``weights`` (``weights[bounds[r]:bounds[r + 1]]``): ``k[r]``
    distinct positions drawn from group r's generator, as it draws them alone; ``draw(counts)`` gives
    ``counts[r]`` uniforms from group r's generator, group after group (an alliance batch's
    ``Replicates.uniform``). Returns the positions into ``weights``, group after group, each group's in the order
    drawn; the rounds of picking: :func:`model.kernels.pick_in_groups`."""
    shares, picked = np.empty(len(weights)), np.empty(int(k.sum()), dtype=np.int64)
    n_picked = np.zeros(len(k), dtype=np.int64)
    missing = k
    while missing.any():  # a round: each group short of its positions draws as many uniforms again
        u = draw(missing)
        missing = kernels.pick_in_groups(weights, bounds, k, u, shares, picked, n_picked)
    return picked


def deffuant_update(
    x: np.ndarray, i: np.ndarray, j: np.ndarray, eps: float, mu: float, weight: np.ndarray | None = None,
    openness: np.ndarray | None = None,
) -> int:
    """One round of Deffuant-Weisbuch encounters between disjoint pairs (i, j), in place.

    If |x_i - x_j| < eps both move towards each other. With ``weight`` (e.g. power), each moves by
    2 mu times the other's share of the pair's weight, so the heavier one moves less; equal weights give
    the classic rule x_i += mu (x_j - x_i). With ``openness`` in [0, 1] each one's move is scaled by its own
    openness (0 = entrenched, does not move). Returns the number of encounters that changed views.
    """
    diff = x[j] - x[i]
    close = np.abs(diff) < eps
    if weight is None:
        step_i = step_j = mu
    else:
        wi, wj = weight[i], weight[j]
        share_j = wj / (wi + wj)
        step_i, step_j = 2 * mu * share_j, 2 * mu * (1 - share_j)
    if openness is not None:
        step_i, step_j = step_i * openness[i], step_j * openness[j]
    x[i] += np.where(close, step_i * diff, 0.0)
    x[j] -= np.where(close, step_j * diff, 0.0)
    return int(close.sum())


def hegselmann_krause_update(x: np.ndarray, eps: float) -> np.ndarray:
    """One synchronous Hegselmann-Krause step: each view becomes the mean of views within eps of it."""
    order = np.argsort(x)
    xs = x[order]
    csum = np.r_[0.0, np.cumsum(xs)]
    lo = np.searchsorted(xs, xs - eps, side="left")
    hi = np.searchsorted(xs, xs + eps, side="right")
    out = np.empty_like(x)
    out[order] = (csum[hi] - csum[lo]) / (hi - lo)
    return out


def count_clusters(x: np.ndarray, gap: float = 1e-2, min_share: float = 0.0) -> int:
    """Number of opinion clusters: groups of sorted views separated by more than ``gap``, keeping only
    clusters holding at least ``min_share`` of the population ("major clusters" use 0.05)."""
    xs = np.sort(x)
    breaks = np.flatnonzero(np.diff(xs) > gap)
    sizes = np.diff(np.r_[0, breaks + 1, len(xs)])
    return int((sizes >= min_share * len(xs)).sum())
