"""Each mechanism moves its outcome in the direction docs/ODD.md gives, on paired seeds (see paired.py).

Every test draws its seeds from its own stream, ``seeds_for(<test name without test_>)``, and states its power:
the smallest effect it detects with 80% chance at its replicates, from the SD of the paired differences seen
on its own seeds (``paired.detectable``), next to the effect seen there.
"""

import numpy as np
import pytest

import model

from .paired import assert_positive, assert_raises, seeds_for, summaries

pytestmark = pytest.mark.slow  # paired-seed statistics over whole runs

GOOD_FACILITATION = dict(guidance=0.9, mediation=0.9, empowerment=0.9, conflict_management=0.9)
POOR_FACILITATION = dict(guidance=0.1, mediation=0.1, empowerment=0.1, conflict_management=0.1)
NO_CORE_VALUES = dict(transparency=0.0, mutual_trust=0.0, inclusiveness=0.0, equity=0.0)
STRONG_CORE_VALUES = dict(transparency=1.0, mutual_trust=1.0, inclusiveness=1.0, equity=1.0)


# --- facilitation ------------------------------------------------------------------------------------
def test_better_facilitation_raises_uptake():
    # at least 3 points of uptake: a fifth of the default scenario's ~17%
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.036 -> detects >= 0.025; seen +0.039 (z 5.9), so the
    # 3-point floor, not the SE, is the binding bar.
    seeds = seeds_for("better_facilitation_raises_uptake")
    assert_raises(GOOD_FACILITATION, POOR_FACILITATION, "uptake_final", min_effect=0.03, seeds=seeds)


def test_conflict_management_resolves_conflicts():
    # the share of conflicts resolved rises by more than 20 points (and 3 SE), paired per seed
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.18 -> detects >= 0.12; seen +0.39 (z 12).
    seeds = seeds_for("conflict_management_resolves_conflicts")
    a = summaries(dict(conflict_management=0.9), seeds=seeds)
    b = summaries(dict(conflict_management=0.05), seeds=seeds)
    share = lambda s: (s["conflicts_resolved"] / s["conflicts_arisen"].clip(lower=1)).to_numpy()  # noqa: E731
    assert_positive(share(a) - share(b), "share of conflicts resolved", min_effect=0.2)


def test_more_meetings_cost_more():
    # 60 pairs, not 30: the total cost is noisy (paired SD ~190 k$: after the exit what members and government
    # pay decides how many pilots and events happen), so 30 pairs detect only >= ~140 k$ while the effect is
    # +110 +- 19 k$ (z 5.8 on 100 pairs of a separate check stream, seeds_for("more_meetings_cost_more:check",
    # 100)); the test's own first 30 seeds gave +61 +- 36 (z 1.7) and failed. At 60 pairs (paired SD 189) it
    # detects >= 94 k$ (80% power at the 3-SE threshold; ~93% for the effect seen); seen on them +124 +- 24 k$
    # (z 5.1). Meetings: SD 28 -> detects >= 14, seen +79 (z 22).
    seeds = seeds_for("more_meetings_cost_more", 60)
    assert_raises(dict(meetings_per_year=12), dict(meetings_per_year=2), "cost_total", seeds=seeds)
    assert_raises(dict(meetings_per_year=12), dict(meetings_per_year=2), "meetings", seeds=seeds)


# --- core values -------------------------------------------------------------------------------------
def test_no_core_values_raise_conflict_and_dropout():
    # Power (30 pairs; paired SD on the test's own seeds): conflicts per meeting SD 0.068 -> detects >= 0.047, seen +0.13
    # (z 10); dropouts per member-year SD 0.053 -> >= 0.037, seen +0.12 (z 13).
    seeds = seeds_for("no_core_values_raise_conflict_and_dropout")
    assert_raises(NO_CORE_VALUES, STRONG_CORE_VALUES, "conflicts_per_meeting", seeds=seeds)
    assert_raises(NO_CORE_VALUES, STRONG_CORE_VALUES, "dropouts_per_member_year", seeds=seeds)


