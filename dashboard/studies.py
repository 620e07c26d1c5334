"""Page 4, "Study explorer": the figures and tables of a sensitivity study saved under results/.

The user only picks among the folders found directly under results/; no typed path is read, and every
folder and file is resolved (symbolic links included) and refused unless it lies inside results/. A file
that cannot be read (a corrupted or half-copied study) is named in an in-page error instead of crashing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import solara
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO_ROOT / "results"
FIGURE_SUFFIXES = (".png", ".svg")
TABLE_SUFFIXES = (".parquet", ".csv")
SKIPPED_DIRS = {"runs"}  # per-flush parts of a sweep: the whole table is results.parquet
MAX_DEPTH = 3
ROWS_SHOWN = 200


class StudyError(ValueError):
    """A study folder that may not or cannot be opened; the message is one line."""


@dataclass
class StudyContents:
    folder: Path
    figures: list[Path] = field(default_factory=list)
    tables: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per unreadable file
    notes: list[str] = field(default_factory=list)  # the study's own warnings.txt lines
    manifest: dict | None = None
    discoveries: list[tuple[str, list[str]]] = field(default_factory=list)  # (condition, boxes in plain words)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()


def is_inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _visible_folders(folder: Path, root: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and is_inside(p, root)]
    except OSError:
        return []


def list_studies(root: Path = RESULTS_DIR) -> list[str]:
    """Study folders under ``root`` that resolve inside it, newest first, named relative to ``root``.

    A folder directly under ``root`` is a study, unless it only groups studies (``results/sweeps/<name>``,
    ``results/compare/<name>``): then the sub-folders holding a ``manifest.json`` are listed instead.
    """
    if not root.is_dir():
        return []
    found = []
    for top in _visible_folders(root, root):
        grouped = [c for c in _visible_folders(top, root) if (c / "manifest.json").is_file()]
        found += grouped if grouped and not (top / "manifest.json").is_file() else [top]
    found.sort(key=lambda p: (-p.stat().st_mtime, p.as_posix()))
    return [p.relative_to(root).as_posix() for p in found]


def study_folder(name: str, root: Path = RESULTS_DIR) -> Path:
    """The folder of study ``name``: only a name that :func:`list_studies` offers is accepted."""
    if not name or ".." in name.split("/") or "\\" in name or name not in list_studies(root):
        raise StudyError(f"{name!r} is not a study folder under {root}")
    return (root / name).resolve()


def walk_files(folder: Path, root: Path, depth: int = 0):
    """Files under ``folder`` (not hidden, not in runs/, inside ``root``), up to MAX_DEPTH levels deep."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or not is_inside(entry, root):
            continue
        if entry.is_dir():
            if entry.name not in SKIPPED_DIRS and depth < MAX_DEPTH:
                yield from walk_files(entry, root, depth + 1)
        elif entry.is_file():
            yield entry


