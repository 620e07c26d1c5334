"""The decision interface of played stakeholders (model/decisions.py, ODD 7.12): a missing decision leaves the
model's rule and its random draws alone; each decision acts where the model makes that choice."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model import decisions as d
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
