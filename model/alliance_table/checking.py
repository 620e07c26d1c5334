"""Checking: raw rows into :class:`~.format.Row` and :class:`~.format.Tie`, every problem collected at once,
one line each naming the file, row and column (:class:`Checker`)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..population import KIND_INDEX, KINDS
from ..states import Level, Stance, stance_of
from .format import (COLUMNS, FLAGS, GENERIC_COMMUNITY, INTERESTS, LEVEL_NAME, LEVELS, NO, NOTE_COLUMNS, PROJECT,
                     YES, Row, Tie)


class Checker:
    """Collects problems, each naming the file, the row (the spreadsheet's row number) and the column."""

    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def add(self, line: int | None, column: str | None, message: str, path: Path | None = None) -> None:
        where = [str(path or self.path)]
        if line is not None:
            where.append(f"row {line}")
        if column is not None:
            where.append(f"column {column}")
        self.problems.append(f"{where[0]}: {', '.join(where[1:])}: {message}" if len(where) > 1 else f"{where[0]}: {message}")


def header(raw: list[tuple[int, list[Any]]], known: dict[str, str], required: tuple[str, ...], check: Checker,
           path: Path, what: str, may_be_empty: bool = False) -> tuple[dict[str, int], list[tuple[int, list[Any]]]]:
    """Column positions and the data rows (blank rows dropped)."""
    raw = [(n, cells) for n, cells in raw if any(text(c) for c in cells)]
    if not raw and may_be_empty:
        return {}, []
    if not raw:
        check.add(None, None, f"the {what} table is empty (no header, no rows)", path)
        return {}, []
    line, cells = raw[0]
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = re.sub(r"[\s\-]+", "_", text(cell) or "").lower()
        if not name or name in NOTE_COLUMNS:
            continue
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=2)
            hint = f"did you mean {', '.join(close)}?" if close else f"known columns: {', '.join(known)}"
            check.add(line, name, f"unknown column; {hint} (columns named notes or comment are ignored)", path)
        elif name in columns:
            check.add(line, name, "column given twice", path)
        else:
            columns[name] = position
    for name in required:
        if name not in columns:
            check.add(line, name, f"required column missing ({known[name]})", path)
    if len(raw) == 1 and not may_be_empty:
        check.add(None, None, f"the {what} table is empty (a header and no rows)", path)
    return columns, raw[1:]


def text(cell: Any) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    value = str(cell).strip()
    return value or None


def number(cell: Any, line: int, column: str, check: Checker, low: float | None = 0.0, high: float | None = 1.0,
           path: Path | None = None) -> float | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        value = None
    elif isinstance(cell, (int, float)):
        value = float(cell)
    else:
        try:
            value = float(str(cell).strip())
        except ValueError:
            value = None
    span = f"[{low:g}, {high:g}]" if high is not None else f"[{low:g}, ...)"
    if value is None or not np.isfinite(value):
        check.add(line, column, f"expected a number in {span}, got {cell!r}", path)
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        check.add(line, column, f"{value:g} is outside {span}", path)
        return None
    return value


def flag(cell: Any, line: int, column: str, check: Checker) -> bool | None:
    if isinstance(cell, bool):
        return cell
    value = (text(cell) or "").lower()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    check.add(line, column, f"expected yes or no, got {cell!r}")
    return None


def kind_of(value: str) -> tuple[int | None, bool] | None:
    """(kind index or None for a generic community, is a community) of a type name or label."""
    key = re.sub(r"[\s\-]+", "_", value.strip().lower()).replace("'", "")
    if key in (GENERIC_COMMUNITY, "communities"):
        return None, True
    for k in KINDS:
        if key in (k.name, re.sub(r"[\s\-]+", "_", k.label.lower()).replace("'", "")):
            return KIND_INDEX[k.name], k.level == Level.COMMUNITY
    return None


