"""`mus-alliance calibrate`: recovers known parameter values from patterns they generate, reports patterns
that contradict each other, resumes to the same numbers on any worker count, and refuses bad specs in one line."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pandas as pd
import pytest

from experiments.worlds import load_worlds
from tests.evidence.functions import gaussian_pair
from tests.model.paired import seeds_for

from .conftest import write

TRUTH = {"mu": 0.3, "spread": 0.7}


def function_spec(folder, patterns: str, name: str = "cal", abc: str = "generations = 3") -> object:
    return write(folder / f"{name}.toml", f"""
        description = "verification on a function with a known answer"
        function = "tests.evidence.functions:gaussian_pair"
        replicates = 2
        seed = 5

        [abc]
        population = 60
        rejection_candidates = 300
        {abc}

        [parameters]
        mu = {{ low = 0.0, high = 1.0 }}
        spread = {{ low = 0.0, high = 1.0 }}
    """ + patterns)


def synthetic_patterns() -> str:
    """Targets from the function itself at the true values: mean of 20 runs, +- 0.02 (about the sd of a
    2-replicate mean, 0.035, so the truth meets them easily but far values do not). Seeds: their own stream."""
    runs = pd.DataFrame([gaussian_pair(**TRUTH, seed=s) for s in seeds_for("calibration_synthetic_gaussian_patterns", 20)])
    level, width = runs["level"].mean(), runs["width"].mean()
    return f"""
        [patterns.level]
        statistic = "level"
        target = [{level - 0.02}, {level + 0.02}]
        tolerance = 0.05
        source = "synthetic: the function at mu = 0.3"

        [patterns.width]
        statistic = "width"
        over = "median"
        target = [{width - 0.02}, {width + 0.02}]
        tolerance = 0.05
        source = "synthetic: the function at spread = 0.7"
    """


def interval_contains(folder, truth: dict[str, float], min_narrowing: float) -> pd.DataFrame:
    table = pd.read_parquet(folder / "parameters.parquet").set_index("parameter")
    for name, value in truth.items():
        assert table.loc[name, "posterior_5%"] <= value <= table.loc[name, "posterior_95%"], table
        assert table.loc[name, "narrowing"] > min_narrowing, table
    return table


@pytest.mark.slow  # statistical (a calibration's posterior), the slow tier's kind of test
def test_recovers_known_values_within_the_90_percent_interval(mus, tmp_path):
    spec = function_spec(tmp_path, synthetic_patterns())
    rc, out, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "1", "--no-progress")
    assert rc == 0, err
    # The patterns pin each value to about +-0.1 of a [0, 1] prior: the posterior must be far narrower.
    interval_contains(tmp_path / "cal", TRUTH, min_narrowing=0.6)
    history = pd.read_csv(tmp_path / "cal" / "history.csv")
    assert list(history["generation"]) == [0, 1, 2, 3]
    assert (np.diff(history["epsilon"]) < 0).all()  # each SMC generation asks for a closer fit
    posterior = pd.read_parquet(tmp_path / "cal" / "posterior.parquet")
    assert len(posterior) == 60 and posterior["weight"].sum() == pytest.approx(1.0)
    assert {"meets level", "meets width"} <= set(posterior.columns)
    for figure in ("posterior", "patterns", "pairs"):
        assert (tmp_path / "cal" / "figures" / f"{figure}.png").stat().st_size > 0
    assert "narrowed" in out
    # The calibration folder is a study discover can read: where do candidates fit well?
    rc, out, err = mus("discover", tmp_path / "cal", "--where", "distance < 1", "--bootstrap", "3")
    assert rc == 0, err
    assert "mu" in out


def test_contradictory_patterns_are_reported(mus, tmp_path):
    """level >= 0.7 needs mu >= ~0.7; level + width <= 0.5 needs mu <= 0.5: each is met by many prior draws,
    never both."""
    spec = function_spec(tmp_path, """
        [patterns.high_level]
        statistic = "level"
        above = 0.7
        tolerance = 0.05
        source = "test"

        [patterns.small_sum]
        statistic = "both"
        below = 0.5
        tolerance = 0.05
        source = "test"
    """, abc="generations = 1")
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "1", "--no-progress")
    assert rc == 0, err
    warnings = (tmp_path / "cal" / "warnings.txt").read_text()
    assert "patterns high_level and small_sum contradict each other" in warnings
    assert "contradict" in err


@pytest.mark.slow  # fault injection across worker counts; the fast tier keeps the sweep engine's resume guard
def test_resume_after_interruption_gives_identical_numbers_on_any_worker_count(mus, tmp_path):
    spec = function_spec(tmp_path, synthetic_patterns())
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "full", "--workers", "1", "--no-progress")
    assert rc == 0, err
    # An interrupted copy: only the parts of generation 0 and half of what followed survive.
    shutil.copytree(tmp_path / "full", tmp_path / "cut")
    parts = sorted((tmp_path / "cut" / "runs").glob("part-*.parquet"))
    later = [p for p in parts if not p.name.startswith("part-000-")]
    assert len(later) >= 2
    for p in later[len(later) // 2:]:
        p.unlink()
    for name in ("posterior.parquet", "candidates.parquet", "worlds.parquet"):
        (tmp_path / "cut" / name).unlink(missing_ok=True)
    rc, out, err = mus("calibrate", spec, "--out", tmp_path / "cut", "--workers", "2", "--no-progress")
    assert rc == 0, err
    for table in ("posterior", "candidates", "history"):
        full = pd.read_parquet(tmp_path / "full" / f"{table}.parquet").drop(columns=["seconds"], errors="ignore")
        cut = pd.read_parquet(tmp_path / "cut" / f"{table}.parquet").drop(columns=["seconds"], errors="ignore")
        pd.testing.assert_frame_equal(full, cut)


def test_a_changed_spec_is_refused_on_resume(mus, tmp_path):
    spec = function_spec(tmp_path, synthetic_patterns(), abc="generations = 0")
    assert mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "1", "--no-progress")[0] == 0
    changed = function_spec(tmp_path, synthetic_patterns(), abc="generations = 0\nquantile = 0.3")
    rc, _, err = mus("calibrate", changed, "--out", tmp_path / "cal", "--workers", "1", "--no-progress")
    assert rc == 2 and "the spec differs" in err and len(err.strip().splitlines()) == 1


MODEL_BASE = """
[scenario]
name = "tiny"
[run]
steps = 24
[parameters]
n_districts = 1
n_national_orgs = 3
n_district_orgs = 2
n_pilot_communities = 10
n_outside_communities = 10
project_exit_month = 24
"""


@pytest.mark.parametrize("body, message", [
    ('[parameters]\nbass_q = {}\n[patterns.p]\nstatistic = "uptake_fnal"\nabove = 0.1\ntolerance = 0.1\nsource = "x"',
     "unknown name 'uptake_fnal'; did you mean uptake_final"),
    ('[parameters]\nbass_qq = {}\n[patterns.p]\nstatistic = "uptake_final"\nabove = 0.1\ntolerance = 0.1\nsource = "x"',
     "unknown parameter"),
    ('[parameters]\nmobilisation_order = {}\n[patterns.p]\nstatistic = "uptake_final"\nabove = 0.1\ntolerance = 0.1\nsource = "x"',
     "categorical parameter cannot be calibrated"),
    ('[parameters]\nbass_q = {}\n[patterns.p]\nstatistic = "uptake_final"\nabove = 0.1\nsource = "x"',
     "tolerance: missing"),
    ('[parameters]\nbass_q = {}\n[patterns.p]\nstatistic = "uptake_final"\ntarget = [0.5, 0.1]\ntolerance = 0.1\nsource = "x"',
     "inverted interval"),
    ('[parameters]\nbass_q = {}\n[patterns.p]\nstatistic = 42\nabove = 0.1\ntolerance = 0.1\nsource = "x"',
     'patterns.p.statistic: expected an expression in quotes, e.g. "uptake_final < 0.10", got int 42'),
    ('patterns = 3\n[parameters]\nbass_q = {}',
     "patterns: expected one table per pattern, e.g. [patterns.meetings] with statistic and target, got int 3"),
    ('parameters = 3\n[patterns.p]\nstatistic = "uptake_final"\nabove = 0.1\ntolerance = 0.1\nsource = "x"',
     "parameters: expected a [parameters] table"),
    ('[parameters]\nbass_q = {}\n[patterns.p]\nstatistic = "uptake_final"\nabove = 0.1\ntolerance = 0.1',
     "source: missing"),
    ('[parameters]\nbass_q = { low = -1 }\n[patterns.p]\nstatistic = "uptake_final"\nabove = 0.1\ntolerance = 0.1\nsource = "x"',
     "outside the registry range"),
    ('[parameters]\nbass_q = {}\n[patterns.p]\nstatistic = "uptake_final > 0.1"\nabove = 0.1\ntolerance = 0.1\nsource = "x"',
     'use over = "share"'),
    ('[parameters]\nbass_q = {}\n[abc]\npopulation = 50\nrejection_candidates = 10\n[patterns.p]\nstatistic = "uptake_final"\nabove = 0.1\ntolerance = 0.1\nsource = "x"',
     "fewer than the population"),
])
def test_bad_specs_one_line_exit_2(mus, tmp_path, body, message):
    write(tmp_path / "base.toml", MODEL_BASE)
    spec = write(tmp_path / "bad.toml", 'base = "base.toml"\n' + body)
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--no-progress")
    assert rc == 2, err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "cal").exists()


def test_empty_posterior_one_line_exit_2(mus, tmp_path):
    spec = function_spec(tmp_path, """
        [patterns.undefined]
        statistic = "(level - level) / (level - level)"
        above = 0
        tolerance = 1
        source = "a statistic that is never defined"
    """)
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "1", "--no-progress")
    assert rc == 2 and "empty posterior" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_model_recovers_known_values_and_exports_worlds(mus, tmp_path):
    """Synthetic patterns generated by the model itself at known values of two parameters (a tiny country,
    24 months): the calibration's 90% posterior intervals contain the true values, and its worlds run."""
    import model

    truth = {"meetings_per_year": 6.0, "dissemination_events_per_year": 8.0}
    base = write(tmp_path / "base.toml", MODEL_BASE)
    scenario = model.load_scenario(base)
    seeds = seeds_for("model_recovers_known_values_and_exports_worlds", 12)  # the synthetic data's own stream
    runs = pd.DataFrame([model.run_model({**scenario.params, **truth}, seed=s, steps=24).summary for s in seeds])
    meetings, events = (runs["meetings"] + runs["meetings_missed"]).mean(), runs["dissemination_events"].mean()
    # +-10% of the value: counts a run's parameter drives almost proportionally (meetings called, held or not); the final epsilon and 2-run noise widen the posterior beyond that: measured 39% and 75% narrowing
    # with the synthetic data of seeds 500-511, so the test asks for 30% (a posterior that fails to concentrate still fails it).
    # With the data from this test's own stream: 32% (meetings, 90% interval 4.95-11.7) and 75% (events): the
    # meetings bar holds with little margin; the bar is kept, not lowered. Judged per replicate (issue 19) a
    # single 2-run candidate's misfit is noisier and meetings narrowed only 28%; with 4 replicates per
    # candidate: 65% (meetings, 4.92-8.39) and 74% (events, 6.25-11.7).
    spec = write(tmp_path / "model.toml", f"""
        base = "base.toml"
        replicates = 4
        seed = 3
        [abc]
        population = 30
        rejection_candidates = 120
        generations = 2
        [parameters]
        meetings_per_year = {{ low = 1, high = 12 }}
        dissemination_events_per_year = {{ low = 1, high = 24 }}
        [patterns.meetings]
        statistic = "meetings + meetings_missed"
        target = [{0.9 * meetings}, {1.1 * meetings}]
        tolerance = {0.1 * meetings}
        source = "synthetic: the model at meetings_per_year = 6"
        [patterns.events]
        statistic = "dissemination_events_at_exit"
        target = [{0.9 * events}, {1.1 * events}]
        tolerance = {0.1 * events}
        source = "synthetic: the model at dissemination_events_per_year = 8"
    """)
    rc, out, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "2", "--no-progress")
    assert rc == 0, err
    interval_contains(tmp_path / "cal", truth, min_narrowing=0.3)
    worlds = load_worlds(tmp_path / "cal" / "worlds.parquet")
    assert set(worlds.parameters) == set(truth) and len(worlds) == 30
    rc, out, err = mus("run", base, "--worlds", tmp_path / "cal" / "worlds.parquet", "--replicates", "3",
                       "--out", tmp_path / "run", "--quiet")
    assert rc == 0, err


