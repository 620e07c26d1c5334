"""Spreadsheet safety: text from users (stakeholder names, strategy labels) never reaches a CSV or XLSX cell
as a formula.

A spreadsheet program runs a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return before them) as a formula: ``=HYPERLINK(...)`` sends data away, ``@cmd|' /C calc'!A0`` is a
DDE payload. OWASP's rule for CSV injection (https://owasp.org/www-community/attacks/CSV_Injection): such a
cell gets a leading single quote, which spreadsheets show as text. :func:`neutralise` is the one place the
rule lives; every writer of CSV or XLSX in the project goes through it (:func:`safe_frame`,
:func:`safe_csv`), and the table reader takes the quote off again (:func:`unquote`), so a table written by
``mus-alliance template`` reads back with the same names.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(value: Any) -> Any:
    """``value`` with a leading single quote when it is text a spreadsheet would run as a formula; anything
    else (numbers, other text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def unquote(value: Any) -> Any:
    """The text :func:`neutralise` was given: a leading quote before a formula's first character comes off."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_frame(df):
    """A copy of a pandas DataFrame whose text cells and column names are neutralised (numbers untouched:
    a negative number is a number, not a formula)."""
    import pandas as pd

    out = df.copy()
    for column in out.columns:
        kind = out[column].dtype
        if kind == object or isinstance(kind, pd.CategoricalDtype) or pd.api.types.is_string_dtype(kind):
            out[column] = out[column].astype(object).map(neutralise)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def safe_csv(df, **options) -> str:
    """``df`` as CSV text (no index) with every text cell neutralised."""
    return safe_frame(df).to_csv(index=False, **options)
