"""One stepping design for the live alliance: a stepper thread that owns the models, a painter that shows them.

- The **stepper thread** is the only code that steps, resets, branches or changes a running model, always
  under :attr:`Stepper.lock`. After every change it takes a :class:`Snapshot` of each future (plain copies,
  taken under the lock), so nothing outside reads a model while it changes.
- The **painter thread** turns the newest snapshot into pictures and hands them to the page. While Play runs,
  a frame is only taken when the painter is free for it: on a busy machine months are stepped without a
  picture (frames are dropped, never queued), and the model never runs more than :data:`MAX_LEAD_S` seconds
  of play ahead of the picture on screen. Whenever the painter is free and the model is at a month no frame
  was taken of, the stepper takes one at once rather than waiting for its next month: a picture slower than
  the whole lead is followed by the newest month (before, the stepper waited for the painter while the
  painter waited for a frame, and the screen froze for as long as Play lasted).
- **Screen and model agree.** Every frame carries a copy of the futures at its month (a deep copy: random
  generator included), so Pause puts the model back to the month of the picture on screen, the month the room
  saw when the trainer pressed Pause; a later Play draws the same numbers as if it had stopped there.
- Buttons only post a request (:meth:`Stepper.step`, :meth:`play`, :meth:`pause`, ...) and return at once:
  a click never waits for a step or a drawing, which is what keeps Pause answered while Play runs.

Futures: ``"main"`` is the live alliance; ``"branch"`` (optional) is a deep copy taken at some month, with its
own levers, stepped in lockstep with the main one. :func:`copy.deepcopy` of a Mesa model copies its random
generator too, so an unchanged branch draws the same numbers and stays identical.
"""

from __future__ import annotations

import contextlib
import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

import model

from . import drawing

MAIN, BRANCH = "main", "branch"
SPEED_RANGE = (1, 12)  # months per second while playing
DEFAULT_SPEED = 4
MAX_MONTH = 1200
PAINT_GAP_S = 0.25  # the painter rests this long between pictures, so clicks are never starved by redraws
MAX_LEAD_S = 1.0  # while playing, the model runs at most this much play time ahead of the picture on screen
PAINTER_WAIT_S = 10.0  # Pause waits at most this long for the picture being painted


@dataclass(frozen=True)
class Snapshot:
    """Everything the page shows about one future at one month (copies, safe to read in any thread)."""

    month: int
    stakeholders: int
    members: int
    drawing: drawing.Snapshot
    timeseries: pd.DataFrame  # column step + the model's outputs, one row per month so far
    events: tuple[dict, ...]
    params: dict[str, Any]
    since_month: int = 0  # a branch: the month it was copied at

    @property
    def uptake(self) -> float:
        return float(self.timeseries["uptake"].iloc[-1]) if "uptake" in self.timeseries and len(self.timeseries) else 0.0


def take_snapshot(alliance, since_month: int = 0) -> Snapshot:
    """Read a model's state for the page (call under the model lock)."""
    timeseries = alliance.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    timeseries.insert(0, "step", range(len(timeseries)))
    picture = drawing.read_snapshot(alliance)
    return Snapshot(
        month=int(alliance.steps),
        stakeholders=len(picture.level),
        members=int((picture.membership == model.Membership.MEMBER).sum()),
        drawing=picture,
        timeseries=timeseries,
        events=tuple(alliance.events.records),
        params=dict(alliance.p),
        since_month=since_month,
    )


@dataclass(frozen=True)
class Frame:
    """One consistent picture of every future, numbered in the order it was taken."""

    serial: int
    futures: dict[str, Snapshot]
    playing: bool
    target: int | None = None
    copies: dict[str, Any] | None = field(default=None, repr=False, compare=False)  # the models at this month
    generation: int = 0  # counts alliances replaced (Reset, another table): a frame of a new alliance has a higher one
    from_play: bool = False  # the month was stepped by Play (such a frame goes stale when Pause comes before it shows)
    pauses: int = 0  # the Pause requests made before that month was stepped

    @property
    def main(self) -> Snapshot:
        return self.futures[MAIN]

    @property
    def branch(self) -> Snapshot | None:
        return self.futures.get(BRANCH)


@dataclass
class Requests:
    """What the buttons asked for and the stepper has not yet done (guarded by ``Stepper._wake``)."""

    queue: list = field(default_factory=list)  # STEP or a job (run under the model lock), oldest first
    playing: bool = False
    target: int | None = None  # "run to month N"
    speed: float = DEFAULT_SPEED

    @property
    def steps(self) -> int:
        return sum(1 for item in self.queue if item is STEP)


STEP = "step"


