"""The spread and adoption loops (model/kernels.py, section "spread") against the rules written with NumPy arrays,
on batches of random alliances in mid-run states: the same numbers to the bit, and the rules' boundaries."""

from __future__ import annotations

import numpy as np
import pytest

from model import decisions, kernels
from model.alliance import Alliances
from model.states import STAGE

from .scripted import seat_everyone, small

SIZES = dict(n_districts=3, n_national_orgs=6, n_district_orgs=3, n_pilot_communities=30, n_outside_communities=40)


@pytest.fixture(scope="module")
def batch() -> Alliances:
    """Five alliances of different parameters and mobilisation orders, 30 months in (members, bridges, decisions
    and pilots all under way)."""
    g = np.random.default_rng(12)
    orders = ["core_group", "top_down", "bottom_up", "champions_first", "blockers_early"]
    parts = [Alliances({**SIZES, "mobilisation_order": o, "vertical_sharing": float(g.random()),
                        "mediation": float(g.random()), "evidence_scale": float(0.01 + g.random())},
                       np.random.default_rng(20 + k))
             for k, o in enumerate(orders)]
    a = Alliances.together(parts)
    for _ in range(30):
        a.step()
    return a


# --- sharing between levels ------------------------------------------------------------------------------------
def shared_with_arrays(a, carriers, vertical, openness):
    """Spread.share_between_levels as it was written with arrays (the oracle): new (awareness, view)."""
    awareness, view = a.awareness.copy(), a.view.copy()
    P = a.n_platforms
    m = a.seated_members
    c = carriers.nonzero()[0]
    pa, pb = a.platform[c], a.bridge_platform[c]
    links = np.bincount(pa, minlength=P) + np.bincount(pb, minlength=P)
    strength = (vertical[a.rep_p] * np.minimum(1.0, links / 2))[a.home]
    m = m & a.any_of(a.rep_s[c])[a.rep_s]
    strength = np.where(m, strength, 0.0)
    for state, only_up in ((awareness, True), (view, False)):
        mean = a.platform_mean(state)
        linked = np.bincount(pa, weights=mean[pb], minlength=P) + np.bincount(pb, weights=mean[pa], minlength=P)
        target = np.divide(linked, links, out=np.zeros(P), where=links > 0)[a.home]
        gap = target - state
        state += strength * (np.maximum(gap, 0.0) if only_up else gap * openness)
    return awareness, view


def shared_with_the_loop(a, carriers, vertical, openness):
    awareness, view = a.awareness.copy(), a.view.copy()
    kernels.carry_between_levels(awareness, view, openness, carriers, a.platform, a.bridge_platform, a.seated_members,
                                 a.home, a.rep_s, a.rep_p, vertical, a.replicates)
    return awareness, view


def may_carry(a):
    return a.seated_members & a.has_second_seat


@pytest.mark.parametrize("share", [0.5, 0.8, 1.0])
def test_sharing_between_levels_is_the_array_rule_to_the_bit(batch, share):
    a, g = batch, np.random.default_rng(int(share * 10))
    carriers = may_carry(a) & (g.random(a.n) < share)
    carriers[a.s_start[3]:a.s_start[4]] = False  # an alliance without carriers this month shares nothing
    openness = a.openness()
    ours, expected = shared_with_the_loop(a, carriers, a.q["vertical_sharing"], openness), \
        shared_with_arrays(a, carriers, a.q["vertical_sharing"], openness)
    for mine, theirs, before in zip(ours, expected, (a.awareness, a.view)):
        np.testing.assert_array_equal(mine, theirs)
        assert (mine != before).any()
        s = slice(a.s_start[3], a.s_start[4])
        np.testing.assert_array_equal(mine[s], before[s])
    assert carriers.sum() >= 3


def test_sharing_at_the_ends_of_vertical_sharing_and_with_one_carrier(batch):
    a = batch
    openness = np.random.default_rng(3).random(a.n)  # entrenched to open, one stakeholder to the next
    carriers = np.zeros(a.n, dtype=bool)
    for r in range(a.replicates):  # one carrier in each alliance: links 1, half the strength
        carriers[np.flatnonzero(may_carry(a) & (a.rep_s == r))[0]] = True
    vertical = np.array([0.0, 1.0, 0.5, 1.0, 0.0])
    ours = shared_with_the_loop(a, carriers, vertical, openness)
    expected = shared_with_arrays(a, carriers, vertical, openness)
    for mine, theirs, before in zip(ours, expected, (a.awareness, a.view)):
        np.testing.assert_array_equal(mine, theirs)
        for r in (0, 4):  # vertical_sharing 0: nothing moves
            s = slice(a.s_start[r], a.s_start[r + 1])
            np.testing.assert_array_equal(mine[s], before[s])
    assert (ours[0] >= a.awareness).all() and (ours[0] > a.awareness).any()  # awareness only upwards


