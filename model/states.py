"""The states a stakeholder can be in (Enums, as in Mesa's virus_on_network example)."""

from __future__ import annotations

from enum import IntEnum
from types import SimpleNamespace

import numpy as np


class Level(IntEnum):
    """Institutional level of a stakeholder and of a platform (IRC Learning Alliance approach)."""

    COMMUNITY = 0
    DISTRICT = 1
    NATIONAL = 2


class Stage(IntEnum):
    """Rogers' (2003) innovation-decision stages, preceded by not having heard of MUS at all."""

    UNAWARE = 0
    KNOWLEDGE = 1
    PERSUASION = 2
    DECISION = 3
    IMPLEMENTATION = 4
    CONFIRMATION = 5


class Membership(IntEnum):
    """Where a stakeholder stands towards the alliance."""

    OUTSIDE = 0       # a community outside the pilot districts' platforms: reachable only by dissemination
    NOT_INVITED = 1   # could join, but has not (yet) been identified, invited, or has declined
    MEMBER = 2
    DROPPED = 3       # left; may re-join


class Stance(IntEnum):
    """Stance on MUS, read from the view x in [0, 1]: below 1/3 blocks, above 2/3 champions."""

    BLOCKER = 0
    NEUTRAL = 1
    CHAMPION = 2


def stance_of(view):
    """Stance codes (Stance values) of views; works on scalars and arrays."""
    return np.digitize(view, (1 / 3, 2 / 3))


def _plain(enum) -> SimpleNamespace:
    return SimpleNamespace(**{m.name: int(m) for m in enum})


# Plain-int mirrors of the Enums for comparisons on state arrays inside a step: numpy compares an array
# with a Python int about twice as fast as with an IntEnum member (0.5 vs 0.9 us at the default size).
LEVEL, STAGE, MEMBERSHIP = _plain(Level), _plain(Stage), _plain(Membership)
