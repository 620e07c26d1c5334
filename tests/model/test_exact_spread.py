"""model/spread.py's rules pinned to their documented formulas (docs/ODD.md 7.9; issue 20, part 2): the value
of each rule on a hand-set state at both ends of each input's range and at an interior point other than the
default, and which platform, tie, district or counter it reads."""

from __future__ import annotations

import numpy as np
import pytest

from model.states import Membership

from .scripted import Scripted, seat_everyone, small


# --- evidence_level: E / (E + evidence_scale x pilot-district communities) -----------------------------------
@pytest.mark.parametrize("scale", [0.001, 0.25, 1.0])  # the registry's low end, an interior point, the high end
@pytest.mark.parametrize("evidence", [0, 3])
def test_evidence_level_is_successes_over_successes_plus_scale_times_pilot_communities(scale, evidence):
    m = small(evidence_scale=scale)
    m.counts["evidence"] = evidence
    expected = evidence / (evidence + scale * 16)  # 16 pilot-district communities (not all 32 communities)
    assert m.evidence_level() == pytest.approx(expected, rel=1e-12)


# --- disseminate: events, audiences, awareness and push ------------------------------------------------------
def disseminating(coin: float, district: int, reach_draw, events: int = 1, **overrides):
    """A model with some members, known awareness and push, and a scripted generator for one event."""
    m = small(**overrides)
    r = np.random.default_rng(11)
    m.awareness[:] = r.uniform(0, 1, m.n)
    m.push[:] = r.uniform(0, 0.2, m.n)
    m.counts["evidence"] = 2
    member = np.flatnonzero(m.is_community & (m.district == district) & (m.platform >= 0))[:3]
    m.set_membership(np.r_[member, [0, 4]], Membership.MEMBER)  # a national and a district organisation too
    m.share_between_levels = lambda: None  # the sharing inside the alliance has its own tests below
    m.rng = Scripted(random=[coin, reach_draw], poisson=events, integers=district)
    return m


@pytest.mark.parametrize("per_year, support", [(0.0, 1.0), (52.0, 0.4), (7.0, 1.0)])
def test_events_a_month_are_poisson_of_events_per_year_over_12_times_support(per_year, support):
    m = disseminating(0.2, 0, 0.0, events=0, dissemination_events_per_year=per_year, push_memory=0.3)
    m.support = support
    push, awareness = m.push.copy(), m.awareness.copy()
    m.disseminate()
    assert m.rng.calls[0] == ("poisson", pytest.approx(per_year / 12 * support))
    # no event: the push only fades by push_memory, awareness is untouched, no event counted
    np.testing.assert_allclose(m.push, 0.3 * push)
    np.testing.assert_array_equal(m.awareness, awareness)
    assert m.counts["dissemination_events"] == 0


@pytest.mark.parametrize("reach", [0.0, 0.35, 1.0])
def test_a_horizontal_event_reaches_non_member_communities_of_the_drawn_district(reach):
    # coin 0.49 < 0.5: a horizontal event, to district 1 (the scripted draw); each non-member community of that
    # district is reached when its draw is < horizontal_reach: draws 0.0, 0.1, ..., so the reach decides who
    draws = (np.arange(43) % 10) / 10
    m = disseminating(0.49, 1, draws, horizontal_reach=reach, policy_reach=1.0, event_awareness=0.6,
                      event_push=0.15, push_memory=0.5, evidence_scale=0.1)
    audience = m.is_community & (m.district == 1) & ~m.members
    if reach < 1:  # (a generator's draws are < 1)
        draws[np.flatnonzero(audience)[:2]] = reach  # a draw equal to the reach does not reach
    m.rng.queue[1] = draws
    push0, aw0 = m.push.copy(), m.awareness.copy()
    m.disseminate()
    assert ("integers", 2) in m.rng.calls  # a district among the n_districts
    reached = audience & (draws < reach)
    assert reached.sum() == {0.0: 0, 1.0: audience.sum()}.get(reach, reached.sum())
    assert reach != 0.35 or 0 < reached.sum() < audience.sum()  # an interior reach reaches some, not all
    evidence = 2 / (2 + 0.1 * 16)
    np.testing.assert_allclose(m.awareness[reached], aw0[reached] + 0.6 * (1 - aw0[reached]))
    np.testing.assert_array_equal(m.awareness[~reached], aw0[~reached])  # members, other district, organisations
    np.testing.assert_allclose(m.push[reached], np.maximum(0.5 * push0[reached], 0.15 * (0.2 + 0.8 * evidence)))
    np.testing.assert_allclose(m.push[~reached], 0.5 * push0[~reached])
    assert m.counts["dissemination_events"] == 1
    assert m.events.records[-1]["kind"] == "dissemination"


