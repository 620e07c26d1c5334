"""The study folder: what is saved, how a re-run resumes, and when a folder is refused.

Layout::

    manifest.json      spec (as given and as checked), SALib problem, seed rule, versions, git commit, sessions
    design.parquet     one row per design point (factor values; raw SALib sample as x.<factor>)
    runs/part-*.parquet  per-run outputs, one file per flush, keyed by run_id (written as runs finish);
                       named part-<first run id>-<runs>, the count the sessions in the manifest are read from
    results.parquet/.csv the final tidy table: one row per run (ids, seed, factor values, outputs, error)
    tables/, figures/  written by the analysis

Every file is written atomically (``experiments.io``), so a kill -9 leaves only whole files (and perhaps a
``.*.tmp`` that nothing reads). A re-run checks the folder before touching it: a changed spec is refused with
the fields that changed; an unreadable or inconsistent file is refused in one line; runs already saved are
skipped. The final table is sorted by run_id and does not depend on chunking, workers or interruptions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from pathlib import Path
from typing import Any

import pandas as pd

from ..io import UserError, atomic_write_json, lock_folder, read_manifest_json, read_table, write_table
from ..provenance import git_state, versions
from .spec import Spec

FORMAT = "mus-alliance-sweep/1"
KIND = "sweep"  # manifest "kind", as for the other result folders (`run` writes "run")
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
RUNS_DIR = "runs"
RESULTS = "results.parquet"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class Study:
    """A study folder for one spec: check it (:meth:`open`), create it, save runs, and build the results."""

    def __init__(self, root: Path, spec: Spec, design: pd.DataFrame, runs: pd.DataFrame):
        self.root, self.spec, self.design, self.runs = Path(root), spec, design, runs
        self.manifest: dict[str, Any] | None = None
        self.done: set[int] = set()
        self._lock = None

    # -- checking an existing folder (nothing is written before all checks pass) --------------------------
    def open(self) -> "Study":
        if self.root.exists() and not self.root.is_dir():
            raise UserError(f"{self.root}: exists and is not a folder")
        if self.root.is_dir() and any(self.root.iterdir()):
            if not (self.root / MANIFEST).exists():
                raise UserError(f"{self.root}: exists, is not empty and has no {MANIFEST}; not a study folder")
            self.manifest = read_manifest(self.root)
            check_same_spec(self.root, self.manifest, self.spec)
            check_same_design(self.root, self.design)
            self.done = read_done_ids(self.root, self.runs, self.spec.outputs)
        return self

    @property
    def exists(self) -> bool:
        return self.manifest is not None

    def pending(self) -> pd.DataFrame:
        return self.runs[~self.runs["run_id"].isin(self.done)]

    # -- writing -----------------------------------------------------------------------------------------
    def lock(self) -> None:
        """Hold an exclusive lock on the folder while this process writes it (released even on kill -9)."""
        self._lock = lock_folder(self.root, "sweep", self.root / RUNS_DIR)

    def create(self, problem: dict[str, Any] | None, seed_rule: str) -> None:
        self.manifest = {
            "kind": KIND, "format": FORMAT, "spec": self.spec.fingerprint(), "spec_file": str(self.spec.path),
            "spec_text": self.spec.path.read_text(encoding="utf-8"), "description": self.spec.description,
            "base_scenario": None if self.spec.base_path is None else str(self.spec.base_path),
            "problem": problem, "design_points": len(self.design), "runs": len(self.runs),
            "seeds": {"study_seed": self.spec.seed, "rule": seed_rule},
            "versions": versions(), "git": git_state(), "started": now(), "finished": None, "sessions": [],
        }
        write_table(self.design, self.root / DESIGN, csv=False)
        self.write_manifest()

    def write_manifest(self) -> None:
        atomic_write_json(self.root / MANIFEST, self.manifest)

    # The sessions' run counts are read from the part files on disk, never from what this process believes
    # it saved: an interrupt can land after a part is written and before the process has noted it, and a
    # kill -9 ends a session before it records anything. Parts are written whole (atomic rename) and each
    # names its run count, so counting them is exact and cheap.
    def begin_session(self, backend: str, workers: int) -> dict[str, Any]:
        saved = saved_count(self.root)
        for earlier in self.manifest["sessions"]:
            if earlier["runs_after"] is None:  # killed before it could record: what it saved is on disk
                earlier["runs_after"] = saved
        session = {"started": now(), "ended": None, "backend": backend, "workers": workers,
                   "runs_before": saved, "runs_after": None}
        self.manifest["sessions"].append(session)
        self.write_manifest()
        return session

    def end_session(self, session: dict[str, Any]) -> None:
        saved = saved_count(self.root)
        session.update(ended=now(), runs_after=saved)
        if saved == len(self.runs):
            self.manifest["finished"] = self.manifest["finished"] or now()
        self.write_manifest()

    def save_rows(self, rows: list[dict[str, Any]]) -> None:
        """Write finished runs as one part file (atomic), keyed by run_id."""
        if not rows:
            return
        part = pd.DataFrame(rows, columns=["run_id", *self.spec.outputs, "error"])
        part = part.astype({"run_id": "int64", **{o: "float64" for o in self.spec.outputs}, "error": "str"})
        first = int(part["run_id"].min())
        write_table(part, self.root / RUNS_DIR / part_name(first, len(part)), csv=False)
        self.done.update(int(r) for r in part["run_id"])

    def write_results(self) -> pd.DataFrame:
        """The final table: every run, sorted by run_id, with ids, seed, factor values, outputs and error."""
        outputs = read_parts(self.root, self.spec.outputs)
        results = self.runs.merge(outputs, on="run_id", how="left", validate="one_to_one")
        results = results.sort_values("run_id", kind="stable").reset_index(drop=True)
        write_table(results, self.root / RESULTS)
        return results


class Saver:
    """Buffers finished runs and writes them as a part file at most every ``interval`` seconds (and on
    :meth:`flush`), so a study of 90,000 short runs makes hundreds of files, not 90,000."""

    def __init__(self, study: Study, interval: float = 2.0):
        self.study, self.interval = study, interval
        self.buffer: list[dict[str, Any]] = []
        self.last = time.monotonic()

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.buffer.extend(rows)
        if time.monotonic() - self.last >= self.interval:
            self.flush()

    def flush(self) -> None:
        rows, self.buffer = self.buffer, []
        self.study.save_rows(rows)
        self.last = time.monotonic()


# -- reading and checking ----------------------------------------------------------------------------------
def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    manifest = read_manifest_json(root)
    if manifest is None:
        raise UserError(f"{root}: no {MANIFEST}; not a study folder")
    if isinstance(manifest, dict) and manifest.get("kind") not in (None, KIND):
        raise UserError(f"{root}: folder holds {manifest['kind']} results, not a study; choose another --out")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "spec" not in manifest:
        raise UserError(f"{path}: not a {FORMAT} manifest; the study folder is damaged")
    return manifest


def check_same_spec(root: Path, manifest: dict[str, Any], spec: Spec) -> None:
    changes = diff(manifest["spec"], json.loads(json.dumps(spec.fingerprint(), default=str)))
    if changes:
        shown = "; ".join(changes[:6]) + (f"; and {len(changes) - 6} more" if len(changes) > 6 else "")
        raise UserError(
            f"{root}: the spec differs from the study in this folder ({shown}); "
            "use --out for a new folder, or delete this one"
        )


def diff(old: Any, new: Any, prefix: str = "") -> list[str]:
    """Changes between two JSON-like documents, as 'field old -> new'."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new), key=str):
            name = f"{prefix}.{key}" if prefix else str(key)
            if key not in old:
                out.append(f"{name} added")
            elif key not in new:
                out.append(f"{name} removed")
            else:
                out += diff(old[key], new[key], name)
        return out
    return [] if old == new else [f"{prefix} {old!r} -> {new!r}"]


