"""Read and check a study spec (TOML) into a :class:`Spec`.

A spec names the method (``sobol``, ``morris``, ``ofat``, ``grid``), what is run (the model on a base
scenario, or any importable function of named parameters), the factors, the sample size ``N``, replicates per
design point, steps, outputs and the study seed. Model factors are registry parameters: their ranges default
to the registry's and may only be narrowed, so no range is restated here. Every refusal is a
:class:`~model.registry.ConfigError` of one line that names the file and the field.

See ``configs/sweeps/README.md`` for the format and how categorical factors enter the sample.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import model
from model.registry import REGISTRY, TABLE, ConfigError, numeric, resolve, unknown_key_message

from .targets import FUNCTION_OUTPUT, MODEL_TARGET, WORLDS_TARGET, load_function

METHODS = ("sobol", "morris", "ofat", "grid")
SPEC_KEYS = (
    "description", "method", "base", "function", "include", "factors", "N", "levels", "second_order",
    "replicates", "steps", "outputs", "seed", "batch_size",
)
FACTOR_KEYS = ("low", "high", "choices", "values", "group")


@dataclass(frozen=True)
class Factor:
    """One varied input: numeric (``int``/``float`` over [low, high]) or categorical (``choice``)."""

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    values: tuple[Any, ...] | None = None  # explicit levels (ofat, grid)
    group: str | None = None
    base: Any = None  # value while other factors vary (ofat), from the base scenario

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "low": self.low, "high": self.high, "choices": list(self.choices),
            "values": None if self.values is None else list(self.values), "group": self.group, "base": self.base,
        }


@dataclass(frozen=True)
class Spec:
    """A checked study spec; :meth:`fingerprint` is everything that decides the study's numbers (JSON
    writers sort dict keys, so the factors' order, which decides the design's columns, is kept as a list).
    ``batch_size`` is not in it: runs give the same numbers in any batch, so a study may resume with another."""

    path: Path
    name: str
    description: str
    method: str
    target: str  # "model" or "package.module:function"
    base_path: Path | None
    base_params: dict[str, Any]
    factors: tuple[Factor, ...]
    N: int
    levels: int
    second_order: bool
    replicates: int
    steps: int
    outputs: tuple[str, ...]
    seed: int
    batch_size: int = model.DEFAULT_BATCH  # model runs stepped together; speed and memory only, not a number

    @property
    def factor_names(self) -> list[str]:
        return [f.name for f in self.factors]

    @property
    def is_model(self) -> bool:
        return self.target == MODEL_TARGET or self.target.startswith(WORLDS_TARGET)

    def fingerprint(self) -> dict[str, Any]:
        return {
            "method": self.method, "target": self.target, "base_params": dict(sorted(self.base_params.items())),
            "factors": {f.name: f.as_dict() for f in self.factors}, "factor_order": self.factor_names,
            "N": self.N, "levels": self.levels,
            "second_order": self.second_order, "replicates": self.replicates, "steps": self.steps,
            "outputs": list(self.outputs), "seed": self.seed,
        }


def load_spec(path: str | Path) -> Spec:
    """Read the TOML spec at ``path``; raise ConfigError (one line, naming the field) if it is unusable."""
    path = Path(path)
    raw = model.read_toml(path)  # the project's one TOML reader: a missing or unreadable file, one line
    try:
        return build_spec(path, raw)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def build_spec(path: Path, raw: dict[str, Any]) -> Spec:
    check_keys(raw, SPEC_KEYS, "")
    method = check_method(raw.get("method"))
    target, base_path, base_params, base_steps, base_seed = read_target(path, raw)
    factors = read_factors(raw, target, base_params, method)
    levels = read_int(raw, "levels", 4, minimum=2)
    check_method_options(raw, method, factors, levels)
    N = check_N(method, raw.get("N"), factors)
    return Spec(
        path=path, name=path.stem, description=str(raw.get("description", "")), method=method, target=target,
        base_path=base_path, base_params=base_params, factors=factors, N=N, levels=levels,
        second_order=read_bool(raw, "second_order", False), replicates=read_int(raw, "replicates", 1, 1),
        steps=read_int(raw, "steps", base_steps, 1), outputs=read_outputs(raw, target),
        seed=read_int(raw, "seed", base_seed, 0), batch_size=read_batch_size(raw),
    )


def check_keys(table: dict[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(unknown_field(f"{prefix}{key}", [prefix + k for k in allowed], "key"))


def unknown_field(key: str, known: list[str], what: str) -> str:
    """The registry's 'did you mean' message, or the list of allowed names when nothing is close."""
    message = unknown_key_message(key, known, what)
    return message if "did you mean" in message else f"{key}: unknown {what}; allowed: {', '.join(known)}"


