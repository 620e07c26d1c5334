"""Patterns from the evidence (domain notes 1.3) reproduced under the default scenario (docs/ODD.md, 1)."""

import numpy as np
import pandas as pd

import model

from .paired import SEEDS, summaries


def baseline_runs(steps: int = 120) -> list[pd.DataFrame]:
    return [model.run_model(seed=s, steps=steps).timeseries for s in SEEDS]


def test_p3_meetings_roughly_quarterly_with_many_members_absent():
    # Planned: 4 meetings per platform per year plus extra meetings monitoring calls. Realised while the
    # project pays: 3 to 5.5 per platform-year (IRC Ethiopia: 9 meetings in ~2 years, i.e. 4-5 a year),
    # and a typical meeting misses a third or more of its members (WASHTech: targets often missed).
    n_platforms = model.build_model(seed=5).n_platforms
    runs = [model.run_model(seed=s, steps=48).timeseries for s in SEEDS[:10]]
    per_platform_year = np.mean([ts["meetings"].iloc[-1] / (n_platforms * 4) for ts in runs])
    assert 3.0 <= per_platform_year <= 5.5, per_platform_year
    attendance = np.nanmean([ts[["attendance_national", "attendance_community"]].mean().mean() for ts in runs])
    assert attendance < 0.7, attendance


def test_p6_senior_officials_attend_less_than_communities():
    runs = baseline_runs(60)
    national = np.nanmean([ts["attendance_national"].mean() for ts in runs])
    community = np.nanmean([ts["attendance_community"].mean() for ts in runs])
    assert national < community - 0.05, (national, community)


def test_p8_local_impact_common_higher_scale_change_rare():
    s = summaries({})
    assert (s["uptake_pilot_final"] > s["uptake_outside_final"]).mean() >= 0.8
    assert s["uptake_pilot_final"].mean() > s["policy_adoption_final"].mean() + 0.1


def test_p10_small_wins_drive_trust():
    # More successful pilots (higher base success) -> higher trust between members, on paired seeds.
    wins = summaries(dict(pilot_base_success=1.0))
    few = summaries(dict(pilot_base_success=0.2))
    d = wins["mean_trust_final"].to_numpy() - few["mean_trust_final"].to_numpy()
    assert d.mean() > 3 * d.std(ddof=1) / np.sqrt(len(d))


def test_p12_uptake_after_exit_needs_ownership_or_embedding():
    # Alliances that own the process (clear roles, strong values) keep growing after the donor leaves;
    # those that do not stall (RiPPLE; van Koppen et al. 2014).
    owned = summaries(dict(agreement_rate=0.6, transparency=1.0, project_exit_month=36))
    not_owned = summaries(dict(agreement_rate=0.02, transparency=0.0, project_exit_month=36))
    d = owned["uptake_after_exit"].to_numpy() - not_owned["uptake_after_exit"].to_numpy()
    assert d.mean() > 3 * d.std(ddof=1) / np.sqrt(len(d))


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
