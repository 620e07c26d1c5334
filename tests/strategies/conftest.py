"""Helpers for the strategy tests: write strategy files and cost tables, run `mus-alliance compare|allocate`
in-process through experiments.cli (with the strategy commands registered)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import model
from experiments import cli

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "configs" / "baseline.toml"
STRATEGIES = REPO / "configs" / "strategies"
COSTS = REPO / "configs" / "costs.toml"


def write(folder: Path, name: str, body: str) -> Path:
    path = Path(folder) / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def base() -> model.Scenario:
    return model.load_scenario(BASELINE)


@pytest.fixture
def mus(capsys):
    """Run `mus-alliance ARGS` in-process; return (exit code, stdout, stderr)."""

    def run(*argv) -> tuple[int, str, str]:
        try:
            rc = cli.main([str(a) for a in argv])
        except SystemExit as exc:  # argparse errors
            rc = exc.code
        out, err = capsys.readouterr()
        return rc, out, err

    return run
