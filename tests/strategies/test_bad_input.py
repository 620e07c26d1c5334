"""Bad strategy files, cost tables and options: one line on stderr naming the field, exit code 2, nothing
written (no results folder, no staged folder)."""

from __future__ import annotations

import pytest

from .conftest import STRATEGIES, write

GOOD = STRATEGIES / "02-light-touch.toml"
COSTS_OK = """
    currency = "k$"
    [unit_costs]
    facilitator_month = 3.0
    meeting = 1.0
    pilot = 15.0
    dissemination_event = 2.0
"""

BAD_STRATEGIES = {
    "unknown setting": ('[strategy]\nname = "X"\n[settings]\nguidence = 0.9\n', "settings.guidence: unknown setting; did you mean settings.guidance"),
    "setting out of range": ('[settings]\nguidance = 1.5\n', "guidance: 1.5 is out of range"),
    "wrong choice": ('[settings]\nmobilisation_order = "sideways"\n', "mobilisation_order: 'sideways' is not allowed"),
    "rate set twice": ('[settings]\nmeetings_per_year = 8\n', "settings.meetings_per_year: set by the spending plan; give plan.meetings"),
    "unit cost in strategy": ('[settings]\ncost_pilot = 1\n', "settings.cost_pilot: unit costs live in the cost table"),
    "country size": ('[settings]\nn_districts = 5\n', "settings.n_districts: describes the country"),
    "unknown plan item": ('[plan]\nworkshops = 3\n', "plan.workshops: unknown plan item"),
    "negative plan": ('[plan]\npilots = -4\n', "plan.pilots: -4 is not allowed"),
    "rate beyond model": ('[plan]\nproject_months = 12\nmeetings = 5000\n', "plan.meetings: 5000 over 12 months on 7 platforms"),
    "fractional months": ('[plan]\nproject_months = 12.5\n', "plan.project_months: 12.5 must be a whole number"),
    "unknown section": ('[budget]\ntotal = 3\n', "budget: unknown section"),
    "setting as a section": ('[guidance]\nvalue = 0.9\n', "guidance: a parameter, not a section; set it under [settings]"),
    "not toml": ('[plan\n', "not valid TOML"),
}

BAD_COSTS = {
    "negative cost": (COSTS_OK.replace("pilot = 15.0", "pilot = -15.0"), "unit_costs.pilot: -15.0 is not allowed"),
    "missing unit cost": (COSTS_OK.replace("meeting = 1.0\n", ""), "unit_costs.meeting: missing unit cost"),
    "unknown unit": (COSTS_OK + "    vehicle = 9.0\n", "unit_costs.vehicle: unknown resource unit"),
    "text cost": (COSTS_OK.replace("pilot = 15.0", 'pilot = "15"'), "unit_costs.pilot: expected a number"),
}


def assert_refused(result, expected: str, out, tmp_path, usage: bool = False) -> None:
    """Exit 2 and one error line (after argparse's usage text, for option errors); nothing written."""
    rc, stdout, stderr = result
    assert rc == 2, (rc, stderr)
    lines = stderr.strip().splitlines()
    assert (usage or len(lines) == 1) and expected in lines[-1], stderr
    assert not out.exists()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")]  # no staged folder


@pytest.mark.parametrize("case", BAD_STRATEGIES)
def test_bad_strategy_file_is_refused(case, mus, tmp_path):
    body, expected = BAD_STRATEGIES[case]
    bad = write(tmp_path, "bad.toml", body)
    out = tmp_path / "out"
    assert_refused(mus("compare", GOOD, bad, "--replicates", 2, "--steps", 6, "--out", out, "--quiet"),
                   expected, out, tmp_path)
    assert str(bad) in mus("compare", bad, "--out", out, "--quiet")[2]  # names the file


@pytest.mark.parametrize("case", BAD_COSTS)
def test_bad_cost_table_is_refused(case, mus, tmp_path):
    body, expected = BAD_COSTS[case]
    costs = write(tmp_path, "costs.toml", body)
    out = tmp_path / "out"
    assert_refused(mus("compare", GOOD, "--costs", costs, "--replicates", 2, "--steps", 6, "--out", out, "--quiet"),
                   expected, out, tmp_path)
    assert_refused(mus("allocate", "--budget", 500, "--costs", costs, "--out", out, "--quiet"), expected, out, tmp_path)


@pytest.mark.parametrize("argv, expected, usage", [
    (("compare", "no-such-strategy"), "no-such-strategy.toml: no such config file", False),
    (("allocate", "--budget", 500, "--outcome", "happiness"), "--outcome happiness: unknown outcome", False),
    (("allocate", "--budget", 20), "--budget 20: too small", False),
    (("compare", GOOD, "--replicates", 0), "--replicates: must be at least 1", True),
    (("compare", GOOD, "--budget", -5), "--budget: must be a positive amount", True),
])
def test_bad_options_are_refused(argv, expected, usage, mus, tmp_path):
    out = tmp_path / "out"
    assert_refused(mus(*argv, "--out", out, "--quiet"), expected, out, tmp_path, usage)


def test_a_folder_that_is_not_a_comparison_is_not_replaced(mus, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("do not delete")
    rc, _, stderr = mus("compare", GOOD, "--replicates", 1, "--steps", 6, "--out", out, "--quiet")
    assert rc == 2 and "holds something other than compare results" in stderr
    assert (out / "thesis.txt").read_text() == "do not delete"
