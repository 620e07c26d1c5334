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
import time
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
working = solara.reactive(None)  # what a long action (Reset, reading a table) is doing, until its picture shows
drawing_width = solara.reactive(0)  # px the drawing and the focus chart are shown at (0: not measured yet)


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
    awaiting: int | None = None  # the alliance generation a long action waits to show
    on_shown: Callable[[], None] | None = None  # runs once that generation is on screen
    settings: dict = field(default_factory=dict)  # controls, seed, table: what a reload of the page restores

    def show(self, painted: Picture) -> None:
        """Hand a painted picture to every live view (painter thread); ends the working sign of a long action
        once its alliance is on screen."""
        self.latest = painted
        self.views.show(painted)
        if self.awaiting is not None and painted.frame.generation >= self.awaiting:
            self.awaiting = None
            done, self.on_shown = self.on_shown, None
            if done is not None:
                done()
            working.set(None)


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


def first_line(err: Exception) -> str:
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def build_alliance():
    """A new alliance from the controls, the alliance table (if any) and the seed, or None (the reason in
    :data:`reset_error`)."""
    try:
        params = registry.resolve(live_params())
        built = model.build_model(params=params, seed=int(seed.value))
    except (model.ConfigError, ValueError, TypeError) as err:  # ValueError: a seed numpy refuses (e.g. negative)
        reset_error.set(first_line(err))
        return None
    reset_error.set(None)
    applied.set(dict(built.p))
    return built


# ------------------------------------------------------------------ the alliance kept for a reload of the page
KEPT_SESSIONS = 16  # alliances kept for browsers that may come back (the oldest is let go first)
_kept: dict[str, Session] = {}
_kept_lock = threading.Lock()
DISCONNECT_WAIT_S = 2.0


def browser_session() -> str | None:
    """The browser's Solara session id (the same across reloads of the page while the browser keeps its
    cookie), or None outside a server."""
    try:
        return solara.get_session_id()
    except Exception:  # no server (tests, scripts)
        return None


def remember_settings(current: Session | None = None) -> None:
    """Write the controls, seed, table and preset into the session, for a reload of the page to restore."""
    current = current or session.peek()
    if current is None:
        return
    current.settings = {"values": controls.read_values(parameter_values), "seed": int(seed.peek()),
                        "table": alliance_table.peek(), "label": alliance_label.peek(), "preset": preset.peek(),
                        "speed": speed.peek(), "applied": dict(applied.peek())}


def kept_for_this_browser() -> Session | None:
    """The alliance this browser had before the page was reloaded: the kept session of the same browser whose
    page is gone (a second open tab keeps its own alliance)."""
    key = browser_session()
    if key is None:
        return None
    with _kept_lock:
        old = _kept.get(key)
    if old is None:
        return None
    context = old.stepper.context
    deadline = time.monotonic() + DISCONNECT_WAIT_S
    while context is not None and not context.closed_event.is_set() and time.monotonic() < deadline:
        if not any(str(status) == "PageStatus.CONNECTED" or getattr(status, "value", None) == "connected"
                   for status in context.page_status.values()):
            break
        time.sleep(0.1)
    else:
        if context is not None and not context.closed_event.is_set():
            return None  # still open in another tab
    with _kept_lock:
        if _kept.get(key) is not old:
            return None
        del _kept[key]
    return old


def keep_for_this_browser(current: Session) -> None:
    key = browser_session()
    if key is None:
        return
    with _kept_lock:
        _kept.pop(key, None)
        _kept[key] = current
        while len(_kept) > KEPT_SESSIONS:
            _kept.pop(next(iter(_kept)))


def restore_settings(settings: dict) -> None:
    if not settings:
        return
    set_parameters(settings["values"])
    seed.set(settings["seed"])
    alliance_table.set(settings["table"])
    alliance_label.set(settings["label"])
    preset.set(settings["preset"])
    speed.set(settings["speed"])
    applied.set(settings["applied"])


def on_stop() -> None:
    playing.set(False)


def on_error(message: str) -> None:
    run_error.set(message)


def get_session() -> Session | None:
    """The session's stepper, built with a first alliance when needed (or, after a reload of the page, with
    the alliance this browser had, at the month it was at)."""
    if session.value is None:
        old = kept_for_this_browser()
        if old is not None:
            old.stepper.close()  # its threads stop; the models are handed over as they are
            restore_settings(old.settings)
            built = old.stepper.models[stepping.MAIN]
        else:
            built = build_alliance()
        if built is None:
            return None
        painter = Painter(lambda: (focus_chart.value, presenter.value, drawing_width.value, drawing_width.value))
        holder: list[Session] = []

        def paint(frame) -> bool:
            painted = painter.paint(frame)
            since = frame.branch.since_month if frame.branch is not None else None
            holder[0].show(painted)
            if branch_month.value != since:  # rare: the what-if panel changes its shape
                branch_month.set(since)
            return True

        runner = stepping.Stepper(built, paint=paint, on_stop=on_stop, on_error=on_error, start=False)
        if old is not None:
            runner.models, runner.since = dict(old.stepper.models), dict(old.stepper.since)
            runner.submit(lambda: None)  # a first frame with every future
        holder.append(Session(runner, painter, live_views()))
        runner.set_speed(speed.value)
        session.set(holder[0])
        remember_settings(holder[0])
        keep_for_this_browser(holder[0])
        runner.start()
        context = runner.context
        if context is not None:
            context.on_close(runner.close)
    return session.value


