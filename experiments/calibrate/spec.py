"""Read and check a calibration spec (TOML, ``configs/calibration/*.toml``; format in that folder's README).

A spec names what is run (the model on a base scenario, or, for verification, a plain function), the free
parameters and their priors, the replicates per candidate, the ABC settings and the **patterns**: each a
statistic of a run's measures aggregated over the candidate's replicates, a target (an interval or an
inequality), a tolerance (how far outside the target counts as one unit of misfit), a weight and its source.
Every refusal is one line naming the file and the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.registry import REGISTRY, ConfigError, unknown_key_message

from ..expressions import Expression, parse
from ..io import UserError
from model import DEFAULT_BATCH, read_toml

from ..sweep.spec import check_function, check_keys

SPEC_KEYS = ("description", "base", "function", "steps", "replicates", "seed", "judge", "abc", "parameters", "patterns",
             "batch_size")
JUDGE = ("replicate", "aggregate")  # patterns on a mean or median: judged on each replicate, or on the aggregate
ABC_KEYS = ("population", "rejection_candidates", "generations", "quantile", "max_candidates", "batch")
PARAMETER_KEYS = ("low", "high")
PATTERN_KEYS = ("description", "statistic", "over", "target", "below", "above", "tolerance", "weight", "source")
OVER = ("mean", "median", "share")
RESERVED = ("generation", "candidate", "distance", "weight", "error", "world", "accepted", "met_all")
ABC_DEFAULTS = {"population": 100, "rejection_candidates": 500, "generations": 3, "quantile": 0.5,
                "max_candidates": 2000, "batch": 0}


@dataclass(frozen=True)
class FreeParameter:
    name: str
    kind: str     # "float" or "int"
    low: float
    high: float
    label: str

    def value(self, x: float) -> Any:
        """The value a run receives for the algorithm's continuous x (ints rounded)."""
        return int(round(x)) if self.kind == "int" else float(x)


@dataclass(frozen=True)
class Pattern:
    name: str
    description: str
    statistic: Expression
    over: str          # mean | median | share (of replicates where a condition holds)
    low: float         # target interval [low, high]; -inf/inf for inequalities
    high: float
    tolerance: float
    weight: float
    source: str

    @property
    def target_text(self) -> str:
        if math.isinf(self.low):
            return f"<= {self.high:g}"
        if math.isinf(self.high):
            return f">= {self.low:g}"
        return f"{self.low:g} to {self.high:g}"


@dataclass(frozen=True)
class CalibrationSpec:
    path: Path
    name: str
    description: str
    target: str                     # "model" or "module:function"
    base_path: Path | None
    base_params: dict[str, Any]     # the base scenario's overrides (model) or {} (function)
    steps: int
    replicates: int
    seed: int
    parameters: tuple[FreeParameter, ...]
    patterns: tuple[Pattern, ...]
    abc: dict[str, Any] = field(default_factory=dict)
    judge: str = "replicate"
    batch_size: int = DEFAULT_BATCH  # model runs stepped together (speed and memory only: not in the fingerprint)

    @property
    def is_model(self) -> bool:
        return self.target == "model"

    def fingerprint(self) -> dict[str, Any]:
        """Everything that decides the calibration's numbers, the model's code included (the git tree of
        ``model/``), so a folder is never resumed with a changed model. Not ``batch_size``: a run gives the
        same numbers in any batch, so a calibration may resume with another."""
        return {
            "model_code": model_code() if self.is_model else None,
            "target": self.target, "base_params": dict(sorted(self.base_params.items())), "steps": self.steps,
            "replicates": self.replicates, "seed": self.seed,
            "parameters": {p.name: [p.kind, p.low, p.high] for p in self.parameters},
            "parameter_order": [p.name for p in self.parameters],
            "patterns": {p.name: [p.statistic.text, p.over, p.low, p.high, p.tolerance, p.weight] for p in self.patterns},
            "abc": dict(sorted(self.abc.items())), "judge": self.judge,
        }

    def sha256(self) -> str:
        """The hash of :meth:`fingerprint`: what a worlds file records as the spec that made it."""
        import hashlib
        import json

        return hashlib.sha256(json.dumps(self.fingerprint(), sort_keys=True, default=str).encode()).hexdigest()


def model_code() -> str | None:
    """The git tree hash of ``model/`` (None outside git), plus whether it has uncommitted changes."""
    from ..provenance import git

    tree = git("rev-parse", "HEAD:model")
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "model")
    return None if tree is None else tree + ("+uncommitted" if dirty else "")


