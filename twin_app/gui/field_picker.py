"""The sweep's field picker: a scenario's sweep paths grouped by section and element, with a filter.

A scenario has a thousand sweep paths (:func:`~twin_app.experiments.sweep_fields.field_paths`);
a flat list shows the wildcards (``lanes[*].vehicles``) first and buries each element's own
field (``lanes[velo-a-shop--velo-b-shop].vehicles``). Here they are a tree: the section
(lanes), then "every lane [*]" and each element by id, then its fields; the filter box keeps
the paths that contain every word typed (``velo-a vehicles``).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

PATH_ROLE = Qt.ItemDataRole.UserRole


def split_path(path: str) -> tuple[str, str, str]:
    """``lanes[L1].vehicles`` -> (``lanes``, ``L1``, ``vehicles``); ``platform.mode`` ->
    (``platform``, ``""``, ``mode``); the element is ``*`` for a wildcard path."""
    head, dot, rest = path.partition(".")
    section, bracket, element = head.partition("[")
    if bracket and element.endswith("]"):
        return section, element[:-1], rest
    return head, "", rest if dot else ""


class FieldTree(QWidget):
    """A filter box over the paths as a tree; ``chosen`` is emitted on a double-click."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter: words in the path, e.g. velo-a vehicles")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Field"])
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)

    def set_paths(self, paths: Iterable[str]) -> None:
        """Show ``paths`` grouped: section, then every element [*] and each element by id."""
        self.tree.clear()
        groups: dict[tuple[str, ...], QTreeWidgetItem] = {}

        def group(key: tuple[str, ...], text: str) -> QTreeWidgetItem:
            if key not in groups:
                parent = groups[key[:-1]] if len(key) > 1 else self.tree.invisibleRootItem()
                groups[key] = QTreeWidgetItem(parent, [text])
            return groups[key]

        for path in paths:
            section, element, rest = split_path(path)
            parent = group((section,), section)
            if element:
                label = f"every element of {section} [*]" if element == "*" else element
                parent = group((section, element), label)
            leaf = QTreeWidgetItem(parent, [rest or path])
            leaf.setData(0, PATH_ROLE, path)
            leaf.setToolTip(0, path)
        self.apply_filter(self.filter.text())

    def paths(self, visible_only: bool = True) -> list[str]:
        """The paths in the tree (those the filter keeps, unless ``visible_only`` is False)."""
        found: list[str] = []

        def walk(item: QTreeWidgetItem) -> None:
            for i in range(item.childCount()):
                child = item.child(i)
                if visible_only and child.isHidden():
                    continue
                path = child.data(0, PATH_ROLE)
                if path is not None:
                    found.append(path)
                walk(child)

        walk(self.tree.invisibleRootItem())
        return found

    def apply_filter(self, text: str) -> None:
        """Keep the paths containing every word of ``text`` (and their groups), expanded when
        few are left."""
        words = text.lower().split()

        def keep(item: QTreeWidgetItem) -> bool:
            path = item.data(0, PATH_ROLE)
            shown = path is not None and all(w in path.lower() for w in words)
            for i in range(item.childCount()):
                shown = keep(item.child(i)) or shown
            item.setHidden(not shown)
            return shown

        root = self.tree.invisibleRootItem()
        for i in range(root.childCount()):
            keep(root.child(i))
        if words and len(self.paths()) <= 200:
            self.tree.expandAll()

    def current_path(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else item.data(0, PATH_ROLE)

    def _double_clicked(self, item: QTreeWidgetItem) -> None:
        path = item.data(0, PATH_ROLE)
        if path is not None:
            self.chosen.emit(path)


def pick_field(parent: QWidget, paths: list[str]) -> str | None:
    """A dialog with the grouped, filterable fields; the path chosen, or None."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Pick a field to sweep")
    dialog.resize(560, 640)
    tree = FieldTree(dialog)
    tree.set_paths(paths)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    tree.chosen.connect(lambda _path: dialog.accept())
    layout = QVBoxLayout(dialog)
    layout.addWidget(tree, 1)
    layout.addWidget(buttons)
    tree.filter.setFocus()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return tree.current_path()
