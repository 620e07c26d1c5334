"""What a table states reaches the model: counts of communities with shares, named ties, founding members,
platforms and second seats, real names."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model import alliance_table as at
from model.states import Level, Membership

from .conftest import SMALL, SMALL_TIES, population_of, scenario_for, write_csv


@pytest.fixture
def small(tmp_path) -> at.AllianceTable:
    return at.load_table(write_csv(tmp_path, "small.csv", SMALL, SMALL_TIES))


def index(table, name):
    return table.names.index(name)


def test_the_table_sets_who_exists_in_the_models_order(small):
    pop = population_of(small, 1)
    assert small.values == {"n_districts": 2, "n_pilot_communities": 41, "n_outside_communities": 60,
                            "initiator": "project", "initiator_level": "national"}
    assert pop.names[:4] == ["Water ministry", "Lake district water office", "Hill district NGO", "Lake women's group"]
    assert pop.names[-1] == "Project office" and pop.initiator == len(pop.names) - 1
    assert pop.names[4:6] == ["Lake villages 1", "Lake villages 2"] and pop.names[-2] == "Hill villages 60"
    assert pop.platform_names == ["National platform", "Lake platform", "Hill platform",
                                  "Lake community platform", "Hill community platform"]
    hill = [index(small, f"Hill villages {i}") for i in range(1, 61)]
    assert (pop.membership[hill] == Membership.OUTSIDE).all() and (pop.platform[hill] == -1).all()
    assert pop.platform[index(small, "Lake villages 3")] == 3 and pop.district[index(small, "Hill district NGO")] == 1
    assert pop.bridge_platform[index(small, "Lake district water office")] == 0
    assert pop.level[index(small, "Water ministry")] == Level.NATIONAL


def test_stated_values_are_kept_and_the_rest_is_drawn(small):
    a, b = population_of(small, 1), population_of(small, 2)
    ministry, ngo, women = (index(small, n) for n in ("Water ministry", "Hill district NGO", "Lake women's group"))
    assert a.power[ministry] == b.power[ministry] == 0.9
    assert a.view[ministry] < 1 / 3 and b.view[ministry] < 1 / 3  # a blocker's view, drawn within its band
    assert a.view[ngo] > 2 / 3 and b.view[ngo] > 2 / 3
    assert a.marginalised[women] and b.marginalised[women]
    assert a.power[ngo] != b.power[ngo]  # no power given: drawn, so it varies with the seed


def test_counts_take_their_shares(small):
    pop = population_of(small, 3)
    lake = [index(small, f"Lake villages {i}") for i in range(1, 41)]
    hill = [index(small, f"Hill villages {i}") for i in range(1, 61)]
    assert not pop.marginalised[lake].any() and pop.marginalised[hill].all()
    assert (pop.view[lake] > 2 / 3).all()  # share_champions = 1


def test_a_share_of_a_count_is_a_draw_per_community(tmp_path):
    """1000 communities with share_marginalised 0.3: the realised share is binomial(1000, 0.3)/1000, sd 0.0145;
    4 sd (0.058) is exceeded with chance 6e-5 per seed, and the three seeds are fixed."""
    path = write_csv(tmp_path, "many.csv", """\
        name,type,district,count,share_marginalised
        Office,district_water_office,A,,
        Villages,community,A,1000,0.3
    """)
    table = at.load_table(path)
    shares = [population_of(table, seed, initiator="government", initiator_level="district").marginalised.mean()
              for seed in (1, 2, 3)]
    assert all(abs(s * 1001 / 1000 - 0.3) < 0.058 for s in shares)  # 1001 stakeholders, 1000 communities
    assert len(set(shares)) == 3  # drawn anew for each seed


def test_listed_ties_replace_drawn_ties_between_named_stakeholders(small):
    pop = population_of(small, 4)
    named = set(range(4)) | {len(pop.names) - 1}  # the organisations, the women's group, the project office
    between_named = {(a, b) for a, b in zip(pop.src, pop.dst) if a in named and b in named}
    office, ministry, dwo = (index(small, n) for n in ("Project office", "Water ministry", "Lake district water office"))
    assert between_named == {tuple(sorted((office, ministry))), tuple(sorted((ministry, dwo)))}
    trust = dict(zip(zip(pop.src, pop.dst), pop.trust))
    assert trust[tuple(sorted((office, ministry)))] == 0.9
    assert 0 <= trust[tuple(sorted((ministry, dwo)))] <= 1  # blank trust: drawn around initial_trust
    villages = [index(small, f"Lake villages {i}") for i in range(1, 41)]
    peers = np.isin(pop.src, villages) & np.isin(pop.dst, villages)
    assert peers.sum() >= 40  # communities given as a count keep their drawn ties to neighbours
    assert "community_ties" not in small.fixed


def test_founding_members_are_members_at_month_zero(small):
    alliance = model.build_model(small.params(), seed=5)
    assert alliance.membership[index(small, "Water ministry")] == Membership.MEMBER
    assert alliance.commitment[index(small, "Water ministry")] > 0  # admitted like the core group
    assert alliance.names[index(small, "Lake villages 7")] == "Lake villages 7"


def test_events_use_the_real_names(small):
    result = model.run_model(small.params(), seed=2, steps=24)
    assert result.events["text"].str.contains("Project office initiated").any()
    assert result.events["text"].str.contains("Lake|Hill|Water ministry").any()


def test_the_dashboard_call_returns_params_or_problems(tmp_path):
    good = write_csv(tmp_path, "good.csv", SMALL, SMALL_TIES)
    params, problems = at.load_alliance_table(good)
    assert problems == [] and model.run_model(params, seed=1, steps=3).summary["members_final"] > 0
    bad = write_csv(tmp_path, "bad.csv", SMALL.replace("0.9,blocker", "1.9,blocker").replace("district_ngo", "ngo_x"))
    params, problems = at.load_alliance_table(bad)
    assert params is None and len(problems) == 2
    assert any("column power" in p for p in problems) and any("column type" in p for p in problems)


DISTRICT_ONLY = """\
    name,type,district,count
    Lake district water office,district_water_office,Lake,
    Lake NGO,district_ngo,Lake,
    Lake villages,community,Lake,30
