"""Each mechanism's main effect, isolated: one mechanism called on a built model whose arrays are set by hand,
every other path held fixed, and the expected value worked out from the rule in its docstring (issue 12:
breaks of peer influence, the adoption barrier, power in dialogue and government funding passed the whole
suite because the tests of their effects ran the whole model, where other paths also act).

All fast and deterministic: where a mechanism draws random numbers, the state makes the draw irrelevant
(a chance of 0 or ~1) or two copies with the same seed see the same draws.
"""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.registry import ConfigError
from model.scenario import scenario_from_dict
from model.states import Membership, Stage

SMALL = dict(n_districts=2, n_national_orgs=4, n_district_orgs=3, n_pilot_communities=16, n_outside_communities=16)


def small(months: int = 0, seed: int = 4, **overrides) -> model.LearningAlliance:
    m = model.build_model({**SMALL, **overrides}, seed=seed)
    if months:
        m.run_for(months)
    return m


def communities(m) -> np.ndarray:
    return np.flatnonzero(m.is_community)


# --- adoption: peers, barrier, fit, intermediaries -----------------------------------------------------
def neighbours(m, c: int) -> set[int]:
    """Communities tied to community c, read off the tie list."""
    out = {int(m.dst[e]) for e in np.flatnonzero(m.src == c)} | {int(m.src[e]) for e in np.flatnonzero(m.dst == c)}
    return {i for i in out if m.is_community[i]}


def test_communities_listen_to_their_neighbours():
    m = small(peer_locality=0.7)
    comm = communities(m)
    c = next(int(i) for i in comm if len(neighbours(m, i)) >= 2)
    decided = np.zeros(m.n, dtype=bool)
    decided[list(neighbours(m, c))] = True  # all of c's neighbours decided
    global_share = decided[comm].mean()
    share = m.peer_share(decided)
    assert share[c] == pytest.approx(0.3 * global_share + 0.7 * 1.0)
    lonely = next(int(i) for i in comm if not neighbours(m, i) & set(np.flatnonzero(decided)) and i != c
                  and neighbours(m, i))
    assert share[lonely] == pytest.approx(0.3 * global_share)  # has neighbours, none decided


def test_organisations_follow_others_of_their_kind():
    m = small()
    office = m.kind_names.index("district_water_office")
    same = np.flatnonzero(m.kind == office)
    assert len(same) == 2
    decided = np.zeros(m.n, dtype=bool)
    decided[same[0]] = True
    share = m.peer_share(decided)
    assert share[same[1]] == pytest.approx(1 / len(same))
    other_kind = np.flatnonzero(m.org & (m.kind != office))
    assert (share[other_kind] == 0).all()  # no community decided either


def ready_to_decide(**overrides) -> model.LearningAlliance:
    """Every community persuaded, with an adoption hazard so high that only the multipliers under test can
    stop it (chance = 1 - e^-50 before the barrier and design fit)."""
    m = small(**overrides)
    c = communities(m)
    m.stage[c] = Stage.PERSUASION
    m.view[c] = 1.0
    m.push[c] = 50.0
    m.fit[:] = 1.0
    return m


def decided_share(m) -> float:
    c = communities(m)
    return float((m.stage[c] >= Stage.DECISION).mean())


def test_a_poor_environment_holds_communities_back():
    hostile, enabling = ready_to_decide(adoption_barrier=1.0), ready_to_decide(adoption_barrier=1.0)
    hostile.env, enabling.env = 0.0, 1.0
    hostile.adopt()
    enabling.adopt()
    assert decided_share(hostile) == 0.0  # barrier 1 x (1 - E) with E = 0: nobody decides
    assert decided_share(enabling) == 1.0
    half = ready_to_decide(adoption_barrier=0.5)
    half.env = 0.0
    half.adopt()
    assert 0.2 < decided_share(half) < 0.8  # chance ~0.5 for each of 32 communities


