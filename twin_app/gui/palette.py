"""Colour palettes shared by every view: owners, product families, orders and machine states.

Why one module: the Gantt, the network map, the utilisation and KPI charts must agree on what a
colour means (owner *acme* is the same blue everywhere, "down" is always vermillion). Colours
are plain ``#rrggbb`` strings so that non-Qt code (HTML reports, SVG export) can use them too;
:func:`qcolor` turns one into a ``QColor`` for the views.

The categorical palettes are colour-blind-friendly sets: Okabe & Ito (2008) for states,
Paul Tol's *bright*, *muted* and *light* schemes for owners, families and orders. With more
categories than colours a palette cycles; orders are many, so their palette is the longest and
ordered so that neighbouring ids differ strongly in hue and lightness.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtGui import QColor

from twin_app.model.events import EventKind

# Okabe-Ito, the standard colour-blind-safe set; assigned to states by meaning.
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
"""Colour of each resource state, by the state names the utilisation analysis uses."""

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

# Paul Tol's schemes (https://personal.sron.nl/~pault/), colour-blind-safe.
TOL_BRIGHT: tuple[str, ...] = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB")
TOL_MUTED: tuple[str, ...] = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
)
TOL_LIGHT: tuple[str, ...] = (
    "#77AADD",
    "#EE8866",
    "#EEDD88",
    "#FFAABB",
    "#99DDFF",
    "#44BB99",
    "#BBCC33",
    "#AAAA00",
)

OWNER_COLORS: tuple[str, ...] = (*TOL_BRIGHT[:6], "#332288", "#44AA99", "#999933", "#882255")
"""Owners: few and important, the most saturated distinct colours first."""

FAMILY_COLORS: tuple[str, ...] = TOL_MUTED
"""Product families."""

ORDER_COLORS: tuple[str, ...] = (
    *tuple(c for pair in zip(TOL_MUTED[:8], TOL_LIGHT, strict=True) for c in pair),
    TOL_MUTED[8],
    "#4477AA",
    "#EE6677",
    "#228833",
)
"""Orders cycle through 20 colours, alternating dark (muted) and light so neighbours differ."""

UNKNOWN_COLOR = "#B0B0B0"
"""For an index with no known category (an order whose product has not arrived yet...)."""

BACKGROUND = "#FFFFFF"
BAND_ALT = "#F3F5F8"
GRID = "#D5DAE1"
TEXT = "#2B2F36"
TEXT_MUTED = "#6B7280"
NOW_LINE = "#C0392B"


def categorical(n: int, colors: Sequence[str] = OWNER_COLORS) -> list[str]:
    """``n`` colours from a palette, cycling when there are more categories than colours."""
    return [colors[i % len(colors)] for i in range(max(n, 0))]


def owner_colors(owners: Sequence[object]) -> list[str]:
    """Colour of each owner: its own ``color`` if the scenario sets one, else the palette's.

    ``owners`` are scenario Owner objects (anything with an optional ``color`` attribute) or
    plain names.
    """
    defaults = categorical(len(owners), OWNER_COLORS)
    out: list[str] = []
    for owner, default in zip(owners, defaults, strict=True):
        color = getattr(owner, "color", "") or ""
        out.append(color if QColor.isValidColorName(color) else default)
    return out


def family_colors(families: Sequence[str]) -> list[str]:
    """Colour of each product family (by index in ``Layout.families``)."""
    return categorical(len(families), FAMILY_COLORS)


@lru_cache(maxsize=1024)
def qcolor(color: str, alpha: int = 255) -> QColor:
    """A ``QColor`` for ``#rrggbb`` with an alpha; cached, so treat the result as read-only."""
    c = QColor(color)
    c.setAlpha(alpha)
    return c


def blend(color: str, toward: str = BACKGROUND, amount: float = 0.7) -> str:
    """``color`` moved ``amount`` of the way toward ``toward``: dimmed colours that stay opaque.

    Opaque dimming (rather than alpha) keeps overlapping bars from darkening each other and is
    cheaper for the software rasteriser.
    """
    a, b = QColor(color), QColor(toward)
    mix = [round(x + (y - x) * amount) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True)]
    return "#{:02X}{:02X}{:02X}".format(*mix)


def darker(color: str, factor: int = 160) -> str:
    """A darker shade of ``color`` for outlines (``factor`` as in ``QColor.darker``)."""
    return QColor(color).darker(factor).name().upper()
