"""Common random numbers: every strategy meets the same seeds, so identical strategies give identical runs,
and results do not depend on the number of workers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.strategies.compare import compare
from experiments.strategies.costs import load_costs
from experiments.strategies.runs import Contender, play, replicate_seeds
from experiments.strategies.strategy import load_strategy
from experiments.sweep.design import run_seed

from .conftest import COSTS, STRATEGIES, write

STEPS, REPLICATES = 30, 4


def test_identical_strategies_give_identical_runs(base, tmp_path):
    light = STRATEGIES / "02-light-touch.toml"
    renamed = write(tmp_path, "copy.toml", light.read_text().replace('name = "Light-touch"', 'name = "Copy"'))
    strategies = [load_strategy(light, base), load_strategy(renamed, base)]
    comp = compare(strategies, load_costs(COSTS), base, STEPS, REPLICATES, seed=3, progress=False)
    a = comp.runs[comp.runs["label"] == "Light-touch"].drop(columns=["contender", "label"]).reset_index(drop=True)
    b = comp.runs[comp.runs["label"] == "Copy"].drop(columns=["contender", "label"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)  # run by run, every outcome, unit and cost
    assert a["uptake_final"].nunique() > 1, "replicates should differ from each other (distinct seeds)"
    d = comp.differences[["median", "low", "high", "mean", "mean_low", "mean_high"]]
    undefined = comp.differences["outcome"].map(lambda o: comp.runs[o].isna().any())  # e.g. no exit in horizon
    assert (d[~undefined] == 0).all().all() and d[undefined].isna().all().all()
    assert (comp.differences["p_better"][~undefined] == 0.5).all() and comp.differences["p_better"][undefined].isna().all()
    np.testing.assert_array_equal(comp.uptake[0], comp.uptake[1])


def test_every_strategy_gets_the_same_seeds_and_a_lever_changes_the_runs(base):
    strategies = [load_strategy(STRATEGIES / name, base) for name in ("01-business-as-usual.toml", "04-pilot-heavy.toml")]
    comp = compare(strategies, load_costs(COSTS), base, STEPS, REPLICATES, seed=3, progress=False)
    seeds = comp.runs.pivot(index="replicate", columns="label", values="seed")
    assert (seeds["Business as usual"] == seeds["Pilot-heavy"]).all()
    assert list(seeds["Business as usual"]) == [run_seed(3, 0, r) for r in range(REPLICATES)]
    assert [s.params["pilots_per_year"] for s in strategies] == [12.0, 24.0]  # the plan drives the rate
    # Twice the rate; host communities limit it early on, so compare totals over the replicates (seen: 116 vs 91).
    pilots = comp.runs.groupby("label")["pilots_run"].sum()
    assert pilots["Pilot-heavy"] > 1.1 * pilots["Business as usual"]


def test_results_do_not_depend_on_workers(base):
    contenders = [Contender("a", {}), Contender("b", {"meetings_per_year": 8.0})]
    seeds = replicate_seeds(5, 3)
    one = play(contenders, seeds, 20, workers=1, progress=False)
    two = play(contenders, seeds, 20, workers=2, progress=False)
    pd.testing.assert_frame_equal(one.runs, two.runs)
    np.testing.assert_array_equal(one.uptake, two.uptake)


def test_the_paired_runs_go_in_batches_and_the_batch_size_changes_no_run(base, batch_sizes):
    """Each task is one `model.run_batch` call of the size asked (the spy steps the runs in reverse order and
    hands them back in the order given, as the per-run contract allows); runs, uptake curves and costs are
    the same for batches of 1 and of 3."""
    sizes = batch_sizes
    strategies = [load_strategy(STRATEGIES / name, base) for name in ("01-business-as-usual.toml", "04-pilot-heavy.toml")]
    one = compare(strategies, load_costs(COSTS), base, 12, REPLICATES, seed=3, progress=False, batch_size=1)
    assert sizes == [1] * 2 * REPLICATES
    sizes.clear()
    three = compare(strategies, load_costs(COSTS), base, 12, REPLICATES, seed=3, progress=False, batch_size=3)
    assert sizes == [3, 3, 2]  # 2 strategies x 4 paired seeds, in order
    pd.testing.assert_frame_equal(one.runs, three.runs)
    np.testing.assert_array_equal(one.uptake, three.uptake)
