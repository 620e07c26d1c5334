"""Bad tables: one line per problem naming the file, row and column; exit code 2; nothing written."""

from __future__ import annotations

import openpyxl
import pytest

from .conftest import SMALL, SMALL_TIES, scenario_for, write_csv

ROW_OF = {line.split(",")[0].strip(): n for n, line in enumerate(SMALL.strip().splitlines(), start=1)}


def refused(mus, tmp_path, table: str, *more):
    out = tmp_path / "results"
    rc, stdout, stderr = mus("run", scenario_for(tmp_path, table), "--replicates", 1, "--steps", 3, "--out", out,
                             "--quiet", *more)
    assert rc == 2, stderr
    assert not out.exists()  # nothing written
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert all(line.startswith("mus-alliance run: error: ") for line in lines)
    return lines


CASES = {  # case -> (edit of the small table, where the problem is, words the line must hold)
    "unknown type": (("ministry_water", "ministry_of_magic"), ("Water ministry", "type"), "unknown type 'ministry_of_magic'"),
    "power above 1": (("0.9,blocker", "1.4,blocker"), ("Water ministry", "power"), "1.4 is outside [0, 1]"),
    "power below 0": (("0.9,blocker", "-0.1,blocker"), ("Water ministry", "power"), "-0.1 is outside [0, 1]"),
    "power not a number": (("0.9,blocker", "high,blocker"), ("Water ministry", "power"), "expected a number"),
    "second seat on no platform": (("Lake,,National platform", "Lake,,Valley platform"),
                                   ("Lake district water office", "second_seat"), "no platform 'Valley platform'"),
    "duplicate name": (("Hill district NGO,district_ngo", "Water ministry,district_ngo"),
                       ("Hill district NGO", "name"), "'Water ministry' is already the name on row 3"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_cell_is_named_by_file_row_and_column(case, mus, tmp_path):
    (old, new), (row_name, column), words = CASES[case]
    assert old in SMALL
    write_csv(tmp_path, "alliance.csv", SMALL.replace(old, new, 1), SMALL_TIES)
    [line] = refused(mus, tmp_path, "alliance.csv")
    assert f"alliance.csv: row {ROW_OF[row_name]}, column {column}: " in line and words in line


def test_a_tie_to_an_unknown_name(mus, tmp_path):
    write_csv(tmp_path, "alliance.csv", SMALL, SMALL_TIES + "    Water ministry,Lake district water ofice,0.5\n")
    [line] = refused(mus, tmp_path, "alliance.csv")
    assert "alliance.ties.csv: row 4, column to: 'Lake district water ofice' is not a stakeholder" in line
    assert "did you mean 'Lake district water office'?" in line


def test_every_problem_gets_its_own_line(mus, tmp_path):
    bad = SMALL.replace("ministry_water", "ministry_of_magic").replace("0.9,blocker", "2,blocker")
    write_csv(tmp_path, "alliance.csv", bad, SMALL_TIES.replace("0.9", "9"))
    lines = refused(mus, tmp_path, "alliance.csv")
    assert len(lines) == 3
    assert {"column type", "column power", "column trust"} == {part for line in lines
                                                               for part in ("column type", "column power", "column trust")
                                                               if part in line}


@pytest.mark.parametrize("text, words", [
    ("name,type,district\n", "the stakeholders table is empty (a header and no rows)"),
    ("", "the stakeholders table is empty (no header, no rows)"),
    ("# mus-alliance stakeholder table, format 1\n\n", "the stakeholders table is empty"),
])
def test_an_empty_table(text, words, mus, tmp_path):
    (tmp_path / "alliance.csv").write_text(text, encoding="utf-8")
    [line] = refused(mus, tmp_path, "alliance.csv")
    assert "alliance.csv: " in line and words in line


def test_a_workbook_with_several_sheets_and_none_named_stakeholders(mus, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Organisations"
    book.active.append(["name", "type"])
    book.active.append(["Water ministry", "ministry_water"])
    book.create_sheet("Villages").append(["name", "type"])
    book.save(tmp_path / "alliance.xlsx")
    [line] = refused(mus, tmp_path, "alliance.xlsx")
    assert "alliance.xlsx: has sheets Organisations, Villages and no 'stakeholders' sheet" in line


def test_a_workbook_names_rows_as_the_spreadsheet_does(mus, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "guide"
    sheet = book.create_sheet("Stakeholders")
    for line in SMALL.strip().splitlines():
        sheet.append([cell or None for cell in line.strip().split(",")])
    sheet["G3"] = 7  # power of the water ministry
    book.save(tmp_path / "alliance.xlsx")
    [line] = refused(mus, tmp_path, "alliance.xlsx")
    assert "alliance.xlsx: row 3, column power: 7 is outside [0, 1]" in line


def test_a_name_given_as_a_formula_without_a_saved_value(mus, tmp_path):
    """openpyxl (like any script) writes a formula without its value; read as blank it said "empty name"."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "stakeholders"
    for line in SMALL.strip().splitlines():
        sheet.append([cell or None for cell in line.strip().split(",")])
    sheet["A3"] = '=CONCAT("Water ", "ministry")'
    book.save(tmp_path / "alliance.xlsx")
    [line] = refused(mus, tmp_path, "alliance.xlsx")
    assert ("alliance.xlsx: sheet stakeholders, row 3, column name: holds the formula '=CONCAT(\"Water \", \"ministry\")' "
            "but no value saved with it") in line
    assert "empty" not in line


@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04 not really a workbook", "not a readable XLSX workbook"),
    (None, "no such file"),
])
def test_an_unreadable_or_missing_workbook(content, words, mus, tmp_path):
    if content is not None:
        (tmp_path / "alliance.xlsx").write_bytes(content)
    [line] = refused(mus, tmp_path, "alliance.xlsx")
    assert "alliance.xlsx: " in line and words in line


@pytest.mark.parametrize("edit, words", [
    (("Lake women's group,womens_group,,Lake", "Lake women's group,womens_group,national,Lake"),
     "column level: a community group is at community level"),
    (("Hill district NGO,district_ngo,,Hill", "Hill district NGO,district_ngo,,"),
     "column district: a district-level stakeholder needs its district"),
    (("Hill villages,community,,Hill,none,", "Hill villages,community,,Hill,none,Hill platform"),
     "column second_seat: a community outside the alliance (platform none) has no second seat"),
    (("Hill district NGO,district_ngo,,Hill,,", "Hill district NGO,district_ngo,,Hill,none,"),
     "column platform: only communities can be outside the alliance"),
    (("40,0,1", "40,0.5,1.5"), "column share_champions: 1.5 is outside [0, 1]"),
    (("Water ministry,ministry_water,", "Water ministry,ministry_water,,,,,,,,,,,,\nWater ministry 2,ministry_water,"),
     ""),  # a valid extra row: no problem from it alone
])
def test_inconsistent_rows(edit, words, mus, tmp_path):
    old, new = edit
    assert old in SMALL
    write_csv(tmp_path, "alliance.csv", SMALL.replace(old, new, 1), SMALL_TIES)
    if not words:
        rc, _, stderr = mus("run", scenario_for(tmp_path, "alliance.csv"), "--replicates", 1, "--steps", 2,
                            "--out", tmp_path / "ok", "--quiet")
        assert rc == 0, stderr
        return
    [line] = refused(mus, tmp_path, "alliance.csv")
    assert words in line


def test_unknown_column_is_named_with_a_suggestion(mus, tmp_path):
    write_csv(tmp_path, "alliance.csv", SMALL.replace(",power,", ",powr,", 1), SMALL_TIES)
    [line] = refused(mus, tmp_path, "alliance.csv")
    assert "alliance.csv: row 1, column powr: unknown column; did you mean power?" in line


def test_a_newer_format_is_refused(mus, tmp_path):
    write_csv(tmp_path, "alliance.csv", "# mus-alliance stakeholder table, format 2\n" + SMALL, SMALL_TIES)
    [line] = refused(mus, tmp_path, "alliance.csv")
    assert "format 2 is newer than this program reads (format 1)" in line


def test_an_existing_results_folder_is_left_alone(mus, tmp_path):
    out = tmp_path / "results"
    write_csv(tmp_path, "alliance.csv", SMALL, SMALL_TIES)
    rc, _, stderr = mus("run", scenario_for(tmp_path, "alliance.csv"), "--replicates", 1, "--steps", 2, "--out", out, "--quiet")
    assert rc == 0, stderr
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    write_csv(tmp_path, "alliance.csv", SMALL.replace("ministry_water", "wizard"), SMALL_TIES)
    rc, _, stderr = mus("run", scenario_for(tmp_path, "alliance.csv"), "--replicates", 1, "--steps", 2, "--out", out, "--quiet")
    assert rc == 2 and "unknown type 'wizard'" in stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
