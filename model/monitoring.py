"""Process monitoring and documentation (Tool 24: monitoring shows 'when potentially corrective action is
needed')."""

from __future__ import annotations

import numpy as np

from .events import EventKind


class Monitoring:
    def monitor_process(self) -> None:
        """A stall - attendance under ``stall_attendance`` at the last planned meeting, or a conflict open for
        more than ``conflict_stall_months`` - is detected with chance ``monitoring`` x support and corrected:
        an extra meeting is called and those who left are re-invited."""
        q, rep = self.q, self.rep_p
        stale = (self.open_conflicts > 0) & (self.month - self.conflict_since > q["conflict_stall_months"][rep])
        thin = self.attendance < q["stall_attendance"][rep]
        stalled = (stale | thin) & ~self.extra_meeting
        detected = stalled & (self.uniform_platforms() < (q["monitoring"] * self.support)[rep])
        for k in detected.nonzero()[0]:
            why = "an unresolved conflict" if stale[k] else f"falling attendance ({self.attendance[k]:.0%})"
            self.log(rep[k], EventKind.MONITORING, f"Process monitoring flagged {why} in the "
                     f"{self.platform_names[k]}: extra meeting called, members who left re-invited.")
        self.extra_meeting |= detected
        self.attendance = np.where(detected, np.nan, self.attendance)
        if detected.any():
            self.reinvite_dropped(detected)
