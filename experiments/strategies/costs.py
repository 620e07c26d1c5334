"""The one cost table (``configs/costs.toml``): a unit cost for each resource unit a strategy uses.

```toml
currency = "k$"              # printed after every cost; any text

[unit_costs]                 # one line per resource unit, each >= 0, all four required
facilitator_month = 3.0
meeting = 1.0
pilot = 15.0
dissemination_event = 2.0
```

A user edits it for their country. Costs never enter a run: the model's dynamics do not depend on prices,
so the same runs can be re-costed, and a cost in any currency is accepted (the model's own ``cost_*``
parameters, whose ranges assume k$, are left alone). A cost is always the resource units the model counted
in a run times these unit costs (:meth:`CostTable.cost`). Any problem is a one-line ConfigError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from model.registry import ConfigError, unknown_key_message
from model import read_toml

# Resource unit -> the model's cumulative counter of that unit (model.OUTPUTS).
UNIT_COUNTERS: dict[str, str] = {
    "facilitator_month": "facilitator_months",
    "meeting": "meetings",
    "pilot": "pilots_run",
    "dissemination_event": "dissemination_events",
}
UNITS = tuple(UNIT_COUNTERS)
UNIT_LABELS = {
    "facilitator_month": "facilitator-months",
    "meeting": "platform meetings",
    "pilot": "pilots",
    "dissemination_event": "dissemination events",
}
TABLE_KEYS = ("currency", "unit_costs")


@dataclass(frozen=True)
class CostTable:
    unit_costs: dict[str, float]
    currency: str = "k$"
    path: Path | None = None

    def cost(self, units: Mapping[str, float]) -> float:
        """Sum over resource units of units used x unit cost (``units`` keyed by resource unit)."""
        return float(sum(float(units[u]) * self.unit_costs[u] for u in UNITS))

    def as_rows(self) -> list[dict]:
        return [{"unit": u, "unit_cost": self.unit_costs[u], "currency": self.currency} for u in UNITS]


def load_costs(path: str | Path) -> CostTable:
    """Read and check a cost table; refuse unknown keys, missing or negative unit costs (one line)."""
    path = Path(path)
    return costs_from_dict(read_toml(path), path)


def costs_from_dict(data: dict, path: Path | None = None) -> CostTable:
    where = f"{path}: " if path else ""
    for key in data:
        if key not in TABLE_KEYS:
            raise ConfigError(where + unknown_key_message(key, TABLE_KEYS, "key"))
    currency = data.get("currency", "k$")
    if not isinstance(currency, str):
        raise ConfigError(f"{where}currency: expected text, got {type(currency).__name__}")
    table = data.get("unit_costs")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}unit_costs: missing [unit_costs] table (one cost per unit: {', '.join(UNITS)})")
    for key in table:
        if key not in UNIT_COUNTERS:
            known = [f"unit_costs.{u}" for u in UNITS]
            raise ConfigError(where + unknown_key_message(f"unit_costs.{key}", known, "resource unit"))
    return CostTable({u: check_unit_cost(table, u, where) for u in UNITS}, currency, path)


def check_unit_cost(table: dict, unit: str, where: str) -> float:
    if unit not in table:
        raise ConfigError(f"{where}unit_costs.{unit}: missing unit cost (every unit needs one: {', '.join(UNITS)})")
    value = table[unit]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where}unit_costs.{unit}: expected a number, got {type(value).__name__} {value!r}")
    if not value >= 0 or value == float("inf"):
        raise ConfigError(f"{where}unit_costs.{unit}: {value!r} is not allowed; a unit cost must be >= 0 and finite")
    return float(value)