def saved_on_disk(folder) -> int:
    """Candidates in a calibration folder's part files (each part's name ends with its row count)."""
    return sum(len(pd.read_parquet(p)) for p in (folder / "runs").glob("part-*.parquet"))


def test_ctrl_c_between_a_parts_rename_and_its_count_undercounts_nothing(mus, tmp_path, monkeypatch):
    """The Ctrl-C lands right after a part is renamed into place, before this process notes its rows: the
    session's count is read from the disk."""
    from experiments.calibrate import abc

    original = abc.write_table

    def renamed_then_interrupted(*args, **kwargs):
        original(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(abc, "write_table", renamed_then_interrupted)
    spec = function_spec(tmp_path, synthetic_patterns(), abc="generations = 0")
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "1", "--no-progress")
    assert rc == 130 and err.strip().splitlines()[-1] == "mus-alliance calibrate: interrupted"
    session = json.loads((tmp_path / "cal" / "manifest.json").read_text())["sessions"][-1]
    assert session["candidates_after"] == saved_on_disk(tmp_path / "cal") > 0
    assert session["ended"] is not None


def test_a_calibration_killed_with_9_is_repaired_on_the_next_run(mus, tmp_path):
    from tests.cli.test_interrupts import run_injected

    spec = function_spec(tmp_path, synthetic_patterns(), abc="generations = 0")
    rc, _, err = run_injected(tmp_path, "kill", "experiments.calibrate.abc:write_table", "calibrate", spec,
                              "--out", tmp_path / "cal", "--workers", 1, "--no-progress")
    assert rc == -9, err
    killed = json.loads((tmp_path / "cal" / "manifest.json").read_text())["sessions"]
    assert len(killed) == 1 and killed[0]["ended"] is None
    saved = saved_on_disk(tmp_path / "cal")
    rc, _, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "1", "--no-progress")
    assert rc == 0, err
    first, second = json.loads((tmp_path / "cal" / "manifest.json").read_text())["sessions"]
    assert first["ended"] is not None and first["ended"] >= first["started"] and "killed" in first["killed"]
    assert first["candidates_after"] == saved == second["candidates_before"]
    assert second["candidates_after"] == saved_on_disk(tmp_path / "cal")