def parse_rows(columns: dict[str, int], data: list[tuple[int, list[Any]]], check: Checker) -> list[Row]:
    rows: list[Row] = []
    for line, cells in data:
        cell = {name: (cells[pos] if pos < len(cells) else None) for name, pos in columns.items()}
        name = text(cell.get("name"))
        filled = tuple(col for col, value in cell.items() if text(value) is not None)
        if name is None:
            check.add(line, "name", "empty; every stakeholder needs a name")
        type_text = text(cell.get("type"))
        parsed = kind_of(type_text) if type_text else None
        if type_text is None:
            check.add(line, "type", "empty; " + COLUMNS["type"].removeprefix("Required. "))
        elif parsed is None:
            close = difflib.get_close_matches(type_text.lower(), [k.name for k in KINDS] + [GENERIC_COMMUNITY], n=2)
            hint = f"did you mean {', '.join(close)}?" if close else COLUMNS["type"].removeprefix("Required. ")
            check.add(line, "type", f"unknown type {type_text!r}; {hint}")
        kind, community = parsed if parsed else (None, False)
        row = Row(line, name or "", kind, community, None, text(cell.get("district")),
                  text(cell.get("platform")), text(cell.get("second_seat")), given=filled)
        level_text = (text(cell.get("level")) or "").lower()
        if level_text:
            if level_text not in LEVELS:
                check.add(line, "level", f"expected national, district or community, got {cell.get('level')!r}")
            else:
                row.level = LEVELS[level_text]
        if parsed is not None:
            check_level(row, check)
        for col in ("power", "capacity", "view", "awareness"):
            row.values[col] = number(cell.get(col), line, col, check)
        stance_text = (text(cell.get("stance")) or "").lower()
        if stance_text:
            try:
                row.stance = Stance[stance_text.upper()]
            except KeyError:
                check.add(line, "stance", f"expected blocker, neutral or champion, got {cell.get('stance')!r}")
        if row.stance is not None and row.values["view"] is not None and stance_of(row.values["view"]) != row.stance:
            check.add(line, "view", f"view {row.values['view']:g} is not a {row.stance.name.lower()}'s view "
                                    f"(blockers below 1/3, champions above 2/3); change the view or the stance")
        given = [number(cell.get(col), line, col, check, high=None) for col in INTERESTS]
        if any(v is not None for v in given):
            if any(v is None for v in given):
                check.add(line, "interest_*", "give all four interests (" + ", ".join(INTERESTS) + ") or none")
            elif sum(given) <= 0:
                check.add(line, "interest_*", "the four interests sum to 0; at least one must be above 0")
            else:
                total = sum(given)
                row.values["interests"] = np.array(given) if abs(total - 1) <= 1e-9 else np.array(given) / total
        for col in FLAGS:
            row.values[col] = flag(cell.get(col), line, col, check)
        read_count(row, cell, check)
        check_row(row, check)
        rows.append(row)
    return rows


def check_level(row: Row, check: Checker) -> None:
    if row.kind == PROJECT:
        return
    if row.community:
        if row.level not in (None, Level.COMMUNITY):
            check.add(row.line, "level", "a community group is at community level")
        row.level = Level.COMMUNITY
    elif row.level == Level.COMMUNITY:
        check.add(row.line, "level", "an organisation is at national or district level (community groups are at community level)")
        row.level = KINDS[row.kind].level
    elif row.level is None:
        row.level = KINDS[row.kind].level


def read_count(row: Row, cell: dict[str, Any], check: Checker) -> None:
    count = number(cell.get("count"), row.line, "count", check, low=1, high=None)
    shares = {col: number(cell.get(col), row.line, col, check) for col in ("share_marginalised", "share_champions")}
    if count is not None:
        if not float(count).is_integer():
            check.add(row.line, "count", f"expected a whole number of communities, got {count:g}")
        elif not row.community:
            check.add(row.line, "count", "only communities can be given as a count")
        else:
            row.count = int(count)
    for col, share in shares.items():
        if share is None:
            continue
        if count is None:
            check.add(row.line, col, "only for a row with a count; for one community give "
                                     f"{'marginalised' if col == 'share_marginalised' else 'stance or view'}")
        row.values[col] = share
    if row.count is not None and row.values.get("marginalised") is not None and shares["share_marginalised"] is not None:
        check.add(row.line, "marginalised", "give marginalised or share_marginalised, not both")
    if shares["share_champions"] is not None and (row.stance is not None or row.values["view"] is not None):
        check.add(row.line, "share_champions", "give share_champions or a stance/view, not both")


