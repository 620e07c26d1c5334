"""The compiled loops of meetings, agendas, dialogue, roles, trust and joint action (model/kernels.py, section
"vision") against the rules as they were written with NumPy arrays, copied here as the oracles: the same numbers
to the bit, on batches of alliances of different parameters and mobilisation orders in mid-run states, and at the
rules' boundaries (a parameter at 0 and 1, no seats, one seat, a stakeholder seated twice in one round)."""

from __future__ import annotations

import numpy as np
import pytest

from model import kernels, rules
from model.alliance import Alliances
from model.states import LEVEL
from tests.model import arrays

SIZES = dict(n_districts=3, n_national_orgs=6, n_district_orgs=3, n_pilot_communities=30, n_outside_communities=40)
ORDERS = ["core_group", "top_down", "bottom_up", "champions_first", "blockers_early"]
USES = 4


def alliances(months: int, seed: int) -> Alliances:
    """Five alliances of different parameters and mobilisation orders, ``months`` in."""
    g = np.random.default_rng(seed)
    parts = [Alliances({**SIZES, "mobilisation_order": o, **{k: float(g.random()) for k in (
        "mediation", "empowerment", "power_distortion", "guidance", "transparency", "mutual_trust", "trust_gain",
        "agreement_rate", "agenda_plasticity", "vision_confidence", "facilitation_widening", "quorum")},
        "convergence_rate": 0.5 * float(g.random()), "dialogue_rounds": int(g.integers(1, 5))},
        np.random.default_rng(100 * seed + k)) for k, o in enumerate(ORDERS)]
    a = Alliances.together(parts)
    for _ in range(months):
        a.step()
    a.support = g.random(a.replicates)  # support short of full somewhere
    return a


@pytest.fixture(scope="module", params=[(12, 21), (30, 22), (60, 23)], ids=["12 months", "30 months", "60 months"])
def batch(request) -> Alliances:
    return alliances(*request.param)


@pytest.fixture(scope="module")
def alone() -> Alliances:
    """One alliance (a batch of one), 24 months in."""
    a = Alliances({**SIZES, "mobilisation_order": "bottom_up"}, np.random.default_rng(5))
    for _ in range(24):
        a.step()
    return a


def both(batch, alone):
    return (batch, alone)


# --- the array forms (the mechanisms as they were written before the loops) --------------------------------------
def voice_with_arrays(a, power_distortion, empowerment):
    return a.power ** (2 * power_distortion * (1 - empowerment * a.support))[a.rep_s]


def openness_with_arrays(a, mediation):
    return 1 - a.entrenchment * (1 - mediation * a.support)[a.rep_s]


def meetings_with_arrays(a, q, u_platforms, u, extra_meeting, awareness, commitment):
    """model/meetings.py: Meetings.hold_meetings (no played decisions), on copies of its state."""
    rs, P, members, seats = a.rep_s, a.n_platforms, a.members, a.platform_size
    chance = np.minimum(1.0, q["meetings_per_year"] / 12) * a.support
    planned = (seats > 1) & ((u_platforms < chance[a.rep_p]) | extra_meeting)
    extra_meeting[:] = False
    fatigue = np.minimum(1.0, q["meetings_tolerated"] / np.maximum(q["meetings_per_year"], 1e-9))
    come, could, coming = kernels.come_to_meetings(u[0], commitment, a.busy, fatigue, a.marginalised,
                                                   q["empowerment"] * a.support, rs, members, a.seated, planned, a.home)
    present = np.bincount(a.platform[come], minlength=P)
    attendance = np.where(planned, present / np.maximum(seats, 1), a.attendance)
    meets = planned & (present >= q["quorum"][a.rep_p] * seats) & (present >= 2)
    held, missed = a.total(a.rep_p[meets]), a.total(a.rep_p[planned & ~meets])
    useful = q["meeting_commitment"] * (0.5 + 0.5 * q["guidance"] * a.support)
    attend, bridge = kernels.learn_at_meetings(awareness, commitment, come, meets, a.home, u[1], coming, members,
                                               a.has_second_seat, a.second_home, q["meeting_awareness"], useful, rs)
    x, y = attend.nonzero()[0], bridge.nonzero()[0]
    who = np.concatenate((x, y))
    where = np.concatenate((a.platform[x], a.bridge_platform[y]))
    by_alliance = np.argsort(rs[who], kind="stable")
    return (planned, come, could, coming, attendance, meets, held, missed, attend, bridge, who[by_alliance],
            where[by_alliance])


