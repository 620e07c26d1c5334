"""Replicates stepped together (model/replicates.py): each replicate's outputs and event log are bit-identical to
running it alone, whatever the batch's size and whatever its neighbours (issue 17)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import model
from model import registry
from model.alliance_table import load_alliance_table

ROOT = Path(__file__).resolve().parents[2]
ORDERS = registry.REGISTRY["mobilisation_order"].choices
INITIATORS = registry.REGISTRY["initiator"].choices


def plausible_params(rng: np.random.Generator) -> dict:
    """A parameter set drawn over the registry's plausible ranges (structural ones kept small for speed)."""
    out = {}
    for name, p in registry.REGISTRY.items():
        if p.fixed or p.structural or p.plausible_low is None or p.kind == "choice":
            continue
        value = rng.uniform(p.plausible_low, p.plausible_high)
        out[name] = int(round(value)) if p.kind == "int" else float(value)
    out["mobilisation_order"] = str(rng.choice(ORDERS))
    out["initiator"] = str(rng.choice(INITIATORS))
    out["n_districts"] = int(rng.integers(2, 5))
    out["n_pilot_communities"] = int(rng.integers(8, 30))
    out["n_outside_communities"] = int(rng.integers(5, 40))
    return out


def same(a: model.RunResult, b: model.RunResult) -> None:
    """Bit-identical monthly outputs (NaN where NaN) and event logs."""
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.events, b.events, check_exact=True)
    assert a.summary.keys() == b.summary.keys()
    for k in a.summary:
        x, y = a.summary[k], b.summary[k]
        assert (x == y) or (x != x and y != y), k


def mixed_runs(n: int, seed: int) -> list[tuple[dict, int]]:
    rng = np.random.default_rng(seed)
    runs = [(plausible_params(rng), int(rng.integers(1, 10**6))) for _ in range(n)]
    for k, order in enumerate(ORDERS):  # every mobilisation order at least once
        runs[k % n][0]["mobilisation_order"] = order
    return runs


@pytest.mark.parametrize("size", [7, pytest.param(32, marks=pytest.mark.slow)])
def test_a_batch_gives_each_replicate_what_it_gives_alone(size):
    runs = mixed_runs(size, seed=size)
    alone = [model.run_model(p, seed=s, steps=48) for p, s in runs]
    together = model.run_batch(runs, steps=48)
    for a, b in zip(alone, together):
        same(a, b)


def test_a_replicate_does_not_depend_on_its_neighbours_or_its_place():
    runs = mixed_runs(7, seed=3)
    forward = model.run_batch(runs, steps=36)
    backward = model.run_batch(runs[::-1], steps=36)[::-1]
    for a, b in zip(forward, backward):
        same(a, b)


@pytest.mark.slow
def test_an_alliance_table_and_the_ten_times_size_batch_like_the_default():
    table, _ = load_alliance_table(ROOT / "configs" / "alliances" / "riverside.csv")
    # the benchmark's 10x country (benchmarks/fair_bench.py TEN_X): 3,801 stakeholders against 381
    big = {"n_districts": 30, "n_national_orgs": 80, "n_pilot_communities": 600, "n_outside_communities": 3000}
    runs = [(table, 5), (None, 1), (big, 2), (table, 6), ({**big, "mediation": 0.9, "mobilisation_order": "bottom_up"}, 3)]
    alone = [model.run_model(p, seed=s, steps=30) for p, s in runs]
    for a, b in zip(alone, model.run_batch(runs, steps=30)):
        same(a, b)


def test_a_single_run_is_a_batch_of_one_and_the_mesa_model_records_the_same():
    alliance = model.build_model({"mediation": 0.7}, seed=4)
    alliance.run_for(24)
    frame = alliance.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    run = model.run_model({"mediation": 0.7}, seed=4, steps=24)
    pd.testing.assert_frame_equal(frame, run.timeseries.drop(columns="step"), check_exact=True, check_dtype=False)
    pd.testing.assert_frame_equal(alliance.events.to_frame(), run.events, check_exact=True)


def test_a_large_batch_steps_in_groups_of_at_most_the_cap_of_stakeholders_each_run_as_alone(monkeypatch):
    from model import run as run_module

    runs = mixed_runs(7, seed=11)
    alone = [model.run_model(p, seed=s, steps=24) for p, s in runs]
    groups: list[list[int]] = []
    real = run_module.Alliances.together
    monkeypatch.setattr(run_module.Alliances, "together",
                        staticmethod(lambda parts: groups.append([a.n for a in parts]) or real(parts)))
    cap = int(2.5 * np.median([a.n for a in (model.build_model(p, seed=s).alliances for p, s in runs)]))
    monkeypatch.setattr(run_module, "STEPPED_TOGETHER", cap)
    for a, b in zip(alone, model.run_batch(runs, steps=24)):
        same(a, b)
    assert sum(len(g) for g in groups) == 7 and len(groups) > 1
    for g, after in zip(groups, groups[1:] + [None]):
        assert sum(g) <= cap or len(g) == 1  # never above the cap, unless one alliance alone is
        if after is not None:
            assert sum(g) + after[0] > cap  # a group is full before the next starts: the next one did not fit
