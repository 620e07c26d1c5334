"""The model and its runners against each other and against Mesa's own example, measured fairly (issue 17).

Contenders, all measured in the same interleaved rounds (:mod:`.harness`: a warm-up round, then rounds in
alternating order; median and range over rounds; comparisons within a round):

- **model steps** at the default size and at 10x: one model built (not timed), then all its months, in
  blocks of 12 alternating with Mesa's ``virus_on_network`` at the same agent count (built with
  ``layout=None``: its spring layout only places nodes for drawing and costs 8-80 s at these sizes).
  Figure: CPU microseconds per agent-step (a full month: mechanisms and data collection), and the ratio
  ours / virus_on_network within the measurement. Goals: <= 1.5x at the default size, < 0.5x at 10x.
- **runs**, one at a time (a plain loop calling ``model.run_model``) at the default size (a grid of the
  default scenario: guidance x mobilisation order x replicates); the plain loop
  a second time, apart from the first in the order (**A/A control**: the spread of its ratio to the first is
  what this run's measurements cannot tell apart). Figure: runs per core-second (CPU of this process and its
  children).
- **batched vs one at a time**: the runs of one full batch (``model.DEFAULT_BATCH`` runs of the same grid at the
  default size; at 10x the runs ``model.run_batch`` steps together, ``STEPPED_TOGETHER`` stakeholders) one at a
  time and in the batched runner (``model.run_batch`` over batches of ``DEFAULT_BATCH``, or the one given with
  ``--batched module:function``). A batch is the batched runner's unit of work: fewer runs than a batch would
  measure a batch it never runs.
- **the sweep engine** (``run_study``: design, folder, probe, pool, saving every run, the results table) on the
  local process pool with 1 and 2 workers, over the same grid as the plain loop; **two plain loops** over
  half the runs each in 2 forked processes (the most 2 workers can get from this machine at this moment);
  and, unless quick, the peers **mesa.batch_run** (1 process, the same parameter sets, as many seeds) and the
  engine on a **Dask LocalCluster** (2 workers; measured in a forked child process, because Dask leaves a
  thread behind and the engine forks its pool workers only from a single-threaded process).

Every run's outputs are checked: the engine's and the two loops' against the plain loop's, a batched runner's
against one at a time (bit-identical, or the figure is marked invalid).
"""

from __future__ import annotations

import contextlib
import importlib
import math
import multiprocessing
import os
import platform
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from mesa.discrete_space import Network
from mesa.examples.basic.virus_on_network.model import VirusOnNetwork

import model
from experiments.sweep.design import run_items
from experiments.sweep.engine import prepare, run_study
from experiments.sweep.spec import Spec, load_spec
from experiments.sweep.targets import as_float

from .harness import Contender, Progress, Sample, Spread, load_average, load_spread, paired, run_rounds, timed

REPO = Path(__file__).resolve().parents[1]
TEN_X = dict(n_districts=30, n_national_orgs=80, n_pilot_communities=600, n_outside_communities=3000)
GRID = {"guidance": [0.25, 0.75], "mobilisation_order": ["core_group", "top_down", "bottom_up"]}
BLOCK = 12  # months per block when ours and virus_on_network alternate
SOBOL_FACTORS, SOBOL_N, SOBOL_REPLICATES = 12, 512, 10
GOALS = {"ratio default": 1.5, "ratio 10x": 0.5, "batched default": 5.0, "batched 10x": 1.5}

Run = tuple[dict[str, Any], int]  # (parameter values over the defaults, seed)
Runner = Callable[[Sequence[Run], int], Sequence[Any]]
"""Runs the given runs for ``steps`` months each; returns each run's summary outputs (a mapping with
``model.SUMMARY_OUTPUTS``, or an object with such a ``.summary``, e.g. ``model.RunResult``), in order."""


@dataclass(frozen=True)
class Settings:
    rounds: int
    replicates: int  # per grid point at the default size: runs = 6 x replicates
    steps: int  # months per run and per model-steps measurement
    peers: bool  # mesa.batch_run and Dask


FULL = Settings(rounds=4, replicates=4, steps=120, peers=True)
QUICK = Settings(rounds=3, replicates=2, steps=120, peers=False)
WARM_UP_REPLICATES, WARM_UP_TEN_X_RUNS, WARM_UP_MONTHS = 1, 1, 24


