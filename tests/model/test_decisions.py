"""The decision interface of played stakeholders (model/decisions.py, ODD 7.12): a missing decision leaves the
model's rule and its random draws alone; each decision acts where the model makes that choice."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import model
from model import decisions as d
from model.population import WATER_USES
from model.states import MEMBERSHIP


def series(alliance):
    return alliance.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def run(seed: int, months: int, chosen=None, params=None):
    alliance = model.build_model(params=params, seed=seed)
    if chosen is not None:
        alliance.decisions = d.Decisions(chosen)
    for _ in range(months):
        alliance.step()
    return alliance


def played_member(alliance, where=lambda a, i: True) -> int:
    members = [i for i in np.flatnonzero(alliance.members & alliance.org & alliance.seated)
               if i != alliance.initiator and where(alliance, i)]
    assert members
    return int(members[0])


@pytest.mark.parametrize("seed", [1, 2])
def test_no_decisions_and_decisions_left_to_the_model_change_nothing(seed):
    plain = run(seed, 60)
    probe = run(seed, 6)
    who = played_member(probe)
    empty = run(seed, 60, {})
    undecided = run(seed, 60, {who: d.Decision()})  # every field left to the model's rule
    paying_its_share = run(seed, 60, {who: d.Decision(contribute=1.0)})  # 1 = what the rule asks
    for other in (empty, undecided, paying_its_share):
        assert series(other).equals(series(plain))  # bit-identical: no draw added or skipped


def test_a_player_who_stays_away_never_attends_and_one_who_comes_attends_every_meeting():
    base = run(4, 12)
    who = played_member(base)
    away = run(4, 12, {who: d.Decision(attend=False)})
    come = model.build_model(seed=4)
    for _ in range(12):
        come.step()
    come.decisions = d.Decisions({who: d.Decision(attend=True)})
    met, attended = 0, 0
    for _ in range(36):
        come.step()
        if come.meets[come.platform[who]]:
            met += 1
            attended += bool(come.attend[who])
        away.step()
        assert not away.attend[who]
    assert met > 0 and attended == met
    assert any("(played) came to the meeting" in r["text"] for r in come.events.records)


def test_leave_and_stay_override_the_drop_out_rule_at_its_boundaries():
    for choice, expected in ((False, MEMBERSHIP.MEMBER), (True, MEMBERSHIP.DROPPED)):
        alliance = run(5, 2)
        who = played_member(alliance)
        # the model's rule at its top: the member would very likely leave this month (or, at 0, never)
        alliance.p["dropout_rate"] = model.registry.REGISTRY["dropout_rate"].high if not choice else 0.0
        alliance.commitment[who] = 0.0
        alliance.decisions = d.Decisions({who: d.Decision(leave=choice)})
        alliance.step()
        assert alliance.membership[who] == expected
        told = "left the alliance" if choice else "stayed in the alliance"
        assert any(f"{alliance.names[who]} (played) {told}" in r["text"] for r in alliance.events.records)


def test_contributions_paid_by_players_change_what_pays_after_the_project_leaves():
    params = {"project_exit_month": 12}
    probe = run(6, 12, params=params)
    members = [int(i) for i in np.flatnonzero(probe.members & probe.can_adopt)]
    withheld = run(6, 30, {i: d.Decision(contribute=0.0) for i in members}, params)
    doubled = run(6, 30, {i: d.Decision(contribute=2.0) for i in members}, params)
    assert doubled.counts["cost_members"] > withheld.counts["cost_members"]
    assert withheld.counts["cost_members"] == pytest.approx(
        run(6, 30, {i: d.Decision(contribute=0.0) for i in members}, params).counts["cost_members"])  # reproducible
    with pytest.raises(ValueError):
        d.Decision(contribute=2.5)


def test_backing_raises_and_opposing_lowers_a_pilots_chance_by_the_players_power():
    alliance = run(7, 24)
    host = int(np.flatnonzero(alliance.is_community & alliance.members)[0])
    platform = int(alliance.platform[host])
    on_it = [int(i) for i in np.flatnonzero(alliance.members) if alliance.platform[i] == platform and i != host]
    who = on_it[0] if on_it else host
    chance = np.array([0.5])
    alliance.decisions = d.Decisions({who: d.Decision(pilot="back", pilot_use="irrigation")})
    backed = d.pilot_chance(alliance, np.array([host]), chance)[0]
    alliance.decisions = d.Decisions({who: d.Decision(pilot="oppose")})
    opposed = d.pilot_chance(alliance, np.array([host]), chance)[0]
    pull = d.PILOT_PULL * alliance.power[who]
    assert backed == pytest.approx(0.5 + pull * 0.5) and opposed == pytest.approx(0.5 * (1 - pull))
    alliance.power[who] = 0.0  # a player without power moves nothing
    assert d.pilot_chance(alliance, np.array([host]), chance)[0] == 0.5


def test_an_invitation_is_decided_by_the_invitee_and_spent():
    alliance = run(8, 6)
    who = played_member(alliance)
    invitee = int(np.flatnonzero(alliance.membership == MEMBERSHIP.NOT_INVITED)[0])
    alliance.decisions = d.Decisions({who: d.Decision(invite=invitee)})
    alliance.step()
    assert alliance.identified[invitee]
    told = [r["text"] for r in alliance.events.records if r["kind"] == d.DECISION_KIND]
    assert any(f"invited the {alliance.names[invitee]}" in t for t in told)
    assert alliance.decisions.get(who, "invite") is None  # one-off: spent


def test_raising_a_conflict_and_refusing_mediation():
    alliance = run(9, 3, params={"meetings_per_year": 12.0})
    who = played_member(alliance)
    alliance.decisions = d.Decisions({who: d.Decision(conflict="raise", attend=True)})
    raised = False
    for _ in range(24):
        before = alliance.counts["conflicts_arisen"]
        alliance.step()
        if alliance.decisions.get(who, "conflict") is None:  # spent: it was at a meeting and raised one
            raised = alliance.counts["conflicts_arisen"] > before
            break
    assert raised
    k = int(alliance.platform[who])
    alliance.open_conflicts[k] = max(1, alliance.open_conflicts[k])
    alliance.p["conflict_management"] = 1.0
    alliance.decisions = d.Decisions({who: d.Decision(conflict="refuse")})
    resolved = d.mediated(alliance, np.zeros(alliance.n_platforms, dtype=np.int64) + (alliance.open_conflicts > 0))
    assert resolved[k] == 0


def pilot_under_way(seed: int = 7, params=None):
    """A run at the first month a pilot is under way, its host and a played member (not the host) in one of the
    pilot's platforms."""
    alliance = model.build_model(params=params, seed=seed)
    for _ in range(60):
        if len(alliance.pilot_host):
            break
        alliance.step()
    host = int(alliance.pilot_host[0])
    platforms = set(alliance.pilot_platforms(host))
    who = played_member(alliance, lambda a, i: i != host and (int(a.platform[i]) in platforms
                                                              or int(a.bridge_platform[i]) in platforms))
    return alliance, host, who


