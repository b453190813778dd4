"""Presentation mode and its tour, and the dark theme: the app on stage.

Presentation mode (F5) shows the window full screen with larger type, hides the docks (library,
run settings, history), the menu bar and the toolbar's editing tools (the editor button and the
speed slider: the tour sets the pace, and at a projector's width the simulated-time clock must
stay on screen), and shows a tour bar at the bottom: the consultant steps through
:data:`DEFAULT_TOUR` with Page Down / Page Up (or the arrows on the bar), and each step opens
its sample (if it is not open already), shows its view and starts the run at the step's
pace; the comparison step runs asset-heavy against asset-light on the Compare view instead
(paired replications, not stored; the user's pins and comparison come back on Esc). The
tour runs only its own samples and the user's file at time 0: a run of the user's,
paused or over, is never carried on by the tour (a paused run went on at the tour's pace and
was finished by it), so the first step opens the sample afresh. Leaving the user's own
scenario (another file, edits not saved, a run not finished) asks first, as opening a file
does (the editor's Save / Discard / Cancel, then "Discard the run?"); the tour's own samples
and runs are left without asking. Tour runs are demonstrations,
not decisions: they are not stored in the results database, so History keeps only the user's
runs (it used to gain an 'incomplete' run per step), and its samples stay out of Recent
files. Esc leaves presentation mode (it stops a run only outside it) and puts back the user's
set-up as it was before F5: the pace (speed and Fastest), the docks with the same tab in front
(the Library came back behind Run settings), and, if the tour opened its samples or ran the
user's file, the user's file and view (reopened in the next idle turn: at time 0, or with the
user's finished run, or the stored run they had reopened, read back from the history, which the
tour replaced without asking since it is stored; a run or edits the user discarded when the
tour asked do not come back, their file does, at time 0: T10 was left on the tour's last demo
run) - unless they opened a file of their own on stage.
F5 starts the tour at its beginning each time (it resumed on its last step). The dark theme
(Ctrl+Shift+D) suits projectors; it is remembered between sessions.

:class:`Presentation` is a mixin of :class:`~twin_app.gui.main_window.MainWindow`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QPushButton, QScrollArea, QToolBar

from twin_app.gui import theme, widget_style
from twin_app.gui.paint_once import settle_shown_page

PRESENTATION_FONT_SCALE = widget_style.LARGE_TYPE_SCALE


@dataclass(frozen=True, slots=True)
class TourStep:
    """One stop of the tour: a sample file, the view to show, what to say, how fast to run."""

    sample: str
    view: str
    caption: str
    speed: float | None = 240.0
    """Simulated minutes per second; None: as fast as possible."""
    against: str | None = None
    """A comparison on the Compare view: ``sample`` (the baseline) against this sample, in
    :data:`TOUR_REPLICATIONS` paired replications, not stored (the window's scenario stays)."""


TOUR_REPLICATIONS = 10
"""Replications of the tour's comparison (asset-heavy against asset-light: ~2.5 s on 2 cores)."""


DEFAULT_TOUR: tuple[TourStep, ...] = (
    TourStep(
        "cloud_factory_demo.json",
        "map",
        "The cloud factory: 16 owners, 50 machines; parts travel between sites and queue where capacity is short",
    ),
    TourStep("cloud_factory_demo.json", "gantt", "Every machine and vehicle at work, order by order, as it happens"),
    TourStep("asset_heavy.json", "kpis", "Asset-heavy: dedicated fast lines with long changeovers", None),
    TourStep("asset_light.json", "kpis", "Asset-light: flexible cells and rented capacity", None),
    TourStep(
        "asset_heavy.json",
        "compare",
        "Heavy against light, side by side: 10 paired replications, each difference with its 95% confidence",
        None,
        against="asset_light.json",
    ),
    TourStep("logistics_direct.json", "map", "Logistics, direct: a van per shipment", 480.0),
    TourStep("logistics_hub.json", "map", "Logistics through a consolidation hub: fewer, fuller trucks", 480.0),
    TourStep(
        "cloud_factory_demo.json", "bottlenecks", "Where to invest: the machine that holds the network back", None
    ),
)


class Presentation:
    """Presentation mode, the tour and the dark theme (see the module docstring)."""

    controls: Any
    settings: Any
    session: Any
    samples_dir: Any
    start_dock: Any

    def _build_tour_bar(self) -> None:
        bar = QToolBar("Tour")
        bar.setObjectName("TourToolbar")
        bar.setMovable(False)
        self.tour_previous_button = QPushButton("\u25c0 Previous")
        self.tour_previous_button.clicked.connect(self.tour_previous)
        self.tour_caption = QLabel("")
        self.tour_caption.setObjectName("TourCaption")
        self.tour_caption.setWordWrap(True)
        self.tour_caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tour_next_button = QPushButton("Next \u25b6")
        self.tour_next_button.clicked.connect(self.tour_next)
        self.tour_position = QLabel("")
        self.tour_position.setObjectName("Hint")
        leave = QPushButton("Leave (Esc)")
        leave.clicked.connect(self.toggle_presentation)
        bar.addWidget(self.tour_previous_button)
        bar.addWidget(self.tour_caption)
        bar.addWidget(self.tour_next_button)
        bar.addWidget(self.tour_position)
        bar.addWidget(leave)
        self.tour_caption.setSizePolicy(
            self.tour_caption.sizePolicy().Policy.Expanding, self.tour_caption.sizePolicy().Policy.Preferred
        )
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)  # type: ignore[attr-defined]
        bar.hide()
        self.tour_bar = bar
        self.tour = DEFAULT_TOUR
        self.tour_index = -1
        self.tour_path: Any = None
        """The sample the tour opened (its scenario and runs are the tour's, left without asking)."""
        self.presenting = False
        self._before_presentation: dict[str, Any] = {}
        self._tour_changed = False
        """The tour opened a sample or ran a scenario since F5 (the user's file is put back on Esc)."""

    def toggle_presentation(self) -> None:
        """Enter or leave presentation mode."""
        self.set_presentation(not self.presenting)

    def set_presentation(self, on: bool, *, full_screen: bool = True) -> None:
        """Enter or leave presentation mode (``full_screen`` False: keep the window's size,
        for screenshots)."""
        if on == self.presenting:
            self.controls.presentation.setChecked(on)
            return
        self.presenting = on
        self.controls.presentation.setChecked(on)
        window: Any = self
        if on:
            docks = [dock for dock in window.findChildren(QDockWidget) if dock.isVisible()]
            self._before_presentation = {
                "maximized": window.isMaximized(),
                "docks": docks,
                "front": [dock for dock in docks if not dock.visibleRegion().isEmpty()],  # tabs in front
                "geometry": window.geometry(),  # where it was, too: not back at 0,0 under its title bar
                "speed": (window.speed, window.fastest),
                "path": window.path,
                "view": window.tabs.currentIndex(),
                "gave_up": False,  # the user discarded their run or edits when the tour asked
            }
            self.tour_index, self.tour_path, self._tour_changed = -1, None, False  # the tour from its start
            self.controls.stop.setShortcuts([QKeySequence("Ctrl+Shift+S")])
            self._leave_shortcut = window.addAction("Leave presentation")
            self._leave_shortcut.setShortcut(QKeySequence("Esc"))
            self._leave_shortcut.triggered.connect(lambda: self.set_presentation(False))
            for dock in docks:
                dock.hide()
            self._show_editing_tools(False)
            window.menuBar().hide()
            theme.use(font_scale=PRESENTATION_FONT_SCALE)
            self.apply_theme()
            self.tour_bar.show()
            if full_screen:
                window.showFullScreen()
            self.show_tour_position()
        else:
            window.removeAction(self._leave_shortcut)
            self.controls.stop.setShortcuts([QKeySequence("Esc"), QKeySequence("Ctrl+Shift+S")])
            self.tour_bar.hide()
            theme.use(font_scale=1.0)
            self.apply_theme()  # before the docks show: they are shown in the type they kept
            window.menuBar().show()
            before = self._before_presentation
            for dock in before.get("docks", ()):
                dock.show()
            for dock in before.get("front", ()):
                dock.raise_()  # the tab that was in front (showing the others brought Run settings forward)
            if "speed" in before:
                window.set_speed(*before["speed"])
            self._put_back_later()
            self._put_back_comparison()
            self._show_editing_tools(True)
            if window.isFullScreen() and self._before_presentation.get("maximized"):
                window.showMaximized()
            elif window.isFullScreen():
                window.showNormal()
            geometry = self._before_presentation.get("geometry")
            if geometry is not None and not window.isMaximized():
                # the larger type grew the window's minimum (and so the window): give its size and
                # place back (a window manager put it at 0,0, its title bar off the screen)
                window.setGeometry(geometry)
                QTimer.singleShot(0, lambda: window.isMaximized() or window.setGeometry(geometry))  # after the WM
        window._update_state_label()  # what Esc does is said there
        settle_shown_page()  # the new type sizes laid out before the window paints, and painted once

    def _put_back_later(self) -> None:
        """After leaving: if the tour left its own sample or run on screen, reopen the user's file
        and view in the next idle turn (not when the window is closing: it is hidden by then).
        A run of theirs that had finished comes back too, read from the history: the trial's
        consultant left the tour to find their file at time 0 and their run only in History."""
        window: Any = self
        before = self._before_presentation
        path, view = before.get("path"), before.get("view")
        tours = window.path is not None and window.path == self.tour_path and not window.modified
        users = path is not None or before.get("run_id")  # their file, or a stored run they reopened
        if not (self._tour_changed and tours and users):
            return

        def put_back() -> None:
            if self.presenting or not window.isVisible() or window.path != self.tour_path:
                return
            run_id = None if before.get("gave_up") else before.get("run_id")
            if run_id:
                window.history.reopen(run_id, ask=False, path=path)  # (the tour's run goes without asking)
            elif path is None or not window.open_scenario(path, ask=False, remember=False):
                return
            if view is not None:
                window.tabs.setCurrentIndex(view)

        QTimer.singleShot(0, window, put_back)

    def _leave_users_scenario(self, path: Any) -> bool:
        """Ask before the tour's sample replaces the user's scenario, as File > Open does;
        remember their file (it may just have been saved) and whether they discarded anything."""
        window: Any = self
        doing = f"The tour (it opens {path.name})"  # (T10: "Opening ..." when they pressed Page Down)
        unfinished = self.session.unfinished
        if not (window.confirm_unsaved(doing) and window.confirm_discard(doing)):
            return False
        edits = window.modified or window.editor_link.editor.is_dirty()  # still there: 'Discard' was chosen
        window.run_control.wait_stored()  # (a run that has just ended is being stored)
        record = window.run_control.record  # a finished run, stored: put back from the history on Esc
        finished = record.run_id if record is not None and record.stored and not unfinished else None
        finished = window.history.shown_run_id or finished  # a run the user reopened from the history
        self._before_presentation.update(path=window.path, gave_up=unfinished or edits, run_id=finished)
        return True

    def _show_editing_tools(self, on: bool) -> None:
        """Show or hide the toolbar's editing tools (see the module docstring)."""
        bar = self.controls.toolbar
        for action in bar.actions():
            if bar.widgetForAction(action) is self.controls.speed_slider:
                action.setVisible(on)
        link = getattr(self, "editor_link", None)
        if link is not None:
            link.show_action.setVisible(on)

    def tour_next(self) -> None:
        """Go to the next step of the tour (entering presentation mode if needed: step 1)."""
        if not self.presenting:
            self.set_presentation(True)
        self.go_to_step(min(self.tour_index + 1, len(self.tour) - 1))

    def tour_previous(self) -> None:
        if not self.presenting:
            self.set_presentation(True)
        self.go_to_step(max(self.tour_index - 1, 0))

    def go_to_step(self, index: int) -> None:
        """Show tour step ``index``: its sample, its view, its caption; run at its pace."""
        if not self.presenting:
            self.set_presentation(True)
        step = self.tour[index]
        if step.against is not None:
            self._compare_on_stage(step)
            self.tour_index = index
            self.show_tour_position()
            return
        path = self.samples_dir / step.sample
        window: Any = self
        ours = window.path is not None and window.path == self.tour_path and not window.modified
        users_run = not ours and self.session.state != "ready"  # a run of the user's, under way or over
        other = window.path is None or window.path.resolve() != path.resolve() or window.modified or users_run
        if other:
            asked = ours or self._leave_users_scenario(path)  # the tour's own sample is left without asking
            if not (asked and window.open_scenario(path, ask=False, remember=False)):  # not the user's files
                self.show_tour_position()  # the user kept their scenario (or the sample did not open)
                return
            self._tour_changed = True
        self.tour_index = index
        self.tour_path = window.path  # a sample it opened, or the user's file at time 0
        window.show_view(step.view)
        for area in window.current_view().findChildren(QScrollArea):  # its top, what the caption is about
            area.verticalScrollBar().setValue(0)
        if step.speed is None:
            window.set_speed(None, True)
        else:
            window.set_speed(step.speed, False)
        if self.session.state == "ready" or self.session.state == "paused":
            control = window.run_control
            storing, control.store_runs = control.store_runs, control.store_runs and window.path != self.tour_path
            try:
                window.run()
            finally:
                control.store_runs = storing
            self._tour_changed = self._tour_changed or window.path == self.tour_path  # not a run of the user's
        self.show_tour_position()

    def _compare_on_stage(self, step: TourStep) -> None:
        """Show the Compare view running the step's comparison; the user's pins and result are
        remembered for Esc. A comparison of the user's still running is left to run, and shown."""
        window: Any = self
        compare = window.compare_view
        window.show_view("compare")
        if compare.run_bar.running and "compare" not in self._before_presentation:
            return
        bar = compare.run_bar
        self._before_presentation.setdefault(
            "compare", (list(compare.pins), compare.result, bar.replications.value(), bar.seed.value())
        )
        compare.run_bar.cancel()  # (the tour's own, stepped back to)
        compare.run_bar.wait()
        compare.clear_pins()
        assert step.against is not None
        for sample in (step.sample, step.against):
            compare.pin_file(self.samples_dir / sample)
        compare.run_bar.replications.setValue(TOUR_REPLICATIONS)
        compare.run(store=False)

    def _put_back_comparison(self) -> None:
        """After leaving: the user's pins and comparison back on the Compare view (the tour's, if
        still running, cancelled)."""
        saved = self._before_presentation.get("compare")
        if saved is None:
            return
        window: Any = self
        compare = window.compare_view
        compare.run_bar.cancel()
        compare.run_bar.wait()
        pins, result, replications, seed = saved
        compare.set_pins(pins)
        compare.run_bar.replications.setValue(replications)
        compare.run_bar.seed.setValue(seed)
        if result is not None:
            compare.show_result(result)
        else:
            compare.clear_result()  # (T10: the tour's table and chart stayed under the user's pins)

    def show_tour_position(self, caption: str | None = None) -> None:
        """The tour bar for the current step (``caption`` instead of the step's own)."""
        index = self.tour_index
        if 0 <= index < len(self.tour):
            self.tour_caption.setText(caption or self.tour[index].caption)
            self.tour_position.setText(f"{index + 1} / {len(self.tour)}")
        else:
            self.tour_caption.setText("Page Down starts the tour")
            self.tour_position.setText(f"0 / {len(self.tour)}")
        self.tour_previous_button.setEnabled(index > 0)
        self.tour_next_button.setEnabled(index < len(self.tour) - 1)

    def set_dark(self, on: bool) -> None:
        """Use the dark theme (or the light one) and remember the choice."""
        on = bool(on)
        self.controls.dark.setChecked(on)
        self.settings.dark_theme = on
        theme.use(theme.DARK if on else theme.LIGHT)
        self.apply_theme()
