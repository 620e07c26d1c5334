"""Your own alliance: a stakeholder-analysis table in, the population of a simulation of that alliance out.

Step 2 of a Learning Alliance (MUS Group Tool 24) is a stakeholder analysis: who is crucial to MUS, who limits
it, their interests, power and stance. This module reads such a table (CSV or XLSX, format
:data:`FORMAT_VERSION`), checks it, and builds the model's :class:`~model.population.Population` from it
through :func:`~model.population.build_population`: the table says who exists and fixes every value it
states; every value it leaves open (a blank cell, a missing column) is drawn exactly as for the synthetic
country, from the registry's defaults or the scenario's parameters, with the model's ``rng``. The same table
and seed therefore give the same run, and the table of the default country (``mus-alliance template``) gives
the default country's population and results for the seed it was written with.

Format (one row per stakeholder; the columns and their meaning are :data:`COLUMNS`, the guide the template
writes): a CSV file, or an XLSX workbook whose ``stakeholders`` sheet holds the table (a workbook with one
sheet may name it anything). Ties go in an XLSX sheet ``ties`` or, for a CSV table ``NAME.csv``, in
``NAME.ties.csv`` beside it: ``from``, ``to`` (names) and an optional ``trust``. When ties are given they
replace the drawn ties between stakeholders listed one by one; communities given as counts keep their drawn
ties. A CSV line starting with ``#`` is a comment; ``# mus-alliance stakeholder table, format 1`` states the
format version (also cell A1 of an XLSX ``guide`` sheet).

Every problem is reported at once, one line each, naming the file, row and column (:class:`TableError`).
Names stay on the user's machine: nothing here sends anything anywhere.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .population import KIND_INDEX, KINDS, WATER_USES, Population, build_population, tie_trust
from .registry import REGISTRY, TABLE, ConfigError
from .states import Level, Membership, Stance, stance_of

FORMAT_VERSION = 1
FORMAT_LINE = f"mus-alliance stakeholder table, format {FORMAT_VERSION}"
SHEET, TIES_SHEET, GUIDE_SHEET = "stakeholders", "ties", "guide"
GENERIC_COMMUNITY = "community"  # a community whose group type the model draws (as for the synthetic country)
NOTICE = ("NOTICE: this folder was made from an alliance table, a stakeholder analysis with the real names of "
          "organisations and people's groups, and may contain those names (events, manifest). Nothing was sent "
          "anywhere; it stays on this machine unless you share it, so think before you do.")

INTERESTS = tuple(f"interest_{use}" for use in WATER_USES)
# column -> what it means (the template's guide, the README and the errors come from here)
COLUMNS: dict[str, str] = {
    "name": "Required, unique. The stakeholder's name (for a row with a count: the name of the group, "
            "numbered 1..count).",
    "type": "Required. One of: " + ", ".join(k.name for k in KINDS) + f", or {GENERIC_COMMUNITY} (a "
            "community whose group type the model draws).",
    "level": "national, district or community. Blank: the type's level (a project office: the scenario's "
             "initiator_level).",
    "district": "The district's name (any text; the order of first appearance numbers them). Required for "
                "district and community level, empty at national level.",
    "platform": "The platform it sits on: National platform, <district> platform, <district> community platform "
                "(or national, district, community for its own), or none: a community outside the alliance that "
                "MUS can spread to. Blank: its level's platform.",
    "second_seat": "A second platform it also sits on and carries information to (a bridge), or none. Blank: "
                   "drawn with bridge_share.",
    "power": "Power, 0 to 1. Blank: drawn from its type (power_inequality).",
    "capacity": "Capacity, 0 to 1. Blank: drawn from its type.",
    "stance": "Stance on MUS: blocker, neutral or champion. Blank: drawn (share_blockers, share_champions).",
    "view": "View on MUS, 0 (opposed) to 1 (convinced); below 1/3 blocks, above 2/3 champions. Wins over stance "
            "and must agree with it. Blank with a stance: drawn within the stance's band.",
    "awareness": "How much it knows of MUS, 0 to 1. Blank: drawn as for the synthetic country.",
    **{col: f"Interest in {use} water, >= 0 (the four are scaled to sum to 1). Give all four or none; blank: "
            f"drawn from its type (interest_divergence)." for col, use in zip(INTERESTS, WATER_USES)},
    "marginalised": "yes/no, communities only. Blank: drawn (share_marginalised).",
    "member_at_start": "yes: a founding member at month 0, with the initiator's core group. Blank or no: not.",
    "existing_network": "yes/no: already in a network the alliance can build on. Blank: drawn "
                        "(existing_network_share).",
    "count": "Communities only: this row stands for count communities of its district (programmes rarely list "
             "every village); they are named '<name> 1' ... '<name> count'.",
    "share_marginalised": "With a count: the share of those communities that are marginalised (drawn per "
                          "community). Blank: share_marginalised.",
    "share_champions": "With a count: the share of those communities that champion MUS from the start.",
}
TIE_COLUMNS: dict[str, str] = {
    "from": "Required. A stakeholder's name.",
    "to": "Required. Another stakeholder's name (ties have no direction).",
    "trust": "Trust on the tie before the alliance starts, 0 to 1. Blank: drawn (initial_trust).",
}
NOTE_COLUMNS = ("notes", "note", "comment", "comments")
FLAGS = ("marginalised", "member_at_start", "existing_network")
YES, NO = ("yes", "y", "true", "1", "x"), ("no", "n", "false", "0")
STANCE_BANDS = {Stance.BLOCKER: (0.0, 1 / 3), Stance.NEUTRAL: (1 / 3, 2 / 3), Stance.CHAMPION: (2 / 3, 1.0)}
LEVELS = {"national": Level.NATIONAL, "district": Level.DISTRICT, "community": Level.COMMUNITY}
LEVEL_NAME = {v: k for k, v in LEVELS.items()}
PROJECT = KIND_INDEX["project_office"]


class TableError(ConfigError):
    """A table the model refuses: one line per problem, each naming the file, row and column."""

    SHOWN = 40  # lines in the message; ``problems`` keeps them all

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        more = len(self.problems) - self.SHOWN
        shown = self.problems[: self.SHOWN] + ([f"... and {more} more problems like these"] if more > 0 else [])
        super().__init__("\n".join(shown))


# ------------------------------------------------------------------------------------------------ rows
@dataclass
class Row:
    """One stakeholder (or, with ``count``, a group of communities) as the table states it; None = open."""

    line: int
    name: str
    kind: int | None             # None: a community whose group type is drawn
    community: bool
    level: Level | None
    district: str | None
    platform: str | None
    second_seat: str | None
    values: dict[str, Any] = field(default_factory=dict)  # power, capacity, view, awareness, interests, flags
    stance: Stance | None = None
    count: int | None = None
    given: tuple[str, ...] = ()  # the columns with a value in this row


@dataclass
class Tie:
    line: int
    a: str
    b: str
    trust: float | None


@dataclass(frozen=True)
class Source:
    """What the user gave: the file, its content hash and, for a CSV table, the ties file beside it."""

    path: Path
    sha256: str
    ties_path: Path | None


# ------------------------------------------------------------------------------------------- reading
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
            rows.append((number, cells))
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
        version = None
        if GUIDE_SHEET in sheets:
            first = next(book[sheets[GUIDE_SHEET]].iter_rows(min_row=1, max_row=1, values_only=True), ())
            version = stated_version(str(first[0])) if first and first[0] is not None else None
    finally:
        book.close()
    return rows, ties, None, version, []


def sheet_rows(sheet) -> list[tuple[int, list[Any]]]:
    return [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]


# ------------------------------------------------------------------------------------------- checking
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


# ---------------------------------------------------------------------------------------------- table
@dataclass(eq=False)
class AllianceTable:
    """A checked stakeholder-analysis table. It rides in a run's parameters under ``registry.TABLE``; the
    model's :func:`~model.population.build_population` calls :meth:`population` with the run's ``rng``."""

    source: Source
    rows: list[Row]            # in the model's order: national, district organisations, pilot, outside communities, project office
    ties: list[Tie] | None
    districts: list[str]
    columns: tuple[str, ...]   # columns the table has
    fixed: dict[str, str]      # parameter -> why the table fixes it
    values: dict[str, Any]     # parameter values the table implies (they enter the run's parameters)
    names: list[str]           # every stakeholder's name, count rows expanded, in the model's order
    expanded_from: np.ndarray  # for each stakeholder, its row's index in ``rows``
    _given: dict = field(default_factory=dict, repr=False)

    def __str__(self) -> str:  # what manifests and study fingerprints record: the content, not the names
        return f"alliance table {self.source.path.name} (sha256 {self.source.sha256})"

    def __repr__(self) -> str:
        return f"<{self}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AllianceTable) and self.source.sha256 == other.source.sha256

    def __hash__(self) -> int:
        return hash(self.source.sha256)

    # ---- what a scenario takes from the table
    def params(self) -> dict[str, Any]:
        """The run parameters the table sets: itself, and the values it implies (country size, initiator)."""
        return {TABLE: self, **self.values}

    @property
    def platform_names(self) -> list[str]:
        return (["National platform"] + [f"{d} platform" for d in self.districts]
                + [f"{d} community platform" for d in self.districts])

    def provenance(self) -> dict[str, Any]:
        """For a results folder's manifest: which values came from the table."""
        return {
            "file": str(self.source.path), "sha256": self.source.sha256, "ties_file": str(self.source.ties_path or ""),
            "format_version": FORMAT_VERSION, "stakeholders": len(self.names), "rows": len(self.rows),
            "ties": None if self.ties is None else len(self.ties), "districts": len(self.districts),
            "values_from_table": {col: f"{sum(col in r.given for r in self.rows)} of {len(self.rows)} rows"
                                  for col in COLUMNS if any(col in r.given for r in self.rows)},
            "columns_left_to_the_model": [c for c in COLUMNS if not any(c in r.given for r in self.rows)],
            "open_values": "a blank cell or a missing column is drawn as for the synthetic country, from the "
                           "run's parameters (registry defaults unless the scenario sets them)",
            "parameters_set_by_table": self.values,
            "parameters_fixed_by_table": self.fixed,
            "notice": NOTICE,
        }

    def refuse_fixed(self, names, where: str = "", prefix: str = "") -> None:
        """Raise ConfigError naming every parameter in ``names`` that the table fixes (``prefix`` goes before
        each name, e.g. "factors.")."""
        bad = [n for n in names if n in self.fixed]
        if bad:
            raise ConfigError(f"{where}{', '.join(prefix + n for n in bad)}: fixed by the alliance table "
                              f"{self.source.path.name} (" + "; ".join(f"{n}: {self.fixed[n]}" for n in bad)
                              + "); remove " + ("it" if len(bad) == 1 else "them") + " or change the table")

    # ---- the population
    def population(self, p: dict, rng: np.random.Generator) -> Population:
        for key, value in self.values.items():
            if p[key] != value:
                raise ConfigError(f"{key}: the alliance table {self.source.path.name} sets it to {value!r}, got {p[key]!r}")
        if p["initiator"] != "project":
            level = LEVELS[p["initiator_level"]]
            if not any(r.level == level and (r.platform or "").lower() != "none" for r in self.rows):
                raise ConfigError(f"initiator_level: the alliance table {self.source.path.name} has no stakeholder "
                                  f"at {p['initiator_level']} level to start the alliance (initiator {p['initiator']})")
        key = p["initiator"] == "project"  # whether the model adds a project office the table does not list
        if key not in self._given:  # what the table fixes does not depend on the seed: built once per process
            self._given[key] = Given(self, p)
        return build_population(p, rng, self._given[key])


