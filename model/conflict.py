"""Conflict at the platforms and the facilitator's conflict management (Tool 24: 'lack of mutual
confidence, or even conflicts'; Faysse 2006; NBDC: competing agendas)."""

from __future__ import annotations

import numpy as np

from . import decisions, kernels
from .events import EventKind
from .population import WATER_USES


class Conflict:
    def arise_conflicts(self) -> None:
        """Conflicts arise at meetings: each platform with two or more seats this month starts one with
        :meth:`escalation_chance`; the event names the water use members' interests differ most on."""
        who, plat = self.seat_who, self.seat_platform
        if len(who) < 2:
            return
        count, meeting = kernels.seats_taken(who, plat, self.rep_s, self.n_platforms, self.replicates)
        trust = self.platform_trust()
        new = kernels.conflicts_raised(count, self.uniform_platforms(meeting), self.escalation_chance(trust))
        new = decisions.raised_conflicts(self, new)
        if not new.any():
            return
        spread = kernels.interest_variance(new, who, plat, self.interests)  # over those at the meeting
        for k in new.nonzero()[0].tolist():
            use = WATER_USES[int(np.argmax(spread[k]))]
            self.log(self.rep_p[k], EventKind.CONFLICT,
                     f"Conflict in the {self.platform_names[k]} over {use} water (trust {trust[k]:.2f}).")
        self.counts["conflicts_arisen"] += kernels.open_conflicts_at(new, self.open_conflicts, self.conflict_since,
                                                                     self.month, self.rep_p, self.replicates)

    def escalation_chance(self, trust: np.ndarray | None = None) -> np.ndarray:
        """Chance that this month's meeting of each platform starts a conflict, from tension and distrust among
        those present. Tension = 1 - (1 - divergence of the interests present)(1 - power gap/2)(1 -
        disagreement on MUS): competing agendas, domination and disagreement each can start one, so identical
        interests do not rule conflict out. Chance = ``conflict_propensity`` x tension x (1 - mean trust on
        the platform's member ties) x (1.5 - mutual_trust) x (1 - mediation x support / 2): where members
        agreed to give each other the benefit of the doubt, disagreements escalate less often (Tool 24: core
        values 'help to overcome' conflicts), and a mediator defuses up to half of the escalations before
        they become conflicts ('mediating communication'). Mediation thus removes a share of the escalations
        there are: its return is proportional to tension x distrust, large in a hostile context and nil in a
        calm one (Ansell & Gash 2008: facilitative leadership matters most where conflict is high)."""
        q = self.q
        trust = self.platform_trust() if trust is None else trust  # the platforms' trust, when already at hand
        return kernels.escalation_chance(self.n_platforms, self.seat_who, self.seat_platform, self.interests,
                                         self.power, self.view, trust, q["conflict_propensity"],
                                         q["mutual_trust"], q["mediation"], self.support, self.rep_p)

    def manage_conflicts(self) -> None:
        """Facilitation 'managing conflict': each open conflict is resolved in a month with chance
        ``conflict_management`` x support. Unresolved conflicts break trust fast - every member tie in the
        platform moves towards 0 at :meth:`breaking_rate` - and wear members' commitment down by half
        that rate."""
        if not self.open_conflicts.any():
            return
        chance = np.minimum(1.0, self.q["conflict_management"] * self.support)
        resolved = np.zeros(self.n_platforms, dtype=self.open_conflicts.dtype)
        for k in self.open_conflicts.nonzero()[0]:  # as the alliance draws alone, one draw per open platform
            r = self.rep_p[k]
            resolved[k] = self.rngs[r].binomial(self.open_conflicts[k], chance[r])
        resolved = decisions.mediated(self, resolved)
        for k in resolved.nonzero()[0]:
            self.log(self.rep_p[k], EventKind.RESOLVED, f"The facilitator resolved a conflict in the "
                     f"{self.platform_names[k]} after {self.month - self.conflict_since[k]} months.")
        self.counts["conflicts_resolved"] += kernels.settle_conflicts(
            self.open_conflicts, resolved, self.conflict_since, self.rep_p, self.replicates, self.trust,
            self.commitment, self.live_ties, self.edge_platform, self.breaking_rate(), self.rep_t,
            self.seated_members, self.home, self.rep_s)
