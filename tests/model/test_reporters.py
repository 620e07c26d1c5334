"""Every reporter against a hand-built state: a small model at month 0 whose stage, membership, views and
trust are set by hand, so each expected value is counted by hand from that state (issue 12: no reporter was
tested against a known state).

Reporters cache their shared counts per month (``model._tally``, cleared by the Recorder at each collection);
a test that changes the state inside a month calls :func:`fresh` before reading a reporter.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import model
from model import reporters as R
from model.outputs import SERIES_NAMES
from model.reporters import summarise
from model.states import Level, Membership, Stage

SMALL = dict(n_districts=2, n_national_orgs=4, n_district_orgs=2, n_pilot_communities=10, n_outside_communities=10)


def small(**overrides) -> model.LearningAlliance:
    return model.build_model({**SMALL, **overrides}, seed=5)


def fresh(m) -> model.LearningAlliance:
    """Forget this month's cached counts after changing the state by hand."""
    m._tally = None
    return m


def blank(m) -> model.LearningAlliance:
    """Nobody has heard of MUS and nobody is a member (outside communities stay outside)."""
    m.stage[:] = Stage.UNAWARE
    inside = np.flatnonzero(m.membership != Membership.OUTSIDE)
    m.set_membership(inside, Membership.NOT_INVITED)
    return fresh(m)


def pilot_communities(m) -> np.ndarray:
    return np.flatnonzero(m.is_community & (m.platform >= 0))


def outside_communities(m) -> np.ndarray:
    return np.flatnonzero(m.is_community & (m.membership == Membership.OUTSIDE))


def orgs(m) -> np.ndarray:
    return np.flatnonzero(~m.is_community & (m.kind != m.kind_names.index("project_office")))


# --- uptake and adoption --------------------------------------------------------------------------------
def test_small_model_has_the_communities_the_tests_count_on():
    m = small()
    assert len(pilot_communities(m)) == 10 and len(outside_communities(m)) == 10 and len(orgs(m)) == 8


def test_uptake_counts_implementing_and_confirmed_communities_not_decided_ones():
    m = blank(small())
    pilot, outside = pilot_communities(m), outside_communities(m)
    m.stage[pilot[:3]] = Stage.IMPLEMENTATION
    m.stage[pilot[3:5]] = Stage.CONFIRMATION
    m.stage[pilot[5:9]] = Stage.DECISION        # decided, not yet implementing
    m.stage[outside[:1]] = Stage.IMPLEMENTATION
    m.stage[outside[1:3]] = Stage.DECISION
    m.stage[orgs(m)] = Stage.CONFIRMATION       # organisations are not communities: they never count
    fresh(m)
    assert R.uptake(m) == pytest.approx(6 / 20)          # 3 + 2 + 1 implementing or confirmed of 20
    assert R.adopted(m) == pytest.approx(12 / 20)        # + 4 + 2 decided
    assert R.uptake_pilot(m) == pytest.approx(5 / 10)
    assert R.uptake_outside(m) == pytest.approx(1 / 10)


def test_uptake_is_zero_with_nobody_using_and_one_with_everybody():
    m = blank(small())
    assert R.uptake(m) == 0 and R.adopted(m) == 0
    m.stage[m.is_community] = Stage.CONFIRMATION
    fresh(m)
    assert R.uptake(m) == 1 and R.adopted(m) == 1 and R.uptake_pilot(m) == 1 and R.uptake_outside(m) == 1


def test_uptake_outside_is_undefined_without_outside_communities():
    m = blank(small(n_outside_communities=0))
    m.stage[pilot_communities(m)[:2]] = Stage.IMPLEMENTATION
    fresh(m)
    assert math.isnan(R.uptake_outside(m))
    assert R.uptake(m) == pytest.approx(2 / 10)


