"""The figures of a model study speak to people: factors by the registry's plain label and the range studied,
outputs by the output registry's label and unit, never code names; a Sobol index the study does not tell apart
from no effect is drawn hatched and the figure says so. A function's factors keep their names."""

from __future__ import annotations

import pandas as pd

from experiments.sweep.analysis import Analysis
from experiments.sweep.figures import factor_label, output_label, sobol_figure
from model import outputs
from model.registry import REGISTRY

FACTORS = {"pilots_per_year": {"kind": "float", "low": 2.0, "high": 24.0},
           "guidance": {"kind": "float", "low": 0.0, "high": 1.0},
           "mobilisation_order": {"kind": "choice", "choices": ["top_down", "bottom_up", "core_group"]}}


def analysis(model: bool, noise_share: float) -> Analysis:
    sobol = pd.DataFrame({
        "output": "uptake_final", "factor": list(FACTORS),
        # pilots: both told apart; guidance: S1 interval reaches 0, ST interval above the noise share only
        # when the share is small; mobilisation order: nothing told apart
        "S1": [0.5, 0.10, 0.02], "S1_conf": [0.1, 0.15, 0.05],
        "ST": [0.7, 0.45, 0.20], "ST_conf": [0.1, 0.1, 0.1],
    })
    noise = pd.DataFrame({"output": ["uptake_final"], "noise_share_of_means": [noise_share], "noise_share": [0.6]})
    return Analysis("sobol", {"sobol": sobol, "noise": noise}, model=model, factors=FACTORS, replicates=4)


def hatched_bars(fig) -> int:
    ax = fig.axes[0]
    return sum(1 for p in ax.patches if p.get_hatch() and p.get_width() != 0)


def texts(fig) -> str:
    ax = fig.axes[0]
    return " ".join([t.get_text() for t in ax.get_yticklabels()] + [ax.get_title(loc="left"), ax.get_xlabel()]
                    + [t.get_text() for t in ax.get_legend().get_texts()])


def test_a_model_studys_sobol_figure_uses_plain_labels_and_ranges_never_code_names():
    fig = sobol_figure("uptake_final", analysis(model=True, noise_share=0.1).tables["sobol"], analysis(True, 0.1))
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == [f"{REGISTRY['mobilisation_order'].label} (3 choices)", f"{REGISTRY['guidance'].label} (0 to 1)",
                     f"{REGISTRY['pilots_per_year'].label} (2 to 24 per year)"]  # sorted by ST, weakest first
    assert outputs.output("uptake_final").label in fig.axes[0].get_title(loc="left")
    for code in ("uptake_final", "pilots_per_year", "mobilisation_order"):
        assert code not in texts(fig)


def test_indices_not_told_apart_from_no_effect_are_hatched_and_the_caption_says_so():
    # noise share 0.1: guidance's ST interval [0.35, 0.55] clears it; S1 intervals of guidance and the order
    # reach 0, the order's ST interval [0.1, 0.3] reaches 0.1: 3 hatched bars
    low_noise = analysis(True, 0.1)
    fig = sobol_figure("uptake_final", low_noise.tables["sobol"], low_noise)
    assert hatched_bars(fig) == 3
    assert "does not tell that index from no effect" in fig.axes[0].get_xlabel()
    assert "10%" in fig.axes[0].get_xlabel()  # chance's share, which every ST carries
    # noise share 0.4: guidance's ST no longer clears chance: 4 hatched bars
    high_noise = analysis(True, 0.4)
    assert hatched_bars(sobol_figure("uptake_final", high_noise.tables["sobol"], high_noise)) == 4


def test_a_functions_factors_and_outputs_keep_their_names():
    fn = analysis(model=False, noise_share=0.1)
    assert factor_label("guidance", fn) == "guidance" and output_label("uptake_final", fn) == "uptake_final"
    assert factor_label("x1", analysis(True, 0.1)) == "x1"  # not a registry parameter (a group, a function's factor)
