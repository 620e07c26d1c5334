"""Time-series charts of the alliance's outputs (one small panel per theme)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import model

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


def style_panel(ax, title: str, months: int) -> None:
    ax.set_title(title, fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.set_xlim(0, max(months, 12))
    if title in SHARE_PANELS:
        ax.set_ylim(0, 1)
    ax.grid(alpha=0.3, lw=0.5)
    legend = ax.legend(fontsize=6, loc="upper left", frameon=True, framealpha=0.75, edgecolor="none")
    return legend


def canvas_to_png(canvas: FigureCanvasAgg) -> bytes:
    """PNG of what the canvas holds, with fast compression (these images live for one step)."""
    width, height = canvas.get_width_height()
    buffer = io.BytesIO()
    Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
        buffer, format="png", compress_level=1)
    return buffer.getvalue()


class TimeseriesChart:
    """Panels of one run's outputs, updated by blitting.

    Axes, ticks, titles and legends are drawn once into a background; each step only the lines are drawn
    on a copy of it. Limits move in round jumps, and only then is the background drawn again.
    """

    def __init__(self, outputs: tuple[str, ...]):
        self.panels = available_panels(outputs)
        self.figure, self.axes = new_panel_figure(len(self.panels))
        self.canvas = FigureCanvasAgg(self.figure)
        self.background = None
        self.lines: dict[str, object] = {}
        for ax, (title, names) in zip(self.axes, self.panels.items()):
            for name in names:
                (self.lines[name],) = ax.plot([], [], lw=1.2, label=name, animated=True)
            style_panel(ax, title, 0).set_animated(True)  # the legend is drawn over the lines

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
                ax.draw_artist(line)
            ax.draw_artist(ax.get_legend())
        return canvas_to_png(self.canvas)


def plot_timeseries(timeseries: pd.DataFrame, chart: TimeseriesChart | None = None) -> tuple[bytes, TimeseriesChart]:
    """PNG of every panel for one run (``timeseries`` has a step column and the OUTPUTS columns)."""
    if chart is None:
        chart = TimeseriesChart(tuple(timeseries.columns))
    chart.update(timeseries)
    return chart.to_png(), chart


def plot_comparison(bands: dict[str, pd.DataFrame], names: tuple[str, ...], colours=("#1f77b4", "#d62728")) -> bytes:
    """PNG comparing scenarios: per output a panel with each scenario's median line and 10-90 % band.

    ``bands`` maps scenario label -> frame with columns step, output, q10, median, q90.
    """
    figure, axes = new_panel_figure(len(names))
    months = 0
    for ax, name in zip(axes, names):
        for (label, band), colour in zip(bands.items(), colours):
            rows = band[band["output"] == name]
            steps = rows["step"].to_numpy()
            months = max(months, int(steps.max()) if len(steps) else 0)
            ax.fill_between(steps, rows["q10"], rows["q90"], color=colour, alpha=0.2, lw=0)
            ax.plot(steps, rows["median"], color=colour, lw=1.4, label=label)
        style_panel(ax, name, months)
    return figure_to_png(figure)