# --- equity ---------------------------------------------------------------------------------------------
def test_equity_gap_is_marginalised_uptake_minus_the_others_uptake():
    m = blank(small(share_marginalised=0.4))
    comm = np.flatnonzero(m.is_community)
    marg, others = comm[m.marginalised[comm]], comm[~m.marginalised[comm]]
    assert 2 <= len(marg) and 3 <= len(others) and len(marg) != len(others)  # the seed gives both groups
    m.stage[marg[:1]] = Stage.IMPLEMENTATION
    m.stage[others[:3]] = Stage.CONFIRMATION
    m.stage[marg[1:2]] = Stage.DECISION  # decided only: not uptake
    fresh(m)
    assert R.uptake_marginalised(m) == pytest.approx(1 / len(marg))
    assert R.equity_gap(m) == pytest.approx(1 / len(marg) - 3 / len(others))
    # a reversed gap shows as positive, and the extremes are -1 and +1
    m.stage[comm] = Stage.UNAWARE
    m.stage[marg] = Stage.IMPLEMENTATION
    assert R.equity_gap(fresh(m)) == 1
    m.stage[comm] = Stage.IMPLEMENTATION
    m.stage[marg] = Stage.UNAWARE
    assert R.equity_gap(fresh(m)) == -1
    assert R.uptake_marginalised(m) == 0
    m.stage[comm] = Stage.IMPLEMENTATION
    assert R.equity_gap(fresh(m)) == 0


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_equity_gap_is_undefined_when_a_group_is_empty(share):
    m = blank(small(share_marginalised=share))
    m.stage[np.flatnonzero(m.is_community)[:4]] = Stage.IMPLEMENTATION
    fresh(m)
    assert R.uptake(m) == pytest.approx(4 / 20)
    assert math.isnan(R.equity_gap(m))
    if share == 0.0:
        assert math.isnan(R.uptake_marginalised(m)) and math.isnan(R.agenda_fit_marginalised(m))
    else:
        assert R.uptake_marginalised(m) == pytest.approx(4 / 20)


def test_agenda_fit_marginalised_is_the_mean_fit_of_marginalised_communities():
    m = small(share_marginalised=0.4)
    marg = np.flatnonzero(m.marginalised)
    m.fit[:] = 1.0
    m.fit[marg] = np.linspace(0.0, 0.5, len(marg))
    assert R.agenda_fit_marginalised(m) == pytest.approx(0.25)


# --- organisations --------------------------------------------------------------------------------------
def test_policy_adoption_is_power_weighted_over_organisations():
    m = blank(small())
    o = orgs(m)
    by_power = o[np.argsort(-m.power[o])]
    strongest, weakest = by_power[0], by_power[1]  # the two most powerful (weakest: of the two)
    m.stage[[strongest, weakest]] = Stage.IMPLEMENTATION
    m.stage[m.is_community] = Stage.CONFIRMATION             # communities are not organisations
    m.stage[m.kind == m.kind_names.index("project_office")] = Stage.CONFIRMATION
    fresh(m)
    expected = (m.power[strongest] + m.power[weakest]) / m.power[o].sum()
    assert abs(expected - 2 / len(o)) > 0.02  # power weighting matters in this state
    assert R.policy_adoption(m) == pytest.approx(expected)
    m.stage[weakest] = Stage.DECISION                         # decided only: not yet in its mandate
    assert R.policy_adoption(fresh(m)) == pytest.approx(m.power[strongest] / m.power[o].sum())


@pytest.mark.parametrize("mediation, support, inside", [
    (0.0, 1.0, 0.25),      # no mediation: inside_obstruction
    (1.0, 1.0, 0.125),     # full mediation halves what is left inside
    (1.0, 0.0, 0.25),      # nothing paid for: no mediator
    (0.6, 0.5, 0.2125),    # interior: 0.25 x (1 - 0.6 x 0.5 / 2)
])
def test_opposition_weights_blockers_by_power_and_discounts_those_inside(mediation, support, inside):
    m = blank(small(inside_obstruction=0.25, mediation=mediation))
    m.support = support
    o = orgs(m)
    m.view[:] = 0.5
    outside_blocker, inside_blocker = o[0], o[1]
    m.view[[outside_blocker, inside_blocker]] = 0.1
    m.set_membership([inside_blocker, o[2]], Membership.MEMBER)
    weight = m.power[o].copy()
    weight[[1, 2]] *= inside
    expected = (m.power[outside_blocker] + inside * m.power[inside_blocker]) / weight.sum()
    assert R.opposition(m) == pytest.approx(expected)
    m.view[o] = 0.9
    assert R.opposition(m) == 0


def test_equity_gap_in_the_pilot_districts_compares_their_marginalised_communities_with_their_others():
    m = blank(small())
    pilot, outside = pilot_communities(m), outside_communities(m)
    marg, other = pilot[m.marginalised[pilot]], pilot[~m.marginalised[pilot]]
    assert len(marg) and len(other)
    m.stage[marg[:1]] = Stage.IMPLEMENTATION
    m.stage[other] = Stage.IMPLEMENTATION
    m.stage[outside] = Stage.CONFIRMATION  # outside communities do not count here
    fresh(m)
    assert R.equity_gap_pilot(m) == pytest.approx(1 / len(marg) - 1.0)
    m.marginalised[pilot] = False  # no marginalised community in the pilot districts: undefined
    m.report_group = np.where(m.is_community, 1 + 2 * (m.membership == Membership.OUTSIDE) + m.marginalised, 0)
    assert np.isnan(R.equity_gap_pilot(fresh(m)))