def ensure_alliance() -> None:
    get_session()


def build_in_background(current: Session, params: dict, seed_value: int, message: str,
                        on_built: Callable[[Any], None] | None = None,
                        on_refused: Callable[[str], None] | None = None, on_shown=None) -> None:
    """Build an alliance in the stepper thread while the page shows ``message`` with a working sign; the sign
    goes when the new alliance's first picture is on screen (or when the model refuses the settings)."""
    working.set(message)

    def build():
        try:
            built = model.build_model(params=params, seed=seed_value)
        except (model.ConfigError, ValueError, TypeError) as err:
            (on_refused or reset_error.set)(first_line(err))
            current.awaiting = None
            working.set(None)
            return None
        current.awaiting = current.stepper.generation + 1
        current.on_shown = on_shown
        if on_built is not None:
            on_built(built)
        return built

    current.stepper.replace_with(build)


def reset_alliance() -> None:
    """Build a new alliance from the controls and the seed (refused values leave the old one); it is built in
    the background while the page says so."""
    playing.set(False)
    current = session.value
    if current is None:
        get_session()
        return
    try:
        params = registry.resolve(live_params())
    except (model.ConfigError, ValueError, TypeError) as err:
        reset_error.set(first_line(err))
        return
    reset_error.set(None)
    run_error.set(None)

    def built(alliance) -> None:
        applied.set(dict(alliance.p))
        remember_settings(current)

    build_in_background(current, params, int(seed.value), "Building a new alliance…", on_built=built)


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


WIDTH_SLACK_PX = 32  # a drawing narrower than its room by less than this is kept (no redraw)


def set_drawing_width(width: int) -> None:
    """The page says how wide the drawing is shown: the next picture is drawn at that width. A room that got
    narrower is always followed (the picture must fit, at its real size); one that got wider only by
    :data:`WIDTH_SLACK_PX` or more, so a scrollbar coming and going does not rebuild the figures each time
    (a rebuild costs ~0.3 s of drawing)."""
    width = int(width)
    current = drawing_width.value
    if width > 0 and (current == 0 or width < current or width - current >= WIDTH_SLACK_PX):
        drawing_width.set(width)
        repaint()


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
    remember_settings()


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


def table_params(table) -> dict[str, Any]:
    """The run parameters of an alliance built from ``table``: the changed controls the table does not fix, and
    the table's own."""
    overrides = current_overrides()
    return {**{k: v for k, v in overrides.items() if k not in table.fixed}, **table.params()}


def use_alliance_table(table, label: str) -> bool:
    """Build the live alliance from ``table`` (an AllianceTable) from now on and start it afresh (in the
    background, the page saying so); the table is named loaded when its alliance is on screen. When the model
    refuses it, the current alliance and table stay and the reason goes to :data:`alliance_problems`."""
    alliance_problems.set(())
    try:
        params = registry.resolve(table_params(table))
    except (model.ConfigError, ValueError, TypeError) as err:
        alliance_problems.set((f"{label}: {first_line(err)}",))
        working.set(None)
        return False
    playing.set(False)
    run_error.set(None)
    current = session.value
    if current is None:
        alliance_table.set(table)
        alliance_label.set(label)
        if get_session() is None:
            alliance_table.set(None)
            alliance_label.set(None)
            alliance_problems.set((f"{label}: {reset_error.value}",))
            reset_error.set(None)
            return False
        working.set(None)
        return True

    def shown() -> None:
        alliance_table.set(table)
        alliance_label.set(label)
        remember_settings(current)

    def built(alliance) -> None:
        applied.set(dict(alliance.p))

    build_in_background(current, params, int(seed.value), f"Building the alliance of {label}…", on_built=built,
                        on_refused=lambda problem: alliance_problems.set((f"{label}: {problem}",)), on_shown=shown)
    return True


def start_work(message: str, job: Callable[[], Any]) -> None:
    """Run ``job()`` in a thread of this session while the page shows ``message`` with a working sign; old
    problem lines go at once. The job ends the sign itself (through :func:`use_alliance_table`, when its
    alliance is on screen) or the sign goes when it returns without one."""
    alliance_problems.set(())
    working.set(message)
    context = stepping.kernel_context()

    def run() -> None:
        import contextlib

        with context if context is not None else contextlib.nullcontext():
            current = session.peek()
            try:
                job()
            except Exception as err:  # never leave the sign spinning
                alliance_problems.set((f"{message.rstrip('…')}: {first_line(err)}",))
            if current is None or current.awaiting is None:
                working.set(None)

    threading.Thread(target=run, name="dashboard-work", daemon=True).start()


def report_table_problems(problems: list[str]) -> None:
    """A table that could not be read: its problems are shown and the current alliance is kept."""
    alliance_problems.set(tuple(problems))
    working.set(None)


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
    working.set(None)
    drawing_width.set(0)
