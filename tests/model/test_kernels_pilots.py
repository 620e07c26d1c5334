"""The compiled loops of action research, process monitoring and conflicts (model/kernels.py, section 'pilots')
against the rules they replace, written with NumPy arrays (each oracle below is the mechanism's array form before
it moved into a loop): the same numbers to the bit, on batches of alliances in mid-run states, at the rules'
boundaries, and, where a mechanism draws, with the same draws from each alliance's generator."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from model import kernels, rules
from model.alliance import Alliances
from model.events import EventKind
from model.population import WATER_USES
from model.states import MEMBERSHIP, STAGE, Membership
from tests.model import arrays

SIZES = dict(n_districts=3, n_national_orgs=6, n_district_orgs=3, n_pilot_communities=30, n_outside_communities=40)


def mid_run(months: int, **params) -> Alliances:
    """Five alliances of different parameters and mobilisation orders, ``months`` in."""
    g = np.random.default_rng(21)
    orders = ["core_group", "top_down", "bottom_up", "champions_first", "blockers_early"]
    parts = [Alliances({**SIZES, "mobilisation_order": o, "equity": float(g.random()), "mediation": float(g.random()),
                        "mutual_trust": float(g.random()), "joint_action_weight": float(g.random()),
                        "design_fit_weight": float(g.random()), "conflict_propensity": 0.5 + 0.5 * float(g.random()),
                        **params}, np.random.default_rng(40 + k))
             for k, o in enumerate(orders)]
    a = Alliances.together(parts)
    for _ in range(months):
        a.step()
    return a


@pytest.fixture(scope="module")
def batch() -> Alliances:
    """30 months in: members, pilots under way and finished, conflicts."""
    return mid_run(30)


@pytest.fixture(scope="module")
def alone() -> Alliances:
    """One alliance (a batch of one), 24 months in."""
    a = Alliances({**SIZES, "mediation": 0.3}, np.random.default_rng(5))
    for _ in range(24):
        a.step()
    return a


# ------------------------------------------------------------------------------------------- the oracles


def candidates_with_arrays(a, n_new):
    hosting = np.zeros(a.n, dtype=bool)
    hosting[a.pilot_host] = True
    hosts = (a.is_community & a.members & ~hosting & (a.stage < STAGE.IMPLEMENTATION)).nonzero()[0]
    rep = a.rep_s[hosts]
    return hosts, np.searchsorted(rep, np.arange(a.replicates + 1)), np.minimum(n_new, a.total(rep))


def host_weight_with_arrays(a, hosts, equity, voice):
    need = np.where(a.marginalised[hosts], 1.0, 0.3) * (1 - a.capacity[hosts])
    e = equity[a.rep_s[hosts]]
    return ((1 - e) * a.capacity[hosts] + e * need) * voice[hosts] + 1e-9


def weighted_sample_with_arrays(g, k, weights):
    """rules.weighted_sample as it was written with arrays: NumPy's Generator.choice without replacement."""
    p = weights / weights.sum()
    found = np.empty(k, dtype=np.int64)
    n = 0
    while n < k:
        x = g.random(k - n)
        if n:
            p[found[:n]] = 0
        cdf = np.cumsum(p)
        cdf /= cdf[-1]
        new = cdf.searchsorted(x, side="right")
        if k - n > 1:  # keep each position once, in the order first drawn
            _, first = np.unique(new, return_index=True)
            new = new[np.sort(first)]
        found[n:n + len(new)] = new
        n += len(new)
    return found


def enrolled_with_arrays(a, chosen):
    duration = a.q["pilot_duration"][a.rep_s[chosen]]
    host = np.concatenate((a.pilot_host, chosen))
    end = np.concatenate((a.pilot_end, a.month + duration))
    by_alliance = np.argsort(a.rep_s[host], kind="stable")
    return host[by_alliance], end[by_alliance], a.total(a.rep_s[chosen[a.marginalised[chosen]]])


