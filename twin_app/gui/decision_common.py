"""Parts the compare and sweep views share: the run bar, a table picker, the results database,
and :class:`DecisionView`, their common base.

:class:`RunBar` holds replications, seed, Run / Cancel, a progress bar and a status line, and
drives an :class:`~twin_app.gui.decision_worker.ExperimentThread`: the view gives it the work
(a call of compare() or sweep()) and gets the result back as a signal. :func:`pick_row` is a
small dialog that lists rows (past experiments, stored runs) and returns the one chosen.
:class:`DecisionView` is the View protocol of a tab the window's runs do not change, the
results database it records in, the HTML report and the "open a past experiment" dialog,
written once for both views.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from twin_app.errors import TwinError
from twin_app.experiments.plan import Progress
from twin_app.gui.decision_worker import ExperimentThread
from twin_app.model.limits import MAX_REPLICATIONS
from twin_app.model.scenario import Scenario

DEFAULT_REPLICATIONS = 5

CurrentScenario = Callable[[], tuple[Scenario | None, Path | None, bool]]
"""The window's scenario as edited, its file, and whether it has unsaved edits."""


def results_database(chosen: Path | None) -> Path:
    """The database experiments are recorded in: ``chosen``, else the CLI's default one."""
    if chosen is not None:
        return chosen
    from twin_app.store.results_db import default_database_path

    return default_database_path()


class RunBar(QWidget):
    """Replications, seed, Run and Cancel, progress and a status line for one experiment at a time."""

    finished = Signal(object)  # the result
    failed = Signal(str, str)
    state_changed = Signal(bool)  # running or not

    def __init__(self, run_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.replications = QSpinBox()
        self.replications.setRange(2, MAX_REPLICATIONS)
        self.replications.setValue(DEFAULT_REPLICATIONS)
        self.replications.setToolTip("Replications per scenario or design point (common random numbers)")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip("Replication r of every scenario uses the streams of (seed, r)")
        self.run_button = QPushButton(run_text)
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setToolTip("Stop after the tasks running now; the finished ones stay in the experiment log")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v / %m tasks")
        self.progress.setMaximumWidth(260)
        self.status = QLabel("")
        self.status.setObjectName("Hint")
        self.status.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Replications"))
        row.addWidget(self.replications)
        row.addWidget(QLabel("Seed"))
        row.addWidget(self.seed)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress)
        row.addWidget(self.status, 1)
        self.thread: ExperimentThread | None = None
        app = QCoreApplication.instance()
        if app is not None:  # quitting mid-experiment: stop it as Cancel does, then let Qt go
            app.aboutToQuit.connect(self.shutdown)

    def shutdown(self) -> None:
        """Cancel the experiment running, if any, and wait for its thread to end."""
        if self.thread is not None:
            self.thread.cancel()
            self.thread.wait()

    @property
    def running(self) -> bool:
        return self.thread is not None

    def start(self, work: Callable[[Progress], Any], what: str) -> None:
        """Run ``work(on_progress)`` off the GUI thread; ``what`` names it in the status line."""
        if self.thread is not None:
            return
        thread = ExperimentThread(work, self)
        thread.progressed.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.failed.connect(self._on_failed)
        thread.cancelled.connect(self._on_cancelled)
        thread.finished.connect(thread.deleteLater)
        self.thread = thread
        self.progress.setRange(0, 0)  # busy until the first task reports
        self.status.setText(f"{what}: starting the worker processes\u2026")
        self._set_running(True)
        thread.start()

    def cancel(self) -> None:
        if self.thread is not None:
            self.thread.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling: the tasks running now finish first\u2026")

    def wait(self, ms: int = 60_000) -> bool:
        """Block until the experiment's thread ends (closing the window, tests)."""
        thread = self.thread
        return True if thread is None else thread.wait(ms)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.replications.setEnabled(not running)
        self.seed.setEnabled(not running)
        self.state_changed.emit(running)

    def _done(self) -> None:
        self.thread = None
        self._set_running(False)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if self.thread is not None and not self.thread.cancelling:
            self.status.setText(f"Running: {done} of {total} tasks done")

    def _on_succeeded(self, result: object) -> None:
        self._done()
        self.status.setText("")
        self.finished.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self._done()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(f"Failed: {message}")
        self.failed.emit(message, details)

    def _on_cancelled(self) -> None:
        self._done()
        self.status.setText("Cancelled: the finished tasks are kept in the experiment log as 'stopped'")


