"""The history browser: every run and experiment in the results database, reopened or deleted.

:class:`HistoryView` lists the runs (every GUI and CLI run) and the experiments (compare,
sweep) of the results database by scenario, start date, seed, replication and status,
sortable by any column and filtered by text and status, as ``twin-app history`` lists them.
Reopening a run shows it in every view from its stored event log (no simulation: the
figures are computed from the same events, so the KPIs are the ones it had); reopening an
experiment shows its table as ``twin-app show`` prints it. Delete asks first. The context
menu's "Pin to compare" emits :attr:`HistoryView.history_run_pinned` with the run's id, for
the compare view. :class:`HistoryDock` puts the view in a dock of the main window and does
the database work with the same store functions as the CLI's commands.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from twin_app.errors import TwinError
from twin_app.experiments.live_record import origin_text, scenario_label
from twin_app.experiments.stored_run import StoredRun, load_stored_run
from twin_app.gui.docks import dock_action
from twin_app.gui.rows_model import SORT_ROLE, RowsModel
from twin_app.gui.table_export import table_menu_actions

ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATUSES = ("all statuses", "completed", "stopped", "incomplete", "failed", "running")

SCENARIO_WIDTH = (100, 190)
"""Least and most width of the Scenario column: in the dock's width it yields to Status and
Started (the date was cut by the dock's edge), the columns after them scroll."""


def history_rows(database: Path) -> list[dict[str, Any]]:
    """The runs (not experiment tasks) and experiments of ``database``, newest first, as table
    rows: kind, id, scenario, started, seed, replication, status, detail."""
    from twin_app.store.experiment_log import ExperimentLog
    from twin_app.store.results_db import ResultsStore

    if not database.is_file():
        return []
    rows: list[dict[str, Any]] = []
    with ResultsStore(database) as store:
        for run in store.list_runs():
            if run.get("experiment_id"):
                continue
            done = (run.get("kpis") or {}).get("orders_completed")
            settings = run.get("settings") or {}
            rows.append(
                {
                    "kind": "run",
                    "id": run["id"],
                    "scenario": scenario_label(run["scenario_name"] or "", settings),
                    "name": run["scenario_name"] or "",
                    "started": run["started_at"],
                    "seed": run["seed"],
                    "replication": run["replication"] + 1,
                    "status": run["status"],
                    "detail": (f"{done} orders done" if done is not None else "no KPIs")
                    + f", from {origin_text(settings)}",
                    "events": bool(run.get("events_kept", 1)),
                }
            )
    with ExperimentLog(database) as log:
        for experiment in log.experiments():
            rows.append(
                {
                    "kind": experiment["kind"],
                    "id": experiment["id"],
                    "scenario": experiment["name"] or "",
                    "name": experiment["name"] or "",
                    "started": experiment["started_at"],
                    "seed": None,
                    "replication": None,
                    "status": experiment["status"],
                    "detail": f"{experiment['tasks']} task runs",
                    "events": False,
                }
            )
    rows.sort(key=lambda r: r["started"], reverse=True)
    return rows


def _local_time(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


def stored_run_caption(run: StoredRun) -> str:
    """What a reopened run is, as the window says it: "Stored run <id>, <scenario>, seed S,
    replication R, <date>" (replication counted from 1, as the table counts it)."""
    info = run.info
    return (
        f"Stored run {info.run_id}, {info.scenario_name or run.scenario.name}, seed {info.seed}, "
        f"replication {info.replication + 1}, {_local_time(run.started_at)}"
    )


class HistoryModel(RowsModel):
    """History rows as a Qt table (display text, sort keys, the row's id)."""

    COLUMNS: tuple[tuple[str, str], ...] = (
        ("scenario", "Scenario"),
        ("status", "Status"),
        ("started", "Started"),
        ("seed", "Seed"),
        ("replication", "Rep."),
        ("kind", "Kind"),
        ("detail", "Detail"),
        ("id", "Id"),
    )

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, key, value = self.cell(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            return _local_time(value) if key == "started" else str(value)
        if role == SORT_ROLE:
            return self.sort_value(value)
        if role == ID_ROLE:
            return row["id"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row['scenario']}\n{row['kind']} {row['id']}, {row['status']}: {row['detail']}"
        return None


class HistoryFilter(QSortFilterProxyModel):
    """Sorts by raw values; keeps rows whose text contains the filter and whose status matches."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.status = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, text: str, status: str) -> None:
        self.beginFilterChange()
        self.text, self.status = text.strip().lower(), status
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, HistoryModel)
        row = model.rows[source_row]
        if self.status and row["status"] != self.status:
            return False
        if not self.text:
            return True
        haystack = " ".join(str(row.get(k) or "") for k in ("scenario", "id", "kind", "status", "detail", "seed"))
        return self.text in haystack.lower()


class HistoryView(QWidget):
    """The table of past runs and experiments with its filter and actions (module docstring)."""

    reopen_requested = Signal(str)  # run or experiment id
    delete_requested = Signal(list)  # ids
    history_run_pinned = Signal(str)  # run id: show this run in the compare view
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(self)
        self.proxy = HistoryFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)  # long names: cut, full in the tooltip
        header.resizeSection(0, SCENARIO_WIDTH[1])
        header.setStretchLastSection(True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter: scenario, id, seed...")
        self.filter_edit.setClearButtonEnabled(True)
        self.status_combo = QComboBox()
        self.status_combo.addItems(list(STATUSES))
        self.filter_edit.textChanged.connect(self._filter)
        self.status_combo.currentTextChanged.connect(self._filter)

        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Show the run in every view from its stored event log (no re-simulation)")
        self.open_button.clicked.connect(self.open_selected)
        self.pin_button = QPushButton("Pin to compare")
        self.pin_button.clicked.connect(self.pin_selected)
        self.delete_button = QPushButton("Delete...")
        self.delete_button.clicked.connect(self.delete_selected)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh_requested)

        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.status_combo)
        buttons = QHBoxLayout()
        for button in (self.open_button, self.pin_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        self.count_label = QLabel()
        self.count_label.setObjectName("Hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.count_label)
        self._enable()

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        self._count()
        self._enable()
        self._fit_scenario()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_scenario()

    def _fit_scenario(self) -> None:
        """Scenario takes what the whole columns beside it leave of the table's width: Status and
        Started, then as many of the next as fit whole, so none is cut by the dock's edge (the
        trial: Seed showed half; see SCENARIO_WIDTH). The columns after them scroll."""
        header = self.table.horizontalHeader()
        least, most = SCENARIO_WIDTH
        width = self.table.viewport().width()
        sizes = [max(header.sectionSizeHint(i), header.sectionSize(i)) for i in range(1, header.count())]
        used = sizes[0] + sizes[1]  # Status and Started: always (the date was cut before)
        shown = 2
        while shown < len(sizes) and least + used + sizes[shown] <= width:
            used += sizes[shown]
            shown += 1
        room = width - used
        if shown == len(sizes):  # every column fits: the last one stretches into what is left
            room = min(most, room)
        header.resizeSection(0, max(least, room))

    def selected_rows(self) -> list[dict[str, Any]]:
        """The selected rows, in table order."""
        indices = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[i] for i in indices]

    def select_id(self, ident: str) -> bool:
        """Select the row of ``ident`` (scripts, tests); False if it is not shown."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.proxy.data(index, ID_ROLE) == ident:
                self.table.selectRow(row)
                return True
        return False

    def open_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.reopen_requested.emit(rows[0]["id"])

    def pin_selected(self) -> None:
        for row in self.selected_rows():
            if row["kind"] == "run":
                self.history_run_pinned.emit(row["id"])

    def delete_selected(self) -> None:
        rows = self.selected_rows()
        if rows:
            self.delete_requested.emit([r["id"] for r in rows])

    def _menu(self, point: QPoint) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        menu = QMenu(self)
        for text, slot, enabled in (
            ("Open", self.open_selected, True),
            ("Pin to compare", self.pin_selected, any(r["kind"] == "run" for r in rows)),
            ("Delete...", self.delete_selected, True),
        ):
            action = QAction(text, menu)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.addSeparator()
        for action in table_menu_actions(self.table, "history", menu):  # Copy as TSV, Export CSV...
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(point))

    def _filter(self, *_: object) -> None:
        status = self.status_combo.currentText()
        self.proxy.set_filter(self.filter_edit.text(), "" if status == STATUSES[0] else status)
        self._count()

    def _count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total} shown" if shown != total else f"{total} runs and experiments")

    def _enable(self) -> None:
        rows = self.selected_rows()
        self.open_button.setEnabled(len(rows) == 1 and (rows[0]["kind"] != "run" or rows[0]["events"]))
        self.pin_button.setEnabled(any(r["kind"] == "run" for r in rows))
        self.delete_button.setEnabled(bool(rows))


