"""Compare page: replicates in a worker thread, median and band per month, same seeds for both sides."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
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


def test_progress_is_reported_per_batch_and_a_stop_request_is_honoured_between_batches(monkeypatch):
    monkeypatch.setattr(compare, "COMPARE_BATCH", 4)
    seen = []
    compare.compare_scenarios(small("a"), small("b"), 3, 12, on_progress=lambda d, t: seen.append((d, t)))
    assert seen == [(4, 6), (6, 6)]  # 3 replicates x 2 scenarios in batches of 4
    asked = []

    def go_on_once() -> bool:
        asked.append(1)
        return len(asked) < 2

    assert compare.compare_scenarios(small("a"), small("b"), 3, 12, should_continue=go_on_once) is None
    assert len(asked) == 2  # asked before each batch: the second batch never started


def test_runs_stepped_together_equal_each_run_alone(monkeypatch):
    import model

    monkeypatch.setattr(compare, "COMPARE_BATCH", 3)  # batches that split a replicate's two scenarios
    result = compare.compare_scenarios(small("a"), small("b", mediation=0.9), replicates=2, steps=24)
    seeds = compare.replicate_seeds(7, 2)
    for label, params in zip(result.labels, ({}, {"mediation": 0.9})):
        alone = [model.run_model(params, seed=seed, steps=24).timeseries for seed in seeds]
        expected = compare.band_over_time(alone, compare.COMPARE_OUTPUTS)
        pd.testing.assert_frame_equal(result.bands[label], expected)  # exact: every run bit-identical to alone
    assert list(result.runs["seed"]) == [seed for seed in compare.replicate_seeds(7, 2) for _ in range(2)]


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
    original = compare.model.run_batch

    def recording_batch(runs, steps=120):
        runs = list(runs)
        ran_in.extend(threading.current_thread() for _ in runs)
        return original(runs, steps)

    compare.model.run_batch = recording_batch
    try:
        ui.button("run-comparison-button").click()
        ui.wait_until(lambda: compare.comparison_task.finished, timeout=60, what="the comparison")
    finally:
        compare.model.run_batch = original
    assert len(ran_in) == 6 and main_thread not in ran_in  # 3 replicates x 2 scenarios, off the page's thread
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


SHIPPED_WORLDS = compare.presets.REPO_ROOT / "configs" / "worlds" / "default.parquet"


def test_with_worlds_both_scenarios_meet_the_same_world_and_seed_in_each_replicate(batch_calls):
    from experiments.worlds import load_worlds

    worlds = load_worlds(SHIPPED_WORLDS)
    a, b = small("a"), small("b", mediation=0.9, trust_gain=0.3)  # B's own trust_gain wins over the world's
    result = compare.compare_scenarios(a, b, replicates=4, steps=24, worlds=worlds)
    calls = [(dict(params), seed) for batch in batch_calls for params, seed in batch]
    assert len(calls) == 8
    for k in range(4):
        (params_a, seed_a), (params_b, seed_b) = calls[2 * k], calls[2 * k + 1]
        assert seed_a == seed_b == a.seed + k
        world = worlds.values[worlds.index(seed_a)]
        assert params_a == world  # A sets nothing: the whole world
        assert params_b == {**world, "mediation": 0.9, "trust_gain": 0.3}
    runs = result.runs
    paired = runs.pivot(index="replicate", columns="scenario", values="world")
    assert (paired["A: a"] == paired["B: b"]).all()
    assert list(paired["A: a"]) == [worlds.world_id(a.seed + k) for k in range(4)]
    assert paired["A: a"].nunique() > 1  # replicates draw different worlds, not one world for all
    assert result.worlds_note == worlds.note() and "parameter uncertainty" in result.worlds_note

    plain = compare.compare_scenarios(a, b, replicates=4, steps=24)
    assert plain.worlds_note is None and set(plain.runs["world"]) == {-1}
    band_worlds, band_plain = result.bands["A: a"], plain.bands["A: a"]
    # same seeds, other parameters: the worlds comparison is not the hand-set one
    assert not np.allclose(band_worlds["median"].to_numpy(), band_plain["median"].to_numpy(), equal_nan=True)


def test_the_worlds_chooser_lists_shipped_and_calibrated_files(tmp_path):
    (tmp_path / "configs" / "worlds").mkdir(parents=True)
    (tmp_path / "configs" / "worlds" / "mine.parquet").write_bytes(SHIPPED_WORLDS.read_bytes())
    (tmp_path / "results" / "calibration" / "x").mkdir(parents=True)
    (tmp_path / "results" / "calibration" / "x" / "worlds.parquet").write_bytes(SHIPPED_WORLDS.read_bytes())
    (tmp_path / "results" / "calibration" / "x" / "accepted.parquet").write_bytes(b"")  # not a worlds export
    assert list(compare.worlds_files(tmp_path)) == ["configs/worlds/mine.parquet",
                                                   "results/calibration/x/worlds.parquet"]


def test_page_compares_on_plausible_worlds_and_says_bands_include_parameter_uncertainty(render_page):
    ui = render_page(compare.ComparePage())
    chooser = ui.select("Plausible worlds")
    assert chooser.v_model == compare.NO_WORLDS_LABEL and "configs/worlds/default.parquet" in chooser.items
    chooser.v_model = "configs/worlds/default.parquet"
    ui.slider("Replicates").v_model = 2
    ui.slider("Months").v_model = 12
    ui.button("run-comparison-button").click()
    ui.wait_until(lambda: compare.comparison_task.finished, timeout=60, what="the comparison")
    ui.wait_until(lambda: ui.alerts("info"), what="the worlds note")
    from experiments.worlds import load_worlds

    assert load_worlds(SHIPPED_WORLDS).note() in ui.alerts("info")


def test_a_corrupt_worlds_file_gives_a_message_in_the_page_and_runs_nothing(render_page, tmp_path, monkeypatch):
    (tmp_path / "configs" / "worlds").mkdir(parents=True)
    (tmp_path / "configs" / "worlds" / "broken.parquet").write_bytes(b"PAR1 this is not a parquet table")
    ran = []
    monkeypatch.setattr(compare.model, "run_model", lambda *a, **k: ran.append(1))
    ui = render_page(compare.ComparePage(worlds_root=tmp_path))
    ui.select("Plausible worlds").v_model = "configs/worlds/broken.parquet"
    ui.button("run-comparison-button").click()
    ui.wait_until(lambda: ui.alerts("error"), what="the message")
    (message,) = ui.alerts("error")
    assert "configs/worlds/broken.parquet" in message and "not a readable Parquet table" in message
    assert "Traceback" not in message and str(tmp_path) not in message and "--worlds" not in message
    assert not ran and not compare.comparison_task.pending
