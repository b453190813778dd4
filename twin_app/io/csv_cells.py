"""Text cells of CSV files that spreadsheets open: no cell may start a formula.

A cell such as ``=HYPERLINK(...)`` or ``+cmd|...`` written verbatim runs as a formula when a
planner opens the CSV in a spreadsheet (CSV injection). Every exporter writes text cells
(ids, names) through :func:`safe_cell`, which puts an apostrophe in front of a cell that
would start a formula, the way spreadsheets themselves mark text; readers of our own CSV
files take it off again with :func:`unescape_cell`, so ids survive a round trip. Numbers are
written as numbers, untouched.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def safe_cell(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet evaluates."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """The text :func:`safe_cell` was given (other cells are returned unchanged)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text