def kernel_context():
    """The Solara session the caller runs in, so worker threads can update its reactive values."""
    try:
        from solara.server import kernel_context as kc

        return kc.get_current_context() if kc.has_current_context() else None
    except (ImportError, RuntimeError):
        return None


class Stepper:
    """Owns the futures of one session; see the module docstring.

    ``paint(frame)`` is called in the painter thread with the newest frame; ``on_stop()`` when Play ends by
    itself (run-to target reached). Both run inside the session's Solara context when there is one.
    """

    def __init__(self, alliance, paint: Callable[[Frame], None], on_stop: Callable[[], None] = lambda: None,
                 on_error: Callable[[str], None] = lambda message: None, start: bool = True):
        self.lock = threading.RLock()  # the model lock
        self.models: dict[str, Any] = {MAIN: alliance}
        self.since: dict[str, int] = {MAIN: 0}
        self.paint, self.on_stop, self.on_error = paint, on_stop, on_error
        self.context = kernel_context()
        self._wake = threading.Condition()
        self._requests = Requests()
        self._serial = 0
        self._latest: Frame | None = None
        self._painted = -1
        self._paint_wake = threading.Condition()
        self._closed = False
        self._working = False  # the stepper thread is doing requests it took (guarded by _wake)
        self._shown: Frame | None = None  # the newest frame handed to the page (guarded by _paint_wake)
        self.generation = 0
        self.frames_taken = 0
        self.frames_painted = 0
        self.frames_dropped = 0  # months stepped while playing without a picture (the painter was busy)
        self._unshown = False  # the model is at a month no frame was taken of (stepper thread only)
        self.rewinds = 0  # pauses that put the model back to the month on screen
        self.stale = 0  # frames of Play not painted because Pause came before the painter started them
        self._pauses = 0  # Pause requests so far (guarded by _wake)
        self._publish()
        self._threads = [threading.Thread(target=self._guard(self._step_loop), name="alliance-stepper", daemon=True),
                         threading.Thread(target=self._guard(self._paint_loop), name="alliance-painter", daemon=True)]
        if start:
            self.start()

    def start(self) -> None:
        for thread in self._threads:
            if not thread.is_alive() and thread.ident is None:
                thread.start()

    # ----------------------------------------------------------------------------- requests (any thread)
    def step(self, months: int = 1) -> None:
        with self._wake:
            self._requests.queue += [STEP] * int(months)
            self._requests.playing = False
            self._requests.target = None
            self._wake.notify_all()

    def play(self) -> None:
        with self._wake:
            self._requests.playing = True
            self._requests.target = None
            self._wake.notify_all()

    def run_to(self, month: int) -> None:
        with self._wake:
            self._requests.playing = True
            self._requests.target = int(month)
            self._wake.notify_all()

    def pause(self, rewind: bool = True) -> None:
        """Stop playing; with ``rewind`` the models go back to the month of the picture on screen: the one shown
        when Pause was pressed, or the one being painted then (it reaches the screen as the click is handled).
        A frame of Play the painter had not yet started is never painted (it is stale, :meth:`is_current`)."""
        with self._wake:
            self._pauses += 1
            self._requests.playing = False
            self._requests.queue = [item for item in self._requests.queue if item is not STEP]
            self._requests.target = None
            self._requests.queue.append(self._rewind if rewind else (lambda: None))  # then a frame that says "paused"
            self._wake.notify_all()

    def is_current(self, frame: Frame) -> bool:
        """False for a frame of Play taken before a Pause request that came since: the painter skips it if it has
        not started it (the room would see a month after the one it paused at). Frames of Step, Reset and jobs
        are always current."""
        with self._wake:
            return not frame.from_play or frame.pauses == self._pauses

    def _rewind(self) -> None:
        """(stepper thread, model lock held) Wait for the picture being painted (a frame of Play not yet started
        is skipped: :meth:`is_current`), then put every future back to the month of the newest picture on screen,
        keeping the levers changed since (they were set while that picture was shown)."""
        deadline = time.monotonic() + PAINTER_WAIT_S
        with self._paint_wake:
            while not self._closed and self._painted != self._serial and time.monotonic() < deadline:
                self._paint_wake.wait(0.05)
            shown = self._shown
        if shown is None or not shown.copies or shown.generation != self.generation:
            return
        if shown.main.month == int(self.models[MAIN].steps) and set(shown.copies) == set(self.models):
            return
        restored = {}
        for name, copied in shown.copies.items():
            alliance = copy.deepcopy(copied)  # the frame's copy stays as it was (a second Pause may need it)
            if name in self.models:
                alliance.p.update(self.models[name].p)
            restored[name] = alliance
        self.models = restored
        self.since = {name: self.since.get(name, int(restored[name].steps)) for name in restored}
        self.rewinds += 1

    def set_speed(self, months_per_second: float) -> None:
        low, high = SPEED_RANGE
        with self._wake:
            self._requests.speed = float(min(high, max(low, months_per_second)))
            self._wake.notify_all()

    @property
    def playing(self) -> bool:
        with self._wake:
            return self._requests.playing

    def submit(self, job: Callable[[], None]) -> None:
        """Run ``job()`` in the stepper thread under the model lock, then show the result."""
        with self._wake:
            self._requests.queue.append(job)
            self._wake.notify_all()

    def replace(self, alliance) -> None:
        """A new alliance (Reset): pauses, drops any branch."""
        def job():
            self.models = {MAIN: alliance}
            self.since = {MAIN: 0}
            self.generation += 1
        self.pause(rewind=False)
        self.submit(job)

    def replace_with(self, build: Callable[[], Any]) -> None:
        """Like :meth:`replace` with the alliance ``build()`` makes, built in the stepper thread (the page stays
        answered while it builds); ``build()`` returning None keeps the current alliance."""
        def job():
            built = build()
            if built is not None:
                self.models = {MAIN: built}
                self.since = {MAIN: 0}
                self.generation += 1
        self.pause(rewind=False)
        self.submit(job)

    def set_params(self, values: dict[str, Any], future: str = MAIN) -> None:
        """Change levers of a running future (the model reads ``model.p`` every month)."""
        def job():
            if future in self.models:
                self.models[future].p.update(values)
        self.submit(job)

    def branch_here(self, values: dict[str, Any] | None = None) -> None:
        """Copy the main future as it is now (random generator included) into the branch, with ``values``."""
        def job():
            copied = copy.deepcopy(self.models[MAIN])
            copied.p.update(values or {})
            self.models[BRANCH] = copied
            self.since[BRANCH] = int(copied.steps)
        with self._wake:  # stop playing; the branch starts from the month on screen (steps asked for still run)
            self._pauses += 1
            self._requests.playing = False
            self._requests.target = None
            self._requests.queue.append(self._rewind)
        self.submit(job)

    def drop_branch(self) -> None:
        def job():
            self.models.pop(BRANCH, None)
            self.since.pop(BRANCH, None)
        self.submit(job)

    def read(self, reader: Callable[[dict[str, Any]], Any]) -> Any:
        """``reader(models)`` under the model lock (for exports that need more than a snapshot)."""
        with self.lock:
            return reader(self.models)

    def close(self) -> None:
        self._closed = True
        with self._wake:
            self._requests.playing = False
            self._wake.notify_all()
        with self._paint_wake:
            self._paint_wake.notify_all()
        for thread in self._threads:  # a picture half painted when Python exits can crash matplotlib
            if thread is not threading.current_thread() and thread.ident is not None:
                thread.join(timeout=5)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every request is done and the newest frame painted (tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._wake:
                busy = self._requests.queue or self._requests.playing or self._working
            with self._paint_wake:
                busy = busy or self._painted != self._serial
            if not busy:
                return True
            time.sleep(0.01)
        return False

    # --------------------------------------------------------------------------------- the two threads
    def _guard(self, loop: Callable[[], None]) -> Callable[[], None]:
        def run():
            with (self.context if self.context is not None else contextlib.nullcontext()):
                loop()
        return run

    def _step_loop(self) -> None:
        next_due = time.monotonic()
        while not self._closed:
            with self._wake:
                r = self._requests
                while not self._closed and not (r.queue or r.playing):
                    self._wake.wait()
                    next_due = time.monotonic()
                if self._closed:
                    return
                self._working = True
                jobs, months, from_play, catch_up = [], 0, False, False
                if r.queue:  # one queued request at a time, in the order they came
                    item = r.queue.pop(0)
                    if item is STEP:
                        months = 1
                    else:
                        jobs = [item]
                elif r.playing:
                    if r.target is None:
                        delay = next_due - time.monotonic()
                        if delay <= 0 and self._lead() > MAX_LEAD_S * r.speed:
                            delay = 0.02  # the screen is too far behind: wait for the painter, do not run away
                            next_due = time.monotonic() + delay
                        if delay > 0:
                            if self._unshown and self._painter_free():
                                catch_up = True  # the painter is free: show the month the model is at (below)
                            else:
                                self._working = False
                                self._wake.wait(delay)  # a request (Pause) wakes this at once
                                continue
                    if not catch_up:
                        months, from_play = 1, True
                interval = 0.0 if catch_up else 1.0 / r.speed
                pauses = self._pauses  # a Pause after this makes a frame of this month stale
                playing_on = from_play  # a month of Play (not a requested Step): its picture may be dropped
            stopped = False
            try:
                with self.lock:
                    for job in jobs:
                        job()
                    main = self.models[MAIN]
                    if months and main.steps < MAX_MONTH and getattr(main, "running", True):
                        for alliance in self.models.values():
                            alliance.step()
                    with self._wake:
                        target = self._requests.target
                        if self._requests.playing and (main.steps >= MAX_MONTH or (target is not None and main.steps >= target)):
                            self._requests.playing = False
                            self._requests.target = None
                            stopped = True
                        still_playing = self._requests.playing
                    if playing_on and still_playing and not self._painter_free():
                        self.frames_dropped += 1  # no picture of this month: the painter is busy
                        self._unshown = True
                    elif playing_on or catch_up:
                        self._publish(from_play=True, pauses=pauses)
                    else:
                        self._publish()
            except Exception as err:  # a refused lever or a model error: say so in the page, keep the stepper
                with self._wake:
                    self._requests.playing = False
                    self._requests.queue = [item for item in self._requests.queue if item is not STEP]
                self.on_error(str(err).splitlines()[0] if str(err) else type(err).__name__)
                stopped = True
            if stopped:
                self.on_stop()
            with self._wake:
                self._working = False
            if not catch_up:
                next_due = max(next_due + interval, time.monotonic() - interval)

    def _painter_free(self) -> bool:
        with self._paint_wake:
            return self._painted == self._serial

    def _lead(self) -> float:
        """How many months the main future is ahead of the picture on screen."""
        with self._paint_wake:
            shown = self._shown
        if shown is None or shown.generation != self.generation:
            return 0.0
        return float(int(self.models[MAIN].steps) - shown.main.month)

    def shown_frame(self) -> Frame | None:
        """The newest frame handed to the page."""
        with self._paint_wake:
            return self._shown

    def _publish(self, from_play: bool = False, pauses: int | None = None) -> None:
        """Take a frame of every future, with a copy of each for Pause (caller holds the model lock), and leave
        it for the painter. ``from_play``: a month stepped by Play, ``pauses`` the Pause requests made before it
        was stepped."""
        with self._wake:
            playing, target = self._requests.playing, self._requests.target
            pauses = self._pauses if pauses is None else pauses
        self._unshown = False
        futures = {name: take_snapshot(alliance, self.since.get(name, 0)) for name, alliance in self.models.items()}
        copies = {name: copy.deepcopy(alliance) for name, alliance in self.models.items()}
        with self._paint_wake:
            self._serial += 1
            self._latest = Frame(self._serial, futures, playing, target, copies, self.generation, from_play, pauses)
            self.frames_taken += 1
            self._paint_wake.notify_all()

    def _paint_loop(self) -> None:
        while not self._closed:
            with self._paint_wake:
                while not self._closed and (self._latest is None or self._latest.serial == self._painted):
                    self._paint_wake.wait()
                if self._closed:
                    return
                frame = self._latest  # older frames were replaced: dropped, not queued
            shown = self.is_current(frame)  # a month of Play taken before a Pause since is not painted
            if shown:
                try:
                    self.paint(frame)
                except Exception as err:  # never let a drawing problem stop the pictures
                    self.on_error(f"drawing failed: {str(err).splitlines()[0] if str(err) else type(err).__name__}")
            else:
                self.stale += 1
            with self._paint_wake:
                if shown:
                    self._shown = frame
                self._painted = frame.serial
                self.frames_painted += 1
                self._paint_wake.notify_all()
                if self._latest is not None and self._latest.serial != self._painted:
                    self._paint_wake.wait(PAINT_GAP_S)  # newer frames pile into one (dropped), not a queue


def uptake_difference(frame: Frame) -> float | None:
    """Branch minus main uptake at the frame's month (None without a branch)."""
    if frame.branch is None:
        return None
    return frame.branch.uptake - frame.main.uptake


def first_divergence(main: pd.DataFrame, branch: pd.DataFrame, since: int) -> int | None:
    """The first month after ``since`` at which any output of the two futures differs (None: identical)."""
    a, b = main[main["step"] >= since], branch[branch["step"] >= since]
    n = min(len(a), len(b))
    if not n:
        return None
    columns = [c for c in a.columns if c != "step"]
    x, y = a[columns].to_numpy(dtype=float)[:n], b[columns].to_numpy(dtype=float)[:n]
    differs = ~((x == y) | (np.isnan(x) & np.isnan(y))).all(axis=1)
    hits = np.flatnonzero(differs)
    return int(a["step"].iloc[hits[0]]) if len(hits) else None
