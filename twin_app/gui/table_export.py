"""Copy and export for every table of the app: Ctrl+C copies the selection as TSV with its
headers, and the context menu has Copy, Copy whole table and Export CSV....

One call gives a table all of it::

    from twin_app.gui.table_export import install_table_actions

    install_table_actions(self.table, "owner P&L")   # any QTableView or QTableWidget

(the main window also calls it on every table that exists when the window is built, and
again whenever a tab is shown). The name is the suggested file name of the CSV. A table that
already has a context menu of its own keeps it and gets Ctrl+C only: add
:func:`table_menu_actions` to that menu to offer Copy and Export CSV there too.

What a table shows is what is copied; the CSV file takes a cell's ``Qt.EditRole`` value
when the model gives a number there (so a cell shown as "12,345" is written as 12345), else
the text shown.

Numbers as numbers, also for confidence intervals: a column whose cells give
:data:`INTERVAL_ROLE` (``(mean, half-width)``: the compare and sweep tables' "110.5 ± 2.35")
becomes two columns, ``<column> mean`` and ``<column> ci95`` (the 95% CI's half-width), in
the CSV file and in the TSV copy alike (a trailing "(95% CI)" of the header is dropped). Both
hold the plain numbers (``49100``, not "49,100"; a rate as a fraction, as in the KPI JSON), so
a spreadsheet or a script reads them without parsing "±"; every other cell is copied as shown.

Files are written atomically through :mod:`twin_app.io.output_path`; a path that cannot be
written is said in a dialog.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from twin_app.errors import TwinError
from twin_app.io.output_path import write_output
from twin_app.io.table_text import Cell, table_csv, table_tsv

INTERVAL_ROLE = Qt.ItemDataRole.UserRole + 7
"""A cell's ``(mean, half_width)`` (each a float or None): exported as two numeric columns."""

_CI_SUFFIX = re.compile(r"\s*\((?:paired )?95% CI\)\s*$")
"""The "(95% CI)" a header carries, dropped from "<column> mean" / "<column> ci95"."""

INSTALLED = "twin_table_actions"
"""Property set on a table once it has the actions (installing twice is a no-op)."""


def install_table_actions(table: QTableView, name: str = "table") -> None:
    """Give ``table`` Ctrl+C (selection as TSV with headers) and a context menu with Copy,
    Copy whole table and Export CSV... (unless it has a context menu of its own already);
    ``name`` names the CSV file suggested."""
    if table.property(INSTALLED):
        return
    table.setProperty(INSTALLED, True)
    table.installEventFilter(_CopyKey(table))
    if table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu:
        return  # its owner's menu stays the only one (it may add table_menu_actions)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.customContextMenuRequested.connect(
        lambda position: _menu(table, name).exec(table.viewport().mapToGlobal(position))
    )


def install_on_tables(root: QWidget) -> int:
    """:func:`install_table_actions` on every table under ``root``; returns how many got it now."""
    count = 0
    for table in root.findChildren(QTableView):
        if not table.property(INSTALLED):
            install_table_actions(table, _guess_name(table))
            count += 1
    return count


def selection_cells(table: QTableView) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the selected cells as shown: the rectangle of rows and columns that
    hold a selected cell, in the order on screen; cells inside it not selected are empty."""
    model = table.model()
    selection = table.selectionModel()
    indexes = selection.selectedIndexes() if selection is not None else []
    if model is None or not indexes:
        return [], []
    header = table.horizontalHeader()
    chosen = {(i.row(), i.column()) for i in indexes}
    rows = sorted({r for r, _ in chosen}, key=table.verticalHeader().visualIndex)
    columns = _parts(model, sorted({c for _, c in chosen if not table.isColumnHidden(c)}, key=header.visualIndex))
    headers = [_part_header(model, c, part) for c, part in columns]
    cells = [
        [_text(_read(model.index(r, c), part, _shown)) if (r, c) in chosen else "" for c, part in columns] for r in rows
    ]
    return headers, cells


def all_cells(table: QTableView, *, raw: bool = False) -> tuple[list[str], list[list[Cell]]]:
    """(headers, rows) of the whole table in the order on screen, hidden columns left out;
    with ``raw`` a cell is its EditRole number where the model gives one."""
    model = table.model()
    if model is None:
        return [], []
    header = table.horizontalHeader()
    columns = sorted((c for c in range(model.columnCount()) if not table.isColumnHidden(c)), key=header.visualIndex)
    rows = sorted(
        (r for r in range(model.rowCount()) if not table.isRowHidden(r)), key=table.verticalHeader().visualIndex
    )
    read = _raw if raw else _shown
    parts = _parts(model, columns)
    headers = [_part_header(model, c, part) for c, part in parts]
    cells = [[_read(model.index(r, c), part, read) for c, part in parts] for r in rows]
    return headers, cells if raw else [[_text(cell) for cell in row] for row in cells]


def copy_selection(table: QTableView) -> str:
    """Put the selection on the clipboard as TSV with its headers (the whole table when nothing
    is selected); returns the text."""
    headers, rows = selection_cells(table)
    if not rows:
        headers, shown = all_cells(table)
        rows = [[str(c) for c in row] for row in shown]
    text = table_tsv(headers, rows)
    QGuiApplication.clipboard().setText(text)
    return text


def copy_all(table: QTableView) -> str:
    """Put the whole table on the clipboard as TSV with its headers; returns the text."""
    headers, rows = all_cells(table)
    text = table_tsv(headers, rows)
    QGuiApplication.clipboard().setText(text)
    return text


def write_csv(table: QTableView, path: str | Path) -> Path:
    """Write the whole table to ``path`` as CSV (atomically); raises OutputPathError."""
    headers, rows = all_cells(table, raw=True)
    return write_output(path, table_csv(headers, rows), "Export CSV")


def export_csv_dialog(table: QTableView, name: str = "table") -> Path | None:
    """Ask for a file name and write the table there; a failure is shown in a dialog."""
    from twin_app.gui.exports import ask_save_path

    path = ask_save_path(table, "Export table as CSV", f"{_file_stem(name)}.csv", "CSV files (*.csv)", ".csv")
    if path is None:
        return None
    try:
        return write_csv(table, path)
    except (TwinError, OSError) as error:
        _error(table, "Cannot export the table", str(error))
        return None


class _CopyKey(QObject):
    """Ctrl+C (the platform's Copy key) on a table copies the selection, not the current cell."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (
            kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Copy)
        ):
            event.accept()
            if kind == QEvent.Type.KeyPress and isinstance(watched, QTableView):
                copy_selection(watched)
            return True
        return False


