"""A list of objects as a table (one row per element, a column per scalar field) with the
selected row's form under it: machines, lanes, a product's routing steps.

The table is a :class:`QTableView` over :class:`ElementsModel`, which reads the document's list
itself: Qt asks only for the cells on screen, so a list of a thousand machines opens at once.
Cells are edited in place (a distribution is edited in the form below); a cell with a problem
is red with the message as its tool tip, and the row number carries a warning sign.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from twin_app.errors import Problem
from twin_app.gui.editor.fields import parse_json, parse_number, show_value, time_summary
from twin_app.gui.editor.forms import ObjectForm, label_of
from twin_app.gui.editor.registry import Context, Registry
from twin_app.gui.editor.schema import SCALAR_KINDS, FieldSpec, fields_of
from twin_app.gui.table_fit import fit_columns, header_width
from twin_app.io.scenario_document import MISSING

PROBLEM_BRUSH = QBrush(QColor(250, 215, 210))
PROBLEM_TEXT = QBrush(QColor(192, 57, 43))
DEFAULT_TEXT = QBrush(QColor(140, 140, 140))
WARNING = "\u26a0 "
MAX_COLUMN_PX = 220
Index = QModelIndex | QPersistentModelIndex


class ElementsModel(QAbstractTableModel):
    """The elements of one list of the document, a column per scalar field."""

    def __init__(self, context: Context, path: str, columns: list[FieldSpec]) -> None:
        super().__init__()
        self.context, self.path, self.columns = context, path, columns
        self.items: list[Any] = []
        self.cell_problems: dict[tuple[int, int], list[str]] = {}
        self.row_problems: dict[int, list[str]] = {}
        self.reload()

    def reload(self) -> None:
        """Read the list again (after elements came or went)."""
        self.beginResetModel()
        value = self.context.document.peek(self.path)
        self.items = value if isinstance(value, list) else []
        self.endResetModel()

    def row_changed(self, row: int) -> None:
        value = self.context.document.peek(self.path)
        self.items = value if isinstance(value, list) else []
        if 0 <= row < len(self.items):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def value(self, row: int, column: int) -> Any:
        element = self.items[row] if row < len(self.items) else None
        return element.get(self.columns[column].name, MISSING) if isinstance(element, dict) else MISSING

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        spec = self.columns[column]
        value = self.value(row, column)
        shown = spec.default if value is MISSING and spec.default not in (MISSING, None) else value
        if role == Qt.ItemDataRole.CheckStateRole and spec.kind == "bool":
            return Qt.CheckState.Checked if shown is True else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole) and spec.kind != "bool":
            return time_summary(shown) if spec.kind == "time" else show_value(shown)
        if role == Qt.ItemDataRole.ForegroundRole and value is MISSING:
            return DEFAULT_TEXT
        if role == Qt.ItemDataRole.BackgroundRole and (row, column) in self.cell_problems:
            return PROBLEM_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            problems = self.cell_problems.get((row, column))
            if problems:
                return "\n".join(problems)
            return "A distribution: edit it in the form below" if isinstance(value, dict) else spec.description
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            spec = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return label_of(spec)
            if role == Qt.ItemDataRole.ToolTipRole:
                return spec.description
            return None
        problems = self.row_problems.get(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{WARNING if problems else ''}{section}"
        if role == Qt.ItemDataRole.ToolTipRole and problems:
            return "\n".join(problems)
        if role == Qt.ItemDataRole.ForegroundRole and problems:
            return PROBLEM_TEXT
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        spec = self.columns[index.column()]
        if spec.kind == "bool":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if spec.kind == "time" and isinstance(self.value(index.row(), index.column()), dict):
            return base  # a distribution: edited in the form below
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        spec = self.columns[index.column()]
        path = f"{self.path}[{index.row()}].{spec.name}"
        if role == Qt.ItemDataRole.CheckStateRole and spec.kind == "bool":
            new: Any = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Qt.ItemDataRole.EditRole:
            text = str(value)
            if spec.kind in ("number", "integer", "time"):
                new = parse_number(text, spec.kind == "integer")
            elif spec.kind == "json":
                new = parse_json(text)
            else:
                new = text if text or spec.required else MISSING
        else:
            return False
        self.context.field_edited(path, new, True)
        return True

    def set_problems(self, problems: list[Problem]) -> None:
        """Mark the cells and rows the problems name (places below this list)."""
        by_name = {spec.name: column for column, spec in enumerate(self.columns)}
        cells: dict[tuple[int, int], list[str]] = {}
        rows: dict[int, list[str]] = {}
        prefix = self.path + "["
        for problem in problems:
            rest = problem.place[len(prefix) :]
            index, _, inside = rest.partition("]")
            if not index.isdigit():
                continue
            row = int(index)
            rows.setdefault(row, []).append(f"{inside.lstrip('.') or 'this element'}: {problem.message}")
            name = inside.lstrip(".").split(".")[0].split("[")[0]
            if name in by_name and inside.lstrip(".") == name:
                text = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
                cells.setdefault((row, by_name[name]), []).append(text)
        changed = set(self.cell_problems) | set(cells) | set(self.row_problems) | set(rows)
        self.cell_problems, self.row_problems = cells, rows
        if changed and self.items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.items) - 1, len(self.columns) - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self.items) - 1)


class ListEditor(QWidget):
    """A table of the list at ``path`` (elements of ``definition``) and the selected row's form."""

    def __init__(self, context: Context, registry: Registry, path: str, definition: str, nested: bool) -> None:
        super().__init__()
        self.context, self.registry, self.path, self.definition = context, registry, path, definition
        self.columns = [spec for spec in fields_of(definition) if spec.kind in SCALAR_KINDS]
        self.detail_registry: Registry | None = None
        self.detail: ObjectForm | None = None
        self.model = ElementsModel(context, path, self.columns)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self.select(current.row()))
        if nested:
            self.table.setMaximumHeight(150)
        add = QPushButton("Add")
        add.setToolTip("Add an element: a copy of the selected one with a new id")
        add.clicked.connect(self.add)
        delete = QPushButton("Delete")
        delete.setToolTip("Delete the selected element (Ctrl+Z brings it back)")
        delete.clicked.connect(self.delete)
        self.count_label = QLabel()
        self.count_label.setObjectName("Hint")
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(delete)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        self.detail_box = QVBoxLayout()
        self.detail_box.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 0 if nested else 1)
        self.detail_holder = QWidget()
        self.detail_holder.setLayout(self.detail_box)
        if nested:
            layout.addWidget(self.detail_holder)
        registry.add(path, self)
        fit_columns(self.table)  # headers whole ("Cost per shipment" read ":ost per shipment")
        for column in range(len(self.columns)):
            cap = max(MAX_COLUMN_PX, header_width(header, column))
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), cap))
        self.rebuild(select=0)

    def elements(self) -> list[Any]:
        """The list's elements as the document holds them (read only)."""
        return self.model.items

    def rebuild(self, select: int | None = None) -> None:
        """Read the list again after elements came or went, keeping the selected row."""
        keep = self.table.currentIndex().row() if select is None else select
        self.model.reload()
        count = len(self.model.items)
        self.count_label.setText(f"{count} {'element' if count == 1 else 'elements'}")
        row = min(max(keep, 0), count - 1)
        if row >= 0:
            self.table.selectionModel().blockSignals(True)
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.table.selectionModel().blockSignals(False)
        self.select(row, force=True)

    def select(self, row: int, force: bool = False) -> None:
        """Show the form of element ``row`` under the table."""
        if self.detail is not None and not force and self.detail.path == f"{self.path}[{row}]":
            return
        if self.detail is not None:
            self.detail.setParent(None)  # type: ignore[call-overload]
            self.detail.deleteLater()
            self.detail = None
        if self.detail_registry is not None:
            self.registry.drop(self.detail_registry)
            self.detail_registry = None
        if 0 <= row < len(self.model.items):
            self.detail_registry = self.registry.child()
            self.detail = ObjectForm(self.context, self.detail_registry, f"{self.path}[{row}]", self.definition)
            self.detail_box.addWidget(self.detail)

    def select_row(self, row: int) -> None:
        if 0 <= row < len(self.model.items):
            self.table.setCurrentIndex(self.model.index(row, 0))

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    # -- adding, deleting ------------------------------------------------------------------------

    def add(self) -> None:
        elements = self.model.items
        row = self.current_row()
        source = elements[row] if 0 <= row < len(elements) else (elements[-1] if elements else {})
        value = copy.deepcopy(source) if isinstance(source, dict) else {}
        if any(spec.name == "id" for spec in self.columns):
            base = str(value.get("id") or self.definition.lower())
            taken = {str(e.get("id")) for e in elements if isinstance(e, dict)}
            number = 2
            while f"{base}-{number}" in taken:
                number += 1
            value["id"] = f"{base}-{number}"
        count = len(elements)
        self.context.insert(self.path, count, value, f"Add {value.get('id', 'an element')}")
        self.select_row(count)

    def delete(self) -> None:
        row = self.current_row()
        elements = self.model.items
        if 0 <= row < len(elements):
            name = elements[row].get("id", row) if isinstance(elements[row], dict) else row
            self.context.remove(self.path, row, f"Delete {name}")

    # -- what the registry calls -----------------------------------------------------------------

    def refresh(self, changed: str = "") -> None:
        """A field below this list changed: redraw its row."""
        rest = changed[len(self.path) + 1 :] if changed.startswith(self.path + "[") else ""
        index = rest.partition("]")[0]
        if index.isdigit():
            self.model.row_changed(int(index))
        else:
            self.rebuild()

    def show_problems(self, messages: list[str]) -> None:
        count = len(self.model.items)
        self.count_label.setText(f"{count} elements" + (f" \u2014 {WARNING}{'; '.join(messages)}" if messages else ""))

    def show_element_problems(self, problems: list[Problem]) -> None:
        """Problems at places inside this list's elements: red cells, a sign on the row."""
        self.model.set_problems(problems)
