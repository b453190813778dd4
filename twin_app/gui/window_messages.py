"""What the main window tells the user: the status line, the 'Updating figures' badge, dialogs.

The status line names the scenario and the run state and what to press next
(:data:`STATE_TEXTS`); a passing note (:meth:`WindowMessages.notify`) replaces it for a few
seconds. Beside it sit the simulated clock, the progress bar (to the horizon, or orders
delivered when the run has no horizon) and the events received per second. The badge sits in
the status bar, left of the event count, while the shown view's figures are being computed:
there it covers neither the view tabs nor the view. Every failure is
shown in a dialog and emitted as the window's ``error_shown`` signal.

:class:`WindowMessages` is a mixin of :class:`~twin_app.gui.main_window.MainWindow`.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMessageBox

from twin_app.gui import theme

STATE_TEXTS = {
    "empty": "Open a scenario to begin (Ctrl+O, or pick a sample on the left)",
    "ready": "Ready: press Space to run, F10 to step",
    "running": "Running: Space pauses",
    "paused": "Paused: Space goes on, Esc ends the run",
    "stopping": "Stopping...",
    "finished": "Run finished: Ctrl+R resets to time 0",
    "failed": "Run failed: Ctrl+R resets to time 0",
}

PAUSED_ON_STAGE = "Paused: Space goes on"
"""The paused line in presentation mode, where Esc leaves the mode and does not end the run."""


class WindowMessages:
    """The status line, clock, progress, event rate, busy badge and dialogs of the main window."""

    session: Any
    controls: Any
    error_shown: Any

    def _build_messages(self: Any) -> None:
        """The busy badge in the status bar and the once-a-second event-rate timer."""
        self.busy_badge = QLabel("Updating figures\u2026")
        self.busy_badge.setObjectName("Busy")
        self.busy_badge.setToolTip("The figures of this view are being computed from the run so far")
        self.statusBar().insertPermanentWidget(1, self.busy_badge)  # after the state line (index 0)
        self.busy_badge.hide()
        self._events_mark = (time.perf_counter(), 0)
        self.rate_timer = QTimer(self)
        self.rate_timer.setInterval(1000)
        self.rate_timer.timeout.connect(self._update_rate)
        self.rate_timer.start()

    def _show_busy(self, busy: bool) -> None:
        """Show or hide the 'Updating figures' badge."""
        if busy == self.busy_badge.isHidden():
            self.busy_badge.setVisible(busy)

    def _reset_clock(self) -> None:
        self._events_mark = (time.perf_counter(), 0)
        self._update_clock()
        self._update_rate()

    def _update_clock(self) -> None:
        c = self.controls
        now = self.session.now
        c.clock.setText(theme.format_clock(now))
        scenario = self.session.scenario
        horizon = scenario.run.horizon if scenario is not None else None
        if horizon:
            c.progress.setValue(int(1000 * min(1.0, now / horizon)))
            c.progress.setFormat(f"{theme.format_clock(now)} / {theme.format_clock(horizon)}  (%p%)")
        elif scenario is not None and scenario.demand.orders and not scenario.demand.streams:
            total = len(scenario.demand.orders)
            delivered = self.session.orders_delivered
            c.progress.setValue(int(1000 * delivered / total))
            c.progress.setFormat(f"{delivered} / {total} orders delivered")
        else:
            c.progress.setValue(0)
            c.progress.setFormat("until all orders are delivered")
        c.events_label.setText(f"{self.session.events_ingested:,} events")

    def _update_rate(self) -> None:
        now = time.perf_counter()
        then, count = self._events_mark
        received = self.session.events_ingested
        rate = max(0, received - count) / (now - then) if now > then else 0.0
        self._events_mark = (now, received)
        self.controls.rate_label.setText(f"{rate:,.0f} events/s")

    def _update_state_label(self) -> None:
        session = self.session
        text = STATE_TEXTS.get(session.state, session.state)
        if session.state == "paused" and getattr(self, "presenting", False):
            text = PAUSED_ON_STAGE  # Esc leaves presentation mode there (T9)
        reason = ""
        if session.state == "finished" and session.run_end is not None:
            text = f"Run {session.run_end.status} at {theme.format_clock(session.run_end.now)}: Ctrl+R resets to time 0"
        elif session.state == "failed" and session.last_error is not None:
            # the dialog may be gone at a keystroke: the line keeps the reason (all of it in the tip)
            reason = session.last_error[0].strip()
            first = reason.splitlines()[0] if reason else ""
            text = f"Run failed: {first.rstrip('.')}. Ctrl+R resets to time 0"
        if session.scenario is not None:
            text = f"{session.scenario.name or 'Scenario'} \u2014 {text}"
        self.controls.state_label.setText(text)
        self.controls.state_label.setToolTip(reason or text)  # the line may be cut at a small width

    def notify(self, text: str, timeout_ms: int = 4000) -> None:
        """Show a passing message in the status bar, then the run state again."""
        self.controls.state_label.setText(text)
        QTimer.singleShot(timeout_ms, self._update_state_label)

    def show_error(self, title: str, message: str, details: str = "") -> None:
        """Tell the user: a dialog with ``message`` (and ``details`` behind a button)."""
        self.error_shown.emit(message, details)
        box = QMessageBox(self)  # type: ignore[call-overload]
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(title)
        box.setText(title)
        box.setInformativeText(message)
        if details:
            box.setDetailedText(details)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()

    def about(self) -> None:
        from twin_app import __version__

        QMessageBox.about(
            self,  # type: ignore[arg-type]
            "About Cloud Factory Twin",
            f"<h3>Cloud Factory Twin {__version__}</h3><p>A discrete-event digital twin of a cloud-factory "
            "manufacturing network: build the network, pour demand through it, watch it run, compare.</p>",
        )