@pytest.mark.parametrize("reach", [0.0, 0.35, 1.0])
def test_a_policy_event_reaches_non_member_organisations(reach):
    # coin 0.5 (not < 0.5): a policy event; audience: organisations (not communities, not the project office)
    # that are not members, each reached when its draw is < policy_reach
    draws = (np.arange(43) % 10) / 10
    m = disseminating(0.5, 0, draws, horizontal_reach=1.0, policy_reach=reach, event_awareness=1.0, event_push=1.0,
                      push_memory=0.0)
    aw0 = m.awareness.copy()
    m.disseminate()
    assert not any(c[0] == "integers" for c in m.rng.calls)  # no district drawn for a policy event
    reached = m.org & ~m.members & (draws < reach)
    assert reached.any() == (reach > 0)
    np.testing.assert_allclose(m.awareness[reached], 1.0)  # event_awareness 1 closes the whole gap
    np.testing.assert_array_equal(m.awareness[~reached], aw0[~reached])
    evidence = 2 / (2 + 0.08 * 16)
    np.testing.assert_allclose(m.push[reached], 0.2 + 0.8 * evidence)  # push_memory 0: only the event's push
    np.testing.assert_array_equal(m.push[~reached], 0.0)


def test_a_stronger_push_left_from_earlier_events_is_kept_not_stacked():
    draws = np.zeros(43)  # everyone in the audience reached
    m = disseminating(0.1, 0, draws, event_push=0.1, push_memory=0.8, horizontal_reach=1.0)
    m.counts["evidence"] = 0  # push of the event: 0.1 x 0.2 = 0.02
    m.push[:] = 0.0
    strong = np.flatnonzero(m.is_community & (m.district == 0) & ~m.members)[:2]
    m.push[strong] = 0.5  # fades to 0.4 > 0.02
    m.disseminate()
    assert m.push[strong] == pytest.approx([0.4, 0.4])
    others = m.is_community & (m.district == 0) & ~m.members
    others[strong] = False
    np.testing.assert_allclose(m.push[others], 0.02)


# --- share_between_levels --------------------------------------------------------------------------------
BRIDGES = (12, 22, 24)  # community members on platform 3 (district 0's community platform) with a seat on platform 1
OUTSIDER = 14  # a community of platform 3 that is not a member: hearsay does not reach it


def sharing(n_carriers: int, vertical: float, first_on_bridge: bool = False):
    m = seat_everyone(small(vertical_sharing=vertical, mediation=0.3, blocker_entrenchment=0.8))
    assert all(m.platform[i] == 3 and m.bridge_platform[i] == 1 for i in BRIDGES)
    m.set_membership([OUTSIDER, 5], Membership.DROPPED)  # a community on platform 3 and an office on 1 have left
    r = np.random.default_rng(3)
    m.awareness[:] = r.uniform(0, 1, m.n)
    m.view[:] = r.uniform(0, 1, m.n)
    m.entrenchment[:] = r.uniform(0, 1, m.n)  # openness differs from one member to the next
    m.attend[:] = m.attend_bridge[:] = False
    for k, i in enumerate(BRIDGES[:n_carriers]):
        if k == 0 and first_on_bridge:
            m.attend_bridge[i] = True  # came to the meeting at its second seat only
        else:
            m.attend[i] = True  # came to its own platform's meeting (and has a second seat)
    return m


def platform_means(m, x):
    return {k: x[m.members & (m.platform == k)].mean() for k in range(m.n_platforms)}


