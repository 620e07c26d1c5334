"""What a calibration writes: tables, figures, warnings and the plausible worlds.

- ``candidates``: every evaluated candidate (generation, number, parameter values, each pattern's statistic,
  distance, error, whether it is in the posterior and its weight);
- ``posterior``: the accepted parameter sets with weights and, per pattern, the share of the set's replicates
  that meet it (``meets NAME``; 1 or 0 for a pattern judged on its aggregate) and of those meeting all;
- ``patterns``: per pattern its target and source, the share of prior draws' runs (generation 0) and the
  weighted share of the posterior's runs that meet it, and the posterior's statistic (median, 5-95%);
- ``parameters``: per free parameter the prior range, the posterior median and 90% interval, and how much
  the posterior narrows it (1 - width of the posterior's 90% interval / width of the prior's);
- ``history``: per generation epsilon, candidates tried, accepted, acceptance rate, effective sample size,
  runs and seconds;
- ``warnings.txt``: patterns no accepted set meets, patterns that contradict each other (no candidate meets
  both although each alone is met often), parameters the patterns do not constrain (narrowing < 0.25);
- ``figures/``: posterior against prior per parameter, pattern fit, pairwise posterior of the two most
  constrained parameters (PNG and SVG);
- ``worlds.parquet``: the posterior as plausible worlds (world, weight, parameters) for ``--worlds``, its
  metadata saying whether they meet the patterns, the share meeting each, the effective sample size and the
  spec's hash (:mod:`experiments.worlds`); ``summary.json`` says the same.

**Worlds that do not meet their patterns.** When some pattern is met by none of the posterior's runs, or no
run meets every pattern at once, the worlds are written but marked (``meets_patterns = no``), and the commands
that play in worlds refuse them unless told ``--allow-unmet-worlds``.
"""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import atomic_write_json, atomic_write_text, write_table
from ..worlds import write_worlds
from .abc import Result, effective_sample_size

UNCONSTRAINED = 0.25  # narrowing below this: the patterns do not constrain the parameter


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x, kind="stable")
    x, w = np.asarray(x, dtype=float)[order], np.asarray(w, dtype=float)[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cdf, x))


def met(result: Result, table: pd.DataFrame) -> pd.DataFrame:
    """Per row and pattern: the share of the candidate's replicates that meet it (NaN for a failed run)."""
    return pd.DataFrame({p.name: table[f"met.{p.name}"].to_numpy(dtype=float) for p in result.spec.patterns},
                        index=table.index)


def weighted_share(values, weights) -> float:
    v, w = np.asarray(values, dtype=float), np.asarray(weights, dtype=float)
    return float((w * np.nan_to_num(v)).sum() / w.sum()) if w.sum() > 0 else math.nan


def posterior_table(result: Result) -> pd.DataFrame:
    spec, pop = result.spec, result.posterior.population
    table = pop[["generation", "candidate", *(p.name for p in spec.parameters), "weight",
                 *(p.name for p in spec.patterns), "distance"]].reset_index(drop=True)
    hits = met(result, pop.reset_index(drop=True))
    for p in spec.patterns:
        table[f"meets {p.name}"] = hits[p.name]
    table["meets all"] = pop["met_all"].to_numpy(dtype=float)
    return table


def parameter_table(result: Result, post: pd.DataFrame) -> pd.DataFrame:
    rows = []
    w = post["weight"].to_numpy()
    for p in result.spec.parameters:
        x = post[p.name].to_numpy(dtype=float)
        lo, med, hi = (weighted_quantile(x, w, q) for q in (0.05, 0.5, 0.95))
        narrowing = 1 - (hi - lo) / (0.9 * (p.high - p.low))
        rows.append({"parameter": p.name, "label": p.label, "prior_low": p.low, "prior_high": p.high,
                     "posterior_median": med, "posterior_5%": lo, "posterior_95%": hi, "narrowing": narrowing})
    return pd.DataFrame(rows)