def check_row(row: Row, check: Checker) -> None:
    if row.level is None:
        return
    if row.level == Level.NATIONAL and row.district is not None:
        check.add(row.line, "district", "a national-level stakeholder belongs to no district; leave it empty")
    if row.level in (Level.DISTRICT, Level.COMMUNITY) and row.district is None:
        check.add(row.line, "district", f"a {LEVEL_NAME[row.level]}-level stakeholder needs its district")
    if row.values.get("marginalised") is not None and not row.community:
        check.add(row.line, "marginalised", "only community groups are marginalised in the model")


def parse_ties(columns: dict[str, int], data: list[tuple[int, list[Any]]], check: Checker, path: Path) -> list[Tie]:
    ties = []
    for line, cells in data:
        cell = {name: (cells[pos] if pos < len(cells) else None) for name, pos in columns.items()}
        a, b = text(cell.get("from")), text(cell.get("to"))
        for col, value in (("from", a), ("to", b)):
            if value is None:
                check.add(line, col, "empty; a tie needs two names", path)
        trust = number(cell.get("trust"), line, "trust", check, path=path)
        if a and b:
            ties.append(Tie(line, a, b, trust))
    return ties



def check_seats(r: Row, plat: dict[str, int], n_districts: int, check: Checker) -> None:
    for col, value in (("platform", r.platform), ("second_seat", r.second_seat)):
        if value is None:
            continue
        key = value.strip().lower()
        if key == "none":
            if col == "platform" and not r.community:
                check.add(r.line, col, "only communities can be outside the alliance (platform none)")
            continue
        if col == "second_seat" and (r.platform or "").lower() == "none":
            check.add(r.line, col, "a community outside the alliance (platform none) has no second seat")
            continue
        if key in ("district", "community") and r.district is None:
            check.add(r.line, col, f"'{value}' means its own district's platform, but it has no district")
        elif key not in ("national", "district", "community") and key not in plat:
            check.add(r.line, col, f"no platform {value!r}; the platforms are: {', '.join(name for name in plat_names(plat))}"
                                   " (or none)")
    if r.platform and r.second_seat and r.platform.strip().lower() == r.second_seat.strip().lower() != "none":
        check.add(r.line, "second_seat", "the same platform as its first seat")
    if (r.platform or "").lower() == "none":
        for col in ("member_at_start", "existing_network"):
            if r.values.get(col):
                check.add(r.line, col, "a community outside the alliance (platform none) cannot be "
                                       + ("a member at the start" if col == "member_at_start" else "in its network"))


def plat_names(plat: dict[str, int]) -> list[str]:
    return [name for name, _ in sorted(plat.items(), key=lambda kv: kv[1])]


def check_ties(ties: list[Tie], names: dict[str, int], check: Checker, path: Path) -> None:
    seen: dict[tuple[str, str], int] = {}
    for tie in ties:
        for col, name in (("from", tie.a), ("to", tie.b)):
            if name not in names:
                close = difflib.get_close_matches(name, list(names), n=1)
                check.add(tie.line, col, f"{name!r} is not a stakeholder in the table"
                          + (f"; did you mean {close[0]!r}?" if close else ""), path)
        if tie.a == tie.b:
            check.add(tie.line, "to", "a tie from a stakeholder to itself", path)
        key = tuple(sorted((tie.a, tie.b)))
        if key in seen:
            check.add(tie.line, "to", f"the same tie as on row {seen[key]}", path)
        seen.setdefault(key, tie.line)

