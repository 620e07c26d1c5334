""""Your alliance" on the Live page: simulate the alliance of a stakeholder-analysis table (issue 11).

A trainer picks a table shipped in ``configs/alliances/`` (CSV or XLSX, the format of
:mod:`model.alliance_table`) or brings their own (dropped on the zone, or chosen with its "Choose a file…"
button). Reading and building happen in the background while the page says so; old problem lines go at once,
and the table is named loaded when its alliance is on screen. The live alliance is then built from that table (its real
stakeholder names in the drawing and the narration), Reset rebuilds that alliance, and the controls of the
parameters the table fixes are disabled with the reason. A table with problems is refused with one line per
distinct problem (a missing column is one line, a problem repeated over rows is one line naming the rows) and
the current alliance stays.

Privacy: an uploaded table is written to a temporary folder on this machine only for as long as the model
reads it, then deleted; nothing about it is sent anywhere (the dashboard serves 127.0.0.1 and makes no
request off the machine).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import typing
from pathlib import Path

import solara
from solara.components.file_drop import FileDropZone

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


PROBLEM_LINE = re.compile(r"^(?P<file>.*?): row (?P<row>\d+), column (?P<column>[^:]+): (?P<message>.*)$")
ROWS_NAMED = 4


def row_list(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:ROWS_NAMED])
    return shown + (f" and {len(rows) - ROWS_NAMED} more" if len(rows) > ROWS_NAMED else "")


def distinct_problems(problems: list[str]) -> list[str]:
    """One line per distinct problem: a missing column once (not once per row), the same problem of one column
    on several rows as one line naming the rows; other lines once each, in the order first met."""
    grouped: dict[tuple, list[int]] = {}
    order: list[tuple] = []
    for line in problems:
        found = PROBLEM_LINE.match(line)
        key = (found["file"], found["column"], found["message"]) if found else (line,)
        if key not in grouped:
            grouped[key] = []
            order.append(key)
        if found:
            grouped[key].append(int(found["row"]))
    lines = []
    for key in order:
        if len(key) == 1:
            lines.append(key[0])
            continue
        file, column, message = key
        if "column missing" in message:
            lines.append(f"{file}: column {column}: {message}")
            continue
        rows = sorted(set(grouped[key]))
        where = f"row {rows[0]}" if len(rows) == 1 else f"rows {row_list(rows)}"
        lines.append(f"{file}: {where}, column {column}: {message}")
    return lines


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
        state.report_table_problems(distinct_problems(named_as(problems, path, shown)))
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


class TableDropZone(FileDropZone):
    """Solara's drop zone with a "Choose a file…" button beside it (dashboard/vue/table_drop.vue)."""

    template_file = (__file__, "vue/table_drop.vue")


@solara.component
def TableDrop(label: str, on_file):
    """Drop one or more files here or choose them; ``on_file(files)`` gets Solara's file infos with their data
    (in a thread of this session). Follows solara.components.file_drop._FileDrop."""
    file_info, set_file_info = solara.use_state(None)
    wired, set_wired = solara.use_state(typing.cast(typing.Optional[list], None))
    zone = TableDropZone.element(label=label, on_file_info=set_file_info, multiple=True)

    def wire():
        if not file_info:
            return
        real = solara.get_widget(zone)
        real.version += 1
        real.reset_stats()
        set_wired(real.get_files())

    solara.use_effect(wire, [file_info])

    def handle(cancel: threading.Event):
        if wired:
            for info in wired:
                info["data"] = info["file_obj"].read()
            on_file(wired)

    result = solara.use_thread(handle, [wired])
    if result.error:
        raise result.error
    return zone


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
            state.start_work(f"Reading {label}…", lambda: load_table_file(files[label], label))

    def upload(dropped: list[dict]) -> None:
        names = ", ".join(safe_name(f["name"]) for f in dropped) or "the file"
        state.start_work(f"Reading {names}…", lambda: load_upload(dropped))

    with solara.Card("Your alliance", classes=["your-alliance", "workshop-panel"]):
        solara.Select(label=TABLE_CHOOSER, values=choices, value=current or GENERATED_LABEL, on_value=choose,
                      classes=["alliance-table-select"])
        TableDrop(label="…or drop your table here (CSV or XLSX; a CSV's ties as NAME.ties.csv)", on_file=upload)
        solara.Text(PRIVACY_NOTE, classes=["privacy-note"], style={"display": "block", "font-size": "14px"})
        table = state.alliance_table.value
        if state.working.value:
            solara.ProgressLinear(True)
            solara.Text(state.working.value, classes=["alliance-working"], style={"display": "block"})
        elif table is not None:
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
                                style={"display": "block", "font-size": "14px", "color": "#b71c1c"})
