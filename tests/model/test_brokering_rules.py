"""Model v3's rules pinned at their boundaries (issue 16): facilitation whose returns follow the tension it works
on, power and brokering over designs and pilots, the agenda that settles as roles are agreed, equal founding
size under every mobilisation order, and what each initiator type brings.

Each test sets a small state by hand, calls one mechanism and checks its value against the formula in the
mechanism's docstring (and docs/ODD.md section 7) at both ends of each input and at an interior point other
than the default. Deterministic: no test depends on a random draw.
"""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.population import INITIATORS
from model.registry import MOBILISATION_ORDERS
from model.states import Membership

from .test_mechanism_units import SMALL, small  # the same small country as the other mechanism unit tests


# --- trust: mediation works on the distrust there is ------------------------------------------------------
@pytest.mark.parametrize("mediation, support, mutual", [(0.0, 1.0, 0.5), (1.0, 1.0, 0.5), (1.0, 0.5, 0.0),
                                                        (0.3, 1.0, 1.0)])
def test_trust_builds_at_half_speed_plus_mediation_times_distrust(mediation, support, mutual):
    m = small(months=6, mediation=mediation, mutual_trust=mutual, trust_gain=0.2)
    m.support = support
    m.attend[:] = m.attend_bridge[:] = True  # everyone met at every platform they sit on
    e = m.shared_ties
    before = np.linspace(0.0, 1.0, len(e))  # both ends of the trust range and the inside
    m.trust[e] = before
    m.build_trust()
    rate = np.minimum(1.0, 0.2 * (0.5 + mediation * support * (1 - before)) * (0.5 + mutual))
    assert m.trust[e] == pytest.approx(before + rate * (1 - before))


def test_mediation_doubles_trust_building_between_strangers_and_adds_nothing_at_full_trust():
    calm, mediated = small(months=6, mediation=0.0), small(months=6, mediation=1.0)
    for m in (calm, mediated):
        m.support = 1.0
        m.attend[:] = m.attend_bridge[:] = True
        m.trust[m.shared_ties[:2]] = (0.0, 1.0)
        m.build_trust()
    e = calm.shared_ties[:2]
    assert mediated.trust[e[0]] == pytest.approx(3 * calm.trust[e[0]])  # rate x (0.5 + 1) vs x 0.5
    assert mediated.trust[e[1]] == calm.trust[e[1]] == 1.0


# --- conflict: mediation defuses a share of the escalations there are ------------------------------------
def seat_everyone(m) -> model.LearningAlliance:
    """Every current member at its primary platform's meeting this month."""
    m.seat_who = np.flatnonzero(m.seated_members)
    m.seat_platform = m.platform[m.seat_who]
    return m


@pytest.mark.parametrize("mediation, support, factor", [(1.0, 1.0, 0.5), (1.0, 0.0, 1.0), (0.4, 0.5, 0.9)])
def test_mediation_removes_a_share_of_the_escalation_chance(mediation, support, factor):
    m = seat_everyone(small(months=12, mediation=0.0))
    m.support = support
    base = m.escalation_chance()
    assert base.max() > 0
    m.p["mediation"] = mediation
    assert m.escalation_chance() == pytest.approx(base * factor)  # x (1 - mediation x support / 2)


def test_escalation_reads_tension_distrust_and_mutual_trust():
    m = seat_everyone(small(months=12, mediation=0.0, mutual_trust=0.5))
    m.support = 1.0
    base = m.escalation_chance()
    m.p["mutual_trust"] = 1.0
    assert m.escalation_chance() == pytest.approx(base * 0.5)  # (1.5 - 1) / (1.5 - 0.5)
    m.p["mutual_trust"] = 0.5
    m.trust[m.live_ties] = 1.0  # full trust on every member tie: nothing escalates
    assert (m.escalation_chance()[m.platform_trust() == 1.0] == 0).all()


# --- designs: each community's own platform, tailored by brokering ---------------------------------------
def community_platform(m, c):
    return 1 + m.p["n_districts"] + m.community_district[c]


def test_outside_communities_are_tailored_like_members():
    m = small(mediation=1.0)
    m.support = 1.0
    out = np.flatnonzero(m.is_community & (m.platform < 0))
    assert len(out)
    m.agenda[:] = (1.0, 0.0, 0.0, 0.0)
    m.interests[out] = (0.75, 0.25, 0.0, 0.0)  # total-variation distance 0.25 to the agenda
    m.fit_designs()
    assert m.fit[out] == pytest.approx(1 - 2 * 0.25 * (1 - 0.5))  # tailoring 1/2 closes half of it


