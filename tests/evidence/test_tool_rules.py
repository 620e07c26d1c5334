"""The tools' rules in the fast tier (issue 20, part 3): a small calibration past its first generation keeps
only candidates within each generation's epsilon and shrinks epsilon; discovery counts and leaves out runs
whose condition is undefined; the robust-decision and compare statistics against values worked out by hand.

Only public, lasting behaviour is pinned (what the calibration accepts and how epsilon moves, not its kernel
or weights; what discovery does with undefined runs, not how it picks a box on the peeling trajectory), since
the calibration and discovery internals are being reworked on another branch.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from experiments.calibrate.abc import calibrate
from experiments.calibrate.spec import load_calibration
from experiments.discover import Runs, discover, summary_lines
from experiments.io import UserError
from experiments.strategies.robust import parse_targets, robustness
from experiments.strategies.stats import (OUTCOME, chance_better, describe, difference_row, differences,
                                          interval, mean_interval, paired)

from .conftest import write


# --- calibration: accepted distance <= epsilon, epsilon shrinks ------------------------------------------------
@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    """A small ABC-SMC on the toy function gaussian_pair (level ~ mu + noise): 60 prior draws, 20 accepted,
    two SMC generations (about 1 s on one core)."""
    root = tmp_path_factory.mktemp("calibration")
    spec = load_calibration(write(root / "toy.toml", """
        description = "toy calibration for the acceptance rule"
        function = "tests.evidence.functions:gaussian_pair"
        replicates = 1
        seed = 11

        [abc]
        population = 20
        rejection_candidates = 60
        generations = 2
        max_candidates = 400

        [parameters]
        mu = { low = 0.0, high = 1.0 }
        spread = { low = 0.0, high = 1.0 }

        [patterns.level]
        statistic = "level"
        target = [0.4, 0.45]
        tolerance = 0.05
        source = "test"

        [patterns.width]
        statistic = "width"
        target = [0.6, 0.62]
        tolerance = 0.05
        source = "test"
    """))
    return calibrate(spec, root / "out", workers=1, progress=False)


def test_a_calibration_runs_past_its_first_generation(calibration):
    assert [g.number for g in calibration.generations] == [0, 1, 2]
    assert all(g.filled == 20 for g in calibration.generations)
    assert calibration.posterior.number == 2


def test_every_accepted_candidate_is_within_its_generations_epsilon(calibration):
    for g in calibration.generations:
        assert len(g.population) and (g.population["distance"] <= g.epsilon).all(), g.number
        assert g.population["weight"].sum() == pytest.approx(1.0) and (g.population["weight"] > 0).all()


def test_epsilon_shrinks_from_generation_to_generation(calibration):
    eps = [g.epsilon for g in calibration.generations]
    assert all(b < a for a, b in zip(eps, eps[1:])), eps
    # each SMC epsilon is below the largest distance the previous generation accepted
    for prev, g in zip(calibration.generations, calibration.generations[1:]):
        assert g.epsilon < prev.population["distance"].max()


def test_the_rejection_round_keeps_the_nearest_candidates(calibration):
    cands = calibration.candidates
    first = cands[cands["generation"] == 0]
    g0 = calibration.generations[0]
    kept = set(g0.population["candidate"])
    assert g0.epsilon == g0.population["distance"].max()
    rejected = first[~first["candidate"].isin(kept)]
    assert (rejected["distance"] >= g0.epsilon).all()  # nobody left out was nearer than the farthest kept


def test_an_smc_generation_keeps_the_first_candidates_within_epsilon(calibration):
    cands = calibration.candidates
    for g in calibration.generations[1:]:
        tried = cands[cands["generation"] == g.number].sort_values("candidate")
        within = tried[tried["distance"] <= g.epsilon]["candidate"].tolist()
        assert g.within == len(within) and sorted(g.population["candidate"]) == within[:20]


# --- discovery: undefined runs counted and left out -------------------------------------------------------
def box_runs(n: int = 400, undefined: int = 37, seed: int = 5) -> Runs:
    """y = 1 exactly where a < 0.3; ``undefined`` runs (a third of them inside the box) have y undefined."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.random(n), "b": rng.random(n)})
    y = np.array(x["a"] < 0.3, dtype=float)
    nan = rng.choice(n, undefined, replace=False)
    y[nan] = np.nan
    return Runs(None, "sweep", x, pd.DataFrame({"y": y, "z": 1.0}), {"a": {"kind": "float"}, "b": {"kind": "float"}})


