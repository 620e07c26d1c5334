"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

from experiments import cli


@pytest.fixture
def mus(capsys):
    """Run `mus-alliance ARGS` in-process; return (exit code, stdout, stderr)."""

    def run(*argv) -> tuple[int, str, str]:
        try:
            rc = cli.main([str(a) for a in argv])
        except SystemExit as exc:  # argparse errors
            rc = exc.code
        out, err = capsys.readouterr()
        return rc, out, err

    return run
