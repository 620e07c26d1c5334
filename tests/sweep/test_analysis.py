"""Analysis: replicate-noise shares, Morris on a function with known effects, OFAT and grid curves,
and the warnings that say when a sample is too small."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from experiments.sweep.engine import run_study
from experiments.sweep.functions import ishigami_indices
from experiments.sweep.spec import load_spec

from .conftest import ISHIGAMI_FACTORS, interrupt_after_part, snapshot, write_spec


def study(tmp_path, mus, body: str, name: str = "study"):
    out = tmp_path / name
    rc, _, err = mus("sweep", write_spec(tmp_path, body, name), "--out", out, "--no-progress")
    assert rc == 0, err
    return out, err


def table(out, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / "tables" / f"{name}.parquet")


@pytest.mark.slow
def test_noise_share_matches_the_known_noise_of_noisy_ishigami(tmp_path, mus):
    out, _ = study(tmp_path, mus, """
        method = "sobol"
        function = "experiments.sweep.functions:noisy_ishigami"
        N = 64
        replicates = 4
        seed = 9
        outputs = ["y", "clean"]
    """ + ISHIGAMI_FACTORS)
    noise = table(out, "noise").set_index("output")
    # y = Ishigami + N(0, 1): the noise share of one run is 1 / (13.84 + 1) = 0.067. Over 320 design points x 4
    # replicates the within-point variance has a relative SE of ~5 % and the total variance (a 320-point
    # Sobol' sample of Ishigami) ~10 %, so 0.067 +- 0.02 is > 3 SE wide yet excludes a wrong decomposition
    # (e.g. variances of means instead of runs would give ~0.018).
    expected = 1 / (ishigami_indices()["variance"]["total"] + 1)
    assert abs(noise.loc["y", "noise_share"] - expected) < 0.02
    assert noise.loc["y", "noise_share_of_means"] < noise.loc["y", "noise_share"] / 3  # 4 replicates averaged
    assert noise.loc["clean", "noise_share"] == 0  # the deterministic part has no replicate noise
    assert (out / "figures/noise.png").exists()


def test_small_sample_is_flagged_and_a_large_one_is_not(tmp_path, mus):
    head = 'method = "sobol"\nfunction = "experiments.sweep.functions:ishigami"\nreplicates = 1\nseed = 4\n'
    _, small = study(tmp_path, mus, head + "N = 8\n" + ISHIGAMI_FACTORS, "small")
    _, large = study(tmp_path, mus, head + "N = 1024\n" + ISHIGAMI_FACTORS, "large")
    assert "N is too small to read them" in small
    assert "N is too small" not in large and "1 replicate per design point" in large


def test_morris_recovers_the_effects_of_a_linear_function(tmp_path, mus):
    out, _ = study(tmp_path, mus, """
        method = "morris"
        function = "experiments.sweep.functions:linear"
        N = 10
        seed = 2
        [factors]                     # not in alphabetical order: columns must follow the spec
        x2 = { low = 0, high = 1 }
        x3 = { low = 0, high = 1 }
        x1 = { low = 0, high = 2 }
    """)
    morris = table(out, "morris").set_index("factor")
    # mu* is the change over the factor's whole range: 4 x 2 for x1, 2 x 1 for x2.
    assert morris.loc["x1", "mu_star"] == pytest.approx(8)
    # Elementary effects of a linear function are the same along every trajectory.
    assert morris.loc["x2", "mu_star"] == pytest.approx(2)
    assert morris.loc["x2", "mu"] < 0 < morris.loc["x1", "mu"]
    assert morris.loc["x3", "mu_star"] == pytest.approx(0, abs=1e-12)
    assert morris["sigma"].max() == pytest.approx(0, abs=1e-9)
    assert (out / "figures/morris_y.svg").exists()


CHOICE_STUDY = """
    method = "{method}"
    function = "experiments.sweep.functions:choice_and_number"
    N = 3
    replicates = 10
    seed = 5
    [factors]
    kind = {{ choices = ["low", "mid", "high"] }}
    x = {{ low = 0, high = 1 }}
