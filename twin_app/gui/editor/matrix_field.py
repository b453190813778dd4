"""A machine's changeovers as a from-family x to-family table.

``setup`` in the file maps a product family to the families after it to a changeover time
(``{"city": {"cargo": 12}}``). The table has a row per family the work comes *from* and a
column per family it goes *to*: the families of the scenario's products and any the file
names. A cell holds a number or a distribution written as JSON (``{"dist": "uniform", "low":
5, "high": 9}``); an empty cell means the machine's ``setup_default``. The diagonal (same
family, no changeover) is greyed out.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from twin_app.gui.editor.fields import FieldWidget, parse_json, show_value
from twin_app.gui.editor.schema import FieldSpec
from twin_app.io.scenario_document import MISSING

SAME_FAMILY = QBrush(QColor(225, 228, 232))


class MatrixField(FieldWidget):
    """The changeover matrix of one machine (see the module docstring)."""

    def __init__(self, path: str, spec: FieldSpec, families: list[str] | None = None) -> None:
        super().__init__(path, spec)
        self.families = list(families or [])
        self.table = QTableWidget()
        self.table.setToolTip("From the family in the row to the family in the column; empty: the setup default")
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.itemChanged.connect(self._on_item_changed)
        self.row.addWidget(self.table)

    def _keys(self, value: Any) -> list[str]:
        keys = list(self.families)
        if isinstance(value, dict):
            for source, row in value.items():
                keys += [source] if source not in keys else []
                if isinstance(row, dict):
                    keys += [target for target in row if target not in keys]
        return keys

    def _show(self, value: Any) -> None:
        keys = self._keys(value)
        table = self.table
        table.blockSignals(True)
        table.clear()
        table.setRowCount(len(keys))
        table.setColumnCount(len(keys))
        table.setHorizontalHeaderLabels([f"to {k}" for k in keys])
        table.setVerticalHeaderLabels([f"from {k}" for k in keys])
        matrix = value if isinstance(value, dict) else {}
        for r, source in enumerate(keys):
            row = matrix.get(source) if isinstance(matrix.get(source), dict) else {}
            for c, target in enumerate(keys):
                item = QTableWidgetItem(show_value(row.get(target, MISSING)))
                if source == target:
                    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    item.setBackground(SAME_FAMILY)
                table.setItem(r, c, item)
        table.setMaximumHeight(28 + 24 * max(len(keys), 1))
        table.resizeColumnsToContents()
        table.blockSignals(False)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        keys = self._keys(self.value)
        source, target = keys[item.row()], keys[item.column()]
        matrix = (
            {k: dict(v) if isinstance(v, dict) else v for k, v in (self.value or {}).items()}
            if isinstance(self.value, dict)
            else {}
        )
        cell = parse_json(item.text())
        row = matrix.get(source) if isinstance(matrix.get(source), dict) else {}
        if cell is MISSING:
            row.pop(target, None)
        else:
            row[target] = cell
        if row:
            matrix[source] = row
        else:
            matrix.pop(source, None)
        self._emit(matrix if matrix else MISSING, True)

    def focus_target(self) -> QTableWidget:
        return self.table
