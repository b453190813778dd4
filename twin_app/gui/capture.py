"""Screenshots of the app for documentation and reports, made without a display.

:func:`capture` opens a scenario in a real main window on Qt's offscreen platform, simulates
to a given time on the GUI thread (as fast as possible, every batch processed), refreshes all
views and saves a PNG of the whole window or of one view. The ``twin-app capture`` command
calls it. Settings go to a throw-away file, so a capture never changes the user's settings.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from twin_app.errors import TwinError
from twin_app.io.output_path import check_output_path, write_output
from twin_app.io.scenario_file import load_scenario

VIEWS = ("window", "map", "gantt", "utilisation", "bottlenecks", "kpis")


def capture(
    scenario_path: Path,
    until: float,
    output: str | Path,
    view: str = "window",
    size: tuple[int, int] = (1600, 1000),
    *,
    allow_outside_files: bool = False,
    dark: bool = False,
    presentation: bool = False,
) -> Path:
    """Run ``scenario_path`` to simulated time ``until`` and save a PNG of ``view`` to ``output``.

    ``allow_outside_files`` lets the scenario read an order book outside its folder; ``dark``
    uses the dark theme; ``presentation`` shows the window as in presentation mode at the
    first step of the tour (large type, the tour bar), at ``size`` rather than full screen.
    Raises ScenarioError for a bad scenario, OutputPathError for an output path that cannot
    be written (checked before the run) and ValueError for an unknown view; returns the
    path written.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    output = check_output_path(output, "-o")  # a bad path fails before the run, not after it
    scenario = load_scenario(scenario_path, allow_outside_files=allow_outside_files)  # raises before any window
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtWidgets import QApplication

    from twin_app.gui import chart_turns, theme
    from twin_app.gui.app import application
    from twin_app.gui.main_window import MainWindow
    from twin_app.gui.settings import AppSettings

    app = application()
    with tempfile.TemporaryDirectory(prefix="twin-capture-") as scratch:
        settings = AppSettings(Path(scratch) / "settings.ini")
        settings.dark_theme = dark
        window = MainWindow(settings)
        try:
            window.resize(*size)
            window.show()
            if presentation:
                window.set_presentation(True, full_screen=False)
                window.tour_index = 0
            window.set_scenario(scenario, Path(scenario_path))
            if view != "window":
                window.show_view(view)
            app.processEvents()
            window.run_to(until)
            if presentation:
                window.show_tour_position()
            _select_busiest_site(window)
            if view != "window":
                window.show_view(view)
            window.statusBar().clearMessage()  # no action's status tip over the run's state
            for _ in range(3):  # let layouts and the plots' deferred repaints settle
                app.processEvents()
                QApplication.sendPostedEvents()
            target = window if view == "window" else window.view_widget(view)
            chart_turns.flush()
            pixmap = target.grab()
            png = QByteArray()
            buffer = QBuffer(png)
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            if not pixmap.save(buffer, "PNG"):
                raise TwinError(f"{output}: Qt could not encode the screenshot as PNG")
            buffer.close()
            output = write_output(output, png.data(), "-o")
        finally:
            window.session.discard()
            if presentation:
                window.set_presentation(False)
            window.close()
            window.deleteLater()
            app.processEvents()
            theme.use(theme.LIGHT, 1.0)
    return output


def _select_busiest_site(window: object) -> None:
    """Fill the map's details panel with the most utilised site (a screenshot has no clicks)."""
    import numpy as np

    model = window.map_view.model  # type: ignore[attr-defined]
    if model is None or model.n_sites == 0:
        return
    util = np.nan_to_num(model.utilisation[: model.n_sites], nan=-1.0)
    window.map_view.select_node(int(np.argmax(util)))  # type: ignore[attr-defined]