def agenda_with_arrays(a, agenda, who, plat, w, plasticity):
    """model/vision.py: Vision.set_agenda, up to the refit of the designs; returns whether each alliance met."""
    P = a.n_platforms
    met_at_all = arrays.any_of(a, a.rep_s[who])
    total = np.bincount(plat, weights=w, minlength=P)
    cells = (plat[:, None] * USES + np.arange(USES)).ravel()
    mix = np.bincount(cells, weights=(a.interests[who] * w[:, None]).ravel(), minlength=P * USES).reshape(P, USES)
    met = total > 0
    mix[met] /= total[met, None]
    first = met & np.isnan(agenda[:, 0])
    agenda[first] = mix[first]
    moving = met & ~first
    settle = 1 - arrays.platform_mean(a, a.role_clarity)[moving]
    agenda[moving] += (plasticity[a.rep_p[moving]] * settle)[:, None] * (mix[moving] - agenda[moving])
    return met_at_all


def dialogue_with_arrays(a, view, who, plat, q, weight, openness):
    """model/vision.py: Vision.converge_views on ``view``; returns the draws it made (from a.rngs' copies)."""
    rs = a.rep_s
    eps = np.minimum(1.0, q["vision_confidence"] + q["facilitation_widening"] * q["mediation"] * a.support)
    seats_of = a.total(rs[who])
    rounds_n = np.where(seats_of >= 2, q["dialogue_rounds"], 0)
    length = seats_of * rounds_n
    start = np.cumsum(seats_of) - seats_of
    block = np.repeat(np.arange(a.replicates), length)
    at = np.arange(len(block)) - (np.cumsum(length) - length)[block]
    rounds, seat = np.divmod(at, seats_of[block])
    seat += start[block]
    u = np.random.default_rng(len(who)).random(int(length.sum()))
    i, j = rules.pair_within_groups(plat[seat] + rounds * a.n_platforms, u)
    seats = who[seat]
    mu = q["convergence_rate"]
    for r in range(int(rounds_n.max(initial=0))):
        now = rounds[i] == r
        x, y = seats[i[now]], seats[j[now]]
        rules.deffuant_update(view, x, y, eps[rs[x]], mu[rs[x]], weight, openness)
    return u, length


def design_for_with_arrays(a, agenda):
    design = np.where(np.isnan(agenda[:, :1]), 1 / USES, agenda)
    unmet = np.isnan(agenda[:, 0])
    for level in (LEVEL.DISTRICT, LEVEL.COMMUNITY):
        fall = unmet & (a.platform_level == level)
        design[fall] = design[a.parent_platform[fall]]
    return design


def trust_with_arrays(a, trust, attend, bridge, q):
    """model/trust.py: Trust.build_trust on ``trust``."""
    e, (sp, sb, dp, db) = a.shared_ties, a.shared_seat.T
    s, d = a.src[e], a.dst[e]
    met = e[((attend[s] & sp) | (bridge[s] & sb)) & ((attend[d] & dp) | (bridge[d] & db))]
    rep, t = a.rep_t[met], trust[met]
    mediated = (q["mediation"] * a.support)[rep]
    rate = np.minimum(1.0, q["trust_gain"][rep] * (0.5 + mediated * (1 - t)) * (0.5 + q["mutual_trust"][rep]))
    trust[met] = rules.reinforce(t, rate, 1.0)
    return met


