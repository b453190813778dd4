"""Look of the app: colours of machine states and owners, fonts, the style sheet, plot defaults.

One module so the views agree: a 'down' bar in the utilisation chart has the same red as a
breakdown in the Gantt, an owner has the same colour on the map and in the tables. Time
formatting (simulated minutes as days and hh:mm) lives here too, with the axis that uses it.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFont

from twin_app.gui import palette

STATE_COLORS: dict[str, str] = {
    k: palette.STATE_COLORS[k] for k in ("busy", "setup", "idle", "blocked", "down", "off_shift")
}
"""Machine states (twin_app.analysis.utilisation.STATES order) to colours, shared with the Gantt."""

STATE_LABELS: dict[str, str] = {
    "busy": "Busy",
    "setup": "Setup",
    "idle": "Idle",
    "blocked": "Blocked",
    "down": "Down",
    "off_shift": "Off shift",
}

ACCENT = "#2f6fde"
TEXT = "#1f2933"
MUTED = "#616e7c"
GRID = "#e4e7eb"
BACKGROUND = "#f5f7fa"
PANEL = "#ffffff"
CUSTOMER_COLOR = "#323f4b"


def owner_colors(scenario: object) -> list[str]:
    """Colours of all owners of ``scenario`` in index order (the same as the Gantt's)."""
    return palette.owner_colors(getattr(scenario, "owners", ()))


def ui_font(point_size: float | None = None, bold: bool = False) -> QFont:
    font = QFont()
    if point_size is not None:
        font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def configure_pyqtgraph() -> None:
    """Light plots that match the widgets (called once before the first plot is made)."""
    pg.setConfigOptions(antialias=True, background=PANEL, foreground=TEXT)


def style_plot(plot: pg.PlotItem, *, left: str = "", bottom: str = "", grid: bool = True) -> None:
    """Common plot look: axis labels with units, a light grid, readable tick fonts."""
    font = ui_font(9)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTickFont(font)
        axis.setPen(pg.mkPen(MUTED))
        axis.setTextPen(pg.mkPen(TEXT))
    label_style = {"color": MUTED, "font-size": "10pt"}
    if left:
        plot.setLabel("left", left, **label_style)
    if bottom:
        plot.setLabel("bottom", bottom, **label_style)
    if grid:
        plot.showGrid(x=True, y=True, alpha=0.18)
    plot.setMenuEnabled(False)
    plot.hideButtons()


def bar_chart(title: str, bottom: str, *, pan_rows: bool) -> pg.PlotWidget:
    """A horizontal bar chart in the house style: first row at the top, no zooming on the
    value axis (shares run 0-100 %), rows pannable when there can be many of them."""
    widget = pg.PlotWidget()
    plot = widget.getPlotItem()
    style_plot(plot, bottom=bottom)
    plot.setTitle(title, color=TEXT, size="10.5pt")
    plot.getViewBox().invertY(True)
    plot.getViewBox().setMouseEnabled(x=False, y=pan_rows)
    plot.showGrid(x=True, y=False, alpha=0.18)
    return widget


def format_clock(minutes: float) -> str:
    """Simulated minutes as 'Nd hh:mm' (the clock in the toolbar and the status bar)."""
    if not math.isfinite(minutes):
        return "--"
    minutes = max(0.0, minutes)
    total = int(minutes)
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    return f"{days}d {hours:02d}:{mins:02d}"


def format_duration(minutes: float) -> str:
    """A duration for humans: '42 min', '5.2 h', '3.1 d'."""
    if not math.isfinite(minutes):
        return "--"
    if abs(minutes) < 120:
        return f"{minutes:.1f} min" if abs(minutes) < 10 else f"{minutes:.0f} min"
    if abs(minutes) < 2 * 1440:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"


def format_money(value: float) -> str:
    if not math.isfinite(value):
        return "--"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}{value / 1e6:.2f} M"
    if value >= 1e4:
        return f"{sign}{value / 1e3:.1f} k"
    return f"{sign}{value:,.0f}"