@pytest.mark.parametrize("n_carriers, vertical, first_on_bridge", [
    (1, 0.4, False),   # one bridge: links 1, moves 0.4 x min(1, 1/2)
    (2, 0.4, True),    # two bridges (one came at its second seat): links 2, moves 0.4 x 1
    (3, 1.0, False),   # three: still capped at min(1, 3/2) = 1; vertical_sharing at its high end
    (2, 0.0, False),   # vertical_sharing at its low end: nothing moves
])
def test_bridge_members_carry_awareness_up_and_views_between_the_linked_platforms(n_carriers, vertical, first_on_bridge):
    m = sharing(n_carriers, vertical, first_on_bridge)
    aw0, view0, openness = m.awareness.copy(), m.view.copy(), m.openness()
    mean_aw, mean_view = platform_means(m, aw0), platform_means(m, view0)
    m.share_between_levels()
    strength = vertical * min(1.0, n_carriers / 2)
    for k, other in ((3, 1), (1, 3)):  # the two linked platforms read each other's mean
        on = m.members & (m.platform == k)
        np.testing.assert_allclose(m.awareness[on], aw0[on] + strength * np.maximum(mean_aw[other] - aw0[on], 0.0))
        np.testing.assert_allclose(m.view[on], view0[on] + strength * (mean_view[other] - view0[on]) * openness[on])
    assert not m.members[OUTSIDER] and m.platform[OUTSIDER] == 3
    # the national platform, district 1's platforms, outside communities, and those who left
    unlinked = ~np.isin(m.platform, (1, 3)) | ~m.members
    np.testing.assert_array_equal(m.awareness[unlinked], aw0[unlinked])
    np.testing.assert_array_equal(m.view[unlinked], view0[unlinked])


def test_only_members_with_a_second_seat_carry_between_levels():
    m = sharing(0, 1.0)
    assert not m.has_second_seat[4]
    m.attend[4] = True  # present at its own platform's meeting, but with no seat one level up
    aw0 = m.awareness.copy()
    m.share_between_levels()
    np.testing.assert_array_equal(m.awareness, aw0)


# --- reach_through_intermediaries ------------------------------------------------------------------------
def reach_by_hand(m) -> np.ndarray:
    """The ODD's rule, written out tie by tie: a community's reach is the largest trust x pull over its ties,
    pull = commitment x joint action of the agent's own platform for a member of an intermediary kind with a
    view >= 0.5, else 0."""
    agent = m.members & m.intermediary_kind & (m.view >= 0.5)
    pull = [m.commitment[j] * m.joint_action[m.platform[j]] if agent[j] else 0.0 for j in range(m.n)]
    reach = np.zeros(m.n)
    for e, (a, b) in enumerate(zip(m.src, m.dst)):
        for listener, other in ((a, b), (b, a)):
            if m.is_community[listener]:
                reach[listener] = max(reach[listener], m.trust[e] * pull[other])
    return reach


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reach_is_the_strongest_trust_times_pull_over_a_communitys_ties(seed):
    m = small(meeting_awareness=0.45)
    r = np.random.default_rng(seed)
    inside = np.flatnonzero(m.membership != Membership.OUTSIDE)
    m.set_membership(inside[r.random(len(inside)) < 0.7], Membership.MEMBER)
    m.trust[:] = r.uniform(0, 1, len(m.trust))
    m.commitment[:] = r.uniform(0, 1, m.n)
    m.view[:] = r.choice([0.2, 0.4999, 0.5, 0.9], m.n)  # 0.5 is favourable, 0.4999 not
    m.joint_action[:] = [0.9, 0.1, 0.6, 0.3, 0.8]  # distinct per platform: the agent's own platform is read
    aw0 = m.awareness.copy()
    expected = reach_by_hand(m)
    assert (expected > 0).sum() >= 5 and (expected[~m.is_community] == 0).all()
    m.reach_through_intermediaries()
    np.testing.assert_allclose(m.reach, expected, rtol=1e-12)
    np.testing.assert_allclose(m.awareness, aw0 + expected * 0.45 * (1 - aw0), rtol=1e-12)


def test_reach_reads_the_agents_platform_and_the_ties_trust():
    m = small()
    c = 10  # a pilot community of district 0 (platform 3), tied to some water committees
    agents = [j for j in range(m.n) if m.intermediary_kind[j] and m.is_community[j] and m.platform[j] == 3
              and np.any(((m.src == c) & (m.dst == j)) | ((m.src == j) & (m.dst == c)))]
    assert agents, "community 10 needs a tie to a water committee on its platform"
    j = agents[0]
    e = int(np.flatnonzero(((m.src == c) & (m.dst == j)) | ((m.src == j) & (m.dst == c)))[0])
    m.trust[:] = 0.0
    m.trust[e] = 0.7
    m.set_membership([j], Membership.MEMBER)
    m.view[j], m.commitment[j] = 0.5, 0.8
    m.joint_action[:] = 0.0
    m.joint_action[3] = 0.5
    m.reach_through_intermediaries()
    assert m.reach[c] == pytest.approx(0.7 * 0.8 * 0.5)
    m.joint_action[3], m.joint_action[4] = 0.0, 1.0  # another platform's joint action does not carry j's message
    m.reach_through_intermediaries()
    assert m.reach[c] == 0.0
