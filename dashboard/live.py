"""Page 1, "Live alliance": watch one Learning Alliance month by month, steer it, and branch a what-if.

The page never touches the model: buttons post requests to the session's stepper (dashboard.stepper) and the
live views (images, status, narration) are widgets that the painter updates directly with each new picture
(:func:`use_live_view`), so frames never re-render the page and clicks never wait behind a redraw. On projector-sized windows (below
:data:`PRESENTER_MAX_WIDTH` px) the presenter layout closes the sidebar and shows the drawing and one chart
large; on larger screens the full layout adds every chart and the event log.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipyvuetify as v
import ipywidgets
import pandas as pd
import solara

from . import charts, controls, narration, presets, state
from .alliance import YourAlliance
from .labels import parameter_label
from .stepper import SPEED_RANGE, first_divergence
from model import registry
from model.alliance_table.safe_cells import safe_csv

BRANCH_PREFIX = "What-if: "
PRESENTER_MAX_WIDTH = 1400  # px: 1024x768 and 1366x768 projectors get the presenter layout
EVENTS_SHOWN = 40
PERIODS_SHOWN = 6
NARRATION_WIDTH = "clamp(280px, 30%, 440px)"
LIVE_CSS = """
.live-status { font-size: 1.15em; font-weight: 500; }
.narration-period { font-size: 1.0em; line-height: 1.45; }
.narration-title { font-weight: 600; margin-top: 6px; }
.workshop-panel .v-card__title { font-size: 1.05em; }
.needs-reset-banner { font-size: 0.95em; }
.live-main { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 12px; width: 100%; }
.drawing-column { flex: 1 1 520px; min-width: 0; }
.narration-column { flex: 0 1 NARRATION_WIDTH; min-width: 280px; }
.narration-column .narration { max-height: calc(100vh - 210px); overflow-y: auto; }
.narration-text { font-size: 16px; line-height: 1.45; }
.alliance-drawing img, img.alliance-drawing, img.focus-chart { max-width: 100%; }
.run-buttons .speed-control { min-width: 220px; flex: 0 0 220px; }
.run-buttons .speed-control .v-input__slot { flex-wrap: wrap; }
.run-buttons .speed-control .v-input__slot > .v-label { width: 100%; font-size: 14px; margin-bottom: -4px; }
""".replace("NARRATION_WIDTH", NARRATION_WIDTH)


@solara.component_vue(str(Path(__file__).with_name("vue") / "screen_size.vue"))
def ScreenSize(width: int = 0, on_width=None, height: int = 0, on_height=None):
    """Reports the browser window's size (an invisible element)."""


@solara.component_vue(str(Path(__file__).with_name("vue") / "element_width.vue"))
def ElementWidth(width: int = 0, on_width=None):
    """Reports the width of the element it sits in (an invisible element)."""


@solara.component
def WindowWatcher():
    """Keeps ``state.presenter`` true on projector-sized windows."""
    def width_changed(width: int) -> None:
        if width:
            state.set_presenter(int(width) < PRESENTER_MAX_WIDTH)

    ScreenSize(on_width=width_changed)


def status_text(picture) -> str:
    if picture is None:
        return "Preparing the alliance…"
    main = picture.frame.main
    return (f"Month {main.month}  ·  {main.stakeholders} stakeholders  ·  {main.members} members"
            f"  ·  uptake {main.uptake:.0%}  ·  {'running' if picture.frame.playing else 'stopped'}")


@solara.component
def RunButtons():
    playing = state.playing.value
    run_to, set_run_to = solara.use_state(60)
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}, classes=["run-buttons"]):
        solara.Button("Step", icon_name="mdi-debug-step-over", on_click=lambda: state.step_alliance(1),
                      disabled=playing, color="primary", outlined=True, classes=["step-button"])
        solara.Button("Play", icon_name="mdi-play", on_click=state.start_playing, disabled=playing,
                      color="primary", outlined=True, classes=["play-button"])
        solara.Button("Pause", icon_name="mdi-pause", on_click=state.pause_playing, disabled=not playing,
                      color="primary", outlined=True, classes=["pause-button"])
        solara.Button("Reset", icon_name="mdi-restart", on_click=state.reset_alliance, color="primary",
                      classes=["reset-button"])
        with solara.Div(classes=["speed-control"]):
            solara.SliderInt("Speed (months per second)", value=int(state.speed.value), on_value=state.set_speed,
                             min=SPEED_RANGE[0], max=SPEED_RANGE[1], thumb_label=True)
        with solara.Div(style={"width": "110px"}):
            solara.InputInt("Run to month", value=run_to, on_value=lambda v: set_run_to(max(0, min(1200, int(v)))),
                            classes=["run-to-input"], continuous_update=True)
        solara.Button("Go", icon_name="mdi-fast-forward", on_click=lambda: state.run_to_month(run_to), disabled=playing,
                      color="primary", outlined=True, classes=["run-to-button"])
        solara.Text("playing" if playing else "paused", classes=["play-state"],
                    style={"font-weight": "500", "color": "#2e7d32" if playing else "#616161"})


