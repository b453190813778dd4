"""File > Export report...: the HTML client report, written by the same code as the CLI's.

Which result the report shows, in this order:

1. the shown tab's result, if the tab offers one;
2. a comparison from any tab (the Compare view);
3. any other tab's result (a sweep);
4. the run's replications, once all of them are in (the live replication 1 and the
   background ones of the run settings, :mod:`twin_app.gui.replication_control`);
5. otherwise the current scenario's replications, run now in worker processes behind a
   progress dialog that can be cancelled (:func:`twin_app.experiments.run_report.study`).

Replications become a report result through
:func:`twin_app.experiments.run_report.replications_result`, the function behind
``twin-app run --replications N --report``. A tab offers a result by a method
``report_result()`` or an attribute ``result`` holding a
:class:`~twin_app.experiments.compare.CompareResult` or
:class:`~twin_app.experiments.sweep.SweepResult` (None while it has none). The page itself is
:func:`twin_app.experiments.html_report.render_report`, so the app and the CLI write the
same report; the file is written atomically through :mod:`twin_app.io.output_path`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from twin_app.errors import TwinError
from twin_app.experiments.compare import DEFAULT_REPLICATIONS, CompareResult
from twin_app.experiments.html_report import render_report
from twin_app.experiments.sweep import SweepResult
from twin_app.gui.exports import ask_save_path, show_export_error
from twin_app.io.output_path import check_output_path, write_output

Result = CompareResult | SweepResult


def report_result_of(window: Any) -> Result | None:
    """The result File > Export report writes (see the module docstring); None: run one."""
    tabs = [window.tabs.widget(i) for i in range(window.tabs.count())]
    current = window.tabs.currentWidget()
    offered = [(tab, _offered(tab)) for tab in [current, *[t for t in tabs if t is not current]]]
    found = [(tab, result) for tab, result in offered if result is not None]
    if found and found[0][0] is current:
        return found[0][1]
    for _tab, result in found:
        if isinstance(result, CompareResult) and len(result.scenarios) > 1:
            return result
    if found:
        return found[0][1]
    return _offered(window) or run_replications_result(window)


def run_replications_result(window: Any) -> CompareResult | None:
    """The finished run's replications (live replication 1 with its curves, and the background
    ones) as a report result; None until every replication is in, or with a single one."""
    from twin_app.experiments.run_report import replications_result
    from twin_app.experiments.runner import Replication
    from twin_app.experiments.tasks import summary_curves

    control = getattr(window, "run_control", None)
    session = window.session
    background = getattr(control, "background", None)
    if control is None or background is None or getattr(control, "summary", None) is None:
        return None
    info, end = session.run_info, session.run_end
    if info is None or end is None or control.live_kpis is None or session.layout is None:
        return None
    curves = summary_curves(session.collector.result(session.scenario, session.layout, start=0.0))
    first = Replication(info.run_id, info.seed, 0, end.status, control.live_kpis, curves=curves)
    source = str(window.path) if window.path is not None else "<app>"
    return replications_result(
        session.scenario,
        [first, *background.finished()],
        source=source,
        ran_on="the desktop app: replication 1 live, the others in local worker processes",
    )


def export_report(window: Any, path: str | Path, result: Result | None = None) -> Path:
    """Write the report of ``result`` (default: :func:`report_result_of`) to ``path``.

    Raises TwinError when there is nothing to report, OutputPathError for a bad path."""
    result = result if result is not None else report_result_of(window)
    if result is None:
        raise TwinError("there is no comparison or replications result to report yet: run the scenario first")
    return write_output(path, render_report(result), "Export report")


def export_report_dialog(window: Any, *, replications: int | None = None) -> Path | None:
    """Ask where, then write the report; with no result yet, offer to run ``replications``
    (default: the scenario's ``run.replications``, at least 2; else 10) and report them."""
    result = report_result_of(window)
    scenario = window.session.scenario
    count = 0
    if result is None and scenario is None:
        show_export_error(window, "Nothing to report", "Open a scenario (and run it, or compare it) first.")
        return None
    if result is None:
        count = replications or (scenario.run.replications if scenario.run.replications >= 2 else DEFAULT_REPLICATIONS)
        if not _agree_to_run(window, scenario.name or "this scenario", count):
            return None
    name = _stem(_report_name(window, result))
    path = ask_save_path(window, "Export the HTML report", f"{name}.html", "HTML report (*.html)", ".html")
    if path is None:
        return None
    try:
        check_output_path(path, "Export report")  # before minutes of replications, not after
        if result is None:
            result = run_replications_dialog(window, count)
            if result is None:
                return None
        written = export_report(window, path, result)
    except (TwinError, OSError) as error:
        show_export_error(window, "Cannot export the report", str(error))
        return None
    window.notify(f"Report written to {written}", 8000)
    return written


def run_replications_dialog(window: Any, count: int) -> CompareResult | None:
    """Run ``count`` replications of the window's scenario in worker processes behind a
    progress dialog; None when cancelled. Raises TwinError when they cannot run."""
    from twin_app.experiments.run_report import study

    scenario = window.session.scenario
    source = str(window.path) if window.path is not None else "<app>"
    state: dict[str, Any] = {"done": 0, "total": count, "result": None, "error": None}
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        state["done"], state["total"] = done, total
        if cancel.is_set():
            raise _Cancelled

    def work() -> None:
        try:
            state["result"] = study(scenario, count, source=source, on_progress=progress)
        except _Cancelled:
            pass
        except Exception as error:  # shown to the user, never lost in the thread
            state["error"] = error

    dialog = QProgressDialog(f"Running {count} replications for the report...", "Cancel", 0, count, window)
    dialog.setWindowTitle("Export report")
    dialog.setMinimumDuration(0)
    dialog.canceled.connect(cancel.set)
    thread = threading.Thread(target=work, name="report-replications", daemon=True)
    thread.start()
    timer = QTimer(dialog)
    timer.setInterval(100)
    timer.timeout.connect(lambda: dialog.setValue(min(state["done"], count - 1)) if thread.is_alive() else None)
    timer.start()
    dialog.show()
    while thread.is_alive():
        QApplication.processEvents()
        thread.join(0.05)
    cancelled = cancel.is_set()
    timer.stop()
    dialog.canceled.disconnect(cancel.set)  # closing the dialog says 'canceled' too
    dialog.close()
    dialog.deleteLater()
    error = state["error"]
    if isinstance(error, TwinError):
        raise error
    if error is not None:
        raise TwinError(f"the replications failed: {type(error).__name__}: {error}")
    return None if cancelled else state["result"]


class _Cancelled(Exception):
    """Raised from the progress callback to stop the replications."""


def _offered(widget: Any) -> Result | None:
    offer = getattr(widget, "report_result", None)
    result = offer() if callable(offer) else getattr(widget, "result", None)
    return result if isinstance(result, CompareResult | SweepResult) else None


def _agree_to_run(window: Any, name: str, count: int) -> bool:
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Export report")
    box.setText(f"Run {count} replications of {name} for the report?")
    box.setInformativeText(
        "There is no comparison or replications result yet. The report shows every KPI with its "
        "95% confidence interval over the replications; they run in the background."
    )
    run = box.addButton("Run and write the report", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(run)
    box.exec()
    return box.clickedButton() is run


def _report_name(window: Any, result: Result | None) -> str:
    if isinstance(result, CompareResult):
        return "_vs_".join(result.names)
    if isinstance(result, SweepResult):
        return f"sweep_{result.name}"
    path = getattr(window, "path", None)
    return f"{path.stem}_report" if path is not None else "report"


def _stem(text: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text.strip())
    return "_".join(part for part in stem.split("_") if part)[:80] or "report"
