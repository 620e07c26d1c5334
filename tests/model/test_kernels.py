"""Each compiled loop (model/kernels.py) against the rule written with NumPy arrays, on batches of random
alliances in mid-run states: the same numbers to the bit (the promise that lets the loops replace the array form
without moving any output, and that tests/model/test_batches.py extends to whole runs)."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model import kernels, rules
from model.alliance import Alliances
from model.states import LEVEL, STAGE, Membership
from tests.model import arrays

SIZES = dict(n_districts=3, n_national_orgs=6, n_district_orgs=3, n_pilot_communities=30, n_outside_communities=40)


@pytest.fixture(scope="module")
def batch() -> Alliances:
    """Five alliances of different parameters and mobilisation orders, 30 months in (members, decisions,
    designs and pilots all under way)."""
    g = np.random.default_rng(11)
    orders = ["core_group", "top_down", "bottom_up", "champions_first", "blockers_early"]
    parts = [Alliances({**SIZES, "mobilisation_order": o, "peer_locality": float(g.random()),
                        "stage_gating": float(g.random()), "design_fit_weight": float(g.random()),
                        "mediation": float(g.random())}, np.random.default_rng(k))
             for k, o in enumerate(orders)]
    a = Alliances.together(parts)
    for _ in range(30):
        a.step()
    return a


def test_weighing_moves_stages_as_the_array_rule(batch):
    a, g = batch, np.random.default_rng(1)
    stage = g.integers(0, 6, a.n).astype(a.stage.dtype)
    awareness, view = g.random(a.n), g.random(a.n)
    view[::7] = 0.5  # the boundary: 0.5 is favourable
    threshold = a.q["awareness_threshold"]
    awareness[::11] = threshold[a.rep_s[::11]]  # the boundary: reaching the threshold is knowing
    expected = stage.copy()
    expected[(expected == STAGE.UNAWARE) & (awareness >= threshold[a.rep_s])] = STAGE.KNOWLEDGE
    weighing = (expected == STAGE.KNOWLEDGE) | (expected == STAGE.PERSUASION)
    expected[weighing & (view >= 0.5)] = STAGE.PERSUASION
    expected[weighing & (view < 0.5)] = STAGE.KNOWLEDGE
    kernels.weigh_mus(stage, awareness, view, a.rep_s, threshold)
    np.testing.assert_array_equal(stage, expected)


def peer_share_with_arrays(a, decided):
    rs, R, K = a.rep_s, a.replicates, a.inverse_kind_count.shape[1]
    n = a.n_communities
    global_share = np.divide(a.total(rs[decided & a.is_community]), n, out=np.zeros(R), where=n > 0)[rs]
    hits = np.bincount(a.peer_from[decided[a.peer_to]], minlength=a.n)
    loc = a.q["peer_locality"][rs]
    local = hits * a.inverse_peer_degree + a.no_peers * global_share
    o = a.org_index
    org_decided = np.bincount(rs[o] * K + a.org_kind, weights=decided[o], minlength=R * K).reshape(R, K)
    of_kind = (org_decided * a.inverse_kind_count).ravel()[rs * K + a.kind]
    return np.where(a.is_community, (1 - loc) * global_share + loc * local, of_kind)


@pytest.mark.parametrize("share", [0.0, 0.3, 1.0])
def test_peer_share_is_the_array_rule_to_the_bit(batch, share):
    decided = np.random.default_rng(2).random(batch.n) < share
    ours = batch.peer_share(decided)
    assert np.array_equal(ours, peer_share_with_arrays(batch, decided))
    assert ((0 <= ours) & (ours <= 1)).all()


def test_innovation_is_the_array_rule_to_the_bit(batch):
    a, q = batch, batch.q
    rs, o = a.rep_s, a.org_index
    institutional = q["institutional_rate"] * a.institutional_pull()
    assert (institutional != 0).all()
    institutional[::2] = 0.0  # both branches of the organisations' rule: no institutional pull keeps the intermediaries'
    pull = q["intermediary_strength"][rs] * a.reach
    inst = institutional[rs[o]]
    pull[o] = np.where(inst != 0, inst * np.where(a.members[o], 1.0, q["policy_reach"][rs[o]]), pull[o])
    ours = kernels.external_influence(q["bass_p"], a.push, q["intermediary_strength"], a.reach, rs, o, institutional,
                                      a.members, q["policy_reach"])
    assert np.array_equal(ours, q["bass_p"][rs] + a.push + pull)
    assert np.array_equal(a.innovation(), kernels.external_influence(
        q["bass_p"], a.push, q["intermediary_strength"], a.reach, rs, o, q["institutional_rate"] * a.institutional_pull(),
        a.members, q["policy_reach"]))


def test_decisions_follow_the_array_rule_to_the_bit(batch):
    a, q, g = batch, batch.q, np.random.default_rng(3)
    rs = a.rep_s
    stage = g.integers(0, 6, a.n).astype(a.stage.dtype)
    can_adopt = g.random(a.n) < 0.9
    u, chance = g.random(a.n), g.random(a.n)
    barrier = 1 - q["adoption_barrier"] * (1 - g.random(a.replicates))
    readiness = 1 - q["stage_gating"][rs] * (stage < STAGE.PERSUASION)
    worth = 1 - q["design_fit_weight"][rs] * (1 - a.fit)
    u[::5] = (chance * readiness * barrier[rs] * worth)[::5]  # the boundary: a draw equal to the chance does not decide
    expected = (stage < STAGE.DECISION) & can_adopt & (u < chance * readiness * barrier[rs] * worth)
    after = np.where(expected, STAGE.DECISION, stage)
    deciding = kernels.decide(stage, can_adopt, u, chance, q["stage_gating"], barrier, q["design_fit_weight"], a.fit, rs)
    np.testing.assert_array_equal(deciding, expected)
    np.testing.assert_array_equal(stage, after)
    assert expected.any() and not expected.all()


def test_designs_and_fit_are_the_array_rule_to_the_bit(batch):
    a = batch
    c = np.flatnonzero(a.is_community)
    tailoring = 0.5 * a.q["mediation"] * a.support
    agenda = a.design_for()[a.design_platform[c]]
    expected_design = agenda + tailoring[a.rep_s[c]][:, None] * (a.interests[c] - agenda)
    design = kernels.tailor_designs(c, a.interests, a.design_for(), a.design_platform, tailoring, a.rep_s)
    assert np.array_equal(design, expected_design)
    fit = a.fit.copy()
    kernels.fit_to(fit, c, a.interests, design)
    expected = np.maximum(0.0, 1 - 2 * (0.5 * np.abs(a.interests[c] - design).sum(axis=1)))
    assert np.array_equal(fit[c], expected) and np.array_equal(np.delete(fit, c), np.delete(a.fit, c))


def test_fit_at_its_ends_and_inside():
    interests = np.array([[1.0, 0, 0, 0], [0.5, 0.5, 0, 0], [0.75, 0.25, 0, 0], [0.25] * 4])
    design = np.array([[0.0, 1, 0, 0], [0.5, 0.5, 0, 0], [1.0, 0, 0, 0], [0.25] * 4])
    fit = np.full(5, -1.0)
    kernels.fit_to(fit, np.arange(4), interests, design)
    # other uses entirely: distance 1, fit 1 - 2 < 0 -> 0; the same mix: 1; a quarter moved: distance 0.25 -> 0.5
    assert fit.tolist() == [0.0, 1.0, 0.5, 1.0, -1.0]


def test_a_run_is_unchanged_by_the_loops_and_its_batch():
    # the whole month through the loops: a replicate alone and in a batch of 3 give the same outputs
    runs = [({**SIZES, "mobilisation_order": "bottom_up"}, 5), ({**SIZES}, 6), ({**SIZES, "mediation": 0.9}, 7)]
    batched = model.run_batch(runs, 36)
    for (params, seed), together in zip(runs, batched):
        alone = model.run_model(params, seed=seed, steps=36)
        assert alone.summary.keys() == together.summary.keys()
        for name, values in alone.series.items():
            assert np.array_equal(values, together.series[name], equal_nan=True), name


def test_trust_in_members_is_the_array_rule_to_the_bit(batch):
    a = batch
    who = np.flatnonzero(~a.members)[::3]
    asked = np.zeros(a.n, dtype=bool)
    asked[who] = True
    best = (a.q["initial_trust"] * 0.5)[a.rep_s]
    member_src, member_dst = a.members[a.src], a.members[a.dst]
    for me, other_is_member in ((a.src, member_dst), (a.dst, member_src)):
        e = asked[me] & other_is_member
        np.maximum.at(best, me[e], a.trust[e])
    ours = a.trust_in_members(who)
    assert np.array_equal(ours, best[who])
    assert (ours > (a.q["initial_trust"] * 0.5)[a.rep_s[who]]).any()  # some have a tie to a member


@pytest.mark.parametrize("targets", [(0, -1, -2, 1, -1), (-2, -2, 2, 0, -1)])
def test_a_dissemination_event_reaches_as_the_array_rule(batch, targets):
    a, q, g = batch, batch.q, np.random.default_rng(5)
    rs = a.rep_s
    target = np.array(targets)
    u = g.random(a.n)
    awareness, push = g.random(a.n), g.random(a.n) * 0.02
    level = g.random(a.replicates) * 0.02
    to_orgs = target[rs] == -1
    audience = np.where(to_orgs, a.org, a.is_community & (a.district == target[rs])) & ~a.members & (target[rs] != -2)
    reached = audience & (u < np.where(to_orgs, q["policy_reach"][rs], q["horizontal_reach"][rs]))
    expected_awareness, expected_push = awareness.copy(), push.copy()
    expected_awareness[reached] += q["event_awareness"][rs[reached]] * (1 - expected_awareness[reached])
    expected_push[reached] = np.maximum(expected_push[reached], level[rs[reached]])
    kernels.reach_event(awareness, push, u, target, rs, a.org, a.is_community, a.district, a.members, q["policy_reach"],
                        q["horizontal_reach"], q["event_awareness"], level)
    assert np.array_equal(awareness, expected_awareness) and np.array_equal(push, expected_push)
    assert reached.any() and (reached & a.org).any() == (-1 in targets)


def test_meeting_attendance_and_learning_are_the_array_rule_to_the_bit(batch):
    a, q, g = batch, batch.q, np.random.default_rng(6)
    rs, home = a.rep_s, a.home
    u0, u1 = g.random(a.n), g.random(a.n)
    planned, meets = g.random(a.n_platforms) < 0.7, g.random(a.n_platforms) < 0.5
    fatigue, empowered, useful = g.random(a.replicates), g.random(a.replicates), g.random(a.replicates)
    members = a.members
    base = a.commitment * (1 - a.busy) * fatigue[rs]
    base = np.where(a.marginalised, base * (1 + empowered[rs]) / 2, base)
    could = members & a.seated & planned[home]
    come = could & (u0 < base)
    ours = kernels.come_to_meetings(u0, a.commitment, a.busy, fatigue, a.marginalised, empowered, rs, members, a.seated,
                                    planned, home)
    for x, expected in zip(ours, (come, could, base)):
        assert np.array_equal(x, expected)
    attend = come & meets[home]
    bridge = members & a.has_second_seat & meets[a.second_home] & (u1 < base)
    any_seat = attend | bridge
    awareness, commitment = a.awareness.copy(), a.commitment.copy()
    awareness[any_seat] += q["meeting_awareness"][rs[any_seat]] * (1 - awareness[any_seat])
    commitment[any_seat] += useful[rs[any_seat]] * (1 - commitment[any_seat])
    mine_a, mine_c = a.awareness.copy(), a.commitment.copy()
    got = kernels.learn_at_meetings(mine_a, mine_c, come, meets, home, u1, base, members, a.has_second_seat,
                                    a.second_home, q["meeting_awareness"], useful, rs)
    assert np.array_equal(got[0], attend) and np.array_equal(got[1], bridge)
    assert np.array_equal(mine_a, awareness) and np.array_equal(mine_c, commitment)
    assert attend.any() and bridge.any() and (a.marginalised & come).any()


def test_ties_to_members_are_the_array_rule(batch):
    a = batch
    who = np.flatnonzero(~a.members)
    member_src, member_dst = a.members[a.src], a.members[a.dst]
    counts = np.bincount(a.src[member_dst], minlength=a.n) + np.bincount(a.dst[member_src], minlength=a.n)
    ours = a.member_ties(who)
    assert np.array_equal(ours, counts[who].astype(float)) and ours.max() >= 2


def tally_with_arrays(a, m):
    """The reporters' numbers as they were written with arrays (model/reporters.py before the loop), members ``m``."""
    from model.reporters import SETS

    R, rs, NAN = a.replicates, a.rep_s, np.nan
    in_set = np.array([[g in groups for groups in SETS.values()] for g in range(5)], dtype=float)
    by_stage = np.bincount((rs * 5 + a.report_group) * 6 + a.stage, minlength=30 * R).reshape(R * 5, 6)
    at_least = by_stage[:, ::-1].cumsum(axis=1)[:, ::-1]
    counts = at_least[:, [0, STAGE.IMPLEMENTATION, STAGE.DECISION]].reshape(R, 5, 3).transpose(0, 2, 1) @ in_set
    total = counts[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total[:, None] > 0, counts[:, 1:] / total[:, None], NAN)
    by_level = np.bincount(rs[m] * 3 + a.level[m], minlength=3 * R).reshape(R, 3)
    n = a.total(rs[m])
    o = a.org_index
    has = a.platform_size > 0
    attendance = np.full((R, 3), NAN)
    for level in range(3):
        at = (a.platform_level == level) & (a.attendance == a.attendance)
        attendance[:, level] = a.mean_of(a.rep_p[at], a.attendance[at])
    with np.errstate(invalid="ignore", divide="ignore"):
        return (shares[:, 0], shares[:, 1], by_level, by_level.sum(axis=1), a.total(rs, a.awareness) / np.diff(a.s_start),
                np.where(n > 0, a.total(rs[m & a.marginalised]) / n, NAN),
                a.mean_of(rs[a.marginalised], a.fit[a.marginalised]),
                np.where(n >= 2, arrays.std_of(a, rs[m], a.view[m]), NAN),
                arrays.weighted_share(a, rs[o], a.stage[o] >= STAGE.IMPLEMENTATION, a.power[o]),
                a.mean_of(a.rep_p[has], a.joint_action[has]), attendance,
                np.bincount(np.repeat(a.rep_p, a.open_conflicts), minlength=R))