_NICE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440, 2880, 4320, 10080, 20160, 43200, 100800)


class TimeAxisItem(pg.AxisItem):
    """A bottom axis over simulated minutes whose ticks read as days and clock times."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = max(maxVal - minVal, 1e-9)
        pixels_per_tick = 110.0
        wanted = span / max(size / pixels_per_tick, 1.0)
        major = next((s for s in _NICE_STEPS if s >= wanted), None)
        if major is None:
            major = 10080 * math.ceil(wanted / 10080)
        minor_candidates = [s for s in _NICE_STEPS if s < major and major % s == 0]
        minor = minor_candidates[-1] if minor_candidates else major / 2
        return [(float(major), 0.0), (float(minor), 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        out = []
        for v in values:
            if spacing >= 1440 and abs(v / 1440 - round(v / 1440)) < 1e-9:
                out.append(f"day {round(v / 1440)}")
            elif spacing >= 1:
                out.append(format_clock(v) if v >= 1440 or spacing >= 60 else f"{v:.0f}")
            else:
                out.append(f"{v:g}")
        return out


STYLE_SHEET = f"""
QMainWindow, QWidget#Workspace {{ background: {BACKGROUND}; }}
QToolBar {{ background: {PANEL}; border: none; border-bottom: 1px solid {GRID}; spacing: 6px; padding: 4px 8px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; }}
QToolBar QToolButton:hover {{ background: #e8eefc; }}
QToolBar QToolButton:checked {{ background: #dbe6fb; }}
QStatusBar {{ background: {PANEL}; border-top: 1px solid {GRID}; color: {MUTED}; }}
QStatusBar QLabel {{ color: {MUTED}; padding: 0 6px; }}
QTabWidget::pane {{ border: 1px solid {GRID}; background: {PANEL}; border-radius: 4px; top: -1px; }}
QTabBar::tab {{ padding: 7px 16px; color: {MUTED}; background: transparent; border: none;
               border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {TEXT}; border-bottom: 2px solid {ACCENT}; font-weight: 600; }}
QTabBar::tab:hover {{ color: {TEXT}; }}
QDockWidget {{ color: {TEXT}; font-weight: 600; }}
QDockWidget::title {{ background: {BACKGROUND}; padding: 6px 8px; }}
QFrame#Card {{ background: {PANEL}; border: 1px solid {GRID}; border-radius: 6px; }}
QLabel#CardTitle {{ color: {MUTED}; font-size: 9pt; }}
QLabel#CardValue {{ color: {TEXT}; font-size: 17pt; font-weight: 600; }}
QLabel#CardDetail {{ color: {MUTED}; font-size: 8.5pt; }}
QLabel#Clock {{ font-family: "DejaVu Sans Mono", monospace; font-size: 13pt; font-weight: 600;
               color: {TEXT}; background: {BACKGROUND}; border: 1px solid {GRID}; border-radius: 4px;
               padding: 2px 10px; }}
QLabel#SectionTitle {{ color: {TEXT}; font-size: 10.5pt; font-weight: 600; }}
QLabel#Hint {{ color: {MUTED}; }}
QListWidget#SampleList {{ border: none; background: {PANEL}; }}
QListWidget#SampleList::item {{ border-bottom: 1px solid {GRID}; padding: 2px; }}
QListWidget#SampleList::item:selected {{ background: #e8eefc; color: {TEXT}; }}
QTableView {{ background: {PANEL}; gridline-color: {GRID}; border: 1px solid {GRID};
              selection-background-color: #dbe6fb; selection-color: {TEXT}; }}
QHeaderView::section {{ background: {BACKGROUND}; color: {MUTED}; border: none;
                        border-bottom: 1px solid {GRID}; padding: 4px 6px; font-weight: 600; }}
QTextBrowser {{ border: 1px solid {GRID}; border-radius: 4px; background: {PANEL}; }}
"""
