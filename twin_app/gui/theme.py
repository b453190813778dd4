"""The look of the app in one place: palettes, the light and dark themes, fonts, plot styling.

Why one module: the Gantt, the map, the utilisation and KPI charts must agree on what a colour
means (owner *acme* is the same blue everywhere, "down" is always vermillion) and on the
surfaces they draw on. Categorical palettes are colour-blind-safe: Okabe & Ito (2008) for
machine states, Paul Tol's *bright*, *muted* and *light* schemes for owners, product families
and orders. Colours are ``#rrggbb`` strings, turned into ``QColor`` by :func:`qcolor`.

The surface colours (background, text, grid...) come from the active :class:`Colors`, read
through :data:`colors` at drawing time, so switching between :data:`LIGHT` and :data:`DARK`
(:func:`use`) and restyling the widgets (:func:`twin_app.gui.widget_style.restyle`, which puts
the style sheet on them) recolours everything. Presentation
mode scales every font by :data:`scale`. Time formatting (simulated minutes as days and
hh:mm) lives here too, with the axis that uses it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QWidget

from twin_app.gui import chart_turns, steady_labels
from twin_app.model.events import EventKind

steady_labels.install()  # every plot's titles and legends (see the module)
chart_turns.install()  # a shown tab's charts paint a turn each (see the module)

# --- categorical palettes (the same in both themes) ------------------------------------------

STATE_COLORS: dict[str, str] = {
    "busy": "#009E73",  # bluish green: working
    "setup": "#E69F00",  # orange: changeover
    "idle": "#D9D9D9",  # light grey: starved / nothing to do
    "blocked": "#CC79A7",  # reddish purple: output buffer full
    "down": "#D55E00",  # vermillion: breakdown
    "off_shift": "#9E9E9E",  # grey: outside the calendar
    "transport": "#0072B2",  # blue: a vehicle carrying parts
    "wait": "#56B4E9",  # sky blue: queue time
}
"""Okabe-Ito colours of the resource states, by the names the utilisation analysis uses."""

DARK_IDLE = "#4B5563"
"""Idle in the dark theme (see :func:`state_color`)."""


def state_color(state: str) -> str:
    """A resource state's colour in the active theme: :data:`STATE_COLORS`, but idle, a light
    grey that made the dark theme's utilisation charts mostly a bright block (T9), is a dark
    grey there."""
    if state == "idle" and colors.name == "dark":
        return DARK_IDLE
    return STATE_COLORS[state]


MACHINE_STATES = ("busy", "setup", "idle", "blocked", "down", "off_shift")
"""twin_app.analysis.utilisation.STATES order."""

STATE_LABELS: dict[str, str] = {
    "busy": "Busy",
    "setup": "Setup",
    "idle": "Idle",
    "blocked": "Blocked",
    "down": "Down",
    "off_shift": "Off shift",
}

KIND_STATE: dict[EventKind, str] = {
    EventKind.PROCESS: "busy",
    EventKind.SETUP: "setup",
    EventKind.TRANSPORT: "transport",
    EventKind.DOWN: "down",
    EventKind.OFF_SHIFT: "off_shift",
    EventKind.WAIT: "wait",
    EventKind.BLOCKED: "blocked",
}
"""The state an event interval of each kind shows."""

KIND_COLORS: tuple[str, ...] = tuple(STATE_COLORS[KIND_STATE[k]] for k in EventKind)
"""``KIND_COLORS[kind]``: colour of an event kind (indexable by the ``kind`` field)."""

TOL_BRIGHT = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB")
TOL_MUTED = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
TOL_LIGHT = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00")

OWNER_COLORS: tuple[str, ...] = (
    *TOL_BRIGHT[:6],
    "#332288",
    "#44AA99",
    "#999933",
    "#882255",
    "#EE8866",
    "#117733",
    "#99DDFF",
    "#DDCC77",
    "#AA4499",
    "#BBCC33",
    "#CC6677",
    "#77AADD",
    "#FFAABB",
    "#AAAA00",
)
"""Owners: the most saturated distinct colours first; 20 before the palette repeats."""

FAMILY_COLORS: tuple[str, ...] = TOL_MUTED
ORDER_COLORS: tuple[str, ...] = (
    *tuple(c for pair in zip(TOL_MUTED[:8], TOL_LIGHT, strict=True) for c in pair),
    TOL_MUTED[8],
    "#4477AA",
    "#EE6677",
    "#228833",
)
"""Orders cycle through 20 colours, alternating dark (muted) and light so neighbours differ."""

ROW_COLORS: tuple[str, ...] = TOL_BRIGHT[:6] + TOL_MUTED
"""Rows of ranked charts (the bottleneck strip)."""

UNKNOWN_COLOR = "#B0B0B0"
EMPTY_RETURN_COLOR = "#BCC3CD"
NEGATIVE = "#C0392B"


# --- surfaces: the light and the dark theme ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Colors:
    """The surface colours of one theme."""

    name: str
    background: str  # the window behind the panels
    panel: str  # plots, tables, cards
    band: str  # every other row band of the Gantt
    text: str
    muted: str
    grid: str
    accent: str
    hover: str
    selected: str
    now_line: str
    customer: str
    chip: str  # background of labels drawn over charts


LIGHT = Colors(
    "light",
    background="#F5F7FA",
    panel="#FFFFFF",
    band="#F3F5F8",
    text="#1F2933",
    muted="#616E7C",
    grid="#D5DAE1",
    accent="#2F6FDE",
    hover="#E8EEFC",
    selected="#DBE6FB",
    now_line="#C0392B",
    customer="#323F4B",
    chip="#FFFFFF",
)
DARK = Colors(
    "dark",
    background="#15191F",
    panel="#1D232B",
    band="#232A33",
    text="#E4E7EB",
    muted="#9AA5B1",
    grid="#3A4450",
    accent="#6EA8FE",
    hover="#27344A",
    selected="#2D3F5E",
    now_line="#FF6B5B",
    customer="#CBD2D9",
    chip="#1D232B",
)

colors: Colors = LIGHT
"""The active theme's colours (read them when drawing, not once at construction)."""

