"""The main window: open a scenario, run it live, and watch five views fill.

The window owns the run: a :class:`~twin_app.gui.worker.SimRunner` on a worker thread, the
:class:`~twin_app.gui.worker.SimBridge` that drains its queue at ~30 Hz, and the
:class:`~twin_app.analysis.collector.EventCollector` fed by the drained batches. The Gantt
receives every batch as it arrives; the other views refresh from ``collector.result()`` at a
few Hz, and only the visible one (a refresh that costs t is not repeated sooner than ~4 t, so
the GUI stays responsive however long the run gets).

States of a run: 'empty' (no scenario), 'ready' (nothing simulated yet), 'running', 'paused',
'stopping', 'finished', 'failed'. Every failure (a bad file, an exception in the worker, a run
that ended 'failed') is shown to the user in a dialog and emitted as :attr:`error_shown`.
"""

from __future__ import annotations

import math
import queue
import time
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSlider,
    QStyle,
    QTabWidget,
    QToolBar,
    QWidget,
)

from twin_app.analysis.collector import EventCollector
from twin_app.analysis.result import RunResult
from twin_app.errors import ScenarioError, TwinError
from twin_app.gui import theme
from twin_app.gui.bottleneck_view import BottleneckView
from twin_app.gui.kpi_view import KpiView
from twin_app.gui.network_map import NetworkMapView
from twin_app.gui.settings import AppSettings
from twin_app.gui.start_page import StartPage
from twin_app.gui.utilisation_view import UtilisationView
from twin_app.gui.worker import SimBridge, SimRunner, SimulationFactory, default_factory
from twin_app.io.scenario_file import load_scenario, save_scenario
from twin_app.model.events import EventBatch, RunEnd, RunInfo, RunObserver
from twin_app.model.layout import Layout
from twin_app.model.network import Network
from twin_app.model.scenario import Scenario
from twin_app.samples import SAMPLES_DIR

VIEW_NAMES = ("map", "gantt", "utilisation", "bottlenecks", "kpis")
VIEW_TITLES = ("Network map", "Gantt", "Utilisation", "Bottlenecks", "KPIs")

SPEED_MIN, SPEED_MAX = 1.0, 100_000.0
"""Paced speed range in simulated minutes per wall-clock second."""

MIN_REFRESH_MS = 300
"""Fastest refresh of the analysis views while running (the Gantt updates every frame)."""


def _speed_to_slider(speed: float) -> int:
    span = math.log10(SPEED_MAX / SPEED_MIN)
    return round(1000 * math.log10(max(SPEED_MIN, min(SPEED_MAX, speed)) / SPEED_MIN) / span)


def _slider_to_speed(value: int) -> float:
    """Slider position to a speed rounded to two significant digits (60, 120, 1500...)."""
    span = math.log10(SPEED_MAX / SPEED_MIN)
    raw = SPEED_MIN * 10 ** (value / 1000 * span)
    return float(f"{raw:.2g}")


def _make_gantt() -> QWidget:
    """The Gantt view of twin_app.gui.gantt."""
    from twin_app.gui.gantt import GanttView

    return GanttView()


