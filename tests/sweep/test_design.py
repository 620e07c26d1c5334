"""Designs and seeds: sizes, categorical and integer bins, OFAT and grid layouts, the seed rule."""

from __future__ import annotations

import numpy as np

from experiments.sweep.design import build_design, problem, run_seed, run_table
from experiments.sweep.spec import load_spec
from model.registry import MOBILISATION_ORDERS

from .conftest import BASELINE, write_spec


def model_spec(tmp_path, method: str, factors: str, extra: str = "N = 64"):
    return load_spec(write_spec(tmp_path, f'method = "{method}"\nbase = "{BASELINE}"\n{extra}\n[factors]\n{factors}'))


def test_sobol_design_has_saltelli_size_and_keeps_the_raw_sample(tmp_path):
    spec = model_spec(tmp_path, "sobol", "guidance = {}\nmobilisation_order = {}\ncore_group_size = { low = 2, high = 5 }\n")
    design = build_design(spec)
    assert len(design) == 64 * (3 + 2)  # N (D + 2) without second order
    assert list(design["point"]) == list(range(len(design)))
    assert {"x.guidance", "x.mobilisation_order", "x.core_group_size"} <= set(design.columns)
    assert problem(spec)["bounds"][1] == [0.0, 1.0]  # a categorical factor is a uniform [0, 1] variable


def test_categorical_factor_gets_equal_bins_so_every_choice_is_equally_likely(tmp_path):
    spec = model_spec(tmp_path, "sobol", "mobilisation_order = {}\nguidance = {}\n", "N = 256")
    counts = build_design(spec)["mobilisation_order"].value_counts()
    assert set(counts.index) == set(MOBILISATION_ORDERS)
    # 1,024 points of a scrambled Sobol' sequence over 7 equal bins: low discrepancy keeps each bin within a
    # few points of 1024/7 = 146 (i.i.d. sampling would have sd ~11); 10 % is far outside what order-mapping
    # bugs (e.g. the last bin catching u = 1 only, or bins of unequal width) would give.
    assert (abs(counts - 1024 / 7) < 0.1 * 1024 / 7).all(), counts
    x = build_design(spec)[["x.mobilisation_order", "mobilisation_order"]]
    expected = np.array(MOBILISATION_ORDERS)[np.minimum((x["x.mobilisation_order"] * 7).astype(int), 6)]
    assert (x["mobilisation_order"].to_numpy() == expected).all()


def test_integer_factor_bins_cover_every_integer_evenly(tmp_path):
    spec = model_spec(tmp_path, "sobol", "core_group_size = { low = 2, high = 5 }\nguidance = {}\n", "N = 256")
    counts = build_design(spec)["core_group_size"].value_counts()
    assert sorted(counts.index) == [2, 3, 4, 5]
    assert (abs(counts - 1024 / 4) < 0.1 * 1024 / 4).all(), counts  # rounding instead would halve 2 and 5


def test_ofat_design_moves_one_factor_at_a_time_from_the_base(tmp_path):
    spec = model_spec(tmp_path, "ofat", "guidance = {}\nmobilisation_order = { choices = ['top_down', 'bottom_up'] }\n"
                      "project_exit_month = { values = [12, 24] }\n", "N = 5")
    design = build_design(spec)
    assert len(design) == 1 + 5 + 2 + 2
    base = design.iloc[0]
    assert base["ofat_factor"] == "" and base["guidance"] == 0.5 and base["project_exit_month"] == 54
    for factor, rows in design.iloc[1:].groupby("ofat_factor"):
        others = [c for c in spec.factor_names if c != factor]
        assert (rows[others] == base[others]).all().all()
    assert list(design.loc[design["ofat_factor"] == "guidance", "guidance"]) == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_grid_design_is_the_cartesian_product(tmp_path):
    spec = model_spec(tmp_path, "grid", "guidance = {}\nmobilisation_order = { choices = ['top_down', 'bottom_up'] }\n", "N = 3")
    design = build_design(spec)
    assert len(design) == 6 and not design.duplicated(spec.factor_names).any()


def test_seeds_depend_on_study_seed_point_and_replicate_only(tmp_path):
    spec = model_spec(tmp_path, "ofat", "guidance = {}\n", "N = 4\nreplicates = 3\nseed = 5")
    runs = run_table(spec, build_design(spec))
    assert list(runs["run_id"]) == list(range(15))
    assert runs["seed"].is_unique and (runs["seed"] >= 0).all()
    assert runs.loc[7, "seed"] == run_seed(5, int(runs.loc[7, "point"]), int(runs.loc[7, "replicate"]))
    assert run_seed(5, 2, 1) != run_seed(6, 2, 1) and run_seed(5, 2, 1) != run_seed(5, 1, 2)
    # pinned values: a change to the rule would silently change the numbers of every stored study
    assert (run_seed(5, 2, 1), run_seed(0, 0, 0)) == (8434048924178191688, 7896617691693857887)
