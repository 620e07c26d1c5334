"""The stepper: one thread owns the models, requests never wait for a step or a drawing, frames are dropped
(never queued) when painting is slower than stepping, and a what-if branch shares the random numbers."""

from __future__ import annotations

import threading
import time

import pytest

import model
from dashboard import stepper


class Recorder:
    """A painter that keeps every frame it was given, optionally slow."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.frames: list[stepper.Frame] = []
        self.lock = threading.Lock()

    def __call__(self, frame):
        time.sleep(self.delay)
        with self.lock:
            self.frames.append(frame)

    @property
    def last(self) -> stepper.Frame:
        with self.lock:
            return self.frames[-1]


@pytest.fixture
def make_stepper():
    made = []

    def make(alliance=None, delay: float = 0.0):
        painter = Recorder(delay)
        runner = stepper.Stepper(alliance or model.build_model(seed=7), paint=painter)
        made.append(runner)
        return runner, painter

    yield make
    for runner in made:
        runner.close()


def test_step_requests_are_done_in_order_and_shown(make_stepper):
    runner, painter = make_stepper()
    runner.step(3)
    assert runner.wait_idle()
    assert painter.last.main.month == 3
    assert [f.serial for f in painter.frames] == sorted(f.serial for f in painter.frames)


def test_pause_stops_play_within_one_month(make_stepper):
    runner, painter = make_stepper()
    runner.set_speed(12)
    runner.play()
    deadline = time.monotonic() + 10
    while (not painter.frames or painter.last.main.month < 3) and time.monotonic() < deadline:
        time.sleep(0.01)
    runner.pause()
    assert runner.wait_idle()
    stopped = runner.read(lambda models: models["main"].steps)
    time.sleep(0.3)  # more than three months at 12 months per second
    assert runner.read(lambda models: models["main"].steps) == stopped
    assert painter.last.main.month == stopped and not painter.last.playing


def test_frames_are_dropped_not_queued_when_painting_is_slow(make_stepper):
    runner, painter = make_stepper(delay=0.2)
    runner.run_to(40)  # as fast as the model goes: far faster than 5 paintings a second
    assert runner.wait_idle(timeout=30)
    assert painter.last.main.month == 40  # the newest frame is always painted in the end
    # most months were stepped without a picture (dropped), and no picture waited in a queue
    assert runner.frames_dropped > 20 and runner.frames_painted <= runner.frames_taken


def months_until(painter, month: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while (not painter.frames or painter.last.main.month < month) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_slow_painter_drops_frames_but_the_model_stays_within_a_second_of_the_screen(make_stepper):
    runner, painter = make_stepper(delay=0.3)  # a busy machine: a picture takes 0.3 s, 12 months are due a second
    runner.set_speed(12)
    runner.play()
    leads = []
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        shown = runner.shown_frame()
        if shown is not None:
            leads.append(runner.read(lambda models: models["main"].steps) - shown.main.month)
        time.sleep(0.05)
    runner.pause()
    assert runner.wait_idle()
    assert runner.frames_dropped > 0  # months went by without a picture
    # the bound: 1 s of play (12 months) plus the month being stepped and one painting in flight (0.3 s)
    assert max(leads) <= 12 + 1 + 4, leads


def test_pause_puts_the_model_back_to_the_month_on_screen_and_play_goes_on_as_if_it_had_stopped_there(make_stepper):
    runner, painter = make_stepper(delay=0.25)
    runner.set_speed(12)
    runner.play()
    months_until(painter, 6)
    runner.pause()
    assert runner.wait_idle()
    on_screen = painter.last.main.month
    assert not painter.last.playing
    assert runner.read(lambda models: models["main"].steps) == on_screen  # the model stopped where the room looked
    runner.step(5)
    assert runner.wait_idle()
    replayed = painter.last.main.timeseries
    straight = model.build_model(seed=7)
    for _ in range(on_screen + 5):
        straight.step()
    expected = straight.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    assert replayed.drop(columns="step").equals(expected)  # bit-identical: the copy carried the random generator


def test_run_to_month_stops_there_and_says_so(make_stepper):
    stops = []
    runner = stepper.Stepper(model.build_model(seed=7), paint=lambda frame: None, on_stop=lambda: stops.append(1))
    try:
        runner.run_to(15)
        assert runner.wait_idle(timeout=30)
        assert runner.read(lambda models: models["main"].steps) == 15 and stops == [1] and not runner.playing
    finally:
        runner.close()


def test_snapshot_is_consistent_with_its_month(make_stepper):
    runner, painter = make_stepper()
    runner.run_to(24)
    assert runner.wait_idle(timeout=30)
    for frame in painter.frames:
        main = frame.main
        assert len(main.timeseries) == main.month + 1  # one row per month, row 0 the start
        assert all(r["step"] <= main.month for r in main.events)
        assert main.members == int((main.drawing.membership == model.Membership.MEMBER).sum())


def test_mid_run_levers_reach_the_running_model(make_stepper):
    runner, _ = make_stepper()
    runner.step(5)
    runner.set_params({"mediation": 0.9, "meetings_per_year": 8.0})
    assert runner.wait_idle()
    p = runner.read(lambda models: dict(models["main"].p))
    assert p["mediation"] == 0.9 and p["meetings_per_year"] == 8.0
    assert runner.read(lambda models: models["main"].steps) == 5  # the alliance went on, not restarted


def test_a_branch_without_changes_stays_identical(make_stepper):
    runner, painter = make_stepper()
    runner.step(20)
    runner.branch_here({})
    runner.run_to(70)
    assert runner.wait_idle(timeout=60)
    frame = painter.last
    assert frame.branch is not None and frame.branch.since_month == 20 and frame.branch.month == 70
    assert frame.main.timeseries.equals(frame.branch.timeseries)
    assert stepper.first_divergence(frame.main.timeseries, frame.branch.timeseries, 20) is None


def test_a_branch_with_a_change_diverges_after_the_branch_month(make_stepper):
    runner, painter = make_stepper()
    runner.step(20)
    runner.branch_here({"mediation": 1.0, "conflict_management": 1.0, "meetings_per_year": 12.0})
    runner.run_to(70)
    assert runner.wait_idle(timeout=60)
    frame = painter.last
    main, branch = frame.main.timeseries, frame.branch.timeseries
    assert main.iloc[:21].equals(branch.iloc[:21])  # the shared past is the same
    diverged = stepper.first_divergence(main, branch, 20)
    assert diverged is not None and diverged > 20
    assert frame.branch.params["meetings_per_year"] == 12.0 and frame.main.params["meetings_per_year"] != 12.0


def test_reset_replaces_the_alliance_and_drops_the_branch(make_stepper):
    runner, painter = make_stepper()
    runner.step(4)
    runner.branch_here({})
    runner.replace(model.build_model(seed=8))
    assert runner.wait_idle()
    assert painter.last.main.month == 0 and painter.last.branch is None


def test_a_refused_change_is_reported_and_the_stepper_goes_on(make_stepper):
    errors = []
    runner = stepper.Stepper(model.build_model(seed=7), paint=lambda frame: None, on_error=errors.append)
    try:
        runner.submit(lambda: (_ for _ in ()).throw(model.ConfigError("mediation: 7 is out of range [0, 1] (-)")))
        assert runner.wait_idle()
        runner.step(2)
        assert runner.wait_idle()
        assert errors == ["mediation: 7 is out of range [0, 1] (-)"]
        assert runner.read(lambda models: models["main"].steps) == 2
    finally:
        runner.close()


def test_requested_steps_are_all_shown_even_while_play_was_asked_for_meanwhile(make_stepper):
    """Steps asked for before Play are each published (never dropped as Play frames), so a branch taken after
    them starts at the month they reached."""
    runner, painter = make_stepper(delay=0.05)
    runner.step(15)
    runner.run_to(30)  # asked for while the steps are still queued
    assert runner.wait_idle(timeout=30)
    assert painter.last.main.month == 30
    assert runner.frames_taken >= 15  # every requested step was taken as a frame


class GatedPainter(Recorder):
    """A painter that, once closed, holds the picture it is painting until the test opens it: a picture that
    takes longer than the model's whole lead (more than a second of play on a busy machine)."""

    def __init__(self):
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()
        self.painting = threading.Event()

    def __call__(self, frame):
        self.painting.set()
        self.gate.wait(30)
        super().__call__(frame)


