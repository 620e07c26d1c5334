"""A tiny document model rendered twice, as Markdown and as standalone HTML, so the two never disagree.

A document is a list of blocks (:class:`Heading`, :class:`Paragraph`, :class:`Bullets`, :class:`Table`,
:class:`Figure`); text may use ``**bold**``. Figures are PNG files beside the report, linked relatively.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

BOLD = re.compile(r"\*\*(.+?)\*\*")
STYLE = """body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:70rem;margin:2rem auto;
padding:0 1rem;line-height:1.45;color:#222}table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.3rem .55rem;text-align:left;vertical-align:top}th{background:#f2f2f2}
td:first-child{font-weight:600}img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9rem}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd}"""


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    path: str  # relative to the report
    caption: str


Block = Heading | Paragraph | Bullets | Table | Figure


def to_markdown(blocks: list[Block]) -> str:
    return "\n".join(markdown_block(b) for b in blocks)


def markdown_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {block.text}\n"
    if isinstance(block, Paragraph):
        return f"{block.text}\n"
    if isinstance(block, Bullets):
        return "".join(f"- {item}\n" for item in block.items)
    if isinstance(block, Table):
        lines = [cells_md(block.header), cells_md(("---",) * len(block.header))]
        return "\n".join(lines + [cells_md(r) for r in block.rows]) + "\n"
    return f"![{block.caption}]({block.path})\n\n*{block.caption}*\n"


def cells_md(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def to_html(blocks: list[Block], title: str) -> str:
    body = "\n".join(html_block(b) for b in blocks)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")


def inline(text: str) -> str:
    return BOLD.sub(r"<strong>\1</strong>", html.escape(text))


def html_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{inline(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{inline(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{inline(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f"<th>{inline(h)}</th>" for h in block.header)
        rows = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in block.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return (f"<figure><img src=\"{html.escape(block.path)}\" alt=\"{html.escape(block.caption)}\">"
            f"<figcaption>{inline(block.caption)}</figcaption></figure>")