def check_method(method: Any) -> str:
    if method is None:
        raise ConfigError(f"method: missing; one of {', '.join(METHODS)}")
    if method not in METHODS:
        raise ConfigError(f"method: {method!r} is not one of {', '.join(METHODS)}")
    return method


def read_int(raw: dict[str, Any], key: str, default: int | None, minimum: int) -> int:
    value = raw.get(key, default)
    if value is None:
        raise ConfigError(f"{key}: missing")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{key}: expected an integer, got {value!r}")
    if value < minimum:
        raise ConfigError(f"{key}: {value} is below the minimum {minimum}")
    return value


def read_batch_size(raw: dict[str, Any]) -> int:
    from ..batching import check_batch_size, default_batch

    return check_batch_size(raw.get("batch_size", default_batch()))


def read_bool(raw: dict[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{key}: expected true or false, got {value!r}")
    return value


def read_target(path: Path, raw: dict[str, Any]) -> tuple[str, Path | None, dict[str, Any], int, int]:
    """What the study runs: (target, base scenario path, base parameters, default steps, default seed)."""
    if "function" in raw:
        if "base" in raw:
            raise ConfigError("function: give either base (a model scenario) or function, not both")
        return check_function(raw["function"]), None, {}, 1, 0
    if "base" not in raw:
        raise ConfigError("base: missing; the scenario file the study starts from (or function = 'module:name')")
    base_path = (path.parent / str(raw["base"])).resolve()
    if not base_path.is_file():
        raise ConfigError(f"base: {raw['base']!r} not found (relative to the spec's folder)")
    scenario = model.load_scenario(base_path)
    return MODEL_TARGET, base_path, resolve(scenario.params), int(scenario.steps), int(scenario.seed)


def check_function(ref: Any) -> str:
    if not isinstance(ref, str) or ":" not in ref:
        raise ConfigError(f"function: expected 'package.module:function', got {ref!r}")
    try:
        load_function(ref)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"function: cannot import {ref!r} ({exc})") from None
    return ref


def read_factors(raw: dict[str, Any], target: str, base: dict[str, Any], method: str) -> tuple[Factor, ...]:
    """The factors: every numeric non-structural registry parameter if ``include = "numeric"``, then the
    ``[factors]`` table (a table per factor, or a list of names)."""
    include = raw.get("include")
    if include not in (None, "numeric"):
        raise ConfigError(f"include: {include!r} is not allowed; the only value is \"numeric\"")
    if include and target != MODEL_TARGET:
        raise ConfigError("include: only for model studies (registry parameters)")
    tables: dict[str, Any] = {p.name: {} for p in numeric()} if include else {}
    given = raw.get("factors", {})
    if isinstance(given, list):
        given = {name: {} for name in given}
    if not isinstance(given, dict):
        raise ConfigError("factors: expected a table of factors or a list of names")
    table = base.get(TABLE)  # the base scenario's alliance table fixes some population parameters
    if table is not None:
        table.refuse_fixed(list(given), prefix="factors.")
        tables = {name: t for name, t in tables.items() if name not in table.fixed}
    tables.update(given)
    if not tables:
        raise ConfigError("factors: no factors; name at least one (or include = \"numeric\")")
    make = model_factor if target == MODEL_TARGET else function_factor
    factors = tuple(make(name, check_factor_table(name, t), base) for name, t in tables.items())
    for f in factors:
        if f.values is not None and method not in ("ofat", "grid"):
            raise ConfigError(f"factors.{f.name}.values: explicit values are only for ofat and grid studies")
    return factors


def check_factor_table(name: str, table: Any) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"factors.{name}: expected a table such as {{ low = 0.2, high = 0.8 }}, got {table!r}")
    check_keys(table, FACTOR_KEYS, f"factors.{name}.")
    group = table.get("group")
    if group is not None and not isinstance(group, str):
        raise ConfigError(f"factors.{name}.group: expected a name, got {group!r}")
    return table


