"""Cost accounting checked by hand: a cost is the resource units the model counted times the unit costs, and
cost per additional adopting community comes from paired differences, not from differences of medians."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import model
from experiments.strategies.accounts import cost_table
from experiments.strategies.compare import compare
from experiments.strategies.costs import load_costs
from experiments.strategies.stats import cost_per_additional
from experiments.strategies.strategy import load_strategy

from .conftest import COSTS, write

STEPS, REPLICATES, EXIT = 24, 3, 18
ODD_COSTS = """
    currency = "EUR"
    [unit_costs]
    facilitator_month = 7.0
    meeting = 0.5
    pilot = 11.0
    dissemination_event = 3.0
"""
SMALL = f"""
    [strategy]
    name = "Small"
    [plan]
    project_months = {EXIT}
    facilitators = 2
    meetings = 42
    pilots = 9
    dissemination_events = 6
"""


def test_plan_cost_and_run_costs_by_hand(base, tmp_path):
    costs = load_costs(write(tmp_path, "costs.toml", ODD_COSTS))
    strategy = load_strategy(write(tmp_path, "small.toml", SMALL), base)
    # The plan drives the model's rates: 42 meetings over 1.5 years on 7 platforms = 4 a platform a year.
    assert strategy.params["meetings_per_year"] == pytest.approx(4.0)
    assert strategy.params["pilots_per_year"] == pytest.approx(6.0)
    assert strategy.params["dissemination_events_per_year"] == pytest.approx(4.0)
    assert strategy.params["project_exit_month"] == EXIT
    comp = compare([strategy], costs, base, STEPS, REPLICATES, seed=9, progress=False)
    row = comp.cost_table.iloc[0]
    assert row["planned_cost"] == pytest.approx(2 * 18 * 7.0 + 42 * 0.5 + 9 * 11.0 + 6 * 3.0)  # 414
    for run in comp.runs.to_dict("records"):
        ts = model.run_model(strategy.params, seed=run["seed"], steps=STEPS).timeseries  # the model's own counters
        at_exit, at_end = ts.iloc[EXIT], ts.iloc[-1]
        by_hand = (2 * at_exit["facilitator_months"] * 7.0 + at_exit["meetings"] * 0.5 + at_exit["pilots_run"] * 11.0
                   + at_exit["dissemination_events"] * 3.0)
        total = (2 * at_end["facilitator_months"] * 7.0 + at_end["meetings"] * 0.5 + at_end["pilots_run"] * 11.0
                 + at_end["dissemination_events"] * 3.0)
        assert run["funder_cost"] == pytest.approx(by_hand, rel=1e-12)
        assert run["total_cost"] == pytest.approx(total, rel=1e-12)
        assert total > by_hand > 0  # the alliance keeps spending after the project left (months 19-24)
        assert run["adopting_communities"] == round(at_end["uptake"] * 360)


def test_total_cost_equals_the_models_own_cost_at_the_models_unit_costs(base):
    """With one facilitator and the model's default unit costs, our total is the model's `cost` column."""
    strategy = load_strategy(COSTS.parent / "strategies" / "01-business-as-usual.toml", base)
    comp = compare([strategy], load_costs(COSTS), base, STEPS, 2, seed=4, progress=False)
    for run in comp.runs.to_dict("records"):
        assert run["total_cost"] == pytest.approx(run["cost_total"], rel=1e-12)


# Paired replicates where the ratio of paired sums and the ratio of median differences disagree:
# dA = (30, 1, 1), dC = (30, 60, 10) -> 100 / 32 = 3.125; medians: (130 - 100) / (31 - 20) = 2.73.
REFERENCE = {"adopting_communities": [10, 20, 30], "funder_cost": [100.0, 100.0, 100.0]}
CHALLENGER = {"adopting_communities": [40, 21, 31], "funder_cost": [130.0, 160.0, 110.0]}


def synthetic_runs() -> pd.DataFrame:
    rows = []
    for label, data in (("A", REFERENCE), ("B", CHALLENGER)):
        for r in range(3):
            row = {"label": label, "replicate": r, "adopting_communities": data["adopting_communities"][r],
                   "funder_cost": data["funder_cost"][r], "total_cost": data["funder_cost"][r]}
            row.update({f"used_{u}_in_project": 0.0 for u in ("facilitator_month", "meeting", "pilot", "dissemination_event")})
            rows.append(row)
    return pd.DataFrame(rows)


def test_cost_per_additional_community_uses_paired_differences(base, tmp_path):
    a = load_strategy(write(tmp_path, "a.toml", '[strategy]\nname = "A"\n'), base)
    b = load_strategy(write(tmp_path, "b.toml", '[strategy]\nname = "B"\n'), base)
    table = cost_table(synthetic_runs(), [a, b], load_costs(COSTS), budget=None).set_index("strategy")
    assert table.loc["B", "cost_per_additional_community"] == pytest.approx(100 / 32)
    from_medians = (np.median(CHALLENGER["funder_cost"]) - 100) / (np.median(CHALLENGER["adopting_communities"]) - 20)
    assert from_medians == pytest.approx(30 / 11) and abs(from_medians - 100 / 32) > 0.3
    assert table.loc["B", "additional_communities"] == pytest.approx(32 / 3)
    assert table.loc["B", "additional_funder_cost"] == pytest.approx(100 / 3)
    assert math.isnan(table.loc["A", "cost_per_additional_community"])  # the reference


def test_cost_per_additional_is_undefined_when_nothing_is_added_and_unbounded_when_unsure():
    assert math.isnan(cost_per_additional(np.array([5.0, 5.0]), np.array([-1.0, 0.0]))[0])
    ratio, low, high = cost_per_additional(np.array([10.0] * 10), np.array([5.0, -4.0] * 5))
    assert ratio == pytest.approx(100 / 5) and math.isinf(high)  # many resamples add nothing
    ratio, low, high = cost_per_additional(np.array([10.0, 20.0, 30.0, 40.0]), np.array([1.0, 2.0, 3.0, 4.0]))
    assert ratio == pytest.approx(10.0) and low == pytest.approx(10.0) and high == pytest.approx(10.0)


def test_budget_marks_strategies_whose_median_funder_cost_exceeds_it(base, tmp_path):
    a = load_strategy(write(tmp_path, "a.toml", '[strategy]\nname = "A"\n'), base)
    b = load_strategy(write(tmp_path, "b.toml", '[strategy]\nname = "B"\n'), base)
    table = cost_table(synthetic_runs(), [a, b], load_costs(COSTS), budget=120.0).set_index("strategy")
    assert not table.loc["A", "over_budget"] and table.loc["B", "over_budget"]  # medians 100 and 130
    assert table.loc["B", "p_over_budget"] == pytest.approx(2 / 3)


def test_a_plan_item_left_out_keeps_the_scenarios_rate(base, tmp_path):
    """Base: 4 meetings a platform a year, 12 pilots and 4 events a year; a 24-month plan naming only pilots."""
    strategy = load_strategy(write(tmp_path, "s.toml", "[plan]\nproject_months = 24\npilots = 6\n"), base)
    assert strategy.plan.meetings == pytest.approx(4 * 7 * 2) and strategy.plan.dissemination_events == pytest.approx(8)
    assert strategy.params["meetings_per_year"] == pytest.approx(4.0)
    assert strategy.params["dissemination_events_per_year"] == pytest.approx(4.0)
    assert strategy.params["pilots_per_year"] == pytest.approx(3.0)
    assert strategy.plan.facilitators == 1.0
