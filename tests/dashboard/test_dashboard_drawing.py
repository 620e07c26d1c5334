"""The drawing (layout, platforms, fill and ring, trust classes, events, outside summary) and the charts."""

from __future__ import annotations

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


def test_every_drawn_stakeholder_has_its_own_place_and_outside_ones_are_summarised(alliance):
    snapshot = drawing.read_snapshot(alliance)
    positions = drawing.layout_for(snapshot)
    drawn = positions[~snapshot.outside]
    assert len(np.unique(np.round(drawn, 6), axis=0)) == len(drawn)
    outside = positions[snapshot.outside]
    assert len(np.unique(np.round(outside, 6), axis=0)) == snapshot.n_districts  # one summary per district


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


def test_fill_is_the_stage_and_ring_the_membership(alliance):
    snapshot = drawing.read_snapshot(alliance)
    fill, ring = drawing.fill_colours(snapshot), drawing.ring_colours(snapshot)
    for stage in np.unique(snapshot.stage):
        assert len(np.unique(fill[snapshot.stage == stage], axis=0)) == 1
    member = snapshot.membership == model.Membership.MEMBER
    assert member.any() and (~member & ~snapshot.outside).any()
    assert len(np.unique(ring[member], axis=0)) == 1
    assert not np.array_equal(ring[member][0], ring[~member & ~snapshot.outside][0])
    never_joined = snapshot.membership == model.Membership.NOT_INVITED
    assert drawing.ring_widths(snapshot)[member].min() > drawing.ring_widths(snapshot)[never_joined].max()


def test_sizes_grow_with_power_and_trust_comes_in_three_classes(alliance):
    snapshot = drawing.read_snapshot(alliance)
    sizes = drawing.node_sizes(snapshot)
    orgs = snapshot.is_org
    order = np.argsort(snapshot.power[orgs])
    assert np.all(np.diff(sizes[orgs][order]) >= 0) and sizes.max() > sizes.min()
    assert list(drawing.trust_class(np.array([0.0, 0.2, 0.5, 0.7, 1.0]))) == [0, 0, 1, 2, 2]
    ties = drawing.member_ties(snapshot)
    member = snapshot.membership == model.Membership.MEMBER
    assert ties.any() and np.all(member[snapshot.src[ties]] & member[snapshot.dst[ties]])


def test_events_of_the_month_are_found_on_the_stakeholders_they_name():
    live = model.build_model(seed=3)
    for _ in range(40):
        live.step()
        snapshot = drawing.read_snapshot(live)
        people, _ = drawing.named_in_events(snapshot)
        for i, kind in people.items():
            assert any(snapshot.names[i] in r["text"] and r["kind"] == kind for r in snapshot.events)
        named_orgs = [r for r in snapshot.events if r["kind"] in ("join", "leave") and "communities" not in r["text"]]
        if named_orgs:
            break
    assert named_orgs and people


def test_open_conflicts_and_outside_communities_are_summarised():
    live = model.build_model(seed=3)
    live.run_for(60)
    snapshot = drawing.read_snapshot(live)
    assert len(snapshot.open_conflicts) == len(drawing.platform_boxes(snapshot.n_districts))
    rows = drawing.outside_summary(snapshot)
    assert sum(n for _, n, _ in rows) == int(snapshot.outside.sum())
    assert all(0.0 <= share <= 1.0 for _, _, share in rows)


def test_render_gives_a_png_and_reuses_the_figure(alliance):
    snapshot = drawing.read_snapshot(alliance)
    png, figure = drawing.render_alliance(snapshot)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    alliance_later = model.build_model(seed=3)
    alliance_later.run_for(31)
    png2, figure2 = drawing.render_alliance(drawing.read_snapshot(alliance_later), figure)
    assert figure2 is figure and png2 != png


def test_every_chart_panel_has_outputs_the_model_reports():
    panels = charts.available_panels()
    assert set(panels) == set(charts.CHART_PANELS)  # fails if the model renames an output a panel needs
    for title, names in panels.items():
        assert names, title


