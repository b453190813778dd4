"""A table (header and rows of cells) as CSV for a file or as TSV for the clipboard.

The desktop app's tables export through here (Qt-free, so it is tested without a window):
CSV gets numbers as numbers and text through :func:`~twin_app.io.csv_cells.safe_cell`, so no
cell can run as a formula when a planner opens the file in a spreadsheet (CSV injection).
TSV is what a spreadsheet takes from the clipboard: the same guard applies to what is pasted,
but a shown number such as ``-442`` or ``-4.6 %`` stays a number.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence

from twin_app.io.csv_cells import safe_cell

Cell = str | int | float | None
"""A table cell: text as shown, or a number (written as a number); None is empty."""

_SHOWN_NUMBER = re.compile(r"^[-+]?(\d[\d,\s\u202f]*)?\.?\d+([eE][-+]?\d+)?\s*%?$")
"""A number as a table shows it: sign, thousands separators, decimals, exponent, percent."""


def table_csv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """CSV text (``\\n`` line ends, quoted where needed) of ``header`` then ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()


def table_tsv(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> str:
    """Tab-separated text of ``header`` then ``rows`` (tabs and line breaks inside a cell become
    spaces), one line per row, as spreadsheets paste it."""
    lines = ["\t".join(paste_safe(_flat(h)) for h in header)] if header else []
    lines.extend("\t".join(paste_safe(_flat(_text(cell))) for cell in row) for row in rows)
    return "\n".join(lines) + "\n"


def paste_safe(text: str) -> str:
    """``text`` as a pasted cell no spreadsheet evaluates; numbers as shown stay numbers, and a
    lone dash (a missing value) stays a dash."""
    if text in ("-", "+") or _SHOWN_NUMBER.match(text):
        return text
    return safe_cell(text)


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell).lower()
    if isinstance(cell, int | float):
        return repr(cell) if not isinstance(cell, float) or math.isfinite(cell) else ""
    return safe_cell(str(cell))


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell) if math.isfinite(cell) else ""
    return str(cell)


def _flat(text: str) -> str:
    return text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
