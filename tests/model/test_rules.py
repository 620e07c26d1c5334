"""Classic limiting cases of the rules the mechanisms use (domain notes, section 3)."""

import numpy as np
import pytest

from model import rules

from .paired import seeds_for


def test_bass_discrete_map_matches_reference_values():
    # Domain notes 3.1 [C]: map values 0.2611, 0.3506, 0.7298, 0.9532 at t = 5, 6, 10, 15 (p=0.03, q=0.38).
    f = rules.bass_discrete_map(0.03, 0.38, 15)
    assert f[[5, 6, 10, 15]] == pytest.approx([0.2611, 0.3506, 0.7298, 0.9532], abs=5e-4)


def test_bass_closed_form_reference_values():
    # Domain notes 3.1: F(5) = 0.3312, F(10) = 0.8128, F(20) = 0.9963; peak at t* = ln(q/p)/(p+q).
    assert rules.bass_closed_form(0.03, 0.38, [5, 10, 20]) == pytest.approx([0.3312, 0.8128, 0.9963], abs=1e-4)
    t_star = np.log(0.38 / 0.03) / 0.41
    assert rules.bass_closed_form(0.03, 0.38, t_star) == pytest.approx((0.38 - 0.03) / (2 * 0.38), abs=1e-4)


def test_trust_reinforcement_follows_its_closed_form():
    # Domain notes 3.6: alpha = 0.1, T0 = 0.5, n = 10 successes gives 0.8257.
    t = np.array([0.5])
    for _ in range(10):
        t = rules.reinforce(t, 0.1, 1.0)
    assert t[0] == pytest.approx(0.8257, abs=1e-4)
    assert rules.trust_after_successes(0.5, 0.1, 10) == pytest.approx(t[0], abs=1e-12)


def test_trust_breaks_faster_than_it_builds_with_asymmetric_rates():
    up = rules.reinforce(np.array([0.5]), 0.05, 1.0)[0] - 0.5
    down = 0.5 - rules.reinforce(np.array([0.5]), 0.2, 0.0)[0]
    assert down == pytest.approx(4 * up)


def test_pairs_never_cross_platforms_and_are_disjoint():
    rng = np.random.default_rng(3)
    groups = rng.integers(0, 5, 1001)
    i, j = rules.pair_within_groups(groups, rng)
    assert np.all(groups[i] == groups[j])
    assert len(np.unique(np.r_[i, j])) == 2 * len(i)
    # every group leaves at most one member unpaired
    counts = np.bincount(groups, minlength=5)
    paired = np.bincount(groups[i], minlength=5) * 2
    assert np.all(counts - paired <= 1)


def deffuant_clusters(eps: float, seed: int, n: int = 1000, mu: float = 0.5, rounds: int = 3000) -> int:
    rng = np.random.default_rng(seed)
    x = rng.random(n)
    groups = np.zeros(n, dtype=int)
    for _ in range(rounds):
        i, j = rules.pair_within_groups(groups, rng)
        rules.deffuant_update(x, i, j, eps, mu)
    return rules.count_clusters(x, gap=eps / 2, min_share=0.05)


@pytest.mark.slow  # statistical: cluster counts over seeded replicates
@pytest.mark.parametrize("eps, low, high", [(0.1, 3, 5), (0.2, 2, 2), (0.5, 1, 1)])
def test_deffuant_weisbuch_major_cluster_counts(eps, low, high):
    # Domain notes 3.4 [C], N = 1000, mu = 0.5, 10 replicates: eps 0.1 -> 4.1 (range 3-5), 0.2 -> 2.0,
    # 0.5 -> 1. We assert the reference range on every replicate and the mean within 0.6 of the reference.
    # Power (10 seeds of the test's stream): at eps 0.1 the counts are 3-5, mean 4.4, SD 0.70 (SE 0.22), so the
    # tolerance is 2.7 SE and a mean off the reference by >= 0.78 (0.6 + 0.84 SE) fails with 80% chance; at 0.2
    # and 0.5 every replicate gives the reference exactly.
    counts = [deffuant_clusters(eps, seed) for seed in seeds_for("deffuant_weisbuch_major_cluster_counts", 10)]
    assert low <= min(counts) and max(counts) <= high, counts
    reference = {0.1: 4.1, 0.2: 2.0, 0.5: 1.0}[eps]
    assert abs(np.mean(counts) - reference) <= 0.6


def test_power_weighted_encounter_moves_the_weaker_more():
    x = np.array([0.2, 0.4])
    rules.deffuant_update(x, np.array([0]), np.array([1]), eps=0.5, mu=0.5, weight=np.array([1.0, 3.0]))
    assert x[0] == pytest.approx(0.35) and x[1] == pytest.approx(0.35)  # meets at the weighted mean
    y = np.array([0.2, 0.4])
    rules.deffuant_update(y, np.array([0]), np.array([1]), eps=0.5, mu=0.25, weight=np.array([1.0, 3.0]))
    assert (y[0] - 0.2) == pytest.approx(3 * (0.4 - y[1]))


def hk_clusters(eps: float, seed: int, n: int = 625) -> int:
    x = np.random.default_rng(seed).random(n)
    for _ in range(200):
        new = rules.hegselmann_krause_update(x, eps)
        if np.allclose(new, x, atol=1e-12):
            break
        x = new
    return rules.count_clusters(x, gap=1e-6)


@pytest.mark.parametrize("eps, reference, tolerance", [(0.05, 7.95, 0.8), (0.1, 4.05, 0.5), (0.25, 1.0, 0.0)])
def test_hegselmann_krause_cluster_counts(eps, reference, tolerance):
    # Domain notes 3.5 [C], N = 625, 20 replicates: means 7.95, 4.05 and always consensus at 0.25.
    # Tolerance ~2 standard errors of a 20-replicate mean (replicate SD ~1.5 at eps 0.05, ~0.8 at 0.1).
    # Power (20 seeds of the test's stream): replicate SD 1.0 at eps 0.05 and 0.55 at 0.1 (SE 0.23, 0.12), so the
    # tolerances are 3.5 and 4.1 SE here; means seen 7.75 and 3.75; a mean off the reference by >= 0.99 (eps
    # 0.05) or >= 0.60 (eps 0.1) fails with 80% chance; at 0.25 every replicate reaches consensus.
    counts = [hk_clusters(eps, seed) for seed in seeds_for("hegselmann_krause_cluster_counts", 20)]
    mean = np.mean(counts)
    assert abs(mean - reference) <= tolerance, counts