def params(a, g, **fixed):
    """The alliance's parameters, each drawn anew per alliance unless ``fixed`` (a value for all)."""
    q = {k: v.copy() for k, v in a.q.items() if v.dtype.kind == "f"}
    for k in ("meetings_per_year", "meetings_tolerated", "quorum", "empowerment", "guidance", "meeting_awareness",
              "meeting_commitment", "mediation", "vision_confidence", "facilitation_widening", "convergence_rate",
              "trust_gain", "mutual_trust", "agenda_plasticity", "power_distortion"):
        q[k] = g.random(a.replicates)
    q["meetings_per_year"] *= 24
    q["meetings_tolerated"] = 1 + 23 * q["meetings_tolerated"]
    q["convergence_rate"] *= 0.5
    q["dialogue_rounds"] = g.integers(1, 5, a.replicates)
    for k, v in fixed.items():
        q[k] = np.broadcast_to(v, a.replicates).copy()
    return q


# --- meetings ----------------------------------------------------------------------------------------------------
BOUNDS = [{}, {"quorum": 0.0, "meetings_per_year": 24.0}, {"quorum": 1.0, "meetings_per_year": 0.0},
          {"guidance": 0.0, "empowerment": 0.0, "meetings_tolerated": 24.0}, {"guidance": 1.0, "empowerment": 1.0,
                                                                               "meeting_awareness": 1.0}]


@pytest.mark.parametrize("fixed", BOUNDS)
@pytest.mark.parametrize("which", ["batch", "alone"])
def test_meetings_are_the_array_rule_to_the_bit(batch, alone, which, fixed):
    a = batch if which == "batch" else alone
    g = np.random.default_rng(len(fixed) + 7 * (which == "alone"))
    q = params(a, g, **fixed)
    u_platforms, u = g.random(a.n_platforms), g.random((2, a.n))
    extra = g.random(a.n_platforms) < 0.3
    called = extra.copy()
    aw, co = a.awareness.copy(), a.commitment.copy()
    aw_before, co_before = aw.copy(), co.copy()
    mine_extra, mine_a, mine_c = extra.copy(), aw.copy(), co.copy()
    expected = meetings_with_arrays(a, q, u_platforms, u, extra, aw, co)
    planned, come, could, coming = kernels.call_meetings(
        u_platforms, u[0], a.platform_size, mine_extra, q["meetings_per_year"], q["meetings_tolerated"],
        q["empowerment"], a.support, a.rep_p, mine_c, a.busy, a.marginalised, a.rep_s, a.members, a.seated, a.home)
    counted = g.integers(0, 50, (2, a.replicates)).astype(float)  # the counters so far
    held, missed = counted.copy()
    met = kernels.meet(come, planned, a.platform_size, a.platform, a.attendance, q["quorum"], a.rep_p, mine_a, mine_c,
                       a.home, u[1], coming, a.members, a.has_second_seat, a.second_home, a.bridge_platform,
                       q["meeting_awareness"], q["meeting_commitment"], q["guidance"], a.support, a.rep_s, held, missed)
    ours = (planned, come, could, coming, met[0], met[1], held, missed, *met[2:])
    expected = (*expected[:6], counted[0] + expected[6], counted[1] + expected[7], *expected[8:])
    for name, x, y in zip(["planned", "come", "could", "coming", "attendance", "meets", "held", "missed", "attend",
                           "attend_bridge", "seat_who", "seat_platform"], ours, expected):
        np.testing.assert_array_equal(x, y, err_msg=name)
        assert x.dtype == y.dtype, name
    np.testing.assert_array_equal(mine_a, aw)
    np.testing.assert_array_equal(mine_c, co)
    assert not mine_extra.any() and not extra.any()
    one_extra, one_a, one_c, one_held, one_missed = called.copy(), aw_before.copy(), co_before.copy(), *counted.copy()
    at_once = kernels.hold_meetings_at(
        u_platforms, u, a.platform_size, one_extra, q["meetings_per_year"], q["meetings_tolerated"], q["empowerment"],
        a.support, a.rep_p, one_c, a.busy, a.marginalised, a.rep_s, a.members, a.seated, a.home, a.platform,
        a.attendance, q["quorum"], one_a, a.has_second_seat, a.second_home, a.bridge_platform, q["meeting_awareness"],
        q["meeting_commitment"], q["guidance"], one_held, one_missed)
    for x, y in zip((*at_once, one_held, one_missed, one_a, one_c, one_extra), (*met, held, missed, aw, co, extra)):
        np.testing.assert_array_equal(x, y)
        assert x.dtype == y.dtype
    if fixed.get("meetings_per_year") == 0.0:  # only the extra meetings called are planned
        np.testing.assert_array_equal(planned, called & (a.platform_size > 1))
    if fixed.get("quorum") == 0.0:  # meetings that two members came to take place
        assert met[1].any() and met[2].any() and (planned & ~met[1]).any() and (held > counted[0]).any()


