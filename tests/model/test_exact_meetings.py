"""model/meetings.py and model/monitoring.py pinned to their documented formulas (docs/ODD.md 7.3 and 7.8;
issue 20, part 2). A scripted generator (tests/model/scripted.py) fixes each draw, so who plans, who comes,
which meeting takes place and which stall is detected follow from the rule alone; each rule is checked at
both ends of its inputs and at an interior point other than the default."""

from __future__ import annotations

import numpy as np
import pytest

from model.states import Membership

from .scripted import Scripted, seat_everyone, small

P = 5  # platforms of the small country: 0 national, 1-2 district, 3-4 community


def meeting(plan_draws, come_draws, bridge_draws=1.0, support: float = 1.0, **overrides):
    """Everyone seated is a member; known commitment, busyness and awareness; scripted draws for one month."""
    m = seat_everyone(small(**overrides))
    r = np.random.default_rng(8)
    m.commitment[:] = r.uniform(0.2, 1, m.n)
    m.busy[:] = r.uniform(0, 0.5, m.n)
    m.awareness[:] = r.uniform(0, 1, m.n)
    m.support = support
    m.rng = Scripted(random=[plan_draws, np.vstack([np.broadcast_to(come_draws, m.n),
                                                      np.broadcast_to(bridge_draws, m.n)])])
    return m


def chance_to_come(m) -> np.ndarray:
    """commitment x (1 - busy) x min(1, meetings_tolerated / meetings_per_year), marginalised x (1 + empowerment
    x support) / 2."""
    p = m.p
    base = m.commitment * (1 - m.busy) * min(1.0, p["meetings_tolerated"] / p["meetings_per_year"])
    return np.where(m.marginalised, base * (1 + p["empowerment"] * m.support) / 2, base)


@pytest.mark.parametrize("per_year, support, plan_draw, plans", [
    (6.0, 0.5, 0.2499, True),    # chance 6/12 x 0.5 = 0.25: a draw just below plans
    (6.0, 0.5, 0.25, False),     # ... a draw at the chance does not
    (24.0, 1.0, 0.9999, True),   # meetings_per_year at its high end: chance min(1, 2) x 1 = 1
    (0.0, 1.0, 0.0, False),      # low end: no meeting planned even with the smallest draw
    (12.0, 0.0, 0.0, False),     # nothing paid for: nothing planned
])
def test_a_platform_plans_a_meeting_with_chance_meetings_per_year_over_12_times_support(per_year, support,
                                                                                         plan_draw, plans):
    m = meeting(plan_draw, 0.0, support=support, meetings_per_year=per_year, meetings_tolerated=24, quorum=0.0)
    m.commitment[:] = 1.0
    m.busy[:] = 0.0
    m.hold_meetings()
    planned = m.meets | ~np.isnan(m.attendance)
    np.testing.assert_array_equal(planned, np.full(P, plans) & (m.platform_size > 1))
    assert m.rng.calls[0] == ("random", P)


def test_an_extra_meeting_is_planned_whatever_the_draw_and_then_cleared():
    m = meeting(1.0, 0.0, meetings_per_year=4, meetings_tolerated=24, quorum=0.0)
    m.commitment[:] = 1.0
    m.busy[:] = 0.0
    m.extra_meeting[[0, 3]] = True
    m.hold_meetings()
    np.testing.assert_array_equal(m.meets, [True, False, False, True, False])
    assert not m.extra_meeting.any()


def test_a_platform_with_one_member_plans_no_meeting():
    m = meeting(0.0, 0.0, quorum=0.0)
    m.set_membership(np.flatnonzero(m.members & (m.platform == 2))[1:], Membership.DROPPED)
    assert m.platform_size[2] == 1
    m.extra_meeting[:] = True
    missed = m.counts["meetings_missed"]
    m.hold_meetings()
    assert np.isnan(m.attendance[2]) and not m.meets[2]  # nothing planned there: no attendance, no missed meeting
    assert m.counts["meetings_missed"] == missed