scale: float = 1.0
"""Font scale: 1 normally, larger in presentation mode."""

BASE_POINT_SIZE = 9.0


def use(theme: Colors | None = None, font_scale: float | None = None) -> None:
    """Make ``theme`` and/or ``font_scale`` active (then call :func:`restyle` on the window)."""
    global colors, scale
    if theme is not None:
        colors = theme
    if font_scale is not None:
        scale = float(font_scale)
    pg.setConfigOptions(antialias=True, background=colors.panel, foreground=colors.text)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        font = app.font()
        font.setPointSizeF(BASE_POINT_SIZE * scale)
        app.setFont(font)


def configure_pyqtgraph() -> None:
    """Plot defaults of the active theme (called once before the first plot is made)."""
    pg.setConfigOptions(antialias=True, background=colors.panel, foreground=colors.text)


# --- helpers ----------------------------------------------------------------------------------


def categorical(n: int, palette: Sequence[str] = OWNER_COLORS) -> list[str]:
    """``n`` colours from a palette, cycling when there are more categories than colours."""
    return [palette[i % len(palette)] for i in range(max(n, 0))]


def owner_colors(owners: Sequence[object]) -> list[str]:
    """Colour of each owner: its own ``color`` if the scenario sets one, else the palette's.

    ``owners`` are scenario Owner objects (anything with an optional ``color``) or names.
    """
    out: list[str] = []
    for owner, default in zip(owners, categorical(len(owners)), strict=True):
        color = getattr(owner, "color", "") or ""
        out.append(color if QColor.isValidColorName(color) else default)
    return out


def family_colors(families: Sequence[str]) -> list[str]:
    """Colour of each product family (by index in ``Layout.families``)."""
    return categorical(len(families), FAMILY_COLORS)


@lru_cache(maxsize=2048)
def qcolor(color: str, alpha: int = 255) -> QColor:
    """A ``QColor`` for ``#rrggbb`` with an alpha; cached, so treat the result as read-only."""
    c = QColor(color)
    c.setAlpha(alpha)
    return c


