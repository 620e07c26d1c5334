"""Outputs: module-level reporter functions collected every month, and the per-run summary.

Every reporter reads the model's state arrays, a value per alliance of a batch (model/replicates.py: sums in
index order); none draws random numbers or changes state.
"""

from __future__ import annotations

import functools

import mesa
import numpy as np

from . import kernels
from .outputs import COUNTERS, FINAL_OF, SERIES, SERIES_NAMES, SUMMARY_NAMES, TOTAL_OF
from .states import LEVEL

NAN = float("nan")


def per_alliance(report):
    """A reporter written for the batch layout (an array with a value per alliance) that, called with a single
    run's ``LearningAlliance``, returns that run's plain number."""

    @functools.wraps(report)
    def read(model):
        a = model.__dict__.get("alliances", model)
        values = report(a)
        return values if a is model else values[0].item()

    return read


# groups of the reporters' tally (Alliances.report_group): 0 organisations, 1/2 pilot-district communities
# (not/marginalised), 3/4 outside communities (not/marginalised); the sets of groups the shares are over
SETS = {"communities": [1, 2, 3, 4], "pilot": [1, 2], "outside": [3, 4], "marginalised": [2, 4], "others": [1, 3],
        "pilot_marginalised": [2], "pilot_others": [1]}
IN_SET = np.array([[g in groups for groups in SETS.values()] for g in range(5)])  # group x set
SET = {name: k for k, name in enumerate(SETS)}


def tally(a) -> dict:
    """The numbers the reporters read, per alliance (the loop: :func:`model.kernels.tally_month`): the share of
    each set of groups (:data:`SETS`) at the implementation stage or beyond and at the decision stage or beyond
    (NaN, undefined, where a set is empty), members by level and in all, and the other sums of the reporters.
    Shared by the reporters only while the record is taken; any other call counts afresh, so a reporter called
    after the state changed mid-month never returns stale numbers."""
    cached = a.__dict__.get("_tally")
    if cached is not None:
        return cached
    return dict(zip(TALLIED, kernels.tally_month(
        a.replicates, a.rep_s, a.report_group, a.stage, a.members, a.level, a.marginalised, a.awareness, a.view, a.fit,
        IN_SET, a.org_index, a.power, a.rep_p, a.platform_size, a.joint_action, a.platform_level, a.attendance,
        a.open_conflicts)))


# what kernels.tally_month returns, in its order
TALLIED = ("implementing", "decided", "members_by_level", "members", "awareness", "share_marginalised",
           "agenda_fit_marginalised", "view_spread", "policy_adoption", "joint_action", "attendance", "conflicts_open")


def _share(t: dict, key: str, groups: str) -> np.ndarray:
    """Share of the stakeholders of a set of groups counted under ``key``; NaN (undefined) when the set is empty."""
    return t[key][:, SET[groups]]


@per_alliance
def uptake(a):
    """Share of all communities (pilot and outside) implementing MUS."""
    return _share(tally(a), "implementing", "communities")


@per_alliance
def adopted(a):
    """Share of communities that have decided for MUS (decision stage or beyond)."""
    return _share(tally(a), "decided", "communities")


@per_alliance
def uptake_pilot(a):
    """Uptake among communities in the pilot districts' platforms (local impact, pattern P8)."""
    return _share(tally(a), "implementing", "pilot")


@per_alliance
def uptake_outside(a):
    """Uptake among communities outside the alliance (horizontal scaling)."""
    return _share(tally(a), "implementing", "outside")


@per_alliance
def uptake_marginalised(a):
    return _share(tally(a), "implementing", "marginalised")


@per_alliance
def equity_gap(a):
    t = tally(a)
    return _share(t, "implementing", "marginalised") - _share(t, "implementing", "others")


@per_alliance
def equity_gap_pilot(a):
    """Equity gap among the pilot districts' communities, where the alliance's platforms, pilots and designs act."""
    t = tally(a)
    return _share(t, "implementing", "pilot_marginalised") - _share(t, "implementing", "pilot_others")


@per_alliance
def awareness(a):
    """Mean awareness of MUS over all stakeholders."""
    return tally(a)["awareness"]


@per_alliance
def enabling_env(a):
    return a.env.astype(float)


@per_alliance
def policy_adoption(a):
    """Power-weighted share of organisations implementing MUS (0 when they have no power)."""
    return tally(a)["policy_adoption"]


@per_alliance
def opposition(a):
    return a.opposition()


@per_alliance
def members(a):
    return tally(a)["members"]


@per_alliance
def members_national(a):
    return tally(a)["members_by_level"][:, LEVEL.NATIONAL]


@per_alliance
def members_district(a):
    return tally(a)["members_by_level"][:, LEVEL.DISTRICT]


@per_alliance
def members_community(a):
    return tally(a)["members_by_level"][:, LEVEL.COMMUNITY]


@per_alliance
def share_marginalised(a):
    return tally(a)["share_marginalised"]


@per_alliance
def mean_trust(a):
    return kernels.mean_on_live_ties(a.replicates, a.live_ties, a.rep_t, a.trust, np.full(a.replicates, NAN))


@per_alliance
def view_spread(a):
    """Standard deviation of members' views on MUS (0 = a fully shared vision; undefined below 2 members)."""
    return tally(a)["view_spread"]


