"""The owners' table of the KPI tab as a Qt model: display texts, money in red below zero, sorting.

Rows are :func:`twin_app.analysis.kpis.owner_table`'s dictionaries; the model formats them for
display and sorts them by the value, not the text (a loss of 1,000 sorts below one of 50).
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from twin_app.gui import theme
from twin_app.gui.rows_model import SORT_ROLE, RowsModel

_DISPLAY, _EDIT, _DECORATION = (
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.EditRole),
    int(Qt.ItemDataRole.DecorationRole),
)
_ALIGN, _FOREGROUND = int(Qt.ItemDataRole.TextAlignmentRole), int(Qt.ItemDataRole.ForegroundRole)
_ANSWERED = frozenset({_DISPLAY, _EDIT, _DECORATION, _ALIGN, _FOREGROUND, int(SORT_ROLE)})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_MONEY = frozenset({"profit", "margin", "npv", "roi"})


class OwnerTableModel(RowsModel):
    """Rows of twin_app.analysis.kpis.owner_table as a Qt model (display text and sort keys)."""

    COLUMNS: tuple[tuple[str, str], ...] = (
        ("name", "Owner"),
        ("kind", "Kind"),
        ("machines", "Machines"),
        ("utilisation", "Utilisation"),
        ("cost", "Cost"),
        ("revenue", "Revenue"),
        ("profit", "Profit"),
        ("margin", "Margin"),
        ("npv", "NPV"),
        ("roi", "ROI"),
        ("payback", "Payback (y)"),
        ("co2", "CO2 (kg)"),
    )

    TIPS: ClassVar[dict[str, str]] = {
        "name": "The asset owner, logistics partner or platform",
        "kind": "What the owner is on the platform",
        "machines": "Machines the owner offers on the platform (a carrier without machines: its vehicles)",
        "utilisation": "Busy share of the owner's machine units over the run after the warm-up "
        "(of its vehicles for a carrier without machines)",
        "cost": "The owner's costs over the run after the warm-up",
        "revenue": "The owner's revenue over the run after the warm-up, under the platform's sharing rule",
        "profit": "Revenue minus cost over the run after the warm-up",
        "margin": "Profit per unit of revenue ('-': no revenue)",
        "npv": "Net present value of the owner's cash over the planning horizon, at its discount rate: "
        "the run's profit scaled to a year, less its machines' purchases, if any",
        "roi": "Net cash over the planning horizon per unit invested ('-': none of the owner's machines "
        "has a purchase price in the scenario, as for carriers, the platform and owners who rent)",
        "payback": "Years until the owner's cumulative cash is back at zero ('-': no machine purchase in the "
        "scenario, or not paid back within the planning horizon)",
        "co2": "CO2 the owner's machines and vehicles emitted over the run after the warm-up (kg)",
    }
    """Each column's header tip: what it is and what '-' means there."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: list[str] = []
        self._texts: list[list[str] | None] = []
        """Each row's display texts, formatted when first asked for (see :meth:`data`)."""
        self._sort = (6, Qt.SortOrder.DescendingOrder)

    def set_rows(self, rows: list[dict[str, Any]], colors: list[str] | None = None) -> None:
        """New rows (with each row's owner colour), kept in the current sort order."""
        pairs = list(zip(rows, colors or [""] * len(rows), strict=False))
        self.layoutAboutToBeChanged.emit()
        self.rows = [r for r, _ in pairs]
        self.colors = [c for _, c in pairs]
        self._apply_sort()
        self.layoutChanged.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by the raw values of ``column`` (the view calls this on a header click): in Python,
        once, instead of a proxy asking for every cell through data() at every refresh."""
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._apply_sort()
        self.layoutChanged.emit()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.COLUMNS) - 1)

    def _apply_sort(self) -> None:
        column, order = self._sort
        key = self.COLUMNS[column][0]
        pairs = list(zip(self.rows, self.colors or [""] * len(self.rows), strict=False))
        pairs.sort(key=lambda pair: self.sort_key(pair[0].get(key)), reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = [r for r, _ in pairs]
        self.colors = [c for _, c in pairs]
        self._texts = [None] * len(self.rows)

    @staticmethod
    def sort_key(value: Any) -> tuple[int, Any]:
        """Numbers by value, text case-blind, missing values last when ascending."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (1, float(value))
        if value is None:
            return (0, 0.0)
        return (2, str(value).lower())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.TextAlignmentRole and horizontal and section >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and horizontal:
            return self.TIPS.get(self.COLUMNS[section][0])
        if role == Qt.ItemDataRole.DisplayRole and horizontal and section == self._sort[0]:
            # The sort direction is in the text: the style's arrow sat on the last letters of a
            # right-aligned header ("Profi^t", the T4 trial); the theme hides it for this table.
            arrow = "\u25bc" if self._sort[1] == Qt.SortOrder.DescendingOrder else "\u25b2"
            return f"{self.COLUMNS[section][1]} {arrow}"
        return super().headerData(section, orientation, role)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """A cell's text, number, alignment, colour: what a view asks seven times a cell at each
        paint (Qt passes ``role`` as an int). Roles the table does not answer return at once,
        and each row's texts are formatted once per refresh: the owners' table took 11-16 ms a
        paint through here (10 visible rows, 840 calls), against 2.4 ms for Qt's own model."""
        if role not in _ANSWERED:
            return None
        r, c = index.row(), index.column()
        if r < 0 or r >= len(self.rows):
            return None
        if role == _DISPLAY:
            texts = self._texts[r]
            if texts is None:
                row = self.rows[r]
                texts = self._texts[r] = [self._cell(key, row) for key, _ in self.COLUMNS]
            return texts[c]
        if role == _ALIGN:
            return _RIGHT if c >= 2 else None
        if role == _DECORATION:
            return QColor(self.colors[r]) if c == 0 and r < len(self.colors) else None
        key = self.COLUMNS[c][0]
        value = self.rows[r].get(key)
        if role == _FOREGROUND:
            negative = key in _MONEY and isinstance(value, int | float) and round(value) < 0
            return QColor(theme.NEGATIVE) if negative else None
        if role == _EDIT:  # the number itself (Export CSV writes it)
            return value if isinstance(value, int | float) else self._text(key, value)
        return self.sort_value(value)  # SORT_ROLE

    def display_texts(self, column: int, rows: int) -> list[str]:
        """The display texts of ``column``'s first ``rows`` rows, without a Qt call per cell:
        what :mod:`~twin_app.gui.table_fit` measures (217 owners x 12 columns through
        ``data()`` were 60-120 ms of a live refresh on the GUI thread)."""
        key = self.COLUMNS[column][0]
        return [self._cell(key, row) for row in self.rows[:rows]]

    @classmethod
    def _cell(cls, key: str, row: dict[str, Any]) -> str:
        """A cell's text. A carrier's machines read as its vehicles ("24 vehicles"): beside a
        utilisation of its vehicles, "0" machines read as a mistake (trial T8)."""
        if key == "machines" and not row.get("machines") and row.get("vehicles"):
            vehicles = int(row["vehicles"])
            return f"{vehicles} vehicle{'s' if vehicles != 1 else ''}"
        return cls._text(key, row.get(key))

    @staticmethod
    def _text(key: str, value: Any) -> str:
        if value is None:
            return "-"
        if key == "kind":
            return str(value).replace("_", " ")
        if key in ("utilisation", "margin", "roi"):
            return f"{float(value) * 100:.1f} %"
        if key == "payback":
            return f"{float(value):.1f}"
        if key in ("cost", "revenue", "profit", "npv"):
            return f"{round(float(value)):,}"  # never "-0": a loss below one unit shows as 0
        if key == "co2":
            return f"{float(value):,.1f}"
        return str(value)
