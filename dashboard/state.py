"""The dashboard's session state: the live alliance (owned by a :class:`~dashboard.stepper.Stepper`), its
parameters, the loaded teaching preset, the alliance table ("Your alliance", issue 11) and what the page
currently shows.

Solara scopes module-level reactive values to each browser session (virtual kernel), so two trainers on
the same server each get their own alliance. The page never reads the model: it shows the newest
:class:`~dashboard.pictures.Picture` (a consistent snapshot taken under the model lock, painted by the
stepper's painter thread). Frames do not go through a reactive value: the painter hands each picture to the
views registered with :func:`add_view`, which set their widgets directly, so a frame never re-renders the
page and never holds up a click.
Tests call :func:`restart_session` to start from scratch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import solara

import model
from model import registry

from . import controls, stepper as stepping
from .pictures import Painter, Picture

parameter_values: dict[str, solara.Reactive] = controls.new_parameter_values()
seed = solara.reactive(0)
reset_error = solara.reactive(None)  # one-line message when the parameters are refused
run_error = solara.reactive(None)  # one-line message when a running alliance refused a change
preset = solara.reactive(None)  # the model.Scenario loaded from the teaching presets, if any
playing = solara.reactive(False)  # what the buttons show; the stepper holds the truth
speed = solara.reactive(stepping.DEFAULT_SPEED)  # months per second while playing
focus_chart = solara.reactive("Uptake")  # the chart shown large next to the drawing
presenter = solara.reactive(True)  # presenter layout (projector sizes); the page sets it from the window width
applied = solara.reactive({})  # the values the running alliance was built with or last given mid-run
branch_values: dict[str, solara.Reactive] = controls.new_parameter_values()  # levers of the next branch
session = solara.reactive(None)  # the session's Session (stepper + painter), built on first view
branch_month = solara.reactive(None)  # the month the shown what-if branch was copied at (None: no branch)
alliance_table = solara.reactive(None)  # the model.alliance_table.AllianceTable the alliance is built from, if any
alliance_label = solara.reactive(None)  # how the page names that table (a file under configs/alliances/ or an upload)
alliance_problems = solara.reactive(())  # one line per problem of the last table that could not be used


@dataclass
class Views:
    """The live views of one session: each gets every new picture (called in the painter thread)."""

    views: dict[int, Any] = field(default_factory=dict)
    next_key: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, view) -> Callable[[], None]:
        with self.lock:
            key = self.next_key
            self.next_key += 1
            self.views[key] = view

        def remove() -> None:
            with self.lock:
                self.views.pop(key, None)

        return remove

    def show(self, painted) -> None:
        with self.lock:
            views = list(self.views.values())
        for view in views:
            view(painted)


_views = solara.reactive(None)  # the session's Views (read with peek: no component depends on it)


def live_views() -> Views:
    registry_ = _views.peek()
    if registry_ is None:
        registry_ = Views()
        _views.set(registry_)
    return registry_


@dataclass
class Session:
    stepper: stepping.Stepper
    painter: Painter
    views: Views
    latest: Picture | None = None

    def show(self, painted: Picture) -> None:
        """Hand a painted picture to every live view (painter thread)."""
        self.latest = painted
        self.views.show(painted)


def latest_picture() -> Picture | None:
    current = session.peek()
    return current.latest if current is not None else None


def add_view(view) -> Callable[[], None]:
    """Register ``view(picture)`` for every new picture; returns the function that unregisters it."""
    return live_views().add(view)


def current_overrides() -> dict[str, Any]:
    """Parameter values that differ from the registry's defaults."""
    defaults = registry.defaults()
    return {name: value for name, value in controls.read_values(parameter_values).items() if value != defaults[name]}


def table_fixed() -> dict[str, str]:
    """Parameters the current alliance table fixes, and why (their controls are disabled)."""
    table = alliance_table.value
    return dict(table.fixed) if table is not None else {}


def live_params() -> dict[str, Any]:
    """The run parameters of the live alliance: the changed controls and, with an alliance table, the table and
    the values it implies (they win; controls of parameters the table fixes are left out)."""
    table = alliance_table.value
    overrides = current_overrides()
    if table is None:
        return overrides
    return {**{k: v for k, v in overrides.items() if k not in table.fixed}, **table.params()}


def build_alliance():
    """A new alliance from the controls, the alliance table (if any) and the seed, or None (the reason in
    :data:`reset_error`)."""
    try:
        params = registry.resolve(live_params())
        built = model.build_model(params=params, seed=int(seed.value))
    except (model.ConfigError, ValueError, TypeError) as err:  # ValueError: a seed numpy refuses (e.g. negative)
        reset_error.set(str(err).splitlines()[0] if str(err) else type(err).__name__)
        return None
    reset_error.set(None)
    applied.set(dict(built.p))
    return built


def on_stop() -> None:
    playing.set(False)


def on_error(message: str) -> None:
    run_error.set(message)


def get_session() -> Session | None:
    """The session's stepper, built with a first alliance when needed."""
    if session.value is None:
        built = build_alliance()
        if built is None:
            return None
        painter = Painter(lambda: (focus_chart.value, presenter.value))
        holder: list[Session] = []

        def paint(frame) -> None:
            painted = painter.paint(frame)
            since = frame.branch.since_month if frame.branch is not None else None
            holder[0].show(painted)
            if branch_month.value != since:  # rare: the what-if panel changes its shape
                branch_month.set(since)

        runner = stepping.Stepper(built, paint=paint, on_stop=on_stop, on_error=on_error, start=False)
        holder.append(Session(runner, painter, live_views()))
        runner.set_speed(speed.value)
        session.set(holder[0])
        runner.start()
        context = runner.context
        if context is not None:
            context.on_close(runner.close)
    return session.value


