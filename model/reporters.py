"""Outputs: module-level reporter functions collected every month, and the per-run summary.

Every reporter reads the model's state arrays; none draws random numbers or changes state.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from .funding import weighted_share
from .rules import standard_deviation
from .outputs import COUNTERS, FINAL_OF, SERIES, SERIES_NAMES, SUMMARY_NAMES, TOTAL_OF
from .states import LEVEL, STAGE

NAN = float("nan")


def tally(model) -> dict:
    """Counts the community reporters share: stakeholders by group (0 organisations, 1/2 pilot-district
    communities not/marginalised, 3/4 outside communities not/marginalised) and stage, and members by
    level. Shared by the reporters only while the Recorder collects; any other call counts afresh, so a
    reporter called after the state changed mid-month never returns stale numbers."""
    cached = getattr(model, "_tally", None)
    if cached is not None:
        return cached
    by_stage = np.bincount(model.report_group * 6 + model.stage, minlength=30).reshape(5, 6)
    at_least = by_stage[:, ::-1].cumsum(axis=1)[:, ::-1].T.tolist()  # [stage][group]: at that stage or beyond
    return {  # plain lists: the reporters only add a few of their numbers
        "month": model.steps,
        "total": at_least[0],
        "implementing": at_least[STAGE.IMPLEMENTATION],
        "decided": at_least[STAGE.DECISION],
        "members_by_level": np.bincount(model.level[model.members], minlength=3).tolist(),
    }


def _share(t: dict, key: str, groups: list[int]) -> float:
    """Share of the stakeholders of ``groups`` counted under ``key``; NaN (undefined) when the groups are empty."""
    total, counted = t["total"], t[key]
    n = sum([total[g] for g in groups])
    return sum([counted[g] for g in groups]) / n if n else NAN


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


def equity_gap(model) -> float:
    t = tally(model)
    return _share(t, "implementing", [2, 4]) - _share(t, "implementing", [1, 3])


def equity_gap_pilot(model) -> float:
    """Equity gap among the pilot districts' communities, where the alliance's platforms, pilots and designs act."""
    t = tally(model)
    return _share(t, "implementing", [2]) - _share(t, "implementing", [1])


def awareness(model) -> float:
    """Mean awareness of MUS over all stakeholders."""
    return float(model.awareness.sum() / model.n)


def enabling_env(model) -> float:
    return float(model.env)


def policy_adoption(model) -> float:
    return weighted_share(model.stage[model.org_index] >= STAGE.IMPLEMENTATION, model.power[model.org_index])


def opposition(model) -> float:
    return model.opposition()


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
    m = model.members
    n = np.count_nonzero(m)
    return np.count_nonzero(model.marginalised & m) / n if n else NAN


def mean_trust(model) -> float:
    t = model.trust[model.live_ties]
    return float(t.sum() / len(t)) if len(t) else NAN


def view_spread(model) -> float:
    """Standard deviation of members' views on MUS (0 = a fully shared vision)."""
    x = model.view[model.members]
    return standard_deviation(x) if len(x) >= 2 else NAN


def joint_action(model) -> float:
    has = model.platform_size > 0
    n = np.count_nonzero(has)
    return float(model.joint_action[has].sum() / n) if n else NAN


def agenda_fit_marginalised(model) -> float:
    m = model.marginalised
    n = np.count_nonzero(m)
    return float(model.fit[m].sum() / n) if n else NAN


def _attendance_at(model, level: int) -> float:
    """Mean share of members present at the latest meeting of each platform of a level (NaN before any)."""
    a = model.attendance[model.platform_level == level]
    a = a[a == a]  # drop NaN (platforms that have not met)
    return float(a.sum() / len(a)) if len(a) else NAN


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
    return report


class Recorder(mesa.DataCollector):
    """Mesa's DataCollector for reporters that return plain numbers: it stores them without the deep copy
    Mesa makes to protect mutable values (a third of a month's cost at the default size)."""

    def __init__(self, model_reporters: dict):
        super().__init__(model_reporters=model_reporters)
        # each reporter with its column, looked up once
        self._columns = [(reporter, self.model_vars[var]) for var, reporter in self.model_reporters.items()]

    def collect(self, model) -> None:
        model._tally = None
        model._tally = tally(model)  # shared by this collection's reporters only
        self._collection_steps.append(model.time)
        for reporter, column in self._columns:
            column.append(reporter(model))
        model._tally = None


# one reporter per monthly output of the output registry (model.outputs.SERIES), in its order
MODEL_REPORTERS = {o.name: (_counter(o.name) if o.name in COUNTERS else globals()[o.name]) for o in SERIES}
OUTPUTS: tuple[str, ...] = SERIES_NAMES
SUMMARY_OUTPUTS: tuple[str, ...] = SUMMARY_NAMES


def months_to(series: pd.Series, level: float) -> float:
    """First month the series reaches ``level``; NaN (censored: not reached within the horizon) if never."""
    hit = np.flatnonzero(series.to_numpy() >= level)
    return float(hit[0]) if len(hit) else NAN


def ratio(a: float, b: float) -> float:
    return a / b if b > 0 else NAN


def summarise(ts: pd.DataFrame, exit_month: int) -> dict[str, float]:
    """One row of per-run outputs (model.outputs.SUMMARY) from a run's monthly table (row t = state after
    month t). Undefined values are NaN, as the output registry says for each."""
    last = ts.iloc[-1]
    horizon = int(ts["step"].iloc[-1])
    out = {f"{k}_final": float(last[k]) for k in FINAL_OF}
    out.update({k: float(last[k]) for k in TOTAL_OF})
    out["members_peak"] = float(ts["members"].max())
    out["cost_total"] = float(last["cost"])
    for level in (25, 50):
        out[f"months_to_{level}"] = months_to(ts["uptake"], level / 100)
        out[f"reached_{level}"] = float(out[f"months_to_{level}"] == out[f"months_to_{level}"])
    leaves = exit_month < horizon
    out["uptake_at_exit"] = float(ts["uptake"].iloc[min(exit_month, horizon)])
    out["uptake_after_exit"] = float(last["uptake"]) - out["uptake_at_exit"] if leaves else NAN
    meetings = ts["meetings"].to_numpy()
    out["meetings_second_year_after_exit"] = (float(meetings[exit_month + 24] - meetings[exit_month + 12])
                                              if exit_month + 24 <= horizon else NAN)
    out["members_lost_years_1_2"] = (ratio(float(ts["dropouts"].iloc[24]), float(ts["joins"].iloc[24]))
                                     if horizon >= 24 else NAN)
    out["dropouts_per_member_year"] = ratio(12 * float(last["dropouts"]), float(last["member_months"]))
    out["conflicts_per_meeting"] = ratio(float(last["conflicts_arisen"]), float(last["meetings"]))
    out["pilot_share_marginalised"] = ratio(float(last["pilots_marginalised"]), float(last["pilots_run"]))
    assert set(out) == set(SUMMARY_OUTPUTS), set(out) ^ set(SUMMARY_OUTPUTS)
    return {k: out[k] for k in SUMMARY_OUTPUTS}
