"""The event log: notable moments of the alliance in plain words, for trainers and for debugging stories."""

from __future__ import annotations

from enum import StrEnum

import pandas as pd


class EventKind(StrEnum):
    INITIATION = "initiation"
    ANALYSIS = "analysis"
    JOIN = "join"
    LEAVE = "leave"
    REJOIN = "rejoin"
    CONFLICT = "conflict"
    RESOLVED = "resolved"
    PILOT = "pilot"
    MONITORING = "monitoring"
    DISSEMINATION = "dissemination"
    ADOPTION = "adoption"
    EXIT = "exit"
    MILESTONE = "milestone"


class EventLog:
    """Append-only list of ``{"step", "kind", "text"}`` records, oldest first."""

    def __init__(self) -> None:
        self.records: list[dict] = []

    def log(self, step: int, kind: EventKind, text: str) -> None:
        self.records.append({"step": int(step), "kind": str(kind), "text": text})

    def newest_first(self, limit: int | None = None) -> list[dict]:
        out = self.records[::-1]
        return out if limit is None else out[:limit]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.records, columns=["step", "kind", "text"])

    def __len__(self) -> int:
        return len(self.records)
