"""The three-layer drawing and the charts: layout, colours, stability and render time."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest

import model
from dashboard import charts, drawing


@pytest.fixture(scope="module")
def alliance():
    live = model.build_model(seed=3)
    for _ in range(30):
        live.step()
    return live


def band_heights(snapshot, positions):
    bands = drawing.band_of(snapshot.level, snapshot.outside)
    return {band: positions[bands == band, 1] for band in drawing.BANDS}


def test_levels_are_stacked_national_on_top_outside_at_the_bottom(alliance):
    snapshot = drawing.read_snapshot(alliance)
    heights = band_heights(snapshot, drawing.layout_for(snapshot))
    assert all(len(h) for h in heights.values()), {k: len(h) for k, h in heights.items()}
    assert heights["national"].min() > heights["district"].max()
    assert heights["district"].min() > heights["pilot"].max()
    assert heights["pilot"].min() > heights["outside"].max()


def test_stakeholders_sit_in_their_district_column(alliance):
    snapshot = drawing.read_snapshot(alliance)
    positions = drawing.layout_for(snapshot)
    local = snapshot.level != model.Level.NATIONAL
    column = np.floor(positions[local, 0]).astype(int)
    assert np.array_equal(column, np.maximum(snapshot.district[local], 0))


def test_every_stakeholder_has_its_own_place(alliance):
    positions = drawing.layout_for(drawing.read_snapshot(alliance))
    assert len(np.unique(np.round(positions, 6), axis=0)) == len(positions)


def test_layout_is_stable_across_steps_and_resets():
    first = model.build_model(seed=1)
    before = drawing.layout_for(drawing.read_snapshot(first)).copy()
    for _ in range(12):
        first.step()
    assert np.array_equal(drawing.layout_for(drawing.read_snapshot(first)), before)
    again = model.build_model(seed=2)  # a reset with another seed: same population shape
    assert np.array_equal(drawing.layout_for(drawing.read_snapshot(again)), before)


def test_layout_follows_a_structural_change():
    three = drawing.read_snapshot(model.build_model({"n_districts": 3}, seed=1))
    five = drawing.read_snapshot(model.build_model({"n_districts": 5}, seed=1))
    assert drawing.layout_for(five)[:, 0].max() > drawing.layout_for(three)[:, 0].max() + 1


def test_colours_follow_the_chosen_state_and_fade_outside_communities(alliance):
    snapshot = drawing.read_snapshot(alliance)
    by_stage = drawing.node_colours(snapshot, "stage")
    by_membership = drawing.node_colours(snapshot, "membership")
    assert not np.array_equal(by_stage, by_membership)
    assert np.all(by_stage[snapshot.outside, 3] < 1) and np.all(by_stage[~snapshot.outside, 3] == 1)
    for stage in np.unique(snapshot.stage[~snapshot.outside]):
        assert len(np.unique(by_stage[(snapshot.stage == stage) & ~snapshot.outside], axis=0)) == 1


def test_sizes_grow_with_power_and_ties_darken_with_trust(alliance):
    snapshot = drawing.read_snapshot(alliance)
    sizes = drawing.node_sizes(snapshot)
    order = np.argsort(snapshot.power)
    assert np.all(np.diff(sizes[order]) >= 0) and sizes.max() > sizes.min()
    alpha = drawing.tie_colours(snapshot)[:, 3]
    inside = ~(snapshot.outside[snapshot.src] | snapshot.outside[snapshot.dst])
    trust = snapshot.trust[inside]
    assert np.corrcoef(trust, alpha[inside])[0, 1] > 0.99


def test_render_gives_a_png_and_reuses_the_figure(alliance):
    snapshot = drawing.read_snapshot(alliance)
    png, figure = drawing.render_alliance(snapshot, "stage")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    png2, figure2 = drawing.render_alliance(snapshot, "membership", figure)
    assert figure2 is figure and png2 != png


def test_step_render_is_under_150_ms_at_default_size():
    live = model.build_model(seed=5)
    assert 300 <= len(live.agents) <= 600  # "default size": about 400 stakeholders
    figure, times = None, []
    for _ in range(15):
        live.step()
        started = time.perf_counter()
        _, figure = drawing.render_alliance(drawing.read_snapshot(live), "stage", figure)
        times.append(time.perf_counter() - started)
    median_ms = 1000 * statistics.median(times[1:])
    assert median_ms < 150, f"median step render {median_ms:.0f} ms"


def test_every_chart_panel_has_outputs_the_model_reports():
    panels = charts.available_panels()
    assert set(panels) == set(charts.CHART_PANELS)  # fails if the model renames an output a panel needs
    for title, names in panels.items():
        assert names, title


def test_chart_lines_carry_the_timeseries(alliance):
    timeseries = alliance.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    timeseries.insert(0, "step", range(len(timeseries)))
    png, chart = charts.plot_timeseries(timeseries)
    assert png[:4] == b"\x89PNG"
    x, y = chart.lines["uptake"].get_data()
    assert np.array_equal(y, timeseries["uptake"].to_numpy(dtype=float)) and x[-1] == alliance.steps


def test_nice_ceiling_and_round_up():
    assert [charts.nice_ceiling(v) for v in (0.3, 1, 1.5, 3, 7, 12, 450)] == [1, 1, 2, 5, 10, 20, 500]
    assert [charts.round_up(v, 60) for v in (0, 59, 60, 130)] == [60, 60, 120, 180]
