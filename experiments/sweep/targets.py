"""What a study runs, and the task a worker executes: a chunk of runs.

A target is ``"model"`` (the model adapter :func:`model_summary`) or ``"package.module:function"``, any
importable plain function of named parameters: it is called as ``fn(**values)``, plus ``seed=`` if it takes
a ``seed`` argument, and returns a number (output ``y``) or a mapping of named outputs. Targets are named by
text, not pickled, so workers on other machines import them. It imports nothing from the rest of the
engine; :mod:`.spec` checks targets through it (imports point one way). ``"model+worlds:..."`` is the model
with each run in a plausible world (:func:`in_worlds`); it reads :mod:`experiments.worlds`, which knows
nothing of sweeps.

A run that raises is recorded with NaN outputs and the exception in ``error``; the study goes on.
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


def model_summary(params: dict[str, Any], seed: int, steps: int) -> dict[str, Any]:
    """The model adapter: one run of the model, its summary outputs."""
    import model

    return dict(model.run_model(params, seed=seed, steps=steps).summary)


def in_worlds(worlds, keep) -> str:
    """The target that runs the model with each run in its plausible world (:mod:`experiments.worlds`);
    ``keep`` are the parameters the study sets itself (base scenario overrides and factors), which win over
    the world. The file's digest is part of the target, so a study folder refuses to resume with a changed
    worlds file."""
    return f"{WORLDS_TARGET}{worlds.path}#{worlds.digest}#{','.join(sorted(set(keep)))}"


def worlds_target(rest: str) -> Evaluate:
    """``(params, seed, steps) -> summary`` for a target made by :func:`in_worlds`."""
    from experiments.io import UserError
    from experiments.worlds import load_worlds

    path, digest, keep_text = rest.split("#", 2)
    worlds = load_worlds(path)
    if worlds.digest != digest:
        raise UserError(f"--worlds {path}: the file changed since the study started")
    keep = set(filter(None, keep_text.split(",")))

    def evaluate(params: dict[str, Any], seed: int, steps: int) -> dict[str, Any]:
        world = {k: v for k, v in worlds.values[worlds.index(seed)].items() if k not in keep}
        return model_summary({**params, **world}, seed, steps)

    return evaluate


def load_function(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@functools.cache
def resolve_target(target: str) -> Evaluate:
    """A callable ``(params, seed, steps) -> outputs`` for the target (cached per process)."""
    if target == MODEL_TARGET:
        return model_summary
    if target.startswith(WORLDS_TARGET):  # the model with each run in a plausible world (--worlds)
        return worlds_target(target[len(WORLDS_TARGET):])
    fn = load_function(target)
    takes_seed = "seed" in inspect.signature(fn).parameters

    def evaluate(params: dict[str, Any], seed: int, steps: int) -> Mapping[str, Any]:
        result = fn(**params, seed=seed) if takes_seed else fn(**params)
        return result if isinstance(result, Mapping) else {FUNCTION_OUTPUT: result}

    return evaluate


def warm_up(target: str) -> None:
    """Import the target in a fresh worker before its first task."""
    resolve_target(target)


def run_chunk(
    target: str, base: dict[str, Any], steps: int, outputs: tuple[str, ...],
    items: list[tuple[int, dict[str, Any], int]],
) -> list[dict[str, Any]]:
    """Run ``items`` [(run_id, factor values, seed)] on ``base`` parameters; one output row per run."""
    evaluate = resolve_target(target)
    return [run_one(evaluate, rid, {**base, **values}, seed, steps, outputs) for rid, values, seed in items]


def run_one(evaluate: Evaluate, run_id: int, params: dict[str, Any], seed: int, steps: int,
            outputs: tuple[str, ...]) -> dict[str, Any]:
    try:
        return output_row(run_id, evaluate(params, seed, steps), outputs)
    except Exception as exc:  # one failing run must not cost the study; the row says why
        error = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]
        return {"run_id": run_id, **{name: math.nan for name in outputs}, "error": error}


def output_row(run_id: int, result: Mapping[str, Any], outputs: tuple[str, ...]) -> dict[str, Any]:
    return {"run_id": run_id, **{name: as_float(result[name]) for name in outputs}, "error": ""}


def as_float(value: Any) -> float:
    return math.nan if value is None else float(value)
