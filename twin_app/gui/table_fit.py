"""Column widths that keep every header readable.

A stretched or squeezed column cut its header: right-aligned, with the sort arrow beside it,
"Utilisation" showed as "Jtilisation" and "Payback (y)" as "ayback (y)" (the text is clipped
at its left). :func:`fit_columns` sizes the columns to their contents once (not on every
refresh: a table of 217 owners asks every cell), never narrower than the header's text with
room for the sort arrow, lets the user resize them, stretches the last one into spare room
unless it holds figures (right-aligned: stretched, the owners' CO2 stood a hand's width from its
neighbours in presentation mode, T8; the spare room is then left after it), and elides any text
at the right, never the left.

A live table's figures grow while the run goes on: sized at the first refresh, the cost column
of the large network elided "1,234,567" as "1,23..." by day 3. :func:`widen_columns`, called on
every refresh, widens a column whose longest text no longer fits (measured with the font the
cells are drawn in, at a few microseconds a cell) and never narrows one the user widened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

SORT_ARROW = 22
"""Pixels kept beside a header's text for the sort indicator and the section's margins."""


CONTENT_ROWS = 64
"""Rows whose contents size a column (Qt's default asks 1,000: 400 ms of a live run's window on
the large network's 217 owners; the table is sorted, so the first rows hold the big figures)."""


def header_width(header: QHeaderView, section: int) -> int:
    """The width section ``section`` needs to show its header text whole.

    Measured in the font the header is drawn in: the theme's style sheet draws sections at
    weight 600 with padding, which ``header.fontMetrics()`` does not know (measured with it,
    "cost per shipment" was 13 px short and lost its first and last letters). Qt's own size
    hint follows the style sheet; the bold text plus the sort arrow's room is the floor.
    """
    model = header.model()
    text = "" if model is None else str(model.headerData(section, header.orientation()) or "")
    font = QFont(header.font())
    font.setWeight(QFont.Weight.DemiBold)
    return max(header.sectionSizeHint(section), QFontMetrics(font).horizontalAdvance(text) + SORT_ARROW)


def fit_columns(table: QTableView, minimum: int = 48) -> None:
    """Size ``table``'s columns to their contents and headers (at least ``minimum`` px)."""
    header = table.horizontalHeader()
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(not _holds_figures(table, header.count() - 1))
    if hasattr(table.model(), "display_texts"):  # a live table: its own texts, no Qt call per cell
        contents = cell_text_widths(table, CONTENT_ROWS)
    else:
        header.setResizeContentsPrecision(CONTENT_ROWS)
        table.resizeColumnsToContents()
        contents = [header.sectionSize(section) for section in range(header.count())]
    for section in range(header.count()):
        wanted = max(minimum, header_width(header, section), contents[section] if section < len(contents) else 0)
        header.resizeSection(section, wanted)


def _holds_figures(table: QTableView, column: int) -> bool:
    """Whether ``column``'s cells are right-aligned (figures), judged by its first row."""
    model = table.model()
    if model is None or column < 0 or model.rowCount() == 0:
        return False
    align = model.data(model.index(0, column), Qt.ItemDataRole.TextAlignmentRole)
    return align is not None and bool(int(align) & int(Qt.AlignmentFlag.AlignRight))


CELL_PADDING = 14
"""Pixels a cell needs beside its text: the item's margins on both sides and the grid line."""

MEASURED_ROWS = 2000
"""Rows whose texts :func:`widen_columns` measures (a table of owners has a few hundred)."""


def cell_text_widths(table: QTableView, rows: int = MEASURED_ROWS) -> list[int]:
    """The width, in pixels, each column needs to show its longest cell text (first ``rows``
    rows) whole, icon included: measured in the font the cells are drawn in. A model with a
    ``display_texts(column, rows)`` method gives its texts at once (a live table's refresh)."""
    model = table.model()
    if model is None:
        return []
    metrics = QFontMetrics(table.font())
    icon = table.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, table) + 4
    n_rows = min(model.rowCount(), rows)
    own_texts = getattr(model, "display_texts", None)
    widths = []
    for column in range(model.columnCount()):
        if own_texts is not None:
            texts = set(own_texts(column, n_rows))
        else:
            texts = {str(model.data(model.index(row, column)) or "") for row in range(n_rows)}
        widest = max((metrics.horizontalAdvance(text) for text in _widest_candidates(texts)), default=0)
        has_icon = n_rows > 0 and model.data(model.index(0, column), Qt.ItemDataRole.DecorationRole) is not None
        widths.append(widest + CELL_PADDING + (icon if has_icon else 0))
    return widths


_FIGURE_CHARS = frozenset("0123456789,.-+% ")
"""What a figure's text is made of: digits of one width in the UI fonts, and narrower marks."""


def _widest_candidates(texts: set[str]) -> set[str] | list[str]:
    """The texts that may be the widest: of figures, those with the most characters or one less
    (digits share one width; a comma or point is narrower, never wider); of other texts, all.
    Measuring every cell of the owners' table (217 rows, 12 columns) was ~10 ms of each of its
    refreshes."""
    if not texts or not all(_FIGURE_CHARS.issuperset(text) for text in texts):
        return texts
    longest = max(map(len, texts))
    return [text for text in texts if len(text) >= longest - 1]


def widen_columns(table: QTableView) -> list[int]:
    """Widen every column whose longest cell text no longer fits (never narrows one); returns
    the columns widened."""
    header = table.horizontalHeader()
    widened = []
    for column, needed in enumerate(cell_text_widths(table)):
        if header.isSectionHidden(column) or header.sectionSize(column) >= needed:
            continue
        if column == header.count() - 1 and header.stretchLastSection():
            header.setStretchLastSection(False)  # a stretched last section cannot be widened
        header.resizeSection(column, needed)
        widened.append(column)
    return widened
