"""Spec checking: every shipped spec loads; every bad spec is refused with one line naming the field,
exit code 2, and nothing written."""

from __future__ import annotations

import pytest

from experiments.sweep.design import build_design
from experiments.sweep.spec import load_spec
from model.registry import REGISTRY, numeric

from .conftest import BASELINE, ISHIGAMI_FACTORS, REPO, write_spec

MODEL_HEAD = f'method = "sobol"\nbase = "{BASELINE}"\nN = 8\n'

BAD_SPECS = [
    # (spec text, text the one-line message must contain)
    (MODEL_HEAD + "[factors]\nguidanse = {}\n", "factors.guidanse: unknown parameter; did you mean factors.guidance"),
    (MODEL_HEAD + "[factors]\nguidance = { low = 0.5, high = 0.5 }\n", "factors.guidance: empty range"),
    (MODEL_HEAD + "[factors]\nguidance = { low = 0.8, high = 0.2 }\n", "factors.guidance: inverted range"),
    (MODEL_HEAD + "[factors]\nguidance = { low = -0.5 }\n", "factors.guidance.low: -0.5 is outside the registry range"),
    (MODEL_HEAD + "[factors]\nmeetings_per_year = { high = 30 }\n", "factors.meetings_per_year.high: 30 is outside"),
    (MODEL_HEAD + "[factors]\nmobilisation_order = { choices = ['top_down', 'sideways'] }\n",
     "factors.mobilisation_order.choices: 'sideways' is not allowed"),
    (MODEL_HEAD + "[factors]\nmobilisation_order = { low = 0 }\n", "factors.mobilisation_order: a categorical"),
    (MODEL_HEAD + "[factors]\nguidance = { values = [0.1, 0.2] }\n", "factors.guidance.values: explicit values are only"),
    (MODEL_HEAD + "[factors]\nguidance = { colour = 1 }\n", "factors.guidance.colour: unknown key"),
    (MODEL_HEAD + "outputs = ['uptake_finale']\n[factors]\nguidance = {}\n", "outputs.uptake_finale: unknown output"),
    (MODEL_HEAD + "replicate = 3\n[factors]\nguidance = {}\n", "replicate: unknown key; did you mean replicates"),
    (MODEL_HEAD + "[factors]\n", "factors: no factors"),
    (MODEL_HEAD.replace("N = 8", "N = 100") + "[factors]\nguidance = {}\n", "N: sobol needs a power of 2"),
    (MODEL_HEAD.replace("N = 8\n", "") + "[factors]\nguidance = {}\n", "N: missing"),
    (MODEL_HEAD.replace("sobol", "morris").replace("N = 8", "N = 1") + "[factors]\nguidance = {}\n",
     "N: morris needs at least 2 trajectories"),
    (MODEL_HEAD.replace("sobol", "morris") + "[factors]\nmobilisation_order = {}\n",
     "factors.mobilisation_order: morris with levels = 4 visits only 4 of its 7 choices"),
    (MODEL_HEAD.replace("sobol", "ofat").replace("N = 8", "N = 1") + "[factors]\nguidance = {}\n",
     "N: ofat needs at least 2 levels"),
    (MODEL_HEAD.replace("sobol", "sobolev") + "[factors]\nguidance = {}\n", "method: 'sobolev' is not one of"),
    (MODEL_HEAD + "replicates = 0\n[factors]\nguidance = {}\n", "replicates: 0 is below the minimum 1"),
    (MODEL_HEAD + "seed = -1\n[factors]\nguidance = {}\n", "seed: -1 is below the minimum 0"),
    (MODEL_HEAD.replace(str(BASELINE), "nowhere.toml") + "[factors]\nguidance = {}\n", "base: 'nowhere.toml' not found"),
    (MODEL_HEAD + "levels = 6\n[factors]\nguidance = {}\n", "levels: only for morris"),
    ('method = "sobol"\nfunction = "experiments.sweep.functions:nothing"\nN = 8\n' + ISHIGAMI_FACTORS,
     "function: cannot import"),
    ('method = "sobol"\nfunction = "experiments.sweep.functions:ishigami"\nN = 8\n[factors]\nx1 = { low = 0 }\n',
     "factors.x1.high: missing"),
    (MODEL_HEAD + "[factors\nguidance = {}\n", "not valid TOML"),
]


@pytest.mark.parametrize("body,message", BAD_SPECS, ids=[m.split(":")[0] + str(i) for i, (_, m) in enumerate(BAD_SPECS)])
def test_bad_spec_is_refused_in_one_line_and_writes_nothing(tmp_path, mus, body, message):
    spec = write_spec(tmp_path, body)
    out = tmp_path / "out"
    rc, stdout, stderr = mus("sweep", spec, "--out", out, "--no-progress")
    assert rc == 2
    assert stderr.count("\n") == 1 and message in stderr, stderr
    assert stdout == ""
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study.toml"]


def test_function_output_missing_is_refused_before_anything_is_written(tmp_path, mus):
    spec = write_spec(tmp_path, 'method = "sobol"\nfunction = "experiments.sweep.functions:ishigami"\nN = 8\n'
                                'outputs = ["z"]\n' + ISHIGAMI_FACTORS)
    rc, _, stderr = mus("sweep", spec, "--out", tmp_path / "out")
    assert rc == 2 and "outputs.z: the target does not give it" in stderr and stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_missing_spec_file_is_one_line(tmp_path, mus):
    rc, _, stderr = mus("sweep", tmp_path / "absent.toml")
    assert rc == 2 and "no such config file" in stderr and stderr.count("\n") == 1


def test_ranges_default_to_the_registry_and_may_be_narrowed(tmp_path):
    spec = load_spec(write_spec(tmp_path, MODEL_HEAD + "[factors]\nguidance = {}\nmediation = { low = 0.25 }\n"))
    guidance, mediation = spec.factors
    assert (guidance.low, guidance.high) == (REGISTRY["guidance"].low, REGISTRY["guidance"].high)
    assert (mediation.low, mediation.high) == (0.25, REGISTRY["mediation"].high)
    assert guidance.base == REGISTRY["guidance"].default


def test_include_numeric_takes_every_numeric_non_structural_parameter(tmp_path):
    spec = load_spec(write_spec(tmp_path, MODEL_HEAD.replace("sobol", "morris") + 'include = "numeric"\n'
                                "[factors.bass_p]\nhigh = 0.02\n"))
    assert spec.factor_names == [p.name for p in numeric()]
    assert not any(REGISTRY[n].structural for n in spec.factor_names)
    assert spec.factors[spec.factor_names.index("bass_p")].high == 0.02


def test_base_scenario_sets_steps_seed_and_parameters(tmp_path):
    spec = load_spec(write_spec(tmp_path, MODEL_HEAD + "[factors]\nguidance = {}\n"))
    assert spec.steps == 120 and spec.seed == 1  # configs/baseline.toml [run]
    assert spec.base_params["n_pilot_communities"] == 60


@pytest.mark.parametrize("path", sorted((REPO / "configs" / "sweeps").glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_specs_load_and_design(path):
    spec = load_spec(path)
    design = build_design(spec)
    assert len(design) > 0 and spec.replicates >= 1


def test_shipped_study_sizes_match_their_comments():
    specs = {name: load_spec(REPO / "configs" / "sweeps" / f"{name}.toml") for name in ("morris_screening", "sobol_core", "ofat")}
    sizes = {name: len(build_design(spec)) * spec.replicates for name, spec in specs.items()}
    assert sizes == {"morris_screening": 20 * 70 * 16, "sobol_core": 256 * 11 * 5, "ofat": (1 + 12 * 7 + 4) * 10}