def test_transparency_clarifies_roles_and_keeps_members():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.052 -> detects >= 0.036 per member-year; seen +0.086 (z 9.1).
    seeds = seeds_for("transparency_clarifies_roles_and_keeps_members")
    assert_raises(dict(transparency=0.0), dict(transparency=1.0), "dropouts_per_member_year", seeds=seeds)


def test_mutual_trust_raises_trust():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.11 -> detects >= 0.077; seen +0.23 (z 12).
    seeds = seeds_for("mutual_trust_raises_trust")
    assert_raises(dict(mutual_trust=1.0), dict(mutual_trust=0.0), "mean_trust_final", seeds=seeds)


def test_inclusiveness_brings_marginalised_groups_in():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.079 -> detects >= 0.056; seen +0.15 (z 10).
    seeds = seeds_for("inclusiveness_brings_marginalised_groups_in")
    assert_raises(dict(inclusiveness=1.0), dict(inclusiveness=0.0), "share_marginalised_final", min_effect=0.03,
                  seeds=seeds)


def test_equity_directs_pilots_to_marginalised_communities():
    # equity_gap_final = uptake of marginalised - uptake of others (0 = no gap)
    # measured at month 60, while the project's support lasts and before late adopters close the gap
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.016 -> detects >= 0.012; seen +0.020 (z 6.5).
    seeds = seeds_for("equity_directs_pilots_to_marginalised_communities")
    needy = dict(share_marginalised=0.5, pilots_per_year=4)
    assert_raises(dict(needy, equity=1.0), dict(needy, equity=0.0), "equity_gap_final", steps=60, seeds=seeds)


# --- stakeholder analysis ----------------------------------------------------------------------------
def test_missing_the_blockers_slows_the_enabling_environment():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.11 -> detects >= 0.075; seen +0.16 (z 8.4).
    seeds = seeds_for("missing_the_blockers_slows_the_enabling_environment")
    assert_raises(dict(analysis_blocker_coverage=1.0), dict(analysis_blocker_coverage=0.0), "enabling_env_final",
                  seeds=seeds)


def test_a_poor_analysis_leaves_stakeholders_uninvited():
    # Power (30 pairs; paired SD on the test's own seeds): SD 5.9 -> detects >= 4.1 members; seen +21 (z 20).
    seeds = seeds_for("a_poor_analysis_leaves_stakeholders_uninvited")
    assert_raises(dict(analysis_accuracy=1.0), dict(analysis_accuracy=0.2), "members_peak", seeds=seeds)


# --- initiation and exit -----------------------------------------------------------------------------
def test_early_exit_without_ownership_leaves_a_decaying_alliance():
    # Low ownership: few agreements on roles, weak commitment from meetings; the project leaves in month 24.
    # Power (30 pairs; paired SD on the test's own seeds): members lost after the exit SD 5.3 -> detects >= 3.7, seen
    # +12 (z 13; 97% of runs shrink, the end size is 0.52x the size at exit on these seeds); kept when the project
    # stays SD 5.7 -> >= 4.0, seen +35 (z 34).
    seeds = seeds_for("early_exit_without_ownership_leaves_a_decaying_alliance")
    early = dict(project_exit_month=24, agreement_rate=0.05, transparency=0.0)
    runs = [model.run_model(early, seed=s, steps=120).timeseries for s in seeds]
    at_exit = np.array([ts["members"].iloc[24] for ts in runs])
    at_end = np.array([ts["members"].iloc[-1] for ts in runs])
    assert (at_end < at_exit).mean() >= 0.8, (at_exit, at_end)
    assert np.mean(at_end) < 0.8 * np.mean(at_exit)
    assert_positive(at_exit - at_end, "members lost after an early exit")
    # ... whereas with the project staying, the alliance holds its size
    stay = dict(early, project_exit_month=1200)
    kept = np.array([model.run_model(stay, seed=s, steps=120).timeseries["members"].iloc[-1] for s in seeds])
    assert_positive(kept - at_end, "members kept when the project stays")


