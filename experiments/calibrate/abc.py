"""Approximate Bayesian computation: a rejection round, then ABC-SMC (population Monte Carlo), resumable.

**Distance.** A candidate's misfit to pattern k is how far its statistic lies outside the target, in units
of the pattern's tolerance (0 inside); judged per replicate (the default, :mod:`.simulate`), it is the mean
of its replicates' misfits. Its distance is ``sqrt(sum_k w_k m_k^2 / sum_k w_k)``, so 0 means every pattern
is met (by every replicate). An undefined statistic gives an infinite distance (never accepted).

**Generation 0 (rejection).** ``rejection_candidates`` parameter sets drawn uniformly from the prior box;
the ``population`` nearest (ties by candidate number) are accepted, with equal weights; epsilon_0 is the
largest accepted distance.

**Generations 1..G (SMC; Beaumont et al. 2009, Toni et al. 2009).** epsilon_t is the ``quantile`` of the
previous population's distances. Candidate i picks a particle of the previous population by weight and moves
it with a Gaussian kernel of twice the population's weighted covariance (proposals outside the prior box are
drawn again). Candidates are evaluated in batches of consecutive numbers until ``population`` have distance
<= epsilon_t (the first ``population`` by candidate number are kept) or ``max_candidates`` were tried. A
weight is prior / sum_j w_j K(x | x_j) / Z_j; the prior is uniform, so the weight is 1 / the mixture of the
*truncated* kernels the proposals came from: redrawing until inside the box makes particle j's kernel
K(. | x_j) / Z_j, with Z_j its mass inside the box (estimated from :data:`BOX_DRAWS` normal draws shared by
all particles, from the stream ``SeedSequence([seed, t, BOX_TAG])``). Without Z_j a particle near the
box's edge, whose proposals are redrawn more often, was under-weighted. Each generation reports its
effective sample size, (sum w)^2 / sum w^2. SMC
stops early once epsilon reaches 0 (every accepted set meets every pattern) or a generation cannot fill half
its population (the last generation that did is the posterior).

**Reproducible and resumable.** Candidate i of generation t draws its proposal from
``SeedSequence([seed, t, i, 7])`` and its replicate r runs with ``SeedSequence([seed, t, i, r])`` (see
:func:`.simulate.candidate_seed`); proposals are made in this process from the previous generation, which
is itself a function of saved results. Every evaluated candidate is saved (atomically, as it finishes) keyed
by (generation, candidate); a re-run replays the algorithm from the saved results and evaluates only what is
missing, so an interrupted calibration resumes to exactly the numbers of an uninterrupted one, on the
process pool or Dask, with any number of workers.

Why not pyabc: its samplers decide which proposals are evaluated by the order in which workers return (its
"look-ahead" and dynamic scheduling), so the accepted population depends on timing and worker count, and its
history lives in a database that cannot be resumed mid-generation. The algorithm above is short, and the
sweep engine already gives the executors, fault handling and atomic saving.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from ..io import UserError, atomic_write_json, lock_folder, read_manifest_json, read_table, write_table
from ..provenance import git_state, versions
from ..sweep.execute import Backend, execute, open_backend
from ..sweep.store import diff, now
from .simulate import candidate_seed, evaluate_chunk, measure_names
from .spec import CalibrationSpec

KIND = "calibration"
FORMAT = "mus-alliance-calibration/1"
PROPOSAL_TAG = 7
BOX_TAG = 11     # the stream of the normal draws that estimate each kernel's mass inside the prior box
BOX_DRAWS = 4000  # the estimate's standard error is at most 0.5 / sqrt(4000) = 0.008 of the mass
SEED_RULE = ("candidate i of generation t: proposal from SeedSequence([seed, t, i, 7]); replicate r runs with "
             "SeedSequence([seed, t, i, r]).generate_state(1, uint64)[0] >> 1")
MIN_FILL = 0.5  # a generation that fills less than this share of its population ends the SMC


@dataclass
class Generation:
    number: int
    epsilon: float
    population: pd.DataFrame       # accepted candidates (rows of the candidates table) with 'weight'
    tried: int                     # candidates evaluated for this generation
    within: int                    # candidates with distance <= epsilon among those tried
    seconds: float = 0.0

    @property
    def filled(self) -> int:
        return len(self.population)


@dataclass
class Result:
    spec: CalibrationSpec
    root: Path
    candidates: pd.DataFrame       # every evaluated candidate
    generations: list[Generation]
    posterior: Generation
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    runs_done_now: int = 0


# ------------------------------------------------------------------------------------------------ store
class Store:
    """The calibration folder: manifest, saved candidates (runs/part-*.parquet), lock."""

    def __init__(self, root: Path, spec: CalibrationSpec):
        self.root, self.spec = Path(root), spec
        self.manifest: dict[str, Any] | None = None
        self.rows: dict[tuple[int, int], dict[str, Any]] = {}
        self._lock = None

    @property
    def columns(self) -> list[str]:
        spec = self.spec
        return ["generation", "candidate", *(f"x.{p.name}" for p in spec.parameters),
                *(p.name for p in spec.parameters), *(p.name for p in spec.patterns),
                *(f"misfit.{p.name}" for p in spec.patterns), *(f"met.{p.name}" for p in spec.patterns), "met_all",
                "error"]

    def open(self) -> "Store":
        root = self.root
        if root.exists() and not root.is_dir():
            raise UserError(f"{root}: exists and is not a folder")
        if root.is_dir() and any(root.iterdir()):
            manifest = read_manifest_json(root)
            if manifest is None:
                raise UserError(f"{root}: exists, is not empty and has no manifest.json; choose another --out")
            if not isinstance(manifest, dict) or manifest.get("kind") != KIND:
                kind = manifest.get("kind") if isinstance(manifest, dict) else None
                raise UserError(f"{root}: holds {kind or 'unknown'} results, not a calibration; choose another --out")
            changes = diff(manifest.get("spec"), json.loads(json.dumps(self.spec.fingerprint())))
            if changes:
                raise UserError(f"{root}: the spec differs from the calibration in this folder ({'; '.join(changes[:4])}); "
                                "use --out for a new folder, or delete this one")
            self.manifest = manifest
            for path in sorted((root / "runs").glob("part-*.parquet")):
                frame = read_table(path)
                if list(frame.columns) != self.columns:
                    raise UserError(f"{path}: unexpected columns; the calibration folder is damaged")
                for row in frame.to_dict("records"):
                    self.rows[(int(row["generation"]), int(row["candidate"]))] = row
        return self

    def lock(self) -> None:
        self._lock = lock_folder(self.root, "calibration", self.root / "runs")
        if self.manifest is None:
            spec = self.spec
            self.manifest = {
                "kind": KIND, "format": FORMAT, "spec": json.loads(json.dumps(spec.fingerprint())),
                "spec_file": str(spec.path), "spec_text": spec.path.read_text(encoding="utf-8"),
                "base_scenario": None if spec.base_path is None else str(spec.base_path),
                "factors": {p.name: {"kind": p.kind, "low": p.low, "high": p.high} for p in spec.parameters},
                "outputs": [*(p.name for p in spec.patterns), "distance"],
                "seeds": {"seed": spec.seed, "rule": SEED_RULE}, "versions": versions(), "git": git_state(),
                "started": now(), "finished": None, "sessions": [],
            }
            self.write_manifest()

    def write_manifest(self) -> None:
        atomic_write_json(self.root / "manifest.json", self.manifest)

    # The sessions' candidate counts are read from the part files on disk, never from what this process
    # believes it saved: a Ctrl-C can land after a part is renamed into place and before this process has
    # noted its rows, and a kill -9 ends a session before it records anything (as the sweep store does).
    def saved_count(self) -> int:
        """Candidates saved in the folder: the sum of the counts the part files' names give."""
        total = 0
        for path in (self.root / "runs").glob("part-*.parquet"):
            match = re.fullmatch(r"part-\d+-\d+-(\d+)", path.stem)
            if match is None:
                raise UserError(f"{path}: not a part file name (part-<generation>-<first>-<count>.parquet); "
                                "the calibration folder is damaged")
            total += int(match.group(1))
        return total

    def begin_session(self, workers: int, scheduler: str | None) -> dict[str, Any]:
        """Record a new session; an earlier one that never ended (killed with -9) is closed from the disk:
        its candidates are those saved by then, its end the time of its last saved part."""
        saved = self.saved_count()
        for earlier in self.manifest["sessions"]:
            if earlier.get("ended") is None:
                parts = list((self.root / "runs").glob("part-*.parquet"))
                last = max((p.stat().st_mtime for p in parts), default=None)
                ended = (datetime.fromtimestamp(last, timezone.utc).isoformat(timespec="seconds")
                         if last is not None else earlier["started"])
                earlier.update(ended=max(ended, earlier["started"]), candidates_after=saved,
                               killed="the session ended without recording it (killed); repaired from the saved parts")
        session = {"started": now(), "ended": None, "workers": workers, "scheduler": scheduler,
                   "candidates_before": saved}
        self.manifest["sessions"].append(session)
        self.write_manifest()
        return session

    def end_session(self, session: dict[str, Any]) -> None:
        session.update(ended=now(), candidates_after=self.saved_count())
        self.write_manifest()

    def save(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        part = pd.DataFrame(rows, columns=self.columns)
        first = min((r["generation"], r["candidate"]) for r in rows)
        write_table(part, self.root / "runs" / f"part-{first[0]:03d}-{first[1]:08d}-{len(part)}.parquet", csv=False)
        for row in part.to_dict("records"):
            self.rows[(int(row["generation"]), int(row["candidate"]))] = row


# ------------------------------------------------------------------------------------------- evaluating
class Evaluator:
    """Evaluates candidates not yet saved, on the sweep engine's executor, saving as they finish.

    A task is a few whole candidates, ``batch_size // replicates`` of them (at least one), whose runs the
    worker steps together in batches of ``batch_size`` (:func:`.simulate.evaluate_chunk`): an ABC generation's
    candidates x replicates. A candidate is saved only once all its runs are done, so a resume evaluates the
    candidates not saved, whole."""

    def __init__(self, spec: CalibrationSpec, store: Store, backend: Backend | None, progress: bool,
                 batch_size: int | None = None):
        self.spec, self.store, self.backend, self.progress = spec, store, backend, progress
        self.batch_size = batch_size or spec.batch_size
        self.names = tuple(measure_names(spec.target, spec.base_params, spec.steps,
                                         None if spec.is_model else {p.name: (p.low + p.high) / 2 for p in spec.parameters}))
        self.patterns = tuple((p.name, p.statistic.text, p.over, p.low, p.high, p.tolerance, spec.judge == "replicate")
                              for p in spec.patterns)
        self.runs_done = 0

    @property
    def candidates_per_task(self) -> int:
        return max(1, self.batch_size // self.spec.replicates)

    def ensure(self, generation: int, xs: dict[int, np.ndarray], desc: str) -> None:
        """Make sure candidates {number: x} of ``generation`` are evaluated and saved."""
        spec = self.spec
        todo = [(i, x) for i, x in sorted(xs.items()) if (generation, i) not in self.store.rows]
        if not todo:
            return
        items = [((generation, i), self.values(x), [candidate_seed(spec.seed, generation, i, r) for r in range(spec.replicates)])
                 for i, x in todo]
        xmap = dict(todo)
        bar = tqdm(total=len(items) * spec.replicates, unit="run", desc=desc, disable=not self.progress, file=sys.stderr,
                   mininterval=0.5 if sys.stderr.isatty() else 10.0, smoothing=0.05, dynamic_ncols=True)
        buffer: list[dict[str, Any]] = []
        last = [time.monotonic()]

        def on_done(_key, results) -> None:
            for (gen, i), stats, error in results:
                buffer.append(self.row(gen, i, xmap[i], stats, error))
            self.runs_done += len(results) * spec.replicates
            bar.update(len(results) * spec.replicates)
            if time.monotonic() - last[0] > 2.0:
                self.store.save(buffer)
                buffer.clear()
                last[0] = time.monotonic()

        try:
            k = self.candidates_per_task
            payloads = {n: items[a:a + k] for n, a in enumerate(range(0, len(items), k))}
            task = functools.partial(evaluate_chunk, spec.target, spec.base_params, spec.steps, self.patterns,
                                     self.names, self.batch_size)
            if self.backend is None:
                for n, chunk in payloads.items():
                    on_done(n, task(chunk))
            else:
                execute(self.backend, task, payloads, on_done)
        finally:
            self.store.save(buffer)
            bar.close()

    def values(self, x: np.ndarray) -> dict[str, Any]:
        return {p.name: p.value(v) for p, v in zip(self.spec.parameters, x)}

    def row(self, generation: int, i: int, x: np.ndarray, stats: dict[str, float], error: str) -> dict[str, Any]:
        values = self.values(x)
        return {"generation": generation, "candidate": i, **{f"x.{p.name}": float(v) for p, v in zip(self.spec.parameters, x)},
                **{k: float(v) for k, v in values.items()}, **{k: float(stats[k]) for k in stats}, "error": error}


# -------------------------------------------------------------------------------------------- algorithm
def distance(spec: CalibrationSpec, row: dict[str, Any]) -> float:
    total = sum(p.weight for p in spec.patterns)
    acc = 0.0
    for p in spec.patterns:
        m = float(row[f"misfit.{p.name}"])
        if not math.isfinite(m):
            return math.inf
        acc += p.weight * m * m
    return math.sqrt(acc / total)


def lows_highs(spec: CalibrationSpec) -> tuple[np.ndarray, np.ndarray]:
    return np.array([p.low for p in spec.parameters]), np.array([p.high for p in spec.parameters])


def prior_draw(spec: CalibrationSpec, i: int) -> np.ndarray:
    low, high = lows_highs(spec)
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, 0, i, PROPOSAL_TAG]))
    return low + rng.random(len(low)) * (high - low)