"""


def test_ofat_curves_follow_each_factor_alone_with_replicate_bands(tmp_path, mus):
    out, _ = study(tmp_path, mus, CHOICE_STUDY.format(method="ofat"))
    curves = table(out, "curves").set_index(["factor", "level"])
    # y = shift(kind) + x + N(0, 0.1^2); base: kind = "low" (first choice), x = 0.5 (mid-range).
    # 10 replicates: SE of a mean 0.03, so 0.1 is a > 3 SE tolerance.
    for level, shift in {"low": 0.0, "mid": 1.0, "high": 3.0}.items():
        assert curves.loc[("kind", level), "mean"] == pytest.approx(shift + 0.5, abs=0.1)
    for level, x in {"0.0": 0.0, "0.5": 0.5, "1.0": 1.0}.items():
        row = curves.loc[("x", level)]
        assert row["mean"] == pytest.approx(x, abs=0.1)
        assert row["q05"] < row["mean"] < row["q95"] and row["q95"] - row["q05"] < 0.5  # band ~ +-1.6 sd
    assert (out / "figures/curves_y.png").exists()


def test_grid_main_effects_average_over_the_other_factors(tmp_path, mus):
    out, _ = study(tmp_path, mus, CHOICE_STUDY.format(method="grid"))
    curves = table(out, "curves").set_index(["factor", "level"])
    assert curves.loc[("kind", "high"), "n"] == 30  # 3 levels of x x 10 replicates
    assert curves.loc[("kind", "high"), "mean"] == pytest.approx(3.0 + 0.5, abs=0.1)  # mean of x levels 0.5
    assert curves.loc[("x", "1.0"), "mean"] == pytest.approx(1.0 + 4.0 / 3, abs=0.1)  # mean shift 4/3


@pytest.mark.slow
def test_second_order_and_group_indices_match_ishigami(tmp_path, mus):
    head = 'method = "sobol"\nfunction = "experiments.sweep.functions:ishigami"\nN = 1024\nseed = 6\n'
    truth = ishigami_indices()
    out, _ = study(tmp_path, mus, head + "second_order = true\n" + ISHIGAMI_FACTORS, "s2")
    s2 = table(out, "sobol_s2").set_index(["factor_a", "factor_b"])
    # The only interaction of Ishigami is x1-x3, with S13 = ST3 (= 0.244); x1-x2 and x2-x3 have none. The
    # 95 % CIs at N = 1024 are ~0.1 wide, so this separates 0.244 from 0.
    for pair, value in {("x1", "x3"): truth["ST"]["x3"], ("x1", "x2"): 0.0, ("x2", "x3"): 0.0}.items():
        assert abs(s2.loc[pair, "S2"] - value) <= s2.loc[pair, "S2_conf"], pair

    grouped = ISHIGAMI_FACTORS.replace("x1 = { low", 'x1 = { group = "a", low').replace(
        "x3 = { low", 'x3 = { group = "a", low').replace("x2 = { low", 'x2 = { group = "b", low')
    out, _ = study(tmp_path, mus, head + grouped, "groups")
    groups = table(out, "sobol").set_index("factor")
    # Group {x1, x3} holds V1 + V13 and group {x2} holds V2: S1 = ST = 0.558 and 0.442 (no interaction across).
    for group, value in {"a": truth["ST"]["x1"], "b": truth["S1"]["x2"]}.items():
        for index in ("S1", "ST"):
            assert abs(groups.loc[group, index] - value) <= groups.loc[group, f"{index}_conf"], (group, index)


def test_analyze_refuses_an_unfinished_study_in_one_line(tmp_path, mus):
    (tmp_path / "nothing").mkdir()
    rc, _, err = mus("analyze", tmp_path / "nothing")
    assert rc == 2 and err.count("\n") == 1 and "manifest.json" in err


def test_analyze_rewrites_a_finished_studys_tables_and_figures_from_its_results_alone(tmp_path, mus):
    out, _ = study(tmp_path, mus, """
        method = "sobol"
        function = "experiments.sweep.functions:noisy_ishigami"
        N = 32
        replicates = 2
        seed = 6
    """ + ISHIGAMI_FACTORS)
    written = {name: (out / "tables" / name).read_bytes() for name in ("sobol.parquet", "noise.parquet")}
    saved = {k: v for k, v in snapshot(out).items() if not k.startswith(("tables", "figures", "warnings"))}
    shutil.rmtree(out / "tables")
    shutil.rmtree(out / "figures")
    (out / "warnings.txt").unlink()
    rc, stdout, err = mus("analyze", out)
    assert rc == 0, err
    assert stdout.startswith("  y: x") and "ST" in stdout  # the most influential factors, for the terminal
    for name, data in written.items():  # the same indices and CIs (the bootstrap is seeded): nothing re-sampled
        assert (out / "tables" / name).read_bytes() == data, name
    assert (out / "figures/sobol_y.png").stat().st_size > 0 and (out / "warnings.txt").exists()
    assert {k: v for k, v in snapshot(out).items() if k in saved} == saved  # runs, results, manifest untouched


def test_analyze_refuses_an_interrupted_study_in_one_line_touching_nothing(tmp_path, mus, monkeypatch):
    spec = write_spec(tmp_path, """
        method = "sobol"
        function = "experiments.sweep.functions:ishigami"
        N = 16
    """ + ISHIGAMI_FACTORS)
    with monkeypatch.context() as m:
        interrupt_after_part(m, 1)
        with pytest.raises(KeyboardInterrupt):
            run_study(load_spec(spec), tmp_path / "out", workers=1, progress=False)
    before = snapshot(tmp_path / "out")
    rc, stdout, err = mus("analyze", tmp_path / "out")
    assert rc == 2 and stdout == "" and err.count("\n") == 1 and "not finished" in err, err
    assert snapshot(tmp_path / "out") == before
