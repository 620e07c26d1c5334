"""Round trip: the default country written as a table and read back is the default country, to the bit, and
runs the same for the same seed; XLSX and CSV tables agree."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model import alliance_table as at

from .conftest import ALLIANCES, SEED, drop_columns, population_of, same_population


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_of_the_default_country_reads_back_as_the_same_population(suffix, template_rows, tmp_path):
    rows, ties = template_rows
    at.write_table(tmp_path / f"country{suffix}", rows, ties, at.guide_lines(SEED))
    table = at.load_table(tmp_path / f"country{suffix}")
    default = at.default_country(SEED)
    imported = population_of(table, SEED)
    # the synthetic country repeats names ("Ministry of water" twice); a table needs them unique
    assert same_population(default, imported) == ["names"]
    assert imported.names == at.unique_names(default.names)
    assert len(imported.names) == 381 and len(imported.src) > 800


def test_template_runs_exactly_as_the_default_country_for_its_seed(template_csv):
    table = at.load_table(template_csv)
    with_table = model.run_model(table.params(), seed=SEED, steps=48)
    default = model.run_model({}, seed=SEED, steps=48)
    assert with_table.timeseries.equals(default.timeseries)
    assert with_table.summary == default.summary
    # another seed still runs the table's alliance: same people, other futures
    other = model.run_model(table.params(), seed=SEED + 1, steps=48)
    assert not other.timeseries.equals(with_table.timeseries)


def test_missing_columns_are_drawn_as_for_the_default_country(template_csv):
    """A column deleted from the table is drawn from the registry's defaults with the model's draws: for the
    template's seed the population is still the default country's."""
    less = drop_columns(template_csv, ("power", "capacity", "stance", "view", "awareness", "second_seat",
                                       "existing_network", "interest_domestic", "interest_irrigation",
                                       "interest_livestock", "interest_enterprise"))
    table = at.load_table(less)
    assert same_population(at.default_country(SEED), population_of(table, SEED)) == ["names"]
    # and open values follow the run's seed: another seed draws other powers for the same stakeholders
    assert not np.array_equal(population_of(table, SEED).power, population_of(table, SEED + 1).power)
    assert "power_inequality" not in table.fixed and "share_blockers" not in table.fixed


def test_open_values_follow_the_scenarios_parameters(template_csv):
    table = at.load_table(drop_columns(template_csv, ("stance", "view")))
    orgs = ~population_of(table, SEED).is_community
    no_blockers = population_of(table, SEED, share_blockers=0.0, share_champions=0.0)
    all_blockers = population_of(table, SEED, share_blockers=1.0, share_champions=0.0)
    office = np.array([at.KINDS[k].name == "project_office" for k in no_blockers.kind])
    assert (no_blockers.view[orgs & ~office] >= 0.35).all()  # neutral draws only
    # every organisation type has a blocking tendency above 0, so all of them block
    assert (all_blockers.view[orgs & ~office] < 1 / 3).mean() > 0.9


def test_shipped_example_xlsx_and_csv_are_the_same_alliance():
    csv_table = at.load_table(ALLIANCES / "riverside.csv")
    xlsx_table = at.load_table(ALLIANCES / "riverside.xlsx")
    assert csv_table.names == xlsx_table.names and csv_table.fixed == xlsx_table.fixed
    for seed in (1, 2):
        assert same_population(population_of(csv_table, seed), population_of(xlsx_table, seed)) == []
    a = model.run_model(csv_table.params(), seed=3, steps=24)
    b = model.run_model(xlsx_table.params(), seed=3, steps=24)
    assert a.timeseries.equals(b.timeseries)


def test_same_table_and_seed_give_the_same_run_even_with_open_values():
    table = at.load_table(ALLIANCES / "riverside.csv")  # many blank cells, counts, a tie without trust
    first = model.run_model(table.params(), seed=11, steps=36)
    again = model.run_model(at.load_table(ALLIANCES / "riverside.csv").params(), seed=11, steps=36)
    assert first.timeseries.equals(again.timeseries) and first.events.equals(again.events)
