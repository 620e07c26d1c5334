"""Where one run's time goes, month by month: writes benchmarks/PROFILE.md (issue 17, for the batching work).

    .venv/bin/python -m benchmarks.profile_run            # default size, writes benchmarks/PROFILE.md
    .venv/bin/python -m benchmarks.profile_run --ten-x --out /tmp/PROFILE-10x.md

Three views of the same run (the default scenario, seed 1, its 120 months; building the model is timed apart):

1. **by mechanism, without a profiler**: each call of ``Alliances.step`` (read from its source, so the list
   follows the model) is wrapped in a CPU timer; CPU microseconds per month, calls of NumPy functions per month.
2. **the top 15 functions by own time under cProfile** (time per month, calls per month, time per call). cProfile
   adds a fixed cost to every Python-level call, so cheap calls look dearer than they are; the ratio of the profiled
   to the unprofiled month is printed so the figures can be scaled. NumPy's ufuncs and operators (``a + b``,
   ``a[mask]``) are not calls the profiler sees: their time counts as the caller's own time.
3. **by origin**: own time per month in the model's Python code, NumPy functions and array methods, Mesa, pandas,
   the rest.
"""

from __future__ import annotations

import argparse
import ast
import cProfile
import inspect
import os
import platform
import pstats
import statistics
import subprocess
import textwrap
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import mesa
import numpy as np

import model
from model.alliance import Alliances

from .fair_bench import TEN_X

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOP = 15
REPEATS = 3  # runs per size for the by-mechanism view (medians)


