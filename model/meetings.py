"""Facilitation intensity: platform meetings, who comes, and what attending does (patterns P3 and P6)."""

from __future__ import annotations

import numpy as np

from . import decisions, kernels


class Meetings:
    def hold_meetings(self) -> None:
        """Each platform with two or more members plans a meeting in a month with chance ``meetings_per_year``/12 x
        support (plus any extra meeting monitoring called). A member comes with chance commitment x
        (1 - busyness of its senior staff) x min(1, ``meetings_tolerated`` / meetings_per_year), marginalised
        members x (1 + empowerment x support)/2 (P6: officials rarely come; WASHTech). A planned meeting that
        fewer than two or fewer than ``quorum`` of the platform's members come to falls through (P3: quarterly targets often
        missed). Attending teaches about MUS (``meeting_awareness``) and raises commitment by
        ``meeting_commitment`` x (0.5 + 0.5 guidance x support): a well-guided meeting is worth coming to."""
        q, rs, P = self.q, self.rep_s, self.n_platforms
        members = self.members
        seats = self.platform_size
        chance = np.minimum(1.0, q["meetings_per_year"] / 12) * self.support
        planned = (seats > 1) & ((self.uniform_platforms() < chance[self.rep_p]) | self.extra_meeting)
        self.extra_meeting[:] = False
        fatigue = np.minimum(1.0, q["meetings_tolerated"] / np.maximum(q["meetings_per_year"], 1e-9))
        u = self.uniform_rows(2)
        come, could, coming = kernels.come_to_meetings(u[0], self.commitment, self.busy, fatigue, self.marginalised,
                                                       q["empowerment"] * self.support, rs, members, self.seated,
                                                       planned, self.home)
        come = decisions.overrule(self, "attend", come, could, ("came to the meeting", "stayed away from the meeting"))
        present = np.bincount(self.platform[come], minlength=P)
        self.attendance = np.where(planned, present / np.maximum(seats, 1), self.attendance)
        self.meets = planned & (present >= q["quorum"][self.rep_p] * seats) & (present >= 2)
        self.counts["meetings"] += self.total(self.rep_p[self.meets])
        self.counts["meetings_missed"] += self.total(self.rep_p[planned & ~self.meets])
        useful = q["meeting_commitment"] * (0.5 + 0.5 * q["guidance"] * self.support)
        self.attend, self.attend_bridge = kernels.learn_at_meetings(
            self.awareness, self.commitment, come, self.meets, self.home, u[1], coming, members, self.has_second_seat,
            self.second_home, q["meeting_awareness"], useful, rs)
        a, b = self.attend.nonzero()[0], self.attend_bridge.nonzero()[0]
        who = np.concatenate((a, b))
        where = np.concatenate((self.platform[a], self.bridge_platform[b]))
        by_alliance = np.argsort(rs[who], kind="stable")  # each alliance's seats as a run of it alone has them
        self.seat_who, self.seat_platform = who[by_alliance], where[by_alliance]
