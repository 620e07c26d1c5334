"""The country at month 0 (model/population.py): who knows whom."""

from __future__ import annotations

import numpy as np
import pytest

from model.alliance import Alliances
from model.population import pairs_within
from model.states import Level


def all_pairs(members, group):
    """Every pair of same-group members, each once, by brute force: groups ascending, a's row by a's row."""
    return [(a, b) for g in sorted(set(group.tolist())) for i, a in enumerate(members[group == g].tolist())
            for b in members[group == g].tolist()[i + 1:]]


@pytest.mark.parametrize("seed", range(20))
def test_pairs_within_groups_are_every_pair_of_a_group_once(seed):
    g = np.random.default_rng(seed)
    n = int(g.integers(0, 12))
    members, group = np.sort(g.choice(100, n, replace=False)), g.integers(0, 4, n)
    assert [tuple(p) for p in pairs_within(members, group).tolist()] == all_pairs(members, group)


def test_every_pair_of_a_districts_organisations_knows_each_other():
    a = Alliances({"n_districts": 4, "n_district_orgs": 5, "n_national_orgs": 10}, np.random.default_rng(3))
    tie = set(zip(a.src.tolist(), a.dst.tolist()))
    district_orgs = np.flatnonzero(a.org & (a.level == Level.DISTRICT) & (a.district >= 0))
    for d in range(4):
        these = district_orgs[a.district[district_orgs] == d].tolist()
        assert len(these) == 5
        assert all((x, y) in tie for i, x in enumerate(these) for y in these[i + 1:])
    assert all(s < d for s, d in tie)  # each tie once, by its lower end
