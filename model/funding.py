"""Initiation, exit, resources and ownership: who pays for the alliance's activities, and who runs it.

Tool 24 step 4 asks members to agree 'resources and contributions'; the evidence on sustainability after the
donor leaves (pattern P12: RiPPLE became an NGO; van Koppen et al. 2014: embedding in government mandates and
finance) says the alliance goes on only as far as somebody pays.
"""

from __future__ import annotations

import numpy as np

from . import decisions, kernels
from .events import EventKind
from .states import MEMBERSHIP


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
        self.ownership = kernels.ownership_of(members, rs, self.month, self.joined, q["ownership_months"],
                                              self.commitment, self.role_clarity, self.replicates)
        leaving = q["project_exit_month"] == self.month - 1
        if leaving.any():
            self.leave_project(leaving)
        self.embedded, self.support, self.payers, self.drive = kernels.pay_for_activities(
            self.planned_cost(), members, self.can_adopt, rs, self.capacity, self.commitment, self.role_clarity,
            decisions.contribution_shares(self), self.government, self.stage, self.power, self.membership,
            MEMBERSHIP.MEMBER, self.initiator, self.profile["budget_line"], self.profile["drive"], self.ownership,
            self.month, q["contribution_rate"], q["transparency"], q["government_budget"], q["n_districts"],
            q["project_exit_month"], q["initiator_drive"])

    def planned_cost(self) -> np.ndarray:
        """Cost of a month of activities at full intensity (k$), per alliance (0 for one without members)."""
        q = self.q
        return kernels.planned_costs(self.platform_size, self.rep_p, self.members, self.rep_s,
                                     q["cost_facilitator_month"], q["meetings_per_year"], q["cost_meeting"],
                                     q["pilots_per_year"], q["cost_pilot"], q["dissemination_events_per_year"],
                                     q["cost_dissemination_event"])

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
        c["cost"] = kernels.account(self.members, self.rep_s, self.support, self.payers, c["member_months"],
                                    c["facilitator_months"], c["meetings"], c["pilots_run"], c["dissemination_events"],
                                    c["cost"], c["cost_project"], c["cost_members"], c["cost_government"],
                                    q["cost_facilitator_month"], q["cost_meeting"], q["cost_pilot"],
                                    q["cost_dissemination_event"])
