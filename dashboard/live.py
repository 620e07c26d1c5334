"""Page 1, "Live alliance": watch one Learning Alliance month by month and change its set-up."""

from __future__ import annotations

import time

import solara
import solara.lab

import model

from . import charts, controls, drawing, presets, state

PLAY_INTERVAL_S = 0.25  # minimum time between two months while playing
EVENTS_SHOWN = 40


def play_months(is_current=lambda: True) -> None:
    """Step the alliance until Pause (runs in a worker thread while ``state.playing`` is on).

    ``is_current`` turns False when the page that started Play goes away (tab closed, page left).
    """
    while state.playing.value and is_current():
        started = time.perf_counter()
        state.step_alliance()
        live = state.alliance.value
        if live is None or not live.running:
            state.playing.set(False)
            return
        time.sleep(max(0.02, PLAY_INTERVAL_S - (time.perf_counter() - started)))


def status_line(alliance) -> str:
    members = sum(1 for a in alliance.agents if a.membership == model.Membership.MEMBER)
    timeseries = alliance.datacollector.get_model_vars_dataframe()
    uptake = float(timeseries["uptake"].iloc[-1]) if "uptake" in timeseries and len(timeseries) else 0.0
    return (f"Month {alliance.steps}  ·  {len(alliance.agents)} stakeholders  ·  {members} members"
            f"  ·  uptake {uptake:.0%}")


def use_mounted() -> solara.Ref:
    """A ref that is True while the calling component is on the page."""
    mounted = solara.use_ref(True)

    def track_mount():
        mounted.current = True

        def unmount():
            mounted.current = False

        return unmount

    solara.use_effect(track_mount, [])
    return mounted


def use_player(playing: bool) -> None:
    """Run :func:`play_months` in a worker thread while ``playing``; stop it when the page goes away."""
    player = solara.use_ref(None)
    mounted = use_mounted()

    def play() -> None:
        play_months(lambda: mounted.current and player.current is not None and player.current.is_current())

    player.current = solara.lab.use_task(play, dependencies=[playing], prefer_threaded=True)


@solara.component
def RunButtons():
    playing = state.playing.value
    use_player(playing)
    with solara.Row(gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button("Step", icon_name="mdi-debug-step-over", on_click=state.step_alliance, disabled=playing,
                      color="primary", outlined=True, classes=["step-button"])
        solara.Button("Play", icon_name="mdi-play", on_click=state.start_playing, disabled=playing,
                      color="primary", outlined=True, classes=["play-button"])
        solara.Button("Pause", icon_name="mdi-pause", on_click=state.pause_playing, disabled=not playing,
                      color="primary", outlined=True, classes=["pause-button"])
        solara.Button("Reset", icon_name="mdi-restart", on_click=state.reset_alliance, color="primary",
                      classes=["reset-button"])
        solara.ToggleButtonsSingle(value=state.colour_by, values=["stage", "membership"])


@solara.component
def AllianceStatus():
    state.tick.value  # re-render after every step
    alliance = state.alliance.value
    if alliance is not None:
        solara.Text(status_line(alliance), classes=["alliance-status"], style={"font-weight": "500"})


@solara.component
def AllianceDrawingView():
    tick = state.tick.value
    alliance = state.alliance.value
    colour_by = state.colour_by.value
    current = solara.use_ref(None)

    def render() -> bytes:
        with state.model_lock:
            snapshot = drawing.read_snapshot(alliance)
        png, current.current = drawing.render_alliance(snapshot, colour_by, current.current)
        return png

    png = solara.use_memo(render, [alliance, tick, colour_by])
    solara.Image(png, width="100%", classes=["alliance-drawing"])


@solara.component
def ChartsView():
    tick = state.tick.value
    alliance = state.alliance.value
    chart = solara.use_memo(lambda: charts.TimeseriesChart(tuple(model.OUTPUTS)), [alliance])

    def render() -> bytes:
        with state.model_lock:
            timeseries = alliance.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        timeseries.insert(0, "step", range(len(timeseries)))
        return charts.plot_timeseries(timeseries, chart)[0]

    png = solara.use_memo(render, [alliance, tick])
    solara.Image(png, width="100%", classes=["alliance-charts"])


@solara.component
def EventLog():
    state.tick.value
    alliance = state.alliance.value
    records = list(alliance.events.records[-EVENTS_SHOWN:])[::-1]
    with solara.Card("Event log (newest first)", style={"max-height": "360px", "overflow-y": "auto"}):
        if not records:
            solara.Text("No events yet.")
        for record in records:
            solara.Text(f"Month {record['step']} · {record['kind']}: {record['text']}", classes=["event-line"],
                        style={"display": "block", "font-size": "0.85em"})


@solara.component
def PresetBanner():
    scenario = state.preset.value
    if scenario is not None:
        solara.Info(f"Preset: {scenario.name}", dense=True, classes=["preset-banner"])
        solara.Text(presets.flowing_text(scenario.description), style={"font-size": "0.85em", "white-space": "pre-wrap",
                                                 "display": "block", "margin-top": "-8px"})


@solara.component
def SetupControls():
    """Seed, defaults button and every parameter, grouped by Learning Alliance step."""
    changed = controls.changed_names(state.parameter_values)
    solara.Markdown("**Set-up** — changes take effect on Reset.")
    solara.InputInt("Seed", value=state.seed)
    with solara.Row():
        solara.Button("Restore defaults", on_click=state.restore_defaults, text=True, small=True)
    solara.Text(f"{len(changed)} parameter(s) changed from defaults" + (f": {', '.join(changed)}" if changed else ""),
                classes=["changed-parameters"], style={"font-size": "0.8em"})
    controls.ParameterGroups(state.parameter_values)


@solara.component
def LivePage():
    solara.Title("MUS Learning Alliance · Live")
    solara.use_effect(state.ensure_alliance, [])
    with solara.Sidebar():
        SetupControls()
    with solara.Column(gap="10px"):
        PresetBanner()
        RunButtons()
        if state.reset_error.value:
            solara.Error(f"Reset refused: {state.reset_error.value}")
        if state.alliance.value is None:
            solara.Text("No alliance yet.")
            return
        AllianceStatus()
        with solara.Columns([2, 1]):
            AllianceDrawingView()
            EventLog()
        ChartsView()
