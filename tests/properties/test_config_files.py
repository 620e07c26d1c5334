"""Arbitrary TOML for scenario, sweep-spec and strategy files either loads or is refused with a one-line
ConfigError naming the problem; through the command line a refused file gives exit 2, one line on stderr
and no traceback (issue 12, 2). Documents are drawn as dicts and written with a small TOML writer
(strategies.to_toml), biased towards the real section and key names so the checks deep in each loader run.
"""

from __future__ import annotations

import contextlib
import io
import math
import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import model
from experiments import cli
from experiments.strategies.strategy import load_strategy
from experiments.sweep.spec import load_spec
from model.registry import ConfigError

from .strategies import scenario_docs, spec_docs, strategy_docs, to_toml, values

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "configs" / "baseline.toml"
BASE = model.load_scenario(BASELINE)


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def write(tmp: Path, name: str, doc: dict) -> Path:
    text = to_toml(doc)
    assert same(tomllib.loads(text), doc), text  # the writer wrote what was drawn
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def loads_or_refuses(load, path: Path) -> str | None:
    """None if the file loads; the refusal's message (checked to be one line naming the file) if not."""
    try:
        load(path)
    except ConfigError as exc:
        message = str(exc)
        assert message and "\n" not in message, message
        assert str(path) in message, message
        return message
    return None


def cli_refuses(argv: list, message: str) -> None:
    """The command line gives exit 2 and exactly the loader's one line, no traceback."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            rc = cli.main([str(a) for a in argv])
        except SystemExit as exc:
            rc = exc.code
    lines = err.getvalue().strip().splitlines()
    assert rc == 2 and len(lines) == 1 and message in lines[0], (rc, err.getvalue())
    assert "Traceback" not in err.getvalue()


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("toml")


def test_the_toml_writer_round_trips_any_value():
    @given(st.dictionaries(st.text(max_size=6), values, max_size=4))
    def check(doc):
        assert same(tomllib.loads(to_toml({"t": doc})), {"t": doc})

    check()


# --- scenario files -----------------------------------------------------------------------------------
@example({"scenario": {"name": 3}})
@example({"scenario": "not a table"})
@example({"parameters": {"meetings_per_year": float("nan")}})
@example({"parameters": {"n_districts": 2**62}})
@example({"run": {"steps": 10**30 % 2**63}})
@given(scenario_docs())
def test_any_scenario_file_loads_or_is_refused_in_one_line(tmp, doc):
    path = write(tmp, "scenario.toml", doc)
    message = loads_or_refuses(model.load_scenario, path)
    if message is not None:
        cli_refuses(["run", path, "--steps", 1, "--replicates", 1, "--quiet", "--out", tmp / "never"], message)
        assert not (tmp / "never").exists()


# --- strategy files -----------------------------------------------------------------------------------
@example({"settings": {"guidance": float("inf")}})
@example({"plan": {"project_months": float("nan")}})
@example({"plan": {"facilitators": 0}})
@example({"strategy": {"name": ["x"]}})
@given(strategy_docs())
def test_any_strategy_file_loads_or_is_refused_in_one_line(tmp, doc):
    path = write(tmp, "strategy.toml", doc)
    message = loads_or_refuses(lambda p: load_strategy(p, BASE), path)
    if message is not None:
        cli_refuses(["compare", path, "--replicates", 1, "--steps", 1, "--quiet", "--out", tmp / "never"], message)
        assert not (tmp / "never").exists()


# --- sweep specs --------------------------------------------------------------------------------------
B = str(BASELINE)


@example({"method": "sobol", "base": B, "N": 4, "factors": ["guidance", "guidance"]})
@example({"method": "ofat", "base": B, "N": 2, "factors": {"guidance": {"values": [float("nan")]}}})
@example({"method": "grid", "base": B, "factors": {"mobilisation_order": {"values": []}}})
@example({"method": "sobol", "base": B, "N": 4, "factors": {"guidance": {"low": float("nan")}}})
@example({"method": "morris", "base": 3, "N": 4, "factors": ["guidance"]})
@given(spec_docs(B))
def test_any_sweep_spec_loads_or_is_refused_in_one_line(tmp, doc):
    path = write(tmp, "spec.toml", doc)
    message = loads_or_refuses(load_spec, path)
    if message is not None:
        cli_refuses(["sweep", path, "--workers", 1, "--no-progress", "--out", tmp / "never"], message)
        assert not (tmp / "never").exists()


# --- not TOML at all ----------------------------------------------------------------------------------
@example(b"[parameters\n")
@example(b"\xff\xfe[run]\n")
@example(b'[run]\nsteps = 1\n[run]\nsteps = 2\n')
@given(st.binary(max_size=120) | st.text(max_size=120).map(str.encode))
def test_any_bytes_load_or_are_refused_in_one_line(tmp, raw):
    for name, load in (("s.toml", model.load_scenario), ("t.toml", lambda p: load_strategy(p, BASE)),
                       ("k.toml", load_spec)):
        path = tmp / name
        path.write_bytes(raw)
        loads_or_refuses(load, path)


@pytest.mark.slow
@settings(max_examples=200)
@given(scenario_docs(), strategy_docs(), spec_docs(B))
def test_any_config_file_loads_or_is_refused_many_examples(tmp, scenario, strategy, spec):
    for name, doc, load in (("s.toml", scenario, model.load_scenario),
                            ("t.toml", strategy, lambda p: load_strategy(p, BASE)),
                            ("k.toml", spec, load_spec)):
        loads_or_refuses(load, write(tmp, name, doc))