def test_the_reporters_tally_is_the_array_rule_to_the_bit(batch):
    from model.reporters import IN_SET

    a, g = batch, np.random.default_rng(12)
    R, rs, m = a.replicates, a.rep_s, a.members.copy()
    m[a.s_start[1]:a.s_start[2]] = False  # an alliance without members: its view spread and shares are undefined
    m[a.s_start[2]:a.s_start[3]] &= np.arange(a.s_start[3] - a.s_start[2]) == np.flatnonzero(m[a.s_start[2]:a.s_start[3]])[0]  # one member
    stage = a.stage.copy()
    stage[(a.report_group >= 3) & (rs == 3)] = STAGE.UNAWARE  # an alliance whose outside communities none use MUS
    report_group = np.where((a.report_group >= 3) & (rs == 4), 1, a.report_group)  # one without outside communities
    attendance = np.where(g.random(a.n_platforms) < 0.3, np.nan, g.random(a.n_platforms))
    attendance[a.rep_p == 1] = np.nan  # an alliance whose platforms have not met
    power = np.where((rs == 2) & a.org, 0.0, a.power)  # one whose organisations have no power
    conflicts = g.integers(0, 3, a.n_platforms)
    joint = g.random(a.n_platforms)
    state = dict(stage=stage, report_group=report_group, attendance=attendance, power=power, open_conflicts=conflicts,
                 joint_action=joint)
    saved = {k: getattr(a, k) for k in state}
    try:
        for k, v in state.items():
            setattr(a, k, v)
        expected = tally_with_arrays(a, m)
        ours = kernels.tally_month(R, rs, report_group, stage, m, a.level, a.marginalised, a.awareness, a.view, a.fit,
                                   IN_SET, a.org_index, power, a.rep_p, a.platform_size, joint, a.platform_level,
                                   attendance, conflicts)
    finally:
        for k, v in saved.items():
            setattr(a, k, v)
    assert len(ours) == len(expected)
    for x, y in zip(ours, expected):
        assert x.dtype.kind == y.dtype.kind and np.array_equal(x, y, equal_nan=True)
    implementing, view_spread, policy, attend = ours[0], ours[7], ours[8], ours[10]
    assert np.isnan(view_spread[1]) and np.isnan(view_spread[2]) and np.isfinite(view_spread[0])
    assert np.isnan(implementing[4, 2]) and implementing[3, 2] == 0.0  # empty set: undefined; nobody: 0
    assert policy[2] == 0.0 and np.isnan(attend[1]).all() and np.isfinite(attend[0]).any()