def success_chance_with_arrays(a, hosts, support):
    q = a.q
    under_way = np.maximum(1, a.total(a.rep_s[a.pilot_host]))
    guidance = q["guidance"] * support * np.minimum(1.0, q["pilots_guided_per_district"] * q["n_districts"] / under_way)
    quality = 0.5 * (a.joint_action[a.platform[hosts]] + a.joint_action[a.district_platform[hosts]])
    rep = a.rep_s[hosts]
    wj, wf = q["joint_action_weight"][rep], q["design_fit_weight"][rep]
    return (q["pilot_base_success"][rep] * (0.6 + 0.4 * a.capacity[hosts]) * (0.6 + 0.4 * guidance[rep])
            * (0.8 + 0.2 * a.env[rep]) * (1 - wj + wj * quality) * (1 - wf + wf * a.fit[hosts]))


def documentation_chance_with_arrays(a, membership):
    member = membership[a.initiator] == MEMBERSHIP.MEMBER
    return np.minimum(1.0, a.q["documentation"] + a.profile["documents"] * member)


def finish_pilots_with_arrays(a, chance):
    """finish_pilots' draws and tallies as an array rule: (hosts, under way, ends, success, documented, counts)."""
    done = a.pilot_end <= a.month
    hosts = a.pilot_host[done]
    rep = a.rep_s[hosts]
    finishing = a.total(rep)
    success, documented = np.empty(len(hosts), dtype=bool), np.empty(len(hosts), dtype=bool)
    start = np.r_[0, np.cumsum(finishing)]
    documenting = documentation_chance_with_arrays(a, a.membership)
    for r in np.flatnonzero(finishing):
        mine = slice(start[r], start[r + 1])
        success[mine] = a.rngs[r].random(finishing[r]) < chance[mine]
        documented[mine] = a.rngs[r].random(finishing[r]) < documenting[r]
    counts = (a.total(rep[success]), a.total(rep[documented]), a.total(rep[success & documented]))
    return hosts, a.pilot_host[~done], a.pilot_end[~done], success, documented, counts


def platform_table_with_arrays(a, hosts):
    return np.stack([a.platform[hosts], a.district_platform[hosts], a.bridge_platform[hosts]])


def stalls_with_arrays(a, open_conflicts, since, attendance, extra, u, monitoring, support):
    q, rep = a.q, a.rep_p
    stale = (open_conflicts > 0) & (a.month - since > q["conflict_stall_months"][rep])
    thin = attendance < q["stall_attendance"][rep]
    stalled = (stale | thin) & ~extra
    return stalled & (u < (monitoring * support)[rep]), stale


def escalation_with_arrays(a, trust, mediation, support):
    tension = kernels.tension_at(a.n_platforms, a.seat_who, a.seat_platform, a.interests, a.power, a.view)
    q, rep = a.q, a.rep_p
    return (q["conflict_propensity"][rep] * tension * (1 - trust)
            * (1.5 - q["mutual_trust"][rep]) * (1 - 0.5 * mediation * support)[rep])


def arise_conflicts_with_arrays(a):
    """arise_conflicts as it was written with arrays (no decisions): the conflicts opened and the events."""
    who, plat = a.seat_who, a.seat_platform
    count, meeting = kernels.seats_taken(who, plat, a.rep_s, a.n_platforms, a.replicates)
    new = kernels.conflicts_raised(count, a.uniform_platforms(meeting), a.escalation_chance())
    if not new.any():
        return
    trust = a.platform_trust()
    for k in new.nonzero()[0]:
        members_here = who[plat == k]
        use = WATER_USES[int(np.argmax(a.interests[members_here].var(axis=0)))]
        a.log(a.rep_p[k], EventKind.CONFLICT, f"Conflict in the {a.platform_names[k]} over {use} water (trust {trust[k]:.2f}).")
    a.counts["conflicts_arisen"] += kernels.open_conflicts_at(new, a.open_conflicts, a.conflict_since, a.month, a.rep_p,
                                                              a.replicates)


