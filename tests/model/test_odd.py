"""docs/ODD.md says what the code does: its generated blocks match the code, the tests it cites exist, and
every arrow of its causal diagram is an arrow in the code (the method named on it reads the cause and writes
the effect)."""

import ast
import dataclasses
import inspect
import re
import textwrap
from pathlib import Path

import pytest

import model
from model.alliance import Alliances
from model import odd, outputs, population, registry, states

TEXT = odd.ODD_PATH.read_text()
TESTS = Path(__file__).resolve().parent.parent


# --- generated blocks -------------------------------------------------------------------------------------
def test_every_generated_block_matches_the_code():
    assert odd.stale(TEXT) == [], "docs/ODD.md is out of date: run `python -m model.odd`"


def test_a_changed_label_state_output_or_rule_makes_the_doc_stale(monkeypatch):
    p = registry.PARAMETERS[0]
    monkeypatch.setattr(registry, "PARAMETERS", (dataclasses.replace(p, label=p.label + " (renamed)"),
                                                 *registry.PARAMETERS[1:]))
    v = states.STATE[-1]
    monkeypatch.setattr(states, "STATE", (*states.STATE[:-1], dataclasses.replace(v, written_by="adopt")))
    rows = outputs.as_rows()
    monkeypatch.setattr(outputs, "as_rows", lambda: rows[:-1])
    monkeypatch.setattr(Alliances.adopt, "__doc__", "A different rule.")
    assert set(odd.stale(TEXT)) == {"parameters", "state", "outputs", "schedule", "rules:adoption"}


def test_the_tables_list_every_parameter_state_variable_output_and_kind_once():
    for block, names in (("parameters", [p.name for p in registry.PARAMETERS]),
                         ("state", [v.name for v in states.STATE]),
                         ("outputs", [r["name"] for r in outputs.as_rows()]),
                         ("kinds", [k.name for k in population.KINDS])):
        table = odd.blocks()[block]()
        first_cells = re.findall(r"^\| `(\w+)`", table, flags=re.M)
        assert sorted(first_cells) == sorted(names), block


def test_fixed_assumptions_are_marked_in_the_parameter_table():
    table = odd.parameter_table()
    for p in registry.PARAMETERS:
        assert (f"| `{p.name}` *(fixed)* |" in table) == p.fixed, p.name


def test_every_parameter_is_read_by_the_model_and_the_table_says_where():
    readers = odd.parameter_readers()
    assert [p.name for p in registry.PARAMETERS if not readers.get(p.name)] == []  # no dead registry entry
    assert set(readers) <= set(registry.REGISTRY)  # and the code reads no undeclared parameter
    assert "`breaking_rate`" in odd.parameter_table().split("| `trust_loss` |")[1].split("\n")[0]


def test_the_schedule_is_step_in_order():
    source = inspect.getsource(Alliances.step)
    calls = re.findall(r"self\.([\w.]+)\(", source)
    assert [name for name, _ in odd.schedule()] == calls
    table = odd.schedule_table()
    assert re.findall(r"^\| \d+ \| `([\w.]+)`", table, flags=re.M) == calls


def test_every_mechanism_module_has_a_rules_block_and_every_scheduled_method_is_quoted():
    modules = {m.removeprefix("model.") for _, m in odd.schedule()} - {"alliance", "reporters"}
    assert modules == set(odd.RULE_MODULES)
    quoted = "".join(odd.rules_block(m) for m in odd.RULE_MODULES)
    for name, module in odd.schedule():
        if module.removeprefix("model.") in odd.RULE_MODULES:
            assert f"**`{name}`** (schedule " in quoted, name


def test_markdown_turns_rest_roles_into_code_spans():
    doc = """Moves ``x`` towards :meth:`fund` and :data:`model.states.STATE`.

        Second paragraph
        on two lines."""
    assert odd.markdown(doc) == "Moves `x` towards `fund` and `model.states.STATE`.\n\nSecond paragraph on two lines."


def test_missing_markers_get_one_line_and_exit_2_without_touching_the_file(tmp_path, capsys):
    doc = tmp_path / "ODD.md"
    broken = TEXT.replace(odd.markers("state")[1], "")
    doc.write_text(broken)
    assert odd.main([], path=doc) == 2
    err = capsys.readouterr().err.strip()
    assert "'state'" in err and "\n" not in err
    assert doc.read_text() == broken


def test_check_reports_a_stale_doc_and_the_rewrite_fixes_it(tmp_path, capsys):
    doc = tmp_path / "ODD.md"
    start, end = odd.markers("outputs")
    stale = re.sub(re.escape(start) + r".*?" + re.escape(end), f"{start}\n| old |\n{end}", TEXT, flags=re.S)
    doc.write_text(stale)
    assert odd.main(["--check"], path=doc) == 1 and "outputs" in capsys.readouterr().err
    assert doc.read_text() == stale  # --check writes nothing
    assert odd.main([], path=doc) == 0 and doc.read_text() == odd.with_tables(TEXT)
    assert odd.main(["--check"], path=doc) == 0
    assert odd.main(["--bogus"], path=doc) == 2


# --- cited tests exist ------------------------------------------------------------------------------------
def test_every_test_the_doc_cites_exists():
    defined = set()
    for f in TESTS.rglob("test_*.py"):
        defined |= set(re.findall(r"^\s*def (test_\w+)", f.read_text(), flags=re.M))
    cited = set(re.findall(r"`(test_\w+)`", TEXT))
    assert cited and cited <= defined, sorted(cited - defined)