def test_platform_trust_is_the_array_rule_to_the_bit(batch):
    a = batch
    live = np.flatnonzero(a.live_ties)
    P, platform = a.n_platforms, a.edge_platform[live]
    total = np.bincount(platform, weights=a.trust[live], minlength=P)
    count = np.bincount(platform, minlength=P)
    expected = np.divide(total, count, out=a.q["initial_trust"][a.rep_p].astype(float), where=count > 0)
    assert np.array_equal(a.platform_trust(), expected)
    assert (count == 0).any() and (count > 0).any()  # both: platforms without live ties read the initial trust


def test_tension_is_the_array_rule_to_the_bit(batch):
    a, g = batch, np.random.default_rng(8)
    P = a.n_platforms
    who = np.flatnonzero(a.members)
    plat = np.where(g.random(len(who)) < 0.5, a.home[who], a.second_home[who])
    count = np.bincount(plat, minlength=P).astype(float)
    safe = np.maximum(count, 1)
    interests = a.interests[who]
    cells = (plat[:, None] * 4 + np.arange(4)).ravel()
    centre = np.bincount(cells, weights=interests.ravel(), minlength=P * 4).reshape(P, 4) / safe[:, None]
    spread = np.sqrt(((interests - centre[plat]) ** 2).sum(axis=1))
    divergence = np.minimum(1.0, 2 * np.bincount(plat, weights=spread, minlength=P) / safe)

    def spread_at(x):
        mean = np.bincount(plat, weights=x, minlength=P) / safe
        return np.sqrt(np.maximum(0.0, np.bincount(plat, weights=x ** 2, minlength=P) / safe - mean ** 2))

    power_gap = np.minimum(1.0, 2 * spread_at(a.power[who]))
    disagreement = np.minimum(1.0, 2 * spread_at(a.view[who]))
    expected = 1 - (1 - divergence) * (1 - power_gap / 2) * (1 - disagreement)
    ours = kernels.tension_at(P, who, plat, a.interests, a.power, a.view)
    assert np.array_equal(ours, expected)
    assert (count == 0).any() and (count >= 2).any() and ((0 <= ours) & (ours <= 1)).all()