@pytest.mark.parametrize("per_year, tolerated, empowerment, support, draws_up_to", [
    (12.0, 4.0, 0.0, 1.0, 0.4),    # fatigue 4/12; no empowerment: marginalised come at half the chance
    (4.0, 24.0, 1.0, 1.0, 1.0),    # no fatigue (min(1, 6)); full empowerment: marginalised as likely as others
    (6.0, 3.0, 0.7, 0.6, 0.4),     # interior: fatigue 1/2, marginalised x (1 + 0.42) / 2
])
def test_who_comes_and_which_meetings_take_place(per_year, tolerated, empowerment, support, draws_up_to):
    # draws spread so that some meetings reach the quorum of 0.4 and some fall through
    come = np.random.default_rng(2).uniform(0, draws_up_to, 43)
    m = meeting(0.0, come, support=support, meetings_per_year=per_year, meetings_tolerated=tolerated,
                empowerment=empowerment, quorum=0.4)
    m.extra_meeting[:] = True  # every platform with two or more members plans
    base = chance_to_come(m)
    seats = m.platform_size.copy()
    missed, held = m.counts["meetings_missed"], m.counts["meetings"]
    m.hold_meetings()
    comes = m.members & m.seated & (come < base)
    present = np.bincount(m.platform[comes], minlength=P)
    np.testing.assert_allclose(m.attendance, present / seats)
    meets = (seats > 1) & (present >= 0.4 * seats) & (present >= 2)
    assert meets.any() and not meets.all()  # the draws make some meetings fall through
    np.testing.assert_array_equal(m.meets, meets)
    assert m.counts["meetings"] - held == meets.sum()
    assert m.counts["meetings_missed"] - missed == ((seats > 1) & ~meets).sum()
    np.testing.assert_array_equal(m.attend, comes & meets[m.home])


@pytest.mark.parametrize("per_year, tolerated, empowerment, support", [
    (12.0, 4.0, 0.0, 1.0), (4.0, 24.0, 1.0, 1.0), (6.0, 3.0, 0.7, 0.6)])
def test_the_chance_to_come_is_commitment_times_availability_times_fatigue(per_year, tolerated, empowerment, support):
    # each member's draw sits just below (comes) or just above (stays away) its chance by the documented rule:
    # any other rule moves some chance across its draw
    m = meeting(0.0, 0.0, support=support, meetings_per_year=per_year, meetings_tolerated=tolerated,
                empowerment=empowerment, quorum=0.0)
    m.extra_meeting[:] = True
    base = chance_to_come(m)
    below = np.arange(m.n) % 3 != 0
    marginalised = np.flatnonzero(m.members & m.marginalised)
    below[marginalised] = np.arange(len(marginalised)) % 2 == 0  # half the marginalised members on each side
    draws = np.where(below, base * (1 - 1e-6), base * (1 + 1e-6) + 1e-9)
    m.rng.queue[1] = np.vstack([draws, np.ones(m.n)])
    m.hold_meetings()
    comes = m.members & below
    assert (comes & m.marginalised).any() and (m.members & m.marginalised & ~below).any()
    assert (comes & ~m.marginalised & (m.busy > 0)).any() and (m.members & ~m.marginalised & ~below).any()
    np.testing.assert_array_equal(m.attend, comes & m.meets[m.home])
    np.testing.assert_allclose(m.attendance, np.bincount(m.platform[comes], minlength=P) / m.platform_size)


@pytest.mark.parametrize("quorum, present, meets", [
    (0.5, 4, True),    # exactly the quorum: the meeting takes place
    (0.5, 3, False),   # one short
    (0.0, 1, False),   # quorum 0, but one member alone is no meeting
    (0.0, 2, True),
    (1.0, 8, True),    # quorum 1: everyone must come
    (1.0, 7, False),
])
def test_a_meeting_needs_the_quorum_and_two_members(quorum, present, meets):
    m = meeting(1.0, 1.0, quorum=quorum)
    on = np.flatnonzero(m.members & (m.platform == 3))
    assert len(on) == 8
    m.commitment[:], m.busy[:] = 1.0, 0.0
    m.marginalised[:] = False
    m.extra_meeting[3] = True
    draws = np.ones(m.n)
    draws[on[:present]] = 0.0  # these come, the rest do not
    m.rng = Scripted(random=[1.0, np.vstack([draws, np.ones(m.n)])])
    m.hold_meetings()
    assert m.meets[3] == meets and m.attendance[3] == present / 8


@pytest.mark.parametrize("guidance, support, awareness_gain", [(0.0, 1.0, 0.0), (1.0, 1.0, 1.0), (0.6, 0.5, 0.3)])
def test_attending_teaches_and_commits_by_guidance(guidance, support, awareness_gain):
    m = meeting(0.0, 0.0, support=support, guidance=guidance, meeting_commitment=0.25, meeting_awareness=awareness_gain,
                quorum=0.0)
    m.extra_meeting[:] = True
    m.busy[:] = 0.0
    m.commitment[:] = 0.5
    m.marginalised[:] = False
    aw0 = m.awareness.copy()
    stay = np.flatnonzero(m.members & (m.platform == 4))[:3]  # three who do not come
    draws = np.zeros(m.n)
    draws[stay] = 1.0
    m.rng = Scripted(random=[0.0, np.vstack([draws, np.ones(m.n)])])
    m.hold_meetings()
    came = m.attend
    assert came.sum() > 10 and not came[stay].any()
    useful = 0.25 * (0.5 + 0.5 * guidance * support)
    np.testing.assert_allclose(m.commitment[came], 0.5 + useful * 0.5)
    np.testing.assert_allclose(m.awareness[came], aw0[came] + awareness_gain * (1 - aw0[came]))
    np.testing.assert_array_equal(m.commitment[~came], 0.5)
    np.testing.assert_array_equal(m.awareness[~came], aw0[~came])