def test_no_carriers_share_nothing(batch):
    a = batch
    awareness, view = shared_with_the_loop(a, np.zeros(a.n, dtype=bool), a.q["vertical_sharing"], a.openness())
    np.testing.assert_array_equal(awareness, a.awareness)
    np.testing.assert_array_equal(view, a.view)


def test_a_played_bridge_member_keeps_the_news_or_carries_it():
    bridge = 12  # a community member of platform 3 with a second seat on platform 1
    runs = {}
    for choice in (None, False, True):
        m = seat_everyone(small(vertical_sharing=1.0))
        m.attend[:] = m.attend_bridge[:] = False
        m.attend[bridge] = choice is None  # the model's own rule: it came, so it carries
        m.attend_bridge[bridge] = choice is not None  # a player decides only where it came
        if choice is not None:
            m.decisions = decisions.Decisions({bridge: decisions.Decision(carry_news=choice)})
        aw0 = m.awareness.copy()
        m.share_between_levels()
        runs[choice] = (aw0, m.awareness.copy(), m)
    for choice, (aw0, awareness, m) in runs.items():
        assert (awareness != aw0).any() == (choice is not False)
    assert runs[False][2].events.records[-1]["text"].endswith("kept the news to itself.")
    np.testing.assert_array_equal(runs[None][1], runs[True][1])


# --- the evidence level and the push's memory --------------------------------------------------------------------
def test_the_evidence_level_is_the_array_rule_to_the_bit(batch):
    a, q, g = batch, batch.q, np.random.default_rng(7)
    evidence = np.r_[0.0, g.integers(1, 40, a.replicates - 1).astype(float)]  # none yet, then some
    credibility = np.r_[1.0, 1.5, g.random(a.replicates - 2) + 0.5]
    for pilots in (q["n_pilot_communities"], np.zeros(a.replicates, dtype=np.int64)):  # none: counts as one
        expected = evidence / (evidence + q["evidence_scale"] * np.maximum(1, pilots) / credibility)
        ours = kernels.evidence_level(evidence, q["evidence_scale"], pilots, credibility)
        assert np.array_equal(ours, expected) and ours[0] == 0.0 and (ours[1:] > 0).all()
    assert np.array_equal(a.evidence_level(), kernels.evidence_level(
        a.counts["evidence"], q["evidence_scale"], q["n_pilot_communities"], a.profile["evidence_credibility"]))


def test_the_push_fades_as_the_array_rule(batch):
    a = batch
    push = np.random.default_rng(8).random(a.n)
    memory = np.array([0.0, 1.0, 0.3, 0.5, 0.8])  # forgotten at once, never, and in between
    expected = push * memory[a.rep_s]
    kernels.fade_push(push, memory, a.rep_s)
    assert np.array_equal(push, expected)
    assert (push[a.rep_s == 0] == 0).all() and (push[a.rep_s == 1] > 0).all()


# --- the adoption decision ---------------------------------------------------------------------------------------
def decided_with_arrays(a, stage, u, chance, adoption_barrier, env):
    """Rogers' decision of Adoption.adopt as it was written with arrays (the oracle): (deciding, stage after)."""
    q, rs = a.q, a.rep_s
    barrier = 1 - adoption_barrier * (1 - env)
    readiness = 1 - q["stage_gating"][rs] * (stage < STAGE.PERSUASION)
    worth = 1 - q["design_fit_weight"][rs] * (1 - a.fit)
    deciding = (stage < STAGE.DECISION) & a.can_adopt & (u < chance * readiness * barrier[rs] * worth)
    return deciding, np.where(deciding, STAGE.DECISION, stage).astype(stage.dtype)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_decision_under_the_barrier_is_the_array_rule_to_the_bit(batch, seed):
    a, q, g = batch, batch.q, np.random.default_rng(seed)
    stage = g.integers(0, 6, a.n).astype(a.stage.dtype)
    u, chance = g.random(a.n), g.random(a.n)
    adoption_barrier = np.array([0.0, 1.0, 1.0, 0.4, 0.7])  # no barrier, the full barrier, and in between
    env = np.array([0.3, 0.0, 1.0, 0.5, g.random()])  # E at its ends: all barrier, none
    national = a.national_orgs
    u[national] = chance[national] * 0.9  # organisations the model's rule lets decide, barrier permitting
    deciding, after = decided_with_arrays(a, stage, u, chance, adoption_barrier, env)
    ours = kernels.decide_under_barrier(stage, a.can_adopt, u, chance, q["stage_gating"], adoption_barrier, env,
                                        q["design_fit_weight"], a.fit, a.rep_s, national)
    np.testing.assert_array_equal(stage, after)
    np.testing.assert_array_equal(ours, national[deciding[national]])
    assert len(ours) and not deciding[a.rep_s == 1].any() and deciding[a.rep_s == 2].any()
