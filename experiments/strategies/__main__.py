"""`python -m experiments.strategies compare|allocate ...`: the two sub-commands alone, with the CLI's error
handling (the same as `mus-alliance compare|allocate`, usable before they are registered there)."""

import sys

from .. import cli

if __name__ == "__main__":
    cli.COMMAND_MODULES = ("experiments.strategies.cli",)
    sys.exit(cli.main())
