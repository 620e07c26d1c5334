"""`mus-alliance template [--out FILE]`: the default country as a stakeholder-analysis table to edit into your
own alliance (format in model/alliance_table/), and what a results folder made from a table records.

``template`` writes an XLSX workbook (sheets guide, stakeholders, ties) or, for ``--out NAME.csv``, the files
NAME.csv, NAME.ties.csv and NAME.guide.txt. It never overwrites a file: a name already taken is refused with
one line and exit code 2, and the files appear only when all are written.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from model import alliance_table
from model.registry import TABLE

from .io import UserError, atomic_write_text

DEFAULT_OUT = Path("my-alliance.xlsx")
DEFAULT_SEED = 1  # the default scenario's seed (configs/baseline.toml)


def add_parser(sub) -> None:
    tpl = sub.add_parser(
        "template", help="write the default country as a stakeholder-analysis table to edit into your alliance",
        description="Write the model's default country (one draw of it) as an alliance table: one row per "
                    "stakeholder, its ties, and a short guide to the columns. Edit it and name it in a scenario: "
                    "[population] table = \"FILE\".")
    tpl.add_argument("--out", type=Path, default=DEFAULT_OUT,
                     help=f"the table to write: .xlsx (one workbook) or .csv (plus .ties.csv and .guide.txt beside "
                          f"it); default {DEFAULT_OUT}")
    tpl.add_argument("--seed", type=int, default=DEFAULT_SEED,
                     help=f"which draw of the default country (a run with this seed starts from the same "
                          f"population; default {DEFAULT_SEED})")
    tpl.set_defaults(func=template_command)


def template_command(args) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise UserError(f"--out {out}: expected a .xlsx or .csv file name")
    if not 0 <= args.seed < 2**63:
        raise UserError(f"--seed {args.seed}: expected an integer in [0, 2^63)")
    targets = [out] if out.suffix.lower() == ".xlsx" else [
        out, out.with_name(out.stem + ".ties.csv"), out.with_name(out.stem + ".guide.txt")]
    for target in targets:
        if target.exists():
            raise UserError(f"--out {out}: {target} already exists; choose another name (nothing was written)")
    if not out.parent.exists():
        raise UserError(f"--out {out}: folder {out.parent} does not exist")
    rows, ties = alliance_table.template_rows(alliance_table.default_country(args.seed))
    staging = Path(tempfile.mkdtemp(prefix=".template.", dir=out.parent))
    try:
        written = alliance_table.write_table(staging / out.name, rows, ties, alliance_table.guide_lines(args.seed))
        for path in written:
            path.replace(out.parent / path.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"Wrote the default country (seed {args.seed}) as an alliance table: {len(rows)} stakeholders, "
          f"{len(ties)} ties.")
    for target in targets:
        print(f"  {target}")
    print('Edit it, then name it in a scenario:  [population] table = "' + out.name + '"')
    return 0


# ------------------------------------------------------------------------- results folders made from a table
def provenance(params: dict[str, Any]) -> dict[str, Any] | None:
    """The manifest's record of the table a run used (which values came from it), or None."""
    table = params.get(TABLE)
    return table.provenance() if table is not None else None


def write_notice(folder: Path, params: dict[str, Any]) -> None:
    """A results folder made from an alliance table says that it contains real names."""
    table = params.get(TABLE)
    if table is not None:
        atomic_write_text(Path(folder) / "NOTICE.txt",
                          f"{alliance_table.NOTICE}\nAlliance table: {table.source.path} (sha256 {table.source.sha256})\n")
