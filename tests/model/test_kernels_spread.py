"""The spread and adoption loops (model/kernels.py, section "spread") against the rules written with NumPy arrays,
on batches of random alliances in mid-run states: the same numbers to the bit, and the rules' boundaries."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from model import decisions, kernels, rules
from model.alliance import Alliances
from model.states import STAGE
from tests.model import arrays

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
    m = m & arrays.any_of(a, a.rep_s[c])[a.rep_s]
    strength = np.where(m, strength, 0.0)
    for state, only_up in ((awareness, True), (view, False)):
        mean = arrays.platform_mean(a, state)
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


def hazard_of(a, stage, institutional, locality=None):
    """The loop: (stage after weighing, Bass hazards)."""
    q, stage = a.q, stage.copy()
    locality = q["peer_locality"] if locality is None else locality
    hazard = kernels.adoption_hazard(stage, a.awareness, a.view, q["awareness_threshold"], a.rep_s, a.is_community,
                                     a.n_communities, a.peer_from, a.peer_to, a.inverse_peer_degree, a.no_peers,
                                     locality, a.org, a.org_index, a.org_kind, a.kind, a.inverse_kind_count, q["bass_p"],
                                     a.push, q["intermediary_strength"], a.reach, institutional, a.members,
                                     q["policy_reach"], q["bass_q"])
    return stage, hazard


def chance_as_before(a, stage, institutional, locality=None):
    """Adoption.adopt's weighing and Bass chance as they were composed before (the oracle): (stage after, chance)."""
    q, rs, stage = a.q, a.rep_s, stage.copy()
    locality = q["peer_locality"] if locality is None else locality
    decided = stage >= STAGE.DECISION
    kernels.weigh_mus(stage, a.awareness, a.view, rs, q["awareness_threshold"])
    share = kernels.peer_share(decided, rs, a.is_community, a.n_communities, a.peer_from, a.peer_to,
                               a.inverse_peer_degree, a.no_peers, locality, a.org_index, a.org_kind, a.kind,
                               a.inverse_kind_count)
    p = kernels.external_influence(q["bass_p"], a.push, q["intermediary_strength"], a.reach, rs, a.org_index,
                                   institutional, a.members, q["policy_reach"])
    return stage, rules.bass_probability(p, q["bass_q"][rs], share)


@pytest.mark.parametrize("seed", [3, 4])
def test_the_adoption_hazard_is_the_weighing_and_the_bass_rule_to_the_bit(batch, seed):
    a, g = batch, np.random.default_rng(seed)
    stage = g.integers(0, 6, a.n).astype(a.stage.dtype)
    institutional = g.random(a.replicates)
    institutional[::2] = 0.0  # no institutional pull: organisations keep the intermediaries' pull
    locality = np.array([0.0, 1.0, 0.5, g.random(), 1.0])  # all peers global, all local, in between
    ours, theirs = hazard_of(a, stage, institutional, locality), chance_as_before(a, stage, institutional, locality)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(rules.chance_within_a_month(ours[1]), theirs[1])
    assert (ours[0] != stage).any()
    pulled = a.org & (institutional[a.rep_s] != 0)
    assert pulled.any() and (a.org & ~pulled).any()


def test_the_adoption_hazard_of_an_alliance_where_nobody_decided(batch):
    a = batch
    stage = np.minimum(a.stage, STAGE.PERSUASION).astype(a.stage.dtype)  # nobody at the decision or beyond
    institutional = a.q["institutional_rate"] * a.institutional_pull()
    ours, theirs = hazard_of(a, stage, institutional), chance_as_before(a, stage, institutional)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(rules.chance_within_a_month(ours[1]), theirs[1])


def by_alliance(a, rows, u):
    """Draws laid out alliance block after alliance block as rows x stakeholders (the oracle's layout)."""
    s = a.s_start
    return np.concatenate([u[rows * s[r]:rows * s[r + 1]].reshape(rows, -1) for r in range(a.replicates)], axis=1)


def test_adoptions_draws_are_each_alliances_own_rows(batch):
    a = copy.deepcopy(batch)
    twin = copy.deepcopy(batch)
    draws = a.uniform(3 * np.diff(a.s_start))  # as Adoption.adopt draws them
    np.testing.assert_array_equal(by_alliance(a, 3, draws), twin.uniform_rows(3))
    later = a.uniform(2 * np.diff(a.s_start))  # the generators moved on as the rows' did
    np.testing.assert_array_equal(by_alliance(a, 2, later), twin.uniform_rows(2))


def taken_up_as_before(a, stage, since, u, chance, adoption_barrier, env, equity_support, hazard, month):
    """Decision, implementation and confirmation as Adoption.adopt ran them one after another (the oracle)."""
    q, rs = a.q, a.rep_s
    deciding, after = decided_with_arrays(a, stage, u[0], chance, adoption_barrier, env)
    stage[:] = after
    kernels.implement(stage, since, a.capacity, a.marginalised, u[1], equity_support, q["implementation_speed"], env,
                      rs, month)
    kernels.confirm_or_discontinue(stage, since, a.is_community, u[2], q["confirmation_months"], env, hazard, rs, month)
    return a.national_orgs[deciding[a.national_orgs]]


@pytest.mark.parametrize("seed", [1, 2])
def test_taking_up_is_decision_implementation_and_confirmation_to_the_bit(batch, seed):
    a, q, g = batch, batch.q, np.random.default_rng(seed)
    month = 40
    stage = g.integers(0, 6, a.n).astype(a.stage.dtype)
    since = np.where(stage >= STAGE.IMPLEMENTATION, g.integers(0, 40, a.n), -1)
    rows, chance = g.random((3, a.n)), g.random(a.n)
    national = a.national_orgs
    rows[0, national] = chance[national] * 0.9  # organisations the model's rule lets decide, barrier permitting
    rows[2, ::7] = 1 - 1e-7  # draws that stop
    u = np.concatenate([rows[:, a.s_start[r]:a.s_start[r + 1]].ravel() for r in range(a.replicates)])
    adoption_barrier = np.array([0.0, 1.0, 1.0, 0.4, 0.7])  # no barrier, the full barrier, and in between
    env = np.array([0.3, 0.0, 1.0, 0.5, g.random()])  # E at its ends: all barrier, none
    equity_support, hazard = g.random(a.replicates), g.random(a.replicates) * 0.1
    stage_before, since_before = stage.copy(), since.copy()
    expected_stage, expected_since = stage.copy(), since.copy()
    announced = taken_up_as_before(a, expected_stage, expected_since, rows, chance, adoption_barrier, env,
                                   equity_support, hazard, month)
    ours = kernels.take_up(stage, since, u, a.s_start, chance, a.can_adopt, q["stage_gating"], adoption_barrier, env,
                           q["design_fit_weight"], a.fit, a.capacity, a.marginalised, equity_support,
                           q["implementation_speed"], a.is_community, q["confirmation_months"], hazard, month, national)
    np.testing.assert_array_equal(stage, expected_stage)
    np.testing.assert_array_equal(since, expected_since)
    np.testing.assert_array_equal(ours, announced)
    assert len(ours) and not np.isin(ours, np.flatnonzero(a.rep_s == 1)).any()  # the full barrier at E = 0
    for step in (STAGE.DECISION, STAGE.IMPLEMENTATION, STAGE.CONFIRMATION, STAGE.PERSUASION):
        assert ((stage == step) & (stage_before != step)).any()
    assert (since != since_before).any()