# ------------------------------------------------------------------------------------------------ runners
def one_at_a_time(runs: Sequence[Run], steps: int) -> list[dict[str, float]]:
    """The plain loop: each run on its own, one after the other."""
    return [dict(model.run_model(params, seed=seed, steps=steps).summary) for params, seed in runs]


def in_batches(runs: Sequence[Run], steps: int) -> list[dict[str, float]]:
    """The model's batched runner: ``model.run_batch`` over batches of ``model.DEFAULT_BATCH`` runs, in order."""
    size = model.DEFAULT_BATCH
    return [dict(r.summary) for k in range(0, len(runs), size) for r in model.run_batch(runs[k:k + size], steps)]


def load_runner(ref: str) -> Runner:
    """``module:function`` -> the function (a batched runner to plug in)."""
    module, sep, name = ref.partition(":")
    if not sep or not module or not name:
        raise SystemExit(f"--batched {ref}: expected module:function, e.g. model.batch:run_batch")
    try:
        fn = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise SystemExit(f"--batched {ref}: cannot load it ({type(exc).__name__}: {exc})") from None
    if not callable(fn):
        raise SystemExit(f"--batched {ref}: not a function")
    return fn


def outputs_table(results: Sequence[Any]) -> np.ndarray:
    """Runs x SUMMARY_OUTPUTS as floats (undefined -> NaN), whatever form a runner returns them in."""
    rows = [getattr(r, "summary", r) for r in results]
    return np.array([[as_float(row[name]) for name in model.SUMMARY_OUTPUTS] for row in rows], dtype=float)