def test_implementation_confirmation_and_discontinuation_are_the_array_rule_to_the_bit(batch):
    a, q, g = batch, batch.q, np.random.default_rng(9)
    rs, month = a.rep_s, 40
    stage = g.integers(0, 6, a.n).astype(a.stage.dtype)
    since = np.where(stage >= STAGE.IMPLEMENTATION, g.integers(0, 40, a.n), -1)
    capacity, u1, u2 = g.random(a.n), g.random(a.n), g.random(a.n)
    u2[::7] = 1 - 1e-7  # draws that stop: the hazards are small
    env, support = g.random(a.replicates), g.random(a.replicates)
    between = 1 - 0.75 * (q["discontinuation_rate"] * (1 - env))[rs]  # stops at the full hazard, not at half of it
    u2[3::7] = between[3::7]
    # the array form (the rule as written before it was compiled)
    expected_stage, expected_since, c = stage.copy(), since.copy(), capacity.copy()
    waiting = (expected_stage == STAGE.DECISION).nonzero()[0]
    cap = c[waiting] + (q["equity"] * support)[rs[waiting]] * (1 - c[waiting]) * a.marginalised[waiting]
    going = waiting[u1[waiting] < q["implementation_speed"][rs[waiting]] * (1 + cap) / 2 * (1 + env[rs[waiting]]) / 2]
    expected_stage[going], expected_since[going] = STAGE.IMPLEMENTATION, month
    using = (expected_stage >= STAGE.IMPLEMENTATION).nonzero()[0]
    rep, months = rs[using], q["confirmation_months"][rs[using]]
    st, uu = expected_stage[using], u2[using]
    confirm = (st == STAGE.IMPLEMENTATION) & (month - expected_since[using] >= months) & (uu < env[rep] / months)
    expected_stage[using[confirm]] = STAGE.CONFIRMATION
    hazard = (q["discontinuation_rate"] * (1 - env))[rep] * np.where((st == STAGE.CONFIRMATION) | confirm, 0.5, 1.0)
    stop = using[a.is_community[using] & (uu >= 1 - hazard)]
    expected_stage[stop], expected_since[stop] = STAGE.PERSUASION, -1
    kernels.implement(stage, since, capacity, a.marginalised, u1, q["equity"] * support, q["implementation_speed"], env,
                      rs, month)
    kernels.confirm_or_discontinue(stage, since, a.is_community, u2, q["confirmation_months"], env,
                                   q["discontinuation_rate"] * (1 - env), rs, month)
    assert np.array_equal(stage, expected_stage) and np.array_equal(since, expected_since)
    assert len(going) and confirm.any() and len(stop)
    halved = (stage == STAGE.CONFIRMATION) & a.is_community & (u2 == between)
    assert halved.any()  # confirmed communities whose draw would stop them at the full hazard stay


