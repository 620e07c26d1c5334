"""Exact values of the pure rules (model/rules.py), the event log (model/events.py), stances (model/states.py)
and the per-run summary's windows (model/reporters.py: which month each summary reads) at the ends of their
inputs and at interior points (issue 20, part 2). Each expected value is worked out by hand in the test."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from model import rules
from model.events import EventKind, EventLog
from model.outputs import SERIES_NAMES
from model.reporters import months_to, ratio, summarise
from model.states import Stance, stance_of


# --- Bass hazard: 1 - exp(-(p + q F)) ---------------------------------------------------------------------
@pytest.mark.parametrize("p, q, f, expected", [
    (0.0, 0.0, 0.7, 0.0),                        # no hazard
    (0.0, 2.0, 0.0, 0.0),                        # peer influence needs peers
    (1.0, 2.0, 1.0, 1 - math.exp(-3.0)),         # the registry's high ends
    (0.004, 0.05, 0.3, 1 - math.exp(-0.019)),    # interior
    (0.0, 0.03, 1.0, 1 - math.exp(-0.03)),       # q alone, every peer decided
])
def test_bass_probability_is_one_minus_exp_of_minus_the_hazard(p, q, f, expected):
    assert rules.bass_probability(p, q, f) == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_bass_probability_reads_each_ones_own_peer_share():
    f = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(rules.bass_probability(np.array([0.1, 0.0, 0.2]), 0.4, f),
                               1 - np.exp(-np.array([0.1, 0.2, 0.6])))


def test_bass_discrete_map_steps_the_expected_share():
    f = rules.bass_discrete_map(0.01, 0.3, 3, f0=0.1)
    step = lambda x: x + (1 - x) * (1 - math.exp(-(0.01 + 0.3 * x)))  # noqa: E731
    assert f[0] == 0.1 and f[1] == pytest.approx(step(0.1)) and f[3] == pytest.approx(step(step(step(0.1))))


# --- linear reinforcement --------------------------------------------------------------------------------
@pytest.mark.parametrize("rate, outcome, expected", [(0.0, 1.0, 0.3), (1.0, 1.0, 1.0), (1.0, 0.0, 0.0),
                                                     (0.25, 1.0, 0.475), (0.25, 0.0, 0.225)])
def test_reinforce_moves_rate_of_the_way_to_the_outcome(rate, outcome, expected):
    assert rules.reinforce(np.array([0.3]), rate, outcome)[0] == pytest.approx(expected)


@pytest.mark.parametrize("t0, rate, n", [(0.0, 0.0, 5), (0.2, 1.0, 1), (0.4, 0.15, 7), (1.0, 0.3, 3)])
def test_trust_after_successes_is_n_reinforcements(t0, rate, n):
    t = np.array([t0])
    for _ in range(n):
        t = rules.reinforce(t, rate, 1.0)
    assert rules.trust_after_successes(t0, rate, n) == pytest.approx(t[0], abs=1e-12)
    assert rules.trust_after_successes(t0, rate, n) == pytest.approx(1 - (1 - t0) * (1 - rate) ** n)


def test_standard_deviation_is_the_population_sd():
    x = np.array([0.1, 0.4, 0.4, 0.9])
    mean = 0.45
    assert rules.standard_deviation(x) == pytest.approx(math.sqrt(((x - mean) ** 2).sum() / 4), rel=1e-12)
    assert rules.standard_deviation(np.array([0.3, 0.3])) == 0.0


# --- Deffuant-Weisbuch ------------------------------------------------------------------------------------
def test_deffuant_classic_rule_moves_both_by_mu_when_closer_than_eps():
    x = np.array([0.2, 0.5, 0.0, 0.9])
    changed = rules.deffuant_update(x, np.array([0, 2]), np.array([1, 3]), eps=0.4, mu=0.3)
    assert changed == 1  # 0.2-0.5 are 0.3 apart (< 0.4); 0.0-0.9 are not
    np.testing.assert_allclose(x, [0.29, 0.41, 0.0, 0.9])


def test_deffuant_eps_is_a_strict_bound():
    x = np.array([0.25, 0.5])
    assert rules.deffuant_update(x, np.array([0]), np.array([1]), eps=0.25, mu=0.5) == 0
    np.testing.assert_array_equal(x, [0.25, 0.5])


@pytest.mark.parametrize("mu", [0.0, 0.5, 0.3])
def test_deffuant_weights_move_each_by_2_mu_times_the_others_share(mu):
    x = np.array([0.2, 0.5])
    rules.deffuant_update(x, np.array([0]), np.array([1]), eps=1.0, mu=mu, weight=np.array([1.0, 3.0]))
    # share of 1 in the pair's weight: 3/4; 0 moves 2 mu 3/4 of the gap, 1 moves 2 mu 1/4 of it
    np.testing.assert_allclose(x, [0.2 + 2 * mu * 0.75 * 0.3, 0.5 - 2 * mu * 0.25 * 0.3])


def test_deffuant_openness_scales_each_ones_own_move():
    x = np.array([0.2, 0.5, 0.6, 0.7])
    rules.deffuant_update(x, np.array([0, 2]), np.array([1, 3]), eps=1.0, mu=0.5,
                          openness=np.array([0.0, 1.0, 0.4, 0.5]))
    np.testing.assert_allclose(x, [0.2, 0.5 - 0.5 * 0.3, 0.6 + 0.5 * 0.4 * 0.1, 0.7 - 0.5 * 0.5 * 0.1])


# --- Hegselmann-Krause and clusters --------------------------------------------------------------------------
@pytest.mark.parametrize("eps, expected", [
    (0.0, [0.5, 0.0, 0.1]),                 # only itself
    (0.1, [0.5, 0.05, 0.05]),               # within eps inclusive: 0 and 0.1 see each other
    (0.4, [0.3, 0.05, 0.2]),                # 0.1 sees all three; 0.5 sees 0.1 and itself
    (1.0, [0.2, 0.2, 0.2]),
])
def test_hegselmann_krause_takes_the_mean_of_views_within_eps(eps, expected):
    x = np.array([0.5, 0.0, 0.1])  # not sorted: each result stays with its own stakeholder
    np.testing.assert_allclose(rules.hegselmann_krause_update(x, eps), expected)


def test_clusters_split_where_sorted_views_are_more_than_gap_apart():
    x = np.array([0.0, 0.01, 0.5, 0.52, 0.9])
    assert rules.count_clusters(x, gap=0.01) == 4  # 0.01 apart is one cluster (gap is strict); 0.02 is not
    assert rules.count_clusters(x, gap=0.05) == 3
    assert rules.count_clusters(x, gap=0.05, min_share=0.4) == 2  # clusters of 2 of 5 are kept, of 1 not
    assert rules.count_clusters(x, gap=1.0) == 1


def test_pairs_within_groups_leave_the_odd_one_out():
    groups = np.array([0, 0, 0, 1, 1, 2])
    i, j = rules.pair_within_groups(groups, np.random.default_rng(0))
    assert len(i) == 2 and (groups[i] == groups[j]).all()
    assert sorted(groups[i]) == [0, 1] and len(set(i) | set(j)) == 4  # group 0 pairs two of three; 2 sits out
    assert rules.pair_within_groups(np.array([3]), np.random.default_rng(0))[0].size == 0


# --- stances and the event log ----------------------------------------------------------------------------
def test_stance_bands_are_blocker_below_a_third_champion_from_two_thirds():
    views = np.array([0.0, 1 / 3 - 1e-12, 1 / 3, 0.5, 2 / 3 - 1e-12, 2 / 3, 1.0])
    np.testing.assert_array_equal(stance_of(views), [Stance.BLOCKER] * 2 + [Stance.NEUTRAL] * 3 + [Stance.CHAMPION] * 2)


def test_event_log_keeps_order_kind_and_step():
    log = EventLog()
    log.log(np.int64(3), EventKind.JOIN, "a")
    log.log(7, EventKind.EXIT, "b")
    log.log(7, EventKind.MILESTONE, "c")
    assert len(log) == 3 and log.records[0] == {"step": 3, "kind": "join", "text": "a"}
    assert type(log.records[0]["step"]) is int and type(log.records[0]["kind"]) is str
    assert [r["text"] for r in log.newest_first()] == ["c", "b", "a"]
    assert [r["text"] for r in log.newest_first(2)] == ["c", "b"]
    frame = log.to_frame()
    assert list(frame.columns) == ["step", "kind", "text"] and list(frame["kind"]) == ["join", "exit", "milestone"]
    assert list(EventLog().to_frame().columns) == ["step", "kind", "text"]


# --- which month each summary reads --------------------------------------------------------------------------
def ramp(months: int) -> pd.DataFrame:
    """A monthly table in which every column's value names its month (column k: month + k/1000), so a summary
    that reads the wrong month gives a wrong number; counters grow every month."""
    data = {name: np.arange(months + 1) * 1.0 + k / 1000 for k, name in enumerate(SERIES_NAMES)}
    ts = pd.DataFrame(data)
    ts["uptake"] = np.arange(months + 1) / (2 * months)  # 0 .. 0.5
    ts["members"] = months / 2 - np.abs(np.arange(months + 1) - months / 2)  # peaks half-way, falls after
    ts.insert(0, "step", range(months + 1))
    return ts


@pytest.mark.parametrize("exit_month, horizon", [(0, 24), (30, 60), (36, 60), (59, 60)])
def test_summary_reads_the_exit_month_and_the_second_year_after_it(exit_month, horizon):
    ts = ramp(horizon)
    s = summarise(ts, exit_month)
    assert s["uptake_at_exit"] == ts["uptake"].iloc[exit_month]
    assert s["uptake_after_exit"] == pytest.approx(ts["uptake"].iloc[-1] - ts["uptake"].iloc[exit_month])
    second = ts["meetings"].iloc[exit_month + 24] - ts["meetings"].iloc[exit_month + 12] \
        if exit_month + 24 <= horizon else math.nan
    assert s["meetings_second_year_after_exit"] == pytest.approx(second, nan_ok=True)


def test_the_second_year_after_exit_is_defined_from_exit_plus_24_months():
    assert summarise(ramp(54), 30)["meetings_second_year_after_exit"] == pytest.approx(12.0)
    assert math.isnan(summarise(ramp(53), 30)["meetings_second_year_after_exit"])


@pytest.mark.parametrize("horizon", [23, 24, 40])
def test_members_lost_in_years_1_2_reads_month_24(horizon):
    ts = ramp(horizon)
    s = summarise(ts, 12)
    if horizon < 24:
        assert math.isnan(s["members_lost_years_1_2"])
    else:
        assert s["members_lost_years_1_2"] == pytest.approx(ts["dropouts"].iloc[24] / ts["joins"].iloc[24])


def test_rates_per_member_year_and_per_meeting():
    ts = ramp(36)
    s = summarise(ts, 12)
    last = ts.iloc[-1]
    assert s["dropouts_per_member_year"] == pytest.approx(12 * last["dropouts"] / last["member_months"])
    assert s["conflicts_per_meeting"] == pytest.approx(last["conflicts_arisen"] / last["meetings"])
    assert s["cost_total"] == last["cost"] and s["members_peak"] == ts["members"].max()


def test_ratio_and_milestone_edges():
    assert ratio(3.0, 2.0) == 1.5 and math.isnan(ratio(3.0, 0.0)) and math.isnan(ratio(3.0, -1.0))
    series = pd.Series([0.0, 0.2, 0.25, 0.3])
    assert months_to(series, 0.25) == 2.0 and months_to(series, 0.0) == 0.0 and math.isnan(months_to(series, 0.31))


# --- the output registry's groups ---------------------------------------------------------------------------
def test_counters_are_exactly_the_cumulative_outputs():
    from model.outputs import COUNTERS, SERIES

    cumulative = [o.name for o in SERIES if o.how.startswith("Cumulative")]
    assert list(COUNTERS) == cumulative and "dropouts" in COUNTERS and "members" not in COUNTERS


def test_every_per_run_output_is_declared_once_with_its_monthly_source():
    from model.outputs import FINAL_OF, SERIES_BY_NAME, SUMMARY_NAMES, TOTAL_OF, as_rows, output

    assert all(f"{n}_final" in SUMMARY_NAMES and n in SERIES_BY_NAME for n in FINAL_OF)
    assert all(n in SUMMARY_NAMES and n in SERIES_BY_NAME for n in TOTAL_OF)
    rows = {r["name"]: r for r in as_rows()}
    assert rows["uptake"]["monthly"] and not rows["uptake"]["per_run"]
    assert rows["dropouts"]["monthly"] and rows["dropouts"]["per_run"]
    assert not rows["uptake_final"]["monthly"] and rows["uptake_final"]["per_run"]
    assert output("uptake_final").kind == output("uptake").kind and output("uptake_final").better == output("uptake").better


# --- weighted sample without replacement: NumPy's Generator.choice, draw for draw -------------------------------
def test_weighted_sample_returns_and_draws_exactly_what_numpys_choice_does():
    # 3,000 random cases (1-60 candidates, 1-6 picks, weights spanning nine orders of magnitude so that repeats,
    # and so second rounds of draws, happen): the same positions and the generator left in the same state
    cases = np.random.default_rng(7)
    for case in range(3000):
        m = int(cases.integers(1, 61))
        k = int(cases.integers(1, min(m, 6) + 1))
        w = cases.random(m) ** 3 + 1e-9
        ours, numpys = np.random.default_rng(case), np.random.default_rng(case)
        picked = rules.weighted_sample(ours, k, w.copy())
        np.testing.assert_array_equal(picked, numpys.choice(m, k, replace=False, p=w / w.sum()))
        assert ours.random() == numpys.random()


def test_weighted_sample_never_picks_twice_and_follows_the_weights():
    g = np.random.default_rng(3)
    w = np.array([1.0, 1e-9, 1e-9, 3.0])
    picks = [tuple(rules.weighted_sample(g, 2, w)) for _ in range(2000)]
    assert all(a != b for a, b in picks)
    # P(first = 3) = 3/4 exactly; 2000 draws give a SE of 0.0097, so 0.75 +- 0.04 is a 4-SE band
    assert abs(np.mean([a == 3 for a, _ in picks]) - 0.75) < 0.04
    assert all(set(p) == {0, 3} for p in picks)  # the near-zero weights (1e-9 of 4) are never reached in 2000