def test_no_meeting_planned_leaves_attendance_and_seats_empty(alone):
    a = alone
    q = params(a, np.random.default_rng(3), meetings_per_year=0.0)
    extra = np.zeros(a.n_platforms, dtype=bool)
    planned, come, could, coming = kernels.call_meetings(
        np.zeros(a.n_platforms), np.zeros(a.n), a.platform_size, extra, q["meetings_per_year"],
        q["meetings_tolerated"], q["empowerment"], a.support, a.rep_p, a.commitment.copy(), a.busy, a.marginalised,
        a.rep_s, a.members, a.seated, a.home)
    assert not planned.any() and not come.any() and not could.any()
    held, missed = np.zeros(1), np.zeros(1)
    attendance, meets, attend, bridge, who, where = kernels.meet(
        come, planned, a.platform_size, a.platform, a.attendance, q["quorum"], a.rep_p, a.awareness.copy(),
        a.commitment.copy(), a.home, np.ones(a.n), coming, a.members, a.has_second_seat, a.second_home,
        a.bridge_platform, q["meeting_awareness"], q["meeting_commitment"], q["guidance"], a.support, a.rep_s, held,
        missed)
    np.testing.assert_array_equal(attendance, a.attendance)
    assert attendance is not a.attendance
    assert not meets.any() and held.sum() == missed.sum() == 0 and len(who) == len(where) == 0
    assert not attend.any() and not bridge.any()


# --- voice and openness ------------------------------------------------------------------------------------------
def test_voice_of_some_is_the_voice_of_all_at_them(batch):
    a, q = batch, batch.q
    everyone = a.voice()
    np.testing.assert_array_equal(everyone, voice_with_arrays(a, q["power_distortion"], q["empowerment"]))
    for who in (a.seat_who, np.flatnonzero(a.members), np.arange(a.n)[::-3], np.empty(0, dtype=np.int64)):
        np.testing.assert_array_equal(a.voice(who), everyone[who])
    assert len(np.unique(everyone)) > 10
    for pd, emp in ((0.0, 0.7), (1.0, 0.0), (1.0, 1.0)):
        pd_, emp_ = np.full(a.replicates, pd), np.full(a.replicates, emp)
        np.testing.assert_array_equal(kernels.power_distortion_of(pd_, emp_, a.support),
                                      2 * pd_ * (1 - emp_ * a.support))


@pytest.mark.parametrize("mediation", [0.0, 1.0, None])
def test_openness_is_the_array_rule_to_the_bit(batch, mediation):
    a = batch
    m = a.q["mediation"] if mediation is None else np.full(a.replicates, mediation)
    ours = kernels.openness(a.entrenchment, m, a.support, a.rep_s)
    np.testing.assert_array_equal(ours, openness_with_arrays(a, m))
    if mediation is None:
        np.testing.assert_array_equal(a.openness(), ours)