def model_factor(name: str, table: dict[str, Any], base: dict[str, Any]) -> Factor:
    """A registry parameter as a factor: its plausible range unless the spec gives low/high, which must lie
    within the allowed range."""
    if name not in REGISTRY:
        raise ConfigError(unknown_key_message(f"factors.{name}", [f"factors.{k}" for k in REGISTRY]))
    p = REGISTRY[name]
    values = check_values(name, table, p.check)
    if p.kind == "choice":
        if "low" in table or "high" in table:
            raise ConfigError(f"factors.{name}: a categorical parameter takes choices, not low/high")
        choices = check_choices(name, table.get("choices", list(p.choices)), p.choices)
        return Factor(name, "choice", choices=choices, values=values, group=table.get("group"), base=base[name])
    if "choices" in table:
        raise ConfigError(f"factors.{name}.choices: only for categorical parameters; use low and high")
    # unless narrowed, a factor spans the registry's plausible range (its allowed range is for the code)
    low, high = (check_bound(name, key, table.get(key, getattr(p, f"plausible_{key}")), p) for key in ("low", "high"))
    check_range(name, low, high)
    return Factor(name, p.kind, low, high, values=values, group=table.get("group"), base=base[name])


def function_factor(name: str, table: dict[str, Any], base: dict[str, Any]) -> Factor:
    """A factor of a plain function: its range (or choices) must be given; its base is the middle."""
    group = table.get("group")
    if "choices" in table:
        choices = check_choices(name, table["choices"], None)
        return Factor(name, "choice", choices=choices, values=check_values(name, table, None), group=group,
                      base=choices[0])
    for key in ("low", "high"):
        if key not in table:
            raise ConfigError(f"factors.{name}.{key}: missing (a function's factors need low and high, or choices)")
        check_number(f"factors.{name}.{key}", table[key])
    low, high = float(table["low"]), float(table["high"])
    check_range(name, low, high)
    return Factor(name, "float", low, high, values=check_values(name, table, None), group=group,
                  base=(low + high) / 2)