def table_menu_actions(table: QTableView, name: str, parent: QObject) -> list[QAction]:
    """Copy, Copy whole table and Export CSV... for ``table`` (owned by ``parent``, e.g. a
    menu), to add to a context menu of the table's own."""
    copy = QAction("&Copy (as TSV with headers)", parent)
    copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    copy.triggered.connect(lambda: copy_selection(table))
    whole = QAction("Copy &whole table", parent)
    whole.triggered.connect(lambda: copy_all(table))
    export = QAction("&Export CSV...", parent)
    export.triggered.connect(lambda: export_csv_dialog(table, name))
    has_rows = table.model() is not None and table.model().rowCount() > 0
    for action in (copy, whole, export):
        action.setEnabled(has_rows)
    return [copy, whole, export]


def _menu(table: QTableView, name: str) -> QMenu:
    menu = QMenu(table)
    menu.addActions(table_menu_actions(table, name, menu))
    return menu


def _interval(index: QModelIndex) -> tuple[float | None, float | None] | None:
    value = index.data(INTERVAL_ROLE)
    if value is None or len(value) != 2:
        return None
    return tuple(v if isinstance(v, int | float) and math.isfinite(v) else None for v in value)  # type: ignore[return-value]


def _parts(model: object, columns: list[int]) -> list[tuple[int, str | None]]:
    """Each column as (column, None), or as (column, "mean") and (column, "ci95") when any of
    its cells holds an interval."""
    rows = range(model.rowCount())  # type: ignore[attr-defined]
    out: list[tuple[int, str | None]] = []
    for column in columns:
        if any(_interval(model.index(r, column)) is not None for r in rows):  # type: ignore[attr-defined]
            out += [(column, "mean"), (column, "ci95")]
        else:
            out.append((column, None))
    return out


def _part_header(model: object, column: int, part: str | None) -> str:
    name = _header(model, column)
    return name if part is None else f"{_CI_SUFFIX.sub('', name)} {part}"


def _read(index: QModelIndex, part: str | None, read: object) -> Cell:
    if part is None:
        return read(index)  # type: ignore[operator]
    interval = _interval(index)
    return None if interval is None else interval[0 if part == "mean" else 1]


def _text(cell: Cell) -> str:
    """A cell for the clipboard: numbers plain (repr), None empty."""
    if cell is None:
        return ""
    return repr(cell) if isinstance(cell, int | float) and not isinstance(cell, bool) else str(cell)


def _header(model: object, column: int) -> str:
    """A column's name: its ``EditRole`` header if the model gives one (the text without
    decorations such as the owner table's sort arrow), else the header shown."""
    value = None
    for role in (Qt.ItemDataRole.EditRole, Qt.ItemDataRole.DisplayRole):
        value = model.headerData(column, Qt.Orientation.Horizontal, role)  # type: ignore[attr-defined]
        if value is not None:
            break
    return "" if value is None else str(value)


def _shown(index: QModelIndex) -> str:
    value = index.data(Qt.ItemDataRole.DisplayRole)
    return "" if value is None else _number_text(value) if isinstance(value, float) else str(value)


def _raw(index: QModelIndex) -> Cell:
    value = index.data(Qt.ItemDataRole.EditRole)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value if not isinstance(value, float) or math.isfinite(value) else None
    return _shown(index)


def _number_text(value: float) -> str:
    return f"{value:g}" if math.isfinite(value) else ""


def _guess_name(table: QTableView) -> str:
    return table.objectName() or table.accessibleName() or "table"


def _file_stem(name: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name.strip()).strip("_")
    return stem or "table"


def _error(parent: QWidget, title: str, message: str) -> None:
    from twin_app.gui.exports import show_export_error

    show_export_error(parent, title, message)