# --- members --------------------------------------------------------------------------------------------
def test_members_by_level_add_up_to_members():
    m = blank(small())
    national = np.flatnonzero(m.level == Level.NATIONAL)[:3]
    district = np.flatnonzero(m.level == Level.DISTRICT)[:2]
    community = pilot_communities(m)[:4]
    m.set_membership(np.r_[national, district, community], Membership.MEMBER)
    m.set_membership(pilot_communities(m)[4:6], Membership.DROPPED)  # left: not members
    fresh(m)
    assert (R.members_national(m), R.members_district(m), R.members_community(m)) == (3, 2, 4)
    assert R.members(m) == 9


def test_share_marginalised_counts_marginalised_members_and_is_undefined_without_members():
    m = blank(small(share_marginalised=0.4))
    assert math.isnan(R.share_marginalised(m)) and R.members(m) == 0
    comm = pilot_communities(m)
    marg, others = comm[m.marginalised[comm]], comm[~m.marginalised[comm]]
    m.set_membership(np.r_[marg[:1], others[:3], orgs(m)[:1]], Membership.MEMBER)
    assert R.share_marginalised(fresh(m)) == pytest.approx(1 / 5)


# --- trust, vision, joint action, attendance ------------------------------------------------------------
def live_pairs(m) -> np.ndarray:
    """Ties whose two ends sit on a common platform."""
    return np.flatnonzero(m.edge_platform >= 0)


def ties_among(m, who) -> list[int]:
    """Ties with both ends in ``who`` and a platform both ends sit on, counted one by one."""
    who = set(int(i) for i in who)
    return [e for e in range(len(m.src)) if m.src[e] in who and m.dst[e] in who and m.edge_platform[e] >= 0]


def test_mean_trust_is_over_ties_between_members_sharing_a_platform():
    m = blank(small())
    ties = live_pairs(m)
    t1 = ties[0]
    t2 = next(e for e in ties[1:] if {m.src[e], m.dst[e]}.isdisjoint({m.src[t1], m.dst[t1]}))
    ends = [m.src[t1], m.dst[t1], m.src[t2], m.dst[t2]]
    m.trust[:] = 0.9  # ties with a non-member end: must not count
    counted = ties_among(m, ends)
    m.trust[counted] = 0.4
    m.trust[[t1, t2]] = (0.2, 0.6)
    m.set_membership(ends, Membership.MEMBER)
    assert R.mean_trust(m) == pytest.approx(np.mean(m.trust[counted]))
    assert R.mean_trust(m) < 0.9
    # once an end leaves, its ties stop counting
    m.set_membership([m.dst[t2]], Membership.DROPPED)
    remaining = ties_among(m, ends[:3])
    assert t2 not in remaining
    assert R.mean_trust(m) == pytest.approx(np.mean(m.trust[remaining]))


def test_mean_trust_ignores_ties_between_members_on_no_common_platform():
    m = blank(small())
    cross = np.flatnonzero(m.edge_platform < 0)
    assert len(cross)
    e = cross[0]
    m.set_membership([m.src[e], m.dst[e]], Membership.MEMBER)
    assert not ties_among(m, [m.src[e], m.dst[e]])
    assert math.isnan(R.mean_trust(m))


def test_mean_trust_is_undefined_without_a_live_tie():
    m = blank(small())
    assert math.isnan(R.mean_trust(m))
    e = live_pairs(m)[0]
    m.set_membership([m.src[e]], Membership.MEMBER)  # one end only
    assert math.isnan(R.mean_trust(m))
    m.set_membership([m.dst[e]], Membership.MEMBER)
    m.trust[e] = 0.37
    assert R.mean_trust(m) == pytest.approx(m.trust[m.live_ties].mean())


def test_view_spread_is_the_standard_deviation_of_members_views():
    m = blank(small())
    who = orgs(m)[:4]
    m.view[:] = 0.0  # non-members: must not count
    m.view[who] = (0.2, 0.4, 0.6, 0.8)
    m.set_membership(who, Membership.MEMBER)
    assert R.view_spread(m) == pytest.approx(np.sqrt(0.05))
    m.view[who] = 0.7
    assert R.view_spread(m) == pytest.approx(0.0)


def test_joint_action_averages_platforms_with_members_and_is_undefined_without():
    m = blank(small())
    assert math.isnan(R.joint_action(m))
    m.joint_action[:] = 0.9
    a, b = (int(np.flatnonzero(m.platform == k)[0]) for k in (0, 3))  # national and a community platform
    m.joint_action[[0, 3]] = (0.2, 0.6)
    m.set_membership([a, b], Membership.MEMBER)
    assert R.joint_action(m) == pytest.approx(0.4)