def test_initiator_drive_speeds_early_mobilisation():
    # Power (30 pairs; paired SD on the test's own seeds): SD 3.2 -> detects >= 2.2 members; seen +12 (z 21).
    seeds = seeds_for("initiator_drive_speeds_early_mobilisation")
    a = [model.run_model(dict(initiator_drive=1.0), seed=s, steps=12).timeseries["members"].iloc[-1] for s in seeds]
    b = [model.run_model(dict(initiator_drive=0.0), seed=s, steps=12).timeseries["members"].iloc[-1] for s in seeds]
    assert_positive(np.subtract(a, b), "members after a year, initiator drive 1 vs 0")


@pytest.mark.parametrize("initiator", model.registry.INITIATORS)
@pytest.mark.parametrize("level", model.registry.LEVEL_NAMES)
def test_every_initiator_can_start_an_alliance_at_every_level(initiator, level):
    # a structural claim checked on one seed of the test's stream (not a statistical one)
    # 
    (seed,) = seeds_for("every_initiator_can_start_an_alliance_at_every_level", 1)
    m = model.build_model(dict(initiator=initiator, initiator_level=level), seed=seed)
    assert m.agents[m.initiator].level.name.lower() == level  # every initiator starts at the level asked
    founders = model.reporters.members(m)
    m.run_for(24)
    assert model.reporters.members(m) > founders  # and the alliance grows beyond its founders


# --- mobilisation ------------------------------------------------------------------------------------
def early_members(order: str, level: str, seeds: tuple, months: int = 3) -> np.ndarray:
    return np.array([model.run_model(dict(mobilisation_order=order), seed=s, steps=months).timeseries[f"members_{level}"].iloc[-1]
                     for s in seeds])


def test_top_down_mobilises_national_first_and_bottom_up_communities_first():
    # "First" is measured at month 3. This test used to compare the means at month 12 without a standard error;
    # with its own seeds it failed there for communities, and 100 pairs of a check stream show why: by month 12
    # the communities' lead under bottom-up is gone (-0.1 +- 0.4 members; national +1.0 +- 0.16 for top-down),
    # while at month 3 both leads are clear (communities +2.5 +- 0.25, national +1.9 +- 0.14; month 6: +2.0 +- 0.33
    # and +1.8 +- 0.14). Power (30 pairs; paired SD on the test's own seeds): communities SD 1.7 -> detects
    # >= 1.2 members, seen +2.6 (z 8.4); national SD 1.1 -> >= 0.78, seen +2.2 (z 11).
    seeds = seeds_for("top_down_mobilises_national_first_and_bottom_up_communities_first")
    assert_positive(early_members("top_down", "national", seeds) - early_members("bottom_up", "national", seeds),
                    "national members at month 3, top-down vs bottom-up")
    assert_positive(early_members("bottom_up", "community", seeds) - early_members("top_down", "community", seeds),
                    "community members at month 3, bottom-up vs top-down")


def test_champions_first_invites_champions_before_blockers():
    # Power (10 seeds; SD across seeds of the invited organisations' mean view): seen under model v3, champions
    # first +0.26 from 0.5 (SD 0.085 -> detects >= 0.10), blockers early -0.18 (SD 0.054 -> >= 0.07).
    # The mean view on MUS (0..1) of the organisations *invited* in the first 3 months, per seed: whether an
    # invitee accepts is chance (on 3 of these seeds all four champions declined in month 1), the order is not.
    seeds = seeds_for("champions_first_invites_champions_before_blockers", 10)

    def invited_views(order: str) -> np.ndarray:
        out = []
        for s in seeds:
            m = model.build_model(dict(mobilisation_order=order, core_group_size=1), seed=s)
            m.run_for(3)
            invited = ((m.membership == model.Membership.MEMBER) | (m.next_invite > 0)) & m.org
            invited[m.initiator] = False
            out.append(m.view[invited].mean() if invited.any() else np.nan)
        return np.array(out)

    champions, blockers = invited_views("champions_first"), invited_views("blockers_early")
    assert not np.isnan(champions).any() and not np.isnan(blockers).any()
    assert_positive(champions - 0.5, "view of those invited, champions first")
    assert_positive(0.5 - blockers, "view of those invited, blockers early")


