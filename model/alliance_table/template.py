"""Template writing: a population as a table (``mus-alliance template``), XLSX or CSV, with its guide. Every
text cell goes through :func:`~.safe_cells.neutralise`, so no name reaches a spreadsheet as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np

from ..population import KINDS, Population, build_population
from ..states import Level, Membership, stance_of, Stance
from .format import COLUMNS, FORMAT_LINE, GUIDE_SHEET, INTERESTS, LEVEL_NAME, SHEET, TIE_COLUMNS, TIES_SHEET
from .safe_cells import neutralise


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
            notes.append([neutralise(line)])
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
    sheet.append([neutralise(c) for c in columns])
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            value = row.get(column)
            if value is None or value == "":
                continue
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, float):
                cell.value, cell.data_type = repr(value), "n"
            else:
                cell.value = neutralise(value)


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
    return repr(value) if isinstance(value, float) else ("" if value is None else neutralise(str(value)))


def default_country(seed: int, params: dict | None = None) -> Population:
    """The synthetic country as the model draws it for ``seed`` (the population a run with that seed starts
    from)."""
    from ..registry import resolve

    return build_population(resolve(params), np.random.default_rng(seed))
