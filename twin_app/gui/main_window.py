"""The main window: open a scenario, run it live, and watch five views fill.

The run itself lives in a Qt-free :class:`~twin_app.experiments.session.RunSession` (the
simulation in a process of its own, the event collector, the analyses in another process,
the state machine); a :class:`~twin_app.gui.bridge.SessionBridge` polls it at ~30 Hz. This
window only draws: each tab is a :class:`~twin_app.gui.view.View`, the Gantt gets every batch,
the map the live state, and the shown view the analysis parts it needs when they are ready.
While a view's figures are being computed, an 'Updating' badge says so.

Files (open, save, recent, drop, asking before an unfinished run is lost) are in
:mod:`twin_app.gui.files`, presentation mode and the dark theme in
:mod:`twin_app.gui.presentation`, the actions and bars in :mod:`twin_app.gui.controls`, the
remembered settings and the pace controls in :mod:`twin_app.gui.window_settings`, and the
status line, busy badge and dialogs in :mod:`twin_app.gui.window_messages`. Every failure (a
bad file, an exception in a worker, a run that ended 'failed') is shown in a dialog and
emitted as :attr:`MainWindow.error_shown`.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QStyle, QTabWidget

from twin_app.experiments.analysis_process import Finished
from twin_app.experiments.live_state import LiveState
from twin_app.experiments.session import Batch, RunSession
from twin_app.gui import chart_turns, theme, widget_style
from twin_app.gui.bottleneck_view import BottleneckView
from twin_app.gui.bridge import SessionBridge
from twin_app.gui.controls import build_controls, enable_for, tint_glyphs
from twin_app.gui.decisions import connect_decisions, decision_views
from twin_app.gui.docks import dock_action
from twin_app.gui.editor.link import EditorLink
from twin_app.gui.editor.view import EditorView
from twin_app.gui.exports import install_exports
from twin_app.gui.files import FileActions
from twin_app.gui.focus_return import FocusReturn
from twin_app.gui.gantt_view import GanttView
from twin_app.gui.history_view import HistoryDock
from twin_app.gui.kpi_view import KpiView
from twin_app.gui.late_runs import LateRuns
from twin_app.gui.limit_advice import limit_advice
from twin_app.gui.network_map import NetworkMapView
from twin_app.gui.paint_once import settle_shown_page
from twin_app.gui.presentation import Presentation
from twin_app.gui.replication_control import ReplicationControl
from twin_app.gui.settings import AppSettings
from twin_app.gui.start_page import StartPage
from twin_app.gui.utilisation_view import UtilisationView
from twin_app.gui.view import RunContext, View, ViewUpdate
from twin_app.gui.window_messages import WindowMessages
from twin_app.gui.window_settings import DEFAULT_SIZE, WindowSettings
from twin_app.model.events import EventBatch, RunEnd, RunInfo
from twin_app.model.scenario import Scenario
from twin_app.samples import SAMPLES_DIR

CLOCK_TO_VIEW_SECONDS = 1.0
"""How often the shown view is told the run's clock while nothing else changes (its lines of how
far its figures are behind follow it)."""

VIEW_NAMES = ("map", "gantt", "utilisation", "bottlenecks", "kpis", "compare", "sweep", "editor")


class MainWindow(FileActions, Presentation, WindowSettings, WindowMessages, QMainWindow):
    """Cloud Factory Twin's main window (see the module docstring)."""

    error_shown = Signal(str, str)  # message, details
    scenario_loaded = Signal(object)  # Path | None
    scenario_saved = Signal(object)  # Path: the scenario shown now lives in this file
    state_changed = Signal(str)
    views_refreshed = Signal()

    def __init__(
        self,
        settings: AppSettings | None = None,
        *,
        samples_dir: Path | None = None,
        session: RunSession | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings if settings is not None else AppSettings()
        theme.use(theme.DARK if self.settings.dark_theme else theme.LIGHT)
        self.samples_dir = samples_dir if samples_dir is not None else SAMPLES_DIR
        self.session = session if session is not None else RunSession()
        self.path: Path | None = None
        self.modified = False
        self.run_context: RunContext | None = None
        self._drawn: dict[str, tuple[Any, ...]] = {}
        """The figures (analysis parts) each view last drew, so a tab switch redraws only new ones."""
        self._last_state = ""

        self.setWindowTitle("Cloud Factory Twin")
        self.setAcceptDrops(True)
        self.resize(*DEFAULT_SIZE)  # (on a smaller screen, its size: see _restore_settings)

        self.bridge = SessionBridge(self.session, self)
        self.bridge.batch.connect(self._on_batch)
        self.bridge.ended.connect(self._on_ended)
        self.bridge.failed.connect(self._on_failed)
        self.bridge.live.connect(self._on_live)
        self.bridge.analysed.connect(self._on_analysed)
        self.bridge.polled.connect(self._after_poll)

        self._clock_told = 0.0
        """When the shown view was last told the clock (:meth:`_after_poll`)."""
        self._unstyled: list[Any] = []
        """Views the last theme change has not restyled yet (hidden; restyled in idle turns)."""
        self._restyle_timer = QTimer(self)
        self._restyle_timer.setSingleShot(True)
        self._restyle_timer.setInterval(0)
        self._restyle_timer.timeout.connect(self._restyle_next)
        self._refresh_timer = QTimer(self)
        """Draws the newest figures in a view the user just switched to, in the turn after the
        switch (see :meth:`_on_tab_changed`)."""
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(lambda: self._refresh_current(in_turns=True))
        self.late_runs = LateRuns(self)
        """Hidden views take an opened scenario in idle turns (File > Open); flushed before use."""
        self._build_views()
        self.controls = build_controls(self, tuple(v.title for v in self.views()))
        self.view_actions = self.controls.views
        self.clock = self.controls.clock
        self._build_start_dock()
        self.run_control = ReplicationControl(self)  # run settings, storage, replications 2..N
        self.history = HistoryDock(self)
        self.editor_link = EditorLink(self)  # the editor tab follows the file and the run; Save writes its document
        self._build_tour_bar()
        self._build_messages()  # the busy badge, the event-rate timer
        self._connect_pace()
        self.scenario_loaded.connect(lambda _path: self._update_state_label())  # the new scenario's name
        self._restore_settings()
        self.apply_theme()
        self.update_recent_menu()
        self._after_poll()
        install_exports(self)  # File > Export view / Save screenshot / Export report; tables: Copy, CSV
        connect_decisions(self)  # history's "Pin to compare", the editor's "Sweep this field..."
        self.focus_return = FocusReturn(self)  # the keyboard comes back when a dialog closes (no WM)

    # =========================================================================================
    # Construction
    # =========================================================================================

    def _build_views(self) -> None:
        self.map_view = NetworkMapView()
        self.gantt_view = GanttView()
        self.utilisation_view = UtilisationView()
        self.bottleneck_view = BottleneckView()
        self.kpi_view = KpiView()
        self.editor_view = EditorView()  # the scenario editor (twin_app.gui.editor)
        self.compare_view, self.sweep_view = decision_views(self)  # decisions: compare and sweep
        self.tabs = QTabWidget()
        for view in self.views():
            self.tabs.addTab(view, view.title)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)
        self.map_view.mode_buttons.buttonClicked.connect(
            lambda b: setattr(self.settings, "map_color_mode", str(b.property("mode")))
        )
        self.gantt_view.order_clicked.connect(self._on_order_clicked)

    def _build_start_dock(self) -> None:
        self.start_page = StartPage(self.samples_dir)
        self.start_page.open_requested.connect(self.open_scenario)
        dock = QDockWidget("Library", self)
        dock.setObjectName("LibraryDock")
        dock.setWidget(self.start_page)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        dock.setMinimumWidth(260)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        self.resizeDocks([dock], [300], Qt.Orientation.Horizontal)
        self.start_dock = dock
        dock_action(self, dock, "&Library (samples and recent files)", "Ctrl+L", self.controls.view_menu)
        self.start_page.set_recent(self.settings.recent_files)

    def views(self) -> list[Any]:
        return [
            self.map_view,
            self.gantt_view,
            self.utilisation_view,
            self.bottleneck_view,
            self.kpi_view,
            self.compare_view,
            self.sweep_view,
            self.editor_view,
        ]

    def view_widget(self, name: str) -> Any:
        """The view called ``name`` (one of VIEW_NAMES)."""
        if name not in VIEW_NAMES:
            raise ValueError(f"unknown view {name!r}; use one of {', '.join(VIEW_NAMES)}")
        return self.views()[VIEW_NAMES.index(name)]

    def current_view(self) -> View:
        return self.views()[self.tabs.currentIndex()]

    def show_view(self, name: str) -> None:
        """Show view ``name`` with the newest figures drawn now (scripts, tests, the tour): its
        charts too, not in turns after the page (see :mod:`~twin_app.gui.chart_turns`)."""
        self.tabs.setCurrentIndex(VIEW_NAMES.index(name))
        self._refresh_current()
        chart_turns.flush()

    def apply_theme(self) -> None:
        """Restyle every widget and view for the active theme and font scale: the shown view
        now, the hidden ones one at a time in the event loop's idle turns (or when shown, if
        sooner). Restyling all eight at once (their plots' axes, the map's labels, the Gantt's
        row names) held the window 0.2-0.5 s on F5, Esc and the dark theme."""
        views = self.views()
        current = views[self.tabs.currentIndex()] if hasattr(self, "tabs") else None
        hidden = tuple(v for v in views if v is not current)
        docks = tuple(dock for dock in self.findChildren(QDockWidget) if dock.isHidden())  # sized when shown
        widget_style.restyle(self, skip=hidden, type_skip=docks)  # the style sheet, the plots outside the hidden views
        if hasattr(self, "controls"):
            tint_glyphs(self.controls, self, self.session)
        self._unstyled = list(hidden)
        if current is not None:
            current.restyle()
        self._restyle_timer.start()

    def _restyle_next(self) -> None:
        """Restyle one hidden view (an idle turn of the event loop), then wait for the next turn."""
        if self._unstyled:
            self._restyle_view(self._unstyled[0])
        if self._unstyled:
            self._restyle_timer.start()

    def _restyle_view(self, view: Any) -> None:
        if view in self._unstyled:
            self._unstyled.remove(view)
            widget_style.take_type(view)
            theme.restyle_plots(view)
            view.restyle()

    # =========================================================================================
    # The scenario
    # =========================================================================================

    @property
    def scenario(self) -> Scenario | None:
        return self.session.scenario

    def set_scenario(self, scenario: Scenario, path: Path | None = None) -> None:
        """Show ``scenario`` (discarding any run without asking: scripts and tests)."""
        self.show_scenario(scenario, path)

    def show_scenario(self, scenario: Scenario, path: Path | None = None, *, late: bool = False) -> None:
        """Show ``scenario``; the run in progress, if any, is discarded (callers ask first).
        With ``late`` (File > Open) the hidden views take it in idle turns (:class:`LateRuns`)."""
        self.loading_scenario = True  # state changes on the way are the new scenario's, not edits to apply
        try:
            self._show_scenario(scenario, path, late)
        finally:
            self.loading_scenario = False

    def _show_scenario(self, scenario: Scenario, path: Path | None, late: bool = False) -> None:
        self._stop_worker()
        self.session.open(scenario)
        assert self.session.layout is not None and self.session.network is not None
        self.path = path
        self.modified = False
        self.run_context = RunContext.build(scenario, self.session.layout, self.session.network)
        shown = self.current_view() if late and self.isVisible() else None
        self.late_runs.give(self.run_context, self.views(), shown)
        self._drawn.clear()
        self._reset_clock()
        self.update_title()
        self._after_poll()
        self.scenario_loaded.emit(path)

    def show_run_scenario(self, scenario: Scenario) -> None:
        """Run ``scenario`` (the shown one with run overrides applied) in place of the shown one,
        before a run starts: the views take it, the file and its title stay as they are."""
        self.session.open(scenario)
        assert self.session.layout is not None and self.session.network is not None
        self.run_context = RunContext.build(scenario, self.session.layout, self.session.network)
        self.late_runs.give_now(self.run_context, self.views())
        self._drawn.clear()
        self._reset_clock()

    def update_title(self) -> None:
        scenario = self.session.scenario
        if scenario is None:
            self.setWindowTitle("Cloud Factory Twin")
            return
        name = scenario.name or (self.path.stem if self.path else "untitled")
        file = f" [{self.path.name}]" if self.path else ""
        self.setWindowTitle(f"{name}{'*' if self.modified else ''}{file} - Cloud Factory Twin")

    # =========================================================================================
    # Run control
    # =========================================================================================

    @property
    def state(self) -> str:
        return self.session.state

    def toggle_run(self) -> None:
        """Space: run or pause; after Stop (or the end) it says that Reset starts over."""
        if self.session.state in ("finished", "failed"):
            self.notify("The run has ended: Ctrl+R resets it to time 0, then Space runs it again.", 6000)
            return
        self.late_runs.flush()  # every view has the scenario before its first batch
        if self.session.state == "ready" and not self.run_control.prepare_run():
            return
        self.session.toggle()
        self._after_poll()

    def run(self, pause_at: float | None = None) -> None:
        """Run (or continue) the simulation live, pausing at ``pause_at`` if given."""
        self.late_runs.flush()
        if self.session.state == "ready" and not self.run_control.prepare_run():
            return
        self.session.run(pause_at)
        self._after_poll()

    def pause(self) -> None:
        self.session.pause()
        self._after_poll()

    def step(self) -> None:
        """Process the next single event (pausing a running simulation first)."""
        self.late_runs.flush()
        if self.session.state == "ready" and not self.run_control.prepare_run():
            return
        self.session.step()
        self._after_poll()

    def stop(self) -> None:
        """End the run (its results stay on screen until reset)."""
        self.session.stop()
        self._after_poll()

    def reset(self, *, ask: bool = True) -> None:
        """Discard the run and go back to time 0 with the same scenario. With ``ask``, a run still
        going is discarded only if the user agrees (a stopped or finished one resets at once)."""
        if self.session.scenario is None or (ask and not self.confirm_discard("Resetting to time 0")):
            return
        self.late_runs.flush()
        self._stop_worker()
        self.session.reset()
        self.late_runs.clear(self.views(), self.current_view())  # the hidden views in idle turns
        self._drawn.clear()
        self._reset_clock()
        self._after_poll()

    def _stop_worker(self) -> None:
        self.session.discard(wait=False)  # (if it has to be killed, the session says so later)
        self.late_runs.release_later()  # the run's memory, once the views have let go of it too
        self.bridge.reset_counts()

    def _discard_run(self) -> None:
        """Stop the worker and forget the run (tests and scripts clean up with this)."""
        self._stop_worker()

    # =========================================================================================
    # What the session reports
    # =========================================================================================

    def _on_batch(self, batch: EventBatch) -> None:
        self.late_runs.flush(self.gantt_view)  # (a stored run's batches come without Run)
        self.gantt_view.update(ViewUpdate(batch.now, batch=batch))
        self._update_clock()

    def _on_live(self, live: LiveState) -> None:
        if self.current_view() is self.map_view:
            self.map_view.update(ViewUpdate(self.session.now, live=live))

    def _on_analysed(self, finished: Finished) -> None:
        self._refresh_current(in_turns=True)

    def _on_ended(self, end: RunEnd) -> None:
        self._update_clock()
        if end.status == "failed":
            self.show_error("The simulation failed", end.message or "The run ended with status 'failed'.", "")
        elif end.message:  # a limit of the run's budget stopped it (twin_app.sim.watchdog)
            self.show_error("The run stopped at a limit", limit_advice(end.message).text(), "")

    def _on_failed(self, message: str, details: str) -> None:
        self.show_error("The simulation failed", message, details)

    def _after_poll(self) -> None:
        """State, actions and the busy badge, after every poll and command."""
        state = self.session.state
        changed = state != self._last_state
        if changed:
            self._last_state = state
            enable_for(self.controls, self, self.session)
            self._update_state_label()
            self.kpi_view.set_settled(state not in ("running", "stopping"))
            self.state_changed.emit(state)
        for notice in self.session.take_notices():
            self.notify(notice, 5000)
        view = self.current_view()
        if changed or time.monotonic() - self._clock_told >= CLOCK_TO_VIEW_SECONDS:
            # The figures' lines ("the run is at X: figures up to Y") follow the clock and the
            # run's end, not only new figures: the trial read "the run is at 18d" after the run
            # had completed at 28d, its final figures still being worked out.
            self._clock_told = time.monotonic()
            view.update(ViewUpdate(self.session.now))
        busy = self.session.analysing(view.needs)
        self._show_busy(busy)

    def _on_tab_changed(self, index: int) -> None:
        self.settings.current_view = index
        view = self.current_view()
        chart_turns.defer(self.tabs.currentWidget())  # the page first, then a chart a turn
        self.late_runs.flush(view)  # the shown scenario, before it paints
        self._restyle_view(view)  # in the theme of the window before it paints
        self.session.want(view.needs)
        # The view paints first with the figures it has, and draws the newest in the next turn:
        # on the large network, switching to the KPI tab and drawing a whole new analysis there
        # in one turn held the window 150-210 ms, twice the switch alone.
        self._refresh_timer.start()
        if view is self.map_view and self.session.live is not None:
            self.map_view.update(ViewUpdate(self.session.now, live=self.session.live))
        self._after_poll()
        settle_shown_page()  # one paint of the page, not one per child widget

    def _refresh_current(self, *, in_turns: bool = False) -> None:
        """Draw the newest analysis in the shown view if it has the view's parts and is new to it
        (``in_turns``: the view may draw it a part per turn, see :class:`ViewUpdate`)."""
        view = self.current_view()
        analysis = self.session.analysis
        required = getattr(view, "required", view.needs)  # (the KPIs draw before their money comes)
        if not view.needs or analysis is None or analysis.missing(required):
            return
        name = VIEW_NAMES[self.tabs.currentIndex()]
        # The figures merge two processes' answers: redraw only if this view's parts are new.
        drawn = tuple(getattr(analysis, p) if analysis.has(p) else None for p in view.needs)
        last = self._drawn.get(name, ())
        if len(last) == len(drawn) and all(a is b for a, b in zip(last, drawn, strict=True)):
            return
        self._drawn[name] = drawn
        view.update(ViewUpdate(self.session.now, analysis=analysis, in_turns=in_turns))
        self.views_refreshed.emit()

    def refresh_views(self) -> None:
        """Compute every view's figures now, on this thread, and draw them (scripts, screenshots)."""
        self.late_runs.flush()
        parts = [p for v in self.views() for p in v.needs]
        analysis = self.session.analyse_now(parts)
        if analysis is None:
            return
        for name, view in zip(VIEW_NAMES, self.views(), strict=True):
            if view.needs:
                self._drawn[name] = tuple(getattr(analysis, part) for part in view.needs)
                view.update(ViewUpdate(self.session.now, analysis=analysis, live=self.session.live))
        self.views_refreshed.emit()

    def _on_order_clicked(self, order: int) -> None:
        self.gantt_view.highlight_order(order if order >= 0 else None)
        if order < 0 or self.run_context is None:
            return
        orders = self.session.collector.orders
        hit = orders[orders["order"] == order]
        if len(hit):
            o = hit[0]
            products = self.run_context.layout.products
            product = products[o["product"]] if 0 <= o["product"] < len(products) else "?"
            done = theme.format_clock(float(o["completed"])) if math.isfinite(o["completed"]) else "open"
            self.notify(
                f"Order {order}: {product} x{o['quantity']:.0f}, released {theme.format_clock(float(o['release']))}, "
                f"due {theme.format_clock(float(o['due']))}, delivered {done}",
                8000,
            )

    # =========================================================================================
    # The run's figures, read through the session (scripts, tests, exports)
    # =========================================================================================

    @property
    def now(self) -> float:
        return self.session.now

    @property
    def events_ingested(self) -> int:
        return self.session.events_ingested

    @property
    def collector(self) -> Any:
        return self.session.collector

    @property
    def run_end(self) -> RunEnd | None:
        return self.session.run_end

    @property
    def run_info(self) -> RunInfo | None:
        return self.session.run_info

    @property
    def last_error(self) -> tuple[str, str] | None:
        return self.session.last_error

    # =========================================================================================
    # Synchronous running (capture, benchmarks, tests)
    # =========================================================================================

    def run_to(self, until: float) -> RunEnd | None:
        """Simulate on the GUI thread up to ``until`` (or the end), end the run there and
        refresh every view. For screenshots and scripts. Returns the RunEnd."""
        if self.session.scenario is None:
            raise RuntimeError("open a scenario first")
        self.reset(ask=False)
        self.late_runs.flush()  # every view cleared before it takes the run's batches
        for update in self.session.run_to(until):
            if isinstance(update, Batch):
                self.gantt_view.update(ViewUpdate(update.batch.now, batch=update.batch))
        self._update_clock()
        self.refresh_views()
        self._after_poll()
        return self.session.run_end


def app_icon() -> QIcon:
    """The window icon (the standard computer icon until we ship our own)."""
    app = QApplication.instance()
    style = app.style() if isinstance(app, QApplication) else None
    return style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon) if style else QIcon()