def kernel(population: pd.DataFrame, spec: CalibrationSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(particles x, normalised weights, Cholesky factor of the kernel covariance = 2 x weighted covariance)."""
    x = population[[f"x.{p.name}" for p in spec.parameters]].to_numpy(dtype=float)
    w = population["weight"].to_numpy(dtype=float)
    w = w / w.sum()
    mean = w @ x
    cov = 2.0 * ((x - mean).T * w) @ (x - mean)
    low, high = lows_highs(spec)
    cov = np.atleast_2d(cov) + np.diag((1e-6 * (high - low)) ** 2)
    return x, w, np.linalg.cholesky(cov)


def propose(spec: CalibrationSpec, t: int, i: int, x: np.ndarray, w: np.ndarray, chol: np.ndarray) -> np.ndarray:
    low, high = lows_highs(spec)
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, t, i, PROPOSAL_TAG]))
    cdf = np.cumsum(w)
    j = int(min(np.searchsorted(cdf / cdf[-1], rng.random(), side="right"), len(w) - 1))
    for _ in range(1000):
        z = x[j] + chol @ rng.standard_normal(len(low))
        if np.all(z >= low) and np.all(z <= high):
            return z
    return np.clip(z, low, high)


def smc_weights(new_x: np.ndarray, x: np.ndarray, w: np.ndarray, chol: np.ndarray,
                mass: np.ndarray | None = None) -> np.ndarray:
    """1 / sum_j w_j N(new | x_j, Sigma) / Z_j, normalised (uniform prior inside the box); ``mass`` is Z_j,
    each kernel's mass inside the box (:func:`box_mass`; None: 1, the untruncated kernel)."""
    inv = np.linalg.inv(chol)
    diff_ = (new_x[:, None, :] - x[None, :, :]) @ inv.T          # [new, old, d]
    density = np.exp(-0.5 * np.sum(diff_ ** 2, axis=2))          # constant factors cancel
    mix = density @ (w if mass is None else w / mass)
    weights = 1.0 / np.maximum(mix, 1e-300)
    return weights / weights.sum()


def box_mass(spec: CalibrationSpec, t: int, x: np.ndarray, chol: np.ndarray) -> np.ndarray:
    """Z_j: the share of particle j's Gaussian kernel inside the prior box, from BOX_DRAWS draws common to
    every particle (a function of the seed and the generation only, so resuming gives the same weights)."""
    low, high = lows_highs(spec)
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, t, BOX_TAG]))
    steps = rng.standard_normal((BOX_DRAWS, len(low))) @ chol.T
    mass = np.empty(len(x))
    for j, xj in enumerate(x):
        z = xj + steps
        mass[j] = np.mean(np.all((z >= low) & (z <= high), axis=1))
    return np.maximum(mass, 1.0 / BOX_DRAWS)