# --- agenda and designs ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("plasticity", [0.0, 1.0, None])
def test_agendas_move_as_the_array_rule(batch, alone, plasticity):
    for a in both(batch, alone):
        g = np.random.default_rng(4)
        pl = g.random(a.replicates) if plasticity is None else np.full(a.replicates, plasticity)
        who, plat = a.seat_who, a.seat_platform
        w = a.voice(who)
        for agenda in (a.agenda.copy(), np.full_like(a.agenda, np.nan), np.where(g.random((a.n_platforms, 1)) < 0.5,
                                                                                 np.nan, g.random(a.agenda.shape))):
            mine = agenda.copy()
            expected = agenda_with_arrays(a, agenda, who, plat, w, pl)
            ours = kernels.steer_agendas(mine, who, plat, w, a.interests, a.role_clarity, a.seated_members, a.platform,
                                         a.platform_size, pl, a.rep_p, a.rep_s, a.replicates)
            np.testing.assert_array_equal(mine, agenda)
            np.testing.assert_array_equal(ours, expected)
        assert len(who) > 0


def test_one_seat_sets_its_platforms_agenda_to_its_interests(alone):
    a = alone
    i = int(a.seat_who[0])
    agenda = np.full_like(a.agenda, np.nan)
    met = kernels.steer_agendas(agenda, np.array([i]), a.platform[[i]].astype(np.int64), np.array([0.3]), a.interests,
                                a.role_clarity, a.seated_members, a.platform, a.platform_size, np.ones(1), a.rep_p,
                                a.rep_s, 1)
    np.testing.assert_array_equal(agenda[a.platform[i]], a.interests[i] * 0.3 / 0.3)
    assert np.isnan(np.delete(agenda, a.platform[i], axis=0)).all() and met.tolist() == [True]


def test_designs_fall_back_as_the_array_rule(batch):
    a, g = batch, np.random.default_rng(9)
    for agenda in (a.agenda, np.full_like(a.agenda, np.nan), np.where(g.random((a.n_platforms, 1)) < 0.5, np.nan,
                                                                      g.random(a.agenda.shape))):
        ours = kernels.fall_back_designs(agenda, 1 / USES, a.platform_level, a.parent_platform)
        np.testing.assert_array_equal(ours, design_for_with_arrays(a, agenda))
    np.testing.assert_array_equal(a.design_for(), design_for_with_arrays(a, a.agenda))


@pytest.mark.parametrize("mediation", [0.0, 1.0, None])
def test_tailored_designs_are_the_array_rule(batch, mediation):
    a = batch
    m = a.q["mediation"] if mediation is None else np.full(a.replicates, mediation)
    for refit in (np.ones(a.replicates, dtype=bool), np.arange(a.replicates) % 2 == 0, np.zeros(a.replicates, bool)):
        c, design = kernels.tailor_in(refit, a.is_community, a.interests, a.design_for(), a.design_platform, m,
                                      a.support, a.rep_s)
        expected_c = np.flatnonzero(a.is_community & refit[a.rep_s])
        tailoring = 0.5 * m * a.support
        np.testing.assert_array_equal(c, expected_c)
        np.testing.assert_array_equal(design, kernels.tailor_designs(expected_c, a.interests, a.design_for(),
                                                                     a.design_platform, tailoring, a.rep_s))


# --- dialogue ----------------------------------------------------------------------------------------------------
def talk(a, view, who, plat, q, weight):
    seats_of, rounds_n, draws = kernels.dialogue_rounds_of(who, a.rep_s, q["dialogue_rounds"], a.replicates)
    u = np.random.default_rng(len(who)).random(int(draws.sum()))
    kernels.talk_in_pairs(view, who, plat, u, seats_of, rounds_n, a.n_platforms, q["vision_confidence"],
                          q["facilitation_widening"], q["mediation"], a.support, q["convergence_rate"], weight,
                          a.entrenchment, a.rep_s)
    return u, draws


DIALOGUE = [{}, {"vision_confidence": 1.0}, {"vision_confidence": 0.0, "facilitation_widening": 0.0},
            {"convergence_rate": 0.0}, {"convergence_rate": 0.5, "vision_confidence": 1.0, "mediation": 1.0},
            {"mediation": 0.0, "dialogue_rounds": 1}]


