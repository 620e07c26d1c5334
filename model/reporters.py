"""Outputs: module-level reporter functions collected every month, and the per-run summary.

Every reporter reads the model's state arrays; none draws random numbers or changes state.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from .states import LEVEL, STAGE

# Cumulative counters the mechanisms increment (resource units, events) and the reporters read.
COUNTERS = (
    "dropouts", "rejoins", "conflicts_arisen", "conflicts_resolved", "pilots_run", "pilots_succeeded",
    "pilots_documented", "evidence", "meetings", "facilitator_months", "dissemination_events", "cost",
    "member_months",
)


def weighted_share(flags: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return float((weights * flags).sum() / total) if total > 0 else 0.0


def tally(model) -> dict:
    """Counts the community reporters share: stakeholders by group (0 organisations, 1/2 pilot-district
    communities not/marginalised, 3/4 outside communities not/marginalised) and stage, and members by
    level. Computed once per collection (the Recorder clears it) or per month when called directly."""
    cached = getattr(model, "_tally", None)
    if cached is not None and cached["month"] == model.steps:
        return cached
    by_stage = np.bincount(model.report_group * 6 + model.stage, minlength=30).reshape(5, 6)
    t = {  # plain lists: the reporters only add a few of their numbers
        "month": model.steps,
        "total": by_stage.sum(axis=1).tolist(),
        "implementing": by_stage[:, STAGE.IMPLEMENTATION:].sum(axis=1).tolist(),
        "decided": by_stage[:, STAGE.DECISION:].sum(axis=1).tolist(),
        "members_by_level": np.bincount(model.level[model.members], minlength=3).tolist(),
    }
    model._tally = t
    return t


def _share(t: dict, key: str, groups: list[int]) -> float:
    n = sum(t["total"][g] for g in groups)
    return sum(t[key][g] for g in groups) / n if n else 0.0


def uptake(model) -> float:
    """Share of all communities (pilot and outside) implementing MUS."""
    return _share(tally(model), "implementing", [1, 2, 3, 4])


def adopted(model) -> float:
    """Share of communities that have decided for MUS (decision stage or beyond)."""
    return _share(tally(model), "decided", [1, 2, 3, 4])


def uptake_pilot(model) -> float:
    """Uptake among communities in the pilot districts' platforms (local impact, pattern P8)."""
    return _share(tally(model), "implementing", [1, 2])


def uptake_outside(model) -> float:
    """Uptake among communities outside the alliance (horizontal scaling)."""
    return _share(tally(model), "implementing", [3, 4])


def uptake_marginalised(model) -> float:
    return _share(tally(model), "implementing", [2, 4])


def equity(model) -> float:
    """Uptake among marginalised communities relative to the others, capped at 1 (1 = no gap)."""
    t = tally(model)
    others = _share(t, "implementing", [1, 3])
    return 1.0 if others == 0 else float(min(1.0, _share(t, "implementing", [2, 4]) / others))


def awareness(model) -> float:
    """Mean awareness of MUS over all stakeholders."""
    return float(model.awareness.mean())


def enabling_env(model) -> float:
    return float(model.env)


def policy_adoption(model) -> float:
    """Power-weighted share of national and district organisations implementing MUS in their mandate."""
    return weighted_share(model.stage[model.org] >= STAGE.IMPLEMENTATION, model.power[model.org])


def members(model) -> int:
    return sum(tally(model)["members_by_level"])


def _members_at(model, level: int) -> int:
    return tally(model)["members_by_level"][level]


def members_national(model) -> int:
    return _members_at(model, LEVEL.NATIONAL)


def members_district(model) -> int:
    return _members_at(model, LEVEL.DISTRICT)


def members_community(model) -> int:
    return _members_at(model, LEVEL.COMMUNITY)


def share_marginalised(model) -> float:
    """Share of members that are marginalised groups (inclusiveness of the alliance)."""
    m = model.members
    n = np.count_nonzero(m)
    return np.count_nonzero(model.marginalised & m) / n if n else 0.0


def mean_trust(model) -> float:
    """Mean trust on ties between current members who share a platform."""
    t = model.trust[model.live_ties]
    return float(t.mean()) if len(t) else 0.0


def view_spread(model) -> float:
    """Standard deviation of members' views on MUS (0 = a fully shared vision)."""
    x = model.view[model.members]
    if len(x) < 2:
        return 0.0
    # (no ndarray.dot here: BLAS threads make it slow and erratic on a busy machine)
    return float(np.sqrt(np.square(x - x.mean()).mean()))


