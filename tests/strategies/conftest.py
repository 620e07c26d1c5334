"""Helpers for the strategy tests: write strategy files and cost tables, run `mus-alliance compare|allocate`
in-process (the `mus` fixture is in tests/conftest.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import model

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