class _Loader(threading.Thread):
    """Reads a stored run on a thread of its own (a long event log takes seconds)."""

    def __init__(self, database: Path, run_id: str) -> None:
        super().__init__(name="history-loader", daemon=True)
        self.database, self.run_id = database, run_id
        self.result: StoredRun | None = None
        self.error: str | None = None

    def run(self) -> None:
        try:
            self.result = load_stored_run(self.database, self.run_id)
        except TwinError as error:
            self.error = str(error)
        except Exception as error:  # the user is told, never silence
            self.error = f"{type(error).__name__}: {error}"


class HistoryDock(QObject):
    """The history browser in a dock of the main window, over its results database."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.view = HistoryView()
        self._loader: _Loader | None = None
        self._reopen_path: Path | None = None
        self._load_timer = QTimer(self)
        self._load_timer.setInterval(50)
        self._load_timer.timeout.connect(self._check_loader)
        self.history_run_pinned = self.view.history_run_pinned
        """Signal(str): a run to pin in the compare view (the context menu's "Pin to compare")."""
        dock = QDockWidget("History", window)
        dock.setObjectName("HistoryDock")
        dock.setWidget(self.view)
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        window.tabifyDockWidget(window.run_control.dock, dock)
        window.start_dock.raise_()
        self.dock = dock
        dock_action(window, dock, "&History (past runs)", "Ctrl+H", window.controls.view_menu)
        self.view.refresh_requested.connect(self.refresh)
        self.view.reopen_requested.connect(self.reopen)
        self.view.delete_requested.connect(self.delete)
        window.run_control.run_stored.connect(lambda _run_id: self._refresh_if_shown())
        self.shown_label = QLabel()
        """Which stored run the views show, until another run or scenario replaces it."""
        self.shown_label.setObjectName("StoredRunLabel")
        self.shown_label.hide()
        window.statusBar().addPermanentWidget(self.shown_label)
        self.shown_run: str | None = None
        self.shown_run_id: str | None = None
        """The id of the stored run the views show (presentation mode puts it back on Esc)."""
        window.scenario_loaded.connect(lambda _path: self._forget_shown())
        window.state_changed.connect(self._on_state)
        dock.visibilityChanged.connect(lambda shown: self.refresh() if shown else None)

    def _refresh_if_shown(self) -> None:
        """A stored run is listed now if the dock shows, else when it is shown (it reads the list
        again then): the read opened the results database on the GUI thread as the run ended,
        while the simulation's writer was closing it, and waited for its lock."""
        if self.dock.isVisible():
            self.refresh()

    def _on_state(self, state: str) -> None:
        if state in ("ready", "empty"):
            self._forget_shown()
        elif state == "paused" and self.dock.isVisible():  # a paused run is listed ('running') while paused
            self.refresh()

    @property
    def database(self) -> Path:
        return Path(self.window.settings.results_db)

    def refresh(self) -> None:
        """Read the list again from the results database."""
        try:
            rows = history_rows(self.database)
        except TwinError as error:
            self.window.notify(f"History: {error}", 8000)
            return
        self.view.set_rows(rows)

    def _row(self, ident: str) -> dict[str, Any] | None:
        return next((r for r in self.view.model.rows if r["id"] == ident), None)

    def reopen(self, ident: str, *, ask: bool = True, path: Path | None = None) -> bool:
        """Show run ``ident`` in the views from its stored events (asks before discarding a
        run under way, unless not ``ask``; read off the GUI thread, then shown), or an
        experiment's table; False if nothing will be opened. ``path``: the file the run's
        scenario came from, shown as the open file (presentation mode puts a user's run back)."""
        row = self._row(ident)
        if row is not None and row["kind"] != "run":
            return self._show_experiment(ident)
        if self._loader is not None or (ask and not self.window.confirm_discard("Opening a past run")):
            return False
        self._reopen_path = path
        self.window.notify(f"Reading run {ident} from the history...", 60_000)
        self._loader = _Loader(self.database, ident)
        self._loader.start()
        self._load_timer.start()
        return True

    def _check_loader(self) -> None:
        """When the run has been read (off the GUI thread): show it."""
        loader = self._loader
        if loader is None or loader.is_alive():
            return
        self._load_timer.stop()
        self._loader = None
        window = self.window
        if loader.error is not None or loader.result is None:
            window.show_error("Cannot open the run", loader.error or "nothing was read")
            return
        run = loader.result
        window.show_scenario(run.scenario, self._reopen_path)
        window.session.show_stored(run.scenario, run.info, run.events, run.orders, run.end)
        started = _local_time(run.started_at)
        window.notify(f"Run {run.info.run_id} of {started} ({run.status}), from the history: no re-simulation", 8000)
        self._show_shown(stored_run_caption(run))
        self.shown_run_id = run.info.run_id

    def _show_shown(self, caption: str) -> None:
        """Say which stored run the views show: in the title and the status bar."""
        self.shown_run = caption
        self.shown_label.setText(caption)
        self.shown_label.setToolTip(f"{caption}: read from the results database, not simulated again")
        self.shown_label.show()
        self.window.setWindowTitle(f"{caption} - Cloud Factory Twin")

    def _forget_shown(self) -> None:
        """Another scenario, or the stored run reset to run again: the caption goes."""
        if self.shown_run is None:
            return
        self.shown_run = self.shown_run_id = None
        self.shown_label.hide()
        self.window.update_title()

    def _show_experiment(self, ident: str) -> bool:
        from twin_app.experiments.compare import CompareResult
        from twin_app.experiments.sweep import SweepResult
        from twin_app.store.experiment_log import ExperimentLog

        try:
            with ExperimentLog(self.database) as log:
                experiment = log.load(ident)
            summary = experiment.get("summary")
            if not summary:
                raise TwinError(
                    f"experiment {ident} is {experiment['status']} and has no summary yet; "
                    "run the same command again with --resume to finish it"
                )
            kind = CompareResult if experiment["kind"] == "compare" else SweepResult
            text = kind.from_dict(summary).table()
        except TwinError as error:
            self.window.show_error("Cannot open the experiment", str(error))
            return False
        dialog = QDialog(self.window)
        dialog.setWindowTitle(f"{experiment['kind'].capitalize()} {ident}: {experiment['name']}")
        editor = QPlainTextEdit(text)
        editor.setReadOnly(True)
        editor.setFont(QFont("monospace"))
        editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(editor)
        layout.addWidget(buttons)
        dialog.resize(1100, 600)
        dialog.show()
        self.experiment_dialog = dialog
        return True

    def delete(self, ids: list[str]) -> bool:
        """Delete runs or experiments after asking; True if they were deleted."""
        if not ids:
            return False
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Delete from the history?")
        what = f"run or experiment {ids[0]}" if len(ids) == 1 else f"{len(ids)} runs or experiments"
        box.setText(f"Delete {what} from the results database?")
        box.setInformativeText("Its events, orders and KPIs are removed for good.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not delete:
            return False
        from twin_app.store.experiment_log import ExperimentLog
        from twin_app.store.results_db import ResultsStore

        try:
            for ident in ids:
                row = self._row(ident)
                if row is not None and row["kind"] != "run":
                    with ExperimentLog(self.database) as log:
                        log.delete(ident)
                else:
                    with ResultsStore(self.database) as store:
                        store.delete_run(ident)
        except TwinError as error:
            self.window.show_error("Cannot delete", str(error))
        self.refresh()
        return True
