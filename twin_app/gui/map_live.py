"""The network map's live layer: vehicles moving along their lanes and the parts waiting at sites.

While the twin runs this layer is redrawn ten times a second, the rest of the map only with an
analysis or a zoom, so it is kept cheap: loaded vehicles (filled) and empty ones driving back
(hollow) are one scatter item each with one style, and the halo around a site that grows with
the parts waiting there is one scatter item per size class (:data:`HALO_SIZES`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from twin_app.gui import theme
from twin_app.gui.map_colors import QUEUE_COLOR
from twin_app.gui.map_model import Clusters, MapModel

HALO_SIZES = (8.0, 14.0, 22.0, 32.0, 44.0)
"""Extra diameter (pixels) of the queue halo around a site, by queue size class: one scatter
item per class with one brush, so redrawing the halos ten times a second stays cheap."""


def style_live(
    vehicles: pg.ScatterPlotItem, empty_vehicles: pg.ScatterPlotItem, halos: list[pg.ScatterPlotItem]
) -> None:
    """Pens and brushes of the active theme."""
    halo = QColor(*QUEUE_COLOR)
    halo.setAlpha(110)
    for item in halos:
        item.setBrush(pg.mkBrush(halo))
    vehicles.setBrush(pg.mkBrush(theme.colors.accent))
    vehicles.setPen(pg.mkPen(theme.colors.panel, width=1))
    empty_vehicles.setBrush(pg.mkBrush(theme.colors.panel))
    empty_vehicles.setPen(pg.mkPen(theme.colors.accent, width=1.5))


def draw_live(
    model: MapModel,
    clusters: Clusters,
    sizes: np.ndarray,
    vehicles: pg.ScatterPlotItem,
    empty_vehicles: pg.ScatterPlotItem,
    halos: list[pg.ScatterPlotItem],
) -> None:
    """Vehicles at their places now and a halo around each cluster with parts waiting (``sizes``:
    the clusters' marker diameters in pixels)."""
    node_xy = clusters.centre[clusters.of_node]
    xy, loaded = model.vehicle_positions(node_xy)
    # One style per item (no per-point brushes): thousands of vehicles redraw cheaply.
    vehicles.setData(pos=xy[loaded])
    empty_vehicles.setData(pos=xy[~loaded])
    live = model.live
    k = len(clusters.centre)
    waiting = np.zeros(k)
    if live is not None and len(live.node_queue) == len(clusters.of_node):
        waiting = np.bincount(clusters.of_node, live.node_queue, minlength=k)
    size_class = np.minimum(np.floor(np.log2(np.maximum(waiting, 1.0)) / 1.5), len(HALO_SIZES) - 1).astype(int)
    for index, (item, extra) in enumerate(zip(halos, HALO_SIZES, strict=True)):
        show = np.flatnonzero((waiting >= 0.5) & (size_class == index))
        if len(show) == 0:
            if len(item.data):  # an empty class left empty is not redrawn ten times a second
                item.setData(pos=np.zeros((0, 2)))
            continue
        item.setData(pos=clusters.centre[show], size=sizes[show] + extra, data=show)