def load_calibration(path: str | Path) -> CalibrationSpec:
    path = Path(path)
    raw = read_toml(path)
    try:
        return build(path, raw)
    except (ConfigError, UserError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def build(path: Path, raw: dict[str, Any]) -> CalibrationSpec:
    from .simulate import measure_names

    check_keys(raw, SPEC_KEYS, "")
    if ("base" in raw) == ("function" in raw):
        raise ConfigError("base: give either base (the scenario file of the country) or function, not both or neither")
    if "base" in raw:
        import model

        base_path = (path.parent / str(raw["base"])).resolve()
        if not base_path.is_file():
            raise ConfigError(f"base: {raw['base']!r} not found (relative to the spec's folder)")
        scenario = model.load_scenario(base_path)
        target, base_params, steps, seed = "model", dict(scenario.params), scenario.steps, scenario.seed
    else:
        target, base_path, base_params, steps, seed = check_function(raw["function"]), None, {}, 1, 0
    steps = integer(raw, "steps", steps, 1)
    replicates = integer(raw, "replicates", 4, 1)
    seed = integer(raw, "seed", seed, 0)
    judge = raw.get("judge", "replicate")
    if judge not in JUDGE:
        raise ConfigError(f"judge: expected \"replicate\" (each replicate meets the pattern or not) or \"aggregate\" "
                          f"(the mean or median over the replicates does), got {judge!r}")
    abc = read_abc(raw.get("abc", {}))
    parameters = read_parameters(raw.get("parameters"), target, base_params)
    sample = None if target == "model" else {p.name: (p.low + p.high) / 2 for p in parameters}
    names = measure_names(target, base_params, steps, sample)
    patterns = read_patterns(raw.get("patterns"), names)
    for pattern in patterns:
        if pattern.name in RESERVED or pattern.name in {p.name for p in parameters}:
            raise ConfigError(f"patterns.{pattern.name}: the name is taken (a parameter or a column of the results); rename it")
    from ..batching import check_batch_size, default_batch

    batch_size = check_batch_size(raw.get("batch_size", default_batch()))
    return CalibrationSpec(path, path.stem, str(raw.get("description", "")).strip(), target, base_path, base_params,
                           steps, replicates, seed, parameters, patterns, abc, judge, batch_size)


def integer(raw: dict[str, Any], key: str, default: int, minimum: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key}: expected a whole number, got {value!r}")
    if value < minimum:
        raise ConfigError(f"{key}: {value} is below the minimum {minimum}")
    return value


def number(value: Any, where: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{where}: expected a finite number, got {value!r}")
    if positive and value <= 0:
        raise ConfigError(f"{where}: must be > 0, got {value!r}")
    return float(value)


def read_abc(table: Any) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError("abc: expected a table")
    check_keys(table, ABC_KEYS, "abc.")
    abc = dict(ABC_DEFAULTS)
    for key, value in table.items():
        if key == "quantile":
            q = number(value, "abc.quantile")
            if not 0 < q < 1:
                raise ConfigError(f"abc.quantile: must be between 0 and 1, got {value!r}")
            abc[key] = q
        else:
            abc[key] = integer(table, key, 0, 0 if key in ("generations", "batch") else 2)
    if abc["rejection_candidates"] < abc["population"]:
        raise ConfigError(f"abc.rejection_candidates: {abc['rejection_candidates']} is fewer than the population "
                          f"{abc['population']}; the rejection round must draw at least as many")
    if abc["max_candidates"] < abc["population"]:
        raise ConfigError("abc.max_candidates: must be at least the population")
    return abc


def read_parameters(table: Any, target: str, base_params: dict[str, Any]) -> tuple[FreeParameter, ...]:
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"parameters: expected a [parameters] table, e.g. bass_q = {{}}, got {type(table).__name__} "
                          f"{table!r}")
    if not table:
        raise ConfigError("parameters: name at least one free parameter, e.g. bass_q = {}")
    out = []
    for name, given in table.items():
        if not isinstance(given, dict):
            raise ConfigError(f"parameters.{name}: expected a table such as {{ low = 0.1, high = 0.5 }} or {{}}")
        check_keys(given, PARAMETER_KEYS, f"parameters.{name}.")
        if target != "model":
            for key in ("low", "high"):
                if key not in given:
                    raise ConfigError(f"parameters.{name}.{key}: missing (a function's parameters need low and high)")
            low, high = (number(given[k], f"parameters.{name}.{k}") for k in ("low", "high"))
            out.append(check_range(FreeParameter(name, "float", low, high, name)))
            continue
        if name not in REGISTRY:
            raise ConfigError(unknown_key_message(f"parameters.{name}", [f"parameters.{k}" for k in REGISTRY]))
        p = REGISTRY[name]
        if p.kind == "choice":
            raise ConfigError(f"parameters.{name}: a categorical parameter cannot be calibrated; fix it in the base scenario")
        if p.structural:
            raise ConfigError(f"parameters.{name}: describes the country's size; fix it in the base scenario")
        if name in base_params:
            raise ConfigError(f"parameters.{name}: the base scenario fixes it; remove it there or here")
        low = given.get("low", prior_bound(p, "low"))
        high = given.get("high", prior_bound(p, "high"))
        for key, v in (("low", low), ("high", high)):
            number(v, f"parameters.{name}.{key}")
            if not p.low <= v <= p.high:
                raise ConfigError(f"parameters.{name}.{key}: {v!r} is outside the registry range {p.range_text}")
        out.append(check_range(FreeParameter(name, p.kind, float(low), float(high), getattr(p, "label", "") or name)))
    return tuple(out)


def prior_bound(p, side: str) -> float:
    """The prior's bound: the registry's plausible range where it has one (model v2), else its allowed range."""
    plausible = getattr(p, f"plausible_{side}", None)
    return float(plausible if plausible is not None else getattr(p, side))


def check_range(p: FreeParameter) -> FreeParameter:
    if not p.low < p.high:
        raise ConfigError(f"parameters.{p.name}: empty or inverted prior range [{p.low:g}, {p.high:g}]")
    return p


def read_patterns(table: Any, names: list[str]) -> tuple[Pattern, ...]:
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"patterns: expected one table per pattern, e.g. [patterns.meetings] with statistic and "
                          f"target, got {type(table).__name__} {table!r}")
    if not table:
        raise ConfigError("patterns: name at least one pattern, e.g. [patterns.meetings] with statistic and target")
    out = []
    for name, given in table.items():
        where = f"patterns.{name}"
        if not isinstance(given, dict):
            raise ConfigError(f"{where}: expected a table")
        check_keys(given, PATTERN_KEYS, f"{where}.")
        if "statistic" not in given:
            raise ConfigError(f"{where}.statistic: missing; an expression of a run's outputs, e.g. \"members_final\"")
        over = given.get("over", "mean")
        if over not in OVER:
            raise ConfigError(f"{where}.over: {over!r} is not one of {', '.join(OVER)}")
        statistic = parse(given["statistic"], names, f"{where}.statistic", condition=(over == "share"))
        if over != "share" and statistic.is_condition:
            raise ConfigError(f"{where}.over: the statistic is a condition; use over = \"share\" (share of replicates where it holds)")
        low, high = read_target(given, where)
        if over == "share" and (low < 0 or high > 1) and not (math.isinf(low) or math.isinf(high)):
            raise ConfigError(f"{where}.target: a share lies in [0, 1]")
        if "tolerance" not in given:
            raise ConfigError(f"{where}.tolerance: missing; how far outside the target counts as one unit of misfit")
        tolerance = number(given["tolerance"], f"{where}.tolerance", positive=True)
        weight = number(given.get("weight", 1.0), f"{where}.weight", positive=True)
        for key in ("description", "source"):
            if key in given and not isinstance(given[key], str):
                raise ConfigError(f"{where}.{key}: expected text")
        if not given.get("source"):
            raise ConfigError(f"{where}.source: missing; say where the pattern comes from (e.g. \"P3, domain notes 1.3\")")
        out.append(Pattern(name, given.get("description", "").strip(), statistic, over, low, high, tolerance, weight,
                           given["source"].strip()))
    return tuple(out)


def read_target(given: dict[str, Any], where: str) -> tuple[float, float]:
    kinds = [k for k in ("target", "below", "above") if k in given]
    if len(kinds) != 1:
        raise ConfigError(f"{where}: give exactly one of target = [low, high], below = x or above = x")
    if kinds[0] == "target":
        t = given["target"]
        if not isinstance(t, list) or len(t) != 2:
            raise ConfigError(f"{where}.target: expected [low, high], got {t!r}")
        low, high = (number(v, f"{where}.target") for v in t)
        if low > high:
            raise ConfigError(f"{where}.target: inverted interval [{low:g}, {high:g}]")
        return low, high
    value = number(given[kinds[0]], f"{where}.{kinds[0]}")
    return (-math.inf, value) if kinds[0] == "below" else (value, math.inf)
