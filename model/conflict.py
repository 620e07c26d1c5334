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
        P = self.n_platforms
        meeting = self.total(self.rep_s[who]) >= 2  # alliances with two or more seats taken this month
        count = np.bincount(plat, minlength=P)
        chance = self.escalation_chance()
        new = (count >= 2) & (self.uniform_platforms(meeting) < chance)
        new = decisions.raised_conflicts(self, new)
        trust = self.platform_trust() if new.any() else None  # for the event log only: most months see no conflict
        for k in new.nonzero()[0]:
            members_here = who[plat == k]
            use = WATER_USES[int(np.argmax(self.interests[members_here].var(axis=0)))]
            self.log(self.rep_p[k], EventKind.CONFLICT,
                     f"Conflict in the {self.platform_names[k]} over {use} water (trust {trust[k]:.2f}).")
        self.conflict_since = np.where(new & (self.open_conflicts == 0), self.month, self.conflict_since)
        self.open_conflicts += new
        self.counts["conflicts_arisen"] += self.total(self.rep_p[new])

    def escalation_chance(self) -> np.ndarray:
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
        tension = kernels.tension_at(self.n_platforms, self.seat_who, self.seat_platform, self.interests, self.power,
                                     self.view)
        q, rep = self.q, self.rep_p
        return (q["conflict_propensity"][rep] * tension * (1 - self.platform_trust())
                * (1.5 - q["mutual_trust"][rep]) * (1 - 0.5 * q["mediation"] * self.support)[rep])

    def manage_conflicts(self) -> None:
        """Facilitation 'managing conflict': each open conflict is resolved in a month with chance
        ``conflict_management`` x support. Unresolved conflicts break trust fast - every member tie in the
        platform moves towards 0 at :meth:`breaking_rate` - and wear members' commitment down by half
        that rate."""
        open_ = self.open_conflicts > 0
        if not open_.any():
            return
        chance = np.minimum(1.0, self.q["conflict_management"] * self.support)
        resolved = np.zeros(self.n_platforms, dtype=self.open_conflicts.dtype)
        p = self.p_start
        for r in np.flatnonzero(self.any_of(self.rep_p[open_])):
            resolved[p[r]:p[r + 1]] = self.rngs[r].binomial(self.open_conflicts[p[r]:p[r + 1]], chance[r])
        resolved = decisions.mediated(self, resolved)
        for k in resolved.nonzero()[0]:
            self.log(self.rep_p[k], EventKind.RESOLVED, f"The facilitator resolved a conflict in the "
                     f"{self.platform_names[k]} after {self.month - self.conflict_since[k]} months.")
        self.open_conflicts -= resolved
        self.counts["conflicts_resolved"] += self.total(self.rep_p, resolved)
        self.conflict_since = np.where(self.open_conflicts == 0, -1, self.conflict_since)
        kernels.strain_under_conflict(self.trust, self.commitment, self.live_ties, self.edge_platform,
                                      self.open_conflicts > 0, self.breaking_rate(), self.rep_t, self.seated_members,
                                      self.home, self.rep_s)