def test_a_pattern_is_judged_on_each_replicate_not_on_their_mean():
    """Two replicates at 0.5 and 1.5 around a target [0, 1]: their mean (1.0) meets it, but a real alliance is
    one replicate, and half of them miss. A value on the target's edge meets it."""
    from experiments.calibrate.simulate import judge_pattern

    stat, misfit, share, met = judge_pattern([0.5, 1.5], "mean", 0.0, 1.0, 1.0, per_replicate=True)
    assert stat == 1.0 and misfit == pytest.approx(0.25) and share == 0.5 and list(met) == [True, False]
    stat, misfit, share, _ = judge_pattern([0.5, 1.5], "mean", 0.0, 1.0, 1.0, per_replicate=False)
    assert misfit == 0.0 and share == 1.0  # the earlier rule: judged on the mean
    assert judge_pattern([1.0, 0.0], "mean", 0.0, 1.0, 1.0, per_replicate=True)[2] == 1.0  # both edges meet
    # a share pattern is about the replicates together: judged on its aggregate
    assert judge_pattern([1.0, 0.0], "share", 0.7, math.inf, 0.25, per_replicate=True)[1] == pytest.approx(0.8)
    stat, misfit, share, _ = judge_pattern([math.nan, 0.5], "mean", 0.0, 1.0, 1.0, per_replicate=True)
    assert math.isinf(misfit) and share == 0.5  # an undefined replicate is never accepted