def pick_row(parent: QWidget, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> int | None:
    """Let the user choose one of ``rows`` in a table dialog; the index chosen, or None."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(760, 420)
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    if rows:
        table.selectRow(0)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    table.doubleClicked.connect(dialog.accept)
    layout = QVBoxLayout(dialog)
    if not rows:
        layout.addWidget(QLabel("Nothing stored yet."))
    layout.addWidget(table)
    layout.addWidget(buttons, alignment=Qt.AlignmentFlag.AlignRight)
    if dialog.exec() != QDialog.DialogCode.Accepted or not rows:
        return None
    selected = table.selectionModel().selectedRows()
    return selected[0].row() if selected else None


def past_experiments(database: Path, kind: str) -> list[dict[str, Any]]:
    """Finished experiments of ``kind`` ('compare' or 'sweep') in the experiment log, newest first."""
    from twin_app.store.experiment_log import ExperimentLog

    with ExperimentLog(database) as log:
        return [row for row in log.experiments() if row["kind"] == kind and row["status"] == "completed"]


def choose_past_experiment(view: Any, title: str, name_header: str) -> str | None:
    """Ask which of ``view.past_experiments()`` to open (the id chosen, or None); a log that
    cannot be read is said in the view's status line."""
    try:
        rows = view.past_experiments()
    except TwinError as error:
        view.run_bar.status.setText(str(error))
        return None
    chosen = pick_row(
        view,
        title,
        ["Experiment", name_header, "Finished", "Tasks"],
        [(r["id"], r["name"], r["finished_at"], r["tasks"]) for r in rows],
    )
    return None if chosen is None else str(rows[chosen]["id"])


class DecisionView(QWidget):
    """The base of the Compare and Sweep tabs: what they share beyond the run bar.

    A subclass makes ``self.run_bar`` and implements ``show_result`` (fill the tabs with a
    result) and ``open_experiment`` (show a stored one again); the class attributes name its
    kind of experiment in the log, the report's default file and the words of its dialogs.
    """

    needs: tuple[str, ...] = ()
    kind: ClassVar[str]
    """The experiment log's kind: 'compare' or 'sweep'."""
    noun: ClassVar[str]
    """What one result is called in messages: 'comparison', 'sweep'."""
    report_file: ClassVar[str]
    """The report dialog's suggested file name."""
    past_title: ClassVar[str]
    past_name_header: ClassVar[str]
    run_bar: RunBar

    def __init__(self, current: CurrentScenario | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.result: Any = None
        self.database: Path | None = None
        """Where experiments are recorded (None: the window's results database, else the CLI's)."""
        self.database_source: Callable[[], Path | None] | None = None
        self.workers: int | None = None
        """Local worker processes (None: one per core, as the CLI)."""

    # --- the View protocol: the window's runs do not change an experiment ----------------------
    def set_run(self, run: Any) -> None:
        return None

    def update(self, data: Any) -> None:
        return None

    def clear(self) -> None:
        return None

    def restyle(self) -> None:
        if self.result is not None:
            self.show_result(self.result)

    def show_result(self, result: Any) -> None:
        raise NotImplementedError

    def open_experiment(self, experiment_id: str) -> None:
        raise NotImplementedError

    def report_result(self) -> Any:
        """What File > Export report writes while this tab is shown."""
        return self.result

    def _database(self) -> Path:
        chosen = self.database
        if chosen is None and self.database_source is not None:
            chosen = self.database_source()
        return results_database(chosen)

    # --- the report and the log -------------------------------------------------------------
    def write_report(self, path: str | Path) -> Path:
        """The CLI's HTML client report of the result shown."""
        if self.result is None:
            raise TwinError(f"run or open a {self.noun} first")
        return Path(self.result.report(path))

    def report_dialog(self) -> None:
        if self.result is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Write the HTML report", self.report_file, "HTML (*.html)")
        if path:
            try:
                written = self.write_report(path)
            except TwinError as error:
                self.run_bar.status.setText(f"Report not written: {error}")
                return
            self.run_bar.status.setText(f"Report written to {written}")

    def past_experiments(self) -> list[dict[str, Any]]:
        """Finished experiments of this view's kind in the experiment log, newest first."""
        return past_experiments(self._database(), self.kind)

    def open_experiment_dialog(self) -> None:
        chosen = choose_past_experiment(self, self.past_title, self.past_name_header)
        if chosen is not None:
            self.open_experiment(chosen)
