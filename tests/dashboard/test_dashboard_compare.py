"""Compare page: replicates in a worker thread, median and band per month, same seeds for both sides."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from solara.components.datatable import DataTableWidget

from dashboard import compare


def small(label: str, **params) -> compare.Contender:
    return compare.Contender(label, params, steps=24, seed=7)


def test_bands_are_ordered_and_cover_every_month_and_output():
    result = compare.compare_scenarios(small("a"), small("b", mediation=0.9), replicates=4, steps=24)
    assert result.labels == ("A: a", "B: b")
    for band in result.bands.values():
        assert set(band["output"]) == set(compare.COMPARE_OUTPUTS)
        assert sorted(band["step"].unique()) == list(range(25))
        assert np.all(band["q10"] <= band["median"] + 1e-12) and np.all(band["median"] <= band["q90"] + 1e-12)
    assert list(result.summary.columns) == ["output", "A median", "B median", "B − A", "name"]
    assert all("_" not in label for label in result.summary["output"])  # plain words (output registry)


def test_same_scenario_on_both_sides_gives_identical_bands_and_replicates_differ():
    result = compare.compare_scenarios(small("x"), small("x"), replicates=5, steps=24)
    a, b = result.bands.values()
    assert np.array_equal(a[["q10", "median", "q90"]].to_numpy(), b[["q10", "median", "q90"]].to_numpy())
    uptake = a[(a["output"] == "members") & (a["step"] == 24)]
    assert float(uptake["q90"].iloc[0]) > float(uptake["q10"].iloc[0])  # replicates use different seeds
    assert set(result.summary["B − A"]) <= {"+0", "—"}


def test_progress_is_reported_per_run_and_a_stop_request_is_honoured():
    seen = []
    compare.compare_scenarios(small("a"), small("b"), 3, 12, on_progress=lambda d, t: seen.append((d, t)))
    assert seen == [(k, 6) for k in range(1, 7)]
    calls = iter([True, True, False])
    assert compare.compare_scenarios(small("a"), small("b"), 3, 12, should_continue=lambda: next(calls)) is None


def test_contenders_are_the_defaults_and_every_preset():
    contenders = compare.available_contenders()
    assert list(contenders)[0] == compare.DEFAULTS_LABEL and contenders[compare.DEFAULTS_LABEL].params == {}
    assert len(contenders) >= 6


def test_funding_strategies_can_be_compared_with_the_parameters_compare_uses():
    from experiments.strategies import load_strategy, strategy_files

    import model

    contenders = compare.available_contenders()
    files = strategy_files()
    assert len(files) >= 5
    base = model.load_scenario(compare.BASELINE)
    for path in files:
        strategy = load_strategy(path, base)
        contender = contenders[compare.STRATEGY_LABEL.format(strategy.name)]
        assert contender.params == strategy.params and contender.steps == base.steps


def test_page_runs_a_comparison_in_the_background(render_page):
    ui = render_page(compare.ComparePage())
    assert ui.select("Scenario A").v_model != ui.select("Scenario B").v_model
    ui.slider("Replicates").v_model = 3
    ui.slider("Months").v_model = 24
    main_thread = threading.current_thread()
    ran_in = []
    original = compare.model.run_model

    def recording_run(*args, **kwargs):
        ran_in.append(threading.current_thread())
        return original(*args, **kwargs)

    compare.model.run_model = recording_run
    try:
        ui.button("run-comparison-button").click()
        ui.wait_until(lambda: compare.comparison_task.finished, timeout=60, what="the comparison")
    finally:
        compare.model.run_model = original
    assert len(ran_in) == 6 and main_thread not in ran_in
    ui.wait_until(lambda: len(ui.images("comparison-chart")) == 1, what="the comparison chart")
    assert ui.image("comparison-chart")[:4] == b"\x89PNG"
    table = ui.rc.find(DataTableWidget).widget
    from dashboard.labels import output_label

    assert [row["output"] for row in table.items][0].startswith(output_label("uptake_final"))
    assert len(ui.images("cost-effectiveness-chart")) == 1


def test_live_settings_can_be_compared(render_page):
    from dashboard import state

    state.parameter_values["mediation"].set(0.9)
    state.seed.set(11)
    ui = render_page(compare.ComparePage())
    assert compare.LIVE_LABEL in ui.select("Scenario A").items
    live = compare.live_contender()
    assert live.params == {"mediation": 0.9} and live.seed == 11


def test_a_milestone_never_reached_says_not_reached():
    never = compare.milestone_median([float("nan"), 121.0, 121.0, 40.0], steps=120)
    assert np.isnan(never[0]) and never[1] == 1  # one of four runs reached it: the median did not
    assert compare.shown_value(never[0], "months_to_25") == "not reached"
    half = compare.milestone_median([30.0, 40.0, 50.0, float("nan")], steps=120)
    assert half == (45.0, 3)
    result = compare.compare_scenarios(small("a"), small("b"), replicates=3, steps=12)
    row = result.summary[result.summary["name"] == "months_to_25"].iloc[0]
    assert row["A median"].startswith("not reached (0 of 3 runs")  # 12 months is too short for 25 %
    assert "121" not in row["A median"] and "13" not in row["A median"]


def test_cost_effectiveness_has_one_point_per_replicate_and_a_cost_per_point():
    result = compare.compare_scenarios(small("a"), small("b", pilots_per_year=30), replicates=4, steps=36)
    costs = result.costs
    assert costs.groupby("scenario").size().to_dict() == {"A: a": 4, "B: b": 4}
    per_point = compare.cost_per_point(costs)
    for label, rows in costs.groupby("scenario"):
        points = 100 * rows["uptake_final"].median()
        expected = rows["cost_total"].median() / points if points > 0 else float("nan")
        assert per_point[label] == pytest.approx(expected, nan_ok=True)
    assert costs[costs["scenario"] == "B: b"]["cost_total"].median() > costs[costs["scenario"] == "A: a"]["cost_total"].median()