def test_discovery_counts_undefined_runs_and_leaves_them_out():
    runs = box_runs()
    defined = ~runs.outputs["y"].isna()
    d = discover(runs, "y == 1")
    assert d.undefined == 37 and len(d.y) == defined.sum() == 363
    assert d.y.sum() == ((runs.x["a"] < 0.3) & defined).sum()  # hits counted among defined runs only
    assert "37 runs left out (undefined)" in summary_lines(d)[0]
    assert f"holds in {int(d.y.sum())} of 363 runs" in summary_lines(d)[0]
    box = d.boxes[0]
    assert box.stats["density"] > 0.9 and box.stats["coverage"] > 0.9  # PRIM finds a < 0.3 (peeling overshoots a little)
    # the box's run count and mass are shares of the defined runs, not of all runs
    assert box.stats["mass"] == pytest.approx(box.stats["n"] / 363)


def test_a_condition_undefined_through_arithmetic_is_left_out_too():
    runs = box_runs(undefined=0)
    zero = np.arange(400) < 50
    runs.outputs["y"] = np.where(zero, 0.0, runs.outputs["y"])
    runs.outputs["z"] = np.where(zero, 0.0, 1.0)
    d = discover(runs, "y / z >= 1")  # 0 / 0 is undefined, neither true nor false
    assert d.undefined == 50 and len(d.y) == 350


def test_a_division_by_zero_in_a_condition_is_undefined_not_true():
    runs = box_runs(undefined=0)
    zero = np.arange(400) < 50
    runs.outputs["y"] = np.where(zero, 1.0, runs.outputs["y"])
    runs.outputs["z"] = np.where(zero, 0.0, 1.0)
    d = discover(runs, "y / z >= 1")  # 1 / 0: nothing to divide by
    assert d.undefined == 50


def test_a_condition_undefined_everywhere_is_refused():
    runs = box_runs(undefined=400)
    with pytest.raises(UserError, match="undefined in every run"):
        discover(runs, "y == 1")


# --- robust decisions ---------------------------------------------------------------------------------------
def runs_table(values: dict[str, list[float]], dropouts: dict[str, list[float]] | None = None) -> pd.DataFrame:
    rows = []
    for label, xs in values.items():
        for r, x in enumerate(xs):
            rows.append({"label": label, "replicate": r, "seed": 100 + r, "uptake_final": x,
                         "dropouts": (dropouts or {}).get(label, [10.0] * len(xs))[r]})
    return pd.DataFrame(rows)


def test_regret_p90_share_best_and_all_targets_by_hand():
    values = {"A": [0.30, 0.10, 0.28, 0.40], "B": [0.30, 0.25, 0.13, 0.10]}
    drop = {"A": [5.0, 9.0, 12.0, 3.0], "B": [4.0, 4.0, 4.0, 4.0]}
    targets = parse_targets(["uptake_final >= 0.25", "dropouts <= 8"])
    rob = robustness(runs_table(values, drop), ["A", "B"], targets, OUTCOME["uptake_final"])
    t = rob.table.set_index("strategy")
    # regret of A per future: 0, 0.15, 0, 0; of B: 0 (tie counts as best), 0, 0.15, 0.30
    assert t.loc["A", "mean regret"] == pytest.approx(0.15 / 4)
    assert t.loc["B", "mean regret"] == pytest.approx(0.45 / 4)
    # p90 with linear interpolation: A sorted 0, 0, 0, 0.15 -> 0 + 0.7 x 0.15; B 0, 0, 0.15, 0.30 -> 0.15 + 0.7 x 0.15
    assert t.loc["A", "regret p90"] == pytest.approx(0.105)
    assert t.loc["B", "regret p90"] == pytest.approx(0.255)
    assert t.loc["A", "share best"] == 0.75 and t.loc["B", "share best"] == 0.5  # future 0 is a tie: both best
    # A meets uptake in futures 0, 2, 3 and dropouts in 0, 3: both only in 0 and 3
    assert t.loc["A", "meets: uptake_final >= 0.25"] == 0.75 and t.loc["A", "meets: dropouts <= 8"] == 0.5
    assert t.loc["A", "meets all targets"] == 0.5
    assert t.loc["B", "meets all targets"] == 0.5  # futures 0 and 1
    assert rob.best_on_average == "A" and list(rob.flips["replicate"]) == [1]