def manage_conflicts_with_arrays(a):
    """manage_conflicts as an array rule: one binomial call per alliance with an open conflict."""
    open_ = a.open_conflicts > 0
    if not open_.any():
        return
    chance = np.minimum(1.0, a.q["conflict_management"] * a.support)
    resolved = np.zeros(a.n_platforms, dtype=a.open_conflicts.dtype)
    p = a.p_start
    for r in np.flatnonzero(arrays.any_of(a, a.rep_p[open_])):
        resolved[p[r]:p[r + 1]] = a.rngs[r].binomial(a.open_conflicts[p[r]:p[r + 1]], chance[r])
    a.open_conflicts -= resolved
    a.counts["conflicts_resolved"] += a.total(a.rep_p, resolved)
    a.conflict_since = np.where(a.open_conflicts == 0, -1, a.conflict_since)
    kernels.strain_under_conflict(a.trust, a.commitment, a.live_ties, a.edge_platform, a.open_conflicts > 0,
                                  a.breaking_rate(), a.rep_t, a.seated_members, a.home, a.rep_s)


# ------------------------------------------------------------------------------------------- action research


@pytest.mark.parametrize("wanted", [0, 1, 3, 1000])
def test_pilot_candidates_are_the_array_rule(batch, wanted):
    a = batch
    n_new = np.full(a.replicates, wanted, dtype=np.int64)
    n_new[1] = 2
    hosts, bounds, starting = kernels.pilot_candidates(a.is_community, a.members, a.stage, a.pilot_host, n_new, a.rep_s)
    expected = candidates_with_arrays(a, n_new)
    for ours, theirs in zip((hosts, bounds, starting), expected):
        np.testing.assert_array_equal(ours, theirs)
    assert len(a.pilot_host) and not np.isin(a.pilot_host, hosts).any() and len(hosts) > 5


def test_no_candidates_without_members():
    a = Alliances({**SIZES}, np.random.default_rng(2))
    members = np.zeros(a.n, dtype=bool)  # an empty alliance
    hosts, bounds, starting = kernels.pilot_candidates(a.is_community, members, a.stage, a.pilot_host,
                                                       np.array([4]), a.rep_s)
    assert len(hosts) == 0 and bounds.tolist() == [0, 0] and starting.tolist() == [0]


@pytest.mark.parametrize("equity", [0.0, 1.0, None])
def test_host_weight_is_the_array_rule(batch, equity):
    a = batch
    hosts = np.flatnonzero(a.is_community)
    e = a.q["equity"] if equity is None else np.full(a.replicates, equity)
    voice = np.random.default_rng(4).random(a.n)
    ours = kernels.host_weight(hosts, a.marginalised, a.capacity, e, voice[hosts], a.rep_s)
    np.testing.assert_array_equal(ours, host_weight_with_arrays(a, hosts, e, voice))
    np.testing.assert_array_equal(a.host_weight(hosts), host_weight_with_arrays(a, hosts, a.q["equity"], a.voice()))


@pytest.mark.parametrize("picks", [(), (0,), (0, 3), (4, 2, 0, 2)])
def test_enrolment_is_the_array_rule(batch, picks):
    a = batch
    g = np.random.default_rng(len(picks))
    chosen = np.concatenate([g.choice(np.flatnonzero(a.is_community & (a.rep_s == r)), 2, replace=False)
                             for r in sorted(set(picks))] or [np.empty(0, np.int64)])
    host, end, marginalised = kernels.enrol_pilots(a.pilot_host, a.pilot_end, chosen, a.month, a.q["pilot_duration"],
                                                   a.marginalised, a.rep_s, a.replicates)
    for ours, theirs in zip((host, end, marginalised), enrolled_with_arrays(a, chosen)):
        np.testing.assert_array_equal(ours, theirs)
    assert host.dtype == end.dtype == np.int64


