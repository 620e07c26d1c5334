"""The membership loops (model/kernels.py, section 'membership') against the rules written with NumPy arrays as
model/membership.py had them, on a batch of alliances in mid-run states and at the rules' boundaries: the same
numbers, the same order, to the bit."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest

from model import kernels
from model.alliance import Alliances
from model.states import LEVEL, MEMBERSHIP
from tests.model import arrays

SIZES = dict(n_districts=3, n_national_orgs=6, n_district_orgs=3, n_pilot_communities=30, n_outside_communities=40)
ORDERS = ["core_group", "existing_network", "top_down", "bottom_up", "champions_first", "blockers_early", "random"]


@pytest.fixture(scope="module")
def batch() -> Alliances:
    """Seven alliances, one per mobilisation order, of different inclusiveness, mobilisation and re-joining,
    20 months in (members, decliners waiting, members who left)."""
    g = np.random.default_rng(21)
    parts = [Alliances({**SIZES, "mobilisation_order": o, "inclusiveness": float(g.random()),
                        "mobilisation_rate": float(g.uniform(0.1, 0.6)), "dropout_rate": float(g.uniform(0.02, 0.1)),
                        "rejoin_rate": float(g.uniform(0.0, 0.3))}, np.random.default_rng(k))
             for k, o in enumerate(ORDERS)]
    a = Alliances.together(parts)
    for _ in range(20):
        a.step()
    assert (a.membership == MEMBERSHIP.DROPPED).any() and (a.next_invite > a.month).any()
    return a


# --- stakeholder analysis ---------------------------------------------------------------------------------------
def test_the_analysis_is_due_as_the_array_rule():
    every = np.array([0, 1, 2, 3, 12, 25])
    for month in range(1, 40):
        expected = (month == 1) | ((every > 0) & ((month - 1) % np.maximum(every, 1) == 0))
        np.testing.assert_array_equal(kernels.analysis_due(month, every), expected)


@pytest.mark.parametrize("level", [0.0, 0.4, 1.0])
def test_the_analysis_finds_as_the_array_rule(batch, level):
    a, g = batch, np.random.default_rng(3)
    identified = g.random(a.n) < 0.4
    chance = np.full(a.n, level) if level in (0.0, 1.0) else g.random(a.n)
    u = g.random(a.n)
    u[::9] = chance[::9]  # the boundary: a draw equal to the chance finds nobody
    u[::13] = 2.0  # an alliance whose analysis is not due
    # the array rule
    rs = a.rep_s
    unseen = ~identified & (a.membership != MEMBERSHIP.OUTSIDE)
    blocker = (a.view < 1 / 3) & a.org
    found = unseen & (u < chance)
    expected = identified | found
    n_found, n_blockers = a.total(rs[found]), a.total(rs[found & blocker])
    missed = a.total(rs[~expected & blocker])
    ours = kernels.find_stakeholders(identified, u, chance, a.membership, int(MEMBERSHIP.OUTSIDE), a.view, a.org, rs,
                                     a.replicates)
    np.testing.assert_array_equal(identified, expected)
    for got, want in zip(ours, (n_found, n_blockers, missed)):
        np.testing.assert_array_equal(got, want)
    assert (n_found > 0).any() == (level > 0) and blocker.any()


# --- mobilisation -----------------------------------------------------------------------------------------------
def test_the_mobilisation_pool_is_the_array_rule(batch):
    a = batch
    q, rs = a.q, a.rep_s
    rate, drive, ownership = q["mobilisation_rate"].copy(), a.drive.copy(), a.ownership.copy()
    rate[0], rate[1], drive[2], ownership[3] = 0.0, 5.0, 0.0, 1.0  # no invitations; a chance capped at 1
    for month in (a.month, a.month + 3):
        candidates = (a.identified & (a.membership == MEMBERSHIP.NOT_INVITED) & (a.next_invite <= month)).nonzero()[0]
        chance = np.minimum(1.0, rate * np.maximum(drive, ownership))
        ours = kernels.mobilisation_pool(a.identified, a.membership, int(MEMBERSHIP.NOT_INVITED), a.next_invite, month,
                                         rs, rate, drive, ownership)
        for got, want in zip(ours, (candidates, a.total(rs[candidates]), chance)):
            np.testing.assert_array_equal(got, want)
    assert chance[0] == 0.0 and chance[1] == 1.0 and len(candidates)


def keys_of(a, candidates):
    """Each alliance's order key of its candidates, as MembershipProcess.invitation_order assembles them."""
    rep, orders = a.rep_s[candidates], a.q["mobilisation_order"]
    key = np.zeros(len(candidates))
    for order in set(orders.tolist()):
        mine = orders[rep] == order
        key[mine] = a.order_key(order, candidates[mine])
    return key