def test_pilot_use_must_be_a_water_use():
    with pytest.raises(ValueError, match="pilot_use: 'fishing' is not one of domestic, irrigation"):
        d.Decision(pilot="back", pilot_use="fishing")


def test_backing_a_pilot_for_a_use_moves_its_design_towards_that_use_by_the_rule_and_nothing_else():
    alliance, host, who = pilot_under_way()
    communities = np.flatnonzero(alliance.is_community)
    rng = np.random.default_rng(0)
    design = rng.dirichlet(np.ones(4), size=len(communities))  # any water-use mixes
    row = int(np.flatnonzero(communities == host)[0])
    alliance.decisions = None
    assert d.pilot_designs(alliance, communities, design) is design  # no decision: the model's own design
    alliance.decisions = d.Decisions({who: d.Decision(pilot="back")})  # backing without a use: no design change
    assert d.pilot_designs(alliance, communities, design) is design
    alliance.decisions = d.Decisions({who: d.Decision(pilot="back", pilot_use="livestock")})
    tilted = d.pilot_designs(alliance, communities, design)
    t = d.DESIGN_TILT * alliance.power[who]
    expected = design[row] + t * (np.array([0, 0, 1.0, 0]) - design[row])  # livestock is the third use
    assert tilted[row] == pytest.approx(expected, abs=1e-15)
    assert tilted[row].sum() == pytest.approx(1.0)
    others = np.arange(len(communities)) != row
    hosts_in_reach = [int(np.flatnonzero(communities == h)[0]) for h in alliance.pilot_host if h != host and (
        {int(alliance.platform[who]), int(alliance.bridge_platform[who])} & set(alliance.pilot_platforms(int(h))))]
    others[hosts_in_reach] = False
    assert np.array_equal(tilted[others], design[others])  # only the designs of pilots in its platforms move
    # the boundaries: a player with power 1 moves it half way; one without power moves nothing
    alliance.power[who] = 1.0
    assert d.pilot_designs(alliance, communities, design)[row][2] == pytest.approx(design[row][2] + 0.5 * (1 - design[row][2]))
    alliance.power[who] = 0.0
    assert np.array_equal(d.pilot_designs(alliance, communities, design), design)


