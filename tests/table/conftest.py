"""Helpers for the alliance-table tests: the default country written as a table, small tables to edit."""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import numpy as np
import pytest

from model import alliance_table as at
from model.registry import resolve

REPO = Path(__file__).resolve().parents[2]
ALLIANCES = REPO / "configs" / "alliances"
RIVERSIDE = ALLIANCES / "riverside.toml"
SEED = 7  # the draw of the default country the round-trip tests write


def population_of(table: at.AllianceTable, seed: int, **overrides):
    """The population a run of ``table`` with ``seed`` starts from (as the model builds it)."""
    return table.population(resolve({**table.params(), **overrides}), np.random.default_rng(seed))


def same_population(a, b) -> list[str]:
    """Names of the Population fields that differ (arrays compared to the bit, with their dtype)."""
    differ = []
    for name, x in vars(a).items():
        y = getattr(b, name)
        if isinstance(x, np.ndarray):
            if x.dtype != y.dtype or x.shape != y.shape or not np.array_equal(x, y):
                differ.append(name)
        elif x != y:
            differ.append(name)
    return differ


@pytest.fixture(scope="session")
def template_rows():
    return at.template_rows(at.default_country(SEED))


@pytest.fixture
def template_csv(tmp_path, template_rows) -> Path:
    rows, ties = template_rows
    path = tmp_path / "country.csv"
    at.write_table(path, rows, ties, at.guide_lines(SEED))
    return path


def write_csv(folder: Path, name: str, text: str, ties: str | None = None) -> Path:
    path = Path(folder) / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    if ties is not None:
        path.with_name(path.stem + ".ties.csv").write_text(textwrap.dedent(ties).lstrip(), encoding="utf-8")
    return path


def scenario_for(folder: Path, table: str, extra: str = "") -> Path:
    path = Path(folder) / "scenario.toml"
    path.write_text(f'[scenario]\nname = "test"\n[population]\ntable = "{table}"\n{textwrap.dedent(extra)}',
                    encoding="utf-8")
    return path


def drop_columns(path: Path, columns: tuple[str, ...]) -> Path:
    """A copy of a CSV table without ``columns`` (the ties file comes along)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("".join(lines))))
    keep = [c for c in rows[0] if c not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, keep, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    new = path.with_name(path.stem + "-less.csv")
    new.write_text(out.getvalue(), encoding="utf-8")
    ties = path.with_name(path.stem + ".ties.csv")
    if ties.exists():
        new.with_name(new.stem + ".ties.csv").write_text(ties.read_text(encoding="utf-8"), encoding="utf-8")
    return new


# A small table: one organisation per level, a project office, named communities and communities as counts.
SMALL = """\
    name,type,level,district,platform,second_seat,power,stance,marginalised,member_at_start,count,share_marginalised,share_champions
    Project office,project_office,national,,,,,,,,,,
    Water ministry,ministry_water,,,,,0.9,blocker,,yes,,,
    Lake district water office,district_water_office,,Lake,,National platform,,,,,,,
    Hill district NGO,district_ngo,,Hill,,,,champion,,,,,
    Lake women's group,womens_group,,Lake,,,,,yes,,,,
    Lake villages,community,,Lake,,,,,,,40,0,1
    Hill villages,community,,Hill,none,,,,,,60,1,
"""
SMALL_TIES = """\
    from,to,trust
    Project office,Water ministry,0.9
    Water ministry,Lake district water office,
"""
