"""Patterns from the evidence (domain notes 1.3) reproduced under the default scenario (docs/ODD.md, 1).

Each statistical test draws its seeds from its own stream, ``seeds_for(<test name without test_>)``, and states
its power from the spread seen on its own seeds (``paired.detectable``: the effect detected with 80% chance).
"""

import numpy as np
import pandas as pd
import pytest

import model

from .paired import assert_positive, seeds_for, summaries


def baseline_runs(seeds: tuple, steps: int = 120) -> list[pd.DataFrame]:
    return [model.run_model(seed=s, steps=steps).timeseries for s in seeds]


@pytest.mark.slow
def test_p3_meeting_targets_often_missed_and_many_members_absent():
    # Planned: 4 meetings per platform per year plus extra meetings monitoring calls. The evidence: targets
    # often missed (WASHTech: only Ghana held its planned quarterly meetings). Emergent here: a planned
    # meeting falls through when fewer than two members or fewer than the quorum come, so between 10% and
    # 70% of the planned meetings while the project pays fall through, and a typical meeting that is held
    # misses a third or more of its members. (The realised rate, ~2.4 per platform-year, is below IRC
    # Ethiopia's 4-5 a year: docs/ODD.md section 1 reports this half of P3 as not reproduced.)
    # Power (10 runs of the test's stream): the share missed is 0.39 (SD 0.075 across runs, SE 0.024), > 12 SE
    # from either bound; attendance 0.55 (SD 0.035, SE 0.011), 14 SE under 0.7. A mean share within ~0.07 of a
    # bound (3 SE) would not be told from it.
    runs = baseline_runs(seeds_for("p3_meeting_targets_often_missed_and_many_members_absent", 10), 48)
    missed = np.mean([ts["meetings_missed"].iloc[-1] / (ts["meetings"].iloc[-1] + ts["meetings_missed"].iloc[-1])
                      for ts in runs])
    assert 0.1 <= missed <= 0.7, missed
    attendance = np.nanmean([ts[["attendance_national", "attendance_community"]].mean().mean() for ts in runs])
    assert attendance < 0.7, attendance


@pytest.mark.slow
def test_p6_senior_officials_attend_less_than_communities():
    # mean attendance over the run's meetings, per run: communities' exceeds national officials' by more than
    # 5 points on average (and 3 SE), paired within each run
    # Power (30 runs; SD of the per-run difference 0.085): detects >= 0.060; seen +0.13 (z 8.3), so the
    # 5-point floor is not what binds.
    runs = baseline_runs(seeds_for("p6_senior_officials_attend_less_than_communities"), 60)
    national = np.array([ts["attendance_national"].mean() for ts in runs])
    community = np.array([ts["attendance_community"].mean() for ts in runs])
    d = community - national
    assert not np.isnan(d).any(), d
    assert_positive(d, "attendance, communities minus national officials", min_effect=0.05)


@pytest.mark.slow
def test_p8_local_impact_common_higher_scale_change_rare():
    # Local impact (uptake in the pilot districts) exceeds spread outside in >= 80% of runs, and exceeds
    # institutional change (power-weighted policy adoption) on paired seeds by more than 3 SE. (Model v2 adds
    # the alliance's institutional pull, so the earlier fixed margin of 0.1 was replaced by this statistical
    # claim: at the default ~0.26 vs ~0.17 the pattern's direction holds, its size is for calibration.)
    # Power (30 runs of the test's stream): pilot districts ahead of outside in 100% of runs (bar 80%); pilot
    # uptake minus policy adoption SD 0.10 -> detects >= 0.070, seen +0.12 (z 6.5).
    s = summaries({}, seeds=seeds_for("p8_local_impact_common_higher_scale_change_rare"))
    assert (s["uptake_pilot_final"] > s["uptake_outside_final"]).mean() >= 0.8
    assert_positive((s["uptake_pilot_final"] - s["policy_adoption_final"]).to_numpy(),
                    "uptake in the pilot districts minus policy adoption")


def test_p10_a_small_win_raises_trust_and_commitment_on_the_pilots_platforms():
    # P10 at the rule level (a success raises trust on the pilot's platforms' member ties and members'
    # commitment by small_win_gain of the gap). At the whole-model level the effect of 5x more successes on
    # mean trust at month 54 is +0.007 +- 0.025 (10 paired seeds): conflicts and newcomers' fresh ties mask it,
    # so docs/ODD.md does not claim P10 as an emergent pattern.
    m = model.build_model(seed=4)
    m.run_for(30)
    host = int(np.flatnonzero(m.is_community & m.members)[0])
    platforms = m.pilot_platforms(host)
    ties = np.isin(m.edge_platform, platforms) & m.live_ties
    members = m.members & np.isin(m.platform, platforms)
    trust, commitment = m.trust[ties].copy(), m.commitment[members].copy()
    m.record_pilots(np.array([host]), np.array([True]), np.array([True]))
    gain = m.p["small_win_gain"]
    assert ties.any() and np.allclose(m.trust[ties], trust + gain * (1 - trust))
    assert np.allclose(m.commitment[members], commitment + gain * (1 - commitment))


@pytest.mark.slow
def test_p12_uptake_after_exit_needs_ownership_or_embedding():
    # Alliances that own the process (clear roles, strong values) keep growing after the donor leaves;
    # those that do not stall (RiPPLE; van Koppen et al. 2014).
    # Power (30 pairs; paired SD 0.027): detects >= 0.019; seen +0.031 (z 6.4).
    seeds = seeds_for("p12_uptake_after_exit_needs_ownership_or_embedding")
    owned = summaries(dict(agreement_rate=0.6, transparency=1.0, project_exit_month=36), seeds=seeds)
    not_owned = summaries(dict(agreement_rate=0.02, transparency=0.0, project_exit_month=36), seeds=seeds)
    d = owned["uptake_after_exit"].to_numpy() - not_owned["uptake_after_exit"].to_numpy()
    assert_positive(d, "uptake after exit, owned vs not owned")


@pytest.mark.slow
def test_p5_members_leave_most_in_the_first_two_years():
    # Sartas et al. 2018: early contraction, local actors leaving in years 1-2. Dropouts per member-month in
    # months 1-24 exceed those in months 37-60 on average and in at least 70% of runs (30 paired seeds).
    # Power (30 runs; SD of the per-run difference 0.0099): detects >= 0.0069 per member-month; seen +0.0079
    # (z 4.4). Early exceeds late in 70% of the test's runs, exactly the bar; on 100 runs of a check stream
    # (seeds_for("p5_members_leave_most_in_the_first_two_years:check", 100)) in 90% (mean +0.0097 +- 0.0009), so the
    # bar is ~3.6 binomial SE (5.5 points at 30 runs) under the share the model gives: kept as it is.
    early, late = [], []
    for ts in baseline_runs(seeds_for("p5_members_leave_most_in_the_first_two_years"), 60):
        d, mm = ts["dropouts"].to_numpy(), ts["member_months"].to_numpy()
        early.append((d[24] - d[0]) / (mm[24] - mm[0]))
        late.append((d[60] - d[36]) / (mm[60] - mm[36]))
    diff = np.subtract(early, late)
    assert_positive(diff, "dropouts per member-month, months 1-24 minus 37-60")
    assert (diff > 0).mean() >= 0.7