def use_live_widget(make: Callable[[], Any], update: Callable[[Any, Any], None]):
    """A widget made once and kept out of Solara's hands: after mount ``update(widget, picture)`` runs with the
    newest picture and every later one (in the painter thread). Re-renders of the page never touch it."""
    widget = solara.use_memo(make, [])

    def register():
        def show(picture) -> None:
            update(widget, picture)

        latest = state.latest_picture()
        if latest is not None:
            show(latest)
        remove = state.add_view(show)

        def cleanup() -> None:
            remove()
            widget.close()

        return cleanup

    solara.use_effect(register, [])
    return widget


def set_if_changed(widget, name: str, value) -> None:
    if value is not None and getattr(widget, name) != value:
        setattr(widget, name, value)


@solara.component
def LiveImage(field: str, css: str):
    """An image that follows one PNG field of the newest picture."""
    widget = use_live_widget(
        lambda: ipywidgets.Image(value=b"", format="png", layout=ipywidgets.Layout(width="auto", max_width="100%"),
                                 _dom_classes=[css]),
        lambda widget, picture: set_if_changed(widget, "value", getattr(picture, field)))
    solara.Div(children=[widget])


@solara.component
def LiveText(text_of: Callable[[Any], str], css: str, style: str = ""):
    """A line of text computed from the newest picture."""
    widget = use_live_widget(lambda: v.Html(tag="div", children=[text_of(None)], class_=css, style_=style),
                             lambda widget, picture: set_if_changed(widget, "children", [text_of(picture)]))
    solara.Div(children=[widget])


@solara.component
def AllianceStatus():
    LiveText(status_text, "alliance-status", "font-size: 1.15em; font-weight: 500")


@solara.component
def AllianceDrawingView():
    LiveImage("drawing_png", "alliance-drawing")


@solara.component
def FocusChart():
    titles = list(charts.available_panels())
    with solara.Div(style={"max-width": "260px"}):
        solara.Select("Chart", values=titles, value=state.focus_chart.value, on_value=state.set_focus_chart,
                      classes=["focus-chart-select"])
    LiveImage("focus_png", "focus-chart")


@solara.component
def ChartsView():
    LiveImage("charts_png", "alliance-charts")


def narration_html(picture) -> str:
    if picture is None:
        return ""
    main = picture.frame.main
    periods = narration.narrate(main.events, main.month)[:PERIODS_SHOWN]
    exit_note = narration.after_exit(main.timeseries, main.params.get("project_exit_month"))
    parts = [f"<p><b>{html.escape(exit_note)}</b></p>"] if exit_note else []
    for period in periods:
        items = "".join(f"<li>{html.escape(sentence)}</li>" for sentence in period.sentences)
        parts.append(f"<div class='narration-title'>{html.escape(period.title)}</div><ul>{items}</ul>")
    return "".join(parts)


@solara.component
def Narration():
    """What happened and why, as a few sentences per year (one widget, updated by the painter)."""
    told: dict = solara.use_memo(dict, [])

    def tell(picture) -> str:
        # the month and the event log's length and ends: a Reset or another alliance tells anew at month 0
        events = picture.frame.main.events if picture is not None else ()
        key = (picture.frame.main.month, len(events), events[0]["text"] if events else None,
               events[-1]["text"] if events else None) if picture is not None else None
        if "html" not in told or told.get("key") != key:
            told["key"], told["html"] = key, narration_html(picture)
        return told["html"]

    widget = use_live_widget(lambda: solara.widgets.HTML(tag="div", unsafe_innerHTML="",
                                                         attributes={"class": "narration-text"}),
                             lambda widget, picture: set_if_changed(widget, "unsafe_innerHTML", tell(picture)))
    solara.Card("What happened and why", classes=["narration", "workshop-panel"], children=[widget])


@solara.component
def EventLog():
    """The raw event log, newest first; only followed frame by frame while it is open."""
    is_open = solara.use_reactive(False)
    solara.Button(("Hide" if is_open.value else "Show") + " the event log", text=True, classes=["event-log-button"],
                  icon_name="mdi-chevron-up" if is_open.value else "mdi-chevron-down",
                  on_click=lambda: is_open.set(not is_open.value))
    if is_open.value:
        EventLines()