def check_number(field_name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{field_name}: expected a finite number, got {value!r}")


def check_bound(name: str, key: str, value: Any, p) -> float:
    check_number(f"factors.{name}.{key}", value)
    if p.kind == "int" and not float(value).is_integer():
        raise ConfigError(f"factors.{name}.{key}: expected an integer, got {value!r}")
    if not (p.low <= value <= p.high):
        raise ConfigError(
            f"factors.{name}.{key}: {value!r} is outside the registry range {p.range_text} (what the model accepts; "
            f"the plausible range, the default, is {p.plausible_text})"
        )
    return int(value) if p.kind == "int" else float(value)


def check_range(name: str, low: float, high: float) -> None:
    if low == high:
        raise ConfigError(f"factors.{name}: empty range [{low:g}, {high:g}]")
    if low > high:
        raise ConfigError(f"factors.{name}: inverted range, low {low:g} > high {high:g}")


def check_choices(name: str, choices: Any, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise ConfigError(f"factors.{name}.choices: expected a list of names, got {choices!r}")
    if len(set(choices)) != len(choices):
        raise ConfigError(f"factors.{name}.choices: repeated choice")
    if len(choices) < 2:
        raise ConfigError(f"factors.{name}.choices: at least 2 choices are needed to vary it")
    for c in choices:
        if allowed is not None and c not in allowed:
            raise ConfigError(f"factors.{name}.choices: {c!r} is not allowed; allowed: {', '.join(allowed)}")
    return tuple(choices)


def check_values(name: str, table: dict[str, Any], check) -> tuple[Any, ...] | None:
    if "values" not in table:
        return None
    values = table["values"]
    if not isinstance(values, list) or not values:
        raise ConfigError(f"factors.{name}.values: expected a non-empty list")
    try:
        return tuple(check(v) if check else v for v in values)
    except ConfigError as exc:
        raise ConfigError(f"factors.{name}.values: {exc}") from None


def check_method_options(raw: dict[str, Any], method: str, factors: tuple[Factor, ...], levels: int) -> None:
    if "second_order" in raw and method != "sobol":
        raise ConfigError("second_order: only for sobol studies")
    if "levels" in raw and method != "morris":
        raise ConfigError("levels: only for morris studies (ofat and grid take N levels per factor)")
    if any(f.group for f in factors) and method not in ("sobol", "morris"):
        raise ConfigError("factors: groups are only for sobol and morris studies")
    if method == "morris":
        for f in factors:
            if f.kind == "choice" and levels < len(f.choices):
                raise ConfigError(
                    f"factors.{f.name}: morris with levels = {levels} visits only {levels} of its "
                    f"{len(f.choices)} choices; set levels >= {len(f.choices)} or narrow its choices"
                )


def check_N(method: str, N: Any, factors: tuple[Factor, ...]) -> int:
    """N is the Sobol base sample (a power of 2), the Morris trajectories, or the levels per numeric factor."""
    needs_N = method in ("sobol", "morris") or any(f.kind != "choice" and f.values is None for f in factors)
    if N is None:
        if needs_N:
            raise ConfigError("N: missing")
        return 0
    if isinstance(N, bool) or not isinstance(N, int):
        raise ConfigError(f"N: expected an integer, got {N!r}")
    if method == "sobol" and (N < 2 or N & (N - 1)):
        raise ConfigError(f"N: sobol needs a power of 2 (>= 2) for its Sobol' sequence, got {N}")
    if N < 2:
        what = "trajectories" if method == "morris" else "levels per factor"
        raise ConfigError(f"N: {method} needs at least 2 {what}, got {N}")
    return N


def read_outputs(raw: dict[str, Any], target: str) -> tuple[str, ...]:
    known = known_outputs(target)
    outputs = raw.get("outputs", list(known) if known else [FUNCTION_OUTPUT])
    if not isinstance(outputs, list) or not outputs or not all(isinstance(o, str) for o in outputs):
        raise ConfigError(f"outputs: expected a non-empty list of names, got {outputs!r}")
    if len(set(outputs)) != len(outputs):
        raise ConfigError("outputs: repeated output")
    for name in outputs:
        if known and name not in known:
            raise ConfigError(unknown_field(f"outputs.{name}", [f"outputs.{k}" for k in known], "output"))
    return tuple(outputs)


def known_outputs(target: str) -> tuple[str, ...]:
    """The outputs the target is known to give (the model's summary); () for functions (checked on the
    first run)."""
    if target != MODEL_TARGET:
        return ()
    return tuple(model.SUMMARY_OUTPUTS)


def spec_in_worlds(spec: Spec, worlds) -> Spec:
    """The spec with every run in a plausible world (a model study only); its name gains the worlds'."""
    import dataclasses

    from ..io import UserError
    from .targets import in_worlds

    if not spec.is_model:
        raise UserError(f"--worlds: {spec.path} runs a function, not the model; worlds are model parameters")
    explicit = set(model.load_scenario(spec.base_path).params) | set(spec.factor_names)
    return dataclasses.replace(spec, target=in_worlds(worlds, explicit), name=f"{spec.name}-worlds-{worlds.path.stem}")