def test_hegselmann_krause_is_not_claimed_as_the_models_vision_rule():
    # rules.hegselmann_krause_update is verified in tests/model/test_rules.py, but no mechanism calls it
    model_dir = odd.ODD_PATH.parent.parent / "model"
    callers = [f.name for f in model_dir.glob("*.py")
               if f.name != "rules.py" and "hegselmann_krause_update" in f.read_text()]
    assert callers == []
    vision = TEXT[TEXT.index(odd.markers("rules:vision")[1]):]
    vision = vision[:vision.index("\n### ")]
    assert "test_hegselmann_krause_cluster_counts" not in vision


# --- the causal diagram is the code's ------------------------------------------------------------------------
def diagram() -> tuple[dict[str, str], list[tuple[str, list[str], str]]]:
    """(nodes: id -> label, edges: (source, methods on the arrow, target)) of the pathways diagram."""
    block = re.search(r"```mermaid\n(.*?)```", TEXT, flags=re.S)
    assert block, "docs/ODD.md has no mermaid diagram"
    nodes, edges = {}, []
    for line in block.group(1).splitlines():
        line = line.strip()
        edge = re.fullmatch(r'(\w+)\s*-->\s*(?:\|"?([^|"]*)"?\|\s*)?(\w+)', line)
        node = re.fullmatch(r'([LSOM]_\w+)\s*[\[({]+"?([^\]})"]+)"?[\]})]+', line)
        if edge:
            methods = [m.strip() for m in (edge.group(2) or "").split(",") if m.strip()]
            edges.append((edge.group(1), methods, edge.group(3)))
        elif node:
            nodes[node.group(1)] = node.group(2)
    return nodes, edges


def resolve(name: str):
    attr = inspect.getattr_static(Alliances, name, None)
    if isinstance(attr, property):
        return attr.fget
    if inspect.isfunction(attr):
        return attr
    fn = getattr(population, name, None)  # set-up functions of the population (e.g. build_population)
    return fn if inspect.isfunction(fn) else None


def code_of(fn) -> str:
    """The code of a function without its docstring (a docstring mentioning a name is no arrow)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    body = tree.body[0].body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        tree.body[0].body = body[1:] or [ast.Pass()]
    return ast.unparse(tree)


def call_tree(method: str, depth: int = 4) -> tuple[str, set[str]]:
    """Code of ``method`` and of the model methods and properties it uses, ``depth`` levels down."""
    seen, code, frontier = set(), [], [method]
    for _ in range(depth):
        nxt = []
        for name in frontier:
            fn = resolve(name)
            if name in seen or fn is None:
                continue
            seen.add(name)
            text = code_of(fn)
            code.append(text)
            nxt += re.findall(r"self\.(\w+)", text)
        frontier = nxt
    return "\n".join(code), seen


def reads(code: str, node: str) -> bool:
    kind, name = node[0], node[2:]
    if kind == "S":
        return re.search(rf"self\.{name}\b", code) is not None
    return re.search(rf"['\"]{name}['\"]", code) is not None  # a parameter p['x'] or a counter counts['x']


def writes(code: str, methods: set[str], node: str) -> bool:
    kind, name = node[0], node[2:]
    if kind == "O":
        return re.search(rf"counts\[['\"]{name}['\"]\]\s*(\+=|=)", code) is not None
    declared = {v.name: v for v in states.STATE}[name].written_by.split(", ")
    assigned = re.search(rf"self\.{name}\b(\[[^\n]*?\])?\s*([-+*/|]?=)(?!=)", code) is not None
    return assigned or bool(methods & set(declared))


def test_every_node_of_the_diagram_is_a_parameter_state_variable_output_or_mechanism():
    nodes, edges = diagram()
    state_names = {v.name for v in states.STATE}
    for node, label in nodes.items():
        kind, name = node[0], node[2:]
        assert label == name, (node, label)
        assert {"L": name in registry.REGISTRY, "S": name in state_names, "O": name in outputs.OUTPUTS,
                "M": resolve(name) is not None}[kind], node
    for a, _, b in edges:
        assert a in nodes and b in nodes, (a, b)


def test_every_arrow_is_a_method_that_reads_its_cause_and_writes_its_effect():
    nodes, edges = diagram()
    assert len(edges) > 30
    for a, methods, b in edges:
        if not methods and a.startswith("M_"):
            methods = [a[2:]]
        elif not methods and b.startswith("M_"):
            methods = [b[2:]]
        if not methods:  # an outcome measured from state: the output registry says how
            assert b.startswith("O_") and a[0] in "SO", (a, b)
            continue
        for method in methods:
            code, tree = call_tree(method)
            assert resolve(method) is not None, method
            if not a.startswith("M_"):
                assert reads(code, a), f"{method} does not read {a}"
            if not b.startswith("M_"):
                assert writes(code, tree, b), f"{method} does not write {b}"


def test_every_lever_of_the_diagram_reaches_an_outcome():
    nodes, edges = diagram()
    out = {}
    for a, _, b in edges:
        out.setdefault(a, set()).add(b)
    for lever in (n for n in nodes if n.startswith("L_")):
        seen, stack = set(), [lever]
        while stack:
            for nxt in out.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        assert any(n.startswith("O_") for n in seen), lever
    levers = {"transparency", "mutual_trust", "inclusiveness", "equity", "guidance", "mediation", "empowerment",
              "conflict_management", "mobilisation_order", "contribution_rate", "government_budget"}
    assert levers <= {n[2:] for n in nodes if n.startswith("L_")}


@pytest.mark.parametrize("node, method", [("L_guidance", "drop_out"), ("S_trust", "fit_designs")])
def test_the_arrow_check_refuses_arrows_the_code_does_not_have(node, method):
    code, _ = call_tree(method)
    assert not reads(code, node)
