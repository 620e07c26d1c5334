"""Strategy files (``configs/strategies/*.toml``): one way a funder can back a Learning Alliance.

```toml
[strategy]
name = "Facilitation-heavy"
description = "What the funder pays for and what it hopes to buy, in plain words."

[plan]                        # what the funder buys while the project runs, in resource units
project_months = 54           # project length; the project leaves after this month
facilitators = 2              # full-time facilitators while the project runs (default 1)
meetings = 250                # platform meetings over the project, all platforms together
pilots = 54                   # action-research pilots started over the project
dissemination_events = 18     # exchange visits, policy briefs, workshops over the project

[settings]                    # scenario settings the strategy changes: any registry parameter
guidance = 0.8                # (`mus-alliance params` lists them)
```

A strategy is applied to a base scenario (the country: ``configs/baseline.toml`` by default), which it may
not change: structural parameters (country size) belong to the base, unit costs to ``configs/costs.toml``.

**The plan drives the model; it does not cap it.** Planned units are turned into the model's activity rates
(``project_exit_month``, ``meetings_per_year`` per platform, ``pilots_per_year``,
``dissemination_events_per_year``), which a strategy therefore sets through its plan only, never twice.
What is paid is what the run used, as the model counted it: meetings are held only by platforms with
members, monitoring calls extra meetings, pilots need willing host communities, counts are random, and after
the project leaves the alliance goes on at the level it owns (at its own cost). Costs are computed from
those counts (see :mod:`.accounts`); the planned cost is shown beside them. Capping would need a spending
rule inside the model; driving keeps the model untouched and makes plan and rates one thing. Facilitators
multiply the facilitator-months counted (the model has one facilitation team); what better facilitation
buys is said openly in ``[settings]`` (guidance, mediation, ...), an assumption the strategy states.

Any problem (unknown setting, value out of range, a rate the plan implies outside the model's range) is a
one-line ConfigError naming the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import model
from model.registry import REGISTRY, ConfigError, unknown_key_message
from model import read_toml
from model.scenario import unknown_section

SECTIONS = ("strategy", "plan", "settings")
META_KEYS = ("name", "description")
PLAN_KEYS = ("project_months", "facilitators", "meetings", "pilots", "dissemination_events")
# Model parameter a plan item sets (a strategy changes it through its plan only).
DRIVEN = {
    "project_exit_month": "project_months",
    "meetings_per_year": "meetings",
    "pilots_per_year": "pilots",
    "dissemination_events_per_year": "dissemination_events",
}
RATE_OF = {plan: param for param, plan in DRIVEN.items() if plan != "project_months"}
MAX_FACILITATORS = 100.0
CONFIGS = Path(__file__).resolve().parents[2] / "configs"
STRATEGIES_DIR = CONFIGS / "strategies"


@dataclass(frozen=True)
class Plan:
    """What the funder buys while the project runs, in resource units."""

    project_months: int
    facilitators: float
    meetings: float
    pilots: float
    dissemination_events: float

    @property
    def years(self) -> float:
        return self.project_months / 12

    def units(self) -> dict[str, float]:
        """Planned resource units, keyed like the cost table."""
        return {
            "facilitator_month": self.facilitators * self.project_months,
            "meeting": self.meetings,
            "pilot": self.pilots,
            "dissemination_event": self.dissemination_events,
        }

    def parameters(self, platforms: int) -> dict[str, Any]:
        """The model rates this plan drives (meetings are per platform)."""
        years = max(self.years, 1e-9)
        return {
            "project_exit_month": self.project_months,
            "meetings_per_year": self.meetings / platforms / years,
            "pilots_per_year": self.pilots / years,
            "dissemination_events_per_year": self.dissemination_events / years,
        }


@dataclass(frozen=True)
class Strategy:
    """A checked strategy applied to a base scenario; ``params`` is what a run gets (overrides)."""

    name: str
    description: str
    settings: dict[str, Any]
    plan: Plan
    params: dict[str, Any]
    base: model.Scenario = field(repr=False)
    path: Path | None = None
    label: str = ""  # the name shown in reports (unique within a comparison)

    @property
    def exit_month(self) -> int:
        return self.plan.project_months

    def relabel(self, label: str) -> Strategy:
        return replace(self, label=label)


def country_size(params: dict[str, Any]) -> tuple[int, int]:
    """(platforms, communities) of the country a scenario describes (a model at month 0 knows them)."""
    alliance = model.build_model(params, seed=0)
    return int(alliance.n_platforms), int(alliance.n_communities)


def base_plan(params: dict[str, Any], platforms: int, project_months: int | None = None) -> Plan:
    """The plan that keeps a scenario's own rates over ``project_months`` (default: the scenario's project
    length); it fills in any plan item a strategy leaves out."""
    p = model.registry.resolve(params)
    months = p["project_exit_month"] if project_months is None else project_months
    years = months / 12
    return Plan(
        project_months=months, facilitators=1.0,
        meetings=p["meetings_per_year"] * platforms * years,
        pilots=p["pilots_per_year"] * years,
        dissemination_events=p["dissemination_events_per_year"] * years,
    )


def strategy_files(folder: Path = STRATEGIES_DIR) -> list[Path]:
    """The shipped strategy files, in name order (the dashboard lists them)."""
    return sorted(Path(folder).glob("*.toml"))


def strategy_path(text: str) -> Path:
    """A path as given, or the name of a file in configs/strategies/ ("light-touch", "02-light-touch")."""
    path = Path(text)
    if path.exists() or path.suffix == ".toml":
        return path
    named = [p for p in strategy_files() if p.stem == text or p.stem.split("-", 1)[-1] == text]
    return named[0] if named else STRATEGIES_DIR / f"{text}.toml"


def load_strategy(path: str | Path, base: model.Scenario) -> Strategy:
    """Read and check a strategy file against ``base`` (the country scenario)."""
    path = Path(path)
    return strategy_from_dict(read_toml(path), base, path)


def strategy_from_dict(data: dict, base: model.Scenario, path: Path | None = None) -> Strategy:
    where = f"{path}: " if path else ""
    try:
        meta = check_meta(data)
        settings = {key: check_setting(key, value) for key, value in data.get("settings", {}).items()}
        if base.table is not None:  # the country's alliance table fixes some population parameters
            base.table.refuse_fixed(settings, prefix="settings.")
        platforms, _ = country_size({**base.params, **settings})
        plan = check_plan(data.get("plan", {}), {**base.params, **settings}, platforms)
        params = {**base.params, **settings, **check_rates(plan, platforms)}
    except ConfigError as exc:
        raise ConfigError(where + str(exc)) from None
    name = meta.get("name") or (path.stem if path else "strategy")
    return Strategy(name, meta.get("description", "").strip(), settings, plan, params, base, path, name)


def check_meta(data: dict) -> dict[str, str]:
    for key in data:
        if key not in SECTIONS:
            raise ConfigError(unknown_section(key, SECTIONS, "settings"))
        if not isinstance(data[key], dict):
            raise ConfigError(f"{key}: expected a [{key}] table")
    meta = data.get("strategy", {})
    for key, value in meta.items():
        if key not in META_KEYS:
            raise ConfigError(unknown_key_message(f"strategy.{key}", [f"strategy.{k}" for k in META_KEYS], "key"))
        if not isinstance(value, str):
            raise ConfigError(f"strategy.{key}: expected text, got {type(value).__name__}")
    return meta


def check_setting(key: str, value: Any) -> Any:
    """A scenario setting the strategy may change, checked against the registry."""
    if key not in REGISTRY:
        raise ConfigError(unknown_key_message(f"settings.{key}", [f"settings.{k}" for k in REGISTRY], "setting"))
    if key in DRIVEN:
        raise ConfigError(f"settings.{key}: set by the spending plan; give plan.{DRIVEN[key]} instead")
    if key.startswith("cost_"):
        raise ConfigError(f"settings.{key}: unit costs live in the cost table (configs/costs.toml), not in a strategy")
    if REGISTRY[key].structural:
        raise ConfigError(f"settings.{key}: describes the country, not the strategy; set it in the base scenario (--base)")
    return REGISTRY[key].check(value)


def check_plan(given: dict, params: dict[str, Any], platforms: int) -> Plan:
    """The plan as given; a missing item keeps the scenario's rate over the plan's project length."""
    for key in given:
        if key not in PLAN_KEYS:
            raise ConfigError(unknown_key_message(f"plan.{key}", [f"plan.{k}" for k in PLAN_KEYS], "plan item"))
    values = {key: plan_number(key, value) for key, value in given.items()}
    months = values.get("project_months", model.registry.resolve(params)["project_exit_month"])
    if not float(months).is_integer() or not 1 <= months <= REGISTRY["project_exit_month"].high:
        raise ConfigError(f"plan.project_months: {months!r} must be a whole number of months "
                          f"in [1, {REGISTRY['project_exit_month'].high:g}]")
    default = base_plan(params, platforms, int(months))
    values = {key: values.get(key, getattr(default, key)) for key in PLAN_KEYS}
    if not 0 < values["facilitators"] <= MAX_FACILITATORS:
        raise ConfigError(f"plan.facilitators: {values['facilitators']!r} must be > 0 and <= {MAX_FACILITATORS:g}")
    return Plan(**{**values, "project_months": int(months)})


def plan_number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"plan.{key}: expected a number, got {type(value).__name__} {value!r}")
    if not value >= 0 or value == float("inf"):
        raise ConfigError(f"plan.{key}: {value!r} is not allowed; planned units must be >= 0 and finite")
    return value


def check_rates(plan: Plan, platforms: int) -> dict[str, Any]:
    """The model rates the plan drives, each within the registry's range."""
    rates = plan.parameters(platforms)
    for item, param in RATE_OF.items():
        spec = REGISTRY[param]
        if rates[param] > spec.high:
            per = f" on {platforms} platforms" if item == "meetings" else ""
            raise ConfigError(
                f"plan.{item}: {getattr(plan, item):g} over {plan.project_months} months{per} is "
                f"{rates[param]:.3g} {spec.unit}; the model allows at most {spec.high:g} ({param})")
    return rates


def unique_labels(strategies: list[Strategy]) -> list[Strategy]:
    """Give every strategy a distinct display label ("Light-touch", "Light-touch (2)", ...)."""
    seen: dict[str, int] = {}
    out = []
    for s in strategies:
        seen[s.name] = seen.get(s.name, 0) + 1
        out.append(s.relabel(s.name if seen[s.name] == 1 else f"{s.name} ({seen[s.name]})"))
    return out


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "strategy"