def test_enrolment_keeps_any_order_stably():
    a = Alliances.together([Alliances({**SIZES}, np.random.default_rng(k)) for k in range(3)])
    a.pilot_host = np.array([a.s_start[2] + 1, 3, a.s_start[1] + 4, 5])  # not in alliance order
    a.pilot_end = np.array([7, 8, 9, 10])
    chosen = np.array([a.s_start[1] + 6, 2])
    host, end, _ = kernels.enrol_pilots(a.pilot_host, a.pilot_end, chosen, a.month, a.q["pilot_duration"],
                                        a.marginalised, a.rep_s, a.replicates)
    expected_host, expected_end, _ = enrolled_with_arrays(a, chosen)
    assert host.tolist() == expected_host.tolist() and end.tolist() == expected_end.tolist()


@pytest.mark.parametrize("support", ["alliances", 1.0, 0.0])
def test_success_chance_is_the_array_rule(batch, support):
    a = batch
    s = a.support if support == "alliances" else support
    q = a.q
    hosts = np.flatnonzero(a.is_community)
    ours = kernels.success_chance(hosts, a.pilot_host, a.rep_s, q["pilot_base_success"], a.capacity, q["guidance"], s,
                                  q["pilots_guided_per_district"], q["n_districts"], a.env, a.joint_action, a.platform,
                                  a.district_platform, q["joint_action_weight"], a.fit, q["design_fit_weight"])
    np.testing.assert_array_equal(ours, success_chance_with_arrays(a, hosts, s))


def test_success_chance_with_many_or_no_pilots_under_way(batch):
    a = copy.deepcopy(batch)
    hosts = np.flatnonzero(a.is_community)
    for under_way in (np.empty(0, np.int64), np.repeat(hosts, 5)):  # none (counted as 1), more than guided
        a.pilot_host = under_way
        np.testing.assert_array_equal(a.success_chance(hosts), success_chance_with_arrays(a, hosts, a.support))


def test_documentation_chance_is_the_array_rule(batch):
    a, q = batch, batch.q
    for state in (Membership.MEMBER, Membership.DROPPED, Membership.NOT_INVITED):
        membership = a.membership.copy()
        membership[a.initiator] = state
        for documentation in (q["documentation"], np.zeros(a.replicates), np.full(a.replicates, 0.95)):
            ours = kernels.documentation_chance(membership, a.initiator, documentation, a.profile["documents"])
            expected = np.minimum(1.0, documentation + a.profile["documents"] * (membership[a.initiator] == 2))
            np.testing.assert_array_equal(ours, expected)
    np.testing.assert_array_equal(a.documentation_chance(), documentation_chance_with_arrays(a, a.membership))


def test_pilot_platform_table_is_the_array_rule(batch):
    a = batch
    hosts = np.flatnonzero(a.is_community)
    table = a.pilot_platform_table(hosts)
    np.testing.assert_array_equal(table, platform_table_with_arrays(a, hosts))
    assert (table[2] >= 0).any() and (table[2] < 0).any()  # with and without a second seat
    assert a.pilot_platforms(int(hosts[0])) == sorted({int(p) for p in table[:, 0] if p >= 0})


@pytest.mark.parametrize("months", [18, 30, 42])
def test_finishing_pilots_draw_and_count_as_the_array_rule(months):
    a = mid_run(months)
    a.pilot_end = a.pilot_end.copy()
    a.pilot_end[::3] = a.month  # some more finish now, in every alliance
    b = copy.deepcopy(a)
    chance = b.success_chance(b.pilot_host[b.pilot_end <= b.month])
    hosts, under_way, ends, success, documented, counts = finish_pilots_with_arrays(b, chance)
    done = a.pilot_end <= a.month
    ours = kernels.finishing_pilots(a.pilot_host, a.pilot_end, done, a.rep_s, a.replicates)
    for x, y in zip(ours[:3], (hosts, under_way, ends)):
        np.testing.assert_array_equal(x, y)
    start, draws = ours[3], ours[4]
    judged = kernels.judge_pilots(a.uniform(draws), a.success_chance(hosts), a.documentation_chance(), start)
    for x, y in zip(judged, (success, documented, *counts)):
        np.testing.assert_array_equal(x, y)
    assert all(g.random() == h.random() for g, h in zip(a.rngs, b.rngs))  # as many draws
    assert success.any() and (~success).any() and len(set(a.rep_s[hosts])) > 2