def lexsorted(a, candidates, key, u, next_invite):
    return np.lexsort((u, -key, next_invite[candidates] > 0, a.rep_s[candidates]))


def test_the_invitation_order_is_the_lexsort_of_every_order(batch):
    a, g = batch, np.random.default_rng(5)
    candidates = np.flatnonzero(a.identified & (a.membership != MEMBERSHIP.MEMBER))
    next_invite = np.where(g.random(a.n) < 0.3, g.integers(1, 30, a.n), 0)
    key, u = keys_of(a, candidates), g.random(len(candidates))
    ours = kernels.invitation_order(candidates, key, u, next_invite, a.rep_s)
    np.testing.assert_array_equal(ours, lexsorted(a, candidates, key, u, next_invite))
    assert len(set(a.rep_s[candidates])) == a.replicates and len(candidates) > 100


@pytest.mark.parametrize("n", [0, 1, 2, 15, 16, 17, 33, 200])
def test_the_invitation_order_keeps_ties_as_the_lexsort(batch, n):
    # heavy ties on every key: the same alliance, key and draw keep their given order, as NumPy's stable sort
    a, g = batch, np.random.default_rng(n)
    candidates = np.sort(g.choice(a.n, n, replace=False))
    next_invite = g.integers(0, 2, a.n)
    key = g.integers(0, 3, n).astype(float)
    key[::5] = -0.0  # equal to 0.0
    key[::7] = np.nan  # last, equal to each other
    u = g.integers(0, 2, n) / 2
    u[::11] = np.nan
    ours = kernels.invitation_order(candidates, key, u, next_invite, a.rep_s)
    np.testing.assert_array_equal(ours, lexsorted(a, candidates, key, u, next_invite))
    shuffled = g.permutation(candidates)  # candidates in any given order
    ours = kernels.invitation_order(shuffled, key, u, next_invite, a.rep_s)
    np.testing.assert_array_equal(ours, lexsorted(a, shuffled, key, u, next_invite))


def test_the_first_invited_of_each_alliance_are_the_array_rule(batch):
    a, g = batch, np.random.default_rng(6)
    rs = a.rep_s
    candidates = np.flatnonzero(a.identified & (a.membership != MEMBERSHIP.MEMBER))
    order = lexsorted(a, candidates, keys_of(a, candidates), g.random(len(candidates)), a.next_invite)
    counts = a.total(rs[candidates])
    n_invite = np.minimum(counts, g.integers(0, 8, a.replicates))
    n_invite[0], n_invite[1] = 0, counts[1]  # an alliance inviting nobody, one inviting all its candidates
    ordered = candidates[order]
    start = np.searchsorted(rs[ordered], np.arange(a.replicates))
    rank = np.arange(len(ordered)) - start[rs[ordered]]
    expected = ordered[rank < n_invite[rs[ordered]]]
    invited, n_invited = kernels.first_invited(candidates, order, rs, n_invite)
    np.testing.assert_array_equal(invited, expected)
    np.testing.assert_array_equal(n_invited, a.total(rs[expected]))


def join_chance_with_arrays(a, invited, trust_in_inviter, inclusiveness, reach_of_type):
    rep = a.rep_s[invited]
    clarity = arrays.platform_mean(a, a.role_clarity)[a.platform[invited]]
    benefit = 0.5 * a.breadth[invited] + 0.5 * np.maximum(a.view[invited], a.power[invited])
    include = np.where(a.marginalised[invited], 0.2 + 0.8 * inclusiveness[rep], 1.0)
    reach = np.where(a.is_community[invited], reach_of_type[rep], 1.0)
    return np.minimum(1.0, benefit * (1 + trust_in_inviter) / 2 * (1 + clarity) / 2 * include * reach)


def join_chance_kernel(a, invited, trust_in_inviter, inclusiveness, reach_of_type):
    return kernels.join_chance(invited, trust_in_inviter, a.n_platforms, a.seated_members, a.platform, a.role_clarity,
                               a.breadth, a.view, a.power, a.marginalised, inclusiveness, a.is_community,
                               reach_of_type, a.rep_s)


