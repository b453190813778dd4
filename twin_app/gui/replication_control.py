"""Run settings in action: the run actually made, its storage, and replications 2..N.

:class:`ReplicationControl` puts the :class:`~twin_app.gui.run_settings.RunSettingsPanel` in
a dock and acts when a run starts from time 0 (:meth:`prepare_run`, called by the window):

- the scenario with the run overrides applied is what the session runs (the file's scenario
  is kept as the base, so the overrides never reach the file);
- the live run is stored in the results database as ``twin-app run`` stores it
  (:class:`~twin_app.experiments.live_record.LiveRecord`; its writer goes with the run into
  the simulation's process): its final status goes in with the KPIs the window computed for
  it, so the history shows the numbers that were shown;
- with N > 1 replications, replications 2..N run meanwhile in background processes
  (:class:`~twin_app.experiments.replications.BackgroundReplications`), their progress and
  ETA in the panel; when all are in, the KPI cards show the mean and 95% CI half-width
  (:func:`ci_card_texts`), the numbers ``twin-app run FILE --replications N --json`` prints.
  A replication 1 stopped by the user (the background ones go on) is left out of that summary,
  and the cards and the panel say so: the charts show it, partial, the cards the others.

Resetting the run or opening another scenario cancels replications still running.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog

from twin_app.errors import TwinError
from twin_app.experiments.live_record import LiveRecord, desktop_origin
from twin_app.experiments.replications import BackgroundReplications, summary
from twin_app.experiments.runner import Replication
from twin_app.gui import theme
from twin_app.gui.docks import dock_action
from twin_app.gui.run_settings import RunSettingsPanel
from twin_app.model.events import RunEnd, RunInfo
from twin_app.model.scenario import Scenario

PROGRESS_MS = 500
"""How often the panel reads the background replications' progress."""


def _mean_ci(node: Any) -> tuple[float, float]:
    if isinstance(node, dict) and "mean" in node:
        mean, half = node.get("mean"), node.get("ci95")
        return (
            float(mean) if isinstance(mean, int | float) else math.nan,
            float(half) if isinstance(half, int | float) else math.nan,
        )
    return math.nan, math.nan


def _at(kpis: dict[str, Any], *path: str) -> Any:
    node: Any = kpis
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def ci_card_texts(
    kpis: dict[str, Any], total: int | None = None, first: str = "completed"
) -> dict[str, tuple[str, str]]:
    """(value, detail) of each KPI card from a summary over replications: the mean, and the
    95% CI half-width with the number of replications (pure, tested directly).

    The rule for a replication that did not complete (``first``: replication 1's status, e.g.
    the user pressed Stop while the background ones ran on): it is left out of the summary,
    as ``twin-app run`` leaves out a stopped replication, and the cards say so ("2 of 3
    replications, replication 1 stopped: left out") while the charts still show it."""
    n = int(kpis.get("replications", 0) or 0)
    tail = f"95% CI, {n} replications" if total is None or n == total else f"95% CI, {n} of {total} replications"
    if first != "completed":
        tail += f"; replication 1 {first}: left out"

    def card(path: tuple[str, ...], value: Any, half: Any) -> tuple[str, str]:
        mean, ci = _mean_ci(_at(kpis, *path))
        shown = value(mean) if math.isfinite(mean) else "--"
        return shown, (f"\u00b1 {half(ci)}  ({tail})" if math.isfinite(ci) else tail)

    def number(digits: int) -> Any:
        return lambda v: f"{v:,.{digits}f}"

    def percent(v: float) -> str:
        return f"{v * 100:.1f} %"

    def points(v: float) -> str:
        return f"{v * 100:.1f} pp"

    return {
        "completed": card(("orders_completed",), number(1), number(1)),
        "throughput": card(("throughput", "per_day"), lambda v: f"{v:,.1f} /day", number(2)),
        "lead_mean": card(("lead_time", "mean"), theme.format_duration, theme.format_duration),
        "lead_p95": card(("lead_time", "p95"), theme.format_duration, theme.format_duration),
        "on_time": card(("on_time_rate",), percent, points),
        "wip": card(("wip", "mean"), number(1), number(2)),
        "cost": card(("cost", "total"), theme.format_money, theme.format_money),
        "revenue": card(("revenue", "total"), theme.format_money, theme.format_money),
        "transport": card(("logistics", "trips"), lambda v: f"{v:,.0f} trips", number(1)),
        "co2": card(("co2", "per_unit"), lambda v: f"{v:,.1f} kg", lambda v: f"{v:,.2f} kg"),
        "energy": card(("energy", "kwh"), lambda v: f"{v:,.0f} kWh", number(0)),
        "quality": card(("quality", "scrap_rate"), lambda v: f"scrap {percent(v)}", points),
    }


STORE_JOIN_SECONDS = 5.0
"""How long closing the window waits for the run's final KPIs being stored."""


