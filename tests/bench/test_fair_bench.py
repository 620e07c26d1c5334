"""`make bench`'s measuring rules (benchmarks/harness.py, benchmarks/fair_bench.py): interleaved rounds after a
warm-up, ratios within a round, a batched runner judged only on bit-identical outputs, bad --batched answered in
one line. No speed is asserted here (speed lives in `make bench`)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import model
from benchmarks import fair_bench
from benchmarks.harness import Contender, Sample, Spread, paired, round_order, run_rounds


def recording(name: str, calls: list, warm_up_runs: int = 1) -> Contender:
    def measure(warm_up: bool) -> Sample:
        calls.append((name, warm_up))
        return Sample(wall=1.0, cpu=1.0, runs=2)

    return Contender(name, measure, runs=2, warm_up_runs=warm_up_runs)


def test_rounds_follow_a_warm_up_and_alternate_their_order():
    calls: list = []
    contenders = [recording("A", calls), recording("B", calls), recording("C", calls, warm_up_runs=0)]
    warm, samples = run_rounds(contenders, rounds=3)
    assert calls == [("A", True), ("B", True),  # C has nothing to warm up
                     ("A", False), ("B", False), ("C", False),
                     ("C", False), ("B", False), ("A", False),
                     ("A", False), ("B", False), ("C", False)]
    assert set(warm) == {"A", "B"} and all(len(s) == 3 for s in samples.values())  # warm-up not among the figures
    assert round_order("ABC", 1) == ["C", "B", "A"]


def test_comparisons_are_ratios_within_a_round_not_ratios_of_medians():
    a = [Sample(wall=1.0, cpu=c, runs=1) for c in (2.0, 10.0, 30.0)]
    b = [Sample(wall=1.0, cpu=c, runs=1) for c in (1.0, 20.0, 15.0)]
    ratio = paired(a, b, lambda x: x.cpu)  # rounds: 2, 0.5, 2 (the ratio of medians would be 10/15)
    assert (ratio.median, ratio.low, ratio.high) == (2.0, 0.5, 2.0)


def test_a_figure_with_no_finite_value_is_reported_as_undefined():
    assert Spread.of([math.nan, math.nan]).text() == "n/a"
    assert Spread.of([3.0, math.nan, 1.0]).text(1) == "2.0 (1.0-3.0)"


def runs_samples(rates: list[float], outputs: np.ndarray) -> list[Sample]:
    return [Sample(wall=1.0, cpu=10 / r, runs=10, load=1.0, extra={"outputs": outputs}) for r in rates]


def test_batched_slot_says_not_available_until_a_batched_runner_is_given():
    table = "\n".join(fair_bench.batched_table({fair_bench.NAMES["loop batch"]: runs_samples([10.0], np.zeros((2, 3))),
                                                fair_bench.NAMES["loop 10x"]: runs_samples([3.0], np.zeros((1, 3)))},
                                               None))
    assert table.count("not available") == 2 and "BATCHED=" in table


def test_a_batched_runner_gets_a_ratio_only_if_every_run_is_bit_identical():
    same, other = np.array([[1.0, math.nan]]), np.array([[1.0 + 1e-12, math.nan]])
    samples = {fair_bench.NAMES["loop batch"]: runs_samples([10.0, 10.0], same),
               fair_bench.NAMES["batched"]: runs_samples([50.0, 40.0], same),  # NaN equals NaN: undefined in both
               fair_bench.NAMES["loop 10x"]: runs_samples([3.0, 3.0], same),
               fair_bench.NAMES["batched 10x"]: runs_samples([6.0, 6.0], other)}
    default, ten_x = fair_bench.batched_table(samples, "pkg:run")[1:3]
    assert "4.50x (4.00-5.00)" in default and "DIFFER" not in default
    assert "OUTPUTS DIFFER" in ten_x and "invalid" in ten_x and "2.00x" not in ten_x


def test_runners_are_compared_on_the_summary_whatever_form_they_return():
    runs = [({}, 3), ({"guidance": 0.75}, 4)]
    results = [model.run_model(p, seed=s, steps=6) for p, s in runs]
    table = fair_bench.outputs_table(results)
    assert table.shape == (2, len(model.SUMMARY_OUTPUTS))
    assert fair_bench.same_outputs(table, fair_bench.outputs_table(fair_bench.one_at_a_time(runs, 6)))
    assert not fair_bench.same_outputs(table, fair_bench.outputs_table(fair_bench.one_at_a_time(runs[::-1], 6)))


@pytest.mark.parametrize("ref, problem", [("nope", "expected module:function"),
                                          ("no_such_module_here:run", "cannot load it"),
                                          ("math:no_such_function", "cannot load it"),
                                          ("math:pi", "not a function")])
def test_a_bad_batched_runner_is_refused_in_one_line(ref, problem):
    with pytest.raises(SystemExit) as exc:
        fair_bench.load_runner(ref)
    message = str(exc.value.code)
    assert problem in message and ref in message and "\n" not in message


def test_steps_are_timed_against_virus_on_network_at_the_same_agent_count():
    sample = fair_bench.steps_sample({}, seed=1, months=3)
    assert sample.extra["agents"] == len(model.build_model({}, seed=1).agents)
    assert sample.extra["us_ours"] > 0 and sample.extra["us_virus"] > 0


def broken() -> Sample:
    raise ValueError("broken")


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")  # pytest's threads
def test_a_contender_measured_in_a_forked_child_reports_its_sample_or_its_error():
    assert fair_bench.in_forked_child(lambda: Sample(wall=1.0, cpu=2.0, runs=3)).runs == 3
    with pytest.raises(RuntimeError, match="ValueError: broken"):
        fair_bench.in_forked_child(broken)