def test_truncated_kernel_weights_give_back_a_uniform_prior():
    """Proposals redrawn inside the prior box [0, 1] from particles near its edges, weighted 1 / the mixture
    of the truncated kernels, must give back the uniform prior: each bin's weighted share equals its width.
    With 20,000 proposals the weights' effective sample size is ~16,000, so a share of 0.1 has a standard
    error of about 0.0024; the tolerance 0.01 is 4 of them. The untruncated kernel's weights (the earlier
    rule) miss by 0.021 at the edge bin and 0.029 in the middle one."""
    from types import SimpleNamespace

    from experiments.calibrate.abc import box_mass, effective_sample_size, propose, smc_weights

    spec = SimpleNamespace(parameters=[SimpleNamespace(low=0.0, high=1.0)], seed=3)
    x, w, chol = np.array([[0.02], [0.05], [0.5], [0.97]]), np.full(4, 0.25), np.array([[0.15]])
    z = np.array([propose(spec, 1, i, x, w, chol) for i in range(20000)])[:, 0]
    weights = smc_weights(z[:, None], x, w, chol, box_mass(spec, 1, x, chol))
    assert effective_sample_size(weights) > 15000
    for low, high in ((0.0, 0.1), (0.1, 0.3), (0.45, 0.55), (0.9, 1.0)):
        assert weights[(z >= low) & (z < high)].sum() == pytest.approx(high - low, abs=0.01)
    untruncated = smc_weights(z[:, None], x, w, chol)
    assert abs(untruncated[(z >= 0.45) & (z < 0.55)].sum() - 0.1) > 0.02


