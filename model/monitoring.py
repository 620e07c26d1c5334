"""Process monitoring and documentation (Tool 24: monitoring shows 'when potentially corrective action is
needed')."""

from __future__ import annotations

import numpy as np

from . import kernels
from .events import EventKind


class Monitoring:
    def monitor_process(self) -> None:
        """A stall - attendance under ``stall_attendance`` at the last planned meeting, or a conflict open for
        more than ``conflict_stall_months`` - is detected with chance ``monitoring`` x support and corrected:
        an extra meeting is called and those who left are re-invited."""
        q = self.q
        detected, stale = kernels.stalls(self.open_conflicts, self.conflict_since, self.month,
                                         q["conflict_stall_months"], self.attendance, q["stall_attendance"],
                                         self.extra_meeting, self.uniform_platforms(), q["monitoring"], self.support,
                                         self.rep_p)
        if not detected.any():
            return
        flagged = detected.nonzero()[0]
        for k, r, conflict, attendance in zip(flagged.tolist(), self.rep_p[flagged].tolist(), stale[flagged].tolist(),
                                              self.attendance[flagged].tolist()):
            why = "an unresolved conflict" if conflict else f"falling attendance ({attendance:.0%})"
            self.log(r, EventKind.MONITORING, f"Process monitoring flagged {why} in the "
                     f"{self.platform_names[k]}: extra meeting called, members who left re-invited.")
        self.attendance = np.where(detected, np.nan, self.attendance)
        self.reinvite_dropped(detected)