def test_designs_that_do_not_fit_are_worth_less():
    fits, misfits = ready_to_decide(design_fit_weight=1.0), ready_to_decide(design_fit_weight=1.0)
    fits.env = misfits.env = 1.0
    misfits.fit[communities(misfits)] = 0.0
    fits.adopt()
    misfits.adopt()
    assert decided_share(fits) == 1.0 and decided_share(misfits) == 0.0


@pytest.mark.parametrize("mediation, support, expected", [
    (0.0, 1.0, (1.0, 0.5, 0.0)),     # no brokering: 1 - 2 x total-variation distance to the agenda
    (1.0, 1.0, (1.0, 0.75, 0.0)),    # full brokering closes half of each gap: distance x 0.5 (floor 0 kept)
    (1.0, 0.5, (1.0, 0.625, 0.0)),   # half paid for: tailoring 0.25, distance x 0.75
    (0.4, 1.0, (1.0, 0.6, 0.0)),     # interior point: tailoring 0.2, distance x 0.8
])
def test_fit_falls_with_the_distance_between_uses_and_design(mediation, support, expected):
    m = small(mediation=mediation)
    m.support = support
    m.agenda[:] = (1.0, 0.0, 0.0, 0.0)  # every platform designs for domestic use only
    c = communities(m)[:3]
    m.interests[c] = ((1.0, 0.0, 0.0, 0.0), (0.75, 0.25, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0))
    m.fit_designs()
    assert m.fit[c] == pytest.approx(expected)
    assert (m.fit[m.org] == 1).all()


def test_trusted_intermediaries_pull_communities():
    m = small(intermediary_strength=0.04, institutional_rate=0.0, bass_p=0.0)
    c = communities(m)
    m.reach[:] = 0.0
    m.push[:] = 0.0
    m.reach[c[0]] = 0.5
    pull = m.innovation()
    assert pull[c[0]] == pytest.approx(0.02)
    assert (pull[c[1:]] == 0).all()


def test_institutional_pull_needs_coherence_convinced_power_and_evidence():
    m = small()
    o = np.flatnonzero(m.org)
    m.set_membership(o, Membership.MEMBER)
    m.view[o] = 0.8
    assert m.institutional_pull() == 0.0  # no evidence yet
    m.counts["evidence"] = 4
    evidence = 4 / (4 + m.p["evidence_scale"] * SMALL["n_pilot_communities"])
    assert m.institutional_pull() == pytest.approx(evidence)  # coherent, all power convinced
    # a divided alliance: half the organisations at 0.2, half at 0.8
    low = o[::2]
    m.view[low] = 0.2
    coherence = 1 - 2 * np.std(m.view[o])
    convinced = m.power[np.setdiff1d(o, low)].sum() / m.power[o].sum()
    assert m.institutional_pull() == pytest.approx(coherence * convinced * evidence)


# --- dialogue: power, entrenchment, mediation -----------------------------------------------------------
def two_in_dialogue(views, powers, entrenchment=(0.0, 0.0), **overrides) -> tuple[model.LearningAlliance, list]:
    m = small(months=1, dialogue_rounds=1, convergence_rate=0.3, **overrides)
    a, b = (int(i) for i in np.flatnonzero(m.org)[:2])
    m.view[[a, b]] = views
    m.power[[a, b]] = powers
    m.entrenchment[[a, b]] = entrenchment
    m.support = 1.0
    m.seat_who, m.seat_platform = np.array([a, b]), np.array([0, 0])
    m.converge_views()
    return m, [a, b]


def test_the_powerful_pull_the_dialogue_without_brokering():
    m, (strong, weak) = two_in_dialogue((0.4, 0.5), (1.0, 0.01), power_distortion=1.0, empowerment=0.0)
    # voice = power^2: the weak one's share of the pair's weight is 1e-4, so the strong one barely moves
    assert m.view[strong] == pytest.approx(0.4, abs=1e-4)
    assert m.view[weak] == pytest.approx(0.5 - 0.6 * 0.1, abs=1e-4)
    brokered, (s2, w2) = two_in_dialogue((0.4, 0.5), (1.0, 0.01), power_distortion=1.0, empowerment=1.0)
    assert brokered.view[s2] == pytest.approx(0.43) and brokered.view[w2] == pytest.approx(0.47)  # equal voice


