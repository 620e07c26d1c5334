"""The compiled loops of resources, ownership and the enabling environment (model/kernels.py, section funding)
against the rules written with NumPy arrays (the form model/funding.py and model/environment.py had before,
copied here as the oracle): the same numbers to the bit, on mid-run alliances of different parameters and
mobilisation orders in a batch, with members drawn at random (an alliance without members and one with a
single member among them) and parameters at their ends."""

from __future__ import annotations

import numpy as np
import pytest

from model import kernels
from model.alliance import Alliances
from model.states import MEMBERSHIP, STAGE

SIZES = dict(n_districts=3, n_national_orgs=6, n_district_orgs=3, n_pilot_communities=30, n_outside_communities=40)
ORDERS = ["core_group", "top_down", "bottom_up", "champions_first", "blockers_early"]
INITIATORS = ["project", "government", "ngo", "knowledge_institute", "government"]


@pytest.fixture(scope="module")
def batch() -> Alliances:
    """Five alliances of different parameters, mobilisation orders and initiators, 30 months in."""
    g = np.random.default_rng(17)
    parts = [Alliances({**SIZES, "mobilisation_order": o, "initiator": i, "mediation": float(g.random()),
                        "transparency": float(g.random()), "inside_obstruction": float(g.random()),
                        "ownership_months": int(g.integers(1, 60))}, np.random.default_rng(40 + k))
             for k, (o, i) in enumerate(zip(ORDERS, INITIATORS))]
    a = Alliances.together(parts)
    for _ in range(30):
        a.step()
    return a


def members_drawn(a, seed, share=0.6):
    """A random membership: replicate 0 without members, replicate 1 with one (an organisation)."""
    members = np.random.default_rng(seed).random(a.n) < share
    s = a.s_start
    members[s[0]:s[1]] = False
    members[s[1]:s[2]] = False
    members[a.org_index[a.rep_s[a.org_index] == 1][0]] = True
    return members


def at_ends(values, ends=(0.0, 1.0)):
    """The replicates' values with the first ones at the parameter's ends."""
    out = np.array(values, dtype=float)
    out[:len(ends)] = ends
    return out


def weighted_share(a, rep, flags, weights):
    total = np.bincount(rep, weights=weights, minlength=a.replicates)
    flagged = np.bincount(rep, weights=weights * flags, minlength=a.replicates)
    return np.divide(flagged, total, out=np.zeros(a.replicates), where=total > 0)


SEEDS = [1, 2, 3]


