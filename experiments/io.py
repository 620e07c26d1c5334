"""Atomic file output: a crash never leaves a half-written file that a later read trusts.

Every writer stages into a temporary file (or folder) next to the target and renames it into place, which
POSIX makes atomic on one file system.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from model.alliance_table.safe_cells import safe_csv


# Parquet pages carry a CRC checksum, verified on every read: a flipped byte inside a value is refused, not
# read as a different number (pyarrow's write_page_checksum / page_checksum_verification; a file written
# without checksums still reads, unverified).
PARQUET_WRITE = {"write_page_checksum": True}
PARQUET_READ = {"page_checksum_verification": True}


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
    """Write ``df`` as Parquet at ``path`` (suffix .parquet) and, for spreadsheet users, as CSV beside it (text
    that a spreadsheet would run as a formula gets a leading quote there: model.alliance_table.safe_cells)."""
    path = Path(path).with_suffix(".parquet")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False, **PARQUET_WRITE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if csv:
        atomic_write_text(path.with_suffix(".csv"), safe_csv(df))


def read_table(path: Path) -> pd.DataFrame:
    path = Path(path).with_suffix(".parquet")
    try:
        return pd.read_parquet(path, **PARQUET_READ)
    except FileNotFoundError:
        raise UserError(f"{path}: missing results table") from None
    except Exception as exc:  # pyarrow raises several types for damaged files
        raise UserError(f"{path}: unreadable results table ({damage(exc)})") from None


def damage(exc: Exception) -> str:
    """What is wrong with an unreadable Parquet file, in a few words."""
    if "checksum" in str(exc).lower():
        return "damaged: a page's checksum does not match its bytes"
    return type(exc).__name__


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

    A writer killed with -9 cannot remove its staging folder ``.NAME.<pid>.<random>``; the next writer of
    the same folder does, once that pid is gone (:func:`remove_orphans`). A kill between the two renames of
    the swap leaves the previous results as ``.NAME.old`` and no ``NAME``: they are put back first.
    """

    def __init__(self, target: Path):
        self.target = Path(target)

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        remove_orphans(self.target)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.{os.getpid()}.", dir=self.target.parent))
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


def remove_orphans(target: Path) -> None:
    """Remove what killed writers of ``target`` left beside it: staging folders of processes that are gone
    (and the pid-less ``.NAME.xxxxxxxx`` of earlier versions), and a swap's ``.NAME.old`` (restored as
    ``NAME`` when the kill came between the swap's two renames)."""
    target = Path(target)
    old = target.with_name(f".{target.name}.old")
    if old.is_dir():
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, target)
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:(\d+)\.)?[A-Za-z0-9_]{{8}}")
    for path in target.parent.glob(f".{glob.escape(target.name)}.*"):
        match = pattern.fullmatch(path.name)
        if match is None or not path.is_dir():
            continue
        pid = match.group(1)
        if pid is None or not pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


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