def test_mediation_loosens_entrenchment():
    kw = dict(power_distortion=0.0, vision_confidence=0.5)
    unmediated, (blocker, _) = two_in_dialogue((0.2, 0.4), (0.5, 0.5), (1.0, 0.0), mediation=0.0, **kw)
    mediated, (blocker2, _) = two_in_dialogue((0.2, 0.4), (0.5, 0.5), (1.0, 0.0), mediation=1.0, **kw)
    assert unmediated.view[blocker] == 0.2
    assert mediated.view[blocker2] == pytest.approx(0.2 + 0.3 * 0.2)  # openness 1 - 1 x (1 - 1 x 1) = 1


def test_mediation_widens_the_confidence_bound():
    kw = dict(power_distortion=0.0, vision_confidence=0.2, facilitation_widening=0.3)
    apart = (0.3, 0.6)  # 0.3 apart: beyond 0.2, within 0.2 + 0.3 x mediation 1
    unmediated, (a, b) = two_in_dialogue(apart, (0.5, 0.5), mediation=0.0, **kw)
    mediated, (c, d) = two_in_dialogue(apart, (0.5, 0.5), mediation=1.0, **kw)
    assert (unmediated.view[a], unmediated.view[b]) == apart
    assert mediated.view[c] == pytest.approx(0.39) and mediated.view[d] == pytest.approx(0.51)


# --- meetings, trust, conflict, small wins ----------------------------------------------------------------
def shared_tie(m) -> int:
    """A tie between two current members whose primary seats are on the same platform."""
    s, d = m.src, m.dst
    ok = m.live_ties & (m.platform[s] == m.platform[d]) & (m.platform[s] >= 0)
    return int(np.flatnonzero(ok)[0])


@pytest.mark.parametrize("mutual_trust, rate", [(0.0, 0.05), (1.0, 0.15)])
def test_meeting_builds_trust_faster_with_mutual_trust(mutual_trust, rate):
    m = small(months=12, trust_gain=0.2, mediation=0.0, mutual_trust=mutual_trust)
    e = shared_tie(m)
    m.attend[:] = False
    m.attend_bridge[:] = False
    m.attend[[m.src[e], m.dst[e]]] = True
    m.trust[:] = 0.5
    m.build_trust()
    assert m.trust[e] == pytest.approx(0.5 + rate * 0.5)  # rate = 0.2 x (1 + 0)/2 x (0.5 + mutual trust)
    untouched = np.ones(len(m.trust), dtype=bool)
    untouched[e] = False
    assert (m.trust[untouched & ~((m.src == m.src[e]) & (m.dst == m.dst[e]))] == 0.5).all()


def test_an_open_conflict_breaks_trust():
    m = small(months=12, conflict_management=0.0, trust_loss=0.2, mutual_trust=0.5)
    e = shared_tie(m)
    k = int(m.edge_platform[e])
    m.trust[:] = 0.5
    m.open_conflicts[:] = 0
    m.open_conflicts[k] = 1
    m.manage_conflicts()
    assert m.trust[e] == pytest.approx(0.5 * (1 - 0.2))  # towards 0 at trust_loss x (1.5 - mutual trust)
    assert (m.trust[m.edge_platform != k] == 0.5).all()