"""


def test_the_initiator_comes_from_the_table_or_is_refused(tmp_path, mus):
    write_csv(tmp_path, "district.csv", DISTRICT_ONLY)
    scenario = scenario_for(tmp_path, "district.csv", '[parameters]\ninitiator = "government"\ninitiator_level = "district"\n')
    alliance = model.build_model(model.load_scenario(scenario).params, seed=1)
    assert alliance.names[alliance.initiator] == "Lake district water office"
    # the project office the model adds when the table lists none
    plain = model.build_model(model.load_scenario(scenario_for(tmp_path, "district.csv")).params, seed=1)
    assert plain.names[plain.initiator] == "Project office" and len(plain.names) == 33
    scenario = scenario_for(tmp_path, "district.csv", '[parameters]\ninitiator = "government"\n')
    rc, _, stderr = mus("run", scenario, "--replicates", 1, "--steps", 2, "--out", tmp_path / "o", "--quiet")
    assert rc == 2 and stderr.count("\n") == 1 and not (tmp_path / "o").exists()
    assert "no stakeholder at national level to start the alliance" in stderr


def test_an_organisation_may_work_at_another_level_than_its_type(tmp_path):
    table = at.load_table(write_csv(tmp_path, "t.csv", SMALL.replace(
        "Hill district NGO,district_ngo,,Hill,", "Hill district NGO,district_ngo,,Hill,\n    Hill donor desk,donor,district,Hill,", 1)))
    pop = population_of(table, 1)
    desk = index(table, "Hill donor desk")
    assert pop.level[desk] == Level.DISTRICT and pop.district[desk] == 1 and pop.platform[desk] == 2
    assert at.KINDS[pop.kind[desk]].name == "donor"
