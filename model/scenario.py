"""Scenario files: TOML naming only what differs from the registry's defaults.

```toml
[scenario]
name = "Baseline country programme"
description = "What the scenario is and what to watch for."

[run]            # optional; these are the defaults
steps = 120      # months
replicates = 5
seed = 1

[parameters]     # any registry parameter; everything else keeps its default
meetings_per_year = 4

[population]     # optional: your own alliance, a stakeholder-analysis table (model/alliance_table.py)
table = "alliances/riverside.xlsx"   # relative to this file; CSV or XLSX
```
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .registry import ConfigError, REGISTRY, TABLE, resolve, unknown_key_message

RUN_DEFAULTS = {"steps": 120, "replicates": 5, "seed": 1}
RUN_LIMITS = {"steps": (1, 100_000), "replicates": (1, 100_000), "seed": (0, 2**63 - 1)}
SECTIONS = ("scenario", "run", "parameters", "population")
POPULATION_KEYS = ("table",)


@dataclass
class Scenario:
    name: str
    description: str = ""
    params: dict[str, Any] = field(default_factory=dict)  # overrides only, checked
    steps: int = RUN_DEFAULTS["steps"]
    replicates: int = RUN_DEFAULTS["replicates"]
    seed: int = RUN_DEFAULTS["seed"]
    path: Path | None = None

    def resolved(self) -> dict[str, Any]:
        """Every parameter: defaults with this scenario's overrides."""
        return resolve(self.params)

    @property
    def table(self):
        """The scenario's alliance table (:class:`~model.alliance_table.AllianceTable`), or None."""
        return self.params.get(TABLE)


def check_run_setting(key: str, value: Any) -> int:
    if key not in RUN_LIMITS:
        raise ConfigError(unknown_key_message(key, RUN_LIMITS, "run setting"))
    lo, hi = RUN_LIMITS[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"run.{key}: expected an integer, got {type(value).__name__} {value!r}")
    if not lo <= value <= hi:
        raise ConfigError(f"run.{key}: {value} is out of range [{lo}, {hi}]")
    return value


def read_toml(path: Path) -> dict:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except PermissionError:
        raise ConfigError(f"{path}: config file is not readable") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def unknown_section(key: str, sections: tuple[str, ...], home: str) -> str:
    """The message for a [key] table the file does not have: a parameter written as its own table is told
    where it goes (under [home], as key = value); anything else gets the known sections."""
    if key in REGISTRY:
        return (f"{key}: a parameter, not a section; set it under [{home}] as {key} = <value> "
                f"({REGISTRY[key].range_text})")
    close = difflib.get_close_matches(key, list(sections), n=2)
    hint = f"did you mean [{'], ['.join(close)}]?" if close else f"the sections are [{'], ['.join(sections)}]"
    return f"{key}: unknown section; {hint}"


def scenario_from_dict(data: dict, path: Path | None = None) -> Scenario:
    where = f"{path}: " if path else ""
    for key in data:
        if key not in SECTIONS:
            raise ConfigError(where + unknown_section(key, SECTIONS, "parameters"))
        if not isinstance(data[key], dict):
            raise ConfigError(f"{where}{key}: expected a [{key}] table")
    meta = data.get("scenario", {})
    for key in meta:
        if key not in ("name", "description"):
            raise ConfigError(where + unknown_key_message(f"scenario.{key}", ("scenario.name", "scenario.description"), "key"))
        if not isinstance(meta[key], str):
            raise ConfigError(f"{where}scenario.{key}: expected text, got {type(meta[key]).__name__}")
    try:
        run = {k: check_run_setting(k, v) for k, v in data.get("run", {}).items()}
        params = {}
        for key, value in data.get("parameters", {}).items():
            if key not in REGISTRY:
                raise ConfigError(unknown_key_message(key))
            params[key] = REGISTRY[key].check(value)
    except ConfigError as exc:
        raise ConfigError(where + str(exc)) from None
    params = {**population_table(data.get("population", {}), path, where, params), **params}
    name = meta.get("name") or (path.stem if path else "scenario")
    return Scenario(name=name, description=meta.get("description", "").strip(), params=params,
                    path=path, **{**RUN_DEFAULTS, **run})


def population_table(section: dict, path: Path | None, where: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters a ``[population] table = "FILE"`` sets (the table itself and the country size it
    implies); a parameter the table fixes may not also be set in ``[parameters]``."""
    for key in section:
        if key not in POPULATION_KEYS:
            raise ConfigError(where + unknown_key_message(f"population.{key}", [f"population.{k}" for k in POPULATION_KEYS], "key"))
    if "table" not in section:
        return {}
    if not isinstance(section["table"], str) or not section["table"].strip():
        raise ConfigError(f"{where}population.table: expected the table's file name, got {section['table']!r}")
    from .alliance_table import load_table

    file = Path(section["table"]).expanduser()
    table = load_table(file if file.is_absolute() or path is None else Path(path).parent / file)
    table.refuse_fixed(params, where, "parameters.")
    return table.params()


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; any problem raises ConfigError with one line naming the field."""
    path = Path(path)
    return scenario_from_dict(read_toml(path), path)
