"""The one declaration of every model output.

Each :class:`Output` says its name (for machines), a plain label (for people), its unit, its kind, which
direction is better, and how it is computed. Monthly outputs (``series``) are collected by the reporters of
:mod:`model.reporters`; per-run outputs (``summary``) by :func:`model.reporters.summarise`. The run summary,
figures, the dashboard's charts, the funders' tables and the ODD outputs table all read labels, units and
directions from here; none restates them.

Undefined values are ``NaN`` and say so in ``how``: a milestone never reached, a ratio with nothing to divide
by, an after-exit measure when the project never leaves within the horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    SHARE = "share"      # in [0, 1]
    INDEX = "index"      # in [0, 1], not a share of anything countable
    GAP = "gap"          # in [-1, 1]
    COUNT = "count"
    MONTHS = "months"
    MONEY = "money"
    RATE = "rate"
    FLAG = "flag"        # 0 or 1


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NEITHER = "neither"

    @property
    def sign(self) -> int:
        return {"higher": 1, "lower": -1, "neither": 0}[self.value]


@dataclass(frozen=True)
class Output:
    name: str
    label: str
    unit: str
    kind: Kind
    better: Better
    how: str
    series: bool = False   # collected every month
    summary: bool = False  # one value per run

    @property
    def axis_label(self) -> str:
        return f"{self.label} ({self.unit})" if self.unit not in ("", "-") else self.label


K, B = Kind, Better


def _m(name, label, unit, kind, better, how) -> Output:
    """A monthly output (also available per run as ``<name>_final`` where declared below)."""
    return Output(name, label, unit, kind, better, how, series=True)


def _s(name, label, unit, kind, better, how) -> Output:
    return Output(name, label, unit, kind, better, how, summary=True)


SERIES: tuple[Output, ...] = (
    _m("uptake", "Uptake of MUS", "share of communities", K.SHARE, B.HIGHER,
       "Communities implementing or confirmed / all communities (pilot districts and outside)."),
    _m("adopted", "Communities that decided for MUS", "share of communities", K.SHARE, B.HIGHER,
       "Communities at the decision stage or beyond / all communities."),
    _m("uptake_pilot", "Uptake in the pilot districts", "share of communities", K.SHARE, B.HIGHER,
       "Uptake among communities of the pilot districts' platforms (local impact, P8)."),
    _m("uptake_outside", "Uptake outside the alliance", "share of communities", K.SHARE, B.HIGHER,
       "Uptake among communities outside the alliance (horizontal scaling); undefined (NaN) when there are none."),
    _m("uptake_marginalised", "Uptake among marginalised communities", "share of communities", K.SHARE, B.HIGHER,
       "Uptake among marginalised communities; undefined (NaN) when there are none."),
    _m("equity_gap", "Equity gap (marginalised minus others)", "share points", K.GAP, B.HIGHER,
       "Uptake of marginalised communities minus uptake of the others, in [-1, 1]: 0 = no gap, negative = "
       "marginalised behind, positive = ahead; undefined (NaN) when either group is empty. 'Higher is better' "
       "reads for the usual case of a negative gap; a positive gap is a reversed gap, not a better parity."),
    _m("equity_gap_pilot", "Equity gap in the pilot districts", "share points", K.GAP, B.HIGHER,
       "As the equity gap, among the communities of the pilot districts' platforms only (where the alliance's "
       "pilots and designs act); undefined (NaN) when either group is empty there."),
    _m("awareness", "Awareness of MUS", "0-1", K.INDEX, B.HIGHER, "Mean awareness over all stakeholders."),
    _m("enabling_env", "Enabling environment", "0-1", K.INDEX, B.HIGHER,
       "Policy, mandates and finance for MUS (0 = hostile, 1 = fully enabling)."),
    _m("policy_adoption", "Organisations with MUS in their mandate", "power-weighted share", K.SHARE, B.HIGHER,
       "Power-weighted share of national and district organisations implementing MUS."),
    _m("opposition", "Obstruction by blockers", "power-weighted share", K.SHARE, B.LOWER,
       "Power-weighted share of organisations blocking MUS, members counting inside_obstruction of outsiders."),
    _m("members", "Alliance members", "members", K.COUNT, B.HIGHER, "Current members of all platforms."),
    _m("members_national", "National members", "members", K.COUNT, B.HIGHER, "Current members at national level."),
    _m("members_district", "District members", "members", K.COUNT, B.HIGHER, "Current members at district level."),
    _m("members_community", "Community members", "members", K.COUNT, B.HIGHER,
       "Current members at community level."),
    _m("share_marginalised", "Marginalised share of members", "share of members", K.SHARE, B.HIGHER,
       "Marginalised groups / members (inclusiveness); undefined (NaN) with no members."),
    _m("mean_trust", "Trust among members", "0-1", K.INDEX, B.HIGHER,
       "Mean trust on ties between current members who share a platform; undefined (NaN) with no such tie."),
    _m("view_spread", "Disagreement on MUS among members", "0-1", K.INDEX, B.LOWER,
       "Standard deviation of members' views on MUS (0 = a fully shared vision); undefined (NaN) with fewer "
       "than two members."),
    _m("joint_action", "Joint action quality", "0-1", K.INDEX, B.HIGHER,
       "Mean over platforms with members of (shared vision x role clarity x trust)^(1/3) (drives pilot "
       "success); undefined (NaN) when no platform has members."),
    _m("agenda_fit_marginalised", "Fit of the agenda for marginalised communities", "0-1", K.INDEX, B.HIGHER,
       "Mean fit of the alliance's agenda (water uses it designs for) to marginalised communities' uses; "
       "undefined (NaN) when there are none."),
    _m("attendance_national", "Attendance at national meetings", "share of members", K.SHARE, B.HIGHER,
       "Mean share of members present at the latest meeting of the national platform; NaN before any."),
    _m("attendance_community", "Attendance at community meetings", "share of members", K.SHARE, B.HIGHER,
       "Mean share of members present at the latest meeting of the community platforms; NaN before any."),
    _m("conflicts_open", "Open conflicts", "conflicts", K.COUNT, B.LOWER, "Conflicts open at the end of the month."),
    _m("ownership", "Ownership by members", "0-1", K.INDEX, B.HIGHER,
       "Mean over members of commitment x role clarity x min(1, months of membership / ownership_months)."),
    _m("support", "Activities paid for", "share of plan", K.SHARE, B.HIGHER,
       "Share of the planned activities paid for this month (1 while the project funds them)."),
    # cumulative counters
    _m("dropouts", "Members who left", "members", K.COUNT, B.LOWER, "Cumulative departures."),
    _m("joins", "Admissions", "members", K.COUNT, B.NEITHER,
       "Cumulative admissions: founders, joiners and returners."),
    _m("rejoins", "Members who came back", "members", K.COUNT, B.HIGHER, "Cumulative re-joinings."),
    _m("conflicts_arisen", "Conflicts arisen", "conflicts", K.COUNT, B.LOWER, "Cumulative conflicts."),
    _m("conflicts_resolved", "Conflicts resolved", "conflicts", K.COUNT, B.HIGHER, "Cumulative resolutions."),
    _m("pilots_run", "Pilots started", "pilots", K.COUNT, B.NEITHER, "Cumulative pilots started."),
    _m("pilots_marginalised", "Pilots in marginalised communities", "pilots", K.COUNT, B.NEITHER,
       "Cumulative pilots started in marginalised communities (who the alliance's resources reach, P9)."),
    _m("pilots_succeeded", "Pilots that succeeded", "pilots", K.COUNT, B.HIGHER, "Cumulative successful pilots."),
    _m("pilots_documented", "Pilots documented", "pilots", K.COUNT, B.HIGHER, "Cumulative documented pilots."),
    _m("evidence", "Documented successes", "pilots", K.COUNT, B.HIGHER,
       "Cumulative pilots that succeeded and were documented (the evidence base)."),
    _m("meetings", "Meetings held", "meetings", K.COUNT, B.NEITHER, "Cumulative platform meetings held."),
    _m("meetings_missed", "Meetings that fell through", "meetings", K.COUNT, B.LOWER,
       "Cumulative planned meetings that fell through for want of a quorum."),
    _m("facilitator_months", "Facilitator-months", "months", K.COUNT, B.NEITHER,
       "Cumulative facilitator time, at the share of activities paid for."),
    _m("dissemination_events", "Dissemination events", "events", K.COUNT, B.NEITHER, "Cumulative events."),
    _m("member_months", "Member-months", "member-months", K.COUNT, B.NEITHER, "Cumulative months of membership."),
    _m("cost", "Cost so far", "k$", K.MONEY, B.LOWER, "Cumulative cost of all activities at the unit costs."),
    _m("cost_project", "Paid by the project", "k$", K.MONEY, B.NEITHER, "Cumulative cost the project paid."),
    _m("cost_members", "Paid by members", "k$", K.MONEY, B.NEITHER,
       "Cumulative cost paid from members' contributions."),
    _m("cost_government", "Paid by government", "k$", K.MONEY, B.NEITHER,
       "Cumulative cost paid from government budgets."),
)
SERIES_BY_NAME = {o.name: o for o in SERIES}
COUNTERS: tuple[str, ...] = tuple(o.name for o in SERIES[SERIES.index(SERIES_BY_NAME["dropouts"]):])

FINAL_OF = ("uptake", "adopted", "uptake_pilot", "uptake_outside", "uptake_marginalised", "awareness",
            "enabling_env", "policy_adoption", "members", "share_marginalised", "mean_trust", "equity_gap",
            "joint_action", "opposition", "agenda_fit_marginalised", "equity_gap_pilot")
TOTAL_OF = ("dropouts", "rejoins", "conflicts_arisen", "conflicts_resolved", "pilots_run", "pilots_succeeded",
            "pilots_documented", "meetings", "meetings_missed", "facilitator_months", "dissemination_events",
            "cost_project", "cost_members", "cost_government")


def _final(name: str) -> Output:
    o = SERIES_BY_NAME[name]
    return Output(f"{name}_final", f"{o.label} at the end", o.unit, o.kind, o.better, f"Last month's value. {o.how}",
                  summary=True)


def _total(name: str) -> Output:
    o = SERIES_BY_NAME[name]
    return Output(name, o.label, o.unit, o.kind, o.better, f"Total over the run. {o.how}", summary=True)


SUMMARY: tuple[Output, ...] = (
    *(_final(n) for n in FINAL_OF),
    *(_total(n) for n in TOTAL_OF),
    _s("members_peak", "Most members at any time", "members", K.COUNT, B.HIGHER, "Maximum of members over the run."),
    _s("cost_total", "Total cost", "k$", K.MONEY, B.LOWER, "Cost of all activities over the run."),
    _s("months_to_25", "Months to 25% uptake", "months", K.MONTHS, B.LOWER,
       "First month with uptake >= 25%; undefined (NaN) when not reached within the horizon (see reached_25)."),
    _s("months_to_50", "Months to 50% uptake", "months", K.MONTHS, B.LOWER,
       "First month with uptake >= 50%; undefined (NaN) when not reached within the horizon (see reached_50)."),
    _s("reached_25", "Reached 25% uptake", "yes = 1", K.FLAG, B.HIGHER, "1 if uptake reached 25% within the horizon."),
    _s("reached_50", "Reached 50% uptake", "yes = 1", K.FLAG, B.HIGHER, "1 if uptake reached 50% within the horizon."),
    _s("uptake_at_exit", "Uptake when the project left", "share of communities", K.SHARE, B.HIGHER,
       "Uptake in the month the project left (the last month if it never leaves)."),
    _s("uptake_after_exit", "Uptake gained after the project left", "share points", K.GAP, B.HIGHER,
       "Final uptake minus uptake at exit; undefined (NaN) when the project does not leave within the horizon."),
    _s("meetings_second_year_after_exit", "Meetings in the second year after exit", "meetings", K.COUNT,
       B.HIGHER, "Meetings held in months exit+13 to exit+24 (is the alliance still meeting?); undefined (NaN) "
       "when the horizon ends before."),
    _s("members_lost_years_1_2", "Share of members lost in years 1-2", "share", K.SHARE, B.LOWER,
       "Departures in months 1-24 / admissions in months 0-24 (founders, joiners, returners) (P5); NaN if "
       "the run is shorter than 24 months."),
    _s("dropouts_per_member_year", "Departures per member-year", "per member-year", K.RATE, B.LOWER,
       "12 x departures / member-months; undefined (NaN) without members."),
    _s("conflicts_per_meeting", "Conflicts per meeting", "per meeting", K.RATE, B.LOWER,
       "Conflicts arisen / meetings held; undefined (NaN) without meetings."),
    _s("pilot_share_marginalised", "Share of pilots in marginalised communities", "share of pilots", K.SHARE,
       B.HIGHER, "Pilots started in marginalised communities / pilots started (who benefits from the alliance's "
       "resources; P9); undefined (NaN) without pilots. Compare with the marginalised share of communities."),
)

OUTPUTS: dict[str, Output] = {o.name: o for o in SERIES} | {o.name: o for o in SUMMARY}
SERIES_NAMES: tuple[str, ...] = tuple(o.name for o in SERIES)
SUMMARY_NAMES: tuple[str, ...] = tuple(o.name for o in SUMMARY)


def output(name: str) -> Output:
    """The declaration of an output (monthly or per run) by name."""
    return OUTPUTS[name]


def as_rows() -> list[dict]:
    """Every output as a plain row (for the ODD outputs table and `mus-alliance outputs --json`)."""
    per_run = set(SUMMARY_NAMES)
    rows = [{"name": o.name, "label": o.label, "unit": o.unit, "kind": str(o.kind), "better": str(o.better),
             "monthly": True, "per_run": o.name in per_run, "how": o.how} for o in SERIES]
    rows += [{"name": o.name, "label": o.label, "unit": o.unit, "kind": str(o.kind), "better": str(o.better),
              "monthly": False, "per_run": True, "how": o.how} for o in SUMMARY if o.name not in SERIES_BY_NAME]
    return rows
