"""Reading: a CSV file (with its ``NAME.ties.csv``) or an XLSX workbook into raw rows (row number, cells),
with the format version it states. Nothing is checked here but that the file can be read."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from .format import GUIDE_SHEET, SHEET, TIES_SHEET
from .safe_cells import unquote


def read_sheets(path: Path) -> tuple[list[tuple[int, list[Any]]], list[tuple[int, list[Any]]] | None, Path | None,
                                      int | None, list[str]]:
    """Raw rows (sheet row number, cells) of the stakeholders and ties tables, the ties file, the stated
    format version, and problems that stop reading."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, version, problems = read_csv(path)
        ties_path = path.with_name(path.stem + ".ties.csv")
        ties = None
        if ties_path.is_file():
            ties, _, more = read_csv(ties_path)
            problems += more
        return rows, ties, ties_path if ties is not None else None, version, problems
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    return [], None, None, None, [f"{path}: expected a .csv or .xlsx table, got {path.suffix or 'no suffix'}"]


def read_csv(path: Path) -> tuple[list[tuple[int, list[Any]]], int | None, list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return [], None, [f"{path}: no such file"]
    except IsADirectoryError:
        return [], None, [f"{path}: is a folder, not a table"]
    except OSError as exc:
        return [], None, [f"{path}: cannot read ({exc.strerror})"]
    except UnicodeDecodeError:
        return [], None, [f"{path}: not UTF-8 text (save the CSV as UTF-8)"]
    rows, version = [], None
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
            if cells and cells[0].lstrip().startswith("#"):
                version = version or stated_version(" ".join(cells))
                continue
            rows.append((number, [unquote(c) for c in cells]))
    except csv.Error as exc:
        return [], None, [f"{path}: not a readable CSV table ({exc})"]
    return rows, version, []


def stated_version(text: str) -> int | None:
    found = re.search(r"format\s+(\d+)", text, flags=re.IGNORECASE)
    return int(found.group(1)) if found else None


def read_xlsx(path: Path):
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency of the package
        return [], None, None, None, [f"{path}: reading XLSX needs openpyxl (pip install openpyxl)"]
    if not path.is_file():
        return [], None, None, None, [f"{path}: no such file" if not path.exists() else f"{path}: is a folder, not a table"]
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for files that are not workbooks
        return [], None, None, None, [f"{path}: not a readable XLSX workbook ({type(exc).__name__})"]
    try:
        sheets = {name.strip().lower(): name for name in book.sheetnames}
        data = [n for n in book.sheetnames if n.strip().lower() not in (TIES_SHEET, GUIDE_SHEET)]
        if SHEET in sheets:
            main = sheets[SHEET]
        elif len(data) == 1:
            main = data[0]
        else:
            return [], None, None, None, [
                f"{path}: has sheets {', '.join(book.sheetnames)} and no '{SHEET}' sheet; name the sheet with "
                f"one row per stakeholder '{SHEET}'"]
        rows = sheet_rows(book[main])
        ties = sheet_rows(book[sheets[TIES_SHEET]]) if TIES_SHEET in sheets else None
        problems = unsaved_formulas(path, main, rows) + (
            unsaved_formulas(path, sheets[TIES_SHEET], ties) if ties is not None else [])
        if problems:
            return [], None, None, None, problems
        version = None
        if GUIDE_SHEET in sheets:
            first = next(book[sheets[GUIDE_SHEET]].iter_rows(min_row=1, max_row=1, values_only=True), ())
            version = stated_version(str(first[0])) if first and first[0] is not None else None
    finally:
        book.close()
    return rows, ties, None, version, []


def unsaved_formulas(path: Path, sheet_name: str, rows: list[tuple[int, list[Any]]]) -> list[str]:
    """One line per cell that holds a formula but no saved value. A workbook written by a program that
    does not calculate (a script, some converters) keeps only the formula, and a blank cell would be read
    (a name "empty", a value drawn). Looked up only for the cells read as blank."""
    blank = {(n, c) for n, cells in rows for c, value in enumerate(cells) if value is None}
    if not blank:
        return []
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        formulas = {(n, c): value for n, cells in enumerate(book[sheet_name].iter_rows(values_only=True), start=1)
                    for c, value in enumerate(cells)
                    if (n, c) in blank and isinstance(value, str) and value.startswith("=")}
    finally:
        book.close()
    header = next((cells for _, cells in rows if any(v is not None for v in cells)), [])
    out = []
    for (n, c), formula in sorted(formulas.items()):
        column = header[c] if c < len(header) and header[c] is not None else f"number {c + 1}"
        out.append(f"{path}: sheet {sheet_name}, row {n}, column {column}: holds the formula {formula[:60]!r} but "
                   "no value saved with it; open the file in a spreadsheet program and save it, or type the value")
    return out


def sheet_rows(sheet) -> list[tuple[int, list[Any]]]:
    return [(number, [unquote(c) for c in cells])
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]

