"""Plausible worlds: an ensemble of parameter sets that every tool can run on (``--worlds FILE``).

A worlds file is a Parquet table, one row per world: ``world`` (an integer id), ``weight`` (how plausible
the world is; the ensemble's weights need not sum to 1) and one column per registry parameter the worlds
differ in. ``mus-alliance calibrate`` writes one (``worlds.parquet``); ``configs/worlds/default.parquet``
is the shipped ensemble for the default country. Country size (structural parameters) is not a world
property: it belongs to the base scenario.

**Which world a run plays in.** A run with seed ``s`` plays in world ``draw(s)``: with
``u = numpy.random.default_rng(SeedSequence([WORLD_TAG, s])).random()``, the first world whose cumulative
normalised weight exceeds ``u`` (worlds in file order). The world depends only on the run's seed, so:

- in ``compare`` and ``allocate`` every strategy meets the same world *and* the same seed in replicate r
  (common random numbers now pair parameter uncertainty too);
- ``mus-alliance run --seed S --replicates 1 --worlds F`` repeats any replicate of any command exactly;
- the numbers do not depend on executors, workers or chunking.

The world's stream (``WORLD_TAG``) is separate from the model's own randomness, which keeps using the seed.

**Worlds that say what they are.** A calibration records in the file's metadata whether its accepted sets
meet its patterns (``mus_alliance_meets_patterns``: yes or no; ``mus_alliance_unmet_patterns``), the share of
the worlds' runs meeting each pattern (``mus_alliance_share_meeting``, JSON), the effective sample size of the
weights (``mus_alliance_effective_sample_size``) and the spec's hash (``mus_alliance_spec_sha256``). Worlds
marked as not meeting their patterns are refused by ``run``, ``compare``, ``allocate`` and ``sweep`` unless
the user says ``--allow-unmet-worlds``; then, and in the dashboard, every note about the worlds carries the
mark (:meth:`Worlds.note`).

**What a world changes.** A world's values replace the registry's defaults; anything a scenario file, a
strategy (settings and plan), a ``--set`` or a sweep factor names explicitly wins over the world, and the
commands say which world parameters were overridden so.

A sweep runs in worlds through its target (:func:`experiments.sweep.targets.in_worlds`): the sweep engine
reads this module, never the reverse.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.registry import REGISTRY, ConfigError, unknown_key_message

from .io import PARQUET_READ, PARQUET_WRITE, UserError, damage

WORLD_TAG = 0x776F726C64  # "world": the world draw's own stream
DRAW_RULE = ("world of a run with seed s: u = default_rng(SeedSequence([0x776F726C64, s])).random(); the first "
             "world (file order) whose cumulative normalised weight exceeds u")
META_COLUMNS = ("world", "weight")
UNCERTAINTY_NOTE = ("Bands and intervals include parameter uncertainty: each replicate plays in a plausible world "
                    "drawn from {path} ({n} worlds), as well as chance.")
UNMET_NOTE = ("Warning: these worlds do not meet their calibration's patterns ({unmet}); they are the sets that "
              "came closest, not plausible worlds.")
META = "mus_alliance_"  # prefix of the metadata keys a calibration writes
ALLOW_UNMET = "--allow-unmet-worlds"


@dataclass(frozen=True)
class Worlds:
    path: Path
    ids: np.ndarray              # world id per row
    weights: np.ndarray          # normalised
    parameters: tuple[str, ...]
    values: tuple[dict[str, Any], ...]  # per row: parameter -> value (checked against the registry)
    digest: str                  # sha256 of the file's bytes
    metadata: tuple[tuple[str, str], ...] = ()  # the calibration's record (keys without the prefix META)

    @property
    def record(self) -> dict[str, str]:
        return dict(self.metadata)

    @property
    def meets_patterns(self) -> bool | None:
        """Whether the calibration's accepted sets meet its patterns; None when the file does not say (a hand-
        made table, a file written before the mark existed)."""
        said = self.record.get("meets_patterns")
        return None if said is None else said == "yes"

    @property
    def unmet(self) -> list[str]:
        text = self.record.get("unmet_patterns", "")
        return [name for name in text.split(",") if name] if self.meets_patterns is False else []

    def __len__(self) -> int:
        return len(self.values)

    def index(self, seed: int) -> int:
        """Row of the world a run with ``seed`` plays in (see the module doc)."""
        u = np.random.default_rng(np.random.SeedSequence([WORLD_TAG, int(seed)])).random()
        cdf = np.cumsum(self.weights)
        return int(min(np.searchsorted(cdf / cdf[-1], u, side="right"), len(cdf) - 1))

    def world_id(self, seed: int) -> int:
        return int(self.ids[self.index(seed)])

    def layer(self, seed: int, explicit: dict[str, Any]) -> dict[str, Any]:
        """A run's parameter overrides: its world's values under the ``explicit`` ones."""
        return {**self.values[self.index(seed)], **explicit}

    def overridden(self, explicit: Iterable[str]) -> list[str]:
        """World parameters that ``explicit`` settings replace (to tell the user)."""
        return [p for p in self.parameters if p in set(explicit)]

    def describe(self) -> dict[str, Any]:
        return {"path": str(self.path), "sha256": self.digest, "worlds": len(self), "parameters": list(self.parameters),
                "draw_rule": DRAW_RULE, "precedence": "scenario, strategy, --set and sweep factors win over the world",
                "meets_patterns": self.meets_patterns, "unmet_patterns": self.unmet, "calibration": self.record}

    def note(self) -> str:
        note = UNCERTAINTY_NOTE.format(path=shown(self.path), n=len(self))
        return note + (" " + self.mark() if self.meets_patterns is False else "")

    def mark(self) -> str:
        """The warning of worlds that do not meet their patterns ('' for those that do)."""
        return UNMET_NOTE.format(unmet=", ".join(self.unmet) or "no set meets all together") \
            if self.meets_patterns is False else ""

    def check_use(self, allow_unmet: bool) -> "Worlds":
        """Refuse worlds that do not meet their patterns unless the user allows them (one line)."""
        if self.meets_patterns is False and not allow_unmet:
            raise UserError(f"--worlds {self.path}: the calibration that made these worlds does not meet its patterns "
                            f"({', '.join(self.unmet) or 'no set meets all together'}); see its warnings.txt, or "
                            f"use them anyway with {ALLOW_UNMET}")
        return self


def shown(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_worlds(path: str | Path, allow_unmet: bool | None = None) -> Worlds:
    """Read and check a worlds file; any problem is one line (UserError) naming the file and the column.
    With ``allow_unmet`` given (the commands' ``--allow-unmet-worlds``), worlds marked as not meeting their
    patterns are refused unless it is true; None leaves that to the caller (the dashboard shows the mark)."""
    worlds = _load(str(Path(path).resolve()), _mtime(path))
    return worlds if allow_unmet is None else worlds.check_use(allow_unmet)


def _mtime(path) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0


@functools.lru_cache(maxsize=8)
def _load(path_text: str, _mtime: float) -> Worlds:
    path = Path(path_text)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"--worlds {path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"--worlds {path}: is a folder, not a worlds file") from None
    except OSError as exc:
        raise UserError(f"--worlds {path}: cannot read ({exc.strerror})") from None
    try:
        import io

        import pyarrow.parquet as pq

        arrow = pq.read_table(io.BytesIO(data), **PARQUET_READ)
        table = arrow.to_pandas()
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise UserError(f"--worlds {path}: not a readable Parquet table ({damage(exc)})") from None
    metadata = {k.decode(errors="replace"): v.decode(errors="replace") for k, v in (arrow.schema.metadata or {}).items()}
    record = tuple(sorted((k.removeprefix(META), v) for k, v in metadata.items() if k.startswith(META)))
    return replace(check_table(path, table, hashlib.sha256(data).hexdigest()), metadata=record)


def check_table(path: Path, table: pd.DataFrame, digest: str = "") -> Worlds:
    where = f"--worlds {path}"
    if len(table) == 0:
        raise UserError(f"{where}: holds no worlds")
    parameters = [c for c in table.columns if c not in META_COLUMNS]
    if not parameters:
        raise UserError(f"{where}: no parameter columns; a world sets at least one registry parameter")
    for name in parameters:
        if name not in REGISTRY:
            raise UserError(f"{where}: column {unknown_key_message(str(name))}")
        if REGISTRY[name].structural:
            raise UserError(f"{where}: column {name}: describes the country's size; set it in the base scenario")
    ids = table["world"] if "world" in table else pd.Series(np.arange(len(table)))
    if ids.isna().any() or not all(float(i).is_integer() for i in ids) or ids.duplicated().any():
        raise UserError(f"{where}: column world: expected distinct whole numbers")
    weights = table["weight"] if "weight" in table else pd.Series(np.ones(len(table)))
    w = pd.to_numeric(weights, errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise UserError(f"{where}: column weight: expected finite weights >= 0, not all 0")
    values = []
    for i, row in enumerate(table[parameters].to_dict("records")):
        try:
            values.append({k: REGISTRY[k].check(plain(v)) for k, v in row.items()})
        except ConfigError as exc:
            raise UserError(f"{where}: world {int(ids.iloc[i])}: {exc}") from None
    return Worlds(path, ids.to_numpy(dtype=np.int64), w / w.sum(), tuple(parameters), tuple(values), digest)


def plain(value: Any) -> Any:
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and value.is_integer():
        return value  # Parameter.check turns whole floats into ints for int parameters
    return value


def write_worlds(path: Path, table: pd.DataFrame, metadata: dict[str, str] | None = None) -> None:
    """Write a worlds table (world, weight, parameters) as Parquet, atomically, with text metadata."""
    import os
    import tempfile

    import pyarrow as pa
    import pyarrow.parquet as pq

    check_table(Path(path), table)
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}),
                                          **{k.encode(): str(v).encode() for k, v in (metadata or {}).items()}})
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(arrow, tmp, **PARQUET_WRITE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

