"""Atomic file output: a crash never leaves a half-written file that a later read trusts.

Every writer stages into a temporary file (or folder) next to the target and renames it into place, which
POSIX makes atomic on one file system.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


class UserError(Exception):
    """A problem with the user's input (file, folder, option); reported as one line with exit code 2."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def write_table(df: pd.DataFrame, path: Path, csv: bool = True) -> None:
    """Write ``df`` as Parquet at ``path`` (suffix .parquet) and, for spreadsheet users, as CSV beside it."""
    path = Path(path).with_suffix(".parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if csv:
        atomic_write_text(path.with_suffix(".csv"), df.to_csv(index=False))


def read_table(path: Path) -> pd.DataFrame:
    path = Path(path).with_suffix(".parquet")
    try:
        return pd.read_parquet(path)
    except FileNotFoundError:
        raise UserError(f"{path}: missing results table") from None
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise UserError(f"{path}: unreadable results table ({type(exc).__name__})") from None


def read_manifest_json(folder: Path) -> Any:
    """The parsed ``manifest.json`` of a results folder, None when it has none; an unreadable one is one line
    (UserError) naming the file. Callers check what it says (its kind, format and spec)."""
    path = Path(folder) / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{path}: unreadable ({type(exc).__name__}); the folder is damaged") from None


def check_out_folder(out: Path, kind: str) -> None:
    """Refuse to replace anything but an earlier results folder of the same ``kind`` (its manifest says so)
    or an empty folder: a command never overwrites results it did not write."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        try:
            found = json.loads((out / "manifest.json").read_text()).get("kind")
        except (OSError, ValueError, AttributeError):
            found = None
        if found != kind:
            raise UserError(f"--out {out}: folder holds something other than {kind} results; choose another --out")


class StagedDir:
    """Build a results folder beside its final place and swap it in only when complete.

    ``with StagedDir(out) as tmp: ...write into tmp...``: on success ``out`` is replaced by ``tmp``; on any
    error ``out`` is left exactly as it was and ``tmp`` is removed.
    """

    def __init__(self, target: Path):
        self.target = Path(target)

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", dir=self.target.parent))
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return False
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(self.target, old)
        os.replace(self.tmp, self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return False


def lock_folder(root: Path, what: str, tmp_dir: Path):
    """Hold an exclusive lock on a results folder while this process writes it (released even on kill -9),
    and remove the half-written ``.*.tmp`` files a killed writer left in ``tmp_dir`` (never read). Returns the
    open lock file, which the caller keeps; a second writer is refused in one line naming ``what``."""
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    fh = open(root / ".lock", "a")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise UserError(f"{root}: another {what} is writing this folder") from None
    for tmp in tmp_dir.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    return fh