def test_effective_sample_size_of_weights():
    from experiments.calibrate.abc import effective_sample_size

    assert effective_sample_size(np.full(50, 0.02)) == pytest.approx(50)
    assert effective_sample_size([1.0, 0.0, 0.0]) == pytest.approx(1)
    assert effective_sample_size([3.0, 1.0]) == pytest.approx(16 / 10)


@pytest.mark.slow  # statistical (a calibration's posterior), the slow tier's kind of test
def test_recovers_three_known_values_with_patterns_judged_per_replicate(mus, tmp_path):
    """Synthetic data from a three-parameter function at known values; each pattern is the mean of 20 runs at
    the truth +- 0.1, two noise sds of one run (sd 0.05), so a single replicate at the truth meets each about
    95% of the time (judged per replicate, a wider target than on a mean). The 90% posterior intervals must
    contain every true value and narrow the [0, 1] prior by more than half (each output pins its parameter
    to about +-0.1 plus the noise)."""
    from tests.evidence.functions import gaussian_triple

    truth = {"mu": 0.3, "spread": 0.7, "drift": 0.45}
    runs = pd.DataFrame([gaussian_triple(**truth, seed=s) for s in seeds_for("calibration_three_parameters", 20)])
    patterns = "".join(f"""
        [patterns.{name}]
        statistic = "{name}"
        target = [{runs[name].mean() - 0.1}, {runs[name].mean() + 0.1}]
        tolerance = 0.05
        source = "synthetic: the function at mu = 0.3, spread = 0.7, drift = 0.45"
    """ for name in ("level", "width", "slope", "mix"))
    spec = write(tmp_path / "three.toml", """
        description = "recovery of three parameters"
        function = "tests.evidence.functions:gaussian_triple"
        replicates = 2
        seed = 8
        [abc]
        population = 80
        rejection_candidates = 600
        generations = 3
        [parameters]
        mu = { low = 0.0, high = 1.0 }
        spread = { low = 0.0, high = 1.0 }
        drift = { low = 0.0, high = 1.0 }
    """ + patterns)
    rc, out, err = mus("calibrate", spec, "--out", tmp_path / "cal", "--workers", "1", "--no-progress")
    assert rc == 0, err
    table = interval_contains(tmp_path / "cal", truth, min_narrowing=0.5)
    summary = json.loads((tmp_path / "cal" / "summary.json").read_text())
    assert summary["meets_patterns"] is True and 0 < summary["share_meeting"]["all"] <= 1  # measured 0.36
    assert 10 < summary["effective_sample_size"] <= 80
    history = pd.read_csv(tmp_path / "cal" / "history.csv")
    assert (history["effective_sample_size"] > 0).all()
    print(table[["posterior_5%", "posterior_95%", "narrowing"]])