class MainWindow(QMainWindow):
    """Cloud Factory Twin's main window (see the module docstring)."""

    error_shown = Signal(str, str)  # message, details
    scenario_loaded = Signal(object)  # Path | None
    state_changed = Signal(str)
    views_refreshed = Signal()

    def __init__(
        self,
        settings: AppSettings | None = None,
        *,
        samples_dir: Path | None = None,
        factory_builder: Any = None,
    ) -> None:
        super().__init__()
        theme.configure_pyqtgraph()
        self.settings = settings if settings is not None else AppSettings()
        self.samples_dir = samples_dir if samples_dir is not None else SAMPLES_DIR
        self._factory_builder = factory_builder or default_factory
        """(scenario) -> SimulationFactory; tests swap in a failing one."""
        self.extra_observers: list[RunObserver] = []
        """Extra observers attached to every new run (tests use this to inject failures)."""

        self.scenario: Scenario | None = None
        self.path: Path | None = None
        self.layout_: Layout | None = None
        self.network: Network | None = None
        self.modified = False
        self.state = "empty"
        self.runner: SimRunner | None = None
        self.collector = EventCollector()
        self.run_info: RunInfo | None = None
        self.run_end: RunEnd | None = None
        self.last_error: tuple[str, str] | None = None
        self.now = 0.0
        self.events_ingested = 0
        self._stale: set[str] = set()
        self._refresh_interval_ms = MIN_REFRESH_MS
        self._last_refresh = 0.0
        self._events_mark = (time.perf_counter(), 0)
        self._events_rate = 0.0

        self.setWindowTitle("Cloud Factory Twin")
        self.setAcceptDrops(True)
        self.resize(1500, 940)
        self.setStyleSheet(theme.STYLE_SHEET)

        self.bridge = SimBridge(self)
        self.bridge.started.connect(self._on_started)
        self.bridge.batch.connect(self._on_batch)
        self.bridge.ended.connect(self._on_ended)
        self.bridge.paused_at.connect(self._on_paused_at)
        self.bridge.failed.connect(self._on_failed)

        self._build_views()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._build_start_dock()

        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.timeout.connect(self._refresh_tick)
        self.rate_timer = QTimer(self)
        self.rate_timer.setInterval(1000)
        self.rate_timer.timeout.connect(self._update_rate)
        self.rate_timer.start()

        self._restore_settings()
        self._set_state("empty")

    # =========================================================================================
    # Construction
    # =========================================================================================

    def _build_views(self) -> None:
        self.map_view = NetworkMapView()
        self.gantt_view = _make_gantt()
        self.utilisation_view = UtilisationView()
        self.bottleneck_view = BottleneckView()
        self.kpi_view = KpiView()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        for widget, title in zip(self.views(), VIEW_TITLES, strict=True):
            self.tabs.addTab(widget, title)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)
        self.map_view.mode_buttons.buttonClicked.connect(
            lambda b: setattr(self.settings, "map_color_mode", str(b.property("mode")))
        )
        order_clicked = getattr(self.gantt_view, "order_clicked", None)
        if order_clicked is not None:
            order_clicked.connect(self._on_order_clicked)

    def views(self) -> list[QWidget]:
        return [self.map_view, self.gantt_view, self.utilisation_view, self.bottleneck_view, self.kpi_view]

    def view_widget(self, name: str) -> QWidget:
        """The view called ``name`` (one of VIEW_NAMES)."""
        if name not in VIEW_NAMES:
            raise ValueError(f"unknown view {name!r}; use one of {', '.join(VIEW_NAMES)}")
        return self.views()[VIEW_NAMES.index(name)]

    def show_view(self, name: str) -> None:
        self.tabs.setCurrentIndex(VIEW_NAMES.index(name))

    def _action(
        self, text: str, slot: Any, shortcuts: tuple[str, ...] = (), icon: Any = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setToolTip(f"{tip or text} ({', '.join(shortcuts)})" if shortcuts else (tip or text))
        action.setStatusTip(tip or text)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.open_action = self._action(
            "&Open...", self.open_dialog, ("Ctrl+O",), sp.SP_DialogOpenButton, "Open a scenario file"
        )
        self.save_action = self._action("&Save", self.save, ("Ctrl+S",), sp.SP_DialogSaveButton, "Save the scenario")
        self.save_as_action = self._action(
            "Save &As...", self.save_as_dialog, ("Ctrl+Shift+A",), None, "Save under a new name"
        )
        self.quit_action = self._action("&Quit", self.close, ("Ctrl+Q",))
        self.run_action = self._action("&Run", self.toggle_run, ("Space",), sp.SP_MediaPlay, "Run / pause")
        self.step_action = self._action(
            "S&tep", self.step, ("F10", "Ctrl+."), sp.SP_MediaSeekForward, "Process one event"
        )
        self.stop_action = self._action("S&top", self.stop, ("Esc", "Ctrl+Shift+S"), sp.SP_MediaStop, "Stop the run")
        self.reset_action = self._action("R&eset", self.reset, ("Ctrl+R",), sp.SP_BrowserReload, "Back to time 0")
        self.view_actions = []
        for i, title in enumerate(VIEW_TITLES):
            action = self._action(title, lambda _=False, i=i: self.tabs.setCurrentIndex(i), (f"Ctrl+{i + 1}",))
            self.view_actions.append(action)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        run_menu = menu.addMenu("&Run")
        for action in (self.run_action, self.step_action, self.stop_action, self.reset_action):
            run_menu.addAction(action)
        self.view_menu = menu.addMenu("&View")
        for action in self.view_actions:
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        help_menu = menu.addMenu("&Help")
        about = QAction("&About Cloud Factory Twin", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self._update_recent_menu()

    def _build_toolbar(self) -> None:
        bar = QToolBar("Run controls")
        bar.setObjectName("RunToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        bar.addAction(self.open_action)
        bar.addAction(self.save_action)
        bar.addSeparator()
        for action in (self.run_action, self.step_action, self.stop_action, self.reset_action):
            bar.addAction(action)
        bar.addSeparator()
        speed_label = QLabel("Speed")
        speed_label.setObjectName("Hint")
        bar.addWidget(speed_label)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, 1000)
        self.speed_slider.setFixedWidth(150)
        self.speed_slider.setToolTip("Simulated minutes per wall-clock second (logarithmic)")
        bar.addWidget(self.speed_slider)
        self.speed_spin = QDoubleSpinBox()
        self.speed_spin.setRange(SPEED_MIN, SPEED_MAX)
        self.speed_spin.setDecimals(1)
        self.speed_spin.setSuffix(" min/s")
        self.speed_spin.setKeyboardTracking(False)
        self.speed_spin.setFixedWidth(120)
        self.speed_spin.setToolTip("Simulated minutes per wall-clock second")
        bar.addWidget(self.speed_spin)
        self.fastest_check = QCheckBox("As fast as possible")
        bar.addWidget(self.fastest_check)
        self.speed_slider.valueChanged.connect(lambda v: self.set_speed(_slider_to_speed(v), None))
        self.speed_spin.valueChanged.connect(lambda v: self.set_speed(float(v), None))
        self.fastest_check.toggled.connect(lambda checked: self.set_speed(None, checked))
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy())
        bar.addWidget(spacer)
        clock_title = QLabel("Simulated time")
        clock_title.setObjectName("Hint")
        bar.addWidget(clock_title)
        self.clock = QLabel(theme.format_clock(0.0))
        self.clock.setObjectName("Clock")
        self.clock.setToolTip("Simulated time: days and hh:mm")
        bar.addWidget(self.clock)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.toolbar = bar

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.state_label = QLabel("No scenario")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFixedWidth(280)
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.rate_label = QLabel("0 events/s")
        self.events_label = QLabel("0 events")
        status.addWidget(self.state_label, 1)
        status.addPermanentWidget(self.events_label)
        status.addPermanentWidget(self.rate_label)
        status.addPermanentWidget(self.progress)

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
        toggle = dock.toggleViewAction()
        toggle.setText("&Library (samples and recent files)")
        toggle.setShortcut(QKeySequence("Ctrl+L"))
        self.view_menu.addAction(toggle)
        self.start_page.set_recent(self.settings.recent_files)

    def _restore_settings(self) -> None:
        speed = self.settings.speed
        self.speed = speed
        self.fastest = self.settings.fastest
        for widget in (self.speed_slider, self.speed_spin, self.fastest_check):
            widget.blockSignals(True)
        self.speed_slider.setValue(_speed_to_slider(speed))
        self.speed_spin.setValue(speed)
        self.fastest_check.setChecked(self.fastest)
        for widget in (self.speed_slider, self.speed_spin, self.fastest_check):
            widget.blockSignals(False)
        self.speed_slider.setEnabled(not self.fastest)
        self.speed_spin.setEnabled(not self.fastest)
        self.map_view.set_color_mode(self.settings.map_color_mode)
        if hasattr(self.gantt_view, "set_color_mode"):
            self.gantt_view.set_color_mode(self.settings.gantt_color_mode)
        geometry = self.settings.window_geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state
        if state is not None:
            self.restoreState(state)
        self.tabs.setCurrentIndex(min(max(self.settings.current_view, 0), len(VIEW_NAMES) - 1))

    def save_settings(self) -> None:
        """Remember window layout and options (also done when the window closes)."""
        self.settings.window_geometry = QByteArray(self.saveGeometry())
        self.settings.window_state = QByteArray(self.saveState())
        self.settings.current_view = self.tabs.currentIndex()
        self.settings.speed = self.speed
        self.settings.fastest = self.fastest
        self.settings.map_color_mode = self.map_view.mode
        self.settings.sync()

    # =========================================================================================
    # Files
    # =========================================================================================

    def open_dialog(self) -> None:
        start = self.settings.last_directory or str(self.samples_dir)
        path, _ = QFileDialog.getOpenFileName(self, "Open scenario", start, "Scenario files (*.json);;All files (*)")
        if path:
            self.open_scenario(Path(path))

    def open_scenario(self, path: Path) -> bool:
        """Load ``path`` and show it; on a bad file show its problems and keep what was open."""
        path = Path(path)
        try:
            scenario = load_scenario(path)
        except ScenarioError as error:
            self.show_error(f"Cannot open {path.name}", error.report(), "")
            return False
        self.set_scenario(scenario, path)
        self.settings.add_recent_file(path)
        self.settings.last_directory = str(path.resolve().parent)
        self._update_recent_menu()
        self.start_page.set_recent(self.settings.recent_files)
        self.notify(f"Opened {path.name}", 4000)
        return True

    def set_scenario(self, scenario: Scenario, path: Path | None = None) -> None:
        """Show ``scenario`` (stopping any run in progress first)."""
        self._discard_run()
        self.scenario = scenario
        self.path = path
        self.layout_ = Layout.build(scenario)
        self.network = Network.build(scenario)
        self.modified = False
        self.map_view.set_run(scenario, self.layout_, self.network)
        if hasattr(self.gantt_view, "set_run"):
            self.gantt_view.set_run(scenario, self.layout_)
        self.utilisation_view.set_run(scenario, self.layout_)
        self.bottleneck_view.set_run(scenario, self.layout_)
        self.kpi_view.set_run(scenario, self.layout_)
        self._reset_clock()
        self._update_title()
        self._set_state("ready")
        self.scenario_loaded.emit(path)

    def save(self) -> bool:
        if self.scenario is None:
            return False
        if self.path is None:
            return self.save_as_dialog()
        return self.save_to(self.path)

    def save_as_dialog(self) -> bool:
        if self.scenario is None:
            return False
        start = str(self.path) if self.path else self.settings.last_directory
        path, _ = QFileDialog.getSaveFileName(self, "Save scenario as", start, "Scenario files (*.json)")
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".json"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        if self.scenario is None:
            return False
        try:
            save_scenario(self.scenario, path)
        except OSError as error:
            self.show_error(f"Cannot save {path.name}", f"{path}: {error.strerror or error}", "")
            return False
        except TwinError as error:
            self.show_error(f"Cannot save {path.name}", str(error), "")
            return False
        self.path = path
        self.modified = False
        self.settings.add_recent_file(path)
        self._update_recent_menu()
        self.start_page.set_recent(self.settings.recent_files)
        self._update_title()
        self.notify(f"Saved {path}", 4000)
        return True

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files
        for path in recent:
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_scenario(p))
        if recent:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear list")
            clear.triggered.connect(self._clear_recent)
        else:
            empty = self.recent_menu.addAction("No recent files")
            empty.setEnabled(False)

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self._update_recent_menu()
        self.start_page.set_recent([])

    def _update_title(self) -> None:
        if self.scenario is None:
            self.setWindowTitle("Cloud Factory Twin")
            return
        name = self.scenario.name or (self.path.stem if self.path else "untitled")
        file = f" [{self.path.name}]" if self.path else ""
        star = "*" if self.modified else ""
        self.setWindowTitle(f"{name}{star}{file} - Cloud Factory Twin")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.toLocalFile().lower().endswith(".json") for url in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            local = url.toLocalFile()
            if local.lower().endswith(".json"):
                event.acceptProposedAction()
                self.open_scenario(Path(local))
                return

    # =========================================================================================
    # Run control
    # =========================================================================================

    def _new_runner(self, pause_at: float | None = None) -> SimRunner:
        assert self.scenario is not None
        factory: SimulationFactory = self._factory_builder(self.scenario)
        self.bridge.queue = queue.Queue()
        self.bridge.reset_counts()
        runner = SimRunner(
            factory,
            self.bridge.queue,
            speed=self.speed,
            fastest=self.fastest,
            pause_at=pause_at,
            observers=tuple(self.extra_observers),
        )
        runner.start()
        self.runner = runner
        return runner

    def toggle_run(self) -> None:
        if self.state == "running":
            self.pause()
        else:
            self.run()

    def run(self, pause_at: float | None = None) -> None:
        """Run (or continue) the simulation live; a finished run starts again from time 0."""
        if self.scenario is None or self.state == "stopping":
            return
        if self.state in ("finished", "failed"):
            self.reset()
        if self.runner is None:
            self._new_runner(pause_at)
        elif pause_at is not None:
            self.runner.set_pause_at(pause_at)
        assert self.runner is not None
        self.runner.play()
        self._set_state("running")

    def pause(self) -> None:
        if self.runner is not None and self.state == "running":
            self.runner.pause()
            self._set_state("paused")

    def step(self) -> None:
        """Process the next single event (pausing a running simulation first)."""
        if self.scenario is None or self.state in ("stopping", "finished", "failed"):
            return
        if self.runner is None:
            self._new_runner()
        assert self.runner is not None
        self.runner.step()
        self._set_state("paused")

    def stop(self) -> None:
        """End the run (its results stay on screen until reset)."""
        if self.runner is not None and self.state in ("running", "paused"):
            self.runner.stop()
            self._set_state("stopping")

    def reset(self) -> None:
        """Discard the run and go back to time 0 with the same scenario."""
        if self.scenario is None:
            return
        self._discard_run()
        for view in self.views():
            clear = getattr(view, "clear", None)
            if clear is not None:
                clear()
        if hasattr(self.gantt_view, "set_run") and self.layout_ is not None:
            self.gantt_view.set_run(self.scenario, self.layout_)
        self._reset_clock()
        self._set_state("ready")

    def _discard_run(self) -> None:
        """Stop the worker (if any) cleanly and forget its results."""
        runner = self.runner
        if runner is not None:
            runner.stop()
            if not runner.join(5.0):
                self.notify("The simulation thread is slow to stop; it will be abandoned.", 5000)
        self.runner = None
        self.bridge.discard()
        self.bridge.reset_counts()
        self.collector = EventCollector()
        self.events_ingested = 0
        self.run_info = None
        self.run_end = None
        self._stale.clear()
        self.refresh_timer.stop()

    def set_speed(self, speed: float | None, fastest: bool | None) -> None:
        """Change the pace: ``speed`` simulated minutes per second and/or 'as fast as possible'."""
        if speed is not None:
            self.speed = float(min(max(speed, SPEED_MIN), SPEED_MAX))
            for widget, value in ((self.speed_slider, _speed_to_slider(self.speed)), (self.speed_spin, self.speed)):
                widget.blockSignals(True)
                widget.setValue(value)
                widget.blockSignals(False)
        if fastest is not None:
            self.fastest = bool(fastest)
            self.fastest_check.blockSignals(True)
            self.fastest_check.setChecked(self.fastest)
            self.fastest_check.blockSignals(False)
            self.speed_slider.setEnabled(not self.fastest)
            self.speed_spin.setEnabled(not self.fastest)
        if self.runner is not None:
            self.runner.set_speed(self.speed, self.fastest)

    def _set_state(self, state: str) -> None:
        self.state = state
        has = self.scenario is not None
        running = state == "running"
        self.run_action.setText("Pause" if running else "Run")
        sp = QStyle.StandardPixmap
        self.run_action.setIcon(self.style().standardIcon(sp.SP_MediaPause if running else sp.SP_MediaPlay))
        self.run_action.setEnabled(has and state != "stopping")
        self.step_action.setEnabled(has and state in ("ready", "paused", "running"))
        self.stop_action.setEnabled(state in ("running", "paused"))
        self.reset_action.setEnabled(has and state not in ("ready", "empty"))
        self.save_action.setEnabled(has)
        self.save_as_action.setEnabled(has)
        self._update_state_label()
        self.state_changed.emit(state)

    # =========================================================================================
    # Events from the worker
    # =========================================================================================

    def _on_started(self, info: RunInfo) -> None:
        self.run_info = info
        self.collector.on_start(info)

    def _on_batch(self, batch: EventBatch) -> None:
        self.ingest(batch)

    def ingest(self, batch: EventBatch) -> None:
        """Feed one (merged) batch to the collector and the Gantt; mark the other views stale."""
        self.collector.on_batch(batch)
        self.events_ingested += len(batch.events)
        if len(batch.events) and hasattr(self.gantt_view, "append"):
            self.gantt_view.append(batch.events)
        if hasattr(self.gantt_view, "set_now"):
            self.gantt_view.set_now(batch.now)
        self.now = batch.now
        self._update_clock()
        self._stale.update(n for n in VIEW_NAMES if n != "gantt")
        if len(batch.orders):
            self._stale.add("gantt")
        self._schedule_refresh()

    def _on_ended(self, end: RunEnd) -> None:
        self.collector.on_end(end)
        self.run_end = end
        self.now = end.now
        self._update_clock()
        self._set_state("failed" if end.status == "failed" else "finished")
        self._stale.update(VIEW_NAMES)
        # Only the visible view now; the others refresh when shown (no long stall at the end).
        self.refresh_views(only_visible=True)
        if end.status == "failed":
            self.show_error("The simulation failed", end.message or "The run ended with status 'failed'.", "")

    def _on_paused_at(self, now: float) -> None:
        if self.state == "running":
            self._set_state("paused")
        self._stale.update(VIEW_NAMES)
        self.refresh_views(only_visible=True)

    def _on_failed(self, message: str, details: str) -> None:
        self._set_state("failed")
        self.runner = None
        self._stale.update(VIEW_NAMES)
        self.refresh_views(only_visible=True)
        self.show_error("The simulation failed", message, details)

    def _on_order_clicked(self, order: int) -> None:
        if hasattr(self.gantt_view, "highlight_order"):
            self.gantt_view.highlight_order(order if order >= 0 else None)
        if order < 0:  # no order (an empty return trip, a breakdown): nothing to describe
            return
        orders = self.collector.orders
        hit = orders[orders["order"] == order]
        if len(hit) and self.layout_ is not None:
            o = hit[0]
            product = self.layout_.products[o["product"]] if 0 <= o["product"] < len(self.layout_.products) else "?"
            done = theme.format_clock(float(o["completed"])) if math.isfinite(o["completed"]) else "open"
            self.notify(
                f"Order {order}: {product} x{o['quantity']:.0f}, released {theme.format_clock(float(o['release']))}, "
                f"due {theme.format_clock(float(o['due']))}, delivered {done}",
                8000,
            )

    # =========================================================================================
    # Views
    # =========================================================================================

    def current_result(self) -> RunResult | None:
        """What the views show: the collected events, observed from the warm-up (or from 0
        while the run has not yet passed it, so the first minutes are not blank)."""
        if self.scenario is None or self.layout_ is None:
            return None
        warmup = self.run_info.warmup if self.run_info is not None else self.scenario.run.warmup
        start = warmup if self.collector.now > warmup else 0.0
        return self.collector.result(self.scenario, self.layout_, start=start)

    def _schedule_refresh(self) -> None:
        if not self.refresh_timer.isActive():
            elapsed_ms = (time.perf_counter() - self._last_refresh) * 1000
            self.refresh_timer.start(int(max(0.0, self._refresh_interval_ms - elapsed_ms)))

    def _refresh_tick(self) -> None:
        self.refresh_views(only_visible=True)

    def refresh_views(self, only_visible: bool = False) -> None:
        """Redraw stale views from the collected events (by default all of them)."""
        if self.scenario is None:
            return
        current = VIEW_NAMES[self.tabs.currentIndex()]
        names = [current] if only_visible else list(VIEW_NAMES)
        todo = [n for n in names if n in self._stale]
        if not todo:
            return
        began = time.perf_counter()
        result = self.current_result()
        if result is None:
            return
        for name in todo:
            self._stale.discard(name)
            view = self.view_widget(name)
            if name == "gantt":
                if hasattr(view, "set_order_products"):
                    view.set_order_products(result.orders)
                continue
            view.update_result(result)  # type: ignore[attr-defined]
        spent_ms = (time.perf_counter() - began) * 1000
        self._last_refresh = time.perf_counter()
        # A refresh that costs t is not repeated sooner than 4 t: the GUI keeps >= 75 % idle.
        self._refresh_interval_ms = max(MIN_REFRESH_MS, 4 * spent_ms)
        self.views_refreshed.emit()

    def _on_tab_changed(self, index: int) -> None:
        self.settings.current_view = index
        if VIEW_NAMES[index] in self._stale:
            QTimer.singleShot(0, lambda: self.refresh_views(only_visible=True))

    def _reset_clock(self) -> None:
        self.now = 0.0
        self._events_mark = (time.perf_counter(), 0)
        self._events_rate = 0.0
        self._update_clock()
        self._update_rate()

    def _update_clock(self) -> None:
        self.clock.setText(theme.format_clock(self.now))
        horizon = self.scenario.run.horizon if self.scenario is not None else None
        if horizon:
            self.progress.setValue(int(1000 * min(1.0, self.now / horizon)))
            self.progress.setFormat(f"{theme.format_clock(self.now)} / {theme.format_clock(horizon)}  (%p%)")
        else:
            done = self.collector.orders
            total = len(self.scenario.demand.orders) if self.scenario is not None else 0
            if total and not (self.scenario and self.scenario.demand.streams):
                delivered = int((~np.isnan(done["completed"])).sum()) if len(done) else 0
                self.progress.setValue(int(1000 * delivered / total))
                self.progress.setFormat(f"{delivered} / {total} orders delivered")
            else:
                self.progress.setValue(0)
                self.progress.setFormat("until all orders are delivered")
        self.events_label.setText(f"{self.events_ingested:,} events")

    def _update_rate(self) -> None:
        now = time.perf_counter()
        then, count = self._events_mark
        received = self.events_ingested
        if now > then:
            self._events_rate = max(0, received - count) / (now - then)
        self._events_mark = (now, received)
        self.rate_label.setText(f"{self._events_rate:,.0f} events/s")

    # =========================================================================================
    # Synchronous running (capture, benchmarks, tests)
    # =========================================================================================

    def run_to(self, until: float) -> RunEnd | None:
        """Simulate on the GUI thread up to ``until`` (or the end) and refresh every view.

        For screenshots and scripts: no worker thread and no pacing. Returns the RunEnd if the
        run ended, else None.
        """
        if self.scenario is None:
            raise RuntimeError("open a scenario first")
        self.reset()

        class _Sink:
            def __init__(self, window: MainWindow) -> None:
                self.window = window
                self.end: RunEnd | None = None

            def on_start(self, info: RunInfo) -> None:
                self.window._on_started(info)

            def on_batch(self, batch: EventBatch) -> None:
                self.window.ingest(batch)

            def on_end(self, end: RunEnd) -> None:
                self.end = end

        sink = _Sink(self)
        factory = self._factory_builder(self.scenario)
        sim = factory((sink, *self.extra_observers))
        sim.advance(until)
        if sim.done:
            sim.finish("completed")
        if sink.end is not None:
            self._on_ended(sink.end)
        else:
            self._set_state("paused")
            self._stale.update(VIEW_NAMES)
            self.refresh_views()
        return sink.end

    # =========================================================================================
    # Errors, about, closing
    # =========================================================================================

    def show_error(self, title: str, message: str, details: str = "") -> None:
        """Tell the user: a dialog with ``message`` (and ``details`` behind a button)."""
        self.last_error = (message, details)
        self.error_shown.emit(message, details)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(title)
        box.setText(title)
        box.setInformativeText(message)
        if details:
            box.setDetailedText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()

    def _update_state_label(self) -> None:
        texts = {
            "empty": "Open a scenario to begin (Ctrl+O, or pick a sample on the left)",
            "ready": "Ready: press Space to run, F10 to step",
            "running": "Running",
            "paused": "Paused",
            "stopping": "Stopping...",
            "finished": "Run finished",
            "failed": "Run failed",
        }
        text = texts.get(self.state, self.state)
        if self.state == "finished" and self.run_end is not None:
            text = f"Run {self.run_end.status} at {theme.format_clock(self.run_end.now)}"
        if self.scenario is not None and self.state != "empty":
            text = f"{self.scenario.name or 'Scenario'} \u2014 {text}"
        self.state_label.setText(text)

    def notify(self, text: str, timeout_ms: int = 4000) -> None:
        """Show a passing message in the status bar, then the run state again."""
        self.state_label.setText(text)
        QTimer.singleShot(timeout_ms, self._update_state_label)

    def _about(self) -> None:
        from twin_app import __version__

        QMessageBox.about(
            self,
            "About Cloud Factory Twin",
            f"<h3>Cloud Factory Twin {__version__}</h3><p>A discrete-event digital twin of a cloud-factory "
            "manufacturing network: build the network, pour demand through it, watch it run, compare.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self._discard_run()
        self.bridge.stop_timer()
        super().closeEvent(event)


def app_icon() -> QIcon:
    """The window icon (the standard computer icon until we ship our own)."""
    app = QApplication.instance()
    style = app.style() if isinstance(app, QApplication) else None
    return style.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon) if style else QIcon()