def test_the_join_chance_is_the_array_rule_to_the_bit(batch):
    a = batch
    invited = np.flatnonzero(a.membership != MEMBERSHIP.OUTSIDE)
    trust = a.trust_in_members(invited)
    ours = a.join_chance(invited)
    np.testing.assert_array_equal(ours, join_chance_with_arrays(a, invited, trust, a.q["inclusiveness"],
                                                                a.profile["community_reach"]))
    assert (a.marginalised[invited]).any() and (a.is_community[invited]).any() and (a.platform_size == 0).any()


@pytest.mark.parametrize("inclusiveness, reach, trust", [(0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (0.5, 3.0, 1.0)])
def test_the_join_chance_at_its_boundaries(batch, inclusiveness, reach, trust):
    # no inclusiveness, no reach, no trust; full; a reach that pushes the chance past 1 (capped)
    a = batch
    invited = np.flatnonzero(a.membership != MEMBERSHIP.OUTSIDE)
    incl, rch = np.full(a.replicates, inclusiveness), np.full(a.replicates, reach)
    t = np.full(len(invited), trust)
    ours = join_chance_kernel(a, invited, t, incl, rch)
    np.testing.assert_array_equal(ours, join_chance_with_arrays(a, invited, t, incl, rch))
    assert ours.max() <= 1.0 and (reach < 3.0 or ours.max() == 1.0)


def test_the_join_chance_of_nobody_and_of_one(batch):
    a = batch
    args = (a.q["inclusiveness"], a.profile["community_reach"])
    assert len(join_chance_kernel(a, np.empty(0, np.int64), np.empty(0), *args)) == 0
    one = np.flatnonzero(a.membership == MEMBERSHIP.NOT_INVITED)[:1]
    t = a.trust_in_members(one)
    np.testing.assert_array_equal(join_chance_kernel(a, one, t, *args), join_chance_with_arrays(a, one, t, *args))


def test_the_answers_to_invitations_are_the_array_rule(batch):
    a, g = batch, np.random.default_rng(7)
    q, rs, month = a.q, a.rep_s, a.month
    invited = np.flatnonzero(a.membership == MEMBERSHIP.NOT_INVITED)
    chance = g.random(len(invited))
    u = g.random(len(invited))
    u[::6] = chance[::6]  # the boundary: a draw equal to the chance declines
    # the array rule
    next_invite = a.next_invite.copy()
    accepts = u < chance
    joining, declined = invited[accepts], invited[~accepts]
    next_invite[declined] = month + q["reinvite_delay"][rs[declined]]
    ours_next = a.next_invite.copy()
    ours = kernels.answer_invitations(invited, u, chance, ours_next, month, q["reinvite_delay"], rs, a.is_community,
                                      a.replicates)
    np.testing.assert_array_equal(ours_next, next_invite)
    np.testing.assert_array_equal(ours[0], joining)
    np.testing.assert_array_equal(ours[1], joining[~a.is_community[joining]])
    np.testing.assert_array_equal(ours[2], a.total(rs[joining[a.is_community[joining]]]))
    assert len(declined) and len(ours[1]) and ours[2].any()


def test_a_month_of_mobilisation_is_unchanged_by_the_loops(batch):
    # the whole mechanism against its array form, in a copy of the batch: the same members and the same draws
    a, b = copy.deepcopy(batch), copy.deepcopy(batch)
    a.month = b.month = batch.month + 1
    a.mobilise()
    mobilise_with_arrays(b)
    for name in ("membership", "next_invite", "commitment", "joined"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert [g.random() for g in a.rngs] == [g.random() for g in b.rngs]
    assert (a.membership != batch.membership).any()


def mobilise_with_arrays(self):
    q, rs = self.q, self.rep_s
    candidates = (self.identified & (self.membership == MEMBERSHIP.NOT_INVITED)
                  & (self.next_invite <= self.month)).nonzero()[0]
    n_candidates = self.total(rs[candidates])
    chance = np.minimum(1.0, q["mobilisation_rate"] * np.maximum(self.drive, self.ownership))
    n_invite = np.array([self.rngs[r].binomial(k, chance[r]) if k else 0 for r, k in enumerate(n_candidates)])
    if not n_invite.any():
        return
    candidates = candidates[n_invite[rs[candidates]] > 0]
    key = keys_of(self, candidates)
    u = self.uniform(self.total(rs[candidates]))
    ordered = candidates[lexsorted(self, candidates, key, u, self.next_invite)]
    start = np.searchsorted(rs[ordered], np.arange(self.replicates))
    rank = np.arange(len(ordered)) - start[rs[ordered]]
    invited = ordered[rank < n_invite[rs[ordered]]]
    accepts = self.uniform(self.total(rs[invited])) < join_chance_with_arrays(
        self, invited, self.trust_in_members(invited), q["inclusiveness"], self.profile["community_reach"])
    joining, declined = invited[accepts], invited[~accepts]
    self.next_invite[declined] = self.month + q["reinvite_delay"][rs[declined]]
    self.admit(joining, commitment=q["joining_commitment"], clarity=0.0)


# --- leaving and coming back ------------------------------------------------------------------------------------
@pytest.mark.parametrize("rate", [0.0, 0.3, 1.0])
def test_leavers_are_the_array_rule_to_the_bit(batch, rate):
    a, q, g = batch, batch.q, np.random.default_rng(8)
    rs, home = a.rep_s, a.home
    commitment, open_conflicts = g.random(a.n), g.integers(0, 2, a.n_platforms)
    last_win = g.integers(-100, 30, a.n_platforms)
    dropout_rate = np.full(a.replicates, rate)
    u = g.random(a.n)
    month = 30
    # the array rule (model/membership.py: drop_out, before the loop) and the draw
    fatigued = commitment * (1 - q["commitment_fatigue"][rs])
    conflict = (open_conflicts[home] > 0) & a.seated
    waiting = (a.level != LEVEL.NATIONAL) & (month - last_win[home] > q["win_memory"][rs])
    burden = q["local_burden"][rs] * waiting
    hazard = (dropout_rate[rs] * (1 - fatigued * a.role_clarity) * (1 + conflict) * (1 + a.exclusion) * (1 + burden))
    u[::5] = hazard[::5]  # the boundary: a draw equal to the chance stays
    leaving = a.members & a.not_initiator & (u < hazard)
    ours = kernels.choose_leavers(commitment, q["commitment_fatigue"], a.role_clarity, open_conflicts, home, a.seated,
                                  a.level, last_win, month, q["win_memory"], q["local_burden"], dropout_rate,
                                  a.exclusion, rs, u, a.members, a.not_initiator)
    np.testing.assert_array_equal(commitment, fatigued)
    np.testing.assert_array_equal(ours, leaving)
    assert leaving.any() == (rate > 0) and not leaving[a.initiator].any()


def test_the_strongest_reason_for_leaving_is_the_first_argmax(batch):
    a, q, g = batch, batch.q, np.random.default_rng(9)
    rs, home = a.rep_s, a.home
    gone = np.flatnonzero(a.membership != MEMBERSHIP.OUTSIDE)
    role_clarity, commitment = g.integers(0, 3, a.n) / 2, g.integers(0, 3, a.n) / 2  # many equal reasons
    exclusion = g.integers(0, 3, a.n) / 2
    open_conflicts, last_win = g.integers(0, 2, a.n_platforms), g.integers(-100, 30, a.n_platforms)
    local_burden = np.array([0.0, 1.0, 2.0, 0.5, 1.0, 4.0, 1.0])[:a.replicates]
    month = 30
    role_clarity[gone[::17]] = np.nan  # NumPy's argmax picks the first NaN
    exclusion[gone[::19]] = np.nan
    # the array rule: conflict and burden as the chance of leaving weighs them
    conflict = (open_conflicts[home] > 0) & a.seated
    waiting = (a.level != LEVEL.NATIONAL) & (month - last_win[home] > q["win_memory"][rs])
    burden = local_burden[rs] * waiting
    reasons = np.stack([1 - role_clarity[gone], 1 - commitment[gone], conflict[gone] * 1.0, exclusion[gone],
                        burden[gone] / 2])
    args = (role_clarity, commitment, exclusion, open_conflicts, home, a.seated, a.level, last_win, month,
            q["win_memory"], local_burden, rs)
    ours = kernels.strongest_reasons(gone, *args)
    np.testing.assert_array_equal(ours, np.argmax(reasons, axis=0))
    assert {2, 4} <= set(ours.tolist())
    assert len(kernels.strongest_reasons(gone[:0], *args)) == 0


@pytest.mark.parametrize("memory", [0, 12, 1000])
def test_those_who_may_rejoin_are_the_array_rule_to_the_bit(batch, memory):
    a, g = batch, np.random.default_rng(10)
    membership = a.membership.copy()
    membership[g.random(a.n) < 0.3] = MEMBERSHIP.DROPPED
    last_win = g.integers(-20, a.month + 1, a.n_platforms)
    win_memory = np.full(a.replicates, memory)
    rejoin_rate = a.q["rejoin_rate"]
    # the array rule
    dropped = ((membership == MEMBERSHIP.DROPPED) & a.not_initiator).nonzero()[0]
    rep = a.rep_s[dropped]
    boost = 1 + (a.month - last_win[a.home[dropped]] <= win_memory[rep])
    ours = kernels.rejoin_pool(membership, int(MEMBERSHIP.DROPPED), a.not_initiator, a.month, last_win, a.home,
                               win_memory, rejoin_rate, a.rep_s, a.replicates)
    for got, want in zip(ours, (dropped, a.total(rep), rejoin_rate[rep] * boost)):
        np.testing.assert_array_equal(got, want)
    assert (boost == 2).any() == (memory > 0) and (memory == 1000) == (boost == 2).all()


# --- each stakeholder's ties --------------------------------------------------------------------------------------
def trust_in_members_over_every_tie(who, cold_trust, rep, src, dst, members, trust):
    """The rule as the loop over every tie had it (tie by tie, its source's side first)."""
    best = {int(i): cold_trust[rep[i]] for i in who}
    for e in range(len(src)):
        if src[e] in best and members[dst[e]] and trust[e] > best[src[e]]:
            best[src[e]] = trust[e]
        if dst[e] in best and members[src[e]] and trust[e] > best[dst[e]]:
            best[dst[e]] = trust[e]
    return np.array([best[int(i)] for i in who])


def member_ties_over_every_tie(who, n, src, dst, members):
    return (np.bincount(src[members[dst]], minlength=n) + np.bincount(dst[members[src]], minlength=n))[who] * 1.0


def test_each_stakeholders_ties_are_every_tie_at_either_end_in_tie_order(batch):
    a = batch
    start, tie, other = a._ties_of_stakeholders()
    for i in range(0, a.n, 7):
        mine = [(e, d if s == i else s) for e, (s, d) in enumerate(zip(a.src, a.dst)) if i in (s, d)]
        assert list(zip(tie[start[i]:start[i + 1]].tolist(), other[start[i]:start[i + 1]].tolist())) == mine
    assert start[-1] == 2 * len(a.src) and (np.diff(start) > 0).any()


def small_network():
    """Five stakeholders of two alliances; ties to themselves, repeated ties, equal trust of either sign, NaN."""
    src = np.array([0, 1, 2, 0, 3, 1, 2, 4, 4, 0])
    dst = np.array([1, 1, 0, 2, 4, 0, 1, 3, 4, 1])
    trust = np.array([0.3, 0.9, 0.0, -0.0, 0.5, np.nan, 0.7, 0.5, 0.2, 0.3])
    net = SimpleNamespace(n=5, src=src, dst=dst)
    return net, trust, np.array([0, 0, 0, 1, 1])


@pytest.mark.parametrize("members", [[0, 0, 0, 0, 0], [1, 1, 1, 1, 1], [0, 1, 1, 0, 1], [1, 0, 0, 1, 0]])
def test_trust_in_members_and_ties_to_members_are_the_rule_over_every_tie(members, batch):
    net, trust, rep = small_network()
    members = np.array(members, dtype=bool)
    start, tie, other = Alliances._ties_of_stakeholders(net)
    cold = np.array([0.25, -0.1])
    for who in (np.arange(5), np.array([4, 1, 1]), np.empty(0, np.int64)):
        want = trust_in_members_over_every_tie(who, cold, rep, net.src, net.dst, members, trust)
        got = kernels.trust_in_members(who, cold, rep, start, tie, other, members, trust)
        np.testing.assert_array_equal(got, want)
        assert np.signbit(got).tolist() == np.signbit(want).tolist()
        np.testing.assert_array_equal(kernels.member_ties(who, start, other, members),
                                      member_ties_over_every_tie(who, 5, net.src, net.dst, members))
    # and on the batch in mid-run
    a = batch
    who = np.flatnonzero(~a.members)[::2]
    cold = a.q["initial_trust"] * 0.5
    np.testing.assert_array_equal(a.trust_in_members(who), trust_in_members_over_every_tie(
        who, cold, a.rep_s, a.src, a.dst, a.members, a.trust))
    np.testing.assert_array_equal(a.member_ties(who), member_ties_over_every_tie(who, a.n, a.src, a.dst, a.members))


def test_re_inviting_nobody_draws_nothing(batch):
    a = copy.deepcopy(batch)
    before = [g.bit_generator.state for g in a.rngs]
    a.reinvite_dropped(np.zeros(a.n_platforms, dtype=bool))
    assert [g.bit_generator.state for g in a.rngs] == before