def test_finish_pilots_records_as_the_array_rule(batch):
    a = copy.deepcopy(batch)
    a.pilot_end = a.pilot_end.copy()
    a.pilot_end[::2] = a.month
    b = copy.deepcopy(a)
    a.finish_pilots()
    chance = b.success_chance(b.pilot_host[b.pilot_end <= b.month])
    hosts, under_way, ends, success, documented, counts = finish_pilots_with_arrays(b, chance)
    for name, total in zip(("pilots_succeeded", "pilots_documented", "evidence"), counts):
        b.counts[name] += total
    b.pilot_host, b.pilot_end = under_way, ends
    kernels.record_pilots(hosts, success, platform_table_with_arrays(b, hosts),
                          *b.platform_index("_ties_on", b.edge_platform), b.live_ties, b.trust,
                          *b.platform_index("_seated_on", b.platform), b.members, b.commitment, b.stage,
                          b.implementing_since, b.view, b.last_win, b.capacity, b.q["small_win_gain"],
                          b.q["mutual_trust"], b.rep_s, b.month)
    for name in ("pilot_host", "pilot_end", "trust", "commitment", "stage", "implementing_since", "view", "last_win",
                 "capacity"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for name, value in a.counts.items():
        np.testing.assert_array_equal(value, b.counts[name], err_msg=name)
    assert not np.array_equal(a.trust, batch.trust)


def test_starting_pilots_draw_as_the_array_rule(batch):
    a = copy.deepcopy(batch)
    a.pilot_end = a.pilot_end + 100  # none finishes: only the start of pilots
    b = copy.deepcopy(a)
    a.run_action_research()
    rate = b.q["pilots_per_year"] / 12 * b.support
    n_new = np.array([g.poisson(rate[r]) for r, g in enumerate(b.rngs)])
    hosts, bounds, n_new = candidates_with_arrays(b, n_new)
    weight = host_weight_with_arrays(b, hosts, b.q["equity"], b.voice())
    chosen = np.concatenate([hosts[bounds[r]:bounds[r + 1]][weighted_sample_with_arrays(b.rngs[r], n_new[r],
                                                                                          weight[bounds[r]:bounds[r + 1]])]
                             for r in np.flatnonzero(n_new)])
    host, end, marginalised = enrolled_with_arrays(b, chosen)
    np.testing.assert_array_equal(a.pilot_host, host)
    np.testing.assert_array_equal(a.pilot_end, end)
    np.testing.assert_array_equal(a.counts["pilots_run"] - batch.counts["pilots_run"], n_new)
    np.testing.assert_array_equal(a.counts["pilots_marginalised"] - batch.counts["pilots_marginalised"], marginalised)
    assert len(chosen) > 2 and all(g.random() == h.random() for g, h in zip(a.rngs, b.rngs))


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 136, 255, 256, 300, 1000])
def test_pairwise_sum_adds_as_numpys_sum(n):
    g = np.random.default_rng(n)
    for lo in (0, 3):
        a = g.random(n + lo + 2) ** 4 * 10.0 ** g.integers(-9, 9, n + lo + 2)  # magnitudes where the order shows
        assert kernels.pairwise_sum(a, lo, n) == a[lo:lo + n].sum()