def test_opposing_a_pilot_for_a_use_moves_its_design_towards_the_mix_without_it():
    alliance, host, who = pilot_under_way()
    communities = np.flatnonzero(alliance.is_community)
    row = int(np.flatnonzero(communities == host)[0])
    design = np.full((len(communities), 4), 0.25)
    design[row] = [0.1, 0.6, 0.2, 0.1]
    alliance.power[who] = 1.0
    alliance.decisions = d.Decisions({who: d.Decision(pilot="oppose", pilot_use="irrigation")})
    tilted = d.pilot_designs(alliance, communities, design)[row]
    # half way (power 1) towards (0.25, 0, 0.5, 0.25): irrigation's share halves, the others grow in proportion
    assert tilted == pytest.approx([0.175, 0.3, 0.35, 0.175], abs=1e-12)
    design[row] = [0.0, 1.0, 0.0, 0.0]  # a design for irrigation alone: towards an even mix of the other three
    tilted = d.pilot_designs(alliance, communities, design)[row]
    assert tilted == pytest.approx([1 / 6, 0.5, 1 / 6, 1 / 6], abs=1e-12)


def test_a_backed_use_reaches_the_hosts_fit_and_the_pilots_chance_through_the_models_design(monkeypatch):
    base, host, who = pilot_under_way()
    seen = []
    original = d.pilot_designs

    def recording(alliance, communities, design):
        out = original(alliance, communities, design)
        seen.append((communities, design, out))
        return out

    monkeypatch.setattr(d, "pilot_designs", recording)
    own = model.build_model(seed=7)
    for _ in range(int(base.steps)):
        own.step()
    for _ in range(12):  # on to a month in which designs are revised (a platform meets) with the pilot under way
        probe = copy.deepcopy(own)
        seen.clear()
        probe.step()
        if seen and host in probe.pilot_host:
            break
        own.step()
    backed = copy.deepcopy(own)  # the same state and random generator: paired
    use = int(np.argmin(backed.interests[host]))  # the use the host cares least for: its fit must fall
    backed.decisions = d.Decisions({who: d.Decision(pilot="back", pilot_use=WATER_USES[use])})
    seen.clear()
    own.step()
    backed.step()
    (_, own_in, own_out), (communities, design, tilted) = seen
    assert own_out is own_in  # no decision: the model's own design
    assert np.array_equal(design, own_in)  # both start from the same design
    row = int(np.flatnonzero(communities == host)[0])
    t = d.DESIGN_TILT * backed.power[who]
    assert tilted[row] == pytest.approx(design[row] + t * (np.eye(4)[use] - design[row]), abs=1e-15)
    fit = max(0.0, 1 - np.abs(backed.interests[host] - tilted[row]).sum())  # 1 - 2 x total variation distance
    assert backed.fit[host] == pytest.approx(fit, abs=1e-12) and backed.fit[host] < own.fit[host]
    moved = np.flatnonzero(backed.fit != own.fit)
    assert host in moved and set(moved) <= set(int(h) for h in backed.pilot_host)  # only pilots' hosts
    # the pilot's chance of success follows the fit by the model's rule (1 - w_f + w_f x fit); all else is equal
    wf = backed.p["design_fit_weight"]
    ratio = backed.success_chance(np.array([host]))[0] / own.success_chance(np.array([host]))[0]
    assert ratio == pytest.approx((1 - wf + wf * backed.fit[host]) / (1 - wf + wf * own.fit[host]), rel=1e-12)