def test_a_small_win_raises_trust_and_commitment_on_the_pilot_platforms():
    m = small(months=24, small_win_gain=0.1)

    def pilot_ties(host):  # live ties on the host's community platform, its district's platform, its 2nd seat
        platforms = {int(m.platform[host]), 1 + int(m.district[host]), int(m.bridge_platform[host])} - {-1}
        return m.live_ties & np.isin(m.edge_platform, list(platforms))

    host = next(int(h) for h in np.flatnonzero(m.is_community & m.members) if pilot_ties(h).any())
    ties = pilot_ties(host)
    m.trust[:] = 0.5
    m.record_pilots(np.array([host]), np.array([True]), np.array([True]))
    assert m.trust[ties] == pytest.approx(0.55) and (m.trust[~ties] == 0.5).all()
    assert m.stage[host] >= Stage.IMPLEMENTATION


def test_pilots_finishing_in_one_month_act_one_after_another_on_shared_platforms():
    # two member communities of one district finish pilots together: their district platform's live ties are
    # reinforced once per success, the second reading what the first left: 0.5 -> 0.55 -> 0.595 (gain 0.1)
    m = small(months=24, small_win_gain=0.1, mutual_trust=0.2)
    district_ties = lambda p: m.live_ties & (m.edge_platform == p)  # noqa: E731
    pairs = [(a, b) for a in np.flatnonzero(m.is_community & m.members) for b in np.flatnonzero(m.is_community & m.members)
             if a < b and m.district_platform[a] == m.district_platform[b] and district_ties(m.district_platform[a]).any()]
    a, b = pairs[0]
    shared = district_ties(m.district_platform[a])
    m.trust[:] = 0.5
    m.record_pilots(np.array([a, b]), np.array([True, True]), np.array([False, False]))
    assert m.trust[shared] == pytest.approx(0.595, abs=1e-12)
    # a failure moves trust towards 0 at half the gain x (1 - mutual trust): 0.5 - 0.5 x 0.1 x 0.8 x 0.5 = 0.48
    m.trust[:] = 0.5
    capacity = float(m.capacity[a])
    m.record_pilots(np.array([a]), np.array([False]), np.array([False]))
    assert m.trust[shared] == pytest.approx(0.48, abs=1e-12)
    assert m.capacity[a] == pytest.approx(min(1.0, capacity + 0.05), abs=1e-12)
    untouched = ~(m.live_ties & np.isin(m.edge_platform, m.pilot_platforms(int(a))))
    assert (m.trust[untouched] == 0.5).all()


def test_a_pilot_acts_once_on_a_platform_it_sits_on_twice():
    # a community with a second seat sits on its district's platform twice over (as district platform and as its
    # second seat); a success there reinforces that platform's ties once: 0.5 -> 0.55 with gain 0.1
    m = small(months=24, small_win_gain=0.1)
    bridged = [h for h in np.flatnonzero(m.is_community & m.members & (m.bridge_platform >= 0))
               if m.bridge_platform[h] == m.district_platform[h]
               and (m.live_ties & (m.edge_platform == m.district_platform[h])).any()]
    host = bridged[0]
    ties = m.live_ties & (m.edge_platform == m.district_platform[host])
    m.trust[:] = 0.5
    m.record_pilots(np.array([host]), np.array([True]), np.array([True]))
    assert m.trust[ties] == pytest.approx(0.55, abs=1e-12)


def test_only_documented_successes_are_evidence():
    for documentation, expected in ((1.0, 3), (0.0, 0)):
        m = small(months=12, documentation=documentation)
        hosts = np.flatnonzero(m.is_community & (m.platform >= 0))[:3]
        m.pilot_host, m.pilot_end = hosts, np.full(3, m.month)
        m.success_chance = lambda h: np.ones(len(h))  # every pilot succeeds: only documentation decides
        before = m.counts["evidence"]
        m.finish_pilots()
        assert m.counts["evidence"] - before == expected