def pattern_table(result: Result, post: pd.DataFrame) -> pd.DataFrame:
    spec = result.spec
    prior = result.candidates[result.candidates["generation"] == 0]
    prior_hits = met(result, prior)
    w = post["weight"].to_numpy()
    rows = []
    for p in spec.patterns:
        x = post[p.name].to_numpy(dtype=float)
        defined = ~np.isnan(x)
        rows.append({
            "pattern": p.name, "description": p.description, "statistic": p.statistic.text, "over": p.over,
            "target": p.target_text, "tolerance": p.tolerance, "weight": p.weight, "source": p.source,
            "prior_share_meeting": float(np.nanmean(prior_hits[p.name])) if len(prior_hits) else math.nan,
            "posterior_share_meeting": weighted_share(post[f"meets {p.name}"], w),
            "posterior_median": weighted_quantile(x[defined], w[defined], 0.5) if defined.any() else math.nan,
            "posterior_5%": weighted_quantile(x[defined], w[defined], 0.05) if defined.any() else math.nan,
            "posterior_95%": weighted_quantile(x[defined], w[defined], 0.95) if defined.any() else math.nan,
        })
    return pd.DataFrame(rows)


def history_table(result: Result) -> pd.DataFrame:
    reps = result.spec.replicates
    return pd.DataFrame([{
        "generation": g.number, "epsilon": g.epsilon, "candidates": g.tried, "within_epsilon": g.within,
        "accepted": g.filled, "acceptance_rate": g.within / g.tried if g.tried else math.nan,
        "effective_sample_size": effective_sample_size(g.population["weight"]) if g.filled else 0.0,
        "runs": g.tried * reps,
        "seconds": round(g.seconds, 3), "posterior": g.number == result.posterior.number,
    } for g in result.generations])


def contradictions(result: Result) -> list[tuple[str, str, float, float]]:
    """Pattern pairs that no evaluated candidate meets together although each alone is met often enough that,
    were they unrelated, at least 3 candidates would be expected to meet both (a Poisson count of mean 3 is 0
    with probability 5%)."""
    hits = met(result, result.candidates) >= 0.5  # a candidate meets a pattern in most of its replicates
    n = len(hits)
    out = []
    for a, b in itertools.combinations([p.name for p in result.spec.patterns], 2):
        expected = n * hits[a].mean() * hits[b].mean()
        if expected >= 3 and not (hits[a] & hits[b]).any():
            out.append((a, b, float(hits[a].mean()), float(hits[b].mean())))
    return out


def warnings_lines(result: Result, patterns: pd.DataFrame, parameters: pd.DataFrame) -> list[str]:
    lines = []
    n_prior = int((result.candidates["generation"] == 0).sum())
    for r in patterns.to_dict("records"):
        if r["posterior_share_meeting"] == 0:
            if r["prior_share_meeting"] == 0:
                lines.append(f"pattern {r['pattern']} ({r['target']}): no candidate of {n_prior} prior draws meets it; "
                             "the model or the prior ranges cannot produce it (posterior median "
                             f"{r['posterior_median']:.3g}).")
            else:
                lines.append(f"pattern {r['pattern']} ({r['target']}): no accepted set meets it (posterior median "
                             f"{r['posterior_median']:.3g}); it gives way to the other patterns.")
    for a, b, sa, sb in contradictions(result):
        lines.append(f"patterns {a} and {b} contradict each other: no candidate meets both, though "
                     f"{100 * sa:.0f}% of candidates meet {a} and {100 * sb:.0f}% meet {b}; the posterior is a "
                     "compromise between them, check the two targets.")
    for r in parameters.to_dict("records"):
        if r["narrowing"] < UNCONSTRAINED:
            lines.append(f"parameter {r['parameter']}: the patterns hardly constrain it (posterior 90% interval "
                         f"{r['posterior_5%']:.3g} to {r['posterior_95%']:.3g} of the prior's {r['prior_low']:.3g} to "
                         f"{r['prior_high']:.3g}); its worlds keep the prior's uncertainty.")
    return lines + result.notes