def test_weighted_samples_draw_group_by_group_as_the_array_rule():
    # groups of 1-300 candidates (NumPy's sum changes its order at 8 and 128), 0 to all of them picked, weights
    # over nine orders of magnitude (repeats, so second and third rounds of draws, happen in some groups)
    cases = np.random.default_rng(11)
    for case in range(200):
        R = int(cases.integers(1, 7))
        m = cases.choice([1, 2, 5, 9, 40, 130, 300], R)
        k = np.array([int(cases.integers(0, min(x, 6) + 1)) for x in m])
        k = np.where(cases.random(R) < 0.1, m, k)  # every candidate picked
        weights = cases.random(int(m.sum())) ** 3 + 1e-9
        bounds = np.r_[0, np.cumsum(m)]
        ours = [np.random.default_rng([case, r]) for r in range(R)]
        theirs = [np.random.default_rng([case, r]) for r in range(R)]
        picked = rules.weighted_samples(lambda counts: np.concatenate([g.random(c) for g, c in zip(ours, counts)]),
                                        k, weights, bounds)
        expected = [bounds[r] + weighted_sample_with_arrays(theirs[r], k[r], weights[bounds[r]:bounds[r + 1]])
                    for r in range(R)]
        np.testing.assert_array_equal(picked, np.concatenate(expected))
        assert all(x.random() == y.random() for x, y in zip(ours, theirs))  # as many draws from each


def test_one_round_of_picking_counts_what_is_still_missing():
    weights = np.array([1.0, 1e-9, 1e-9, 3.0, 2.0, 2.0])
    bounds, k = np.array([0, 4, 6]), np.array([2, 1])
    shares, picked, n_picked = np.empty(6), np.empty(3, np.int64), np.zeros(2, np.int64)
    # group 0 draws twice, both in the last position's share, group 1 once, in its first position's
    missing = kernels.pick_in_groups(weights, bounds, k, np.array([0.9, 0.95, 0.1]), shares, picked, n_picked)
    assert missing.tolist() == [1, 0] and n_picked.tolist() == [1, 1] and picked[[0, 2]].tolist() == [3, 4]
    # the second round: the position taken counts 0, so the same draw now lands in the first position's share
    missing = kernels.pick_in_groups(weights, bounds, k, np.array([0.9]), shares, picked, n_picked)
    assert missing.tolist() == [0, 0] and picked.tolist() == [3, 0, 4] and shares[3] == 0.0


def test_one_candidate_is_picked_whatever_the_draw():
    for u in (0.0, 0.5, np.nextafter(1.0, 0.0)):
        shares, picked, n_picked = np.empty(1), np.empty(1, np.int64), np.zeros(1, np.int64)
        kernels.pick_in_groups(np.array([1e-9]), np.array([0, 1]), np.array([1]), np.array([u]), shares, picked,
                               n_picked)
        assert picked.tolist() == [0]


# ------------------------------------------------------------------------------------------- monitoring


@pytest.mark.parametrize("support", ["alliances", 1.0, 0.0])
def test_stalls_are_the_array_rule(batch, support):
    a, g = batch, np.random.default_rng(6)
    q, P, rep = batch.q, batch.n_platforms, batch.rep_p
    s = a.support if support == "alliances" else support
    open_conflicts = g.integers(0, 3, P)
    since = a.month - g.integers(0, 12, P)
    since[::4] = a.month - q["conflict_stall_months"][rep[::4]]  # the boundary: open exactly that long is no stall
    attendance = g.random(P)
    attendance[::5] = q["stall_attendance"][rep[::5]]  # the boundary: attendance at the level is not thin
    attendance[1::7] = np.nan  # no planned meeting yet
    extra = g.random(P) < 0.2
    monitoring = g.random(a.replicates)
    u = g.random(P)
    u[::3] = (monitoring * s)[rep[::3]]  # the boundary: a draw equal to the chance detects nothing
    expected, stale = stalls_with_arrays(a, open_conflicts, since, attendance, extra, u, monitoring, s)
    extra_after = extra | expected
    detected, ours_stale = kernels.stalls(open_conflicts, since, a.month, q["conflict_stall_months"], attendance,
                                          q["stall_attendance"], extra, u, monitoring, s, rep)
    np.testing.assert_array_equal(detected, expected)
    np.testing.assert_array_equal(ours_stale, stale)
    np.testing.assert_array_equal(extra, extra_after)
    assert support == 0.0 or (expected.any() and stale.any())


