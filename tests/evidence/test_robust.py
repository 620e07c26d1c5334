"""Robustness measures of `compare --worlds/--target`: satisficing, regret and ranking flips, checked against
their definitions on a small table, and bad targets refused in one line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.strategies.robust import parse_targets, robustness
from experiments.strategies.stats import OUTCOME


def runs_table(values: dict[str, list[float]]) -> pd.DataFrame:
    rows = []
    for label, xs in values.items():
        for r, x in enumerate(xs):
            rows.append({"label": label, "replicate": r, "seed": 100 + r, "uptake_final": x, "dropouts": 10 + 10 * x})
    return pd.DataFrame(rows)


def test_satisficing_regret_and_flips_follow_their_definitions():
    values = {"A": [0.30, 0.10, 0.28, 0.40], "B": [0.20, 0.25, 0.26, 0.10], "C": [0.05, 0.05, 0.05, np.nan]}
    rob = robustness(runs_table(values), ["A", "B", "C"], parse_targets(["uptake_final >= 0.25"]), OUTCOME["uptake_final"])
    t = rob.table.set_index("strategy")
    x = pd.DataFrame(values)
    best = x.max(axis=1)
    for label in "AB":
        assert t.loc[label, "meets all targets"] == pytest.approx((x[label] >= 0.25).mean())
        assert t.loc[label, "mean regret"] == pytest.approx((best - x[label]).mean())
        assert t.loc[label, "share best"] == pytest.approx((x[label] == best).mean())
    assert t.loc["C", "undefined: uptake_final >= 0.25"] == pytest.approx(0.25)  # NaN is undefined, not met
    assert t.loc["C", "meets all targets"] == 0.0
    assert rob.best_on_average == "A"
    assert list(rob.flips["replicate"]) == [1] and list(rob.flips["best"]) == ["B"]


def test_regret_respects_an_outcome_where_less_is_better():
    values = {"A": [0.3, 0.1], "B": [0.2, 0.2]}
    rob = robustness(runs_table(values), ["A", "B"], [], OUTCOME["dropouts"])  # dropouts: 13/11 vs 12/12
    t = rob.table.set_index("strategy")
    assert t.loc["A", "mean regret"] == pytest.approx((1 + 0) / 2)
    assert t.loc["B", "mean regret"] == pytest.approx((0 + 1) / 2)


@pytest.mark.parametrize("args, message", [
    (["--target", "uptake_fnal >= 0.25"], "did you mean uptake_final"),
    (["--target", "uptake_final"], "not a condition"),
    (["--target", "uptake_final >="], "not a valid expression"),
    (["--rank-by", "happiness"], "unknown outcome"),
])
def test_bad_targets_one_line_exit_2(mus, tmp_path, args, message):
    rc, _, err = mus("compare", "light-touch", *args, "--out", tmp_path / "c", "--quiet")
    assert rc == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "c").exists()


def test_no_strategy_meeting_a_target_is_said_plainly():
    from experiments.strategies.robust import findings

    values = {"A": [0.10, 0.12, 0.08], "B": [0.05, 0.20, 0.07]}
    rob = robustness(runs_table(values), ["A", "B"], parse_targets(["uptake_final >= 0.25"]), OUTCOME["uptake_final"])
    text = " ".join(findings(rob, lambda x: f"{100 * x:.1f} pts"))
    assert "No strategy meets your target" in text and "meets the targets most often" not in text
    values = {"A": [0.30, 0.12, 0.28], "B": [0.26, 0.30, 0.07]}  # both meet it in 2 of 3 futures: a tie
    rob = robustness(runs_table(values), ["A", "B"], parse_targets(["uptake_final >= 0.25"]), OUTCOME["uptake_final"])
    text = " ".join(findings(rob, lambda x: f"{100 * x:.1f} pts"))
    assert "**A** and **B** meet your target" in text