# --- ownership --------------------------------------------------------------------------------------------------
def ownership_with_arrays(a, members, month, ownership_months):
    rep = a.rep_s[members]
    maturity = np.minimum(1.0, (month - a.joined[members]) / ownership_months[rep])
    n = np.bincount(rep, minlength=a.replicates)
    owned = np.bincount(rep, weights=a.commitment[members] * a.role_clarity[members] * maturity,
                        minlength=a.replicates)
    return np.divide(owned, n, out=np.zeros(a.replicates), where=n > 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_ownership_is_the_array_rule_to_the_bit(batch, seed):
    a = batch
    members = members_drawn(a, seed)
    months = np.array([1, 5, 12, 36, 240])
    for month in (a.month, a.month + 20):
        ours = kernels.ownership_of(members, a.rep_s, month, a.joined, months, a.commitment, a.role_clarity,
                                    a.replicates)
        np.testing.assert_array_equal(ours, ownership_with_arrays(a, members, month, months))
        assert ours[0] == 0.0 and ours[1] > 0


# --- planned cost -----------------------------------------------------------------------------------------------
def planned_cost_with_arrays(a, members, platform_size, q):
    platforms = np.bincount(a.rep_p[platform_size > 1], minlength=a.replicates)
    cost = (q["cost_facilitator_month"] + q["meetings_per_year"] / 12 * platforms * q["cost_meeting"]
            + q["pilots_per_year"] / 12 * q["cost_pilot"]
            + q["dissemination_events_per_year"] / 12 * q["cost_dissemination_event"])
    return np.where(np.bincount(a.rep_s[members], minlength=a.replicates) > 0, cost, 0.0)


def unit_costs(a, g):
    q = dict(a.q)
    for name in ("cost_facilitator_month", "meetings_per_year", "cost_meeting", "pilots_per_year", "cost_pilot",
                 "dissemination_events_per_year", "cost_dissemination_event"):
        q[name] = g.random(a.replicates) * 20
    return q


@pytest.mark.parametrize("seed", SEEDS)
def test_planned_cost_is_the_array_rule_to_the_bit(batch, seed):
    a, g = batch, np.random.default_rng(seed)
    members = members_drawn(a, seed)
    platform_size = g.integers(0, 4, a.n_platforms)
    q = unit_costs(a, g)
    ours = kernels.planned_costs(platform_size, a.rep_p, members, a.rep_s, q["cost_facilitator_month"],
                                 q["meetings_per_year"], q["cost_meeting"], q["pilots_per_year"], q["cost_pilot"],
                                 q["dissemination_events_per_year"], q["cost_dissemination_event"])
    np.testing.assert_array_equal(ours, planned_cost_with_arrays(a, members, platform_size, q))
    assert ours[0] == 0.0 and (ours[1:] > 0).all()
    np.testing.assert_array_equal(a.planned_cost(), planned_cost_with_arrays(a, a.members, a.platform_size, a.q))


# --- who pays ---------------------------------------------------------------------------------------------------
def pay_with_arrays(a, s, q):
    rs, month, planned, members = a.rep_s, s["month"], s["planned"], s["members"]
    g = s["government"]
    embedded = weighted_share(a, rs[g], s["stage"][g] >= STAGE.IMPLEMENTATION, a.power[g])
    m = members & a.can_adopt
    agreed = np.bincount(rs[m], weights=a.capacity[m] * a.commitment[m] * a.role_clarity[m] * s["shares"][m],
                         minlength=a.replicates)
    contributions = q["contribution_rate"] * (0.5 + 0.5 * q["transparency"]) * agreed
    initiator_active = s["membership"][a.initiator] == MEMBERSHIP.MEMBER
    line = np.where(initiator_active & g[a.initiator], s["budget_line"], 0.0)
    budget = q["government_budget"] * q["n_districts"] * np.maximum(embedded, line)
    funded = month <= q["project_exit_month"]
    by_members = np.minimum(contributions, planned)
    by_government = np.minimum(budget, planned - by_members)
    paying = planned > 0
    support = np.where(funded, 1.0, np.divide(by_members + by_government, planned, out=np.ones(a.replicates),
                                              where=paying))
    spent = planned * support
    by_project = np.maximum(0.0, spent - by_members - by_government)
    payers = np.empty((a.replicates, 3))
    for k, (purse, none_spent) in enumerate(((by_project, 0.0), (by_members, 1.0), (by_government, 0.0))):
        payers[:, k] = np.divide(purse, spent, out=np.full(a.replicates, none_spent), where=spent > 0)
    payers[~paying] = np.where(funded[~paying, None], (1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
    drive = np.where(initiator_active, q["initiator_drive"] * s["drive"] * (1 - s["ownership"]), 0.0)
    return embedded, support, payers, drive


def purses(a, seed, month):
    """A mid-run state of the purses: random members, stages, shares paid, government bodies and plans (one
    alliance with nothing planned), parameters at their ends in some alliances."""
    g = np.random.default_rng(seed)
    members = members_drawn(a, seed)
    membership = np.where(members, MEMBERSHIP.MEMBER, MEMBERSHIP.DROPPED).astype(a.membership.dtype)
    membership[a.initiator[::2]] = MEMBERSHIP.MEMBER
    government = a.government | (g.random(a.n) < 0.05)
    government[a.initiator[1::2]] = True
    q = dict(a.q)
    q["contribution_rate"] = at_ends(g.random(a.replicates), (0.0, 1.0, 5.0))
    q["transparency"] = at_ends(g.random(a.replicates), (1.0, 0.0))
    q["government_budget"] = at_ends(g.random(a.replicates) * 50, (0.0,))
    q["project_exit_month"] = np.array([month - 1, month, month + 1, 0, month - 10])
    q["initiator_drive"] = at_ends(g.random(a.replicates))
    planned = g.random(a.replicates) * 1000
    planned[0] = 0.0
    state = dict(month=month, planned=planned, members=members, membership=membership, government=government,
                 stage=g.integers(0, 6, a.n).astype(a.stage.dtype), shares=g.choice([0.0, 0.5, 1.0, 2.0], a.n),
                 budget_line=at_ends(g.random(a.replicates), (0.0, 1.0, 0.5)), drive=g.random(a.replicates) + 0.5,
                 ownership=at_ends(g.random(a.replicates)))
    return state, q


@pytest.mark.parametrize("seed", SEEDS)
def test_who_pays_is_the_array_rule_to_the_bit(batch, seed):
    a, supports, drives = batch, [], []
    for month in (12, 60):
        s, q = purses(a, seed, month)
        ours = kernels.pay_for_activities(
            s["planned"], s["members"], a.can_adopt, a.rep_s, a.capacity, a.commitment, a.role_clarity, s["shares"],
            s["government"], s["stage"], a.power, s["membership"], MEMBERSHIP.MEMBER, a.initiator, s["budget_line"],
            s["drive"], s["ownership"], month, q["contribution_rate"], q["transparency"], q["government_budget"],
            q["n_districts"], q["project_exit_month"], q["initiator_drive"])
        for got, expected in zip(ours, pay_with_arrays(a, s, q)):
            np.testing.assert_array_equal(got, expected)
        supports.append(ours[1])
        drives.append(ours[3])
    supports, drives = np.concatenate(supports), np.concatenate(drives)
    assert (supports < 1).any() and (supports == 1).any() and (drives > 0).any() and (drives == 0).any()


def test_who_pays_when_members_pay_it_all_and_when_nobody_pays(batch):
    a = batch
    s, q = purses(a, 5, 40)
    s["planned"][:] = 10.0
    q["project_exit_month"][:] = 0
    q["government_budget"][:] = 0.0
    for rate, support_expected in ((1e6, 1.0), (0.0, 0.0)):  # after the exit, no government budget
        q["contribution_rate"][:] = rate
        ours = kernels.pay_for_activities(
            s["planned"], s["members"], a.can_adopt, a.rep_s, a.capacity, a.commitment, a.role_clarity,
            np.ones(a.n), s["government"], s["stage"], a.power, s["membership"], MEMBERSHIP.MEMBER, a.initiator,
            np.zeros(a.replicates), s["drive"], s["ownership"], 40, q["contribution_rate"], q["transparency"],
            q["government_budget"], q["n_districts"], q["project_exit_month"], q["initiator_drive"])
        for got, expected in zip(ours, pay_with_arrays(a, {**s, "shares": np.ones(a.n),
                                                              "budget_line": np.zeros(a.replicates)}, q)):
            np.testing.assert_array_equal(got, expected)
        support, payers = ours[1], ours[2]
        # alliances 2-4, many members: all or nothing of the plan happens, and members pay (or give their time)
        assert (support[2:] == support_expected).all()
        np.testing.assert_array_equal(payers[2:], [[0.0, 1.0, 0.0]] * 3)


# --- the month's accounts ---------------------------------------------------------------------------------------
COUNTERS = ("member_months", "facilitator_months", "meetings", "pilots_run", "dissemination_events", "cost",
            "cost_project", "cost_members", "cost_government")


def account_with_arrays(a, members, support, payers, c, q):
    n_members = np.bincount(a.rep_s[members], minlength=a.replicates)
    c["member_months"] += n_members
    c["facilitator_months"] += np.where(n_members > 0, support, 0.0)
    cost = (c["facilitator_months"] * q["cost_facilitator_month"] + c["meetings"] * q["cost_meeting"]
            + c["pilots_run"] * q["cost_pilot"] + c["dissemination_events"] * q["cost_dissemination_event"])
    spent = cost - c["cost"]
    c["cost"] = cost
    for k, purse in enumerate(("cost_project", "cost_members", "cost_government")):
        c[purse] += spent * payers[:, k]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_accounts_are_the_array_rule_to_the_bit(batch, seed):
    a, g = batch, np.random.default_rng(seed)
    members = members_drawn(a, seed)
    support = at_ends(g.random(a.replicates))
    payers = g.dirichlet(np.ones(3), a.replicates)
    q = unit_costs(a, g)
    c = {k: g.random(a.replicates) * 100 for k in COUNTERS}
    expected = {k: v.copy() for k, v in c.items()}
    account_with_arrays(a, members, support, payers, expected, q)
    c["cost"] = kernels.account(members, a.rep_s, support, payers, *(c[k] for k in COUNTERS),
                                q["cost_facilitator_month"], q["cost_meeting"], q["cost_pilot"],
                                q["cost_dissemination_event"])
    for k in COUNTERS:
        np.testing.assert_array_equal(c[k], expected[k], err_msg=k)


# --- the enabling environment -----------------------------------------------------------------------------------
def organisations(a, seed):
    """Random members, views (some at the blocking and favourable boundaries), stages and power."""
    g = np.random.default_rng(seed)
    members = members_drawn(a, seed)
    view = g.random(a.n)
    view[::7] = 1 / 3
    view[::11] = 0.5
    return members, view, g.integers(0, 6, a.n).astype(a.stage.dtype), g.random(a.n) * 2


def opposition_with_arrays(a, members, view, power, inside_obstruction, mediation, support):
    o = a.org_index
    rep = a.rep_s[o]
    inside = inside_obstruction * (1 - 0.5 * mediation * support)
    weight = np.where(members[o], inside[rep], 1.0)
    return weighted_share(a, rep, view[o] < 1 / 3, power[o] * weight)


@pytest.mark.parametrize("seed", SEEDS)
def test_opposition_is_the_array_rule_to_the_bit(batch, seed):
    a, g = batch, np.random.default_rng(seed)
    members, view, _, power = organisations(a, seed)
    inside, mediation = at_ends(g.random(a.replicates)), at_ends(g.random(a.replicates), (1.0, 0.0))
    support = at_ends(g.random(a.replicates), (1.0, 1.0, 0.0))
    ours = kernels.obstruction(a.org_index, a.rep_s, members, view, power, inside, mediation, support)
    np.testing.assert_array_equal(ours, opposition_with_arrays(a, members, view, power, inside, mediation, support))
    assert ((ours > 0) & (ours < 1)).any()
    np.testing.assert_array_equal(a.opposition(), opposition_with_arrays(
        a, a.members, a.view, a.power, a.q["inside_obstruction"], a.q["mediation"], a.support))


def environment_with_arrays(a, env, stage, power, evidence, support, env_gain, env_drag, obstruction):
    o = a.org_index
    adoption = weighted_share(a, a.rep_s[o], stage[o] >= STAGE.IMPLEMENTATION, power[o])
    carried = evidence * support
    gain = env_gain * (adoption + carried) / 2 * (1 - env)
    return np.minimum(1.0, np.maximum(0.0, env + gain - env_drag * obstruction * env))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_environment_is_the_array_rule_to_the_bit(batch, seed):
    a, g = batch, np.random.default_rng(seed)
    _, _, stage, power = organisations(a, seed)
    env, evidence, support, obstruction = (at_ends(g.random(a.replicates)) for _ in range(4))
    env_gain, env_drag = at_ends(g.random(a.replicates), (1.0, 0.0)), at_ends(g.random(a.replicates), (0.0, 1.0))
    env_drag[2] = 50.0  # an erosion beyond E: held at 0
    ours = kernels.enable(env, a.org_index, a.rep_s, stage, power, evidence, support, env_gain, env_drag, obstruction)
    expected = environment_with_arrays(a, env, stage, power, evidence, support, env_gain, env_drag, obstruction)
    np.testing.assert_array_equal(ours, expected)
    assert ((ours > 0) & (ours < 1)).any()


def institutional_pull_with_arrays(a, members, view, power, evidence):
    o = a.org_index
    rep_o, view_o, inside = a.rep_s[o], view[o], members[o]
    rep = rep_o[inside]
    n = np.bincount(rep, minlength=a.replicates)
    mean = np.divide(np.bincount(rep, weights=view_o[inside], minlength=a.replicates), n,
                     out=np.full(a.replicates, np.nan), where=n > 0)
    d = view_o[inside] - mean[rep]
    var = np.divide(np.bincount(rep, weights=d * d, minlength=a.replicates), n, out=np.full(a.replicates, np.nan),
                    where=n > 0)
    coherence = np.maximum(0.0, 1 - 2 * np.sqrt(var))
    convinced = weighted_share(a, rep_o, inside & (view_o >= 0.5), power[o])
    return np.where(n >= 2, coherence * convinced * evidence, 0.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_institutional_pull_is_the_array_rule_to_the_bit(batch, seed):
    a, g = batch, np.random.default_rng(seed)
    members, view, _, power = organisations(a, seed)
    view[a.org_index[a.rep_s[a.org_index] == 4]] = 0.7  # a coherent alliance
    evidence = at_ends(g.random(a.replicates), (1.0, 1.0, 0.0))
    ours = kernels.pull_to_mandates(a.org_index, a.rep_s, members, view, power, evidence)
    np.testing.assert_array_equal(ours, institutional_pull_with_arrays(a, members, view, power, evidence))
    assert ours[0] == 0.0 and ours[1] == 0.0 and ours[4] > 0  # no member organisations, one, a coherent alliance
    np.testing.assert_array_equal(a.institutional_pull(), institutional_pull_with_arrays(
        a, a.members, a.view, a.power, a.evidence_level()))
