"""`mus-alliance sweep SPEC` and `mus-alliance analyze DIR` (registered through experiments.cli).

``sweep`` runs or resumes a study and then analyses it; ``analyze`` re-analyses a finished study folder.
Spec and folder problems are ConfigError/UserError: one line on stderr, exit code 2, nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..batching import add_batch_size_option
from ..cli import positive_int
from .analysis import Analysis, analyze, load_study, summary_lines, write_analysis
from .engine import default_out, run_study
from .execute import default_workers
from .figures import write_figures
from .spec import load_spec


def add_parser(subparsers) -> None:
    sweep = subparsers.add_parser(
        "sweep", help="run (or resume) a sensitivity study described by a TOML spec",
        description="Run a Sobol, Morris, one-at-a-time or grid study with replicates, resumably, on a local "
                    "process pool or a Dask cluster; then analyse it. Re-running the same command resumes.",
    )
    sweep.add_argument("spec", type=Path, help="study spec, e.g. configs/sweeps/sobol_core.toml")
    sweep.add_argument("--workers", type=positive_int, default=default_workers(), metavar="N",
                       help="worker processes (default: the CPUs available; for --scheduler local, Dask workers)")
    sweep.add_argument("--scheduler", metavar="ADDRESS|local",
                       help="run on Dask: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster")
    sweep.add_argument("--out", type=Path, metavar="DIR", help="study folder (default: results/sweeps/<spec name>/)")
    sweep.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_batch_size_option(sweep, config_key=True)
    sweep.add_argument("--worlds", type=Path, metavar="FILE",
                       help="run each run in a plausible world drawn from this ensemble (Parquet; see README)")
    sweep.add_argument("--allow-unmet-worlds", action="store_true",
                       help="use worlds whose calibration did not meet its patterns (refused otherwise); the reports say so")
    sweep.set_defaults(func=cmd_sweep)

    analyze_cmd = subparsers.add_parser(
        "analyze", help="indices, noise shares, tables and figures of a finished study folder",
        description="Analyse a study folder with SALib: Sobol S1/ST (S2 if sampled) or Morris mu*/sigma with "
                    "CIs, OFAT or grid response curves, replicate-noise shares; write tables and figures.",
    )
    analyze_cmd.add_argument("folder", type=Path, help="study folder, e.g. results/sweeps/sobol_core")
    analyze_cmd.set_defaults(func=cmd_analyze)


def cmd_sweep(args: argparse.Namespace) -> int:
    spec = load_spec(args.spec)
    if args.worlds is not None:
        from ..worlds import load_worlds
        from .spec import spec_in_worlds

        spec = spec_in_worlds(spec, load_worlds(args.worlds, args.allow_unmet_worlds))
    out = args.out or default_out(spec)
    try:
        study = run_study(spec, out, args.workers, args.scheduler, progress=not args.no_progress,
                          batch_size=args.batch_size)
    except KeyboardInterrupt:
        print(f"finished runs are saved in {out}; run the same command to resume", file=sys.stderr)
        raise
    print(f"{len(study.runs)} runs of {spec.name} in {out}")
    report(out, analyze_folder(out))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    report(args.folder, analyze_folder(args.folder))
    return 0


def analyze_folder(root: Path) -> Analysis:
    """Analyse the study in ``root`` and write its tables, warnings and figures."""
    result = analyze(load_study(root))
    write_analysis(root, result)
    write_figures(root, result)
    return result


def report(root: Path, result: Analysis) -> None:
    for line in summary_lines(result):
        print(f"  {line}")
    print(f"tables in {Path(root) / 'tables'}, figures in {Path(root) / 'figures'}")
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)