def test_dropout_and_rejoin_rates_act():
    # Power (30 pairs; paired SD on the test's own seeds): dropouts SD 22 -> detects >= 16, seen +109 (z 27); rejoins
    # SD 19 -> >= 13, seen +118 (z 34).
    seeds = seeds_for("dropout_and_rejoin_rates_act")
    assert_raises(dict(dropout_rate=0.1), dict(dropout_rate=0.01), "dropouts", seeds=seeds)
    # monitoring also invites back, so both are off: then nobody rejoins, on any seed
    assert summaries(dict(rejoin_rate=0.0, monitoring=0.0), seeds=seeds)["rejoins"].sum() == 0
    assert_raises(dict(rejoin_rate=0.2), dict(rejoin_rate=0.0), "rejoins", seeds=seeds)


# --- action research, monitoring, dissemination, environment ------------------------------------------
def test_pilots_raise_local_uptake():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.095 -> detects >= 0.067; seen +0.33 (z 19): the 0.1 floor
    # binds before the SE.
    seeds = seeds_for("pilots_raise_local_uptake")
    assert_raises(dict(pilots_per_year=24), dict(pilots_per_year=0), "uptake_pilot_final", min_effect=0.1, seeds=seeds)


def test_guidance_makes_pilots_succeed():
    # The pilots' success rate rises by more than 5 points (and 3 SE), paired per seed. The floor was 10 points;
    # it is lowered because the effect itself is 10.8 +- 0.8 points (0.205 -> 0.313; 100 pairs of a check stream,
    # seeds_for("guidance_makes_pilots_succeed:check", 100)), so a 10-point floor passed or failed by seed luck
    # (~70% of 30-seed sets; the test's own seeds give 9.98 +- 1.7). 5 points, half the effect, still refuses a
    # negligible one. Power at 30 pairs: paired SD 0.091 -> detects >= 0.064.
    seeds = seeds_for("guidance_makes_pilots_succeed")
    a, b = summaries(dict(guidance=1.0), seeds=seeds), summaries(dict(guidance=0.0), seeds=seeds)
    rate = lambda s: (s["pilots_succeeded"] / s["pilots_run"]).to_numpy()  # noqa: E731
    assert_positive(rate(a) - rate(b), "pilot success rate, guidance 1 vs 0", min_effect=0.05)


def test_documentation_turns_pilots_into_evidence_for_the_environment():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.072 -> detects >= 0.050; seen +0.20 (z 16).
    seeds = seeds_for("documentation_turns_pilots_into_evidence_for_the_environment")
    assert_raises(dict(documentation=1.0), dict(documentation=0.0), "enabling_env_final", seeds=seeds)


def test_monitoring_keeps_members():
    # Power (30 pairs; paired SD on the test's own seeds): rejoins SD 14 -> detects >= 10, seen +15 (z 5.8); members at the
    # end SD 10 -> >= 7.1, seen +10 (z 5.5).
    seeds = seeds_for("monitoring_keeps_members")
    assert_raises(dict(monitoring=1.0), dict(monitoring=0.0), "rejoins", seeds=seeds)
    assert_raises(dict(monitoring=1.0), dict(monitoring=0.0), "members_final", seeds=seeds)


def test_horizontal_dissemination_spreads_to_outside_communities():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.035 -> detects >= 0.025; seen +0.10 (z 16).
    seeds = seeds_for("horizontal_dissemination_spreads_to_outside_communities")
    assert_raises(dict(horizontal_reach=1.0), dict(horizontal_reach=0.0), "uptake_outside_final", seeds=seeds)


