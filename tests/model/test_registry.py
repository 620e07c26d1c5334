"""The registry is the one declaration of every parameter, and the ODD table is generated from it."""

import pytest

from model import odd, registry


def test_every_default_passes_its_own_check():
    for p in registry.PARAMETERS:
        assert p.check(p.default) == p.default
        if p.kind != "choice":
            assert p.low <= p.default <= p.high and p.low < p.high, p.name


def test_every_parameter_says_what_it_means_and_where_it_belongs():
    for p in registry.PARAMETERS:
        assert len(p.meaning) > 20 and p.unit and isinstance(p.step, registry.SeedStep), p.name


def test_every_seed_step_has_parameters():
    steps = {p.step for p in registry.PARAMETERS}
    assert steps == set(registry.SeedStep)


def test_odd_parameter_table_matches_the_registry():
    # (the other generated blocks of docs/ODD.md are checked in test_odd.py)
    assert "parameters" not in odd.stale(odd.ODD_PATH.read_text()), "docs/ODD.md is out of date: run `python -m model.odd`"


@pytest.mark.parametrize("name, value, fragment", [
    ("meetings_per_year", "many", "meetings_per_year: expected a number"),
    ("meetings_per_year", 99, "meetings_per_year: 99 is out of range [0, 24]"),
    ("pilot_duration", 2.5, "pilot_duration: expected an integer"),
    ("mobilisation_order", "sideways", "allowed values: core_group, existing_network, top_down"),
    ("transparency", True, "transparency: expected a number"),
    ("meetings_per_yaer", 4, "did you mean meetings_per_year"),
])
def test_bad_values_are_refused_naming_the_field(name, value, fragment):
    with pytest.raises(registry.ConfigError) as err:
        registry.resolve({name: value})
    assert fragment in str(err.value) and "\n" not in str(err.value)