class ReplicationControl(QObject):
    """Run settings, storage and background replications of a MainWindow (module docstring)."""

    run_stored = Signal(str)  # run id: a run (live or background) is in the results database
    summarised = Signal(object)  # the KPI summary over the replications (twin-app run --json's)
    _stored = Signal(str, str)  # run id, error ('' when stored): from the storing thread

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.store_runs = True
        """Store every run in the results database (benchmarks turn it off)."""
        self.base: Scenario | None = None
        """The scenario as opened (or edited): the overrides are applied to it, never saved into it."""
        self.record: LiveRecord | None = None
        self.background: BackgroundReplications | None = None
        self.replications = 1
        self.live_kpis: dict[str, Any] | None = None
        self.summary: dict[str, Any] | None = None
        self._reported: set[int] = set()
        self._storing: threading.Thread | None = None
        """Stores the ended run's final KPIs (see :meth:`_store`)."""
        self._storing_record: LiveRecord | None = None
        self._stored.connect(self._on_stored)

        self.panel = RunSettingsPanel()
        self.panel.set_database(self.database)
        self.panel.cancel_requested.connect(self.cancel)
        self.panel.database_change_requested.connect(self._choose_database)
        self.panel.changed.connect(lambda: self.panel.show_problem(""))
        dock = QDockWidget("Run settings", window)
        dock.setObjectName("RunSettingsDock")
        dock.setWidget(self.panel)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        window.tabifyDockWidget(window.start_dock, dock)  # a tab beside the library: no width taken from the views
        window.start_dock.raise_()
        self.dock = dock
        dock_action(window, dock, "Run &settings", "Ctrl+Shift+R", window.controls.view_menu)

        self.timer = QTimer(self)
        self.timer.setInterval(PROGRESS_MS)
        self.timer.timeout.connect(self._poll_background)
        window.scenario_loaded.connect(self._on_scenario_loaded)
        window.scenario_saved.connect(self.panel.set_path)
        window.state_changed.connect(self._on_state)
        window.bridge.started.connect(self._on_started)
        window.bridge.ended.connect(self._on_ended)
        window.bridge.polled.connect(self._after_poll)

    # -- settings ---------------------------------------------------------------------------------

    @property
    def database(self) -> Path:
        return Path(self.window.settings.results_db)

    def _choose_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Results database", str(self.database), "SQLite databases (*.sqlite *.db);;All files (*)"
        )
        if path:
            self.window.settings.results_db = path
            self.panel.set_database(Path(path))

    def _on_scenario_loaded(self, path: Path | None) -> None:
        self.base = self.window.scenario
        self.panel.set_scenario(self.base, path)

    # -- a run starts -------------------------------------------------------------------------------

    def prepare_run(self) -> bool:
        """Called before a run starts from time 0: apply the overrides, start storing it and
        the background replications. False (and the problem shown) if the settings cannot run."""
        window = self.window
        base = self.base if self.base is not None else window.scenario
        if base is None:
            return False
        overrides = self.panel.overrides()
        source = window.path.name if window.path is not None else (base.name or "the scenario")
        try:
            scenario = overrides.apply(base, source)
        except TwinError as error:
            self.panel.show_problem(str(error))
            window.show_error("Run settings", str(error))
            return False
        self.panel.show_problem("")
        self._forget_run()
        if scenario is not window.scenario:
            window.show_run_scenario(scenario)
        self.replications = overrides.values(base)["replications"]
        origin = desktop_origin(window.path, bool(window.modified))
        if self.store_runs:
            try:
                self.record = LiveRecord(self.database, scenario, origin)
            except TwinError as error:
                window.notify(f"This run is not stored: {error}", 8000)
            else:
                window.session.extra_observers.append(self.record.writer)
        if self.replications > 1:
            self.background = BackgroundReplications(
                scenario,
                self.replications,
                seed=scenario.run.seed,
                origin=origin,
                database=self.database if self.record is not None else None,  # stored where the live one is
            )
            self.background.start()
            self.timer.start()
        self._show_progress()
        return True

    def _forget_run(self) -> None:
        """Drop what belonged to the previous run (its writer, its replications, its summary)."""
        session = self.window.session
        if self.record is not None and self.record.writer in session.extra_observers:
            session.extra_observers.remove(self.record.writer)
        self.record = None
        self.cancel()
        self.background = None
        self.live_kpis = None
        self.summary = None
        self._reported = set()
        self.window.kpi_view.set_replication_texts(None)

    # -- the run goes on -----------------------------------------------------------------------------

    def _on_state(self, state: str) -> None:
        if state in ("ready", "empty"):  # reset, or another scenario: this run is over
            self._forget_run()
            self.replications = 1
            self._show_progress()

    def _on_started(self, info: RunInfo) -> None:
        if self.record is not None:
            self.record.started(info)

    def _on_ended(self, end: RunEnd) -> None:
        session = self.window.session
        if self.record is not None and self.record.writer in session.extra_observers:
            session.extra_observers.remove(self.record.writer)
        self._after_poll()

    def _after_poll(self) -> None:
        """Once the ended run's final KPIs are computed: store them, and summarise."""
        session = self.window.session
        end = session.run_end
        if end is None or self.live_kpis is not None or session.state not in ("finished", "failed"):
            return
        if self.record is None and self.background is None:
            return
        analysis = session.analysis
        if analysis is None or not session.fresh(("kpis",)):
            if "kpis" not in session.wanted:
                session.want((*session.wanted, "kpis"))  # the final figures must include the KPIs
            return
        self.live_kpis = analysis.kpis
        record = self.record
        if record is not None and record.run_id and not record.stored and record is not self._storing_record:
            self._store(record, end, self.live_kpis)
        self._summarise()

    def _store(self, record: LiveRecord, end: RunEnd, kpis: dict[str, Any]) -> None:
        """The run's status and final KPIs into the results database, on a thread of its own:
        on the GUI thread the write opened the file as the simulation's writer was closing it
        and waited for its lock (``results_db`` in the bench's longest gaps at a run's end)."""

        def store() -> None:
            try:
                record.complete(end, kpis)
            except Exception as error:  # (the window says so: a run not stored loses nothing shown)
                text = str(error) if isinstance(error, TwinError) else f"{type(error).__name__}: {error}"
                self._stored.emit(record.run_id, text)
            else:
                self._stored.emit(record.run_id, "")

        self._storing_record = record
        self._storing = threading.Thread(target=store, name="store-final-kpis", daemon=True)
        self._storing.start()

    def _on_stored(self, run_id: str, error: str) -> None:
        if error:
            self.window.notify(f"The run's KPIs could not be stored: {error}", 8000)
        else:
            self.run_stored.emit(run_id)

    def wait_stored(self, timeout: float = STORE_JOIN_SECONDS) -> None:
        """Wait for the run's final KPIs being stored, if they are (the window closes)."""
        storing = self._storing
        if storing is not None:
            storing.join(timeout)

    def _poll_background(self) -> None:
        background = self.background
        if background is None:
            self.timer.stop()
            return
        for result in background.finished():
            if result.replication not in self._reported and result.run_id:
                self._reported.add(result.replication)
                self.run_stored.emit(result.run_id)
        if background.error is not None:
            self.window.show_error("Background replications failed", background.error)
            background.error = None
        if not background.running:
            self.timer.stop()
            self._summarise()
        self._show_progress()

    def cancel(self) -> None:
        """Stop the background replications (finished ones count; the others are stored 'stopped')."""
        if self.background is not None and self.background.running:
            self.background.cancel()
            self._show_progress()

    def _show_progress(self) -> None:
        total = self.replications
        background = self.background
        live_done = 1 if self.live_kpis is not None else 0
        if background is None:
            self.panel.set_progress(live_done if total > 1 else 0, total if total > 1 else 0, None, False)
            return
        progress = background.progress()
        note = "cancelled" if background.cancelled else ("replication 1 is the live run" if not live_done else "")
        if self.summary is not None:
            n = self.summary.get("replications", 0)
            note = f"KPI cards: mean \u00b1 95% CI over {n} replications; charts and table: replication 1"
            end = self.window.session.run_end
            if end is not None and end.status != "completed":
                note = (
                    f"KPI cards: mean \u00b1 95% CI over {n} of {total} replications; replication 1 was "
                    f"{end.status} and is left out of them; charts and table: replication 1 as far as it ran"
                )
        self.panel.set_progress(live_done + progress.done, total, progress.eta_seconds, progress.running, note)

    def _summarise(self) -> None:
        """When replication 1 and the background ones are all in: the cards over all of them."""
        background = self.background
        if self.live_kpis is None or background is None or background.running or self.summary is not None:
            self._show_progress()
            return
        session = self.window.session
        end = session.run_end
        info = session.run_info
        first = Replication(
            info.run_id if info is not None else "",
            info.seed if info is not None else 0,
            0,
            end.status if end is not None else "failed",
            self.live_kpis,
        )
        result = summary(first, background.finished())
        if int(result.get("replications", 0) or 0) >= 2:
            self.summary = result
            cards = self.window.kpi_view.cards
            texts = {k: v for k, v in ci_card_texts(result, self.replications, first.status).items() if k in cards}
            self.window.kpi_view.set_replication_texts(texts)
            self.summarised.emit(result)
        self._show_progress()

    def close(self) -> None:
        """The window closes: the run's final KPIs stored, the background replications stopped
        and waited for briefly."""
        self.wait_stored()
        if self.background is not None:
            self.background.cancel()
            self.background.join(10.0)