def test_an_undefined_outcome_gives_no_regret_in_that_future_and_counts_as_not_meeting():
    values = {"A": [0.3, np.nan, 0.2], "B": [0.1, 0.2, 0.3]}
    rob = robustness(runs_table(values), ["A", "B"], parse_targets(["uptake_final > 0.15"]), OUTCOME["uptake_final"])
    t = rob.table.set_index("strategy")
    assert t.loc["A", "mean regret"] == pytest.approx((0 + 0.1) / 2)  # over the futures where A is defined
    assert t.loc["B", "mean regret"] == pytest.approx((0.2 + 0 + 0) / 3)  # future 1: B is the only one, best
    assert t.loc["A", "meets all targets"] == pytest.approx(2 / 3)
    assert t.loc["A", "undefined: uptake_final > 0.15"] == pytest.approx(1 / 3)


# --- compare statistics --------------------------------------------------------------------------------------
def test_interval_is_median_and_5th_and_95th_percentiles():
    assert interval(np.arange(21.0)) == (10.0, 1.0, 19.0)
    assert interval([2.0, 2.0, 2.0]) == (2.0, 2.0, 2.0)


def test_paired_differences_match_replicates_not_row_order():
    runs = runs_table({"ref": [0.1, 0.2, 0.3], "new": [0.5, 0.1, 0.4]}).sample(frac=1.0, random_state=3)
    np.testing.assert_allclose(paired(runs, "uptake_final", "new", "ref"), [0.4, -0.1, 0.1])


@pytest.mark.parametrize("d, better, expected", [
    ([0.1, -0.2, 0.0, 0.3], 1, (2 + 0.5) / 4),    # two better, one tie (half)
    ([0.1, -0.2, 0.0, 0.3], -1, (1 + 0.5) / 4),   # lower is better: the signs turn
    ([0.0, 0.0], 1, 0.5),
    ([1.0, 2.0], 1, 1.0),
    ([-1.0, -2.0], 1, 0.0),
])
def test_chance_of_doing_better_counts_ties_half(d, better, expected):
    assert chance_better(np.array(d), better) == pytest.approx(expected)


def test_chance_of_doing_better_is_undefined_when_a_difference_is():
    assert math.isnan(chance_better(np.array([0.1, np.nan]), 1))


def test_mean_and_its_bootstrap_interval():
    mean, low, high = mean_interval(np.full(10, 0.25))
    assert (mean, low, high) == (0.25, 0.25, 0.25)  # no spread: the interval is the mean
    d = np.array([0.0, 1.0])  # resampled means are 0, 0.5 or 1, each end with chance 1/4 > 5%
    mean, low, high = mean_interval(d)
    assert (mean, low, high) == (0.5, 0.0, 1.0)


def test_differences_use_the_first_strategy_as_reference_and_each_outcomes_direction():
    runs = runs_table({"ref": [0.1, 0.2, 0.3, 0.2], "new": [0.2, 0.2, 0.6, 0.1]},
                      {"ref": [5.0, 5.0, 5.0, 5.0], "new": [4.0, 6.0, 5.0, 3.0]})
    for column in ("uptake_at_exit", "enabling_env_final", "equity_gap_final", "uptake_after_exit", "members_final"):
        runs[column] = 0.0
    table = differences(runs, ["ref", "new"]).set_index("outcome")
    up = table.loc["uptake_final"]
    assert up["strategy"] == "new" and up["reference"] == "ref"
    assert up["mean"] == pytest.approx(0.075) and up["median"] == pytest.approx(0.05)  # +0.1, 0, +0.3, -0.1
    assert up["p_better"] == pytest.approx((2 + 0.5) / 4)
    drop = table.loc["dropouts"]  # fewer dropouts is better: -1, +1, 0, -2
    assert drop["p_better"] == pytest.approx((2 + 0.5) / 4) and drop["mean"] == pytest.approx(-0.5)
    assert difference_row(np.array([1.0, 2.0, 3.0]), 1)["median"] == 2.0


def test_describe_gives_each_strategys_median_interval_and_mean():
    runs = runs_table({"A": list((np.arange(21.0) / 20) ** 2), "B": [0.5] * 21})  # skewed: mean != median
    table = describe(runs, ["uptake_final"]).set_index("strategy")
    assert table.loc["A", ["median", "low", "high", "mean"]].tolist() == pytest.approx(
        [0.25, 0.05 ** 2, 0.95 ** 2, 2870 / 400 / 21])  # sum of k^2 for k <= 20 is 2870
    assert table.loc["B", ["median", "low", "high", "mean"]].tolist() == pytest.approx([0.5] * 4)