# ------------------------------------------------------------------------------------------- conflicts


def test_seats_taken_are_the_array_rule(batch, alone):
    for a in (batch, alone):
        count, meeting = kernels.seats_taken(a.seat_who, a.seat_platform, a.rep_s, a.n_platforms, a.replicates)
        np.testing.assert_array_equal(count, np.bincount(a.seat_platform, minlength=a.n_platforms))
        np.testing.assert_array_equal(meeting, a.total(a.rep_s[a.seat_who]) >= 2)
    count, meeting = kernels.seats_taken(np.array([3]), np.array([0]), batch.rep_s, batch.n_platforms, batch.replicates)
    assert count.sum() == 1 and not meeting.any()  # one seat is no meeting


@pytest.mark.parametrize("mediation, support", [(None, "alliances"), (0.0, "alliances"), (1.0, 1.0), (1.0, 0.0)])
def test_escalation_chance_is_the_array_rule(batch, alone, mediation, support):
    for a in (batch, alone):
        q = a.q
        m = q["mediation"] if mediation is None else np.full(a.replicates, mediation)
        s = a.support if support == "alliances" else support
        trust = a.platform_trust()
        ours = kernels.escalation_chance(a.n_platforms, a.seat_who, a.seat_platform, a.interests, a.power, a.view,
                                         trust, q["conflict_propensity"], q["mutual_trust"], m, s, a.rep_p)
        np.testing.assert_array_equal(ours, escalation_with_arrays(a, trust, m, s))
    np.testing.assert_array_equal(batch.escalation_chance(),
                                  escalation_with_arrays(batch, batch.platform_trust(), batch.q["mediation"],
                                                         batch.support))
    assert (batch.escalation_chance() > 0).any()


def test_conflicts_raised_are_the_array_rule(batch):
    g, P = np.random.default_rng(7), batch.n_platforms
    count = g.integers(0, 4, P)
    chance, u = g.random(P), g.random(P)
    u[::3] = chance[::3]  # the boundary: a draw equal to the chance starts none
    u[1::5] = np.nan  # an alliance without a meeting draws nothing
    np.testing.assert_array_equal(kernels.conflicts_raised(count, u, chance), (count >= 2) & (u < chance))


def test_opening_conflicts_is_the_array_rule(batch):
    a, g = batch, np.random.default_rng(8)
    new = g.random(a.n_platforms) < 0.4
    open_conflicts = g.integers(0, 2, a.n_platforms)
    since = np.where(open_conflicts > 0, a.month - 3, -1)
    expected_since = np.where(new & (open_conflicts == 0), a.month + 1, since)
    expected_open, arisen = open_conflicts + new, a.total(a.rep_p[new])
    ours = kernels.open_conflicts_at(new, open_conflicts, since, a.month + 1, a.rep_p, a.replicates)
    np.testing.assert_array_equal(ours, arisen)
    np.testing.assert_array_equal(open_conflicts, expected_open)
    np.testing.assert_array_equal(since, expected_since)
    assert (new & (expected_open > 1)).any()  # a second conflict keeps the first one's month