def test_a_picture_slower_than_the_whole_lead_is_followed_by_the_newest_month_not_by_a_frozen_screen():
    painter = GatedPainter()
    runner = stepper.Stepper(model.build_model(seed=7), paint=painter)
    try:
        assert runner.wait_idle()
        painter.gate.clear()
        painter.painting.clear()
        runner.submit(lambda: None)  # a repaint of month 0 (a resized window) is being painted when Play comes
        assert painter.painting.wait(10)
        runner.set_speed(12)
        runner.play()
        held, still_since, deadline = -1, time.monotonic(), time.monotonic() + 20
        while time.monotonic() < deadline and (held < 12 or time.monotonic() - still_since < 0.5):
            now = runner.read(lambda models: models["main"].steps)
            if now != held:
                held, still_since = now, time.monotonic()
            time.sleep(0.01)  # until the model stands still: 0.5 s is 6 months of play at 12 a second
        assert held >= 12  # the model ran its whole lead (1 s of play) while month 0 was being painted
        painter.gate.set()  # month 0's picture is done: the painter is free
        months_until(painter, 1, timeout=10)
        # before the fix, every month after 0 had been dropped and the stepper waited for a picture that nobody
        # was painting: the screen stayed at month 0 ("stopped") for as long as Play lasted
        assert painter.last.main.month >= held and painter.last.playing
        months_until(painter, held + 6, timeout=10)
        assert painter.last.main.month >= held + 6  # and the screen goes on following the model
        runner.pause()
        assert runner.wait_idle()
        assert runner.read(lambda models: models["main"].steps) == painter.last.main.month
    finally:
        painter.gate.set()
        runner.close()