def test_reach_through_intermediaries_is_the_array_rule_to_the_bit(batch):
    a, q = batch, batch.q
    agent = a.members & a.intermediary_kind & (a.view >= 0.5)
    live = np.flatnonzero(agent[a.link_to])
    to = a.link_to[live]
    strength = a.trust[a.link_tie[live]] * (a.commitment[to] * a.joint_action[a.home[to]])
    reach = np.zeros(a.n)
    np.maximum.at(reach, a.link_from[live], strength)
    awareness = a.awareness.copy()
    c = reach > 0
    awareness[c] += reach[c] * q["meeting_awareness"][a.rep_s[c]] * (1 - awareness[c])
    mine = a.awareness.copy()
    ours = kernels.reach_through(a.link_from, a.link_to, a.link_tie, a.members, a.intermediary_kind, a.view, a.trust,
                                 a.commitment, a.joint_action, a.home, mine, q["meeting_awareness"], a.rep_s)
    assert np.array_equal(ours, reach) and np.array_equal(mine, awareness) and c.sum() > 10


def test_the_toll_of_open_conflicts_is_the_array_rule_to_the_bit(batch):
    a, g = batch, np.random.default_rng(10)
    hurting = g.random(a.n_platforms) < 0.4
    rate = g.random(a.replicates)
    trust, commitment = a.trust.copy(), a.commitment.copy()
    ties = a.live_ties & hurting[a.edge_platform]
    trust[ties] = rules.reinforce(trust[ties], rate[a.rep_t[ties]], 0.0)
    affected = a.seated_members & hurting[a.home]
    commitment[affected] *= 1 - 0.5 * rate[a.rep_s[affected]]
    mine_t, mine_c = a.trust.copy(), a.commitment.copy()
    kernels.strain_under_conflict(mine_t, mine_c, a.live_ties, a.edge_platform, hurting, rate, a.rep_t, a.seated_members,
                                  a.home, a.rep_s)
    assert np.array_equal(mine_t, trust) and np.array_equal(mine_c, commitment) and ties.any() and affected.any()
    assert (mine_t[~ties] == a.trust[~ties]).all()  # ties not live, or on a calm platform, keep their trust


