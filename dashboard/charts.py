"""Time-series charts of the alliance's outputs (one small panel per theme), labelled in plain words.

Labels and units come from the output registry (:mod:`dashboard.labels`); the month the project leaves is
marked on every chart.
"""

from __future__ import annotations

import io
import textwrap

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import model

from . import labels

# Panel title -> outputs drawn in it (only those the model reports are drawn).
CHART_PANELS: dict[str, tuple[str, ...]] = {
    "Uptake": ("uptake", "uptake_pilot", "uptake_outside", "uptake_marginalised"),
    "Awareness": ("awareness", "adopted"),
    "Enabling environment": ("enabling_env", "policy_adoption"),
    "Membership": ("members_national", "members_district", "members_community"),
    "Trust": ("mean_trust", "view_spread"),
    "Conflicts": ("conflicts_open", "conflicts_arisen", "conflicts_resolved"),
}
SHARE_PANELS = {"Uptake", "Awareness", "Enabling environment", "Trust"}  # values in [0, 1]
DPI = 80


HORIZON_JUMP = 60  # months


def round_up(value: int, jump: int) -> int:
    return max(jump, -(-(value + 1) // jump) * jump)


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^k at or above ``value`` (at least 1)."""
    if not np.isfinite(value) or value <= 1:
        return 1.0
    power = 10.0 ** np.floor(np.log10(value))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= value))


def available_panels(outputs: tuple[str, ...] | None = None) -> dict[str, tuple[str, ...]]:
    """The panels with the outputs the model actually reports."""
    reported = set(model.OUTPUTS if outputs is None else outputs)
    panels = {title: tuple(name for name in names if name in reported) for title, names in CHART_PANELS.items()}
    return {title: names for title, names in panels.items() if names}


def figure_to_png(figure: Figure, dpi: int = DPI) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def new_panel_figure(
    n_panels: int, columns: int = 3, width: float = 9.0, row_height: float = 2.1
) -> tuple[Figure, list]:
    rows = -(-n_panels // columns)
    figure = Figure(figsize=(width, row_height * rows), dpi=DPI)
    figure.subplots_adjust(left=0.05, right=0.99, top=1 - 0.28 / rows, bottom=0.22 / rows, wspace=0.18,
                           hspace=0.45)
    axes = figure.subplots(rows, columns, squeeze=False).ravel().tolist()
    for extra in axes[n_panels:]:
        extra.set_visible(False)
    return figure, axes[:n_panels]


def panel_unit(names: tuple[str, ...]) -> str:
    """The unit of a panel's outputs when they share one (from the output registry), else ''."""
    units = {labels.output_unit(n) for n in names}
    return units.pop() if len(units) == 1 else ""


def style_panel(ax, title: str, months: int, names: tuple[str, ...] = (), fontsize: float = 9):
    ax.set_title(title, fontsize=fontsize + 1, loc="left")
    ax.tick_params(labelsize=fontsize - 1)
    ax.set_xlim(0, max(months, 12))
    ax.set_xlabel("month", fontsize=fontsize - 1, labelpad=1)
    unit = panel_unit(names)
    if unit and unit != "-":
        ax.set_ylabel(unit, fontsize=fontsize - 1, labelpad=2)
    if title in SHARE_PANELS:
        ax.set_ylim(0, 1)
    ax.grid(alpha=0.3, lw=0.5)
    legend = ax.legend(fontsize=fontsize - 2, loc="upper left", frameon=True, framealpha=0.75, edgecolor="none")
    return legend


def mark_exit(ax, exit_month, fontsize: float = 8, animated: bool = False):
    """A dashed vertical line and a label at the month the project leaves."""
    if exit_month is None:
        return None
    line = ax.axvline(exit_month, color="#555555", ls="--", lw=1, zorder=1, animated=animated)
    ax.text(exit_month, 0.98, " project leaves", transform=ax.get_xaxis_transform(), fontsize=fontsize,
            color="#555555", va="top", ha="left", animated=animated)
    return line


def canvas_to_png(canvas: FigureCanvasAgg) -> bytes:
    """PNG of what the canvas holds, with fast compression (these images live for one step)."""
    width, height = canvas.get_width_height()
    buffer = io.BytesIO()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def blit_png(chart, artists) -> bytes:
    """Blit: draw ``chart``'s static background once (kept in ``chart.background``), then restore it, draw the
    dynamic ``artists`` on ``chart.axes`` and encode the canvas."""
    if chart.background is None:
        chart.canvas.draw()
        chart.background = chart.canvas.copy_from_bbox(chart.figure.bbox)
    else:
        chart.canvas.restore_region(chart.background)
    for artist in artists:
        chart.axes.draw_artist(artist)
    return canvas_to_png(chart.canvas)


class TimeseriesChart:
    """Panels of one run's outputs, updated by blitting.

    Axes, ticks, titles and legends are drawn once into a background; each step only the lines are drawn
    on a copy of it. Limits move in round jumps, and only then is the background drawn again.
    """

    def __init__(self, outputs: tuple[str, ...]):
        self.panels = available_panels(outputs)
        self.figure, self.axes = new_panel_figure(len(self.panels), row_height=2.4)
        self.figure.subplots_adjust(bottom=0.3 / -(-len(self.panels) // 3), hspace=0.6)
        self.canvas = FigureCanvasAgg(self.figure)
        self.background = None
        self.exit_month = None
        self.lines: dict[str, object] = {}
        for ax, (title, names) in zip(self.axes, self.panels.items()):
            for name in names:
                (self.lines[name],) = ax.plot([], [], lw=1.2, label=labels.output_label(name), animated=True)
            style_panel(ax, title, 0, names)  # legends are static: laying out their text each frame costs most

    def set_exit(self, exit_month) -> None:
        if exit_month != self.exit_month:
            for ax in self.axes:
                mark_exit(ax, exit_month, fontsize=7)
            self.exit_month = exit_month
            self.background = None

    def update(self, timeseries: pd.DataFrame) -> None:
        """Replace the lines' data; axis limits move in round jumps so tick labels rarely change."""
        months = timeseries["step"].to_numpy()
        for name, line in self.lines.items():
            line.set_data(months, timeseries[name].to_numpy(dtype=float))
        horizon = round_up(int(months[-1]) if len(months) else 0, HORIZON_JUMP)
        for ax, title in zip(self.axes, self.panels):
            if ax.get_xlim()[1] != horizon:
                ax.set_xlim(0, horizon)
                self.background = None
            if title not in SHARE_PANELS:
                top = max((float(np.nanmax(timeseries[n])) for n in self.panels[title] if len(timeseries)),
                          default=1.0)
                ceiling = nice_ceiling(top)
                if ax.get_ylim()[1] != ceiling:
                    ax.set_ylim(0, ceiling)
                    self.background = None

    def to_png(self) -> bytes:
        if self.background is None:
            self.canvas.draw()  # everything but the (animated) lines
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(self.background)
        for ax in self.axes:
            for line in ax.get_lines():
                if line.get_animated():
                    ax.draw_artist(line)
        return canvas_to_png(self.canvas)


def plot_timeseries(timeseries: pd.DataFrame, chart: TimeseriesChart | None = None,
                    exit_month: int | None = None) -> tuple[bytes, TimeseriesChart]:
    """PNG of every panel for one run (``timeseries`` has a step column and the OUTPUTS columns)."""
    if chart is None:
        chart = TimeseriesChart(tuple(timeseries.columns))
    if exit_month is not None and chart.exit_month is None:
        chart.set_exit(exit_month)
    chart.update(timeseries)
    return chart.to_png(), chart


FOCUS_DPI = 100
FOCUS_WIDTH_PX = 640  # the width drawn when the page has not said how wide the chart is shown
FOCUS_FONT_PX = 14  # the smallest text of the focus chart, in screen pixels (it is drawn at the size shown)
FOCUS_TITLE_PX = 17
BRANCH_STYLE = dict(ls="--", lw=2.2)


def focus_points(px: float) -> float:
    return px * 72.0 / FOCUS_DPI


class FocusChart:
    """One panel large enough for a projector, drawn at the width the page shows it: its outputs over the
    months, the project's exit marked; with a what-if branch, the branch's lines dashed from the month it was
    copied. The key sits below the axes (never over the lines or the marks). Axes, key and marks are drawn
    once into a background; each frame only the lines are drawn (limits move in round jumps)."""

    def __init__(self, title: str, names: tuple[str, ...], exit_month: int | None, branch_month: int | None,
                 width_px: int = FOCUS_WIDTH_PX):
        self.key = (title, names, exit_month, branch_month, int(width_px))
        self.title, self.names, self.exit_month, self.branch_month = title, names, exit_month, branch_month
        width = self.width_px = int(min(max(width_px, 320), 1800))
        self.figure = Figure(figsize=(width / FOCUS_DPI, 3.0), dpi=FOCUS_DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        renderer = self.canvas.get_renderer()
        ax = self.axes = self.figure.add_subplot()
        small = focus_points(FOCUS_FONT_PX)
        self.lines, self.branch_lines = {}, {}
        for k, name in enumerate(names):
            (self.lines[name],) = ax.plot([], [], color=f"C{k}", lw=2.2, label=labels.output_label(name),
                                          animated=True)
            if branch_month is not None:
                (self.branch_lines[name],) = ax.plot([], [], color=f"C{k}", **BRANCH_STYLE, animated=True,
                                                     label=f"{labels.output_label(name)} (what-if)")
        ax.set_title(title, fontsize=focus_points(FOCUS_TITLE_PX), loc="left")
        ax.tick_params(labelsize=small)
        ax.set_xlim(0, 12)
        ax.set_xlabel("month", fontsize=small, labelpad=1)
        unit = panel_unit(names)
        if unit and unit != "-":
            ax.set_ylabel(unit, fontsize=small, labelpad=2)
        if title in SHARE_PANELS:
            ax.set_ylim(0, 1)
        ax.grid(alpha=0.3, lw=0.5)
        handles = [*self.lines.values(), *self.branch_lines.values()]
        longest = max(1, int((width - 60) / (0.56 * FOCUS_FONT_PX)))  # characters a one-column key line can hold
        for line in handles:
            line.set_label(textwrap.fill(line.get_label(), longest))
        for columns in (3, 2, 1):
            legend = self.figure.legend(handles=handles, loc="lower center", ncol=min(columns, len(handles)),
                                        fontsize=small, frameon=False, bbox_to_anchor=(0.5, 0.0),
                                        handlelength=1.6, columnspacing=1.0)
            if legend.get_window_extent(renderer).width <= width - 8 or columns == 1:
                break
            legend.remove()
        legend_px = legend.get_window_extent(renderer).height
        axes_px = min(340.0, max(170.0, 0.4 * width))
        top_px, bottom_px, left_px = FOCUS_TITLE_PX + 14, 2 * FOCUS_FONT_PX + 14, 3.6 * FOCUS_FONT_PX + 8
        height = top_px + axes_px + bottom_px + legend_px + 6
        self.figure.set_size_inches(width / FOCUS_DPI, height / FOCUS_DPI)
        self.figure.subplots_adjust(left=left_px / width, right=1 - 14 / width, top=1 - top_px / height,
                                    bottom=(bottom_px + legend_px + 6) / height)
        legend.set_bbox_to_anchor((0.5, 2 / height), transform=self.figure.transFigure)
        self.marks = []
        if branch_month is not None:
            ax.axvline(branch_month, color="#6a1b9a", lw=1, ls=":")
            self.marks.append(ax.text(branch_month, 0.02, " branched", transform=ax.get_xaxis_transform(),
                                      fontsize=small, color="#6a1b9a"))
        if exit_month is not None:
            ax.axvline(exit_month, color="#555555", ls="--", lw=1, zorder=1)
            self.marks.append(ax.text(exit_month, 0.98, " project leaves ", transform=ax.get_xaxis_transform(),
                                      fontsize=small, color="#555555", va="top", ha="left"))
        self.background = None

    def texts(self) -> list:
        """Every visible, non-empty text (for the tests of size and overlap); call after :meth:`to_png`."""
        ax = self.axes
        found = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.get_xticklabels(), *ax.get_yticklabels(),
                 *self.marks, *self.figure.legends[0].get_texts()]
        inside = ax.get_xlim()
        ticks = [t for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
        return [t for t in found if t.get_visible() and t.get_text()
                and (t not in ticks or inside[0] <= t.get_position()[0] <= inside[1] or t in ax.get_yticklabels())]

    def place_marks(self) -> None:
        """A mark's words go on the side of its line where they fit inside the axes."""
        for mark in self.marks:
            x = mark.get_position()[0]
            low, high = self.axes.get_xlim()
            mark.set_ha("left" if x <= (low + high) / 2 else "right")

    def update(self, timeseries: pd.DataFrame, branch: pd.DataFrame | None) -> None:
        months = int(timeseries["step"].iloc[-1]) if len(timeseries) else 0
        horizon = max(round_up(months, 12 if months < 60 else HORIZON_JUMP), (self.exit_month or 0) + 6)
        if self.axes.get_xlim()[1] != horizon:
            self.axes.set_xlim(0, horizon)
            self.place_marks()
            self.background = None
        steps = timeseries["step"].to_numpy()
        for name, line in self.lines.items():
            line.set_data(steps, timeseries[name].to_numpy(dtype=float))
        after = branch[branch["step"] >= self.branch_month] if branch is not None else None
        for name, line in self.branch_lines.items():
            line.set_data(after["step"].to_numpy(), after[name].to_numpy(dtype=float))
        if self.title not in SHARE_PANELS:
            tops = [float(np.nanmax(timeseries[n])) for n in self.names if len(timeseries)]
            if after is not None and len(after):
                tops += [float(np.nanmax(after[n])) for n in self.names]
            ceiling = nice_ceiling(max(tops, default=1.0))
            if self.axes.get_ylim()[1] != ceiling:
                self.axes.set_ylim(0, ceiling)
                self.background = None

    def to_png(self) -> bytes:
        return blit_png(self, [*self.lines.values(), *self.branch_lines.values()])


def plot_focus(title: str, timeseries: pd.DataFrame, exit_month: int | None = None,
               branch: pd.DataFrame | None = None, branch_month: int | None = None,
               chart: FocusChart | None = None, width_px: int = FOCUS_WIDTH_PX) -> tuple[bytes, FocusChart]:
    """PNG of the focus chart (see :class:`FocusChart`) drawn ``width_px`` wide; reuses ``chart`` when it shows
    the same things at the same width."""
    panels = available_panels(tuple(timeseries.columns))
    title = title if title in panels else next(iter(panels))
    key = (title, panels[title], exit_month, branch_month if branch is not None else None, int(width_px))
    if chart is None or chart.key != key:
        chart = FocusChart(*key)
    chart.update(timeseries, branch if key[3] is not None else None)
    return chart.to_png(), chart


def plot_comparison(bands: dict[str, pd.DataFrame], names: tuple[str, ...], colours=("#1f77b4", "#d62728"),
                    width_px: int = 1060) -> bytes:
    """PNG comparing scenarios: per output a panel with each scenario's median line and 10-90 % band, drawn at
    ``width_px`` pixels (the size it is shown at), titled with the output's plain label and its unit.

    ``bands`` maps scenario label -> frame with columns step, output, q10, median, q90.
    """
    figure, axes = new_panel_figure(len(names), width=width_px / DPI, row_height=2.9)
    figure.subplots_adjust(left=0.07, wspace=0.3, bottom=0.12, hspace=0.55)
    months = 0
    for ax, name in zip(axes, names):
        for (label, band), colour in zip(bands.items(), colours):
            rows = band[band["output"] == name]
            steps = rows["step"].to_numpy()
            months = max(months, int(steps.max()) if len(steps) else 0)
            ax.fill_between(steps, rows["q10"], rows["q90"], color=colour, alpha=0.2, lw=0)
            ax.plot(steps, rows["median"], color=colour, lw=1.4, label=label)
        style_panel(ax, labels.output_label(name), months, (name,), fontsize=10)
        if name in ("uptake", "uptake_pilot", "enabling_env", "mean_trust"):
            ax.set_ylim(0, 1)
    return figure_to_png(figure)


def plot_cost_effectiveness(costs: pd.DataFrame, width_px: int = 530, colours=("#1f77b4", "#d62728")) -> bytes:
    """Each replicate's total cost against its final uptake, per scenario, medians crossed."""
    figure = Figure(figsize=(width_px / DPI, 0.75 * width_px / DPI), dpi=DPI)
    figure.subplots_adjust(left=0.16, right=0.97, top=0.92, bottom=0.16)
    ax = figure.add_subplot()
    for (label, rows), colour in zip(costs.groupby("scenario", sort=False), colours):
        ax.scatter(rows["cost_total"], rows["uptake_final"], s=22, alpha=0.6, color=colour, label=label)
        ax.plot(rows["cost_total"].median(), rows["uptake_final"].median(), marker="X", ms=13, color=colour,
                mec="black")
    ax.set_xlabel(labels.output_axis_label("cost_total"), fontsize=9)
    ax.set_ylabel(labels.output_axis_label("uptake_final"), fontsize=9)
    ax.set_title("Cost and uptake per replicate", fontsize=10, loc="left")
    ax.tick_params(labelsize=8)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(fontsize=8, loc="best")
    return figure_to_png(figure)