def _attendance_at(model, level: int) -> float:
    """Mean share of members present at the latest meeting of each platform of a level (NaN before any)."""
    a = model.attendance[model.platform_level == level]
    a = a[a == a]  # drop NaN (platforms that have not met)
    return float(a.mean()) if len(a) else float("nan")


def attendance_national(model) -> float:
    return _attendance_at(model, LEVEL.NATIONAL)


def attendance_community(model) -> float:
    return _attendance_at(model, LEVEL.COMMUNITY)


def conflicts_open(model) -> int:
    return int(model.open_conflicts.sum())


def ownership(model) -> float:
    return float(model.ownership)


def support(model) -> float:
    return float(model.support)


def _counter(name):
    def report(model) -> float:
        return float(model.counts[name])

    report.__name__ = name
    report.__doc__ = f"Cumulative {name.replace('_', ' ')}."
    return report


class Recorder(mesa.DataCollector):
    """Mesa's DataCollector for reporters that return plain numbers: it stores them without the deep copy
    Mesa makes to protect mutable values (a third of a month's cost at the default size)."""

    def collect(self, model) -> None:
        model._tally = None
        self._collection_steps.append(model.time)
        for var, reporter in self.model_reporters.items():
            self.model_vars[var].append(reporter(model))


MODEL_REPORTERS = {
    "uptake": uptake, "adopted": adopted, "uptake_pilot": uptake_pilot, "uptake_outside": uptake_outside,
    "uptake_marginalised": uptake_marginalised, "equity": equity, "awareness": awareness,
    "enabling_env": enabling_env, "policy_adoption": policy_adoption, "members": members,
    "members_national": members_national, "members_district": members_district,
    "members_community": members_community, "share_marginalised": share_marginalised,
    "mean_trust": mean_trust, "view_spread": view_spread, "attendance_national": attendance_national,
    "attendance_community": attendance_community, "conflicts_open": conflicts_open,
    "ownership": ownership, "support": support,
    **{name: _counter(name) for name in COUNTERS},
}
OUTPUTS: tuple[str, ...] = tuple(MODEL_REPORTERS)

SUMMARY_OUTPUTS: tuple[str, ...] = (
    "uptake_final", "adopted_final", "uptake_pilot_final", "uptake_outside_final", "awareness_final",
    "enabling_env_final", "policy_adoption_final", "members_final", "members_peak", "share_marginalised_final",
    "mean_trust_final", "dropouts", "rejoins", "conflicts_arisen", "conflicts_resolved", "pilots_run",
    "pilots_succeeded", "pilots_documented", "meetings", "facilitator_months", "dissemination_events",
    "cost_total", "months_to_25", "months_to_50", "uptake_at_exit", "uptake_after_exit", "equity_final",
    "dropouts_per_member_year", "conflicts_per_meeting",
)


def months_to(series: pd.Series, level: float, horizon: int) -> float:
    """First month the series reaches ``level``; censored at horizon + 1 when it never does."""
    hit = np.flatnonzero(series.to_numpy() >= level)
    return float(hit[0]) if len(hit) else float(horizon + 1)


def summarise(ts: pd.DataFrame, exit_month: int) -> dict[str, float]:
    """One row of scalar outcomes from a run's monthly table (row t = state after month t)."""
    last = ts.iloc[-1]
    horizon = int(ts["step"].iloc[-1])
    at_exit = float(ts["uptake"].iloc[min(exit_month, horizon)])
    out = {f"{k}_final": float(last[k]) for k in (
        "uptake", "adopted", "uptake_pilot", "uptake_outside", "awareness", "enabling_env", "policy_adoption",
        "members", "share_marginalised", "mean_trust", "equity")}
    out.update({k: float(last[k]) for k in (
        "dropouts", "rejoins", "conflicts_arisen", "conflicts_resolved", "pilots_run", "pilots_succeeded",
        "pilots_documented", "meetings", "facilitator_months", "dissemination_events")})
    out["members_peak"] = float(ts["members"].max())
    out["dropouts_per_member_year"] = 12 * float(last["dropouts"]) / max(float(last["member_months"]), 1.0)
    out["conflicts_per_meeting"] = float(last["conflicts_arisen"]) / max(float(last["meetings"]), 1.0)
    out["cost_total"] = float(last["cost"])
    out["months_to_25"] = months_to(ts["uptake"], 0.25, horizon)
    out["months_to_50"] = months_to(ts["uptake"], 0.50, horizon)
    out["uptake_at_exit"] = at_exit
    # Uptake gained after the project left; 0 when it never leaves within the horizon.
    out["uptake_after_exit"] = float(last["uptake"]) - at_exit if exit_month < horizon else 0.0
    assert set(out) == set(SUMMARY_OUTPUTS), set(out) ^ set(SUMMARY_OUTPUTS)
    return out