def effective_sample_size(weights) -> float:
    """(sum w)^2 / sum w^2: how many equally weighted sets the weighted population is worth."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w ** 2).sum()) if len(w) and (w ** 2).sum() > 0 else 0.0


def table_of(store: Store, spec: CalibrationSpec, keys: list[tuple[int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame([store.rows[k] for k in keys], columns=store.columns)
    frame["distance"] = [distance(spec, r) for r in frame.to_dict("records")]
    return frame


def calibrate(spec: CalibrationSpec, root: Path, workers: int = 1, scheduler: str | None = None,
              progress: bool = True, batch_size: int | None = None) -> Result:
    """Run (or resume) the calibration into ``root``, ``batch_size`` runs stepped together (default: the spec's)."""
    t_start = time.perf_counter()
    store = Store(root, spec).open()
    store.lock()
    session = store.begin_session(workers, scheduler)
    abc = spec.abc
    N = abc["population"]
    generations: list[Generation] = []
    notes: list[str] = []
    use_pool = workers > 1 or scheduler is not None
    import contextlib

    with contextlib.ExitStack() as stack:
        backend = stack.enter_context(open_backend(scheduler, workers, ["model", "experiments.calibrate.simulate"])) if use_pool else None
        ev = Evaluator(spec, store, backend, progress, batch_size)
        try:
            # generation 0: rejection
            t0 = time.perf_counter()
            M = abc["rejection_candidates"]
            ev.ensure(0, {i: prior_draw(spec, i) for i in range(M)}, "calibrate: rejection")
            cands = table_of(store, spec, [(0, i) for i in range(M)])
            finite = cands[np.isfinite(cands["distance"])]
            if finite.empty:
                errors = cands["error"][cands["error"] != ""]
                why = f" (runs failed: {errors.iloc[0]})" if len(errors) else " (statistics undefined in every candidate)"
                raise UserError(f"{spec.path}: empty posterior: no candidate of {M} has a defined distance{why}")
            pop = finite.sort_values(["distance", "candidate"], kind="stable").head(N).copy()
            pop["weight"] = 1.0 / len(pop)
            generations.append(Generation(0, float(pop["distance"].max()), pop, M, len(pop), time.perf_counter() - t0))
            # generations 1..G: SMC
            for t in range(1, abc["generations"] + 1):
                prev = generations[-1]
                if prev.epsilon == 0:
                    notes.append(f"SMC stopped after generation {prev.number}: every accepted set meets every pattern "
                                 "(epsilon 0), so epsilon cannot shrink further.")
                    break
                t0 = time.perf_counter()
                eps = float(np.quantile(prev.population["distance"], abc["quantile"]))
                x, w, chol = kernel(prev.population, spec)
                batch = abc["batch"] or N
                accepted: list[int] = []
                tried = 0
                while len(accepted) < N and tried < abc["max_candidates"]:
                    ids = range(tried, min(tried + batch, abc["max_candidates"]))
                    ev.ensure(t, {i: propose(spec, t, i, x, w, chol) for i in ids},
                              f"calibrate: generation {t} (epsilon {eps:.3g})")
                    rows = table_of(store, spec, [(t, i) for i in ids])
                    accepted += [int(r["candidate"]) for r in rows.to_dict("records") if r["distance"] <= eps]
                    tried = ids.stop
                within = len(accepted)
                keep = accepted[:N]
                pop = table_of(store, spec, [(t, i) for i in keep])
                if len(pop):
                    new_x = pop[[f"x.{p.name}" for p in spec.parameters]].to_numpy(dtype=float)
                    pop["weight"] = smc_weights(new_x, x, w, chol, box_mass(spec, t, x, chol))
                gen = Generation(t, eps, pop, tried, within, time.perf_counter() - t0)
                generations.append(gen)
                if len(pop) < MIN_FILL * N:
                    notes.append(f"Generation {t} accepted only {len(pop)} of {N} sets within epsilon {eps:.3g} after "
                                 f"{tried} candidates (abc.max_candidates); the posterior is generation {t - 1}'s.")
                    break
                if len(pop) < N:
                    notes.append(f"Generation {t} filled {len(pop)} of {N} places within abc.max_candidates.")
        except KeyboardInterrupt:
            print(f"finished candidates are saved in {root}; run the same command to resume", file=sys.stderr)
            raise
        finally:
            store.end_session(session)
    filled = [g for g in generations if g.filled >= MIN_FILL * N]
    posterior = filled[-1] if filled else generations[0]
    if not filled:
        notes.append(f"Only {generations[0].filled} of {abc['rejection_candidates']} candidates have a defined distance; "
                     "the posterior is what the rejection round kept.")
    keys = sorted(store.rows)
    candidates = table_of(store, spec, keys)
    store.manifest["finished"] = now()
    store.write_manifest()
    return Result(spec, Path(root), candidates, generations, posterior, notes, time.perf_counter() - t_start, ev.runs_done)