def blend(color: str, toward: str | None = None, amount: float = 0.7) -> str:
    """``color`` moved ``amount`` of the way toward ``toward`` (default: the panel colour):
    dimmed colours that stay opaque, so overlapping bars do not darken each other."""
    a, b = QColor(color), QColor(toward or colors.panel)
    mix = [round(x + (y - x) * amount) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def darker(color: str, factor: int = 160) -> str:
    """A darker shade of ``color`` for outlines (``factor`` as in ``QColor.darker``)."""
    return QColor(color).darker(factor).name().upper()


def ui_font(point_size: float | None = None, bold: bool = False) -> QFont:
    """A font of ``point_size`` (scaled for presentation mode)."""
    font = QFont()
    if point_size is not None:
        font.setPointSizeF(point_size * scale)
    font.setBold(bold)
    return font


def limit_time_zoom(plot: pg.PlotItem, start: float, end: float) -> None:
    """Let the wheel zoom ``plot``'s time axis between a simulated minute and the run's span
    (``start`` to ``end``), as the Gantt's: zoomed out without limit, the Bottlenecks strip read
    "day -7" to "day 14" and its bars shrank to a sliver (T10)."""
    span = max(float(end) - float(start), 1.0)
    pad = 0.02 * span
    plot.getViewBox().setLimits(
        xMin=float(start) - pad, xMax=float(start) + span + pad, minXRange=min(1.0, span), maxXRange=span + 2 * pad
    )


def pt(size: float) -> str:
    """A style-sheet point size, scaled."""
    return f"{size * scale:.1f}pt"


# --- plots ------------------------------------------------------------------------------------


def style_plot(plot: pg.PlotItem, *, left: str | None = None, bottom: str | None = None, grid: bool = True) -> None:
    """The house look of a plot in the active theme: axis labels, a light grid, tick fonts.

    Labels given as None keep what the plot has (restyling after a theme change)."""
    font = ui_font(9)
    for name in ("top", "right"):  # hidden, but linked to the view: they follow its range too
        quiet_axis(plot.getAxis(name))
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        quiet_axis(axis)
        axis.setTickFont(font)
        axis.setPen(pg.mkPen(colors.muted))
        axis.setTextPen(pg.mkPen(colors.text))
        text = {"left": left, "bottom": bottom}[name]
        if text is None:
            text = axis.labelText
        # pyqtgraph leaves the axis title 0.8 of its height beside the tick labels: in presentation
        # type they touched; a wider margin around the title moves them apart (4 px: Qt's default)
        axis.label.document().setDocumentMargin(4.0 + 12.0 * max(scale - 1.0, 0.0))
        if text:
            axis.setLabel(text, color=colors.muted, **{"font-size": pt(10)})
    if grid:
        plot.showGrid(x=True, y=True, alpha=0.18)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    title = getattr(plot, "_twin_title", None)
    if title:
        plot.setTitle(title, color=colors.text, size=pt(10.5))


def quiet_axis(axis: pg.AxisItem) -> None:
    """No SI prefix on ``axis``: its title is written once, not at every change of range.

    With auto SI prefixes on (pyqtgraph's default) each new range re-sets the title's HTML and
    re-measures the axis (0.4 ms an axis), though our titles carry no units: every autoscaled
    update of a live chart, every frame of the Gantt following the run and every resize paid it
    (48 times, 23 ms, when the KPI tab was shown after a resize). Without units the prefix only
    ever rescaled ticks below 1 (a share of 0.5 read "500" with "(x0.001)" in the title)."""
    if axis.autoSIPrefix:
        axis.enableAutoSIPrefix(False)


def set_title(plot: pg.PlotItem, title: str) -> None:
    """A plot title in the theme (remembered, so :func:`restyle` recolours it)."""
    plot._twin_title = title  # type: ignore[attr-defined]
    plot.setTitle(title, color=colors.text, size=pt(10.5))


def bar_chart(title: str, bottom: str, *, pan_rows: bool) -> pg.PlotWidget:
    """A horizontal bar chart in the house style: first row at the top, no zooming on the
    value axis (shares run 0-100 %), rows pannable when there can be many of them."""
    widget = pg.PlotWidget(enableMenu=False)  # no context menus built: style_plot turns them off
    plot = widget.getPlotItem()
    style_plot(plot, bottom=bottom)
    set_title(plot, title)
    plot.getViewBox().invertY(True)
    plot.getViewBox().setMouseEnabled(x=False, y=pan_rows)
    plot.showGrid(x=True, y=False, alpha=0.18)
    return widget


def restyle_plots(root: QWidget, *, skip: tuple[QWidget, ...] = ()) -> None:
    """Recolour every plot under ``root`` (not those under the widgets in ``skip``) for the
    active theme and type size."""
    for widget in root.findChildren(pg.PlotWidget):
        if skip and any(widget is s or s.isAncestorOf(widget) for s in skip):
            continue
        widget.setBackground(colors.panel)
        style_plot(widget.getPlotItem(), grid=False)
        legend = widget.getPlotItem().legend  # its labels keep the colour of the theme they were made in
        if legend is not None:
            legend.setLabelTextColor(colors.text)  # for entries added later; it does not redraw these
            for _, label in legend.items:  # in the theme's colour and (presentation) type size
                label.setText(label.text, color=colors.text, size=pt(9))


# --- time -------------------------------------------------------------------------------------


def format_clock(minutes: float) -> str:
    """Simulated minutes as 'Nd hh:mm' (the clock in the toolbar and the status bar)."""
    if not math.isfinite(minutes):
        return "--"
    total = int(max(0.0, minutes))
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


def empty_range(widget: pg.PlotWidget) -> None:
    """Give a cleared chart the empty 0-1 range, not the last run's days and counts over no
    data; each axis keeps whether it auto-ranges (``setRange`` alone turns that off). The chart
    says it is empty (:func:`show_empty`)."""
    box = widget.getPlotItem().getViewBox()
    auto = list(box.state["autoRange"])
    box.setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0))
    box.enableAutoRange(x=auto[0], y=auto[1])
    show_empty(widget.getPlotItem(), True)


