"""Export what the app shows: any view or plot as PNG or SVG, and a screenshot of the window.

One entry point serves every view, including those other modules add::

    from twin_app.gui.exports import export_view, install_view_export

    export_view(widget, "out/compare.svg")   # the suffix chooses: .png or .svg
    install_view_export(widget)              # right click: "Export view..." (and "Export plot..." on plots)

The main window calls :func:`install_exports` once: File gets *Export view...* (the shown tab,
Ctrl+Shift+E), *Save screenshot...* and *Export report...* (:mod:`twin_app.gui.report_export`),
and every tab and table gets its context menu when it is first shown, so a view added later
needs no call of its own. Tables get Copy and Export CSV from :mod:`twin_app.gui.table_export`.

How: a PNG is the widget as on screen (``QWidget.grab``); an SVG is the widget painted
through ``QSvgGenerator`` piece by piece (:mod:`twin_app.gui.svg_export`), so plots, cards
and tables are vectors and text, clipped as on screen. A single plot's PNG uses pyqtgraph's
``ImageExporter`` at twice the size on screen; its SVG is made the same way as a view's,
because pyqtgraph's own ``SVGExporter`` fails on the closed paths Qt 6 writes (pyqtgraph
issue #3495, open in 0.14.0). The Gantt's
bars are painted in device pixels from the painter's transform, so they come out the same in
both. Every file is written atomically through :mod:`twin_app.io.output_path`; a failure
is shown in a dialog, never as a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from twin_app.errors import TwinError
from twin_app.gui import chart_turns
from twin_app.gui.files import user_folder
from twin_app.gui.svg_export import widget_svg
from twin_app.gui.table_export import install_on_tables
from twin_app.io.output_path import OutputPathError, write_output

FORMATS = {".png": "PNG image", ".svg": "SVG drawing"}
IMAGE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
PLOT_PNG_SCALE = 2.0
"""A single plot's PNG is this many times its size on screen (sharp in a document)."""
INSTALLED = "twin_view_export"


# ----- writing ------------------------------------------------------------------------------


def export_view(widget: QWidget, path: str | Path, *, title: str = "") -> Path:
    """Write ``widget`` as it is shown to ``path``: PNG or SVG by the suffix. Returns the path.

    Raises OutputPathError for a path that cannot be written or an unknown suffix."""
    suffix = _suffix(path)
    data = widget_png(widget) if suffix == ".png" else widget_svg(widget, title or _title_of(widget))
    return write_output(path, data, "Export")


def export_plot(plot: pg.PlotWidget | pg.PlotItem, path: str | Path) -> Path:
    """Write one pyqtgraph plot to ``path``: PNG (pyqtgraph's ImageExporter, at twice the size
    on screen) or SVG, by the suffix. Returns the path."""
    suffix = _suffix(path)
    item = plot.getPlotItem() if isinstance(plot, pg.PlotWidget) else plot
    if suffix == ".png":
        exporter = pg.exporters.ImageExporter(item)
        width = max(1, int(item.sceneBoundingRect().width() * PLOT_PNG_SCALE))
        exporter.parameters()["width"] = width
        image = exporter.export(toBytes=True)
        return write_output(path, image_png(image), "Export")
    views = item.scene().views() if item.scene() is not None else []
    if not views:
        raise OutputPathError(f"Export {path}: the plot is not on screen, so there is nothing to draw")
    view = views[0]
    rect = item.mapRectToScene(item.boundingRect())
    area = view.mapFromScene(rect).boundingRect()
    return write_output(path, widget_svg(view, _plot_title(item), area), "Export")


def save_screenshot(window: QWidget, path: str | Path) -> Path:
    """Write a PNG of the whole ``window`` (menus, tool bar, docks and the shown tab)."""
    _suffix(path, allowed=(".png",))
    return write_output(path, widget_png(window), "Save screenshot")


def widget_png(widget: QWidget) -> bytes:
    """PNG bytes of ``widget`` as it is shown (at the screen's device pixel ratio)."""
    chart_turns.flush()  # every chart drawn, none a background waiting for its turn
    return image_png(widget.grab().toImage())


def image_png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if image.isNull() or not image.save(buffer, "PNG"):
        raise OutputPathError("Export: Qt could not encode the picture as PNG (is the window shown?)")
    buffer.close()
    return bytes(data.data())


# ----- asking -------------------------------------------------------------------------------


def ask_save_path(parent: QWidget, title: str, name: str, filters: str, default_suffix: str) -> Path | None:
    """A file name from a save dialog (None: cancelled), starting in the last folder used;
    a name without a suffix gets the chosen filter's (or ``default_suffix``)."""
    window = parent.window()
    settings = getattr(window, "settings", None)
    folder = user_folder(getattr(settings, "last_directory", None))
    chosen, selected = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / name), filters)
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        suffix = next((s for s in FORMATS if f"*{s}" in selected), default_suffix)
        path = path.with_suffix(suffix)
    if settings is not None and hasattr(settings, "last_directory"):
        settings.last_directory = str(path.parent)
    return path


def export_view_dialog(widget: QWidget, name: str = "") -> Path | None:
    """Ask where, then write ``widget`` as PNG or SVG; a failure is shown in a dialog."""
    stem = _stem(name or _title_of(widget) or "view")
    path = ask_save_path(widget, "Export view as PNG or SVG", f"{stem}.png", IMAGE_FILTER, ".png")
    return _guarded(widget, "Cannot export the view", lambda: export_view(widget, path)) if path else None