def test_those_who_left_flagged_platforms_are_the_array_rule(batch):
    a, g = batch, np.random.default_rng(11)
    membership = a.membership.copy()
    membership[g.random(a.n) < 0.3] = Membership.DROPPED
    flagged = g.random(a.n_platforms) < 0.5
    expected = ((membership == Membership.DROPPED) & a.seated & flagged[a.home] & a.not_initiator).nonzero()[0]
    ours = kernels.left_from(flagged, membership, int(Membership.DROPPED), a.seated, a.home, a.not_initiator)
    assert np.array_equal(ours, expected) and len(expected) > 5


def test_joint_action_is_the_array_rule_to_the_bit(batch):
    a = batch
    m, where, P = a.seated_members, a.seated_platform, a.n_platforms
    count = np.maximum(a.platform_size, 1)
    view = a.view[m]
    mean_view = np.bincount(where, weights=view, minlength=P) / count
    spread = np.sqrt(np.maximum(0.0, np.bincount(where, weights=view * view, minlength=P) / count - mean_view ** 2))
    vision = np.minimum(1.0, np.maximum(0.0, 1 - 2 * spread))
    clarity = np.bincount(where, weights=a.role_clarity[m], minlength=P) / count
    expected = np.cbrt(vision * clarity * a.platform_trust())
    a.assess_joint_action()
    assert np.array_equal(a.joint_action, expected) and (spread > 0).any() and (a.platform_size == 0).any()


