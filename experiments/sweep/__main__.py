"""`python -m experiments.sweep sweep|analyze ...`: the two sub-commands alone, with the CLI's error handling
(the same as `mus-alliance sweep|analyze`, usable before or without the rest of the command line)."""

import sys

from .. import cli

if __name__ == "__main__":
    cli.COMMAND_MODULES = ("experiments.sweep.cli",)
    sys.exit(cli.main())
