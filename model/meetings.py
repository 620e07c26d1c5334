"""Facilitation intensity: platform meetings, who comes, and what attending does (patterns P3 and P6)."""

from __future__ import annotations

import numpy as np

from . import decisions


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
        base = self.commitment * (1 - self.busy) * fatigue[rs]
        base = np.where(self.marginalised, base * (1 + (q["empowerment"] * self.support)[rs]) / 2, base)
        u = self.uniform_rows(2)
        home = self.home
        come = members & self.seated & planned[home] & (u[0] < base)
        come = decisions.overrule(self, "attend", come, members & self.seated & planned[home],
                                  ("came to the meeting", "stayed away from the meeting"))
        present = np.bincount(self.platform[come], minlength=P)
        self.attendance = np.where(planned, present / np.maximum(seats, 1), self.attendance)
        self.meets = planned & (present >= q["quorum"][self.rep_p] * seats) & (present >= 2)
        self.counts["meetings"] += self.total(self.rep_p[self.meets])
        self.counts["meetings_missed"] += self.total(self.rep_p[planned & ~self.meets])
        self.attend = come & self.meets[home]
        self.attend_bridge = (members & self.has_second_seat & self.meets[self.second_home]
                              & (u[1] < base))
        a, b = self.attend.nonzero()[0], self.attend_bridge.nonzero()[0]
        who = np.concatenate((a, b))
        where = np.concatenate((self.platform[a], self.bridge_platform[b]))
        by_alliance = np.argsort(rs[who], kind="stable")  # each alliance's seats as a run of it alone has them
        self.seat_who, self.seat_platform = who[by_alliance], where[by_alliance]
        any_seat = self.attend | self.attend_bridge
        self.awareness[any_seat] += q["meeting_awareness"][rs[any_seat]] * (1 - self.awareness[any_seat])
        useful = q["meeting_commitment"] * (0.5 + 0.5 * q["guidance"] * self.support)
        self.commitment[any_seat] += useful[rs[any_seat]] * (1 - self.commitment[any_seat])