def test_membership_views_are_the_array_rule(batch):
    a, g = batch, np.random.default_rng(13)
    membership = g.integers(0, 4, a.n).astype(a.membership.dtype)  # every membership state, members on and off seats
    members, seated_members, seated_platform, platform_size = kernels.seat_members(
        membership, Membership.MEMBER, a.seated, a.platform, a.n_platforms)
    expected = membership == Membership.MEMBER
    assert np.array_equal(members, expected) and np.array_equal(seated_members, expected & a.seated)
    assert np.array_equal(seated_platform, a.platform[expected & a.seated])
    assert np.array_equal(platform_size, np.bincount(a.platform[expected & a.seated], minlength=a.n_platforms))
    assert (expected & ~a.seated).any() and (platform_size == 0).any()
    live = kernels.live_ties_of(members, a.src, a.dst, a.edge_platform)
    assert np.array_equal(live, (a.edge_platform >= 0) & expected[a.src] & expected[a.dst])
    assert (expected[a.src] & expected[a.dst] & ~live).any() and live.any()  # members on no common platform: not live
    assert ((a.edge_platform >= 0) & (expected[a.src] != expected[a.dst])).any()  # one end a member: not live


@pytest.mark.parametrize("floors", ["per alliance", "numbers"])
def test_admission_is_the_array_rule(batch, floors):
    import copy

    a, g = copy.deepcopy(batch), np.random.default_rng(14)
    who = np.sort(g.choice(a.n, 40, replace=False))
    a.commitment[who[::2]] = 0.99  # already committed beyond the floor: kept
    R, rs = a.replicates, a.rep_s
    commitment, clarity = (g.random(R), g.random(R)) if floors == "per alliance" else (0.4, 0.0)
    joins, c0, k0 = a.counts["joins"].copy(), a.commitment.copy(), a.role_clarity.copy()
    a.month = 17
    a.admit(who, commitment=commitment, clarity=clarity)
    assert np.array_equal(a.counts["joins"], joins + a.total(rs[who]))
    assert (a.joined[who] == 17).all() and (a.membership[who] == Membership.MEMBER).all() and a.members[who].all()
    c0[who] = np.maximum(c0[who], np.broadcast_to(commitment, R)[rs[who]])
    k0[who] = np.maximum(k0[who], np.broadcast_to(clarity, R)[rs[who]])
    assert np.array_equal(a.commitment, c0) and np.array_equal(a.role_clarity, k0)
    assert (a.commitment[who[::2]] == 0.99).all()
