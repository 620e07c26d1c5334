"""Patterns from the evidence (domain notes 1.3) reproduced under the default scenario (docs/ODD.md, 1)."""

import numpy as np
import pandas as pd
import pytest

import model

from .paired import SEEDS, summaries


def baseline_runs(steps: int = 120) -> list[pd.DataFrame]:
    return [model.run_model(seed=s, steps=steps).timeseries for s in SEEDS]


@pytest.mark.slow
def test_p3_meeting_targets_often_missed_and_many_members_absent():
    # Planned: 4 meetings per platform per year plus extra meetings monitoring calls. The evidence: targets
    # often missed (WASHTech: only Ghana held its planned quarterly meetings). Emergent here: a planned
    # meeting falls through when fewer than two members or fewer than the quorum come, so between 10% and
    # 70% of the planned meetings while the project pays fall through, and a typical meeting that is held
    # misses a third or more of its members. (The realised rate, ~2.4 per platform-year, is below IRC
    # Ethiopia's 4-5 a year: docs/ODD.md section 1 reports this half of P3 as not reproduced.)
    runs = [model.run_model(seed=s, steps=48).timeseries for s in SEEDS[:10]]
    missed = np.mean([ts["meetings_missed"].iloc[-1] / (ts["meetings"].iloc[-1] + ts["meetings_missed"].iloc[-1])
                      for ts in runs])
    assert 0.1 <= missed <= 0.7, missed
    attendance = np.nanmean([ts[["attendance_national", "attendance_community"]].mean().mean() for ts in runs])
    assert attendance < 0.7, attendance


@pytest.mark.slow
def test_p6_senior_officials_attend_less_than_communities():
    runs = baseline_runs(60)
    national = np.nanmean([ts["attendance_national"].mean() for ts in runs])
    community = np.nanmean([ts["attendance_community"].mean() for ts in runs])
    assert national < community - 0.05, (national, community)


@pytest.mark.slow
def test_p8_local_impact_common_higher_scale_change_rare():
    # Local impact (uptake in the pilot districts) exceeds spread outside in >= 80% of runs, and exceeds
    # institutional change (power-weighted policy adoption) on paired seeds by more than 3 SE. (Model v2 adds
    # the alliance's institutional pull, so the earlier fixed margin of 0.1 was replaced by this statistical
    # claim: at the default ~0.26 vs ~0.17 the pattern's direction holds, its size is for calibration.)
    s = summaries({})
    assert (s["uptake_pilot_final"] > s["uptake_outside_final"]).mean() >= 0.8
    d = (s["uptake_pilot_final"] - s["policy_adoption_final"]).to_numpy()
    assert d.mean() > 3 * d.std(ddof=1) / np.sqrt(len(d)), d


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
    m.record_pilot(host, success=True, documented=True)
    gain = m.p["small_win_gain"]
    assert ties.any() and np.allclose(m.trust[ties], trust + gain * (1 - trust))
    assert np.allclose(m.commitment[members], commitment + gain * (1 - commitment))


@pytest.mark.slow
def test_p12_uptake_after_exit_needs_ownership_or_embedding():
    # Alliances that own the process (clear roles, strong values) keep growing after the donor leaves;
    # those that do not stall (RiPPLE; van Koppen et al. 2014).
    owned = summaries(dict(agreement_rate=0.6, transparency=1.0, project_exit_month=36))
    not_owned = summaries(dict(agreement_rate=0.02, transparency=0.0, project_exit_month=36))
    d = owned["uptake_after_exit"].to_numpy() - not_owned["uptake_after_exit"].to_numpy()
    assert d.mean() > 3 * d.std(ddof=1) / np.sqrt(len(d))


@pytest.mark.slow
def test_p5_members_leave_most_in_the_first_two_years():
    # Sartas et al. 2018: early contraction, local actors leaving in years 1-2. Dropouts per member-month in
    # months 1-24 exceed those in months 37-60 on average and in at least 70% of runs (30 paired seeds).
    early, late = [], []
    for ts in baseline_runs(60):
        d, mm = ts["dropouts"].to_numpy(), ts["member_months"].to_numpy()
        early.append((d[24] - d[0]) / (mm[24] - mm[0]))
        late.append((d[60] - d[36]) / (mm[60] - mm[36]))
    diff = np.subtract(early, late)
    assert diff.mean() > 3 * diff.std(ddof=1) / np.sqrt(len(diff))
    assert (diff > 0).mean() >= 0.7
