""""What happened and why": the event log turned into a few plain sentences per period.

Each period (a year by default) gets sentences on who joined or left and why, conflicts and how they ended,
pilots and whether they succeeded, what monitoring and dissemination did, who took MUS into its mandate,
uptake milestones, the actions of roles people play in a workshop, and - once the external project has left -
what changed since.
Repeated lines (e.g. monitoring flags) are counted, not listed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

PERIOD_MONTHS = 12
NAMES_LISTED = 3
PLAYED_LISTED = 8  # actions of played roles (role-play workshops) told per period


@dataclass(frozen=True)
class Period:
    first: int
    last: int
    sentences: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"Month {self.first}" if self.first == self.last else f"Months {self.first}–{self.last}"


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def listed(names: list[str]) -> str:
    shown = names[:NAMES_LISTED]
    more = len(names) - len(shown)
    text = ", ".join(shown)
    return text + (f" and {more} more" if more > 0 else "")


def name_before(text: str, marker: str) -> str:
    return text.split(marker, 1)[0].strip()


def sentences_for(records: list[dict]) -> list[str]:
    """Plain sentences for the events of one period (oldest first)."""
    by_kind: dict[str, list[str]] = {}
    for r in records:
        by_kind.setdefault(r["kind"], []).append(r["text"])
    out: list[str] = []
    for text in by_kind.get("initiation", []):
        out.append(text)
    joined_orgs = [name_before(t, " joined the ") for t in by_kind.get("join", []) if " communities joined" not in t]
    joined_comm = sum(int(m.group(1)) for t in by_kind.get("join", []) if (m := re.match(r"(\d+) communities joined", t)))
    if joined_orgs or joined_comm:
        parts = []
        if joined_orgs:
            parts.append(f"{plural(len(joined_orgs), 'organisation')} joined ({listed(joined_orgs)})")
        if joined_comm:
            parts.append(f"{plural(joined_comm, 'community', 'communities')} joined community platforms")
        out.append(" and ".join(parts) + ".")
    leaves = by_kind.get("leave", [])
    if leaves:
        reasons = Counter(m.group(1) for t in leaves if (m := re.search(r" left: (.+?)\.?$", t)))
        why = ", ".join(f"{n} because {reason_words(r)}" for r, n in reasons.most_common())
        out.append(f"{plural(len(leaves), 'member')} left" + (f": {why}." if why else "."))
    rejoins = by_kind.get("rejoin", [])
    if rejoins:
        out.append(f"{plural(len(rejoins), 'organisation')} came back ({listed([name_before(t, ' re-joined') for t in rejoins])}).")
    conflicts = by_kind.get("conflict", [])
    resolved = by_kind.get("resolved", [])
    if conflicts:
        where = [m.group(1) for t in conflicts if (m := re.search(r"in the (.+?) over", t))]
        over = Counter(m.group(1) for t in conflicts if (m := re.search(r"over (\w+) water", t)))
        issue = f", mostly over {over.most_common(1)[0][0]} water" if over else ""
        out.append(f"{plural(len(conflicts), 'conflict')} broke out ({listed(sorted(set(where)))}){issue}.")
    if resolved:
        months = [int(m.group(1)) for t in resolved if (m := re.search(r"after (\d+) months", t))]
        if months and min(months) != max(months):
            after = f" after {min(months)}–{max(months)} months"
        elif months:
            after = " within the month it arose" if months[0] == 0 else f" after {plural(months[0], 'month')}"
        else:
            after = ""
        out.append(f"The facilitator resolved {plural(len(resolved), 'conflict')}{after}.")
    pilots = by_kind.get("pilot", [])
    if pilots:
        wins = sum("succeeded" in t for t in pilots)
        documented = sum("(documented)" in t for t in pilots)
        why = " (small wins that build trust)" if wins else ""
        out.append(f"{plural(len(pilots), 'pilot')} finished: {wins} succeeded{why}, "
                   f"{len(pilots) - wins} failed; {documented} documented as evidence.")
    monitoring = by_kind.get("monitoring", [])
    if monitoring:
        stalls = sum("conflict" in t for t in monitoring)
        out.append(f"Process monitoring spotted {plural(len(monitoring), 'stall')} ({stalls} unresolved conflicts, "
                   f"{len(monitoring) - stalls} thin meetings) and called extra meetings.")
    events = sum(int(m.group(1)) for t in by_kind.get("dissemination", []) if (m := re.match(r"(\d+)", t)))
    if events:
        out.append(f"{plural(events, 'dissemination event')} shared the alliance's evidence beyond it.")
    adopters = [name_before(t, " decided") for t in by_kind.get("adoption", [])]
    if adopters:
        out.append(f"{listed(adopters)} took MUS into {'its' if len(adopters) == 1 else 'their'} mandate.")
    for kind in ("analysis", "exit", "milestone"):
        out.extend(by_kind.get(kind, []))
    played = Counter(t.rstrip(".") for t in by_kind.get("decision", []))  # the actions of roles people play
    for text, n in list(played.items())[:PLAYED_LISTED]:
        out.append(f"{text}{f' ({n} times)' if n > 1 else ''}.")
    if len(played) > PLAYED_LISTED:
        out.append(f"…and {len(played) - PLAYED_LISTED} more actions of played roles.")
    known = {"initiation", "join", "leave", "rejoin", "conflict", "resolved", "pilot", "monitoring", "dissemination",
             "adoption", "analysis", "exit", "milestone", "decision"}
    for kind, texts in by_kind.items():
        if kind not in known:  # a kind this narration does not know yet: say it plainly
            out.extend(texts[:NAMES_LISTED])
    return out


def reason_words(reason: str) -> str:
    return {"roles unclear": "roles were unclear", "saw no benefit": "they saw no benefit",
            "unresolved conflict": "of an unresolved conflict", "felt excluded": "they felt excluded"}.get(reason, reason)


def after_exit(timeseries: pd.DataFrame, exit_month: int | None) -> str | None:
    """What changed since the project left (None while it is still in)."""
    if exit_month is None or timeseries is None or not len(timeseries):
        return None
    now = int(timeseries["step"].iloc[-1])
    if now <= exit_month:
        return None
    at_exit = timeseries[timeseries["step"] == exit_month]
    if not len(at_exit):
        return None
    parts = []
    if "members" in timeseries:
        parts.append(f"members {int(at_exit['members'].iloc[0])} → {int(timeseries['members'].iloc[-1])}")
    if "uptake" in timeseries:
        parts.append(f"uptake {float(at_exit['uptake'].iloc[0]):.0%} → {float(timeseries['uptake'].iloc[-1]):.0%}")
    return (f"Since the project left in month {exit_month} ({now - exit_month} months ago): " + ", ".join(parts) + ".")


def narrate(events, month: int, period: int = PERIOD_MONTHS, newest_first: bool = True) -> list[Period]:
    """Periods of ``period`` months up to ``month`` with their sentences (periods without events skipped)."""
    groups: dict[int, list[dict]] = {}
    for r in events:
        key = 0 if r["step"] == 0 else (r["step"] - 1) // period + 1
        groups.setdefault(key, []).append(r)
    periods = []
    for key, records in sorted(groups.items()):
        first, last = (0, 0) if key == 0 else ((key - 1) * period + 1, min(key * period, month))
        sentences = sentences_for(records)
        if sentences:
            periods.append(Period(first, last, tuple(sentences)))
    return periods[::-1] if newest_first else periods