def write_outputs(result: Result) -> dict[str, pd.DataFrame]:
    root, spec = result.root, result.spec
    post = posterior_table(result)
    parameters = parameter_table(result, post)
    patterns = pattern_table(result, post)
    history = history_table(result)
    candidates = result.candidates.drop(columns=[f"x.{p.name}" for p in spec.parameters])
    key = set(zip(post["generation"], post["candidate"]))
    weights = dict(zip(zip(post["generation"], post["candidate"]), post["weight"]))
    candidates["in_posterior"] = [k in key for k in zip(candidates["generation"], candidates["candidate"])]
    candidates["weight"] = [weights.get(k, math.nan) for k in zip(candidates["generation"], candidates["candidate"])]
    write_table(candidates, root / "candidates")
    write_table(post, root / "posterior")
    write_table(parameters, root / "parameters")
    write_table(patterns, root / "patterns")
    write_table(history, root / "history")
    lines = warnings_lines(result, patterns, parameters)
    verdict = verdict_of(post, patterns)
    if not verdict["meets_patterns"]:
        lines.insert(0, "The accepted sets do not meet the patterns ("
                     + (", ".join(verdict["unmet_patterns"]) or "no run meets all of them at once")
                     + "): worlds.parquet and summary.json are marked so, and run, compare, allocate and sweep refuse "
                       "these worlds unless given --allow-unmet-worlds.")
    atomic_write_text(root / "warnings.txt", "".join(f"{line}\n" for line in lines))
    plot_posterior(result, post, root / "figures" / "posterior")
    plot_patterns(result, post, root / "figures" / "patterns")
    plot_pairs(result, post, parameters, root / "figures" / "pairs")
    if spec.is_model:
        worlds = post[[p.name for p in spec.parameters]].copy()
        for p in spec.parameters:
            if p.kind == "int":
                worlds[p.name] = worlds[p.name].round().astype("int64")
        worlds.insert(0, "weight", post["weight"].to_numpy())
        worlds.insert(0, "world", np.arange(len(worlds), dtype=np.int64))
        write_worlds(root / "worlds.parquet", worlds, {
            "mus_alliance_source": f"mus-alliance calibrate {spec.path}", "mus_alliance_generation": str(result.posterior.number),
            "mus_alliance_seed": str(spec.seed),
            "mus_alliance_meets_patterns": "yes" if verdict["meets_patterns"] else "no",
            "mus_alliance_unmet_patterns": ",".join(verdict["unmet_patterns"]),
            "mus_alliance_share_meeting": json.dumps(verdict["share_meeting"], sort_keys=True),
            "mus_alliance_effective_sample_size": f"{verdict['effective_sample_size']:.6g}",
            "mus_alliance_spec_sha256": spec.sha256(),
            "mus_alliance_judge": spec.judge,
        })  # no commit or time: the same calibration gives the same bytes
    atomic_write_json(root / "summary.json", {
        "posterior_generation": result.posterior.number, "epsilon": result.posterior.epsilon,
        "accepted": result.posterior.filled, "candidates": len(result.candidates),
        "runs": int(len(result.candidates) * spec.replicates), "seconds_this_session": round(result.seconds, 3),
        "runs_this_session": result.runs_done_now, **verdict, "spec_sha256": spec.sha256(), "judge": spec.judge,
        "warnings": lines,
    })
    return {"posterior": post, "parameters": parameters, "patterns": patterns, "history": history, "warnings": lines,
            "verdict": verdict}


def verdict_of(post: pd.DataFrame, patterns: pd.DataFrame) -> dict:
    """Whether the accepted sets meet the patterns: every pattern is met by some of the posterior's runs, and
    some runs meet all of them at once; with the weighted share of runs meeting each (and all), and the
    effective sample size of the weights."""
    share = {r["pattern"]: round(float(r["posterior_share_meeting"]), 6) for r in patterns.to_dict("records")}
    share["all"] = round(weighted_share(post["meets all"], post["weight"]), 6)
    unmet = [name for name, s in share.items() if name != "all" and not s > 0]
    return {"meets_patterns": not unmet and share["all"] > 0, "unmet_patterns": unmet, "share_meeting": share,
            "effective_sample_size": round(effective_sample_size(post["weight"]), 3)}