def test_before_any_agenda_designs_are_an_even_mix():
    m = small(mediation=0.0)
    c = np.flatnonzero(m.is_community)
    distance = 0.5 * np.abs(m.interests[c] - 0.25).sum(axis=1)
    assert m.fit[c] == pytest.approx(np.maximum(0.0, 1 - 2 * distance))  # set at month 0, not a perfect 1


def test_designs_follow_each_communitys_own_platform_then_the_level_up():
    m = small(mediation=0.0)
    D = m.p["n_districts"]
    c = np.flatnonzero(m.is_community)
    d0 = c[m.community_district[c] == 0]
    d1 = c[m.community_district[c] == 1]
    assert len(d0) and len(d1)
    domestic, irrigation, livestock = np.eye(4)[0], np.eye(4)[1], np.eye(4)[2]
    m.agenda[:] = np.nan
    m.agenda[0] = livestock           # national platform
    m.agenda[1:1 + D] = irrigation    # district platforms
    m.agenda[1 + D] = domestic        # district 1's community platform; district 2's has none yet
    m.interests[d0] = domestic
    m.interests[d1] = irrigation
    m.fit_designs()
    assert (m.fit[d0] == 1.0).all()  # its own community platform's agenda (outside communities too)
    assert (m.fit[d1] == 1.0).all()  # no community agenda yet: its district platform's, not the national one
    m.agenda[1:1 + D] = np.nan
    m.interests[d1] = livestock
    m.fit_designs()
    assert (m.fit[d1] == 1.0).all()  # no district agenda either: the national one
    m.agenda[0] = np.nan
    m.interests[d1] = 0.25
    m.fit_designs()
    assert (m.fit[d1] == 1.0).all()  # nothing set: an even mix


# --- power: voice steers the agenda and the pilots unless brokered ----------------------------------------
@pytest.mark.parametrize("distortion, empowerment, support, exponent", [
    (0.0, 0.0, 1.0, 0.0),   # no distortion: everyone weighs the same
    (1.0, 0.0, 1.0, 2.0),   # unbrokered: power squared
    (1.0, 1.0, 1.0, 0.0),   # fully brokered: everyone weighs the same
    (1.0, 1.0, 0.5, 1.0),   # brokering half paid for
    (0.6, 0.25, 1.0, 0.9),  # interior point: 2 x 0.6 x (1 - 0.25)
])
def test_pilot_hosts_are_weighted_by_voice(distortion, empowerment, support, exponent):
    m = small(power_distortion=distortion, empowerment=empowerment, equity=0.4)
    m.support = support
    hosts = np.flatnonzero(m.is_community & (m.platform >= 0))
    need = np.where(m.marginalised[hosts], 1.0, 0.3) * (1 - m.capacity[hosts])
    base = 0.6 * m.capacity[hosts] + 0.4 * need
    assert m.host_weight(hosts) == pytest.approx(base * m.power[hosts] ** exponent + 1e-9)


# --- the agenda settles as roles are agreed ----------------------------------------------------------------
@pytest.mark.parametrize("clarity", [0.0, 1.0, 0.4])
def test_agenda_moves_by_plasticity_times_what_is_not_yet_agreed(clarity):
    m = small(agenda_plasticity=0.5, power_distortion=0.0)
    k = 1 + m.p["n_districts"]  # district 1's community platform
    here = np.flatnonzero(m.platform == k)[:4]  # four of its communities, seated by hand
    m.set_membership(here, Membership.MEMBER)
    assert len(here) == 4 and (m.seated_members[here]).all()
    m.role_clarity[here] = clarity
    m.interests[here] = (0.0, 0.0, 0.0, 1.0)  # everyone present wants enterprise water
    m.agenda[k] = (1.0, 0.0, 0.0, 0.0)
    m.seat_who, m.seat_platform = here, np.full(len(here), k)
    m.set_agenda()
    step = 0.5 * (1 - clarity)
    assert m.agenda[k] == pytest.approx((1 - step, 0.0, 0.0, step))


