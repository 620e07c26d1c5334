"""The rules of `make mutate`'s table (issue 20, part 4): a break counts as caught only when a test aimed at it
fails; a failure of any other test is "caught elsewhere", which the table counts as NOT caught."""

from __future__ import annotations

from tests.mutation.mutate import MUTANTS, aimed_at, print_table

SPREAD = "tests/model/test_exact_spread.py"


def test_a_failure_counts_only_when_it_is_an_aimed_test():
    aimed = (f"{SPREAD}::test_reach_reads_the_agents_platform_and_the_ties_trust",)
    assert aimed_at(aimed[0], aimed)
    assert aimed_at(aimed[0] + "[0.5-True]", aimed)  # a parametrisation of the aimed test
    assert not aimed_at(f"{SPREAD}::test_reach_reads_the_agents_platform", aimed)  # a prefix is another test
    assert not aimed_at("tests/model/test_mechanisms.py::test_monitoring_keeps_members", aimed)
    assert aimed_at(f"{SPREAD}::test_anything", (SPREAD,))  # an aimed file: any test in it
    assert aimed_at("tests/properties/test_identities.py::test_x", ("tests/properties",))  # an aimed folder
    assert not aimed_at("tests/properties_extra/test_x.py::test_y", ("tests/properties",))
    assert not aimed_at("tests/model/test_rules.py::test_x", ("-m", "not slow"))  # options are not tests


def test_every_break_names_a_test_aimed_at_it_and_is_unique():
    assert len(MUTANTS) >= 120
    assert all(m.tests and all(not t.startswith("-") for t in m.tests) for m in MUTANTS)
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
    assert len({(m.file, m.edits) for m in MUTANTS}) == len(MUTANTS)


def test_the_table_says_not_caught_for_a_break_caught_elsewhere(capsys):
    m = MUTANTS[0]
    print_table([(m, "caught", [f"{m.tests[0]}"], 1.0),
                 (m, "caught elsewhere", ["tests/model/test_state.py::test_other"], 1.0),
                 (m, "survived", [], 1.0)])
    lines = capsys.readouterr().out.strip().splitlines()[2:]
    assert "| yes |" in lines[0]
    assert "| NO (caught elsewhere only) | test_other |" in lines[1]
    assert "| NO | - |" in lines[2]
