"""The painter's side of the live page: one frame of the alliance in, the pictures the page shows out.

A :class:`Painter` belongs to one session and is only used by that session's painter thread, so its
matplotlib figures (reused from frame to frame) are never touched by two threads at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import charts, drawing
from .stepper import BRANCH, MAIN, Frame


@dataclass(frozen=True)
class Picture:
    """What the live page shows for one frame: the frame itself and its PNG pictures."""

    frame: Frame
    drawing_png: bytes
    focus_png: bytes
    charts_png: bytes | None  # every panel (full layout only)
    branch_drawing_png: bytes | None = None
    focus: str = "Uptake"


class Painter:
    """Draws frames; ``view()`` says which chart is large, whether the page is in presenter layout and,
    optionally, how many pixels wide the drawing and the focus chart are shown (they are drawn at that width)."""

    def __init__(self, view: Callable[[], tuple] = lambda: ("Uptake", True)):
        self.view = view
        self.drawings: dict[str, drawing.AllianceDrawing | None] = {MAIN: None, BRANCH: None}
        self.chart: charts.TimeseriesChart | None = None
        self.focus_chart: charts.FocusChart | None = None

    def paint(self, frame: Frame) -> Picture:
        focus, presenter, *widths = self.view()
        width = int(widths[0]) if widths and widths[0] else drawing.WIDTH_PX
        focus_width = int(widths[1]) if len(widths) > 1 and widths[1] else width
        pngs = {}
        for name, snapshot in frame.futures.items():
            shown_at = width if name == MAIN else max(drawing.WIDTH_RANGE[0], width // 2)
            pngs[name], self.drawings[name] = drawing.render_alliance(snapshot.drawing, self.drawings[name], shown_at)
        main, branch = frame.main, frame.branch
        exit_month = main.params.get("project_exit_month")
        focus_png, self.focus_chart = charts.plot_focus(
            focus, main.timeseries, exit_month, branch.timeseries if branch is not None else None,
            branch.since_month if branch is not None else None, self.focus_chart, focus_width)
        charts_png = None
        if not presenter:
            if self.chart is None:
                self.chart = charts.TimeseriesChart(tuple(main.timeseries.columns))
            charts_png, self.chart = charts.plot_timeseries(main.timeseries, self.chart, exit_month)
        return Picture(frame, pngs[MAIN], focus_png, charts_png, pngs.get(BRANCH), focus)