def check_same_design(root: Path, design: pd.DataFrame) -> None:
    stored = read_table(root / DESIGN)
    if not stored.reset_index(drop=True).equals(design.reset_index(drop=True)):
        raise UserError(
            f"{root / DESIGN}: differs from the design this spec gives now (another SALib version?); "
            "the folder cannot be resumed"
        )


def part_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / RUNS_DIR).glob("part-*.parquet"))


def part_name(first_run: int, runs: int) -> str:
    return f"part-{first_run:010d}-{runs}.parquet"


def part_runs(path: Path) -> int:
    """The run count a part file's name gives (checked against its rows when the folder is opened)."""
    match = re.fullmatch(r"part-\d+-(\d+)", path.stem)
    if match is None:
        raise UserError(f"{path}: not a part file name (part-<first run>-<runs>.parquet); the study folder is damaged")
    return int(match.group(1))


def saved_count(root: Path) -> int:
    """Runs saved in the study folder, from its part files."""
    return sum(part_runs(p) for p in part_files(root))


def read_parts(root: Path, outputs: tuple[str, ...]) -> pd.DataFrame:
    columns = ["run_id", *outputs, "error"]
    frames = []
    for path in part_files(root):
        frame = read_table(path)
        if list(frame.columns) != columns:
            raise UserError(f"{path}: unexpected columns; the study folder is damaged")
        if len(frame) != part_runs(path):
            raise UserError(f"{path}: holds {len(frame)} runs, its name says {part_runs(path)}; the study folder is damaged")
        frames.append(frame)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "run_id" else "float64") for c in columns})
    return pd.concat(frames, ignore_index=True)


def read_done_ids(root: Path, runs: pd.DataFrame, outputs: tuple[str, ...]) -> set[int]:
    ids = read_parts(root, outputs)["run_id"]
    if ids.duplicated().any():
        raise UserError(f"{root / RUNS_DIR}: run {int(ids[ids.duplicated()].iloc[0])} saved twice; the study folder is damaged")
    unknown = ~ids.isin(runs["run_id"])
    if unknown.any():
        raise UserError(f"{root / RUNS_DIR}: run id {int(ids[unknown].iloc[0])} is not in the design; the study folder is damaged")
    return set(int(i) for i in ids)