def prefer_first_suffix(paths: list[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """One file per stem: the one whose suffix comes first in ``suffixes`` (e.g. PNG over SVG)."""
    best: dict[Path, Path] = {}
    for path in paths:
        key = path.with_suffix("")
        if key not in best or suffixes.index(path.suffix.lower()) < suffixes.index(best[key].suffix.lower()):
            best[key] = path
    return sorted(best.values())


def check_figure(path: Path) -> None:
    if path.suffix.lower() == ".png":
        with Image.open(path) as image:
            image.verify()
    else:
        head = path.read_bytes()[:2048].lower()
        if b"<svg" not in head:
            raise ValueError("not an SVG image")


def check_table(path: Path) -> None:
    if path.suffix.lower() == ".parquet":
        pq.ParquetFile(path).metadata  # reads and checks the footer without loading the data
    else:
        pd.read_csv(path, nrows=5)


def describe_failure(err: Exception) -> str:
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return text[:200]


def inspect_study(folder: Path, root: Path = RESULTS_DIR) -> StudyContents:
    """List and check a study folder's figures and tables; unreadable files become ``problems``."""
    contents = StudyContents(folder)
    files = list(walk_files(folder, root))
    figures = prefer_first_suffix([p for p in files if p.suffix.lower() in FIGURE_SUFFIXES], FIGURE_SUFFIXES)
    tables = prefer_first_suffix([p for p in files if p.suffix.lower() in TABLE_SUFFIXES], TABLE_SUFFIXES)
    for paths, check, kept in ((figures, check_figure, contents.figures), (tables, check_table, contents.tables)):
        for path in paths:
            try:
                check(path)
                kept.append(path)
            except Exception as err:  # any unreadable file is reported in the page, never raised
                contents.problems.append(f"{contents.relative(path)}: cannot be read ({describe_failure(err)})")
    manifest = folder / "manifest.json"
    if manifest.is_file():
        try:
            contents.manifest = json.loads(manifest.read_text())
        except (OSError, ValueError) as err:
            contents.problems.append(f"manifest.json: cannot be read ({describe_failure(err)})")
    warnings = folder / "warnings.txt"
    if warnings.is_file():
        contents.notes = [line for line in warnings.read_text(errors="replace").splitlines() if line.strip()]
    contents.discoveries = read_discoveries(folder, root, contents)
    return contents


def read_discoveries(folder: Path, root: Path, contents: StudyContents) -> list[tuple[str, list[str]]]:
    """The scenario discoveries made on this study (`mus-alliance discover`, written to discover/<condition>/):
    each condition with its boxes in plain words; an unreadable one becomes a problem."""
    found = []
    for stats in sorted((folder / "discover").glob("*/box_stats.parquet")):
        if not is_inside(stats, root):
            continue
        try:
            where = json.loads((stats.parent / "manifest.json").read_text()).get("where", stats.parent.name)
            words = [str(w) for w in pd.read_parquet(stats, columns=["words"])["words"]]
        except Exception as err:  # a half-written discovery is reported in the page, never raised
            contents.problems.append(f"{contents.relative(stats.parent)}: cannot be read ({describe_failure(err)})")
            continue
        found.append((str(where), words or ["No box found: the condition is not concentrated in any region."]))
    return found


def read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path)


JARGON = (  # the analysis' shorthand, in the words a trainer or funder reads
    (r"\bS1 CIs\b", "uncertainty ranges of the first-order effects (Sobol S1)"),
    (r"\bST CIs\b", "uncertainty ranges of the total effects (Sobol ST)"),
    (r"\bmu\* CIs\b", "uncertainty ranges of the mean effects (Morris mu*)"),
    (r"\bCIs\b", "uncertainty ranges"),
    (r"\bCI\b", "uncertainty range"),
    (r"\bN is too small to read them\b", "too few runs to read them"),
    (r"\bincrease N\b", "run more samples"),
    (r"\b(S1|ST) below zero\b", r"\1 below zero"),
)


def plain_words(line: str) -> str:
    """A study's note in plain words: output and parameter names become their registry labels, the analysis'
    shorthand is spelt out."""
    from model import outputs as model_outputs, registry

    def label(found: re.Match) -> str:
        name = found.group(0)
        if name in model_outputs.OUTPUTS:
            return f"“{model_outputs.OUTPUTS[name].label}”"
        if name in registry.REGISTRY:
            return f"“{registry.REGISTRY[name].label}”"
        return name

    line = re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+\b", label, line)
    for pattern, words in JARGON:
        line = re.sub(pattern, words, line)
    return line


def when_words(stamp) -> str:
    """An ISO time stamp as people read it ("2 Dec 2026 at 14:05 UTC"); anything else as it is."""
    try:
        moment = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    zone = " UTC" if moment.utcoffset() == dt.timedelta(0) else ""
    return f"{moment.day} {moment:%b %Y} at {moment:%H:%M}{zone}"


def manifest_summary(manifest: dict) -> str:
    """One line about a sweep study from its manifest.json (the sweep's format; unknown keys are skipped)."""
    if not isinstance(manifest, dict):
        return ""
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    parts = []
    if isinstance(spec.get("method"), str):
        parts.append(f"method {spec['method']}")
    if isinstance(spec.get("factors"), dict):
        parts.append(f"{len(spec['factors'])} factors")
    for key, label in (("runs", "runs"), ("design_points", "design points")):
        if isinstance(manifest.get(key), int):
            parts.append(f"{manifest[key]:,} {label}")
    for key, label in (("replicates", "replicates"), ("steps", "months")):
        if isinstance(spec.get(key), int):
            parts.append(f"{spec[key]} {label}")
    if "finished" in manifest:
        parts.append(f"finished {when_words(manifest['finished'])}" if manifest["finished"] else "not finished")
    return " · ".join(parts)


def use_file_choice(label: str, contents: StudyContents, paths: list[Path]) -> tuple[Path, str] | None:
    """A select of the study's files of one kind: the chosen path and its name (None while it resets)."""
    names = [contents.relative(p) for p in paths]
    chosen = solara.use_reactive(names[0])
    if chosen.value not in names:
        chosen.set(names[0])
        return None
    solara.Select(label=f"{label} ({len(names)})", values=names, value=chosen)
    return paths[names.index(chosen.value)], chosen.value


@solara.component
def FigureView(contents: StudyContents):
    picked = use_file_choice("Figure", contents, contents.figures)
    if picked is None:
        return
    path, name = picked
    try:
        data = path.read_bytes()
    except OSError as err:
        solara.Error(f"{name}: cannot be read ({describe_failure(err)})")
        return
    solara.Image(data, format="png" if path.suffix.lower() == ".png" else "svg+xml", classes=["study-figure"])


@solara.component
def TableView(contents: StudyContents):
    picked = use_file_choice("Table", contents, contents.tables)
    if picked is None:
        return
    path, name = picked
    try:
        table = read_table(path)
    except Exception as err:  # a file that changed or broke after the folder was checked
        solara.Error(f"{name}: cannot be read ({describe_failure(err)})")
        return
    solara.Text(f"{len(table)} rows × {len(table.columns)} columns" +
                (f" (first {ROWS_SHOWN} shown)" if len(table) > ROWS_SHOWN else ""))
    solara.DataFrame(table.head(ROWS_SHOWN), items_per_page=20)


REPORT_NAME = "report.html"  # the funders' report of `mus-alliance compare`


@solara.component
def ReportLink(report: Path):
    """The funders' report of a comparison: download it, or read it here."""
    def read() -> bytes:
        try:
            return report.read_bytes()
        except OSError:
            return b""

    with solara.Row(style={"align-items": "center"}, classes=["funders-report"]):
        solara.Text("This is a funders' comparison:", style={"font-weight": "500"})
        solara.FileDownload(read, filename=f"{report.parent.name}-report.html", label="Funders' report (HTML)",
                            mime_type="text/html")
    with solara.Details("Read the report here"):
        html = read().decode("utf-8", errors="replace")
        solara.HTML(tag="iframe", attributes={"srcdoc": html, "sandbox": "", "title": "Funders' report"},
                    style="width: 100%; height: 600px; border: 1px solid #ddd",
                    classes=["funders-report-frame"])


@solara.component
def StudyView(name: str, root: Path):
    def load() -> StudyContents | str:
        try:
            return inspect_study(study_folder(name, root), root)
        except (StudyError, OSError) as err:
            return str(err)

    contents = solara.use_memo(load, [name, str(root)])
    if isinstance(contents, str):
        solara.Error(contents)
        return
    if contents.manifest is not None:
        description = contents.manifest.get("description") if isinstance(contents.manifest, dict) else None
        if isinstance(description, str) and description.strip():
            solara.Text(description.strip(), style={"display": "block", "font-style": "italic"})
        if manifest_summary(contents.manifest):
            solara.Text(manifest_summary(contents.manifest), classes=["study-summary"], style={"display": "block"})
    report = contents.folder / REPORT_NAME
    if report.is_file() and is_inside(report, root):
        ReportLink(report)
    if contents.problems:
        solara.Error("This study folder looks corrupted or incomplete:\n" + "\n".join(contents.problems),
                     classes=["study-problems"], style={"white-space": "pre-wrap"})
    if contents.notes:
        with solara.Details(f"Notes from the analysis ({len(contents.notes)})"):
            for note in contents.notes[:20]:
                solara.Text(plain_words(note), classes=["study-note"], style={"display": "block"})
    for where, words in contents.discoveries:
        solara.Markdown(f"**When does {plain_words(where)} hold?** (scenario discovery)\n\n"
                        + "\n".join(f"- {line}" for line in words), style={"margin-bottom": "8px"})
    if not contents.figures and not contents.tables:
        solara.Warning("No readable figures (PNG, SVG) or tables (Parquet, CSV) in this folder.")
        return
    with solara.lab.Tabs():
        if contents.figures:
            with solara.lab.Tab("Figures"):
                FigureView(contents)
        if contents.tables:
            with solara.lab.Tab("Tables"):
                TableView(contents)


@solara.component
def StudyPage(root: Path = RESULTS_DIR):
    solara.Title("MUS Learning Alliance · Study explorer")
    refresh = solara.use_reactive(0)
    studies = solara.use_memo(lambda: list_studies(root), [str(root), refresh.value])
    chosen = solara.use_reactive(None)
    with solara.Column(style={"max-width": "1100px"}):
        solara.Markdown("## Study explorer\nSensitivity studies and runs saved under `results/`: pick a folder "
                        "to see its figures and tables.")
        with solara.Row(style={"align-items": "center"}):
            solara.Select(label="Study folder", values=studies, value=chosen, style={"min-width": "320px"})
            solara.Button("Refresh", icon_name="mdi-refresh", text=True,
                          on_click=lambda: refresh.set(refresh.value + 1))
        if not studies:
            solara.Info(f"No study folders under {root} yet.")
        elif chosen.value in studies:
            StudyView(chosen.value, root)
        else:
            solara.Text("Pick a study folder.")
