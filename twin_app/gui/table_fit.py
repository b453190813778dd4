"""Column widths that keep every header readable.

A stretched or squeezed column cut its header: right-aligned, with the sort arrow beside it,
"Utilisation" showed as "Jtilisation" and "Payback (y)" as "ayback (y)" (the text is clipped
at its left). :func:`fit_columns` sizes the columns to their contents once (not on every
refresh: a table of 217 owners asks every cell), never narrower than the header's text with
room for the sort arrow, lets the user resize them, stretches the last one into spare room,
and elides any text at the right, never the left.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

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
    header.setStretchLastSection(True)
    header.setResizeContentsPrecision(CONTENT_ROWS)
    table.resizeColumnsToContents()
    for section in range(header.count()):
        wanted = max(minimum, header_width(header, section), header.sectionSize(section))
        header.resizeSection(section, wanted)