def test_a_bridge_member_attends_its_second_seat_by_its_own_draw():
    # platform 1 (district 0) meets; platform 3 (its own) does not: a bridge member of 3 sits at 1's meeting
    m = meeting(1.0, 0.0, bridge_draws=0.0, quorum=0.0)
    m.commitment[:], m.busy[:] = 1.0, 0.0
    m.extra_meeting[1] = True
    m.hold_meetings()
    bridges = m.members & (m.bridge_platform == 1)
    assert bridges.sum() >= 2 and m.meets[1] and not m.meets[3]
    np.testing.assert_array_equal(m.attend_bridge, m.members & m.has_second_seat & m.meets[m.second_home])
    assert m.attend_bridge[bridges].all() and not m.attend[bridges].any()
    np.testing.assert_array_equal(np.sort(m.seat_who[m.seat_platform == 1]),
                                  np.flatnonzero((m.attend & (m.platform == 1)) | (m.attend_bridge & (m.bridge_platform == 1))))
    m2 = meeting(1.0, 0.0, bridge_draws=1.0, quorum=0.0)  # the bridge draw above the chance: no second seat taken
    m2.commitment[:], m2.busy[:] = 1.0, 0.0
    m2.extra_meeting[1] = True
    m2.hold_meetings()
    assert not m2.attend_bridge.any()


# --- monitoring --------------------------------------------------------------------------------------------
def monitored(draws, monitoring: float = 0.5, support: float = 1.0, month: int = 10, **overrides):
    m = seat_everyone(small(monitoring=monitoring, **overrides))
    m.steps = month
    m.support = support
    m.rng = Scripted(random=[draws])
    m.reinvited = []
    m.reinvite_dropped = lambda platforms: m.reinvited.append(platforms.copy())
    return m


@pytest.mark.parametrize("monitoring, support, draw, detected", [
    (0.5, 0.8, 0.3999, True),    # chance 0.5 x 0.8 = 0.4
    (0.5, 0.8, 0.4, False),
    (0.0, 1.0, 0.0, False),      # no monitoring: never detected
    (1.0, 1.0, 0.9999, True),    # full monitoring, fully paid for: always
])
def test_a_stall_is_detected_with_chance_monitoring_times_support(monitoring, support, draw, detected):
    m = monitored(draw, monitoring, support, stall_attendance=0.4)
    m.attendance[:] = [0.39, 0.4, np.nan, 0.9, 0.1]  # thin: 0 and 4 (0.4 is not under 0.4; NaN: no meeting yet)
    before = m.attendance.copy()
    m.monitor_process()
    expected = np.array([True, False, False, False, True]) & detected
    np.testing.assert_array_equal(m.extra_meeting, expected)
    assert np.isnan(m.attendance[expected]).all()
    np.testing.assert_array_equal(m.attendance[~expected], before[~expected])
    if detected:
        np.testing.assert_array_equal(m.reinvited[0], expected)
        assert [r["kind"] for r in m.events.records[-2:]] == ["monitoring", "monitoring"]
        assert "falling attendance (39%)" in m.events.records[-2]["text"] and m.platform_names[0] in m.events.records[-2]["text"]
    else:
        assert m.reinvited == []


@pytest.mark.parametrize("stall_months, since, stale", [(3, 6, True), (3, 7, False), (1, 8, True), (1, 9, False)])
def test_a_conflict_is_a_stall_once_open_longer_than_conflict_stall_months(stall_months, since, stale):
    m = monitored(0.0, 1.0, conflict_stall_months=stall_months, month=10)
    m.attendance[:] = 1.0
    m.open_conflicts[2], m.conflict_since[2] = 1, since
    m.open_conflicts[4], m.conflict_since[4] = 0, 0  # an old, resolved conflict is no stall
    m.monitor_process()
    np.testing.assert_array_equal(m.extra_meeting, [False, False, stale, False, False])
    if stale:
        assert "unresolved conflict" in m.events.records[-1]["text"]


def test_a_platform_with_an_extra_meeting_already_called_is_not_flagged_again():
    m = monitored(0.0, 1.0)
    m.attendance[:] = 0.0
    m.extra_meeting[1] = True
    m.monitor_process()
    assert m.extra_meeting.all() and len(m.reinvited) == 1 and not m.reinvited[0][1]
    assert m.attendance[1] == 0.0