def summary_lines(result: Result, tables: dict) -> list[str]:
    h, par, pat = tables["history"], tables["parameters"], tables["patterns"]
    post = result.posterior
    verdict = tables["verdict"]
    lines = [f"{len(result.candidates)} candidates x {result.spec.replicates} replicates; posterior: generation "
             f"{post.number}, {post.filled} sets within epsilon {post.epsilon:.3g} (effective sample size "
             f"{verdict['effective_sample_size']:.0f}); {100 * verdict['share_meeting']['all']:.0f}% of its runs meet "
             "every pattern" + ("." if verdict["meets_patterns"] else
                                " -- THESE WORLDS DO NOT MEET THE PATTERNS (" + (", ".join(verdict["unmet_patterns"]) or
                                "none meets all at once") + "); they are marked so.")]
    for r in h.to_dict("records"):
        lines.append(f"  generation {r['generation']}: epsilon {r['epsilon']:.3g}, {r['within_epsilon']} of "
                     f"{r['candidates']} candidates within ({100 * r['acceptance_rate']:.0f}%), effective sample size "
                     f"{r['effective_sample_size']:.0f}")
    lines.append("Parameters (posterior median, 90% interval; narrowing against the prior):")
    for r in par.to_dict("records"):
        lines.append(f"  {r['parameter']:<28} {r['posterior_median']:.3g} ({r['posterior_5%']:.3g} to "
                     f"{r['posterior_95%']:.3g}); prior {r['prior_low']:.3g} to {r['prior_high']:.3g}; "
                     f"narrowed {100 * max(r['narrowing'], 0):.0f}%")
    lines.append("Patterns (share of runs meeting the target: prior draws -> posterior):")
    for r in pat.to_dict("records"):
        lines.append(f"  {r['pattern']:<28} target {r['target']:<12} {100 * r['prior_share_meeting']:.0f}% -> "
                     f"{100 * r['posterior_share_meeting']:.0f}%  (posterior median {r['posterior_median']:.3g}; {r['source']})")
    return lines


# --------------------------------------------------------------------------------------------- figures
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in (".png", ".svg"):
        fig.savefig(path.with_suffix(suffix), dpi=110)
    _plt().close(fig)


def grid(n: int, size: float = 3.2):
    plt = _plt()
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, 2.6 * rows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def plot_posterior(result: Result, post: pd.DataFrame, path: Path) -> None:
    params = result.spec.parameters
    fig, axes = grid(len(params))
    for ax, p in zip(axes, params):
        ax.hist(post[p.name], bins=20, range=(p.low, p.high), weights=post["weight"], density=True,
                color="tab:blue", alpha=0.7, label="posterior")
        ax.hlines(1 / (p.high - p.low), p.low, p.high, colors="black", linestyles="--", label="prior")
        ax.set_title(p.label if len(p.label) < 40 else p.name, fontsize=9)
        ax.set_yticks([])
    axes[0].legend(fontsize=7)
    fig.suptitle("Posterior (bars) against prior (dashed) per parameter")
    fig.tight_layout()
    save(fig, path)


def plot_patterns(result: Result, post: pd.DataFrame, path: Path) -> None:
    pats = result.spec.patterns
    fig, axes = grid(len(pats))
    prior = result.candidates[result.candidates["generation"] == 0]
    for ax, p in zip(axes, pats):
        values = [prior[p.name].dropna(), post[p.name].dropna()]
        ax.boxplot(values, orientation="horizontal", tick_labels=["prior draws", "posterior"], widths=0.6)
        lo = p.low if math.isfinite(p.low) else min(v.min() for v in values if len(v)) if any(len(v) for v in values) else 0
        hi = p.high if math.isfinite(p.high) else max(v.max() for v in values if len(v)) if any(len(v) for v in values) else 1
        ax.axvspan(lo, hi, color="tab:green", alpha=0.2)
        ax.set_title(f"{p.name}: target {p.target_text}", fontsize=9)
    fig.suptitle("Pattern fit: statistic of prior draws and posterior sets; green = target")
    fig.tight_layout()
    save(fig, path)


def plot_pairs(result: Result, post: pd.DataFrame, parameters: pd.DataFrame, path: Path) -> None:
    plt = _plt()
    order = parameters.sort_values("narrowing", ascending=False)["parameter"].tolist()
    fig, ax = plt.subplots(figsize=(5, 4.5))
    if len(order) >= 2:
        a, b = order[:2]
        pa, pb = (next(p for p in result.spec.parameters if p.name == n) for n in (a, b))
        ax.scatter(post[a], post[b], s=8 + 400 * post["weight"] / post["weight"].max() / max(1, len(post) ** 0.5),
                   alpha=0.5, color="tab:blue")
        ax.set(xlim=(pa.low, pa.high), ylim=(pb.low, pb.high), xlabel=a, ylabel=b,
               title="Posterior of the two most constrained parameters\n(axes span the prior; size = weight)")
    else:
        ax.text(0.5, 0.5, "one free parameter: see posterior.png", ha="center", va="center")
        ax.set_axis_off()
    fig.tight_layout()
    save(fig, path)
