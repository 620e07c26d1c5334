"""Helpers for the sweep-engine tests: write a spec, run the real command line (in-process through the
`mus` fixture of tests/conftest.py, or as a subprocess), and compare study folders."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd

from experiments.io import write_table as real_write_table
from experiments.sweep import store


REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "configs" / "baseline.toml"
PI = "3.141592653589793"
ISHIGAMI_FACTORS = f"""
[factors]
x1 = {{ low = -{PI}, high = {PI} }}
x2 = {{ low = -{PI}, high = {PI} }}
x3 = {{ low = -{PI}, high = {PI} }}
"""


def write_spec(folder: Path, body: str, name: str = "study") -> Path:
    path = Path(folder) / f"{name}.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def sobol_ishigami_spec(folder: Path, function: str, name: str, N: int, replicates: int, seed: int,
                       extra: str = "") -> Path:
    """A Sobol study of one of the Ishigami functions in experiments.sweep.functions."""
    return write_spec(folder, f"""
        method = "sobol"
        function = "experiments.sweep.functions:{function}"
        N = {N}
        replicates = {replicates}
        seed = {seed}
        {extra}
    """ + ISHIGAMI_FACTORS, name)


def slow_spec(folder: Path, name: str = "slow", N: int = 128, replicates: int = 2) -> Path:
    """A noisy Ishigami Sobol study of N x 5 x replicates runs at ~5 ms each (long enough to interrupt)."""
    return sobol_ishigami_spec(folder, "slow_noisy_ishigami", name, N, replicates, seed=11,
                               extra='outputs = ["y", "clean"]')


def sweep_process(spec: Path, out: Path, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`mus-alliance sweep` as a separate process in its own session (so it can be killed as a group);
    ``env`` adds environment variables (e.g. SWEEP_RUN_LOG, see :func:`runs_logged`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "experiments.sweep", "sweep", str(spec), "--out", str(out), "--no-progress", *extra],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})}, preexec_fn=default_sigint,
    )


def runs_logged(log: Path) -> int:
    """Runs of ``slow_noisy_ishigami`` computed so far by any process given ``SWEEP_RUN_LOG=log``."""
    return log.read_bytes().count(b"\n") if log.exists() else 0


def group_alive(pgid: int) -> bool:
    """Whether any process of the process group ``pgid`` (a sweep_process and its workers) still exists."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def default_sigint() -> None:
    """Let SIGINT act as Ctrl-C in the child even if this test process was started with it ignored (as
    background jobs are); Python then turns it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(condition, timeout: float = 60.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def saved_runs(out: Path) -> int:
    """Runs saved in the study folder ``out``, from the part files' names (each names its run count)."""
    parts = sorted((out / "runs").glob("part-*.parquet")) if (out / "runs").exists() else []
    return sum(int(p.stem.rsplit("-", 1)[1]) for p in parts)


def results(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "results.parquet")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to prove a refusal touched nothing)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def interrupt_after_part(monkeypatch, n: int) -> list[Path]:
    """Make the n-th part file a study writes raise KeyboardInterrupt the instant after it is renamed into
    place (as a Ctrl-C landing there would); returns the list of part paths written, which grows."""
    written: list[Path] = []

    def write_then_interrupt(table, path, csv=True):
        real_write_table(table, path, csv)
        if Path(path).parent.name == "runs":
            written.append(Path(path))
            if len(written) == n:
                raise KeyboardInterrupt

    monkeypatch.setattr(store, "write_table", write_then_interrupt)
    return written


def rows_on_disk(out: Path) -> int:
    """Runs saved in ``out``, counted from the rows of its part files (not from their names)."""
    return sum(len(pd.read_parquet(p)) for p in (Path(out) / "runs").glob("part-*.parquet"))