# --- stakeholder analysis: inclusiveness decides whether marginalised groups are seen ---------------------
@pytest.mark.parametrize("inclusiveness, factor", [(0.0, 0.5), (1.0, 1.0), (0.3, 0.65)])
def test_analysis_finds_marginalised_groups_as_far_as_it_values_inclusiveness(inclusiveness, factor):
    m = small(inclusiveness=inclusiveness, analysis_accuracy=0.8, analysis_blocker_coverage=0.3)
    c = np.flatnonzero(m.marginalised)
    m.view[c[:2]] = 0.1  # a community with a low view is not a blocking organisation: inclusiveness still counts
    chance = m.identification_chance()
    blocker = (m.view < 1 / 3) & m.org
    assert chance[c[:2]] == pytest.approx(0.8 * factor)
    marg = m.marginalised & ~blocker
    assert marg.any() and chance[marg] == pytest.approx(0.8 * factor)
    assert chance[~m.marginalised & ~blocker] == pytest.approx(0.8)
    assert chance[blocker] == pytest.approx(0.3)


# --- mobilisation order: equal founding size, the order decides who --------------------------------------
def test_every_order_founds_the_alliance_with_the_same_number_of_members():
    sizes = {order: int(small(mobilisation_order=order, core_group_size=4).members.sum())
             for order in MOBILISATION_ORDERS}
    assert set(sizes.values()) == {4}, sizes


def test_existing_network_founds_with_network_members_and_invites_the_network_first():
    m = small(mobilisation_order="existing_network", existing_network_share=0.5, core_group_size=3)
    i = m.initiator
    tied = np.r_[m.dst[m.src == i], m.src[m.dst == i]]
    tied_network = tied[m.org[tied] & m.in_network[tied]]
    founders = np.flatnonzero(m.members & m.not_initiator)
    assert len(founders) == 2 and m.in_network[founders].sum() == min(2, len(tied_network))
    # a network stakeholder with fewer ties to members comes before an outsider with more
    candidates = np.flatnonzero(m.membership == Membership.NOT_INVITED)
    ties = m.member_ties(candidates)
    outsider = candidates[~m.in_network[candidates]][np.argmax(ties[~m.in_network[candidates]])]
    insider = candidates[m.in_network[candidates]][np.argmin(ties[m.in_network[candidates]])]
    assert m.member_ties(np.array([outsider]))[0] > m.member_ties(np.array([insider]))[0]
    pair = np.array([outsider, insider])
    assert list(pair[m.invitation_order(pair)]) == [insider, outsider]


# --- initiators: what each type brings -------------------------------------------------------------------
def test_a_government_initiator_pays_its_budget_line_after_exit_while_a_member():
    m = small(months=14, project_exit_month=12, initiator="government", contribution_rate=0.0,
              government_budget=0.5)
    assert m.government[m.initiator]
    gov = np.flatnonzero(m.government)
    m.stage[gov] = 0  # no government body implements MUS: embedding is 0
    m.set_membership([m.initiator], Membership.MEMBER)
    m.fund()
    line = INITIATORS["government"].budget_line
    budget = 0.5 * SMALL["n_districts"]
    assert m.embedded == 0 and m.support == pytest.approx(min(1.0, budget * line / m.planned_cost()))
    m.stage[gov] = 4  # every government body implements: embedding 1 > the line, the larger pays (not the sum)
    m.fund()
    assert m.embedded == 1 and m.support == pytest.approx(min(1.0, budget / m.planned_cost()))
    m.stage[gov] = 0
    m.set_membership([m.initiator], Membership.DROPPED)
    m.fund()
    assert m.support == 0.0  # the line goes with the initiator


def test_only_a_government_body_commits_a_budget_line():
    # at community level the 'government' initiator is a water committee (INITIATOR_KINDS): no budget of its own
    m = small(months=14, project_exit_month=12, initiator="government", initiator_level="community",
              contribution_rate=0.0, government_budget=0.5)
    assert not m.government[m.initiator]
    m.stage[m.government] = 0
    m.set_membership([m.initiator], Membership.MEMBER)
    m.fund()
    assert m.support == 0.0


@pytest.mark.parametrize("initiator", ["government", "knowledge_institute", "ngo"])
def test_nobody_initiates_an_alliance_for_what_it_blocks(initiator):
    from model.population import INITIATOR_KINDS, KIND_INDEX
    from model.states import Level
    want = KIND_INDEX[INITIATOR_KINDS[initiator][Level.NATIONAL]]
    tried = 0
    for seed in range(12):  # 3 organisations of each national type, half the organisations blocking
        m = model.build_model({**SMALL, "n_national_orgs": 18, "initiator": initiator, "share_blockers": 0.5},
                              seed=seed)
        of_type = m.kind == want
        tried += bool((of_type & (m.view < 1 / 3)).any() and (of_type & (m.view >= 1 / 3)).any())
        assert m.kind[m.initiator] == want, seed  # the type the user chose
        if (of_type & (m.view >= 1 / 3)).any():  # one of its type does not block: that one initiates
            assert m.view[m.initiator] >= 1 / 3, seed
    assert tried >= 3  # seeds where the type has both blockers and others: the rule had a choice to make


