"""Running: the garbage collector's pause during runs (model/run.py: collection_paused) frees nothing late and
leaves the collector as it found it."""

from __future__ import annotations

import gc

import numpy as np
import pytest

import model
from model.alliance import Alliances
from model.run import collection_paused

from .test_batches import mixed_runs


def cyclic_garbage_of(step) -> list:
    """What the collector would free after ``step()`` ran with it paused: reference cycles only."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        step()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()


def test_months_make_no_reference_cycles_so_pausing_the_collector_frees_nothing_late():
    """Runs pause the collector; that is harmless only while a month leaves no cycles behind. Every mechanism
    runs in these 120 months of a batch of mixed parameter sets (every mobilisation order and initiator kind)
    and of the default alliance: pilots, conflicts, exits, dissemination and events. (Loading a compiled loop
    the first time makes a few cycles, once per process: the same months ran once before.)"""
    def batch() -> Alliances:
        return Alliances.together([Alliances(p, np.random.default_rng(s)) for p, s in mixed_runs(5, seed=11)]
                                  + [Alliances({}, np.random.default_rng(3))])

    def months():
        for _ in range(120):
            alliances.step()

    alliances = batch()
    months()
    alliances = batch()
    garbage = cyclic_garbage_of(months)
    assert garbage == [], f"a month left {len(garbage)} objects in reference cycles, e.g. {type(garbage[0])}"
    assert sum(len(log) for log in alliances.logs) > 100  # the months did happen, and logged


def test_a_finished_group_of_runs_is_freed_at_once_not_left_to_the_paused_collector(monkeypatch):
    """With the collector paused, a stepped group's alliances must go when their results are out: a batch
    stepped in three groups (the cap lowered) leaves no alliance, parameters or array in reference cycles."""
    from model import run as run_module

    runs = [({}, s) for s in range(6)]
    model.run_batch(runs[:2], steps=6)  # compiled loops loaded once (see above)
    monkeypatch.setattr(run_module, "STEPPED_TOGETHER", 2 * model.build_model().alliances.n)
    garbage = cyclic_garbage_of(lambda: model.run_batch(runs, steps=6))
    kinds = {type(o).__name__ for o in garbage}
    assert not kinds & {"Alliances", "Params", "ndarray", "EventLog", "Generator"}, kinds


@pytest.mark.parametrize("enabled", [True, False])
def test_a_run_leaves_the_collector_as_it_found_it_even_when_it_fails(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        seen = []
        with collection_paused():
            seen.append(gc.isenabled())
        assert seen == [False] and gc.isenabled() is enabled
        model.run_model(seed=1, steps=2)
        assert gc.isenabled() is enabled
        with pytest.raises(ValueError):
            model.run_batch([({"mediation": 7.0}, 1)], steps=2)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
