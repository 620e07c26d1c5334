"""Page 3, "Compare": two scenarios side by side over many replicates (median and 10-90 % band over time).

The replicates run in a worker thread (a Solara task) that reports its progress, so the page stays
responsive; a new run or Cancel stops the previous one between replicates.

"Plausible worlds" (issue 9): with a worlds file (``configs/worlds/*.parquet`` or a calibration's
``results/**/worlds.parquet``), replicate r plays in the world its seed draws (:mod:`experiments.worlds`), the
same world and the same seed for both scenarios, as ``mus-alliance compare --worlds`` does; each scenario's
own settings win over the world. The band then includes what we do not know about the parameters, and the
result says so.
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
from model.alliance_table.safe_cells import safe_csv
from experiments.io import UserError
from experiments.strategies import load_strategy, strategy_files
from experiments.worlds import Worlds, load_worlds

from . import charts, presets, state
from .labels import output_label, output_unit

DEFAULTS_LABEL = "Defaults (no changes)"
LIVE_LABEL = "Live alliance settings"
# Runs stepped together between two looks at Cancel: 8 runs of 240 months take about 0.6 s of a core (at
# about 26 runs of 120 months per core-second, `make bench`), so Cancel answers within about that.
COMPARE_BATCH = 8
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
    costs: pd.DataFrame | None = None  # scenario, replicate, cost_total, uptake_final
    exit_month: int | None = None
    runs: pd.DataFrame | None = None  # scenario, replicate, seed, world (world id; -1 without worlds)
    worlds_note: str | None = None  # what the bands include, when the replicates played in plausible worlds


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
    return Contender(LIVE_LABEL, state.live_params(), seed=int(state.seed.value))


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


def is_milestone(name: str) -> bool:
    return name.startswith("months_to_")


def milestone_median(values: list[float], steps: int) -> tuple[float, int]:
    """(median month, runs that reached it): a run that never reached the milestone (NaN, or censored past
    the horizon) counts as later than every run that did, so the median is 'not reached' (NaN) when fewer
    than half the runs reached it."""
    months = np.array([v if np.isfinite(v) and v <= steps else np.inf for v in values], dtype=float)
    reached = int(np.isfinite(months).sum())
    median = float(np.median(months)) if len(months) else np.nan
    return (median if np.isfinite(median) else np.nan), reached


def shown_value(value: float, name: str) -> str:
    if not np.isfinite(value):
        return "not reached" if is_milestone(name) else "undefined"
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def summary_table(summaries: dict[str, list[dict]], labels: tuple[str, str], steps: int = 120) -> pd.DataFrame:
    """Median of each summary output per scenario and the difference, in plain words with units;
    milestones never reached within the horizon say "not reached" (with how many runs reached them)."""
    a, b = labels
    rows = []
    for name in SUMMARY_SHOWN:
        if name not in model.SUMMARY_OUTPUTS:
            continue
        values = {side: [float(s[name]) for s in summaries[side]] for side in (a, b)}
        unit = output_unit(name)
        row = {"output": output_label(name) + (f" ({unit})" if unit and unit != "-" else "")}
        if is_milestone(name):
            (ma, ra), (mb, rb) = milestone_median(values[a], steps), milestone_median(values[b], steps)
            n = len(values[a])
            row["A median"] = f"{shown_value(ma, name)} ({ra} of {n} runs reached it)"
            row["B median"] = f"{shown_value(mb, name)} ({rb} of {n} runs reached it)"
            row["B − A"] = shown_value(mb - ma, "difference") if np.isfinite(ma) and np.isfinite(mb) else "—"
        else:
            ma, mb = float(np.nanmedian(values[a])), float(np.nanmedian(values[b]))
            row["A median"], row["B median"] = shown_value(ma, name), shown_value(mb, name)
            row["B − A"] = f"{mb - ma:+.3g}" if np.isfinite(ma) and np.isfinite(mb) else "—"
        row["name"] = name
        rows.append(row)
    return pd.DataFrame(rows)


def cost_effectiveness(summaries: dict[str, list[dict]]) -> pd.DataFrame:
    """Per scenario and replicate: total cost and final uptake (the cloud a funder weighs)."""
    rows = []
    for label, runs in summaries.items():
        for k, s in enumerate(runs):
            if "cost_total" in s and "uptake_final" in s:
                rows.append({"scenario": label, "replicate": k, "cost_total": float(s["cost_total"]),
                             "uptake_final": float(s["uptake_final"])})
    return pd.DataFrame(rows, columns=["scenario", "replicate", "cost_total", "uptake_final"])


def cost_per_point(table: pd.DataFrame) -> dict[str, float]:
    """Median total cost per percentage point of final uptake, per scenario (undefined without uptake)."""
    out = {}
    for label, rows in table.groupby("scenario", sort=False):
        points = 100 * rows["uptake_final"].median()
        out[label] = float(rows["cost_total"].median() / points) if points > 0 else float("nan")
    return out


def compare_scenarios(
    first: Contender,
    second: Contender,
    replicates: int,
    steps: int,
    on_progress: Callable[[int, int], None] = lambda done, total: None,
    should_continue: Callable[[], bool] = lambda: True,
    worlds: Worlds | None = None,
) -> Comparison | None:
    """Run both scenarios ``replicates`` times (same seeds for both; with ``worlds``, replicate r plays in
    the world its seed draws, the same for both, under each scenario's own settings); None when stopped early."""
    labels = (f"A: {first.label}", f"B: {second.label}")
    timeseries: dict[str, list[pd.DataFrame]] = {label: [] for label in labels}
    summaries: dict[str, list[dict]] = {label: [] for label in labels}
    runs = []
    planned = []  # (replicate, seed, world, label, params), both scenarios of a replicate side by side
    for k, seed in enumerate(replicate_seeds(first.seed, replicates)):
        world = -1 if worlds is None else worlds.world_id(seed)
        for label, contender in zip(labels, (first, second)):
            params = contender.params if worlds is None else worlds.layer(seed, contender.params)
            planned.append((k, seed, world, label, params))
    for start in range(0, len(planned), COMPARE_BATCH):
        if not should_continue():
            return None
        batch = planned[start:start + COMPARE_BATCH]
        results = model.run_batch([(params, seed) for _, seed, _, _, params in batch], steps)
        for (k, seed, world, label, _), result in zip(batch, results):
            timeseries[label].append(result.timeseries)
            summaries[label].append(result.summary)
            runs.append({"scenario": label, "replicate": k, "seed": seed, "world": world})
        on_progress(start + len(batch), len(planned))
    outputs = tuple(name for name in COMPARE_OUTPUTS if name in model.OUTPUTS)
    bands = {label: band_over_time(timeseries[label], outputs) for label in labels}
    return Comparison(labels, bands, summary_table(summaries, labels, steps), replicates, steps,
                      cost_effectiveness(summaries), runs=pd.DataFrame(runs),
                      worlds_note=None if worlds is None else worlds.note())


@solara.lab.task(prefer_threaded=True)
def comparison_task(first: Contender, second: Contender, replicates: int, steps: int,
                    worlds: Worlds | None = None) -> Comparison | None:
    def report(done: int, total: int) -> None:
        comparison_task.progress = 100.0 * done / total

    comparison_task.progress = 0.0
    return compare_scenarios(first, second, replicates, steps, report, comparison_task.is_current, worlds)


NO_WORLDS_LABEL = "None (hand-set defaults)"


def worlds_files(root: Path = presets.REPO_ROOT) -> dict[str, Path]:
    """Worlds files a user can pick, by their path relative to ``root``: the shipped ensembles
    (configs/worlds/*.parquet) and every calibration's export (results/**/worlds.parquet)."""
    found = sorted((root / "configs" / "worlds").glob("*.parquet"))
    found += sorted((root / "results").glob("**/worlds.parquet"))
    return {str(path.relative_to(root)): path for path in found if path.is_file()}


def worlds_or_message(path: Path | None, shown_as: str | None = None) -> tuple[Worlds | None, str | None]:
    """(the worlds, None), (None, None) without a file, or (None, the one-line problem) for a bad file,
    naming the file as the chooser shows it (``shown_as``) rather than by the command-line option."""
    if path is None:
        return None, None
    try:
        return load_worlds(path), None
    except UserError as problem:
        message = str(problem)
        for prefix in (f"--worlds {Path(path).resolve()}", f"--worlds {path}"):
            if message.startswith(prefix):
                message = f"{shown_as or path}{message[len(prefix):]}"
                break
        return None, message


FIGURE_WIDTH_PX = 1060  # the figure is drawn at the size it is shown (crisp, not stretched)


def worlds_mark(path: Path | None) -> str | None:
    """The warning of a worlds file whose calibration does not meet its patterns (None for good or no worlds;
    a bad file is reported when the comparison starts). The dashboard shows it and lets the user go on: the
    commands refuse such worlds unless told --allow-unmet-worlds."""
    worlds, _ = worlds_or_message(path)
    return (worlds.mark() or None) if worlds is not None else None


def comparison_csv(comparison: Comparison) -> bytes:
    frames = [band.assign(scenario=label) for label, band in comparison.bands.items()]
    return safe_csv(pd.concat(frames, ignore_index=True)).encode()


def summary_csv(comparison: Comparison) -> bytes:
    return safe_csv(comparison.summary).encode()


@solara.component
def ComparisonResult(comparison: Comparison):
    outputs = tuple(comparison.bands[comparison.labels[0]]["output"].unique())
    png = solara.use_memo(lambda: charts.plot_comparison(comparison.bands, outputs, width_px=FIGURE_WIDTH_PX),
                          [comparison])
    solara.Markdown(f"**Median and 10–90 % band over {comparison.replicates} replicates, "
                    f"{comparison.steps} months** — {comparison.labels[0]} (blue) vs {comparison.labels[1]} (red)")
    if comparison.worlds_note:
        (solara.Warning if "do not meet" in comparison.worlds_note else solara.Info)(
            comparison.worlds_note, classes=["worlds-note"])
    with solara.Div(style={"max-width": "100%", "overflow-x": "auto"}):
        solara.Image(png, width=f"{FIGURE_WIDTH_PX}px", classes=["comparison-chart"])
    solara.DataFrame(comparison.summary.drop(columns=["name"]), items_per_page=len(comparison.summary))
    costs = comparison.costs
    has_costs = costs is not None and len(costs) > 0
    ce_png = solara.use_memo(
        lambda: charts.plot_cost_effectiveness(costs, width_px=FIGURE_WIDTH_PX // 2) if has_costs else None,
        [comparison])
    if has_costs:
        per_point = cost_per_point(costs)
        solara.Markdown("**Cost-effectiveness** — each dot is one replicate; the cross marks the medians. "
                        + " · ".join(f"{label}: {shown_value(v, 'cost')} k$ per point of uptake"
                                     for label, v in per_point.items()))
        solara.Image(ce_png, width=f"{FIGURE_WIDTH_PX // 2}px", classes=["cost-effectiveness-chart"])
    with solara.Row(style={"flex-wrap": "wrap"}, classes=["compare-exports"]):
        solara.FileDownload(png, filename="comparison.png", label="Figure (PNG)", mime_type="image/png")
        if ce_png is not None:
            solara.FileDownload(ce_png, filename="cost-effectiveness.png", label="Cost-effectiveness (PNG)",
                                mime_type="image/png")
        solara.FileDownload(lambda: comparison_csv(comparison), filename="comparison-bands.csv",
                            label="Bands (CSV)", mime_type="text/csv")
        solara.FileDownload(summary_csv(comparison), filename="comparison-summary.csv",
                            label="Summary (CSV)", mime_type="text/csv")


def pick_default(labels: list[str], wanted: str, fallback: int) -> str:
    return next((label for label in labels if wanted in label.lower()), labels[min(fallback, len(labels) - 1)])


@solara.component
def ComparePage(folder: Path = presets.TEACHING_DIR, worlds_root: Path = presets.REPO_ROOT):
    solara.Title("MUS Learning Alliance · Compare")
    contenders = solara.use_memo(lambda: available_contenders(folder), [str(folder)])
    contenders = {**contenders, LIVE_LABEL: live_contender()}
    labels = list(contenders)
    first = solara.use_reactive(pick_default(labels, "top-down", 0))
    second = solara.use_reactive(pick_default(labels, "bottom-up", 1))
    replicates = solara.use_reactive(10)
    steps = solara.use_reactive(contenders[first.value].steps if first.value in contenders else 120)
    files = solara.use_memo(lambda: worlds_files(worlds_root), [str(worlds_root)])
    worlds_choice = solara.use_reactive(NO_WORLDS_LABEL)
    worlds_problem = solara.use_reactive(None)

    def start() -> None:
        worlds, problem = worlds_or_message(files.get(worlds_choice.value), worlds_choice.value)
        worlds_problem.set(problem)
        if problem is None:
            comparison_task(contenders[first.value], contenders[second.value], int(replicates.value),
                            int(steps.value), worlds)

    with solara.Column(style={"max-width": "1100px"}):
        solara.Markdown("## Compare two scenarios\nBoth run with the same seeds. Without plausible worlds the band "
                        "shows how much runs differ by chance alone; with a worlds file each replicate also plays "
                        "in a plausible world (the same for both), so the band includes what we do not know about "
                        "the model's parameters.")
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            solara.Select(label="Scenario A", values=labels, value=first, style={"min-width": "260px"})
            solara.Select(label="Scenario B", values=labels, value=second, style={"min-width": "260px"})
            solara.Select(label="Plausible worlds", values=[NO_WORLDS_LABEL, *files], value=worlds_choice,
                          style={"min-width": "260px"})
        mark = worlds_mark(files.get(worlds_choice.value))
        if mark:
            solara.Warning(mark, classes=["worlds-mark"])
        with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
            with solara.Div(style={"min-width": "260px"}):
                solara.SliderInt("Replicates", value=replicates, min=2, max=50, thumb_label="always")
            with solara.Div(style={"min-width": "260px"}):
                solara.SliderInt("Months", value=steps, min=12, max=240, step=12, thumb_label="always")
            solara.Button(f"Run comparison ({int(replicates.value)} replicates × {int(steps.value)} months)",
                          icon_name="mdi-play", color="primary", on_click=start,
                          disabled=comparison_task.pending, classes=["run-comparison-button"])
            solara.Button("Cancel", on_click=comparison_task.cancel, disabled=not comparison_task.pending,
                          outlined=True)
        if worlds_problem.value:
            solara.Error(f"Cannot use these worlds: {worlds_problem.value}", classes=["worlds-problem"])
        elif comparison_task.pending:
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
