"""What a study runs, and the task a worker executes: a chunk of runs.

A target is ``"model"`` (the model adapter :func:`model_summary`) or ``"package.module:function"``, any
importable plain function of named parameters: it is called as ``fn(**values)``, plus ``seed=`` if it takes
a ``seed`` argument, and returns a number (output ``y``) or a mapping of named outputs. Targets are named by
text, not pickled, so workers on other machines import them. It imports nothing from the rest of the
engine; :mod:`.spec` checks targets through it (imports point one way). ``"model+worlds:..."`` is the model
with each run in a plausible world (:func:`in_worlds`); it reads :mod:`experiments.worlds`, which knows
nothing of sweeps.

The model runs in batches (:mod:`experiments.batching`, ``model.run_batch``): a task is a batch of runs, each
run's result the same as alone. A run that raises is recorded with NaN outputs and the exception in
``error`` (a batch that raises is run again one run at a time, so the others keep their results); the study
goes on.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import math
from collections.abc import Callable, Mapping
from typing import Any

MODEL_TARGET = "model"
FUNCTION_OUTPUT = "y"  # the output name of a function that returns a plain number
WORLDS_TARGET = "model+worlds:"  # the model in plausible worlds: in_worlds

Evaluate = Callable[[dict[str, Any], int, int], Mapping[str, Any]]
# (runs [(params, seed)], steps) -> per run its outputs, or the exception it raised
EvaluateBatch = Callable[[list[tuple[dict[str, Any], int]], int], list[Mapping[str, Any] | Exception]]


def model_summaries(runs: list[tuple[dict[str, Any], int]], steps: int) -> list[dict[str, Any] | Exception]:
    """The model adapter: the runs as one batch (``model.run_batch``), each run's summary outputs."""
    from experiments.batching import run_each_guarded

    return [r if isinstance(r, Exception) else dict(r.summary) for r in run_each_guarded(runs, steps)]


def model_summary(params: dict[str, Any], seed: int, steps: int) -> dict[str, Any]:
    """One run of the model (a batch of one), its summary outputs."""
    return single(model_summaries)(params, seed, steps)


def single(evaluate_batch: EvaluateBatch) -> Evaluate:
    """The one-run form of a batch evaluator: raises what the run raised."""
    def evaluate(params: dict[str, Any], seed: int, steps: int) -> Mapping[str, Any]:
        result = evaluate_batch([(params, seed)], steps)[0]
        if isinstance(result, Exception):
            raise result
        return result

    return evaluate


def in_worlds(worlds, keep) -> str:
    """The target that runs the model with each run in its plausible world (:mod:`experiments.worlds`);
    ``keep`` are the parameters the study sets itself (base scenario overrides and factors), which win over
    the world. The file's digest is part of the target, so a study folder refuses to resume with a changed
    worlds file."""
    return f"{WORLDS_TARGET}{worlds.path}#{worlds.digest}#{','.join(sorted(set(keep)))}"


def worlds_target(rest: str) -> EvaluateBatch:
    """``(runs, steps) -> summaries`` for a target made by :func:`in_worlds` (each run in its seed's world)."""
    from experiments.io import UserError
    from experiments.worlds import load_worlds

    path, digest, keep_text = rest.split("#", 2)
    worlds = load_worlds(path)
    if worlds.digest != digest:
        raise UserError(f"--worlds {path}: the file changed since the study started")
    keep = set(filter(None, keep_text.split(",")))

    def evaluate(runs: list[tuple[dict[str, Any], int]], steps: int) -> list[dict[str, Any] | Exception]:
        layered = []
        for params, seed in runs:
            world = {k: v for k, v in worlds.values[worlds.index(seed)].items() if k not in keep}
            layered.append(({**params, **world}, seed))
        return model_summaries(layered, steps)

    return evaluate


def load_function(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@functools.cache
def resolve_batch(target: str) -> EvaluateBatch:
    """A callable ``(runs [(params, seed)], steps) -> [outputs or exception]`` for the target (cached per
    process): the model steps the runs together; a function is called once per run."""
    if target == MODEL_TARGET:
        return model_summaries
    if target.startswith(WORLDS_TARGET):  # the model with each run in a plausible world (--worlds)
        return worlds_target(target[len(WORLDS_TARGET):])
    fn = load_function(target)
    takes_seed = "seed" in inspect.signature(fn).parameters

    def evaluate(params: dict[str, Any], seed: int) -> Mapping[str, Any]:
        result = fn(**params, seed=seed) if takes_seed else fn(**params)
        return result if isinstance(result, Mapping) else {FUNCTION_OUTPUT: result}

    def evaluate_batch(runs: list[tuple[dict[str, Any], int]], steps: int) -> list[Mapping[str, Any] | Exception]:
        out: list[Mapping[str, Any] | Exception] = []
        for params, seed in runs:
            try:
                out.append(evaluate(params, seed))
            except Exception as exc:  # noqa: BLE001 - recorded as the run's error
                out.append(exc)
        return out

    return evaluate_batch


@functools.cache
def resolve_target(target: str) -> Evaluate:
    """A callable ``(params, seed, steps) -> outputs`` for one run of the target (cached per process)."""
    return single(resolve_batch(target))


def warm_up(target: str) -> None:
    """Import the target in a fresh worker before its first task."""
    resolve_batch(target)


def run_chunk(
    target: str, base: dict[str, Any], steps: int, outputs: tuple[str, ...], batch_size: int,
    items: list[tuple[int, dict[str, Any], int]],
) -> list[dict[str, Any]]:
    """Run ``items`` [(run_id, factor values, seed)] on ``base`` parameters, ``batch_size`` runs stepped
    together; one output row per run, in the order of ``items``."""
    from experiments.batching import batches

    evaluate = resolve_batch(target)
    rows = []
    for group in batches(items, batch_size):
        results = evaluate([({**base, **values}, seed) for _, values, seed in group], steps)
        rows += [result_row(rid, result, outputs) for (rid, _, _), result in zip(group, results, strict=True)]
    return rows


def run_one(evaluate: Evaluate, run_id: int, params: dict[str, Any], seed: int, steps: int,
            outputs: tuple[str, ...]) -> dict[str, Any]:
    try:
        result: Mapping[str, Any] | Exception = evaluate(params, seed, steps)
    except Exception as exc:  # noqa: BLE001
        result = exc
    return result_row(run_id, result, outputs)


def result_row(run_id: int, result: Mapping[str, Any] | Exception, outputs: tuple[str, ...]) -> dict[str, Any]:
    """A run's output row; a run that raised (or lacks an output) keeps NaN outputs and says why in ``error``,
    so one failing run does not cost the study."""
    try:
        if isinstance(result, Exception):
            raise result
        return output_row(run_id, result, outputs)
    except Exception as exc:  # noqa: BLE001
        error = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]
        return {"run_id": run_id, **{name: math.nan for name in outputs}, "error": error}


def output_row(run_id: int, result: Mapping[str, Any], outputs: tuple[str, ...]) -> dict[str, Any]:
    return {"run_id": run_id, **{name: as_float(result[name]) for name in outputs}, "error": ""}


def as_float(value: Any) -> float:
    return math.nan if value is None else float(value)
