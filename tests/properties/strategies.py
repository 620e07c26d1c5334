"""Hypothesis strategies drawn from the project's own declarations: parameters anywhere in the registry's
allowed range (``model.registry.PARAMETERS``), and TOML documents for scenario, sweep-spec and strategy files.

Nothing here restates a range: bounds come from the registry. Only the population's size is capped (to keep a
run well under a second); the caps are test budgets, not model ranges.
"""

from __future__ import annotations

import math
import re

from hypothesis import strategies as st

from model.registry import PARAMETERS

# test budget: structural sizes drawn from the registry's low up to these (the registry allows more)
SIZE_CAP = {"n_districts": 5, "n_national_orgs": 15, "n_district_orgs": 6, "n_pilot_communities": 80,
            "n_outside_communities": 200, "community_ties": 12}
LARGE_CAP = {"n_districts": 10, "n_national_orgs": 40, "n_district_orgs": 12, "n_pilot_communities": 400,
             "n_outside_communities": 2000, "community_ties": 30}


def value_of(p, caps: dict[str, int]):
    """Any value the registry accepts for ``p`` (sizes capped by ``caps``)."""
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    high = min(p.high, caps.get(p.name, p.high))
    if p.kind == "int":
        inside = st.integers(int(p.low), int(high))
        edges = st.sampled_from([int(p.low), int(high)])
    else:
        inside = st.floats(p.low, high, allow_nan=False, allow_infinity=False)
        edges = st.sampled_from([float(p.low), float(high)])
    return st.one_of(edges, inside)  # the ends of the range often, where special cases live


def parameter_sets(caps: dict[str, int] = SIZE_CAP):
    """Override dicts: each parameter either at its default (Hypothesis shrinks towards that branch, so a
    counterexample names only the parameters that matter) or anywhere in its allowed range."""
    return st.fixed_dictionaries(
        {p.name: st.one_of(st.just(p.default), value_of(p, caps)) for p in PARAMETERS}
    ).map(lambda d: {k: v for k, v in d.items() if v != _DEFAULTS[k]})


_DEFAULTS = {p.name: p.default for p in PARAMETERS}


# ----------------------------------------------------------------------------------------------- TOML
BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    return key if BARE.match(key) else toml_string(key)


def toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(doc: dict) -> str:
    """A small TOML writer: top-level scalars first, then a [table] per top-level dict (nested dicts inline)."""
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in doc.items() if not isinstance(v, dict)]
    for k, v in doc.items():
        if isinstance(v, dict):
            lines.append(f"[{toml_key(k)}]")
            lines += [f"{toml_key(kk)} = {toml_value(vv)}" for kk, vv in v.items()]
    return "\n".join(lines) + "\n"


REGISTRY_NAMES = [p.name for p in PARAMETERS]
scalars = st.one_of(
    st.booleans(),
    st.integers(-10, 200),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-2, 2),
    st.text(max_size=12),
    st.sampled_from(["core_group", "project", "national", "numeric", "sobol", "morris", "ofat", "grid",
                     "baseline.toml", "../baseline.toml", "experiments.sweep.functions:ishigami"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)


def keys(known: list[str]):
    """Mostly known names (so the checks deep in a loader are reached), sometimes anything."""
    return st.one_of(st.sampled_from(known), st.sampled_from(known), st.text(max_size=10))


def tables(known: list[str], max_size: int = 4):
    return st.dictionaries(keys(known), values, max_size=max_size)


def scenario_docs():
    return st.fixed_dictionaries({}, optional={
        "scenario": st.one_of(tables(["name", "description"]), scalars),
        "run": st.one_of(tables(["steps", "replicates", "seed"]), scalars),
        "parameters": st.one_of(tables(REGISTRY_NAMES), scalars),
    }) | st.dictionaries(keys(["scenario", "run", "parameters", "setup"]), values, max_size=3)


def strategy_docs():
    plan = ["project_months", "facilitators", "meetings", "pilots", "dissemination_events"]
    return st.fixed_dictionaries({}, optional={
        "strategy": st.one_of(tables(["name", "description"]), scalars),
        "plan": st.one_of(tables(plan), scalars),
        "settings": st.one_of(tables(REGISTRY_NAMES), scalars),
    }) | st.dictionaries(keys(["strategy", "plan", "settings", "budget"]), values, max_size=3)


SPEC_KEYS = ["description", "method", "base", "function", "include", "N", "levels", "second_order",
             "replicates", "steps", "outputs", "seed"]


def spec_docs(base: str):
    factor = st.one_of(tables(["low", "high", "choices", "values", "group"], 3), scalars)
    return st.fixed_dictionaries(
        {"method": st.one_of(st.sampled_from(["sobol", "morris", "ofat", "grid"]), scalars)},
        optional={
            "base": st.one_of(st.just(base), scalars),
            "N": st.one_of(st.sampled_from([2, 4, 8, 3]), scalars),
            "factors": st.one_of(st.dictionaries(keys(REGISTRY_NAMES + ["x1", "x2"]), factor, max_size=3),
                                 st.lists(st.sampled_from(REGISTRY_NAMES), max_size=3), scalars),
            "outputs": st.one_of(st.lists(st.sampled_from(["uptake_final", "members_final", "nope"]), max_size=3),
                                 scalars),
            "levels": scalars, "replicates": scalars, "steps": scalars, "seed": scalars,
            "include": st.one_of(st.just("numeric"), scalars),
            "second_order": scalars, "function": scalars,
        },
    ) | st.dictionaries(keys(SPEC_KEYS), values, max_size=4)
