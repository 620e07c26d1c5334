"""Page 3, "Compare": two scenarios side by side over many replicates (median and 10-90 % band over time).

The replicates run in a worker thread (a Solara task) that reports its progress, so the page stays
responsive; a new run or Cancel stops the previous one between replicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import solara
import solara.lab

import model
from experiments.io import UserError
from experiments.strategies import load_strategy, strategy_files

from . import charts, presets, state

DEFAULTS_LABEL = "Defaults (no changes)"
LIVE_LABEL = "Live alliance settings"
COMPARE_OUTPUTS = ("uptake", "uptake_pilot", "enabling_env", "members", "mean_trust", "cost")
SUMMARY_SHOWN = ("uptake_final", "uptake_pilot_final", "enabling_env_final", "policy_adoption_final",
                 "members_final", "mean_trust_final", "dropouts", "conflicts_arisen", "cost_total", "months_to_25")
QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class Contender:
    """A scenario that can be compared: parameter overrides, horizon and first seed."""

    label: str
    params: dict[str, Any] = field(default_factory=dict)
    steps: int = 120
    seed: int = 1


@dataclass
class Comparison:
    labels: tuple[str, str]
    bands: dict[str, pd.DataFrame]  # label -> step, output, q10, median, q90
    summary: pd.DataFrame  # one row per summary output: median of each scenario and the difference
    replicates: int
    steps: int


BASELINE = presets.REPO_ROOT / "configs" / "baseline.toml"
STRATEGY_LABEL = "Strategy: {}"


def available_contenders(folder: Path = presets.TEACHING_DIR, strategies: list[Path] | None = None) -> dict[str, Contender]:
    """The defaults, every loadable teaching preset and every loadable funding strategy
    (configs/strategies/, applied to the baseline country as `mus-alliance compare` does)."""
    found = {DEFAULTS_LABEL: Contender(DEFAULTS_LABEL)}
    for preset in presets.discover_presets(folder):
        if preset.scenario is not None:
            s = preset.scenario
            found[s.name] = Contender(s.name, dict(s.params), int(s.steps), int(s.seed))
    try:
        base = model.load_scenario(BASELINE)
    except model.ConfigError:
        return found
    for path in strategy_files() if strategies is None else strategies:
        try:
            strategy = load_strategy(path, base)
        except (model.ConfigError, UserError):
            continue  # a broken strategy file is reported by `mus-alliance compare`, not here
        label = STRATEGY_LABEL.format(strategy.name)
        found[label] = Contender(label, dict(strategy.params), int(base.steps), int(base.seed))
    return found


def live_contender() -> Contender:
    """The parameters and seed currently set on the Live alliance page."""
    return Contender(LIVE_LABEL, state.current_overrides(), seed=int(state.seed.value))


def replicate_seeds(first_seed: int, replicates: int) -> list[int]:
    return [first_seed + k for k in range(replicates)]


def band_over_time(timeseries: list[pd.DataFrame], outputs: tuple[str, ...]) -> pd.DataFrame:
    """Per month and output, the 10th percentile, median and 90th percentile over replicates."""
    rows = []
    steps = timeseries[0]["step"].to_numpy()
    for name in outputs:
        values = np.vstack([ts[name].to_numpy(dtype=float) for ts in timeseries])  # replicates x months
        q10, median, q90 = np.nanquantile(values, QUANTILES, axis=0)
        rows.append(pd.DataFrame({"step": steps, "output": name, "q10": q10, "median": median, "q90": q90}))
    return pd.concat(rows, ignore_index=True)


def summary_table(summaries: dict[str, list[dict]], labels: tuple[str, str]) -> pd.DataFrame:
    a, b = labels
    rows = []
    for name in SUMMARY_SHOWN:
        if name not in model.SUMMARY_OUTPUTS:
            continue
        median_a = float(np.nanmedian([s[name] for s in summaries[a]]))
        median_b = float(np.nanmedian([s[name] for s in summaries[b]]))
        rows.append({"output": name, "A median": round(median_a, 3), "B median": round(median_b, 3),
                     "B − A": round(median_b - median_a, 3)})
    return pd.DataFrame(rows)


def compare_scenarios(
    first: Contender,
    second: Contender,
    replicates: int,
    steps: int,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
    should_continue: Callable[[], bool] = lambda: True,
) -> Comparison | None:
    """Run both scenarios ``replicates`` times (same seeds for both); None when stopped early."""
    labels = (f"A: {first.label}", f"B: {second.label}")
    timeseries: dict[str, list[pd.DataFrame]] = {label: [] for label in labels}
    summaries: dict[str, list[dict]] = {label: [] for label in labels}
    total = 2 * replicates
    for k, seed in enumerate(replicate_seeds(first.seed, replicates)):
        for j, (label, contender) in enumerate(zip(labels, (first, second))):
            if not should_continue():
                return None
            result = model.run_model(contender.params, seed=seed, steps=steps)
            timeseries[label].append(result.timeseries)
            summaries[label].append(result.summary)
            on_progress(2 * k + j + 1, total)
    outputs = tuple(name for name in COMPARE_OUTPUTS if name in model.OUTPUTS)
    bands = {label: band_over_time(timeseries[label], outputs) for label in labels}
    return Comparison(labels, bands, summary_table(summaries, labels), replicates, steps)


@solara.lab.task(prefer_threaded=True)
def comparison_task(first: Contender, second: Contender, replicates: int, steps: int) -> Comparison | None:
    def report(done: int, total: int) -> None:
        comparison_task.progress = 100.0 * done / total

    comparison_task.progress = 0.0
    return compare_scenarios(first, second, replicates, steps, report, comparison_task.is_current)


@solara.component
def ComparisonResult(comparison: Comparison):
    outputs = tuple(comparison.bands[comparison.labels[0]]["output"].unique())
    png = solara.use_memo(lambda: charts.plot_comparison(comparison.bands, outputs), [comparison])
    solara.Markdown(f"**Median and 10–90 % band over {comparison.replicates} replicates, "
                    f"{comparison.steps} months** — {comparison.labels[0]} (blue) vs {comparison.labels[1]} (red)")
    solara.Image(png, width="100%", classes=["comparison-chart"])
    solara.DataFrame(comparison.summary, items_per_page=len(comparison.summary))


def pick_default(labels: list[str], wanted: str, fallback: int) -> str:
    return next((label for label in labels if wanted in label.lower()), labels[min(fallback, len(labels) - 1)])


@solara.component
def ComparePage(folder: Path = presets.TEACHING_DIR):
    solara.Title("MUS Learning Alliance · Compare")
    contenders = solara.use_memo(lambda: available_contenders(folder), [str(folder)])
    contenders = {**contenders, LIVE_LABEL: live_contender()}
    labels = list(contenders)
    first = solara.use_reactive(pick_default(labels, "top-down", 0))
    second = solara.use_reactive(pick_default(labels, "bottom-up", 1))
    replicates = solara.use_reactive(10)
    steps = solara.use_reactive(contenders[first.value].steps if first.value in contenders else 120)

    def start() -> None:
        comparison_task(contenders[first.value], contenders[second.value], int(replicates.value), int(steps.value))

    with solara.Column(style={"max-width": "1100px"}):
        solara.Markdown("## Compare two scenarios\nBoth run with the same seeds; the band shows how much runs "
                        "differ by chance alone.")
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Select(label="Scenario A", values=labels, value=first, style={"min-width": "260px"})
            solara.Select(label="Scenario B", values=labels, value=second, style={"min-width": "260px"})
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            with solara.Div(style={"min-width": "260px"}):
                solara.SliderInt("Replicates", value=replicates, min=2, max=50, thumb_label="always")
            with solara.Div(style={"min-width": "260px"}):
                solara.SliderInt("Months", value=steps, min=12, max=240, step=12, thumb_label="always")
            solara.Button("Run comparison", icon_name="mdi-play", color="primary", on_click=start,
                          disabled=comparison_task.pending, classes=["run-comparison-button"])
            solara.Button("Cancel", on_click=comparison_task.cancel, disabled=not comparison_task.pending,
                          outlined=True)
        if comparison_task.pending:
            progress = comparison_task.progress or 0.0
            solara.ProgressLinear(progress)
            solara.Text(f"Running replicates… {progress:.0f} %", classes=["compare-progress"])
        elif comparison_task.error:
            solara.Error(f"Comparison failed: {comparison_task.exception}")
        elif comparison_task.cancelled:
            solara.Warning("Comparison cancelled.")
        elif comparison_task.finished and comparison_task.value is not None:
            ComparisonResult(comparison_task.value)
        else:
            solara.Text("Pick two scenarios and press Run comparison.")