def test_attendance_is_undefined_before_any_meeting_and_averages_platforms_of_a_level():
    m = small()
    assert math.isnan(R.attendance_national(m)) and math.isnan(R.attendance_community(m))
    community = np.flatnonzero(m.platform_level == Level.COMMUNITY)
    assert len(community) == 2
    m.attendance[community] = (0.5, np.nan)  # the second has not met yet: not counted
    m.attendance[m.platform_level == Level.DISTRICT] = 0.9  # another level: not counted
    m.attendance[0] = 0.25
    assert R.attendance_national(m) == 0.25
    assert R.attendance_community(m) == pytest.approx(0.5)


def test_awareness_is_the_mean_over_all_stakeholders():
    m = small()
    m.awareness[:] = 0.0
    m.awareness[: m.n // 2] = 1.0
    assert R.awareness(m) == pytest.approx((m.n // 2) / m.n)


def test_recorder_stores_each_reporter_value_once_per_month():
    m = small()
    m.run_for(2)
    frame = m.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == list(SERIES_NAMES) and len(frame) == 3
    last = frame.iloc[-1]
    fresh(m)
    for name, report in R.MODEL_REPORTERS.items():
        value = report(m)
        assert (value == last[name]) or (value != value and last[name] != last[name]), name


# --- the per-run summary -----------------------------------------------------------------------------------
def timeseries(months: int = 36, **overrides) -> pd.DataFrame:
    return model.run_model({**SMALL, **overrides}, seed=2, steps=months).timeseries


def test_summary_censors_milestones_never_reached():
    ts = timeseries().assign(uptake=0.1)
    s = summarise(ts, exit_month=12)
    assert math.isnan(s["months_to_25"]) and s["reached_25"] == 0
    assert math.isnan(s["months_to_50"]) and s["reached_50"] == 0


def test_summary_gives_the_first_month_a_milestone_is_reached():
    ts = timeseries()
    ts["uptake"] = np.r_[np.arange(13) / 20, np.full(len(ts) - 13, 0.3)]  # 0.05 a month, then falls back
    s = summarise(ts, exit_month=12)
    assert s["months_to_25"] == 5 and s["reached_25"] == 1   # 0.25 exactly in month 5 counts
    assert s["months_to_50"] == 10 and s["reached_50"] == 1  # first reached, even if uptake falls later


def test_summary_uptake_after_exit_is_undefined_when_the_project_never_leaves():
    ts = timeseries(36)
    ts["uptake"] = np.linspace(0.0, 0.36, 37)
    stays = summarise(ts, exit_month=36)
    assert math.isnan(stays["uptake_after_exit"]) and stays["uptake_at_exit"] == pytest.approx(0.36)
    assert math.isnan(summarise(ts, exit_month=1200)["uptake_after_exit"])
    leaves = summarise(ts, exit_month=24)
    assert leaves["uptake_at_exit"] == pytest.approx(0.24) and leaves["uptake_after_exit"] == pytest.approx(0.12)


def test_summary_ratios_are_undefined_without_a_denominator():
    ts = timeseries(12, meetings_per_year=0)
    s = summarise(ts, exit_month=54)
    assert ts["meetings"].iloc[-1] == 0 and math.isnan(s["conflicts_per_meeting"])
    assert math.isnan(s["members_lost_years_1_2"])  # shorter than 24 months
    assert math.isnan(s["meetings_second_year_after_exit"])
    ts["member_months"] = 0.0
    assert math.isnan(summarise(ts, exit_month=54)["dropouts_per_member_year"])


def test_summary_finals_and_totals_are_the_last_month():
    ts = timeseries(24)
    s = summarise(ts, exit_month=12)
    last = ts.iloc[-1]
    assert s["uptake_final"] == last["uptake"] and s["pilots_run"] == last["pilots_run"]
    assert s["members_peak"] == ts["members"].max() and s["cost_total"] == last["cost"]
    assert s["members_lost_years_1_2"] == pytest.approx(
        ts["dropouts"].iloc[24] / ts["joins"].iloc[24] if ts["joins"].iloc[24] else float("nan"), nan_ok=True)


def test_a_runs_summary_is_the_summary_of_its_timeseries_table():
    # the run summarises its monthly arrays; a user summarising the table it hands out gets the same numbers
    run = model.run_model({**SMALL}, seed=3, steps=30)
    again = summarise(run.timeseries, run.params["project_exit_month"])
    assert list(again) == list(run.summary)
    assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(again.values(), run.summary.values()))
    assert list(run.timeseries.columns) == ["step", *model.OUTPUTS] and len(run.timeseries) == 31
