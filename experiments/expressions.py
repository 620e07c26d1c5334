"""Conditions and statistics written by users: ``uptake_final < 0.10``, ``members_final < 0.5 * members_peak``,
``mobilisation_order == "bottom_up" and uptake_final >= 0.25``.

Used by ``discover --where``, ``compare --target`` and the patterns of a calibration spec. An expression is
parsed with Python's own parser and only a small, safe part of the language is accepted: names of columns
(outputs or factors), numbers, quoted text, arithmetic (``+ - * /``), comparisons (chains too:
``0.1 < x <= 0.3``), ``and``/``or``/``not`` (``&``, ``|``, ``~`` also work) and ``abs(...)``. Nothing is
ever executed by ``eval``. It is evaluated on a table, column-wise, into a numpy array; a comparison with an
undefined value (NaN) is undefined too (NaN), and so is a division by zero, so callers can report undefined
runs instead of counting them as false or true.

Every problem (syntax, unknown name, text where a number is needed) is a :class:`~experiments.io.UserError`
of one line naming the expression.
"""

from __future__ import annotations

import ast
import difflib
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .io import UserError

COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
           ast.Eq: operator.eq, ast.NotEq: operator.ne}
def divide(a, b):
    """``a / b`` with nothing to divide by undefined (NaN), not infinite: ``dropouts / joins`` in a run with no
    admissions is no share at all, and must not count as meeting ``> 0.5``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b == 0, np.nan, a / b)


ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: divide}
SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its syntax tree and the column names it reads."""

    text: str
    tree: ast.expr
    names: tuple[str, ...]

    @property
    def is_condition(self) -> bool:
        return is_boolean(self.tree)

    def evaluate(self, table: pd.DataFrame | Mapping[str, object]) -> np.ndarray:
        """The value for every row of ``table`` (float array; conditions give 1.0, 0.0 or NaN)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            value = _eval(self.tree, table, self.text)
        n = len(table) if isinstance(table, pd.DataFrame) else 1
        return np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()

    def comparison(self) -> tuple[str, str, float] | None:
        """(name, operator, number) if the expression is a simple ``name OP number``, else None."""
        t = self.tree
        if (isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.left, ast.Name)
                and isinstance(t.comparators[0], ast.Constant) and is_number(t.comparators[0].value)):
            return t.left.id, SYMBOL[type(t.ops[0])], float(t.comparators[0].value)
        return None


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_boolean(node: ast.expr) -> bool:
    if isinstance(node, (ast.Compare, ast.BoolOp)):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
        return is_boolean(node.left) and is_boolean(node.right)
    return False


def parse(text: str, known: Iterable[str], what: str = "expression", condition: bool = False) -> Expression:
    """Parse ``text`` and check that it reads only ``known`` names (and, if ``condition``, that it is a
    true/false condition). Raise UserError (one line) otherwise."""
    known = list(known)
    if not isinstance(text, str):
        raise UserError(f"{what}: expected an expression in quotes, e.g. \"uptake_final < 0.10\", got "
                        f"{type(text).__name__} {text!r}")
    if not text.strip():
        raise UserError(f"{what}: empty; write e.g. \"uptake_final < 0.10\"")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise UserError(f"{what} {text!r}: not a valid expression ({exc.msg})") from None
    names: list[str] = []
    for node in ast.walk(tree):
        check_node(node, text, what)
        if isinstance(node, ast.Name) and node.id not in names:
            names.append(node.id)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(known)}"
            raise UserError(f"{what} {text!r}: unknown name {name!r}; {hint}")
    if condition and not is_boolean(tree):
        raise UserError(f"{what} {text!r}: not a condition; compare something, e.g. \"{names[0] if names else 'x'} < 0.1\"")
    return Expression(text.strip(), tree, tuple(names))


ALLOWED = (ast.Expression, ast.Compare, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
           ast.Invert, ast.BinOp, ast.BitAnd, ast.BitOr, ast.Name, ast.Load, ast.Constant, ast.Call,
           *COMPARE, *ARITH)


def check_node(node: ast.AST, text: str, what: str) -> None:
    if isinstance(node, ast.Call):
        if not (isinstance(node.func, ast.Name) and node.func.id == "abs" and len(node.args) == 1 and not node.keywords):
            raise UserError(f"{what} {text!r}: only abs(...) may be called")
        return
    if isinstance(node, ast.Constant) and not (is_number(node.value) or isinstance(node.value, str)):
        raise UserError(f"{what} {text!r}: {node.value!r} is not a number or quoted text")
    if not isinstance(node, ALLOWED):
        raise UserError(f"{what} {text!r}: {type(node).__name__.lower()} is not allowed; use names, numbers, "
                        "+ - * /, comparisons, and/or/not")


def column(table, name: str):
    value = table[name]
    if isinstance(value, pd.Series):
        if value.dtype == object or isinstance(value.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(value.dtype):
            return value.astype(str).to_numpy()
        return value.to_numpy(dtype=float)
    return value


def _eval(node: ast.expr, table, text: str):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id == "abs":
            raise UserError(f"expression {text!r}: abs needs brackets, e.g. abs(x - 1)")
        return column(table, node.id)
    if isinstance(node, ast.Call):
        return np.abs(numeric(_eval(node.args[0], table, text), text))
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, table, text)
        if isinstance(node.op, (ast.Not, ast.Invert)):
            return logical_not(value)
        value = numeric(value, text)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, table, text), _eval(node.right, table, text)
        if isinstance(node.op, ast.BitAnd):
            return logical(left, right, "and")
        if isinstance(node.op, ast.BitOr):
            return logical(left, right, "or")
        return ARITH[type(node.op)](numeric(left, text), numeric(right, text))
    if isinstance(node, ast.BoolOp):
        values = [_eval(v, table, text) for v in node.values]
        out = values[0]
        for v in values[1:]:
            out = logical(out, v, "and" if isinstance(node.op, ast.And) else "or")
        return out
    if isinstance(node, ast.Compare):
        out, left = None, _eval(node.left, table, text)
        for op, right_node in zip(node.ops, node.comparators):
            right = _eval(right_node, table, text)
            part = compare(op, left, right, text)
            out = part if out is None else logical(out, part, "and")
            left = right
        return out
    raise UserError(f"expression {text!r}: cannot evaluate {type(node).__name__}")  # pragma: no cover


def numeric(value, text: str):
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.dtype.kind in "OUS"):
        raise UserError(f"expression {text!r}: arithmetic on text (a categorical factor); compare it with == \"...\"")
    return np.asarray(value, dtype=float)


def compare(op: ast.cmpop, left, right, text: str):
    texts = [isinstance(v, str) or (isinstance(v, np.ndarray) and v.dtype.kind in "OUS") for v in (left, right)]
    if any(texts):
        if not all(texts):
            raise UserError(f"expression {text!r}: compares text with a number")
        if type(op) not in (ast.Eq, ast.NotEq):
            raise UserError(f"expression {text!r}: text (a categorical factor) takes == or != only")
        return np.asarray(COMPARE[type(op)](np.asarray(left, dtype=str), np.asarray(right, dtype=str)), dtype=float)
    left, right = np.asarray(left, dtype=float), np.asarray(right, dtype=float)
    result = np.asarray(COMPARE[type(op)](left, right), dtype=float)
    return np.where(np.isnan(left) | np.isnan(right), np.nan, result)


def truth(value) -> np.ndarray:
    value = np.asarray(value, dtype=float)
    return np.where(np.isnan(value), np.nan, (value != 0).astype(float))


def logical_not(value) -> np.ndarray:
    value = truth(value)
    return np.where(np.isnan(value), np.nan, 1.0 - value)


def logical(a, b, how: str) -> np.ndarray:
    """Three-valued and/or: false and undefined is false, true or undefined is true; otherwise undefined."""
    a, b = truth(a), truth(b)
    if how == "and":
        out = np.where((a == 0) | (b == 0), 0.0, np.where(np.isnan(a) | np.isnan(b), np.nan, 1.0))
    else:
        out = np.where((a == 1) | (b == 1), 1.0, np.where(np.isnan(a) | np.isnan(b), np.nan, 0.0))
    return out