@pytest.mark.parametrize("fixed", DIALOGUE)
def test_dialogue_is_the_array_rule_to_the_bit(batch, alone, fixed):
    for a in both(batch, alone):
        g = np.random.default_rng(len(fixed))
        q = params(a, g, **fixed)
        view = g.random(a.n)
        weight = voice_with_arrays(a, q["power_distortion"], q["empowerment"])
        openness = openness_with_arrays(a, q["mediation"])
        who, plat = a.seat_who, a.seat_platform
        mine, before = view.copy(), view.copy()
        u, length = dialogue_with_arrays(a, view, who, plat, q, weight, openness)
        ours_u, draws = talk(a, mine, who, plat, q, weight[who])
        np.testing.assert_array_equal(draws, length)
        np.testing.assert_array_equal(ours_u, u)
        np.testing.assert_array_equal(mine, view)
        assert (view != before).any() or fixed.get("convergence_rate") == 0.0 or fixed.get("vision_confidence") == 0.0


def test_dialogue_moves_views_and_a_stakeholder_seated_twice_as_the_array_rule(alone):
    a, g = alone, np.random.default_rng(12)
    q = params(a, g, vision_confidence=1.0, convergence_rate=0.5, dialogue_rounds=3)
    # a crowded month: every member at its primary platform and, for a bridge, at its second one as well
    members = np.flatnonzero(a.members & a.seated)
    bridges = np.flatnonzero(a.members & a.has_second_seat)
    assert len(bridges) > 0
    who = np.r_[members, bridges]
    plat = np.r_[a.platform[members], a.bridge_platform[bridges]].astype(np.int64)
    view, weight = g.random(a.n), voice_with_arrays(a, q["power_distortion"], q["empowerment"])
    mine = view.copy()
    before = view.copy()
    dialogue_with_arrays(a, view, who, plat, q, weight, openness_with_arrays(a, q["mediation"]))
    talk(a, mine, who, plat, q, weight[who])
    np.testing.assert_array_equal(mine, view)
    assert (mine[bridges] != before[bridges]).any() and (mine != before).sum() > len(members) // 2


@pytest.mark.parametrize("seats", [0, 1, 2, 3])
def test_dialogue_with_few_seats(alone, seats):
    a, g = alone, np.random.default_rng(seats)
    q = params(a, g, vision_confidence=1.0, convergence_rate=0.5, mediation=1.0)
    on = np.flatnonzero(a.members & (a.platform == a.platform[a.seat_who[0]]))[:seats]
    assert len(on) == seats
    who, plat = on.astype(np.int64), a.platform[on].astype(np.int64)
    view = g.random(a.n)
    mine, weight = view.copy(), np.ones(a.n)
    expected_draws = seats * q["dialogue_rounds"] if seats >= 2 else np.zeros(1, dtype=np.int64)
    if seats >= 2:
        dialogue_with_arrays(a, view, who, plat, q, weight, openness_with_arrays(a, q["mediation"]))
    _, draws = talk(a, mine, who, plat, q, weight[who])
    np.testing.assert_array_equal(draws, expected_draws)
    np.testing.assert_array_equal(mine, view)
    if seats >= 2:  # one round: one pair talks, the odd one out sits it out
        fresh = g.random(a.n)
        mine = fresh.copy()
        talk(a, mine, who, plat, {**q, "dialogue_rounds": np.ones(1, dtype=np.int64)}, weight[who])
        assert 0 < (mine != fresh).sum() <= 2 and (mine[who] != fresh[who]).sum() == (mine != fresh).sum()


# --- roles, trust, joint action ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fixed", [{}, {"agreement_rate": 0.0}, {"agreement_rate": 1.0, "transparency": 1.0,
                                                                   "guidance": 1.0}])
