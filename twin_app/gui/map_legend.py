"""The network map's keys: the legend line above the map and the owner list beside it.

The legend says what fill, ring, line width and the marks of the live layer mean in the current
colour mode; the owner list names every owner with its colour, kind and number of sites (a map
of many owners cannot say that in a line). Plain functions of the map model and the run, so
the keys and the drawing cannot drift apart in how they read the figures.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from twin_app.gui import theme
from twin_app.gui.map_colors import HEAT_COLORS, QUEUE_COLOR
from twin_app.gui.map_model import MapModel
from twin_app.gui.view import RunContext


def fill_owner_list(
    owner_list: QListWidget, model: MapModel | None, run: RunContext | None, owner_color: Callable[[int], str]
) -> None:
    """Every owner of the run with its colour swatch (tool tip: its kind and sites), then customers."""
    owner_list.clear()
    if model is None or run is None:
        return
    sites = np.bincount(model.node_owner[model.node_owner >= 0], minlength=len(run.names.owner))
    for index, name in enumerate(run.names.owner):
        swatch = QPixmap(12, 12)
        swatch.fill(QColor(owner_color(index)))
        kind = run.scenario.owners[index].kind.replace("_", " ")
        count = int(sites[index])
        item = QListWidgetItem(QIcon(swatch), name)
        item.setToolTip(f"{name}: {kind}, {count} site{'' if count == 1 else 's'}")
        owner_list.addItem(item)
    customer = QPixmap(12, 12)
    customer.fill(QColor(theme.colors.customer))
    owner_list.addItem(QListWidgetItem(QIcon(customer), "customer"))


def legend_text(model: MapModel, mode: str) -> str:
    """The legend (rich text) of the map in colour mode ``mode``."""
    parts = []
    if mode == "owner":
        parts.append("fill = owner (list on the right)")
    else:
        if mode == "utilisation":
            low, high = "0 %", "100 %"
        else:
            top = float(np.nanmax(model.queue)) if len(model.queue) else 0.0
            low, high = "0", f"{max(top, 1.0):.1f} waiting (mean)"
        cells = "".join(
            f'<span style="background-color:{QColor(*c).name()}">&nbsp;&nbsp;&nbsp;&nbsp;</span>' for c in HEAT_COLORS
        )
        parts.append(f"{low} {cells} {high}, ring = owner")
    parts.append("line width = units carried")
    parts.append(f'<span style="color:{theme.colors.accent}">&#9632;</span> loaded / &#9633; empty vehicle')
    parts.append(f'<span style="color:rgb{QUEUE_COLOR}">&#11044;</span> parts waiting now')
    if model.clustered:
        parts.append("&#11043; cluster of sites: zoom in or click to open")
    return " &middot; ".join(parts)