def test_a_frame_of_play_taken_before_a_pause_is_stale_and_frames_of_steps_never_are(make_stepper):
    runner, painter = make_stepper()
    runner.set_speed(12)
    runner.play()
    months_until(painter, 2)
    runner.pause()
    assert runner.wait_idle()
    played = [f for f in painter.frames if f.from_play]
    assert played and not any(runner.is_current(f) for f in played)  # not to be painted once Pause was pressed
    runner.step(1)
    assert runner.wait_idle()
    assert runner.is_current(painter.last) and not painter.last.from_play
    runner.pause(rewind=False)  # a later pause does not undo a Step: its frame stays current
    assert runner.is_current(painter.last)


def test_pause_while_a_picture_of_play_is_drawn_stops_at_that_picture_once_it_is_on_screen():
    painter = GatedPainter()
    runner = stepper.Stepper(model.build_model(seed=7), paint=painter)
    try:
        runner.set_speed(12)
        runner.play()
        months_until(painter, 3)
        painter.gate.clear()
        painter.painting.clear()
        assert painter.painting.wait(10)  # a picture of a later month of Play is being drawn when Pause comes
        before = painter.last.main.month  # on screen when Pause is pressed (the next picture is in hand)
        runner.pause()
        time.sleep(0.3)  # 3 months of play at 12 a second: Pause waits for the picture in hand
        painter.gate.set()
        assert runner.wait_idle()
        shown = [f.main.month for f in painter.frames if f.playing][-1]
        # the picture drawn at the click reaches the screen; the model stops at it, never beyond
        assert shown > before
        assert runner.read(lambda models: models["main"].steps) == shown == painter.last.main.month
        assert not painter.last.playing
    finally:
        painter.gate.set()
        runner.close()