EMPTY_NOTE = "No figures yet"
"""What an empty chart says, in its middle."""


def show_empty(plot: pg.PlotItem, empty: bool) -> None:
    """An empty chart says so and shows no tick values; a chart with data shows them again.

    Empty, its axes read 0, 0.5 and 1 under titles such as "Simulated time", which
    looked like a placeholder left by mistake (trials T2 and T6). Only a change is applied: the
    axes are measured again only when a chart fills or empties."""
    if getattr(plot, "_twin_empty", False) == empty:
        return
    plot._twin_empty = empty  # type: ignore[attr-defined]
    for name in ("left", "bottom"):
        plot.getAxis(name).setStyle(showValues=not empty)
    note = getattr(plot, "_twin_empty_note", None)
    if note is None and empty:
        note = pg.TextItem(EMPTY_NOTE, color=colors.muted, anchor=(0.5, 0.5))
        note.setFont(ui_font(10))
        plot.addItem(note, ignoreBounds=True)
        note.setPos(0.5, 0.5)  # (the middle of an empty chart's 0-1 range)
        plot._twin_empty_note = note  # type: ignore[attr-defined]
    if note is not None:
        note.setVisible(empty)


def format_money(value: float) -> str:
    if not math.isfinite(value):
        return "--"
    if round(value) == 0:  # a loss of cents at the start of a run is not "-0"
        return "0"
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

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        quiet_axis(self)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        span = max(maxVal - minVal, 1e-9)
        wanted = span / max(size / (110.0 * scale), 1.0)
        major = next((s for s in _NICE_STEPS if s >= wanted), None)
        if major is None:
            major = 10080 * math.ceil(wanted / 10080)
        # At least two labelled ticks in view: the KPI tab's trust chart (224 px wide at 1300 px,
        # 28 days) wanted 20,620 minutes a label, took 30 days, and read no tick at all (T7).
        fitting = [s for s in _NICE_STEPS if s <= span / 2]
        if fitting and major > fitting[-1]:
            major = fitting[-1]
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
