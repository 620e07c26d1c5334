"""Helpers for the exact-rule tests (issue 20, part 2): a small country and a stand-in random generator.

:class:`Scripted` replaces a model's ``rng`` for one mechanism call and returns the draws the test scripts, so
the rule's outcome can be worked out by hand: which platforms plan a meeting, who comes, which district an
event goes to, who it reaches. It records every call, so a test also checks what the rule asked for (the
Poisson mean, the number of districts).
"""

from __future__ import annotations

import numpy as np

import model
from model.states import Membership

SMALL = dict(n_districts=2, n_national_orgs=4, n_district_orgs=3, n_pilot_communities=16, n_outside_communities=16)


def small(seed: int = 4, **overrides) -> model.LearningAlliance:
    """A small country at month 0: 43 stakeholders, platforms 0 (national), 1-2 (district), 3-4 (community)."""
    return model.build_model({**SMALL, **overrides}, seed=seed)


def seat_everyone(m) -> model.LearningAlliance:
    """Every stakeholder with a platform becomes a member (outside communities stay outside)."""
    m.set_membership(np.flatnonzero(m.membership != Membership.OUTSIDE), Membership.MEMBER)
    return m


class Scripted:
    """Stand-in for ``numpy.random.Generator``: ``random`` returns the scripted values in order (a scalar, or
    an array broadcast to the size asked for), ``poisson``/``integers``/``binomial`` the scripted numbers."""

    def __init__(self, random=(), poisson: int = 0, integers: int = 0):
        self.queue = list(random)
        self.poisson_value, self.integers_value = poisson, integers
        self.calls: list[tuple] = []

    def random(self, size=None):
        self.calls.append(("random", size))
        value = self.queue.pop(0)
        if size is None:
            return float(value)
        return np.broadcast_to(np.asarray(value, dtype=float), size).copy()

    def poisson(self, lam):
        self.calls.append(("poisson", lam))
        return self.poisson_value

    def integers(self, high):
        self.calls.append(("integers", high))
        return self.integers_value