@pytest.mark.parametrize("initiator", list(INITIATORS))
def test_drive_is_the_initiator_types_share_of_initiator_drive(initiator):
    m = small(months=3, initiator=initiator, initiator_drive=0.9)
    m.set_membership([m.initiator], Membership.MEMBER)
    m.fund()
    assert m.drive == pytest.approx(0.9 * INITIATORS[initiator].drive * (1 - m.ownership))


@pytest.mark.parametrize("initiator", list(INITIATORS))
def test_evidence_convinces_by_the_initiator_types_credibility(initiator):
    m = small(initiator=initiator, evidence_scale=0.1)
    m.counts["evidence"] = 4
    scale = 0.1 * SMALL["n_pilot_communities"] / INITIATORS[initiator].evidence_credibility
    assert m.evidence_level() == pytest.approx(4 / (4 + scale))


def test_join_chance_is_capped_at_one():
    m = small()
    k = 1 + m.p["n_districts"]
    here = np.flatnonzero((m.platform == k) & ~m.marginalised)
    invited, seated = here[:3], here[3:6]
    m.set_membership(seated, Membership.MEMBER)
    m.breadth[invited], m.view[invited] = 1.0, 1.0
    m.role_clarity[:] = 1.0
    m.trust_in_members = lambda who: np.ones(len(who))  # a fully trusted inviter: the base chance is 1
    m.initiator_profile = INITIATORS["ngo"]  # community reach 1.3
    assert (m.join_chance(invited) == 1.0).all()


def test_communities_accept_invitations_by_the_initiator_types_community_reach():
    m = small(months=3)
    invited = np.flatnonzero(m.is_community & (m.platform >= 0))[:6]
    orgs = np.flatnonzero(m.org)[:3]
    m.initiator_profile = INITIATORS["project"]
    base_c, base_o = m.join_chance(invited), m.join_chance(orgs)
    for name, profile in INITIATORS.items():
        m.initiator_profile = profile
        assert m.join_chance(invited) == pytest.approx(np.minimum(1.0, base_c * profile.community_reach)), name
        assert m.join_chance(orgs) == pytest.approx(base_o), name  # organisations are not affected


@pytest.mark.parametrize("initiator", list(INITIATORS))
@pytest.mark.parametrize("member", [True, False])
def test_the_initiator_type_adds_documentation_while_it_is_a_member(initiator, member):
    m = small(months=3, initiator=initiator, documentation=0.3)
    m.set_membership([m.initiator], Membership.MEMBER if member else Membership.DROPPED)
    assert m.documentation_chance() == pytest.approx(0.3 + INITIATORS[initiator].documents * member)


def test_a_knowledge_institute_documents_every_pilot_when_its_share_fills_the_gap():
    m = small(months=6, initiator="knowledge_institute", documentation=1 - INITIATORS["knowledge_institute"].documents)
    m.set_membership([m.initiator], Membership.MEMBER)
    hosts = np.flatnonzero(m.is_community & (m.platform >= 0))[:5]
    m.pilot_host, m.pilot_end = hosts, np.full(len(hosts), m.month)
    before = m.counts["pilots_documented"]
    m.finish_pilots()
    assert m.counts["pilots_documented"] - before == len(hosts)  # chance 1: no draw decides it


def test_pilots_in_marginalised_communities_are_counted_as_they_start():
    m = small(months=6, pilots_per_year=96)  # ~8 pilots a month
    m.set_membership(np.flatnonzero(m.is_community & (m.platform >= 0)), Membership.MEMBER)  # hosts to choose from
    m.support = 1.0
    started = 0
    for _ in range(3):
        before_hosts, before = set(m.pilot_host.tolist()), dict(m.counts)
        m.run_action_research()
        new = np.array([h for h in m.pilot_host.tolist() if h not in before_hosts], dtype=int)
        assert m.counts["pilots_run"] - before["pilots_run"] == len(new)
        assert m.counts["pilots_marginalised"] - before["pilots_marginalised"] == m.marginalised[new].sum()
        started += len(new)
    assert started > 0