def event_lines(picture) -> str:
    if picture is None:
        return ""
    records = list(picture.frame.main.events[-EVENTS_SHOWN:])[::-1]
    return "\n".join(f"Month {r['step']} · {r['kind']}: {r['text']}" for r in records) or "No events yet."


@solara.component
def EventLines():
    LiveText(event_lines, "event-lines", "white-space: pre-wrap; font-size: 15px; max-height: 300px; overflow-y: auto")


@solara.component
def PresetBanner():
    scenario = state.preset.value
    if scenario is not None:
        solara.Info(f"Preset: {scenario.name}", dense=True, classes=["preset-banner"])
        solara.Text(presets.flowing_text(scenario.description), style={"font-size": "15px", "white-space": "pre-wrap",
                                                                        "display": "block", "margin-top": "-8px"})


@solara.component
def WorkshopLevers():
    """The levers a trainer talks about; mid-run levers act at once, the others wait for Reset."""
    pending = state.pending_reset()
    fixed = state.table_fixed()
    for parameter in controls.workshop_levers():
        mid_run = parameter.name in controls.MID_RUN
        controls.ParameterControl(
            parameter, state.parameter_values[parameter.name],
            on_change=(lambda value, name=parameter.name: state.apply_mid_run(name, value)) if mid_run else None,
            note=controls.NEEDS_RESET if parameter.name in pending else "", fixed_by=fixed.get(parameter.name, ""))


@solara.component
def SetupControls():
    """Seed, workshop levers, defaults button and, folded, every other parameter."""
    pending = state.pending_reset()
    changed = controls.changed_names(state.parameter_values)
    fixed = state.table_fixed()
    solara.Style(controls.CONTROL_CSS)
    YourAlliance()
    solara.Markdown("**Workshop levers** — facilitation and meetings act at once; the others on Reset.")
    if pending:
        solara.Warning(f"{len(pending)} change(s) wait for Reset: "
                       + ", ".join(parameter_label(registry.REGISTRY[n]) for n in pending),
                       dense=True, classes=["needs-reset-banner"])
    WorkshopLevers()
    with solara.Row(style={"align-items": "center"}):
        solara.InputInt("Seed", value=state.seed, style={"max-width": "120px"})
        solara.Button("Restore defaults", on_click=state.restore_defaults, text=True, small=True)
    solara.Text(f"{len(changed)} parameter(s) changed from defaults", classes=["changed-parameters"],
                style={"font-size": "14px"})
    with solara.Details("All parameters"):
        if fixed:
            solara.Text(f"{len(fixed)} parameter(s) are fixed by the alliance table {state.alliance_label.value} "
                        "(shown greyed out): " + ", ".join(parameter_label(registry.REGISTRY[n]) for n in fixed
                                                           if n in registry.REGISTRY),
                        classes=["fixed-by-table-summary"], style={"display": "block", "font-size": "14px"})
        controls.ParameterGroups(state.parameter_values, exclude=controls.WORKSHOP_LEVERS, pending=tuple(pending),
                                 fixed=tuple(fixed.items()))


@solara.component
def WhatIf():
    """Branch here: copy the running alliance, change levers on the copy, run both side by side."""
    with solara.Card("What if? Branch here", classes=["what-if", "workshop-panel"]):
        if state.branch_month.value is None:
            BranchSetup()
        else:
            BranchResult()


@solara.component
def BranchSetup():
    """The levers of the next branch (does not follow the frames, so playing never redraws it)."""
    if True:
        if True:
            solara.Text("Copy the alliance as it is now, change levers on the copy, then Play: both futures run "
                        "side by side from the same state with the same random numbers.",
                        style={"display": "block", "font-size": "15px"})
            with solara.Row(style={"flex-wrap": "wrap", "gap": "12px"}):
                for name in controls.MID_RUN:
                    with solara.Div(style={"min-width": "200px", "flex": "1"}):
                        controls.ParameterControl(registry.REGISTRY[name], state.branch_values[name],
                                                  prefix=BRANCH_PREFIX)
            solara.Button("Branch here", icon_name="mdi-source-branch", color="primary", on_click=state.branch_here,
                          classes=["branch-button"])


def branch_summary(picture) -> str:
    branch = picture.frame.branch if picture is not None else None
    if branch is None:
        return ""
    main = picture.frame.main
    changes = {n: (main.params[n], branch.params[n]) for n in branch.params if branch.params[n] != main.params.get(n)}
    change_text = "; ".join(f"{parameter_label(registry.REGISTRY[n])} {a:g} → {b:g}" for n, (a, b) in changes.items()
                            if n in registry.REGISTRY) or "no lever changed"
    return f"Branched at month {branch.since_month}: {change_text}."


