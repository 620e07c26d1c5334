"""Outputs: module-level reporter functions collected every month, and the per-run summary.

Every reporter reads the model's state arrays; none draws random numbers or changes state.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from .states import LEVEL, MEMBERSHIP, STAGE

# Cumulative counters the mechanisms increment (resource units, events) and the reporters read.
COUNTERS = (
    "dropouts", "rejoins", "conflicts_arisen", "conflicts_resolved", "pilots_run", "pilots_succeeded",
    "pilots_documented", "evidence", "meetings", "facilitator_months", "dissemination_events", "cost",
    "member_months",
)


def weighted_share(flags: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return float((weights * flags).sum() / total) if total > 0 else 0.0


def _uptake_where(model, mask: np.ndarray) -> float:
    n = np.count_nonzero(mask)
    return float(np.count_nonzero(model.stage[mask] >= STAGE.IMPLEMENTATION) / n) if n else 0.0


def uptake(model) -> float:
    """Share of all communities (pilot and outside) implementing MUS."""
    return _uptake_where(model, model.is_community)


def adopted(model) -> float:
    """Share of communities that have decided for MUS (decision stage or beyond)."""
    n = model.n_communities
    return float(np.count_nonzero(model.stage[model.is_community] >= STAGE.DECISION) / n) if n else 0.0


def uptake_pilot(model) -> float:
    """Uptake among communities in the pilot districts' platforms (local impact, pattern P8)."""
    return _uptake_where(model, model.pilot_community)


def uptake_outside(model) -> float:
    """Uptake among communities outside the alliance (horizontal scaling)."""
    return _uptake_where(model, model.outside_community)


def uptake_marginalised(model) -> float:
    return _uptake_where(model, model.marginalised)


def equity(model) -> float:
    """Uptake among marginalised communities relative to the others, capped at 1 (1 = no gap)."""
    others = _uptake_where(model, model.unmarginalised_community)
    marg = _uptake_where(model, model.marginalised)
    return 1.0 if others == 0 else float(min(1.0, marg / others))


def awareness(model) -> float:
    """Mean awareness of MUS over all stakeholders."""
    return float(model.awareness.mean())


def enabling_env(model) -> float:
    return float(model.env)


def policy_adoption(model) -> float:
    """Power-weighted share of national and district organisations implementing MUS in their mandate."""
    return weighted_share(model.stage[model.org] >= STAGE.IMPLEMENTATION, model.power[model.org])


def members(model) -> int:
    return int(model.members.sum())


def _members_at(model, level: int) -> int:
    return int((model.members & (model.level == level)).sum())


def members_national(model) -> int:
    return _members_at(model, LEVEL.NATIONAL)


def members_district(model) -> int:
    return _members_at(model, LEVEL.DISTRICT)


def members_community(model) -> int:
    return _members_at(model, LEVEL.COMMUNITY)


def share_marginalised(model) -> float:
    """Share of members that are marginalised groups (inclusiveness of the alliance)."""
    m = model.members
    return float(model.marginalised[m].mean()) if m.any() else 0.0


def mean_trust(model) -> float:
    """Mean trust on ties between current members."""
    m = model.members
    live = m[model.src] & m[model.dst]
    return float(model.trust[live].mean()) if live.any() else 0.0


def view_spread(model) -> float:
    """Standard deviation of members' views on MUS (0 = a fully shared vision)."""
    m = model.members
    return float(model.view[m].std()) if m.sum() > 1 else 0.0


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