def test_focus_chart_and_panels_use_plain_labels_and_mark_the_exit(alliance):
    timeseries = alliance.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    timeseries.insert(0, "step", range(len(timeseries)))
    png, focus = charts.plot_focus("Uptake", timeseries, 54)
    assert png[:4] == b"\x89PNG" and focus.exit_month == 54
    x, y = focus.lines["uptake"].get_data()
    assert np.array_equal(y, timeseries["uptake"].to_numpy(dtype=float))
    with_branch, focus2 = charts.plot_focus("Uptake", timeseries, 54, timeseries, 10, focus)
    assert focus2 is not focus and focus2.branch_lines and with_branch != png
    assert charts.plot_focus("Uptake", timeseries, 54, timeseries, 10, focus2)[1] is focus2  # reused
    _, chart = charts.plot_timeseries(timeseries, None, 54)
    labels_shown = [line.get_label() for line in chart.lines.values()]
    assert all("_" not in label for label in labels_shown)
    assert chart.exit_month == 54
    assert all(ax.get_xlabel() == "month" for ax in chart.axes)


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


def text_problems(texts, renderer, frame) -> list[str]:
    """Texts smaller than the stated smallest font, overlapping another text or running out of the picture."""
    import itertools

    found = []
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for text in texts:
        if text.get_fontsize() * drawing.DPI / 72 < drawing.SMALLEST_FONT_PX - 1e-6:
            found.append(f"small: {text.get_text()!r} {text.get_fontsize() * drawing.DPI / 72:.1f} px")
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        if drawing.overlaps(box_a, box_b, pad=0):
            found.append(f"overlap: {a!r} / {b!r}")
    for a, box in boxes:
        if box.x0 < frame.x0 - 0.5 or box.x1 > frame.x1 + 0.5 or box.y0 < frame.y0 - 0.5 or box.y1 > frame.y1 + 0.5:
            found.append(f"outside: {a!r}")
    return found


@pytest.mark.parametrize("width", [480, 690, 930, 1300])
@pytest.mark.parametrize("params", [{}, {"n_districts": 8}], ids=["3 districts", "8 districts"])
def test_drawing_at_the_width_shown_keeps_every_text_legible_apart_and_inside(width, params):
    """Issue 18: drawn at the width the page gives it, every text at least SMALLEST_FONT_PX (14 px), no two
    texts overlap (event labels, names, badges, the legend) and none is clipped, month after month."""
    live = model.build_model(params=params, seed=5)
    figure, problems, labelled = None, [], 0
    for month in range(48):
        live.step()
        png, figure = drawing.render_alliance(drawing.read_snapshot(live), figure, width)
        texts = figure.texts()
        labelled += sum(1 for t in figure.labels if t.get_visible())
        problems += [f"month {month + 1}: {p}" for p in text_problems(texts, figure.renderer, figure.figure.bbox)]
    from PIL import Image
    import io

    assert Image.open(io.BytesIO(png)).size[0] == width  # drawn at the width it is shown, never scaled
    assert problems == []
    assert labelled > 0  # event labels were drawn (the check above is not vacuous)


@pytest.mark.parametrize("width", [420, 690, 1000])
def test_focus_chart_texts_are_legible_apart_and_inside_with_exit_and_branch_marks(width):
    live = model.build_model(params={"project_exit_month": 40}, seed=5)
    chart, problems = None, []
    for month in range(0, 72, 6):
        for _ in range(6):
            live.step()
        series = live.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        series.insert(0, "step", range(len(series)))
        for title in charts.available_panels():
            png, chart = charts.plot_focus(title, series, 40, series, 20, None, width)
            texts = chart.texts()
            assert min(t.get_fontsize() * charts.FOCUS_DPI / 72 for t in texts) >= charts.FOCUS_FONT_PX - 1e-6
            problems += [f"{title} month {month}: {p}" for p in
                         text_problems(texts, chart.canvas.get_renderer(), chart.figure.bbox) if not p.startswith("small")]
    assert problems == []  # "project leaves" was clipped at the right edge before
