"""The sweep engine's modules import each other in one direction (no cycle, not even through an import
inside a function), and the project reads TOML in one place: ``model.read_toml``."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

SWEEP = REPO / "experiments" / "sweep"


def sweep_imports(path: Path) -> set[str]:
    """The sweep modules that ``path`` imports anywhere in its code (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 1 and module:
                found.add(module.split(".")[0])
            elif node.level == 1:  # from . import x
                found.update(alias.name for alias in node.names)
            elif module.startswith("experiments.sweep."):
                found.add(module.split(".")[2])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[2] for a in node.names if a.name.startswith("experiments.sweep."))
    return found - {"__init__"}


def test_sweep_modules_import_each_other_without_a_cycle():
    graph = {p.stem: sweep_imports(p) for p in SWEEP.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert graph["targets"] == set() and "targets" in graph["spec"]  # spec checks targets, not the reverse

    def cycle_from(node: str, path: tuple[str, ...]) -> tuple[str, ...] | None:
        if node in path:
            return path[path.index(node):] + (node,)
        for nxt in sorted(graph.get(node, ())):
            found = cycle_from(nxt, path + (node,))
            if found:
                return found
        return None

    for module in graph:
        assert cycle_from(module, ()) is None, " -> ".join(cycle_from(module, ()))


def test_worlds_know_nothing_of_sweeps():
    """experiments/worlds.py is data (an ensemble and its draw); the sweep's worlds target reads it, never the
    reverse (it was a circle: worlds imported the target's prefix, the target imported worlds)."""
    text = (REPO / "experiments" / "worlds.py").read_text(encoding="utf-8")
    imported = {node.module or "" for node in ast.walk(ast.parse(text)) if isinstance(node, ast.ImportFrom)}
    assert not [m for m in imported if m.startswith(("sweep", "experiments.sweep"))], imported


def test_experiments_read_toml_only_through_the_model():
    readers = [str(p.relative_to(REPO)) for p in (REPO / "experiments").rglob("*.py")
               if "tomllib" in p.read_text(encoding="utf-8")]
    assert readers == [], f"TOML read outside model.read_toml in {readers}"