@per_alliance
def joint_action(a):
    """Mean joint action over the platforms with members (undefined without)."""
    return tally(a)["joint_action"]


@per_alliance
def agenda_fit_marginalised(a):
    return tally(a)["agenda_fit_marginalised"]


def _attendance_at(a, level: int) -> np.ndarray:
    """Mean share of members present at the latest meeting of each platform of a level (NaN before any)."""
    return tally(a)["attendance"][:, level]


@per_alliance
def attendance_national(a):
    return _attendance_at(a, LEVEL.NATIONAL)


@per_alliance
def attendance_community(a):
    return _attendance_at(a, LEVEL.COMMUNITY)


@per_alliance
def conflicts_open(a):
    return tally(a)["conflicts_open"]


@per_alliance
def ownership(a):
    return a.ownership.astype(float)


@per_alliance
def support(a):
    return a.support.astype(float)


def _counter(name):
    def report(a):
        return a.counts[name].astype(float)

    report.__name__ = name
    return per_alliance(report)


def collect(a) -> list[np.ndarray]:
    """This month's value of every monthly output (in the registry's order), each an array over the alliances."""
    a._tally = None
    a._tally = tally(a)  # shared by this collection's reporters only
    row = [report(a) for report in BATCH_REPORTERS]
    a._tally = None
    return row


class Recorder(mesa.DataCollector):
    """Mesa's DataCollector of a single run: each month it keeps the values its alliance recorded
    (:func:`collect`), as plain numbers. They are read into ``model_vars`` when it is first read after a month (a
    run nobody reads while it steps never pays for them)."""

    def __init__(self, model):
        self._alliance = model.alliances
        self._read = 0  # months of the alliance's record already in model_vars
        super().__init__(model_reporters=MODEL_REPORTERS)
        self._columns = [self._model_vars[var] for var in self.model_reporters]

    @property
    def model_vars(self) -> dict[str, list]:
        rows = self._alliance.rows
        for row in rows[self._read:len(self._collection_steps)]:
            for values, column in zip(row, self._columns):
                column.append(values[0].item())
        self._read = max(self._read, len(self._collection_steps))
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict) -> None:
        self._model_vars = value

    def collect(self, model) -> None:
        self._collection_steps.append(model.time)


# one reporter per monthly output of the output registry (model.outputs.SERIES), in its order
MODEL_REPORTERS = {o.name: (_counter(o.name) if o.name in COUNTERS else globals()[o.name]) for o in SERIES}
COLUMN = {name: k for k, name in enumerate(MODEL_REPORTERS)}
BATCH_REPORTERS = [report.__wrapped__ for report in MODEL_REPORTERS.values()]  # each: alliances -> array
OUTPUTS: tuple[str, ...] = SERIES_NAMES
SUMMARY_OUTPUTS: tuple[str, ...] = SUMMARY_NAMES


def months_to(series, level: float) -> float:
    """First month the series reaches ``level``; NaN (censored: not reached within the horizon) if never."""
    hit = np.flatnonzero(np.asarray(series) >= level)
    return float(hit[0]) if len(hit) else NAN


def ratio(a: float, b: float) -> float:
    return a / b if b > 0 else NAN


def summarise(ts, exit_month: int) -> dict[str, float]:
    """One row of per-run outputs (model.outputs.SUMMARY) from a run's monthly table (row t = state after
    month t): a DataFrame, or a mapping of each column ("step" and the outputs) to its array. Undefined values
    are NaN, as the output registry says for each."""
    def col(name: str) -> np.ndarray:
        return np.asarray(ts[name])

    horizon = int(col("step")[-1])
    out = {f"{k}_final": float(col(k)[-1]) for k in FINAL_OF}
    out.update({k: float(col(k)[-1]) for k in TOTAL_OF})
    out["members_peak"] = float(col("members").max())
    out["cost_total"] = float(col("cost")[-1])
    uptake = col("uptake")
    for level in (25, 50):
        out[f"months_to_{level}"] = months_to(uptake, level / 100)
        out[f"reached_{level}"] = float(out[f"months_to_{level}"] == out[f"months_to_{level}"])
    leaves = exit_month < horizon
    out["uptake_at_exit"] = float(uptake[min(exit_month, horizon)])
    out["uptake_after_exit"] = float(uptake[-1]) - out["uptake_at_exit"] if leaves else NAN
    meetings = col("meetings")
    out["meetings_second_year_after_exit"] = (float(meetings[exit_month + 24] - meetings[exit_month + 12])
                                              if exit_month + 24 <= horizon else NAN)
    out["members_lost_years_1_2"] = (ratio(float(col("dropouts")[24]), float(col("joins")[24]))
                                     if horizon >= 24 else NAN)
    out["dropouts_per_member_year"] = ratio(12 * float(col("dropouts")[-1]), float(col("member_months")[-1]))
    out["conflicts_per_meeting"] = ratio(float(col("conflicts_arisen")[-1]), float(meetings[-1]))
    out["pilot_share_marginalised"] = ratio(float(col("pilots_marginalised")[-1]), float(col("pilots_run")[-1]))
    assert set(out) == set(SUMMARY_OUTPUTS), set(out) ^ set(SUMMARY_OUTPUTS)
    return {k: out[k] for k in SUMMARY_OUTPUTS}