def branch_difference(picture) -> str:
    branch = picture.frame.branch if picture is not None else None
    if branch is None:
        return ""
    main = picture.frame.main
    diverged = first_divergence(main.timeseries, branch.timeseries, branch.since_month)
    return (f"Month {main.month}: uptake {main.uptake:.1%} as it was vs {branch.uptake:.1%} what-if "
            f"({(branch.uptake - main.uptake) * 100:+.1f} points); members {main.members} vs {branch.members}. "
            + ("The two futures are still identical." if diverged is None else f"They first differed in month {diverged}."))


@solara.component
def BranchResult():
    LiveText(branch_summary, "branch-summary", "font-weight: 500")
    LiveText(branch_difference, "branch-difference")
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.Text("As it was", style={"font-weight": "500"})
            LiveImage("drawing_png", "original-drawing")
        with solara.Column():
            solara.Text("What if", style={"font-weight": "500"})
            LiveImage("branch_drawing_png", "branch-drawing")
    solara.Button("Drop the branch", icon_name="mdi-close", text=True, on_click=state.drop_branch,
                  classes=["drop-branch-button"])


def run_csv() -> bytes:
    """The shown run's monthly outputs (and the what-if branch's, when there is one) as CSV."""
    picture = state.latest_picture()
    if picture is None:
        return b""
    frames = []
    for name, snapshot in picture.frame.futures.items():
        table = snapshot.timeseries.copy()
        table.insert(0, "future", "as it was" if name == "main" else "what if")
        frames.append(table)
    buffer = io.StringIO()
    buffer.write(safe_csv(pd.concat(frames, ignore_index=True)))
    return buffer.getvalue().encode()


def full_charts_png() -> bytes:
    picture = state.latest_picture()
    if picture is None:
        return b""
    main = picture.frame.main
    png, _ = charts.plot_timeseries(main.timeseries, None, main.params.get("project_exit_month"))
    return png


def shown_png(kind: str) -> bytes:
    picture = state.latest_picture()
    return b"" if picture is None else getattr(picture, kind)


@solara.component
def Exports():
    """Downloads of what is shown when the button is pressed (the buttons do not change from frame to frame)."""
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}, classes=["exports"]):
        solara.FileDownload(lambda: shown_png("drawing_png"), filename="alliance-drawing.png", label="Drawing (PNG)",
                            mime_type="image/png")
        solara.FileDownload(lambda: shown_png("focus_png"), filename="alliance-chart.png", label="Chart (PNG)",
                            mime_type="image/png")
        solara.FileDownload(full_charts_png, filename="alliance-all-charts.png", label="All charts (PNG)",
                            mime_type="image/png")
        solara.FileDownload(run_csv, filename="alliance-run.csv", label="Run data (CSV)", mime_type="text/csv")


@solara.component
def Working():
    """A long action (a Reset, a table being read) says that it is working until its alliance is on screen."""
    if state.working.value:
        with solara.Row(style={"align-items": "center"}, classes=["working"]):
            v.ProgressCircular(indeterminate=True, size=22, width=3, color="primary")
            solara.Text(state.working.value, style={"font-size": "1.05em", "font-weight": "500"})


@solara.component
def Errors():
    if state.reset_error.value:
        solara.Error(f"Reset refused: {state.reset_error.value}")
    if state.run_error.value:
        solara.Error(f"The running alliance refused a change: {state.run_error.value}")


@solara.component
def LivePage():
    solara.Title("MUS Learning Alliance · Live")
    solara.use_effect(state.ensure_alliance, [])

    def pause_when_leaving():
        return state.pause_playing

    solara.use_effect(pause_when_leaving, [])
    presenter = state.presenter.value
    solara.Style(LIVE_CSS)
    WindowWatcher()
    with solara.Sidebar():
        SetupControls()
    solara.Style(controls.CONTROL_CSS)
    with solara.Column(gap="8px", classes=["live-page", "presenter" if presenter else "full"]):
        PresetBanner()
        RunButtons()
        Working()
        Errors()
        AllianceStatus()
        with solara.Div(classes=["live-main"]):
            with solara.Div(classes=["drawing-column"]):
                ElementWidth(on_width=state.set_drawing_width)
                AllianceDrawingView()
                FocusChart()
            with solara.Div(classes=["narration-column"]):
                Narration()
        WhatIf()
        if not presenter:
            ChartsView()
        Exports()
        EventLog()