def same_outputs(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return a is not None and b is not None and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


# ------------------------------------------------------------------------------------------------ model steps
@contextlib.contextmanager
def no_layout():
    """virus_on_network's Network without its spring layout (never used by its step)."""
    defaults = Network.__init__.__defaults__
    Network.__init__.__defaults__ = defaults[:-1] + (None,)
    try:
        yield
    finally:
        Network.__init__.__defaults__ = defaults


def steps_sample(params: dict, seed: int, months: int) -> Sample:
    """Ours and virus_on_network (same agent count) built untimed, then ``months`` full steps of each in
    blocks of BLOCK, alternating which goes first; CPU seconds of each."""
    ours = model.build_model(params, seed=seed)
    agents = len(ours.agents)
    with no_layout():
        virus = VirusOnNetwork(num_nodes=agents, rng=seed)
    spent = {"ours": 0.0, "virus": 0.0}
    load, wall = load_average(), time.perf_counter()
    for k, start in enumerate(range(0, months, BLOCK)):
        block = min(BLOCK, months - start)
        pair = (("ours", ours), ("virus", virus))
        for name, m in pair if k % 2 == 0 else pair[::-1]:
            t0 = time.process_time()
            for _ in range(block):
                m.step()
            spent[name] += time.process_time() - t0
    agent_steps = agents * months
    return Sample(time.perf_counter() - wall, spent["ours"] + spent["virus"], 1, load, {
        "agents": agents, "us_ours": spent["ours"] / agent_steps * 1e6, "us_virus": spent["virus"] / agent_steps * 1e6,
        "ms_month": spent["ours"] / months * 1e3})


def steps_contender(label: str, params: dict, months: int) -> Contender:
    seeds = iter(range(10**6))

    def measure(warm_up: bool) -> Sample:
        return steps_sample(params, next(seeds), WARM_UP_MONTHS if warm_up else months)

    return Contender(f"model steps, {label}", measure, 1, 1)


# ------------------------------------------------------------------------------------------------ runs
def runs_contender(name: str, runner: Runner, runs: Sequence[Run], warm_runs: Sequence[Run], steps: int) -> Contender:
    def measure(warm_up: bool) -> Sample:
        todo = warm_runs if warm_up else runs
        sample, results = timed(lambda: runner(todo, steps), len(todo))
        sample.extra["outputs"] = outputs_table(results)
        return sample

    return Contender(name, measure, len(runs), len(warm_runs))


def grid_spec(folder: Path, replicates: int, steps: int) -> Spec:
    factors = "\n".join(f"{name} = {{ values = {values!r} }}" for name, values in GRID.items())
    path = folder / f"bench_grid_{replicates}.toml"
    path.write_text(
        f'method = "grid"\nbase = "{REPO / "configs" / "baseline.toml"}"\nreplicates = {replicates}\n'
        f'seed = 1\nsteps = {steps}\noutputs = {list(model.SUMMARY_OUTPUTS)!r}\n[factors]\n{factors}\n'.replace("'", '"')
    )
    return load_spec(path)


def grid_runs(spec: Spec, folder: Path, extra: dict | None = None) -> list[Run]:
    """The study's runs in run-id order, as (parameter values, seed)."""
    items = run_items(spec, prepare(spec, folder / f"unused_{spec.path.stem}").runs)
    return [({**spec.base_params, **values, **(extra or {})}, seed) for _rid, values, seed in items]


def engine_contender(name: str, spec: Spec, warm_spec: Spec, folder: Path, workers: int,
                     scheduler: str | None = None) -> Contender:
    counter = iter(range(10**6))

    def measure(warm_up: bool) -> Sample:
        s = warm_spec if warm_up else spec
        out = folder / f"study_{workers}_{scheduler}_{next(counter)}"
        forks = threading.active_count() == 1  # else the pool's workers come from a forkserver
        sample, study = timed(lambda: run_study(s, out, workers=workers, scheduler=scheduler, progress=False),
                              s.replicates * math.prod(len(v) for v in GRID.values()))
        frame = pd.read_parquet(study.root / "results.parquet").sort_values("run_id")
        sample.extra.update(outputs=frame[list(model.SUMMARY_OUTPUTS)].to_numpy(dtype=float), forked=forks)
        shutil.rmtree(out, ignore_errors=True)
        return sample

    return Contender(name, measure, spec.replicates * 6, warm_spec.replicates * 6)


def isolated(contender: Contender) -> Contender:
    """The contender measured in a child forked for each measurement: for peers that leave threads behind
    (Dask's offload thread; mesa.batch_run's tqdm monitor), which would make the engine's later pools start
    their workers from a forkserver (whose CPU this process cannot count) instead of forking them."""
    measure = contender.measure
    return Contender(contender.name, lambda warm_up: in_forked_child(lambda: measure(warm_up)), contender.runs, 0)


def in_forked_child(fn: Callable[[], Sample]) -> Sample:
    """``fn()`` in a child forked from this (single-threaded) process; its threads and processes end with it."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            send.send(fn())
        except BaseException as exc:  # report it to the parent, which raises
            send.send(RuntimeError(f"{type(exc).__name__}: {exc}"))

    process = ctx.Process(target=child)
    process.start()
    value = receive.recv()
    process.join()
    if isinstance(value, BaseException):
        raise value
    return value


def two_loops_contender(runs: Sequence[Run], warm_runs: Sequence[Run], steps: int) -> Contender:
    """The machine's ceiling for 2 workers: two plain loops over half the runs each, in 2 forked processes."""

    def both(todo: Sequence[Run], steps: int) -> list:
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
            halves = list(pool.map(one_at_a_time, [todo[0::2], todo[1::2]], [steps, steps]))
        merged = [None] * len(todo)
        merged[0::2], merged[1::2] = halves
        return merged

    return runs_contender("2 plain loops, 2 processes", both, runs, warm_runs, steps)


def batch_run_contender(spec: Spec, warm_spec: Spec, folder: Path) -> Contender:
    """mesa.batch_run, 1 process: the same parameter sets (grid points), seeds 0..replicates-1."""

    def measure(warm_up: bool) -> Sample:
        s = warm_spec if warm_up else spec
        design = prepare(s, folder / "unused_batch").design
        params = [{**s.base_params, **row} for row in design[s.factor_names].astype(object).to_dict("records")]
        sample, _ = timed(lambda: mesa.batch_run(
            model.LearningAlliance, parameters={"params": params}, number_processes=1,
            rng=list(range(s.replicates)), max_steps=s.steps, data_collection_period=-1, display_progress=False,
        ), len(params) * s.replicates)
        return sample

    return Contender("mesa.batch_run, 1 process", measure, spec.replicates * 6, warm_spec.replicates * 6)


# ------------------------------------------------------------------------------------------------ report
NAMES = {
    "steps default": "model steps, default", "steps 10x": "model steps, 10x",
    "loop": "one at a time, default", "again": "plain loop again (A/A)",
    "loop batch": "one at a time, a batch", "batched": "batched, a batch",
    "loop 10x": "one at a time, 10x", "batched 10x": "batched, 10x",
    "engine 1": "engine, 1 worker", "engine 2": "engine, 2 workers", "two loops": "2 plain loops, 2 processes",
    "batch_run": "mesa.batch_run, 1 process", "dask": "engine, Dask LocalCluster 2",
}


def batch_of_runs(folder: Path, steps: int) -> tuple[list[Run], list[Run]]:
    """One full batch of the default grid (``model.DEFAULT_BATCH`` runs) and the 10x runs stepped together in one
    group (``STEPPED_TOGETHER`` stakeholders' worth)."""
    size = model.DEFAULT_BATCH
    runs = grid_runs(grid_spec(folder, math.ceil(size / math.prod(len(v) for v in GRID.values())), steps), folder)[:size]
    big = grid_runs(grid_spec(folder, 4, steps), folder, TEN_X)
    together = max(1, model.run.STEPPED_TOGETHER // model.build_model(TEN_X).alliances.n)
    return runs, big[:together]


def contenders(settings: Settings, folder: Path, batched: Runner | None) -> list[Contender]:
    spec = grid_spec(folder, settings.replicates, settings.steps)
    warm_spec = grid_spec(folder, WARM_UP_REPLICATES, settings.steps)
    runs, warm_runs = grid_runs(spec, folder), grid_runs(warm_spec, folder)
    batch, big = batch_of_runs(folder, settings.steps)
    warm_big = big[:WARM_UP_TEN_X_RUNS]
    steps = settings.steps
    batched = batched or in_batches
    # Order of the first round (later rounds alternate): pairs compared with each other stand next to each other.
    order = [steps_contender("default", {}, steps), steps_contender("10x", TEN_X, steps),
             runs_contender(NAMES["batched"], batched, batch, warm_runs, steps),
             runs_contender(NAMES["loop batch"], one_at_a_time, batch, warm_runs, steps),
             runs_contender(NAMES["loop"], one_at_a_time, runs, warm_runs, steps),
             engine_contender(NAMES["engine 1"], spec, warm_spec, folder, 1),
             engine_contender(NAMES["engine 2"], spec, warm_spec, folder, 2),
             two_loops_contender(runs, warm_runs, steps),
             runs_contender(NAMES["again"], one_at_a_time, runs, warm_runs, steps)]
    if settings.peers:
        order += [isolated(batch_run_contender(spec, warm_spec, folder)),
                  isolated(engine_contender(NAMES["dask"], spec, warm_spec, folder, 2, "local"))]
    order += [runs_contender(NAMES["loop 10x"], one_at_a_time, big, warm_big, steps),
              runs_contender(NAMES["batched 10x"], batched, big, warm_big, steps)]
    return order


def main(quick: bool = False, batched: Runner | None = None, batched_name: str = "") -> dict[str, list[Sample]]:
    settings = QUICK if quick else FULL
    if settings.peers:
        import distributed  # noqa: F401  (imported once here, not inside the first Dask measurement; starts no thread)
    folder = Path(tempfile.mkdtemp(prefix="fair_bench."))
    try:
        order = contenders(settings, folder, batched)
        n = settings.replicates * 6
        n_batch, n_big = (len(x) for x in batch_of_runs(folder, settings.steps))
        load0 = load_average()
        print(f"{'Quick' if quick else 'Full'} benchmark: a warm-up round, then {settings.rounds} rounds in alternating "
              f"order; {n} runs of {settings.steps} months per runs figure at the default size, {n_batch} (a batch) "
              f"batched and one at a time, {n_big} at 10x (the runs stepped together).\n{os.cpu_count()} CPUs, Python {platform.python_version()}, "
              f"Mesa {mesa.__version__}, model {model.__version__}; load average at the start "
              f"{load0:.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min)", flush=True)
        total = sum(c.warm_up_runs + settings.rounds * c.runs for c in order)
        warm, samples = run_rounds(order, settings.rounds, Progress(total))
        report(settings, warm, samples, batched, batched_name)
        print(f"load average at the end: {load_average():.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min)")
        return samples
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def batched_table(samples: dict[str, list[Sample]], batched_name: str | None) -> list[str]:
    """Runs per core-second at the default size and 10x, one at a time and batched, and their ratio within each
    round; a batched runner whose outputs differ from one at a time in any run of any round gets no ratio."""
    lines = [f"{'size':9s}{'one at a time':22s}{'batched':40s}{'batched / one at a time':26s}{'goal':9s}load"]
    for size, loop, suffix in (("default", "loop batch", ""), ("10x", "loop 10x", " 10x")):
        one, bat = samples.get(NAMES[loop], []), samples.get(NAMES["batched" + suffix], [])
        one_text = Spread.of([x.runs_per_core_second for x in one]).text(2)
        if not bat:
            bat_text, ratio_text, load = "not available (no batched runner yet)", "-", load_spread(one)
        else:
            ok = all(same_outputs(x.extra["outputs"], y.extra["outputs"]) for x, y in zip(bat, one, strict=True))
            bat_text = Spread.of([x.runs_per_core_second for x in bat]).text(2) + ("" if ok else " OUTPUTS DIFFER")
            ratio_text = paired(bat, one, lambda x: x.runs_per_core_second).text(2, "x") if ok else "invalid"
            load = load_spread(one + bat)
        goal = f">= {GOALS['batched ' + size]}x"
        lines.append(f"{size:9s}{one_text:22s}{bat_text:40s}{ratio_text:26s}{goal:9s}{load.text()}")
    if batched_name is None:
        lines.append("   A batched runner plugs in with `make bench BATCHED=module:function` (or `python -m benchmarks "
                     "--batched module:function`): fn(runs, steps) -> summaries, runs = [(params, seed)].")
    else:
        lines.append(f"   batched runner: {batched_name}; its outputs are compared run for run with one at a time.")
    return lines


def report(settings: Settings, warm: dict[str, Sample], samples: dict[str, list[Sample]],
           batched: Runner | None, batched_name: str) -> None:
    get = samples.get
    print("\nEvery figure: median over rounds (min-max); ratios are taken within each round. load = 1-minute load "
          "average when the measurements started (2 cores: above 2, others wait for a core).")

    print(f"\n1. Model speed: CPU microseconds per agent-step, a full month with data collection, {settings.steps} "
          f"months in blocks of {BLOCK} alternating with virus_on_network at the same agent count")
    print(f"{'size':8s}{'agents':>7s}  {'mus-alliance':20s}{'virus_on_network':20s}{'ratio':22s}{'goal':9s}"
          f"{'ms/month':21s}load")
    for size, goal in (("default", "<= 1.5x"), ("10x", "< 0.5x")):
        s = get(NAMES[f"steps {size}"])
        ratio = Spread.of([x.extra["us_ours"] / x.extra["us_virus"] for x in s])
        print(f"{size:8s}{s[0].extra['agents']:>7,d}  {Spread.of([x.extra['us_ours'] for x in s]).text():20s}"
              f"{Spread.of([x.extra['us_virus'] for x in s]).text():20s}{ratio.text(2, 'x'):22s}{goal:9s}"
              f"{Spread.of([x.extra['ms_month'] for x in s]).text(3):21s}{load_spread(s).text()}")

    loop = get(NAMES["loop"])
    print(f"\n2. Runs at the default size: {loop[0].runs} runs of {settings.steps} months (the same grid for all but "
          "mesa.batch_run, whose seeds are its own)")
    print(f"{'':30s}{'runs/core-s':19s}{'runs/s (wall)':19s}{'CPU vs loop':20s}{'wall vs loop':20s}"
          f"{'wall/CPU':18s}load")
    for key in ("loop", "again", "engine 1", "engine 2", "two loops", "batch_run", "dask"):
        s = get(NAMES[key])
        if not s:
            continue
        cpu_ratio = paired(s, loop, lambda x: x.cpu / x.runs)
        wall_ratio = paired(s, loop, lambda x: x.wall / x.runs)
        print(f"{NAMES[key]:30s}{Spread.of([x.runs_per_core_second for x in s]).text(1):19s}"
              f"{Spread.of([x.runs_per_second for x in s]).text(1):19s}"
              f"{'(reference)' if key == 'loop' else cpu_ratio.text(2, 'x'):20s}"
              f"{'(reference)' if key == 'loop' else wall_ratio.text(2, 'x'):20s}"
              f"{Spread.of([x.wall / x.cpu for x in s]).text(2):18s}{load_spread(s).text()}")
    print("   (CPU/wall vs loop: time per run relative to the plain loop in the same round; below 1 is faster. "
          "wall/CPU above 1 for one process: it waited for a core)")

    print(f"\n3. Runs per core-second, one at a time vs batched (same runs, same round): one batch of "
          f"{get(NAMES['batched'])[0].runs} runs at the default size, the {get(NAMES['batched 10x'])[0].runs} runs stepped "
          "together at 10x")
    print("\n".join(batched_table(samples, batched_name if batched is not None else None)))

    print("\n4. Checks and derived figures")
    reference = loop[0].extra["outputs"]
    for key in ("again", "engine 1", "engine 2", "two loops", "dask"):
        s = get(NAMES[key])
        if s:
            same = all(same_outputs(x.extra["outputs"], reference) for x in s + loop)
            print(f"   {NAMES[key]}: outputs equal the plain loop's, run for run, in every round: {'yes' if same else 'NO'}")
    unforked = [x for k in ("engine 1", "engine 2") for x in get(NAMES[k]) if not x.extra["forked"]]
    if unforked:
        print(f"   note: in {len(unforked)} engine measurements a thread was running, so the pool's workers came "
              "from a forkserver (a slower start than the fork the engine normally uses)")
    e1, e2, two = get(NAMES["engine 1"]), get(NAMES["engine 2"]), get(NAMES["two loops"])
    speedup = paired(e1, e2, lambda x: x.wall)
    ceiling = paired(loop, two, lambda x: x.wall)
    print(f"   speed-up of the engine on 2 workers over 1 (wall, same round): {speedup.text(2, 'x')} (goal >= 1.8x); "
          f"the machine's ceiling now (2 plain loops over 1): {ceiling.text(2, 'x')} (load {load_spread(e2).text()})")
    print(f"   engine CPU overhead over the plain loop, 1 worker: "
          f"{paired(e1, loop, lambda x: x.cpu / x.runs - 0).text(3, 'x')} per run (goal <= 1.05x)")
    if get(NAMES["batch_run"]):
        print(f"   CPU per run, engine on 1 worker / mesa.batch_run in 1 process: "
              f"{paired(e1, get(NAMES['batch_run']), lambda x: x.cpu / x.runs).text(2, 'x')} (goal <= 0.5x; "
              "batch_run in 1 process runs in its caller, with no pool, no saving)")
    again = get(NAMES["again"])
    aa_cpu, aa_wall = paired(again, loop, lambda x: x.cpu / x.runs), paired(again, loop, lambda x: x.wall / x.runs)
    walls = Spread.of([x.wall / x.runs for x in loop + again])
    print(f"   A/A control, the plain loop twice in each round: CPU per run {aa_cpu.text(2, 'x')}, wall per run "
          f"{aa_wall.text(2, 'x')}; CPU ratios inside about {aa_cpu.low:.2f}-{aa_cpu.high:.2f}x are noise here. "
          f"The plain loop's wall time per run ranged {walls.low * 1e3:.0f}-{walls.high * 1e3:.0f} ms "
          f"({walls.high / walls.low:.1f}x) for the same runs: one wall-clock measurement per contender (the old "
          "benchmark) cannot rank them")
    first = warm[NAMES["loop"]]
    later = Spread.of([x.cpu / x.runs for x in loop])
    print(f"   warm-up: the first plain loop of this process ({first.runs} runs) cost {first.cpu / first.runs * 1e3:.0f} ms "
          f"CPU per run against {later.median * 1e3:.0f} ms later ({first.cpu / first.runs / later.median - 1:+.0%}); "
          f"wall {first.wall / first.runs * 1e3:.0f} ms per run against "
          f"{Spread.of([x.wall / x.runs for x in loop]).median * 1e3:.0f} ms later")
    per_core = Spread.of([x.runs_per_core_second for x in e1]).median
    for label, per_point in (("S1 + ST", SOBOL_FACTORS + 2), ("with S2", 2 * SOBOL_FACTORS + 2)):
        total = SOBOL_N * per_point * SOBOL_REPLICATES
        print(f"   projection, {SOBOL_FACTORS}-factor Sobol N={SOBOL_N} x {SOBOL_REPLICATES} replicates ({label}, "
              f"{total:,} runs) on 2 free cores at the engine's runs per core-second: "
              f"{total / (2 * per_core) / 3600:.2f} h (goal <= 1 h)")