def step_calls() -> list[str]:
    """Attribute paths ``step`` calls on ``self``, in order (``fund``, ..., ``record``, ``note_milestones``)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(Alliances.step)))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            parts, value = [node.func.attr], node.func.value
            while isinstance(value, ast.Attribute):
                parts.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id == "self":
                names.append(".".join(reversed(parts)))
    return sorted(set(names), key=names.index)


def by_mechanism(params: dict, seed: int, months: int) -> tuple[dict[str, float], float, int, float]:
    """(CPU seconds per mechanism over the run, CPU seconds of all months, agents, build seconds)."""
    t0 = time.process_time()
    m = model.build_model(params, seed=seed)
    build = time.process_time() - t0
    spent: dict[str, float] = defaultdict(float)
    depth = [0]

    def wrap(name: str, fn):
        def timed(*args, **kwargs):
            if depth[0]:
                return fn(*args, **kwargs)
            depth[0] += 1
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - start
                depth[0] -= 1
        return timed

    for path in step_calls():
        owner_path, _, attr = path.rpartition(".")
        owner = m.alliances  # the single run's alliance, whose step makes the calls
        for part in filter(None, owner_path.split(".")):
            owner = getattr(owner, part)
        setattr(owner, attr, wrap(path, getattr(owner, attr)))
    t0 = time.process_time()
    m.run_for(months)
    total = time.process_time() - t0
    return dict(spent), total, len(m.agents), build


def split(t_small: float, n_small: int, t_big: float, n_big: int) -> tuple[float, float]:
    """(fixed part, part per agent) of a cost measured at two agent counts, assuming it is linear."""
    if n_small > n_big:
        t_small, n_small, t_big, n_big = t_big, n_big, t_small, n_small
    per_agent = (t_big - t_small) / (n_big - n_small)
    return t_small - per_agent * n_small, per_agent


def median_by_mechanism(params: dict, seed: int, months: int, repeats: int = REPEATS):
    """:func:`by_mechanism` for seeds seed..seed+repeats-1: the median of each figure."""
    results = [by_mechanism(params, seed + k, months) for k in range(repeats)]
    spent = {name: statistics.median(r[0].get(name, 0.0) for r in results) for name in results[0][0]}
    return (spent, statistics.median(r[1] for r in results), results[0][2], statistics.median(r[3] for r in results))


def profiled(params: dict, seed: int, months: int) -> tuple[pstats.Stats, float]:
    m = model.build_model(params, seed=seed)
    profiler = cProfile.Profile(time.process_time)  # CPU time, as everywhere here (the machine is shared)
    t0 = time.process_time()
    profiler.enable()
    m.run_for(months)
    profiler.disable()
    return pstats.Stats(profiler), time.process_time() - t0


def origin(filename: str, funcname: str) -> str:
    if "numpy" in filename or "numpy" in funcname:
        return "NumPy functions and array methods"
    if f"{os.sep}mesa{os.sep}" in filename:
        return "Mesa"
    if f"{os.sep}pandas{os.sep}" in filename or "pandas" in funcname:
        return "pandas"
    if filename.startswith(str(REPO / "model")):
        return "model/ (Python code, incl. NumPy operators inline)"
    return "Python built-ins and the rest"


def where(filename: str, line: int, funcname: str) -> str:
    if filename == "~":
        return funcname.strip("<>{}")
    path = Path(filename)
    for root, label in ((REPO, ""), (Path(np.__file__).parents[1], "")):
        try:
            return f"{path.relative_to(root)}:{line} {funcname}"
        except ValueError:
            continue
    return f"{path.name}:{line} {funcname}"


def write(out: Path, ten_x: bool, seed: int = 1, months: int = 120) -> None:
    params = dict(TEN_X) if ten_x else {}
    size = "10x" if ten_x else "default"
    load = os.getloadavg()[0]
    spent, total, agents, build = median_by_mechanism(params, seed, months)
    other = {} if ten_x else dict(TEN_X)  # the other size, for the scaling column
    spent_o, total_o, agents_o, _ = median_by_mechanism(other, seed, months)
    stats, profiled_total = profiled(params, seed, months)
    per_month = total / months
    raw = stats.stats  # (file, line, name) -> (primitive calls, calls, own time, cumulative, callers)
    own_total = sum(v[2] for v in raw.values())
    scale = per_month / (own_total / months)  # unprofiled / profiled month

    lines = [
        f"# Where a run's time goes ({size} size)",
        "",
        f"Generated by `python -m benchmarks.profile_run{' --ten-x' if ten_x else ''}` on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, commit {git_commit()}: model {model.__version__}, "
        f"Mesa {mesa.__version__}, NumPy {np.__version__}, Python {platform.python_version()}; "
        f"1-minute load average {load:.2f} on {os.cpu_count()} cores (CPU time is measured, so load matters less "
        "than for wall time, but a busy machine still inflates it by up to ~10%).",
        "",
        f"One run: {agents} agents, seed {seed}, {months} months. Building the model: {build * 1e3:.1f} ms CPU. "
        f"A month: **{per_month * 1e3:.3f} ms CPU** ({per_month / agents * 1e6:.2f} us per agent-step) without a "
        f"profiler; {profiled_total / months * 1e3:.3f} ms under cProfile ({profiled_total / total:.1f}x: the "
        "profiler's cost per call, so the cProfile figures below are dearer than real, cheap calls most).",
        "",
        "## 1. By mechanism (no profiler; the calls of `Alliances.step`, in its order)",
        "",
        f"Medians over {REPEATS} runs (seeds {seed}-{seed + REPEATS - 1}) at each size. The {'default' if ten_x else '10x'} "
        f"size ({agents_o} agents) beside it splits each cost, assuming it grows linearly with the agents, into a "
        "**fixed part** paid every month whatever the array sizes (interpreter and NumPy call overhead: what "
        "stepping replicates together can share) and a part **per agent** (work on the elements: what it cannot).",
        "",
        f"| mechanism | us per month | share of the month | {'default' if ten_x else '10x'}: us per month | "
        "fixed us per month | us per 1,000 agents | fixed share here |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rest, rest_o = total - sum(spent.values()), total_o - sum(spent_o.values())
    rows = [(f"`{name}`", seconds, spent_o.get(name, float("nan"))) for name, seconds in spent.items()]
    rows += [("(Mesa's step wrapper, the rest)", rest, rest_o), ("**a whole month**", total, total_o)]
    for label, seconds, seconds_o in rows:
        fixed, per_agent = split(seconds / months, agents, seconds_o / months, agents_o)
        lines.append(f"| {label} | {seconds / months * 1e6:,.0f} | {seconds / total:.1%} | "
                     f"{seconds_o / months * 1e6:,.0f} | {fixed * 1e6:,.0f} | {per_agent * 1e9:,.0f} | "
                     f"{fixed / (seconds / months):.0%} |")
    fixed, per_agent = split(per_month, agents, total_o / months, agents_o)
    small_n, big_n = min(agents, agents_o), max(agents, agents_o)
    lines += [
        "",
        f"A month = {fixed * 1e3:.3f} ms fixed + {per_agent * 1e9:.0f} ns per agent. If stepping replicates together "
        "shared every fixed cost and added nothing per element, a replicate would still cost its per-agent part: "
        f"at most {(fixed + per_agent * small_n) / (per_agent * small_n):.1f}x more runs per core-second at "
        f"{small_n} agents and {(fixed + per_agent * big_n) / (per_agent * big_n):.1f}x at {big_n} agents "
        "(fewer, since a batch's arrays are R times longer and NumPy's per-element costs grow with them; more "
        "only where the per-agent work itself gets cheaper).",
        "",
    ]

    calls_total = sum(v[1] for v in raw.values())
    numpy_keys = [k for k in raw if origin(k[0], k[2]).startswith("NumPy")]
    numpy_calls = sum(raw[k][1] for k in numpy_keys)
    numpy_own = sum(raw[k][2] for k in numpy_keys)
    lines += [
        f"## 2. Top {TOP} functions by own time, per month (cProfile)",
        "",
        f"Per month under the profiler: {calls_total / months:,.0f} calls it sees (Python functions, built-ins, NumPy C functions), of which "
        f"{numpy_calls / months:,.0f} to NumPy functions and array methods "
        f"({numpy_own / numpy_calls * 1e6 if numpy_calls else 0:.1f} us each on average, profiled). "
        f"Scaled column: own time x {scale:.2f} (unprofiled month / profiled month), a rough real cost.",
        "",
        "| # | function | calls per month | own us per month | own, scaled | share | cumulative us per month | us per call |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    ranked = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:TOP]
    for i, ((file, line, func), (_cc, nc, tt, ct, _callers)) in enumerate(ranked, 1):
        lines.append(f"| {i} | `{where(file, line, func)}` | {nc / months:,.1f} | {tt / months * 1e6:,.0f} | "
                     f"{tt / months * 1e6 * scale:,.0f} | {tt / own_total:.1%} | {ct / months * 1e6:,.0f} | "
                     f"{tt / nc * 1e6:.1f} |")
    shown = sum(v[2] for _, v in ranked)
    lines += ["", f"These {TOP} hold {shown / own_total:.0%} of the profiled month's own time.", ""]

    groups: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for (file, _line, func), (_cc, nc, tt, _ct, _callers) in raw.items():
        g = groups[origin(file, func)]
        g[0] += tt
        g[1] += nc
    lines += ["## 3. Own time per month by origin (cProfile)", "",
              "| origin | calls per month | own us per month | share |", "|---|---:|---:|---:|"]
    for name, (tt, nc) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"| {name} | {nc / months:,.0f} | {tt / months * 1e6:,.0f} | {tt / own_total:.1%} |")
    lines += ["", *reading(agents, per_month, calls_total / months, numpy_calls / months, agents_o, total_o / months), ""]
    out.write_text("\n".join(lines))
    print(f"wrote {out} ({agents} agents, {per_month * 1e3:.3f} ms CPU per month, load {load:.2f})")


def reading(agents: int, per_month: float, calls: float, numpy_calls: float, agents_o: int, month_o: float) -> list[str]:
    """What the figures mean for batching (text with this run's numbers)."""
    one, small, large = call_costs(1), call_costs(400), call_costs(4000)
    return [
        "## What a NumPy call costs at these sizes",
        "",
        "CPU microseconds per call (no profiler) on arrays of 1, 400 and 4,000 elements; the call on 1 element is "
        "the fixed cost:",
        "",
        "| operation | 1 | 400 | 4,000 | fixed share at 400 |",
        "|---|---:|---:|---:|---:|",
        *[f"| `{name}` | {one[name]:.2f} | {small[name]:.2f} | {large[name]:.2f} | {one[name] / small[name]:.0%} |"
          for name in small],
        "",
        "## Reading",
        "",
        f"A month of {agents} agents costs {per_month * 1e3:.2f} ms, that is {per_month / max(calls, 1) * 1e6:.2f} us "
        f"per Python-level call made ({calls:,.0f} calls, {numpy_calls:,.0f} of them into NumPy functions and "
        "methods, besides the operators the profiler does not see). The arrays hold a few hundred elements "
        "(agents, ties, platforms), where most of a NumPy call is its fixed cost (argument parsing, dispatch, "
        "allocating the result; table above), and every line of the model's Python code between the calls costs "
        "interpreter time whatever the sizes. Both are paid again for every replicate. Stepping R replicates "
        "together in arrays that hold all of them pays them once per month instead of R times: the mechanisms "
        "with the largest fixed part (section 1) and the functions of section 2 are the ones to make serve a batch; "
        "the per-agent part bounds what batching alone can give. "
        f"Measured here: {agents_o} agents take {month_o * 1e3:.2f} ms per month, {month_o / per_month:.1f}x the time "
        f"for {agents_o / agents:.1f}x the agents.",
    ]


def call_costs(n: int, repeats: int = 2000) -> dict[str, float]:
    """CPU microseconds per call of a few NumPy operations the mechanisms use, on arrays of ``n`` elements."""
    rng = np.random.default_rng(0)
    x, y, mask, idx = rng.random(n), rng.random(n), rng.random(n) < 0.5, rng.integers(0, 40, n)
    ops = {"np.where(mask, x, y)": lambda: np.where(mask, x, y),
           "np.bincount(idx, x, minlength=40)": lambda: np.bincount(idx, x, minlength=40),
           "x[mask]": lambda: x[mask], "x * y + x": lambda: x * y + x, "rng.random(n)": lambda: rng.random(n)}
    out = {}
    for name, op in ops.items():
        t0 = time.process_time()
        for _ in range(repeats):
            op()
        out[name] = (time.process_time() - t0) / repeats * 1e6
    return out


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--ten-x", action="store_true", help="profile the 10x size instead of the default")
    parser.add_argument("--out", type=Path, default=HERE / "PROFILE.md", help="markdown file to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write(args.out, args.ten_x, args.seed)


if __name__ == "__main__":
    main()
