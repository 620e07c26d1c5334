"""Facilitation intensity: platform meetings, who comes, and what attending does (patterns P3 and P6)."""

from __future__ import annotations

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
        q = self.q
        u_platforms, u = self.uniform_platforms(), self.uniform_rows(2)
        if decisions.of(self) is None:  # nobody's attendance is played: the two loops below as one
            self.attendance, self.meets, self.attend, self.attend_bridge, self.seat_who, self.seat_platform = (
                kernels.hold_meetings_at(
                    u_platforms, u, self.platform_size, self.extra_meeting, q["meetings_per_year"],
                    q["meetings_tolerated"], q["empowerment"], self.support, self.rep_p, self.commitment, self.busy,
                    self.marginalised, self.rep_s, self.members, self.seated, self.home, self.platform,
                    self.attendance, q["quorum"], self.awareness, self.has_second_seat, self.second_home,
                    self.bridge_platform, q["meeting_awareness"], q["meeting_commitment"], q["guidance"],
                    self.counts["meetings"], self.counts["meetings_missed"]))
            return
        planned, come, could, coming = kernels.call_meetings(
            u_platforms, u[0], self.platform_size, self.extra_meeting, q["meetings_per_year"], q["meetings_tolerated"],
            q["empowerment"], self.support, self.rep_p, self.commitment, self.busy, self.marginalised, self.rep_s,
            self.members, self.seated, self.home)
        come = decisions.overrule(self, "attend", come, could, ("came to the meeting", "stayed away from the meeting"))
        self.attendance, self.meets, self.attend, self.attend_bridge, self.seat_who, self.seat_platform = kernels.meet(
            come, planned, self.platform_size, self.platform, self.attendance, q["quorum"], self.rep_p, self.awareness,
            self.commitment, self.home, u[1], coming, self.members, self.has_second_seat, self.second_home,
            self.bridge_platform, q["meeting_awareness"], q["meeting_commitment"], q["guidance"], self.support,
            self.rep_s, self.counts["meetings"], self.counts["meetings_missed"])
