"""`mus-alliance calibrate SPEC` (registered through experiments.cli): run or resume a calibration."""

from __future__ import annotations

import sys
from pathlib import Path

from ..batching import add_batch_size_option
from ..cli import positive_int
from ..io import UserError, atomic_write_bytes
from ..sweep.execute import default_workers
from .abc import calibrate
from .report import summary_lines, write_outputs
from .spec import load_calibration


def add_parser(sub) -> None:
    p = sub.add_parser(
        "calibrate", help="calibrate free parameters to patterns (ABC rejection, then ABC-SMC); writes plausible worlds",
        description="Find the parameter sets whose runs reproduce the patterns of a calibration spec (TOML in "
                    "configs/calibration/), by ABC rejection and then ABC-SMC; resumable (re-run the same command). "
                    "Writes the accepted sets with weights, tables, figures, warnings.txt and worlds.parquet.")
    p.add_argument("spec", type=Path, help="calibration spec, e.g. configs/calibration/default.toml")
    p.add_argument("--out", type=Path, help="calibration folder (default results/calibration/<spec name>)")
    p.add_argument("--workers", type=positive_int, default=default_workers(), help="worker processes")
    p.add_argument("--scheduler", metavar="ADDRESS|local", help="run on Dask (a scheduler address or 'local')")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    add_batch_size_option(p, config_key=True)
    p.add_argument("--export-worlds", type=Path, metavar="FILE",
                   help="also write the worlds to FILE (atomically, once the calibration is done), e.g. "
                        "configs/worlds/default.parquet to rebuild the shipped worlds in one command")
    p.set_defaults(func=calibrate_command)


def calibrate_command(args) -> int:
    spec = load_calibration(args.spec)
    out = args.out or Path("results") / "calibration" / spec.name
    result = calibrate(spec, out, args.workers, args.scheduler, progress=not args.no_progress,
                       batch_size=args.batch_size)
    tables = write_outputs(result)
    if args.export_worlds is not None:
        if not spec.is_model:
            raise UserError(f"--export-worlds: {spec.path} calibrates a function, not the model; it has no worlds")
        atomic_write_bytes(args.export_worlds, (out / "worlds.parquet").read_bytes())
    for line in summary_lines(result, tables):
        print(line)
    for line in tables["warnings"]:
        print(f"warning: {line}", file=sys.stderr)
    print(f"\n{result.runs_done_now} runs in {result.seconds:.1f} s this session "
          f"({result.runs_done_now / max(result.seconds, 1e-9):.1f} runs/s).")
    print(f"Results in {out}/: posterior, candidates, patterns, parameters, history (.csv, .parquet), warnings.txt, "
          f"figures/" + (", worlds.parquet (use with --worlds)" if spec.is_model else ""))
    if args.export_worlds is not None:
        print(f"Worlds also written to {args.export_worlds}"
              + ("" if tables["verdict"]["meets_patterns"] else " (marked: they do not meet the patterns)"))
    return 0