def test_roles_are_agreed_as_the_array_rule(batch, alone, fixed):
    for a in both(batch, alone):
        g = np.random.default_rng(2)
        q = params(a, g, **fixed)
        for k in ("agreement_rate", "transparency", "guidance"):
            q[k] = np.broadcast_to(fixed.get(k, g.random(a.replicates)), a.replicates).copy()
        attend, bridge = g.random(a.n) < 0.3, g.random(a.n) < 0.1
        clarity = g.random(a.n)
        mine, before = clarity.copy(), clarity.copy()
        who = attend | bridge
        rate = q["agreement_rate"] * (0.25 + 0.75 * q["transparency"]) * (0.5 + 0.5 * q["guidance"] * a.support)
        clarity[who] += rate[a.rep_s[who]] * (1 - clarity[who])
        kernels.agree_roles_at(mine, attend, bridge, q["agreement_rate"], q["transparency"], q["guidance"], a.support,
                               a.rep_s)
        np.testing.assert_array_equal(mine, clarity)
        assert (mine == before).all() == (fixed.get("agreement_rate") == 0.0)


@pytest.mark.parametrize("fixed", [{}, {"trust_gain": 0.0}, {"trust_gain": 1.0, "mutual_trust": 1.0, "mediation": 1.0},
                                   {"mediation": 0.0, "mutual_trust": 0.0}])
def test_trust_is_built_as_the_array_rule(batch, alone, fixed):
    for a in both(batch, alone):
        g = np.random.default_rng(5)
        q = params(a, g, **fixed)
        for attend, bridge in ((a.attend, a.attend_bridge), (g.random(a.n) < 0.8, g.random(a.n) < 0.8),
                               (np.zeros(a.n, bool), np.zeros(a.n, bool))):
            trust = g.random(len(a.trust))
            mine = trust.copy()
            met = trust_with_arrays(a, trust, attend, bridge, q)
            kernels.build_trust_at(mine, a.shared_ties, a.shared_seat, a.src, a.dst, attend, bridge, q["trust_gain"],
                                   q["mediation"], a.support, q["mutual_trust"], a.rep_t)
            np.testing.assert_array_equal(mine, trust)
            if attend.mean() > 0.5:
                assert len(met) > 0


def test_joint_action_is_the_array_rule_to_the_bit(batch, alone):
    for a in both(batch, alone):
        g = np.random.default_rng(8)
        for view, clarity in ((a.view, a.role_clarity), (g.random(a.n), g.random(a.n)),
                              (np.full(a.n, 0.5), np.zeros(a.n))):
            m, where, P = a.seated_members, a.seated_platform, a.n_platforms
            count = np.maximum(a.platform_size, 1)
            spread = kernels.spread_of(view[m], where, count)
            vision = np.minimum(1.0, np.maximum(0.0, 1 - 2 * spread))
            trust = kernels.mean_on_live_ties(P, a.live_ties, a.edge_platform, a.trust,
                                              a.q["initial_trust"][a.rep_p].astype(float))
            expected = vision * (np.bincount(where, weights=clarity[m], minlength=P) / count) * trust
            ours = kernels.joint_action_cubed(view, clarity, m, a.platform, a.platform_size, trust)
            np.testing.assert_array_equal(ours, expected)
        assert (a.platform_size == 0).any() and (a.platform_size > 1).any()


def test_platform_trust_is_the_array_rule_to_the_bit(batch, alone):
    for a in both(batch, alone):
        for initial in (a.q["initial_trust"], np.zeros(a.replicates), np.ones(a.replicates, dtype=np.int64)):
            expected = kernels.mean_on_live_ties(a.n_platforms, a.live_ties, a.edge_platform, a.trust,
                                                 initial[a.rep_p].astype(float))
            ours = kernels.trust_on_platforms(a.live_ties, a.edge_platform, a.trust, initial, a.rep_p)
            np.testing.assert_array_equal(ours, expected)
        np.testing.assert_array_equal(a.platform_trust(), kernels.trust_on_platforms(
            a.live_ties, a.edge_platform, a.trust, a.q["initial_trust"], a.rep_p))
        assert (~a.live_ties).any() and a.live_ties.any()
