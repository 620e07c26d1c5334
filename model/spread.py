"""How MUS spreads beyond the room: sharing between levels, dissemination events, and trusted
intermediaries (IRC Learning Alliances: breaking barriers to horizontal and vertical sharing; the NED model's
recommending agents, Moglia et al. 2018)."""

from __future__ import annotations

import numpy as np

from . import decisions, kernels
from .events import EventKind


class Spread:
    def evidence_level(self) -> np.ndarray:
        """How convincing the documented local evidence is: E / (E + ``evidence_scale`` x pilot-district
        communities / credibility), E the documented successes and credibility the initiator type's
        (population.INITIATORS: a knowledge institute's evidence convinces more). A share, so a country twice
        the size needs twice the pilots for the same conviction."""
        q = self.q
        return kernels.evidence_level(self.counts["evidence"], q["evidence_scale"], q["n_pilot_communities"],
                                      self.profile["evidence_credibility"])

    def disseminate(self) -> None:
        """Dissemination and sharing. Within the alliance, bridge members who attend carry awareness and
        views between the platforms they sit on (:meth:`share_between_levels`). Outside it, funded events
        (``dissemination_events_per_year`` x support) address either the non-member communities of one
        district (horizontal scaling) or the non-member organisations (policy makers, vertical scaling) and
        reach each with chance ``horizontal_reach`` or ``policy_reach``. Those reached close
        ``event_awareness`` of their awareness gap and get a renewed adoption push of ``event_push`` x
        (0.2 + 0.8 evidence) a month, which keeps ``push_memory`` of itself each month after; repeated
        events renew the push rather than stack it. Events do not change views: persuading a blocker takes
        dialogue inside the alliance."""
        q, rs, s = self.q, self.rep_s, self.s_start
        kernels.fade_push(self.push, q["push_memory"], rs)
        self.share_between_levels()
        rate = q["dissemination_events_per_year"] / 12 * self.support
        n_events = self.poisson(rate)
        self.counts["dissemination_events"] += n_events
        if not n_events.any():
            return
        evidence = self.evidence_level()
        push = q["event_push"] * (0.2 + 0.8 * evidence)
        u = np.empty(self.n)
        for event in range(int(n_events.max())):  # the alliances' first events together, then their second ...
            holding = n_events > event
            target = np.full(self.replicates, -2)  # a district, -1 for organisations (policy makers), -2 no event
            for r in np.flatnonzero(holding):
                g = self.rngs[r]
                target[r] = g.integers(q["n_districts"][r]) if g.random() < 0.5 else -1
                u[s[r]:s[r + 1]] = g.random(int(s[r + 1] - s[r]))
            kernels.reach_event(self.awareness, self.push, u, target, rs, self.org, self.is_community, self.district,
                                self.members, q["policy_reach"], q["horizontal_reach"], q["event_awareness"], push)
        for r in np.flatnonzero(n_events):
            self.log(r, EventKind.DISSEMINATION,
                     f"{n_events[r]} dissemination event(s) shared the alliance's evidence "
                     f"({self.counts['evidence'][r]:.0f} documented successes).")

    def share_between_levels(self) -> None:
        """Bridge members who attend carry their platforms' awareness and views on MUS to the linked
        platform: each member moves ``vertical_sharing`` x min(1, bridges/2) of the way towards the mean of
        the platforms linked to its own (awareness only upwards; views by their openness, as in
        :meth:`converge_views`: an entrenched blocker is not talked round by hearsay either)."""
        carriers = self.attend_bridge | (self.attend & self.has_second_seat)
        carriers = decisions.overrule(self, "carry_news", carriers, self.has_second_seat & (self.attend | self.attend_bridge),
                                      ("carried the alliance's news to the other level", "kept the news to itself"))
        if carriers.any():
            kernels.carry_between_levels(self.awareness, self.view, self.openness(), carriers, self.platform,
                                         self.bridge_platform, self.seated_members, self.home, self.rep_s, self.rep_p,
                                         self.q["vertical_sharing"], self.replicates)

    def reach_through_intermediaries(self) -> None:
        """Trusted intermediaries: communities hear about and try MUS through those they trust. A change
        agent is a current member of an intermediary kind (district offices, NGOs, water committees, the
        project office) with a favourable view (>= 0.5); its pull is its commitment x the joint action
        quality of its platform (an agent backed by a platform with a shared vision, clear roles and trust
        carries a consistent, credible message). A community's reach is the strongest trust x pull over its
        ties to change agents. Each month reach closes reach x
        ``meeting_awareness`` of the community's awareness gap (a conversation with a trusted member teaches
        like a meeting) and adds ``intermediary_strength`` x reach to its adoption hazard (:meth:`adopt`).
        So the alliance's trust and commitment reach communities, including those outside the platforms."""
        self.reach = kernels.reach_through(self.link_from, self.link_to, self.link_tie, self.members,
                                           self.intermediary_kind, self.view, self.trust, self.commitment,
                                           self.joint_action, self.home, self.awareness, self.q["meeting_awareness"],
                                           self.rep_s)