def export_plot_dialog(plot: pg.PlotWidget) -> Path | None:
    """Ask where, then write one plot as PNG or SVG; a failure is shown in a dialog."""
    stem = _stem(_plot_title(plot.getPlotItem()) or "plot")
    path = ask_save_path(plot, "Export plot as PNG or SVG", f"{stem}.png", IMAGE_FILTER, ".png")
    return _guarded(plot, "Cannot export the plot", lambda: export_plot(plot, path)) if path else None


def screenshot_dialog(window: QWidget) -> Path | None:
    """Ask where, then save a PNG screenshot of the whole window."""
    path = ask_save_path(window, "Save screenshot of the window", "screenshot.png", "PNG image (*.png)", ".png")
    return _guarded(window, "Cannot save the screenshot", lambda: save_screenshot(window, path)) if path else None


# ----- installing ---------------------------------------------------------------------------


def install_view_export(view: QWidget, name: str = "") -> None:
    """Right click on ``view`` offers "Export view..."; each plot in it also "Export plot..."
    (in place of pyqtgraph's own export dialog, which writes without our checks)."""
    if not view.property(INSTALLED):
        view.setProperty(INSTALLED, True)
        action = QAction("Export view as PNG or SVG...", view)
        action.triggered.connect(lambda: export_view_dialog(view, name))
        view.addAction(action)
        if view.contextMenuPolicy() == Qt.ContextMenuPolicy.DefaultContextMenu:
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    for plot in view.findChildren(pg.PlotWidget):
        scene = plot.scene()
        if scene is None or getattr(scene, "twin_export", False):
            continue
        scene.twin_export = True
        plot_action = QAction("Export plot as PNG or SVG...", scene)
        plot_action.triggered.connect(lambda _=False, p=plot: export_plot_dialog(p))
        view_action = QAction("Export view as PNG or SVG...", scene)
        view_action.triggered.connect(lambda _=False: export_view_dialog(view, name))
        scene.contextMenu = [plot_action, view_action]


def install_exports(window: Any) -> None:
    """File menu actions of the main window and the context menus of its tabs and tables."""
    from twin_app.gui import report_export

    export = _action(window, "&Export view...", lambda: export_view_dialog(window.tabs.currentWidget()), "Ctrl+Shift+E")
    export.setStatusTip("Save the shown view as a PNG image or an SVG drawing")
    shot = _action(window, "Save screens&hot...", lambda: screenshot_dialog(window))
    shot.setStatusTip("Save a PNG of the whole window")
    report = _action(window, "Export &report...", lambda: report_export.export_report_dialog(window))
    report.setStatusTip("Write the HTML client report: the comparison shown, or this scenario's replications")
    file_menu = next((w for w in window.controls.quit.associatedObjects() if isinstance(w, QMenu)), None)
    if file_menu is not None:
        before = window.controls.quit
        file_menu.insertSeparator(before)
        for action in (export, shot, report):
            file_menu.insertAction(before, action)
        file_menu.insertSeparator(before)
    window.export_actions = (export, shot, report)

    def prepare(_index: int = -1) -> None:
        for index in range(window.tabs.count()):
            tab = window.tabs.widget(index)
            install_view_export(tab, window.tabs.tabText(index).replace("&", ""))
        install_on_tables(window)

    window.tabs.currentChanged.connect(prepare)
    prepare()


# ----- helpers ------------------------------------------------------------------------------


def _action(window: Any, text: str, slot: Any, shortcut: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _=False: slot())
    window.addAction(action)  # the shortcut works in presentation mode too
    return action


def _suffix(path: str | Path, allowed: tuple[str, ...] = tuple(FORMATS)) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        kinds = " or ".join(allowed)
        raise OutputPathError(f"Export {path}: unknown picture format {suffix or '(none)'}; end the name with {kinds}")
    return suffix


def _title_of(widget: QWidget) -> str:
    return str(getattr(widget, "title", "") or widget.windowTitle() or "")


def _plot_title(item: pg.PlotItem) -> str:
    label = getattr(item, "titleLabel", None)
    return str(label.text) if label is not None and label.text else ""


def _stem(text: str) -> str:
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text.strip().lower())
    return "_".join(part for part in stem.split("_") if part) or "view"


def _guarded(parent: QWidget, title: str, write: Any) -> Path | None:
    try:
        path = write()
    except (TwinError, OSError) as error:
        show_export_error(parent, title, str(error))
        return None
    notify = getattr(parent.window(), "notify", None)
    if callable(notify):
        notify(f"Written {path}", 6000)
    return path


def show_export_error(parent: QWidget, title: str, message: str) -> None:
    """The window's error dialog (it also emits ``error_shown``), or a plain message box."""
    show = getattr(parent.window(), "show_error", None)
    if callable(show):
        show(title, message, "")
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(title)
    box.setInformativeText(message)
    box.exec()


__all__ = [
    "ask_save_path",
    "export_plot",
    "export_view",
    "export_view_dialog",
    "install_exports",
    "install_view_export",
    "save_screenshot",
    "widget_png",
    "widget_svg",
]
