"""The country at month 0 (model/population.py): who knows whom."""

from __future__ import annotations

import numpy as np
import pytest

from model.alliance import Alliances
from model.population import KIND_INDEX, KINDS, name_stakeholders, of_kinds, pairs_within, rotated
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


@pytest.mark.parametrize("length", [1, 2, 5])
def test_rotated_is_numpys_roll_to_the_left_for_every_shift(length):
    """The community ring's neighbours: ``rotated`` must be ``np.roll(x, -shift)``, wrapping round, also for shifts
    as long as the ring or longer (a district with fewer communities than ``community_ties`` / 2)."""
    x = np.arange(10, 10 + length)
    for shift in range(3 * length + 1):
        np.testing.assert_array_equal(rotated(x, shift), np.roll(x, -shift))


def test_of_kinds_marks_exactly_the_kinds_named():
    kind = np.array([KIND_INDEX["ministry_water"], KIND_INDEX["donor"], KIND_INDEX["water_committee"],
                     KIND_INDEX["ministry_water"], KIND_INDEX["project_office"]])
    names = ("ministry_water", "water_committee")
    assert of_kinds(names)[kind].tolist() == [True, False, True, True, False]
    assert of_kinds(()).sum() == 0 and of_kinds([k.name for k in KINDS]).all()


def test_stakeholders_are_named_by_kind_community_number_and_district():
    """Communities are numbered from the first community (index ``n_org``), districts from 1; national
    organisations carry their kind's label only."""
    k = KIND_INDEX
    kind = np.array([k["donor"], k["district_ngo"], k["womens_group"], k["farmers_group"], k["project_office"]])
    district = np.array([-1, 1, 0, 2, 0])
    assert name_stakeholders(kind, district, 2) == [
        "Donor", "District NGO of district 2", "Women's group of community 1 (district 1)",
        "Farmers' group of community 2 (district 3)", "Project office of district 1"]