def test_policy_dissemination_raises_policy_adoption():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.086 -> detects >= 0.060; seen +0.062 (z 4.0: the effect is
    # about the smallest this test detects, 57% of pairs positive).
    seeds = seeds_for("policy_dissemination_raises_policy_adoption")
    assert_raises(dict(policy_reach=1.0), dict(policy_reach=0.0), "policy_adoption_final", seeds=seeds)


def org_member_views(params: dict, seeds: tuple, months: int = 60) -> np.ndarray:
    out = []
    for s in seeds:
        m = model.build_model(params, seed=s)
        m.run_for(months)
        members = (m.membership == model.Membership.MEMBER) & m.org
        out.append(m.view[members].mean())
    return np.array(out)


def test_vertical_sharing_carries_community_views_up_to_organisations():
    # communities start more favourable to MUS than organisations (ODD 5), so sharing lifts the latter.
    # 200 pairs, not 30: the effect is small, +0.015 +- 0.004 on the 0-1 view scale (z 3.5 on 100 pairs of a
    # check stream, seeds_for("vertical_sharing_carries_community_views_up_to_organisations:check", 100)), below
    # what 30 pairs detect (paired SD ~0.045 -> >= 0.032; the first 30 seeds of the stream gave +0.024 +- 0.009,
    # z 2.6, and failed). 200 pairs (paired SD 0.044) detect >= 0.012 (80% power; ~97% for the effect seen);
    # seen on them +0.021 +- 0.003 (z 6.7).
    seeds = seeds_for("vertical_sharing_carries_community_views_up_to_organisations", 200)
    d = (org_member_views(dict(vertical_sharing=1.0, bridge_share=0.8), seeds)
         - org_member_views(dict(vertical_sharing=0.0, bridge_share=0.8), seeds))
    assert_positive(d, "organisation members' view at month 60, vertical sharing 1 vs 0")


def test_powerful_blockers_hold_the_environment_down():
    # Power (30 pairs; paired SD on the test's own seeds): environmental drag SD 0.082 -> detects >= 0.058, seen +0.23
    # (z 15); share of blockers SD 0.087 -> >= 0.061, seen +0.26 (z 16).
    seeds = seeds_for("powerful_blockers_hold_the_environment_down")
    assert_raises(dict(env_drag=0.0), dict(env_drag=0.2), "enabling_env_final", seeds=seeds)
    assert_raises(dict(share_blockers=0.0), dict(share_blockers=0.6), "enabling_env_final", seeds=seeds)


def test_a_better_environment_lowers_the_barrier_for_communities():
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.049 -> detects >= 0.034; seen +0.10 (z 11).
    seeds = seeds_for("a_better_environment_lowers_the_barrier_for_communities")
    assert_raises(dict(env_initial=0.9), dict(env_initial=0.1), "uptake_outside_final", seeds=seeds)


def test_convergence_towards_a_shared_vision_within_platforms():
    # a wider confidence bound lets members' views on MUS converge further. The other paths that move views
    # are held fixed: blockers' entrenchment and sharing between levels are off in both arms; measured at month
    # 36, before newcomers' fresh views dominate the spread.
    # Power (30 pairs; paired SD on the test's own seeds): SD 0.034 -> detects >= 0.024; seen +0.086 (z 14).
    seeds = seeds_for("convergence_towards_a_shared_vision_within_platforms")
    held = dict(blocker_entrenchment=0.0, vertical_sharing=0.0)
    a = [model.run_model(dict(held, vision_confidence=0.8), seed=s, steps=36).timeseries["view_spread"].iloc[-1] for s in seeds]
    b = [model.run_model(dict(held, vision_confidence=0.0, facilitation_widening=0.0), seed=s, steps=36).timeseries["view_spread"].iloc[-1] for s in seeds]
    assert_positive(np.subtract(b, a), "view spread at month 36, narrow vs wide confidence bound")
