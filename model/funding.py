"""Initiation, exit, resources and ownership: who pays for the alliance's activities, and who runs it.

Tool 24 step 4 asks members to agree 'resources and contributions'; the evidence on sustainability after the
donor leaves (pattern P12: RiPPLE became an NGO; van Koppen et al. 2014: embedding in government mandates and
finance) says the alliance goes on only as far as somebody pays.
"""

from __future__ import annotations

import numpy as np

from . import decisions
from .events import EventKind
from .states import MEMBERSHIP, STAGE


def weighted_share(flags: np.ndarray, weights: np.ndarray) -> float:
    """Share of the total weight on the flagged elements (0 when there is no weight)."""
    total = float(weights.sum())
    return float((weights * flags).sum() / total) if total > 0 else 0.0


class Funding:
    def fund(self) -> None:
        """Resources and ownership. Each month the alliance plans its activities at full intensity (a
        facilitator, ``meetings_per_year`` per platform with members, ``pilots_per_year``,
        ``dissemination_events_per_year``, at the ``cost_*`` unit costs). Three purses pay for them:
        members' agreed contributions, ``contribution_rate`` x capacity x commitment x role clarity per member
        x (0.5 + 0.5 transparency) (open agreements on who gives what); government budgets,
        ``government_budget`` per district x the larger of the power-weighted share of government bodies that
        implement MUS (embedding, P12) and the budget line a government initiator (a government body)
        commits while it is a member (population.INITIATORS); and, until ``project_exit_month``, the external project, which pays whatever the
        others do not. After the project leaves, ``support`` (the share of the plan that happens) is what
        members and government pay for, at most 1.

        Ownership, mean over members of commitment x role clarity x min(1, months of membership /
        ``ownership_months``), keeps mobilising once the initiator's drive (which fades as ownership grows)
        is gone (Tool 24, step 1; owning the process takes years, P2). The drive is ``initiator_drive`` x the
        initiator type's drive (population.INITIATORS) x (1 - ownership) while the initiator is a member."""
        members = self.members
        maturity = np.minimum(1.0, (self.month - self.joined[members]) / self.p["ownership_months"])
        n = len(maturity)
        self.ownership = float((self.commitment[members] * self.role_clarity[members] * maturity).sum() / n) if n else 0.0
        if self.month == self.p["project_exit_month"] + 1:
            self.leave_project()
        self.embedded = weighted_share(self.stage[self.government] >= STAGE.IMPLEMENTATION,
                                       self.power[self.government])
        planned = self.planned_cost()
        m = members & self.can_adopt  # the project office pays as the project
        contributions = (self.p["contribution_rate"] * (0.5 + 0.5 * self.p["transparency"])
                         * float((self.capacity[m] * self.commitment[m] * self.role_clarity[m]
                                  * decisions.contribution_shares(self)[m]).sum()))
        initiator_active = self.membership[self.initiator] == MEMBERSHIP.MEMBER
        line = self.initiator_profile.budget_line if initiator_active and self.government[self.initiator] else 0.0
        budget = self.p["government_budget"] * self.p["n_districts"] * max(self.embedded, line)
        funded = self.month <= self.p["project_exit_month"]
        if planned <= 0:
            self.support, self.payers = 1.0, ((1.0, 0.0, 0.0) if funded else (0.0, 1.0, 0.0))
        else:
            by_members = min(contributions, planned)
            by_government = min(budget, planned - by_members)
            self.support = 1.0 if funded else (by_members + by_government) / planned
            spent = planned * self.support
            # when nothing is paid for, what still happens (a meeting called before the exit) is members' own time
            by_project = max(0.0, spent - by_members - by_government)  # never below 0 by rounding
            self.payers = ((by_project / spent, by_members / spent, by_government / spent)
                           if spent > 0 else (0.0, 1.0, 0.0))
        self.drive = (self.p["initiator_drive"] * self.initiator_profile.drive * (1 - self.ownership)
                      if initiator_active else 0.0)

    def planned_cost(self) -> float:
        """Cost of a month of activities at full intensity (k$)."""
        p = self.p
        members = self.members
        if not members.any():
            return 0.0
        platforms = np.count_nonzero(self.platform_size > 1)
        return (p["cost_facilitator_month"] + p["meetings_per_year"] / 12 * platforms * p["cost_meeting"]
                + p["pilots_per_year"] / 12 * p["cost_pilot"]
                + p["dissemination_events_per_year"] / 12 * p["cost_dissemination_event"])

    def leave_project(self) -> None:
        self.events.log(self.month, EventKind.EXIT,
                        f"The external project left in month {self.month - 1}: from now on only members' "
                        f"contributions and government budgets pay for meetings, pilots and events "
                        f"(ownership {self.ownership:.2f}).")
        if self.p["initiator"] == "project":  # the project office goes with the project
            self.set_membership(self.initiator, MEMBERSHIP.DROPPED)

    def account_costs(self) -> None:
        """Resources used this month, in units (facilitator-months, meetings, pilots, events) and in cost
        at the unit costs of the ``cost_*`` parameters, split between the purses that paid (:meth:`fund`).
        The facilitator works at the support level."""
        c, p = self.counts, self.p
        n_members = int(self.members.sum())
        c["member_months"] += n_members
        if n_members:
            c["facilitator_months"] += self.support
        cost = (c["facilitator_months"] * p["cost_facilitator_month"] + c["meetings"] * p["cost_meeting"]
                + c["pilots_run"] * p["cost_pilot"] + c["dissemination_events"] * p["cost_dissemination_event"])
        spent = cost - c["cost"]
        c["cost"] = cost
        for purse, share in zip(("cost_project", "cost_members", "cost_government"), self.payers):
            c[purse] += spent * share
