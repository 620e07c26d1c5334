""""Your alliance" on the Live page: simulate the alliance of a stakeholder-analysis table (issue 11).

A trainer picks a table shipped in ``configs/alliances/`` (CSV or XLSX, the format of
:mod:`model.alliance_table`) or drops their own. The live alliance is then built from that table (its real
stakeholder names in the drawing and the narration), Reset rebuilds that alliance, and the controls of the
parameters the table fixes are disabled with the reason. A table with problems is refused with one line per
problem (file, row, column) and the current alliance stays.

Privacy: an uploaded table is written to a temporary folder on this machine only for as long as the model
reads it, then deleted; nothing about it is sent anywhere (the dashboard serves 127.0.0.1 and makes no
request off the machine).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import solara

from model.alliance_table import load_alliance_table
from model import registry

from . import presets, state

ALLIANCES_DIR = presets.REPO_ROOT / "configs" / "alliances"
GENERATED_LABEL = "Generated country (no table)"
TABLE_CHOOSER = "Stakeholder table"  # the label of the chooser (not a parameter)
TABLE_SUFFIXES = (".csv", ".xlsx")
TIES_SUFFIX = ".ties.csv"
PRIVACY_NOTE = ("Names stay on this machine: a dropped table is read here and deleted at once; nothing is sent "
                "anywhere.")


def table_files(folder: Path = ALLIANCES_DIR) -> dict[str, Path]:
    """The alliance tables in ``folder`` by file name (a CSV table's ``NAME.ties.csv`` is not a table)."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {path.name: path for path in sorted(folder.iterdir())
            if path.is_file() and path.suffix.lower() in TABLE_SUFFIXES and not path.name.lower().endswith(TIES_SUFFIX)}


def named_as(problems: list[str], path: Path, shown: str) -> list[str]:
    """The model's problem lines with the file's full path replaced by the name the page shows."""
    folder = str(Path(path).resolve().parent)
    lines = []
    for line in problems:
        line = line.replace(str(Path(path).resolve()), shown).replace(str(path), shown)
        lines.append(line.replace(folder + "/", ""))
    return lines


def load_table_file(path: Path, shown: str) -> bool:
    """Read the table at ``path`` and make it the live alliance; False (problems shown) when it cannot be used."""
    params, problems = load_alliance_table(path)
    if problems:
        state.report_table_problems(named_as(problems, path, shown))
        return False
    return state.use_alliance_table(params[registry.TABLE], shown)


def safe_name(name: str) -> str:
    """A dropped file's name as a plain file name (no folders, no odd characters)."""
    base = Path(str(name).replace("\\", "/")).name
    return re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip(" .") or "table"


def load_upload(files: list[dict]) -> bool:
    """Use dropped files: one table (CSV or XLSX) and, for a CSV table, optionally its ``NAME.ties.csv``."""
    named = {safe_name(f["name"]): f for f in files}
    tables = [n for n in named if n.lower().endswith(TABLE_SUFFIXES) and not n.lower().endswith(TIES_SUFFIX)]
    if len(tables) != 1:
        dropped = ", ".join(named) or "nothing"
        state.report_table_problems([f"{dropped}: drop one table (.csv or .xlsx), with its .ties.csv if it has one"])
        return False
    folder = Path(tempfile.mkdtemp(prefix="mus-alliance-table-"))
    try:
        for name, info in named.items():
            data = info.get("data")
            if data is None:
                data = info["file_obj"].read()
            (folder / name).write_bytes(bytes(data))
        return load_table_file(folder / tables[0], tables[0])
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the model keeps what it read; the names leave the disk


@solara.component
def YourAlliance(folder: Path = ALLIANCES_DIR):
    """Choose a shipped table or drop your own; shows what is loaded and every problem of a refused table."""
    files = solara.use_memo(lambda: table_files(folder), [str(folder)])
    current = state.alliance_label.value
    choices = [GENERATED_LABEL, *files]
    if current is not None and current not in choices:
        choices.append(current)  # an upload or a preset's table

    def choose(label: str) -> None:
        if label == GENERATED_LABEL:
            state.choose_generated_country()
        elif label in files:
            load_table_file(files[label], label)

    with solara.Card("Your alliance", classes=["your-alliance", "workshop-panel"]):
        solara.Select(label=TABLE_CHOOSER, values=choices, value=current or GENERATED_LABEL, on_value=choose,
                      classes=["alliance-table-select"])
        solara.FileDropMultiple(label="…or drop your table here (CSV or XLSX; a CSV's ties as NAME.ties.csv)",
                                on_file=load_upload, lazy=False)
        solara.Text(PRIVACY_NOTE, classes=["privacy-note"], style={"display": "block", "font-size": "0.8em"})
        table = state.alliance_table.value
        if table is not None:
            solara.Success(f"{current}: {len(table.names)} stakeholders in {len(table.districts)} district(s) "
                           f"({', '.join(table.districts)}). Reset rebuilds this alliance.", dense=True,
                           classes=["alliance-loaded"])
        problems = state.alliance_problems.value
        if problems:
            with solara.Column(gap="0px", classes=["alliance-problems"]):
                solara.Error(f"This table cannot be used ({len(problems)} problem(s)); the alliance shown is "
                             "unchanged.", dense=True)
                for line in problems:
                    solara.Text(line, classes=["alliance-problem"],
                                style={"display": "block", "font-size": "0.85em", "color": "#b71c1c"})
