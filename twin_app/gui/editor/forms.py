"""Forms and tables built from the scenario format: an object is a form, a list of objects a
table with the selected row's form under it.

:class:`ObjectForm` lays out the fields of one object (``machines[3]``, ``platform``): a
widget per scalar field (:mod:`.fields`), a group per nested object (a check box on the ones
the file may leave out: failures, shifts, an investment...), a table per nested list
(capabilities, routing steps). :class:`ListEditor` is that table: one row per element, a
column per scalar field, editable in place, with Add / Delete.

Everything shown registers in a :class:`Registry` under its path, so the editor can refresh
what an edit changed and put each problem the reader reports at the widget with the longest
path that contains the problem's place.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from twin_app.gui.editor.fields import FieldWidget, make_field, parse_json, parse_number, show_value, time_summary
from twin_app.gui.editor.schema import SCALAR_KINDS, FieldSpec, fields_of
from twin_app.io.scenario_document import MISSING, ScenarioDocument

PROBLEM_BRUSH = QBrush(QColor(250, 215, 210))
WARNING = "\u26a0 "


class Context(Protocol):
    """What forms need from the editor."""

    document: ScenarioDocument

    def field_edited(self, path: str, value: Any, finished: bool) -> None: ...
    def insert(self, path: str, index: int, value: Any, text: str) -> None: ...
    def remove(self, path: str, index: int, text: str) -> None: ...
    def completions(self, definition: str, name: str) -> list[str] | None: ...
    def sweep(self, path: str, value: Any) -> None: ...


class Shown(Protocol):
    """Anything registered under a path: it can re-read its value and show problems."""

    def refresh(self) -> None: ...
    def show_problems(self, messages: list[str]) -> None: ...


class Registry:
    """Paths -> what shows them; a child registry is dropped when its form is rebuilt."""

    def __init__(self) -> None:
        self.shown: dict[str, list[Shown]] = {}
        self.children: list[Registry] = []

    def add(self, path: str, shown: Shown) -> None:
        self.shown.setdefault(path, []).append(shown)

    def child(self) -> Registry:
        registry = Registry()
        self.children.append(registry)
        return registry

    def drop(self, child: Registry) -> None:
        if child in self.children:
            self.children.remove(child)

    def items(self) -> Iterator[tuple[str, Shown]]:
        for path, shown in self.shown.items():
            for one in shown:
                yield path, one
        for child in self.children:
            yield from child.items()

    def paths(self) -> dict[str, list[Shown]]:
        merged: dict[str, list[Shown]] = {}
        for path, one in self.items():
            merged.setdefault(path, []).append(one)
        return merged


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def label_of(spec: FieldSpec) -> str:
    return spec.name.replace("_", " ") + (" *" if spec.required else "")


class _FieldShown:
    """A field widget as the registry sees it."""

    def __init__(self, widget: FieldWidget, document: ScenarioDocument) -> None:
        self.widget, self.document = widget, document

    def refresh(self) -> None:
        self.widget.set_value(self.document.get(self.widget.path))

    def show_problems(self, messages: list[str]) -> None:
        self.widget.show_problems(messages)


class ObjectForm(QWidget):
    """The fields of the object at ``path`` (a definition of the format, e.g. ``"Machine"``)."""

    def __init__(
        self,
        context: Context,
        registry: Registry,
        path: str,
        definition: str,
        kinds: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__()
        self.context, self.registry, self.path, self.definition = context, registry, path, definition
        self.fields: dict[str, FieldWidget] = {}
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet("color: #c0392b;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addRow(self.problem_label)
        registry.add(path, self)
        for spec in fields_of(definition):
            if kinds is not None and spec.kind not in kinds:
                continue
            where = join(path, spec.name)
            if spec.kind == "object":
                layout.addRow(ObjectGroup(context, registry, where, spec))
            elif spec.kind == "table":
                box = QGroupBox(label_of(spec))
                box.setToolTip(spec.description)
                inner = QVBoxLayout(box)
                inner.addWidget(ListEditor(context, registry, where, spec.ref, nested=True))
                layout.addRow(box)
            else:
                widget = make_field(where, spec, context.completions(definition, spec.name))
                widget.edited.connect(context.field_edited)
                widget.sweep_requested.connect(context.sweep)
                shown = _FieldShown(widget, context.document)
                shown.refresh()
                registry.add(where, shown)
                self.fields[spec.name] = widget
                label = QLabel(label_of(spec))
                label.setToolTip(spec.description)
                layout.addRow(label, widget)

    def refresh(self) -> None:
        pass  # the fields refresh themselves; the form only shows problems at its own place

    def show_problems(self, messages: list[str]) -> None:
        self.problem_label.setText("\n".join(messages))
        self.problem_label.setVisible(bool(messages))


class ObjectGroup(QGroupBox):
    """A nested object: a framed form; checkable when the file may leave the object out."""

    def __init__(self, context: Context, registry: Registry, path: str, spec: FieldSpec) -> None:
        super().__init__(label_of(spec))
        self.context, self.path, self.spec = context, path, spec
        self.setToolTip(spec.description)
        self.optional = spec.nullable
        self.setCheckable(self.optional)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.form = ObjectForm(context, registry, path, spec.ref)
        layout.addWidget(self.form)
        registry.add(path, self)
        self.refresh()
        self.toggled.connect(self._on_toggled)

    def _on_toggled(self, on: bool) -> None:
        present = self.context.document.get(self.path) not in (MISSING, None)
        if on != present:
            self.context.field_edited(self.path, {} if on else MISSING, True)

    def refresh(self) -> None:
        if self.optional:
            present = self.context.document.get(self.path) not in (MISSING, None)
            self.blockSignals(True)
            self.setChecked(present)
            self.blockSignals(False)
            self.form.setEnabled(present)

    def show_problems(self, messages: list[str]) -> None:
        pass  # shown by the inner form (same path)


class _CellShown:
    def __init__(self, table: ListEditor, row: int, column: int) -> None:
        self.table, self.row, self.column = table, row, column

    def refresh(self) -> None:
        self.table.fill_cell(self.row, self.column)

    def show_problems(self, messages: list[str]) -> None:
        item = self.table.table.item(self.row, self.column)
        if item is not None:
            item.setBackground(PROBLEM_BRUSH if messages else QBrush())
            item.setToolTip("\n".join(messages))


class _RowShown:
    def __init__(self, table: ListEditor, row: int) -> None:
        self.table, self.row = table, row

    def refresh(self) -> None:
        pass

    def show_problems(self, messages: list[str]) -> None:
        header = self.table.table.verticalHeaderItem(self.row)
        if header is not None:
            header.setText(f"{WARNING if messages else ''}{self.row}")
            header.setToolTip("\n".join(messages))
            header.setForeground(QBrush(QColor(192, 57, 43)) if messages else QBrush())


class ListEditor(QWidget):
    """A table of the list at ``path`` (elements of ``definition``) and the selected row's form."""

    def __init__(self, context: Context, registry: Registry, path: str, definition: str, nested: bool) -> None:
        super().__init__()
        self.context, self.registry, self.path, self.definition = context, registry, path, definition
        self.columns = [spec for spec in fields_of(definition) if spec.kind in SCALAR_KINDS]
        self.rows_registry = registry.child()
        self.detail_registry: Registry | None = None
        self.detail: ObjectForm | None = None
        self._filling = False

        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([label_of(spec) for spec in self.columns])
        for column, spec in enumerate(self.columns):
            self.table.horizontalHeaderItem(column).setToolTip(spec.description)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.currentCellChanged.connect(lambda row, *_: self.select(row))
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
        layout.addWidget(self.table, 1 if not nested else 0)
        self.detail_holder = QWidget()
        self.detail_holder.setLayout(self.detail_box)
        if nested:
            layout.addWidget(self.detail_holder)
        registry.add(path, self)
        self.rebuild()

    # -- rows ----------------------------------------------------------------------------------

    def elements(self) -> list[Any]:
        value = self.context.document.get(self.path)
        return value if isinstance(value, list) else []

    def rebuild(self, select: int | None = None) -> None:
        """Fill the table from the document (after elements came or went)."""
        keep = self.table.currentRow() if select is None else select
        elements = self.elements()
        self._filling = True
        self.rows_registry.shown.clear()
        self.table.setRowCount(len(elements))
        for row in range(len(elements)):
            self.table.setVerticalHeaderItem(row, QTableWidgetItem(str(row)))
            self.rows_registry.add(f"{self.path}[{row}]", _RowShown(self, row))
            for column, spec in enumerate(self.columns):
                self.rows_registry.add(f"{self.path}[{row}].{spec.name}", _CellShown(self, row, column))
                self._fill(row, column, elements[row])
        self._filling = False
        self.count_label.setText(f"{len(elements)} {'element' if len(elements) == 1 else 'elements'}")
        if self.table.columnCount() and len(elements) and self.table.horizontalHeader().sectionSize(0) > 200:
            self.table.resizeColumnsToContents()
        row = min(max(keep, 0), len(elements) - 1)
        self.table.blockSignals(True)
        self.table.setCurrentCell(row, 0) if row >= 0 else self.table.clearSelection()
        self.table.blockSignals(False)
        self.select(row, force=True)

    def fill_cell(self, row: int, column: int) -> None:
        elements = self.elements()
        if row < len(elements):
            self._filling = True
            self._fill(row, column, elements[row])
            self._filling = False

    def _fill(self, row: int, column: int, element: Any) -> None:
        spec = self.columns[column]
        value = element.get(spec.name, MISSING) if isinstance(element, dict) else MISSING
        item = self.table.item(row, column)
        if item is None:
            item = QTableWidgetItem()
            self.table.setItem(row, column, item)
        if spec.kind == "bool":
            shown = spec.default if value is MISSING else value
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked)
            return
        text = show_value(value)
        if spec.kind == "time" and isinstance(value, dict):
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)  # edited in the form below
            item.setToolTip("A distribution: edit it in the form below")
            text = time_summary(value)
        if value is MISSING and spec.default not in (MISSING, None):
            text = show_value(spec.default)
            item.setForeground(QBrush(QColor(140, 140, 140)))
        else:
            item.setForeground(QBrush())
        item.setText(text)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        spec = self.columns[item.column()]
        path = f"{self.path}[{item.row()}].{spec.name}"
        if spec.kind == "bool":
            value: Any = item.checkState() == Qt.CheckState.Checked
        elif spec.kind in ("number", "integer", "time"):
            value = parse_number(item.text(), spec.kind == "integer")
        elif spec.kind == "json":
            value = parse_json(item.text())
        else:
            value = item.text() if item.text() or spec.required else MISSING
        self.context.field_edited(path, value, True)

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
        if 0 <= row < len(self.elements()):
            self.detail_registry = self.registry.child()
            self.detail = ObjectForm(self.context, self.detail_registry, f"{self.path}[{row}]", self.definition)
            self.detail_box.addWidget(self.detail)

    def current_row(self) -> int:
        return self.table.currentRow()

    # -- adding, deleting ------------------------------------------------------------------------

    def add(self) -> None:
        elements = self.elements()
        row = self.table.currentRow()
        source = elements[row] if 0 <= row < len(elements) else (elements[-1] if elements else {})
        value = copy.deepcopy(source) if isinstance(source, dict) else {}
        if any(spec.name == "id" for spec in self.columns):
            base = str(value.get("id") or self.definition.lower())
            taken = {str(e.get("id")) for e in elements if isinstance(e, dict)}
            number = 2
            while f"{base}-{number}" in taken:
                number += 1
            value["id"] = f"{base}-{number}"
        self.context.insert(self.path, len(elements), value, f"Add {value.get('id', 'an element')}")
        self.rebuild(select=len(elements))

    def delete(self) -> None:
        row = self.table.currentRow()
        elements = self.elements()
        if 0 <= row < len(elements):
            name = elements[row].get("id", row) if isinstance(elements[row], dict) else row
            self.context.remove(self.path, row, f"Delete {name}")

    def refresh(self) -> None:
        pass

    def show_problems(self, messages: list[str]) -> None:
        self.count_label.setText(
            f"{len(self.elements())} elements" + (f" \u2014 {WARNING}{'; '.join(messages)}" if messages else "")
        )
