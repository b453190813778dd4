"""A Qt table model over a list of dictionaries, one per row, with named columns.

The owners' table of the KPI tab and the run history are such tables: each model names its
columns (key, header) in ``COLUMNS`` and keeps ``rows``; this base answers the row and column
counts, the headers, and the value a proxy sorts by (:data:`SORT_ROLE`), so each model says only
how its cells read.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The role a table sorts by: the value itself (numbers as numbers, text case-blind, none lowest)."""


class RowsModel(QAbstractTableModel):
    """Rows (dictionaries) under ``COLUMNS`` (key, header) as a Qt table model."""

    COLUMNS: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        plain = role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole)  # (EditRole: what exports write)
        if plain and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section][1]
        return None

    def cell(self, index: QModelIndex | QPersistentModelIndex) -> tuple[dict[str, Any], str, Any]:
        """The row, the column's key and the value at ``index``."""
        row = self.rows[index.row()]
        key = self.COLUMNS[index.column()][0]
        return row, key, row.get(key)

    @staticmethod
    def sort_value(value: Any) -> Any:
        """What :data:`SORT_ROLE` answers for ``value``."""
        if isinstance(value, int | float):
            return float(value)
        return -math.inf if value is None else str(value).lower()