def test_settling_conflicts_is_the_array_rule(batch):
    a, g = batch, np.random.default_rng(9)
    open_conflicts = g.integers(0, 3, a.n_platforms)
    resolved = np.minimum(open_conflicts, g.integers(0, 2, a.n_platforms))
    since = np.where(open_conflicts > 0, a.month - 2, -1)
    rate = g.random(a.replicates)
    left = open_conflicts - resolved
    expected_since = np.where(left == 0, -1, since)
    trust, commitment = a.trust.copy(), a.commitment.copy()
    kernels.strain_under_conflict(trust, commitment, a.live_ties, a.edge_platform, left > 0, rate, a.rep_t,
                                  a.seated_members, a.home, a.rep_s)
    mine_t, mine_c = a.trust.copy(), a.commitment.copy()
    closed = kernels.settle_conflicts(open_conflicts, resolved, since, a.rep_p, a.replicates, mine_t, mine_c,
                                      a.live_ties, a.edge_platform, rate, a.rep_t, a.seated_members, a.home, a.rep_s)
    np.testing.assert_array_equal(closed, a.total(a.rep_p, resolved))
    np.testing.assert_array_equal(open_conflicts, left)
    np.testing.assert_array_equal(since, expected_since)
    np.testing.assert_array_equal(mine_t, trust)
    np.testing.assert_array_equal(mine_c, commitment)
    assert closed.dtype == np.float64 and (left > 0).any() and ((left == 0) & (resolved > 0)).any()


def at_a_meeting(a):
    """A copy of ``a`` in the next month with meetings held."""
    a = copy.deepcopy(a)
    while True:
        a.month += 1
        a.hold_meetings()
        if len(a.seat_who) > 2:
            return a


def test_interest_variance_is_numpys_var_over_those_at_the_meeting(batch, alone):
    for a in (at_a_meeting(batch), at_a_meeting(alone)):
        P = a.n_platforms
        new = np.ones(P, dtype=bool)
        new[1::3] = False
        ours = kernels.interest_variance(new, a.seat_who, a.seat_platform, a.interests)
        seats = np.bincount(a.seat_platform, minlength=P)
        for k in range(P):
            here = a.interests[a.seat_who[a.seat_platform == k]]
            np.testing.assert_array_equal(ours[k], here.var(axis=0) if new[k] and seats[k] else np.zeros(4))
        assert (new & (seats > 2)).any()
    # one seat varies by nothing; a flagged platform without seats gives 0, not a division by zero
    one = kernels.interest_variance(np.array([True, True]), np.array([4]), np.array([0]), batch.interests)
    assert one.tolist() == [[0.0] * 4, [0.0] * 4]


@pytest.mark.parametrize("propensity", [0.0, 1.0])
def test_arising_conflicts_open_and_are_told_as_the_array_rule(propensity):
    a = mid_run(20, conflict_propensity=propensity)
    for _ in range(3):
        a.month += 1
        a.hold_meetings()
        b = copy.deepcopy(a)
        a.arise_conflicts()
        arise_conflicts_with_arrays(b)
        for name in ("open_conflicts", "conflict_since"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        np.testing.assert_array_equal(a.counts["conflicts_arisen"], b.counts["conflicts_arisen"])
        assert [log.records for log in a.logs] == [log.records for log in b.logs]
        assert all(x.random() == y.random() for x, y in zip(a.rngs, b.rngs))
    assert (a.counts["conflicts_arisen"].sum() > 0) == (propensity > 0)


@pytest.mark.parametrize("management", [None, 0.0, 1.0])
def test_managing_conflicts_draws_as_the_array_rule(management):
    a = mid_run(24)
    g = np.random.default_rng(12)
    a.open_conflicts = g.integers(0, 3, a.n_platforms) * (g.random(a.n_platforms) < 0.5)
    a.open_conflicts[a.p_start[2]:a.p_start[3]] = 0  # an alliance without conflict draws nothing
    a.conflict_since = np.where(a.open_conflicts > 0, a.month - 4, -1)
    if management is not None:
        for p in a.ps:
            p["conflict_management"] = management
    b = copy.deepcopy(a)
    before = a.open_conflicts.copy()
    a.manage_conflicts()
    manage_conflicts_with_arrays(b)
    for name in ("open_conflicts", "conflict_since", "trust", "commitment"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    np.testing.assert_array_equal(a.counts["conflicts_resolved"], b.counts["conflicts_resolved"])
    assert all(x.random() == y.random() for x, y in zip(a.rngs, b.rngs))
    assert (a.open_conflicts < before).any() == (management != 0.0)  # something resolved, unless management is nil
