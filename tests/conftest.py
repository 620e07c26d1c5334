"""Fixtures shared by every test folder."""

from __future__ import annotations

import pytest

import model
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


@pytest.fixture
def batch_calls(monkeypatch) -> list[list]:
    """The runs of every `model.run_batch` call made in this process, as lists of (params, seed). The spy steps
    a batch's runs in reverse order and hands them back in the order given, as a batched engine may (its
    contract is per run), so nothing downstream may rely on the order inside a batch."""
    calls: list[list] = []
    real = model.run_batch

    def spy(runs, steps=120):
        runs = list(runs)
        calls.append(runs)
        return list(reversed(real(list(reversed(runs)), steps=steps)))

    monkeypatch.setattr(model, "run_batch", spy)
    return calls


@pytest.fixture
def batch_sizes(batch_calls) -> "BatchSizes":
    """The size of every `model.run_batch` call made in this process (see :func:`batch_calls`)."""
    return BatchSizes(batch_calls)


class BatchSizes:
    """A live view of the batch sizes: compares and iterates like a list of ints, ``clear()`` forgets them."""

    def __init__(self, calls: list[list]) -> None:
        self.calls = calls

    def sizes(self) -> list[int]:
        return [len(c) for c in self.calls]

    def clear(self) -> None:
        self.calls.clear()

    def __eq__(self, other) -> bool:
        return self.sizes() == list(other)

    def __iter__(self):
        return iter(self.sizes())

    def __getitem__(self, k):
        return self.sizes()[k]

    def __repr__(self) -> str:
        return repr(self.sizes())
