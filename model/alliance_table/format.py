"""The table's format: its columns and what they mean, the problems it reports, and the rows it holds once read.

The guide the template writes, the README and every error message take the columns' meanings from
:data:`COLUMNS` and :data:`TIE_COLUMNS` here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..population import KIND_INDEX, KINDS, WATER_USES
from ..registry import ConfigError
from ..states import Level, Stance

FORMAT_VERSION = 1
FORMAT_LINE = f"mus-alliance stakeholder table, format {FORMAT_VERSION}"
SHEET, TIES_SHEET, GUIDE_SHEET = "stakeholders", "ties", "guide"
GENERIC_COMMUNITY = "community"  # a community whose group type the model draws (as for the synthetic country)
NOTICE = ("NOTICE: this folder was made from an alliance table, a stakeholder analysis with the real names of "
          "organisations and people's groups, and may contain those names (events, manifest). Nothing was sent "
          "anywhere; it stays on this machine unless you share it, so think before you do.")

INTERESTS = tuple(f"interest_{use}" for use in WATER_USES)
# column -> what it means (the template's guide, the README and the errors come from here)
COLUMNS: dict[str, str] = {
    "name": "Required, unique. The stakeholder's name (for a row with a count: the name of the group, "
            "numbered 1..count).",
    "type": "Required. One of: " + ", ".join(k.name for k in KINDS) + f", or {GENERIC_COMMUNITY} (a "
            "community whose group type the model draws).",
    "level": "national, district or community. Blank: the type's level (a project office: the scenario's "
             "initiator_level).",
    "district": "The district's name (any text; the order of first appearance numbers them). Required for "
                "district and community level, empty at national level.",
    "platform": "The platform it sits on: National platform, <district> platform, <district> community platform "
                "(or national, district, community for its own), or none: a community outside the alliance that "
                "MUS can spread to. Blank: its level's platform.",
    "second_seat": "A second platform it also sits on and carries information to (a bridge), or none. Blank: "
                   "drawn with bridge_share.",
    "power": "Power, 0 to 1. Blank: drawn from its type (power_inequality).",
    "capacity": "Capacity, 0 to 1. Blank: drawn from its type.",
    "stance": "Stance on MUS: blocker, neutral or champion. Blank: drawn (share_blockers, share_champions).",
    "view": "View on MUS, 0 (opposed) to 1 (convinced); below 1/3 blocks, above 2/3 champions. Wins over stance "
            "and must agree with it. Blank with a stance: drawn within the stance's band.",
    "awareness": "How much it knows of MUS, 0 to 1. Blank: drawn as for the synthetic country.",
    **{col: f"Interest in {use} water, >= 0 (the four are scaled to sum to 1). Give all four or none; blank: "
            f"drawn from its type (interest_divergence)." for col, use in zip(INTERESTS, WATER_USES)},
    "marginalised": "yes/no, communities only. Blank: drawn (share_marginalised).",
    "member_at_start": "yes: a founding member at month 0, with the initiator's core group. Blank or no: not.",
    "existing_network": "yes/no: already in a network the alliance can build on. Blank: drawn "
                        "(existing_network_share).",
    "count": "Communities only: this row stands for count communities of its district (programmes rarely list "
             "every village); they are named '<name> 1' ... '<name> count'.",
    "share_marginalised": "With a count: the share of those communities that are marginalised (drawn per "
                          "community). Blank: share_marginalised.",
    "share_champions": "With a count: the share of those communities that champion MUS from the start.",
}
TIE_COLUMNS: dict[str, str] = {
    "from": "Required. A stakeholder's name.",
    "to": "Required. Another stakeholder's name (ties have no direction).",
    "trust": "Trust on the tie before the alliance starts, 0 to 1. Blank: drawn (initial_trust).",
}
NOTE_COLUMNS = ("notes", "note", "comment", "comments")
FLAGS = ("marginalised", "member_at_start", "existing_network")
YES, NO = ("yes", "y", "true", "1", "x"), ("no", "n", "false", "0")
STANCE_BANDS = {Stance.BLOCKER: (0.0, 1 / 3), Stance.NEUTRAL: (1 / 3, 2 / 3), Stance.CHAMPION: (2 / 3, 1.0)}
LEVELS = {"national": Level.NATIONAL, "district": Level.DISTRICT, "community": Level.COMMUNITY}
LEVEL_NAME = {v: k for k, v in LEVELS.items()}
PROJECT = KIND_INDEX["project_office"]


class TableError(ConfigError):
    """A table the model refuses: one line per problem, each naming the file, row and column."""

    SHOWN = 40  # lines in the message; ``problems`` keeps them all

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        more = len(self.problems) - self.SHOWN
        shown = self.problems[: self.SHOWN] + ([f"... and {more} more problems like these"] if more > 0 else [])
        super().__init__("\n".join(shown))



@dataclass
class Row:
    """One stakeholder (or, with ``count``, a group of communities) as the table states it; None = open."""

    line: int
    name: str
    kind: int | None             # None: a community whose group type is drawn
    community: bool
    level: Level | None
    district: str | None
    platform: str | None
    second_seat: str | None
    values: dict[str, Any] = field(default_factory=dict)  # power, capacity, view, awareness, interests, flags
    stance: Stance | None = None
    count: int | None = None
    given: tuple[str, ...] = ()  # the columns with a value in this row


@dataclass
class Tie:
    line: int
    a: str
    b: str
    trust: float | None


@dataclass(frozen=True)
class Source:
    """What the user gave: the file, its content hash and, for a CSV table, the ties file beside it."""

    path: Path
    sha256: str
    ties_path: Path | None