def ensure_alliance() -> None:
    get_session()


def reset_alliance() -> None:
    """Build a new alliance from the controls and the seed (refused values leave the old one)."""
    playing.set(False)
    current = session.value
    if current is None:
        get_session()
        return
    built = build_alliance()
    if built is not None:
        run_error.set(None)
        current.stepper.replace(built)


def step_alliance(months: int = 1) -> None:
    if (current := get_session()) is not None:
        current.stepper.step(months)
        playing.set(False)


def start_playing() -> None:
    if (current := get_session()) is not None:
        current.stepper.play()  # the stepper first: it obeys even while the page is still redrawing
        playing.set(True)


def pause_playing() -> None:
    if session.value is not None:
        session.value.stepper.pause()
    playing.set(False)


def run_to_month(month: int) -> None:
    if (current := get_session()) is not None:
        shown = latest_picture().frame.main.month if latest_picture() is not None else 0
        if int(month) <= shown:
            return
        playing.set(True)
        current.stepper.run_to(int(month))


def set_speed(months_per_second: float) -> None:
    speed.set(months_per_second)
    if session.value is not None:
        session.value.stepper.set_speed(months_per_second)


def set_presenter(on: bool) -> None:
    """Switch between the presenter and the full layout (the next frame is painted for it)."""
    if presenter.value != on:
        presenter.set(on)
        repaint()


def set_focus_chart(title: str) -> None:
    focus_chart.set(title)
    repaint()


def repaint() -> None:
    if session.value is not None:
        session.value.stepper.submit(lambda: None)


def pending_reset() -> list[str]:
    """Levers changed since the running alliance was built that only a Reset applies (not those an alliance
    table fixes: a Reset would not apply them either)."""
    now = controls.read_values(parameter_values)
    built = applied.value
    fixed = table_fixed()
    return [name for name, value in now.items()
            if name not in controls.MID_RUN and name not in fixed and name in built and value != built[name]]


def apply_mid_run(name: str, value: Any) -> None:
    """A lever the model reads every month goes to the running alliance at once (under the model lock)."""
    if session.value is None or name not in controls.MID_RUN:
        return
    try:
        checked = registry.REGISTRY[name].check(value)
    except model.ConfigError as err:
        run_error.set(str(err))
        return
    applied.set({**applied.value, name: checked})
    session.value.stepper.set_params({name: checked})


def branch_here() -> None:
    """Copy the running alliance now into a what-if branch with the branch levers."""
    if (current := get_session()) is None:
        return
    playing.set(False)
    values = {name: registry.REGISTRY[name].check(branch_values[name].value) for name in controls.MID_RUN}
    current.stepper.branch_here(values)


def drop_branch() -> None:
    if session.value is not None:
        session.value.stepper.drop_branch()


def set_parameters(values: dict[str, Any]) -> None:
    """Put every control at ``values`` (missing names at their defaults)."""
    start = registry.defaults() | values
    for name, reactive in parameter_values.items():
        reactive.set(start[name])
    for name, reactive in branch_values.items():
        reactive.set(start[name])


def restore_defaults() -> None:
    set_parameters({})
    preset.set(None)


def load_preset(scenario) -> None:
    """Put a teaching preset's parameters and seed in the controls and start a fresh alliance with them
    (a preset that names an alliance table brings that table; one that does not goes back to the generated
    country)."""
    params = {k: v for k, v in scenario.params.items() if k != registry.TABLE}
    set_parameters(registry.resolve(params))
    seed.set(int(scenario.seed))
    preset.set(scenario)
    table = scenario.params.get(registry.TABLE)
    if table is not None:
        if use_alliance_table(table, table.source.path.name):
            return
    else:
        alliance_table.set(None)
        alliance_label.set(None)
        alliance_problems.set(())
    reset_alliance()


def use_alliance_table(table, label: str) -> bool:
    """Build the live alliance from ``table`` (an AllianceTable) from now on and start it afresh; when the model
    refuses it, keep the current alliance and table and put the reason in :data:`alliance_problems`."""
    previous, previous_label = alliance_table.value, alliance_label.value
    alliance_table.set(table)
    alliance_label.set(label)
    built = build_alliance()
    if built is None:
        problem = reset_error.value
        alliance_table.set(previous)
        alliance_label.set(previous_label)
        reset_error.set(None)
        alliance_problems.set((f"{label}: {problem}",))
        return False
    alliance_problems.set(())
    playing.set(False)
    run_error.set(None)
    if session.value is None:
        get_session()
    else:
        session.value.stepper.replace(built)
    return True


def report_table_problems(problems: list[str]) -> None:
    """A table that could not be read: its problems are shown and the current alliance is kept."""
    alliance_problems.set(tuple(problems))


def choose_generated_country() -> None:
    """Back to the model's generated country (no table) and a fresh alliance."""
    alliance_table.set(None)
    alliance_label.set(None)
    alliance_problems.set(())
    reset_alliance()


def restart_session() -> None:
    """Everything back to the start (used by tests)."""
    if session.value is not None:
        session.value.stepper.close()
    session.set(None)
    _views.set(None)
    branch_month.set(None)
    playing.set(False)
    set_parameters({})
    seed.set(0)
    speed.set(stepping.DEFAULT_SPEED)
    focus_chart.set("Uptake")
    presenter.set(True)
    applied.set({})
    reset_error.set(None)
    run_error.set(None)
    preset.set(None)
    alliance_table.set(None)
    alliance_label.set(None)
    alliance_problems.set(())