def test_a_meeting_below_quorum_falls_through():
    for quorum, held in ((0.9, False), (0.3, True)):
        m = small(months=12, quorum=quorum, meetings_tolerated=24, empowerment=1.0, seed=2)
        m.support = 1.0
        m.busy[:] = 0.0
        m.commitment[:] = 1.0
        seats = np.bincount(m.platform[m.members & (m.platform >= 0)], minlength=m.n_platforms)
        for k in range(m.n_platforms):  # every other member of each platform will not come
            m.commitment[np.flatnonzero(m.members & (m.platform == k))[1::2]] = 0.0
        m.extra_meeting[:] = True  # every platform with 2+ members plans a meeting
        missed = m.counts["meetings_missed"]
        m.hold_meetings()
        big = seats >= 4  # about half come: >= 2 present
        assert big.any()
        assert (m.meets[big] == held).all(), (quorum, m.meets, seats)
        if not held:
            assert m.counts["meetings_missed"] - missed == (seats > 1).sum()


# --- mobilisation -----------------------------------------------------------------------------------------
def test_decliners_wait_the_reinvite_delay():
    m = small(months=0, mobilisation_rate=1.0, reinvite_delay=7)
    m.drive = 1.0
    m.identified[:] = True
    m.view[:] = 0.0  # expected benefit 0: everyone invited declines
    m.power[:] = 0.0
    m.interests[:] = (1.0, 0.0, 0.0, 0.0)
    m.breadth[:] = m.interest_breadth(np.arange(m.n))  # one water use each: no breadth
    assert (m.breadth == 0).all()
    candidates = np.flatnonzero(m.membership == Membership.NOT_INVITED)
    assert len(candidates)
    m.mobilise()
    assert (m.next_invite[candidates] == m.month + 7).all()
    assert (m.membership[candidates] == Membership.NOT_INVITED).all()


# --- resources and ownership ------------------------------------------------------------------------------
def after_exit(**overrides) -> model.LearningAlliance:
    m = small(months=14, project_exit_month=12, **overrides)
    members = m.members & m.can_adopt
    m.capacity[members] = m.commitment[members] = m.role_clarity[members] = 1.0
    return m


def test_members_contributions_pay_after_exit():
    m = after_exit(contribution_rate=0.1, transparency=0.5, government_budget=0.0)
    n = int((m.members & m.can_adopt).sum())
    m.fund()
    expected = 0.1 * 0.75 * n / m.planned_cost()  # rate x (0.5 + 0.5 transparency) x capacity x commitment x clarity
    assert 0 < expected < 1 and m.support == pytest.approx(expected)


def test_government_pays_in_proportion_to_embedding():
    m = after_exit(contribution_rate=0.0, government_budget=0.5)
    gov = np.flatnonzero(m.government)
    m.stage[gov] = Stage.KNOWLEDGE
    m.stage[gov[:2]] = Stage.IMPLEMENTATION
    m.fund()
    embedded = m.power[gov[:2]].sum() / m.power[gov].sum()
    assert m.embedded == pytest.approx(embedded)
    expected = 0.5 * SMALL["n_districts"] * embedded / m.planned_cost()
    assert 0 < expected < 1 and m.support == pytest.approx(expected)
    m.stage[gov] = Stage.KNOWLEDGE
    m.fund()
    assert m.support == 0.0


# --- scenario files -----------------------------------------------------------------------------------
@pytest.mark.parametrize("meta, fragment", [
    ({"name": 3}, "scenario.name: expected text"),
    ({"nmae": "x"}, "scenario.nmae: unknown key"),
    ({"description": ["a"]}, "scenario.description: expected text"),
])
def test_scenario_section_takes_only_name_and_description_text(meta, fragment):
    with pytest.raises(ConfigError, match=fragment.replace(".", r"\.")):
        scenario_from_dict({"scenario": meta})


@pytest.mark.parametrize("doc, fragment", [
    ({"scenario": "Baseline"}, "scenario: expected a [scenario] table"),
    ({"run": 3}, "run: expected a [run] table"),
    ({"parameters": ["guidance"]}, "parameters: expected a [parameters] table"),
    ({"parametres": {}}, "parametres: unknown section"),
])
def test_scenario_sections_must_be_tables(doc, fragment):
    with pytest.raises(ConfigError) as err:
        scenario_from_dict(doc)
    assert fragment in str(err.value)
