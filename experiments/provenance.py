"""Where results came from: package versions and the git commit, for every results folder's manifest."""

from __future__ import annotations

import contextlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("mus-alliance", "mesa", "SALib", "numpy", "pandas", "dask", "distributed"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[dist] = metadata.version(dist)
    return out


def git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_state() -> dict[str, Any]:
    """The commit and whether tracked files differ from it (None where git is not available)."""
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "dirty": None if status is None else bool(status)}


def git_commit() -> str | None:
    return git("rev-parse", "HEAD") or None
