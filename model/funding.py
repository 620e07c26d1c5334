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
        q, rs = self.q, self.rep_s
        members = self.members
        rep = rs[members]
        maturity = np.minimum(1.0, (self.month - self.joined[members]) / q["ownership_months"][rep])
        n = self.total(rep)
        owned = self.total(rep, self.commitment[members] * self.role_clarity[members] * maturity)
        self.ownership = np.divide(owned, n, out=np.zeros(self.replicates), where=n > 0)
        leaving = self.month == q["project_exit_month"] + 1
        if leaving.any():
            self.leave_project(leaving)
        g = self.government
        self.embedded = self.weighted_share(rs[g], self.stage[g] >= STAGE.IMPLEMENTATION, self.power[g])
        planned = self.planned_cost()
        m = members & self.can_adopt  # the project office pays as the project
        agreed = self.total(rs[m], self.capacity[m] * self.commitment[m] * self.role_clarity[m]
                            * decisions.contribution_shares(self)[m])
        contributions = q["contribution_rate"] * (0.5 + 0.5 * q["transparency"]) * agreed
        initiator_active = self.membership[self.initiator] == MEMBERSHIP.MEMBER
        line = np.where(initiator_active & self.government[self.initiator], self.profile["budget_line"], 0.0)
        budget = q["government_budget"] * q["n_districts"] * np.maximum(self.embedded, line)
        funded = self.month <= q["project_exit_month"]
        by_members = np.minimum(contributions, planned)
        by_government = np.minimum(budget, planned - by_members)
        paying = planned > 0
        support = np.where(funded, 1.0, np.divide(by_members + by_government, planned, out=np.ones(self.replicates),
                                                  where=paying))
        spent = planned * support
        # when nothing is paid for, what still happens (a meeting called before the exit) is members' own time
        by_project = np.maximum(0.0, spent - by_members - by_government)  # never below 0 by rounding
        payers = np.empty((self.replicates, 3))
        for k, (purse, none_spent) in enumerate(((by_project, 0.0), (by_members, 1.0), (by_government, 0.0))):
            payers[:, k] = np.divide(purse, spent, out=np.full(self.replicates, none_spent), where=spent > 0)
        # nothing planned (no members): the project pays until it leaves, members' own time after
        payers[~paying] = np.where(funded[~paying, None], (1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
        self.support, self.payers = support, payers
        self.drive = np.where(initiator_active, q["initiator_drive"] * self.profile["drive"] * (1 - self.ownership), 0.0)

    def planned_cost(self) -> np.ndarray:
        """Cost of a month of activities at full intensity (k$), per alliance (0 for one without members)."""
        q = self.q
        platforms = self.total(self.rep_p[self.platform_size > 1])
        cost = (q["cost_facilitator_month"] + q["meetings_per_year"] / 12 * platforms * q["cost_meeting"]
                + q["pilots_per_year"] / 12 * q["cost_pilot"]
                + q["dissemination_events_per_year"] / 12 * q["cost_dissemination_event"])
        return np.where(self.any_of(self.rep_s[self.members]), cost, 0.0)

    def leave_project(self, leaving: np.ndarray) -> None:
        """The external project leaves the alliances in ``leaving`` (those whose exit month has just passed)."""
        for r in np.flatnonzero(leaving):
            self.log(r, EventKind.EXIT,
                     f"The external project left in month {self.month - 1}: from now on only members' "
                     f"contributions and government budgets pay for meetings, pilots and events "
                     f"(ownership {self.ownership[r]:.2f}).")
        gone = leaving & (self.q["initiator"] == "project")  # the project office goes with the project
        if gone.any():
            self.set_membership(self.initiator[gone], MEMBERSHIP.DROPPED)

    def account_costs(self) -> None:
        """Resources used this month, in units (facilitator-months, meetings, pilots, events) and in cost
        at the unit costs of the ``cost_*`` parameters, split between the purses that paid (:meth:`fund`).
        The facilitator works at the support level."""
        c, q = self.counts, self.q
        n_members = self.total(self.rep_s[self.members])
        c["member_months"] += n_members
        c["facilitator_months"] += np.where(n_members > 0, self.support, 0.0)
        cost = (c["facilitator_months"] * q["cost_facilitator_month"] + c["meetings"] * q["cost_meeting"]
                + c["pilots_run"] * q["cost_pilot"] + c["dissemination_events"] * q["cost_dissemination_event"])
        spent = cost - c["cost"]
        c["cost"] = cost
        for k, purse in enumerate(("cost_project", "cost_members", "cost_government")):
            c[purse] += spent * self.payers[:, k]