class Given:
    """What the table fixes, as the arrays :func:`~model.population.build_population` draws, with masks."""

    def __init__(self, table: AllianceTable, p: dict):
        self.table = table
        rows = table.rows
        at = table.expanded_from
        n_rows = len(at)
        project_row = bool(rows) and rows[-1].kind == PROJECT
        extra = 1 if (p["initiator"] == "project" and not project_row) else 0  # the model adds a project office
        n = n_rows + extra
        self.n, self.extra = n, extra
        index = {d: i for i, d in enumerate(table.districts)}
        orgs = [r for r in rows if not r.community and r.kind != PROJECT]
        nat = [r for r in orgs if r.level == Level.NATIONAL]
        dis = [r for r in orgs if r.level == Level.DISTRICT]
        self.organisations = ([r.kind for r in nat], [r.kind for r in dis],
                              np.array([index[r.district] for r in dis], dtype=np.int32))
        self.columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}

        def column(name, dtype, value_of, length=n, positions=None):
            values = np.zeros(length, dtype=dtype) if dtype is not object else np.empty(length, dtype=object)
            mask = np.zeros(length, dtype=bool)
            for pos, i in enumerate(positions if positions is not None else range(n_rows)):
                v = value_of(rows[at[i]], i)
                if v is not None:
                    values[pos], mask[pos] = v, True
            if mask.any():
                self.columns[name] = (values, mask)

        comm = [i for i in range(n_rows) if rows[at[i]].community]
        column("share_marginalised", float, lambda r, i: r.values.get("share_marginalised"), len(comm), comm)
        column("marginalised", bool, lambda r, i: r.values.get("marginalised"))
        column("kind", np.int16, lambda r, i: r.kind)
        column("level", np.int8, lambda r, i: None if r.level is None else int(r.level))
        column("district", np.int32, lambda r, i: None if r.district is None else index[r.district])
        plat = {name.lower(): k for k, name in enumerate(table.platform_names)}
        column("platform", np.int32, lambda r, i: seat(r.platform, r, plat, index))
        column("in_network", bool, lambda r, i: r.values.get("existing_network"))
        column("bridge_platform", np.int32, lambda r, i: seat(r.second_seat, r, plat, index))
        for col in ("power", "capacity", "view", "awareness"):
            column(col, float, lambda r, i, col=col: r.values.get(col))
        column("member", bool, lambda r, i: True if r.values.get("member_at_start") else None)
        values = np.zeros((n, len(WATER_USES)))
        mask = np.zeros(n, dtype=bool)
        for i in range(n_rows):
            got = rows[at[i]].values.get("interests")
            if got is not None:
                values[i], mask[i] = got, True
        if mask.any():
            self.columns["interests"] = (values, mask)
        where = {name: i for i, name in enumerate(table.names)}
        ties = table.ties or []
        self.tie_pairs = np.array([sorted((where[tie.a], where[tie.b])) for tie in ties], dtype=np.int64).reshape(-1, 2)
        self.tie_trust = np.array([np.nan if tie.trust is None else tie.trust for tie in ties], dtype=float)

    def fix(self, name: str, drawn: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """``drawn`` where the table is silent, the table's value where it speaks. Views (given ``rng``) also
        take a draw within the band of a stance given without a view, and for the champions of a count row."""
        out = drawn
        if name in self.columns:
            values, mask = self.columns[name]
            out = drawn.copy()
            out[mask] = values[mask].astype(drawn.dtype)
        if name == "view" and rng is not None:
            out = self.draw_stances(out.copy(), rng)
        return out

    def draw_stances(self, view: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draws only for a stance without a view and for community champions of a count row (none of which
        the default country's template has, so it reads back with the default country's draws)."""
        rows, at = self.table.rows, self.table.expanded_from
        for i in range(len(at)):  # a stance without a view: a view within the stance's band
            r = rows[at[i]]
            if r.stance is not None and r.values.get("view") is None:
                view[i] = rng.uniform(*STANCE_BANDS[r.stance])
        for k, r in enumerate(rows):  # community champions of a count row
            share = r.values.get("share_champions")
            if share:
                members = np.flatnonzero(at == k)
                champions = members[rng.random(len(members)) < share]
                view[champions] = rng.uniform(*STANCE_BANDS[Stance.CHAMPION], len(champions))
        return view

    def finish(self, pop: Population, p: dict, rng: np.random.Generator) -> Population:
        """The values fixed after the draws, which nothing in the build depends on: power, capacity,
        interests, members at the start, second seats, ties and names. Draws only for ties without trust."""
        t = self.table
        for name in ("power", "capacity", "interests", "bridge_platform"):
            setattr(pop, name, self.fix(name, getattr(pop, name)))
        if "member" in self.columns:
            pop.membership = np.where(self.columns["member"][1], np.int8(Membership.MEMBER), pop.membership).astype(np.int8)
        if t.ties is not None:
            pop.src, pop.dst, pop.trust = self.ties(pop, p, rng)
        pop.names = list(t.names) + pop.names[len(t.names):]
        pop.platform_names = t.platform_names
        return pop

    def ties(self, pop: Population, p: dict, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The table's ties replace the drawn ties between stakeholders listed one by one."""
        t = self.table
        listed = np.zeros(self.n, dtype=bool)
        listed[: len(t.expanded_from)] = [t.rows[k].count is None for k in t.expanded_from]
        keep = ~(listed[pop.src] & listed[pop.dst])
        pairs, trust = self.tie_pairs, self.tie_trust.copy()
        open_ = np.isnan(trust)
        if open_.any():
            trust[open_] = tie_trust(p, rng, pairs[open_, 0], pairs[open_, 1], pop.in_network)
        src = np.r_[pop.src[keep], pairs[:, 0]]
        dst = np.r_[pop.dst[keep], pairs[:, 1]]
        both = np.r_[pop.trust[keep], trust]
        # listed ties come last and win over a drawn tie between the same two; order as the model sorts ties
        order = np.lexsort((np.arange(len(src)), dst, src))
        src, dst, both = src[order], dst[order], both[order]
        last = np.r_[(src[1:] != src[:-1]) | (dst[1:] != dst[:-1]), True]
        return src[last].astype(np.int64), dst[last].astype(np.int64), both[last]


def seat(value: str | None, row: Row, plat: dict[str, int], index: dict[str, int]) -> int | None:
    """Platform index of a platform cell (checked when the table was read); None if blank."""
    if value is None:
        return None
    key = value.strip().lower()
    if key == "none":
        return -1
    d = index.get(row.district) if row.district is not None else None
    if key == "national":
        return 0
    if key == "district":
        return 1 + d
    if key == "community":
        return 1 + len(index) + d
    return plat[key]


# ------------------------------------------------------------------------------------------ assembling
def load_table(path: str | Path) -> AllianceTable:
    """Read and check an alliance table (CSV or XLSX); raise :class:`TableError` listing every problem."""
    path = Path(path)
    raw, raw_ties, ties_path, version, problems = read_sheets(path)
    if problems:
        raise TableError(problems)
    check = Checker(path)
    if version is not None and version > FORMAT_VERSION:
        check.add(None, None, f"format {version} is newer than this program reads (format {FORMAT_VERSION}); update mus-alliance")
    columns, data = header(raw, COLUMNS, ("name", "type"), check, path, "stakeholders")
    rows = parse_rows(columns, data, check) if columns else []
    ties = None
    if raw_ties is not None:
        ties_file = ties_path or path
        tie_columns, tie_data = header(raw_ties, TIE_COLUMNS, ("from", "to"), check, ties_file, "ties",
                                       may_be_empty=True)
        ties = parse_ties(tie_columns, tie_data, check, ties_file) if {"from", "to"} <= set(tie_columns) else []
    table = assemble(path, rows, ties, tuple(columns), check, ties_path) if not check.problems else None
    if check.problems:
        raise TableError(check.problems)
    return table


def assemble(path: Path, rows: list[Row], ties: list[Tie] | None, columns: tuple[str, ...], check: Checker,
             ties_path: Path | None) -> AllianceTable | None:
    districts: list[str] = []
    for r in rows:
        if r.district is not None and r.district not in districts:
            districts.append(r.district)
    platform_names = (["National platform"] + [f"{d} platform" for d in districts]
                      + [f"{d} community platform" for d in districts])
    plat = {name.lower(): k for k, name in enumerate(platform_names)}
    for r in rows:
        check_seats(r, plat, len(districts), check)
    projects = [r for r in rows if r.kind == PROJECT]
    for r in projects[1:]:
        check.add(r.line, "type", f"a second project office (first on row {projects[0].line}); the model has one")
    # the model's order: national organisations, district organisations, pilot communities, outside ones, project
    orgs = [r for r in rows if not r.community and r.kind != PROJECT]
    pilots = [r for r in rows if r.community and (r.platform or "").lower() != "none"]
    outside = [r for r in rows if r.community and (r.platform or "").lower() == "none"]
    ordered = ([r for r in orgs if r.level == Level.NATIONAL] + [r for r in orgs if r.level == Level.DISTRICT]
               + pilots + outside + projects[:1])
    names, expanded_from, first = [], [], {}
    for k, r in enumerate(ordered):
        many = [f"{r.name} {j + 1}" for j in range(r.count)] if r.count else [r.name]
        for name in many:
            if name in first:
                check.add(r.line, "name", f"{name!r} is already the name on row {first[name]}; names must be unique")
            else:
                first[name] = r.line
            names.append(name)
            expanded_from.append(k)
    if ties is not None:
        check_ties(ties, first, check, ties_path or path)
    n_pilot = sum(r.count or 1 for r in pilots)
    n_out = sum(r.count or 1 for r in outside)
    values: dict[str, Any] = {"n_districts": len(districts), "n_pilot_communities": n_pilot,
                              "n_outside_communities": n_out}
    if projects:
        values["initiator"] = "project"
        if projects[0].level is not None:
            values["initiator_level"] = LEVEL_NAME[projects[0].level]
    for key, value in values.items():
        spec = REGISTRY[key]
        if spec.kind != "choice" and not spec.low <= value <= spec.high:
            what = {"n_districts": "districts", "n_pilot_communities": "communities on a community platform",
                    "n_outside_communities": "communities outside the alliance (platform none)"}[key]
            check.add(None, None, f"the table has {value} {what}; the model takes {spec.range_text} ({key})")
    if check.problems:
        return None
    fixed = fixed_parameters(ordered, ties, values, len(orgs), n_pilot + n_out)
    digest = hashlib.sha256(path.read_bytes() + (ties_path.read_bytes() if ties_path else b"")).hexdigest()
    return AllianceTable(Source(path.resolve(), digest, ties_path.resolve() if ties_path else None), ordered, ties, districts, columns, fixed, values, names,
                         np.array(expanded_from, dtype=np.int64))


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


def fixed_parameters(rows: list[Row], ties: list[Tie] | None, values: dict[str, Any], n_orgs: int,
                     n_comm: int) -> dict[str, str]:
    """Population parameters that have no effect left once the table is read, and why: a sensitivity study
    may not vary them and a scenario or --set may not set them."""
    fixed = {key: "the table lists the stakeholders" for key in
             ("n_districts", "n_national_orgs", "n_district_orgs", "n_pilot_communities", "n_outside_communities")}
    if "initiator" in values:
        fixed["initiator"] = "the table has a project office"
    if "initiator_level" in values:
        fixed["initiator_level"] = "the table gives the project office's level"
    comm = [r for r in rows if r.community]
    orgs = [r for r in rows if not r.community and r.kind != PROJECT]
    everyone = rows
    if comm and all(r.values.get("marginalised") is not None if r.count is None else r.values.get("share_marginalised") is not None for r in comm):
        fixed["share_marginalised"] = "every community's marginalised (or share_marginalised) is given"
    if orgs and all(r.values.get("view") is not None or r.stance is not None for r in orgs):
        fixed["share_blockers"] = fixed["share_champions"] = "every organisation's stance or view is given"
    if all(r.values.get("power") is not None for r in everyone) and "initiator" in values:
        fixed["power_inequality"] = "every stakeholder's power is given"
    if all(r.values.get("interests") is not None for r in everyone) and "initiator" in values:
        fixed["interest_divergence"] = "every stakeholder's interests are given"
    if all(r.second_seat is not None or (r.platform or "").lower() == "none" for r in everyone) and "initiator" in values:
        fixed["bridge_share"] = "every stakeholder's second seat (or none) is given"
    if all(r.values.get("existing_network") is not None or (r.platform or "").lower() == "none" for r in everyone) \
            and "initiator" in values:
        fixed["existing_network_share"] = "every stakeholder's existing_network is given"
    if ties is not None and all(r.count is None for r in comm):
        fixed["community_ties"] = "the ties table lists every tie between communities"
    return fixed


# ----------------------------------------------------------------------------------- the dashboard's call
def load_alliance_table(path: str | Path) -> tuple[dict[str, Any] | None, list[str]]:
    """For the dashboard: ``(params, [])`` to merge into a run's parameter overrides, or ``(None, problems)``
    with one line per problem to show in the page. ``params[registry.TABLE].fixed`` names the parameters
    the table fixes (their controls should be disabled) and ``.names`` every stakeholder's name, in the
    model's order (the drawing's labels: ``model.names`` holds the same)."""
    try:
        return load_table(path).params(), []
    except ConfigError as exc:
        return None, str(exc).splitlines()


# --------------------------------------------------------------------------------------------- template
def template_rows(pop: Population) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A population as stakeholder rows and tie rows: every value written, so reading it back gives the
    same arrays."""
    nd = (len(pop.platform_level) - 1) // 2
    district_names = [f"District {d + 1}" for d in range(nd)]
    rows = []
    for i, name in enumerate(unique_names(pop.names)):
        k = KINDS[pop.kind[i]]
        community = bool(pop.is_community[i])
        row = {
            "name": name, "type": k.name, "level": LEVEL_NAME[Level(int(pop.level[i]))],
            "district": district_names[pop.district[i]] if pop.district[i] >= 0 else "",
            "platform": pop.platform_names[pop.platform[i]] if pop.platform[i] >= 0 else "none",
            "second_seat": pop.platform_names[pop.bridge_platform[i]] if pop.bridge_platform[i] >= 0 else "none",
            "power": float(pop.power[i]), "capacity": float(pop.capacity[i]),
            "stance": Stance(int(stance_of(pop.view[i]))).name.lower(), "view": float(pop.view[i]),
            "awareness": float(pop.awareness[i]),
            **{col: float(pop.interests[i, j]) for j, col in enumerate(INTERESTS)},
            "marginalised": ("yes" if pop.marginalised[i] else "no") if community else "",
            "member_at_start": "yes" if pop.membership[i] == Membership.MEMBER else "no",
            "existing_network": "yes" if pop.in_network[i] else "no",
        }
        rows.append(row)
    names = unique_names(pop.names)
    ties = [{"from": names[a], "to": names[b], "trust": float(t)} for a, b, t in zip(pop.src, pop.dst, pop.trust)]
    return rows, ties


def unique_names(names: list[str]) -> list[str]:
    """Names made unique as a table needs them: a repeated name gets " (2)", " (3)", ..."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


STAKEHOLDER_HEADER = [c for c in COLUMNS if c not in ("count", "share_marginalised", "share_champions")] + \
    ["count", "share_marginalised", "share_champions"]


def guide_lines(seed: int) -> list[str]:
    return [
        FORMAT_LINE,
        "One row per stakeholder (sheet 'stakeholders'); optional ties (sheet 'ties'; for a CSV table NAME.csv the "
        "file NAME.ties.csv beside it). Leave a cell blank and the model draws that value as for its synthetic "
        "country (registry defaults, or the scenario's [parameters]); delete a whole column and all of it is "
        "drawn. Columns named notes or comment are ignored.",
        f"This example is the model's default country as drawn with seed {seed}: edit it into your alliance. A "
        "scenario names it with  [population] table = \"FILE\"  (relative to the scenario file).",
        "Real names stay on your machine: results folders made from a table say that they contain names.",
        "",
        "Stakeholder columns:",
        *[f"  {col}: {meaning}" for col, meaning in COLUMNS.items()],
        "",
        "Tie columns:",
        *[f"  {col}: {meaning}" for col, meaning in TIE_COLUMNS.items()],
    ]


def write_table(path: Path, rows: list[dict[str, Any]], ties: list[dict[str, Any]] | None, guide: list[str]) -> list[Path]:
    """Write a table as XLSX (sheets guide, stakeholders, ties) or CSV (NAME.csv, NAME.ties.csv,
    NAME.guide.txt); return the files written. Callers stage into a temporary place first."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = SHEET
        fill_sheet(sheet, STAKEHOLDER_HEADER, rows)
        if ties is not None:
            fill_sheet(book.create_sheet(TIES_SHEET), list(TIE_COLUMNS), ties)
        notes = book.create_sheet(GUIDE_SHEET, 0)
        for line in guide:
            notes.append([line])
        book.save(path)
        return [path]
    written = [path]
    path.write_text(csv_text(STAKEHOLDER_HEADER, rows, comment=FORMAT_LINE), encoding="utf-8")
    if ties is not None:
        ties_path = path.with_name(path.stem + ".ties.csv")
        ties_path.write_text(csv_text(list(TIE_COLUMNS), ties), encoding="utf-8")
        written.append(ties_path)
    guide_path = path.with_name(path.stem + ".guide.txt")
    guide_path.write_text("\n".join(guide) + "\n", encoding="utf-8")
    return written + [guide_path]


def fill_sheet(sheet, columns: list[str], rows: list[dict[str, Any]]) -> None:
    """Rows into a sheet. openpyxl writes numbers with 16 significant digits, which loses the last bit of
    some doubles; a number cell holding the shortest exact text (repr) reads back as the same double in
    openpyxl, Excel and LibreOffice, so XLSX and CSV tables agree to the bit."""
    sheet.append(columns)
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            value = row.get(column)
            if value is None or value == "":
                continue
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, float):
                cell.value, cell.data_type = repr(value), "n"
            else:
                cell.value = value


def csv_text(columns: list[str], rows: list[dict[str, Any]], comment: str | None = None) -> str:
    out = io.StringIO()
    if comment:
        out.write(f"# {comment}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([fmt_cell(row.get(c, "")) for c in columns])
    return out.getvalue()


def fmt_cell(value: Any) -> str:
    return repr(value) if isinstance(value, float) else ("" if value is None else str(value))


def default_country(seed: int, params: dict | None = None) -> Population:
    """The synthetic country as the model draws it for ``seed`` (the population a run with that seed starts
    from)."""
    from .registry import resolve

    return build_population(resolve(params), np.random.default_rng(seed))
