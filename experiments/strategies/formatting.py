"""Numbers as a funder reads them: shares in per cent, months, counts, money with its currency.

One formatter per kind of outcome, used by the reports and the printed summaries (so the report's numbers
are the tables' numbers, rounded the same way everywhere).
"""

from __future__ import annotations

import math


def value(kind: str, x: float, steps: int | None = None, currency: str = "") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "not reached" if kind == "months" else "n/a"  # a censored milestone is undefined, not a number
    if kind == "gap":
        return f"{100 * x:+.1f} pts"
    if kind == "share":
        return f"{100 * x:.1f}%"
    if kind == "months":
        return f"> {steps}" if steps is not None and x > steps else f"{x:.0f}"  # censored: not reached
    if kind == "index":
        return f"{x:.2f}"
    if kind == "money":
        return "unbounded" if math.isinf(x) else f"{x:,.0f} {currency}".strip()
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def difference(kind: str, x: float, currency: str = "") -> str:
    if math.isnan(x):
        return "n/a"
    if kind in ("share", "gap"):
        return f"{100 * x:+.1f} pts"
    if kind == "months":
        return f"{x:+.0f} months"
    if kind == "index":
        return f"{x:+.2f}"
    if kind == "money":
        return f"{x:+,.0f} {currency}".strip()
    return f"{x:+.0f}" if float(x).is_integer() else f"{x:+.1f}"


def with_interval(kind: str, median: float, low: float, high: float, steps: int | None = None,
                  currency: str = "") -> str:
    """``median (low to high)``."""
    return (f"{value(kind, median, steps, currency)} "
            f"({value(kind, low, steps, currency)} to {value(kind, high, steps, currency)})")


def difference_interval(kind: str, median: float, low: float, high: float, currency: str = "") -> str:
    return f"{difference(kind, median, currency)} ({difference(kind, low, currency)} to {difference(kind, high, currency)})"


def percent(p: float) -> str:
    return f"{100 * p:.0f}%"
