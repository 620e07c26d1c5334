"""`mus-alliance`: the command line. Each sub-command lives in its own module, which offers
``add_parser(subparsers)`` and sets ``func`` on its parser; this file only wires them together and turns
user errors into one line on stderr with exit code 2, and Ctrl-C, whenever it comes (while the libraries
load, while the parser is built, while a pool starts, while runs run), into one line with exit code 130.

This module imports nothing but the standard library at its top: the model, numpy and pandas load inside
:func:`main`'s interrupt handler (on a busy machine start-up took over 12 s, and a Ctrl-C then printed a
60-line traceback)."""

from __future__ import annotations

import argparse
import importlib
import sys

# Modules offering sub-commands, in the order `mus-alliance --help` lists them.
COMMAND_MODULES = (
    "experiments.runner",            # run, params
    "experiments.sweep.cli",         # sweep, analyze
    "experiments.strategies.cli",    # compare, allocate
    "experiments.screen",            # screen
    "experiments.pathways",          # pathways
    "experiments.tables",            # template
    "experiments.calibrate.cli",     # calibrate
    "experiments.discover",          # discover
)
# The module of each sub-command: a typed command imports only its own module, so the others' libraries
# (matplotlib, SALib, Dask, EMA Workbench) stay unloaded and a bad input is answered in about a second.
# `--help` or an unknown command imports them all (to list every command).
COMMANDS = {
    "run": "experiments.runner", "params": "experiments.runner", "outputs": "experiments.runner",
    "sweep": "experiments.sweep.cli", "analyze": "experiments.sweep.cli",
    "compare": "experiments.strategies.cli", "allocate": "experiments.strategies.cli",
    "screen": "experiments.screen", "pathways": "experiments.pathways", "template": "experiments.tables", "calibrate": "experiments.calibrate.cli",
    "discover": "experiments.discover",
}


def positive_int(text: str) -> int:
    """Argument type of counts (workers, replicates, months, boxes)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def share(text: str) -> float:
    """Argument type of a share in (0, 1] (e.g. discover's --density)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return value


class OneLineParser(argparse.ArgumentParser):
    """Bad options are reported as one line naming the problem (no usage dump), exit code 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``command`` alone when it is a known command, else of every command."""
    parser = OneLineParser(
        prog="mus-alliance",
        description="Agent-based simulation of a Learning Alliance scaling up Multiple-Use water Services.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = [COMMANDS[command]] if COMMANDS.get(command) in COMMAND_MODULES else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = next((a for a in argv if not a.startswith("-")), None)
    try:
        return run_command(argv, command)
    except KeyboardInterrupt:
        print(f"mus-alliance{' ' + command if command in COMMANDS else ''}: interrupted", file=sys.stderr)
        return 130


def run_command(argv: list[str], command: str | None) -> int:
    from model.registry import ConfigError

    from .io import UserError

    parser = build_parser(command)
    args = parser.parse_args(argv)  # bad options: one line and exit 2 (OneLineParser)
    try:
        return int(args.func(args) or 0)
    except (ConfigError, UserError) as exc:  # one line per problem (an alliance table may have several)
        for line in str(exc).splitlines() or [""]:
            print(f"mus-alliance {args.command}: error: {line}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `mus-alliance params | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
