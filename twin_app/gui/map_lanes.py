"""The network map's lanes: lines between clusters, as wide as the units carried along them.

Lanes are drawn in a handful of pyqtgraph curves whatever the size of the network: one
``connect="pairs"`` curve per flow width class (:data:`WIDTH_CLASSES`), and one thin dashed
curve for the lanes without flow. The lanes between the same two clusters add up; a lane inside
a cluster is not drawn. Whether each curve keeps a pixmap cache depends on the zoom
(:func:`cache_lanes_that_fit`), the one part of drawing lanes that is about speed.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from twin_app.gui import theme
from twin_app.gui.map_model import Clusters, MapModel, width_classes

WIDTH_CLASSES = (1.5, 3.0, 4.5, 6.5, 9.0)
"""Pen widths (pixels) of the lane flow classes; lanes without flow are drawn thin and dashed."""


def style_lanes(idle: pg.PlotCurveItem, items: list[pg.PlotCurveItem]) -> None:
    """Pens of the active theme: ``idle`` the lanes without flow, ``items`` one per width class."""
    idle.setPen(pg.mkPen(theme.colors.grid, width=1.2, style=Qt.PenStyle.DashLine))
    lane = QColor(theme.colors.muted)
    lane.setAlpha(170)
    for item, width in zip(items, WIDTH_CLASSES, strict=True):
        item.setPen(pg.mkPen(lane, width=width))


def draw_lanes(model: MapModel, clusters: Clusters, idle: pg.PlotCurveItem, items: list[pg.PlotCurveItem]) -> None:
    """Each pair of clusters with lanes between them as one line in the curve of its flow class."""
    ends = clusters.of_node[model.lane_ends] if len(model.lane_ends) else np.zeros((0, 2), np.int64)
    between = ends[:, 0] != ends[:, 1]  # a lane inside one cluster is not drawn
    key = np.sort(ends[between], axis=1)
    flow = model.flow[between]
    if len(key):
        pairs, inverse = np.unique(key, axis=0, return_inverse=True)
        flow = np.bincount(inverse.reshape(-1), flow, minlength=len(pairs))
    else:
        pairs = np.zeros((0, 2), np.int64)
    classes = width_classes(flow, len(WIDTH_CLASSES))
    for k, item in enumerate([idle, *items]):
        chosen = pairs[classes == k - 1]
        if len(chosen) == 0:
            item.setData(x=np.zeros(0), y=np.zeros(0))
            continue
        xy = clusters.centre[chosen.ravel()]
        item.setData(x=xy[:, 0], y=xy[:, 1], connect="pairs")


def cache_lanes_that_fit(view: QRectF, items: list[pg.PlotCurveItem]) -> None:
    """Keep a lane item's pixmap cache only while the whole item is in the ``view`` rectangle.

    Zoomed in, a lane item reaches beyond the view, and Qt's device cache of such an item
    (the part exposed in the view) cost more on every frame than drawing its lines: the
    large network zoomed 8x repainted in 19-34 ms with the lanes cached, 5 ms without
    (3.6 ms cached at the whole-network view, 6 ms without). The vehicles repaint the map
    ten times a second, and the trial's hover felt it (p90 ~150 ms on a loaded machine)."""
    for item in items:
        fits = view.contains(item.boundingRect())
        mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if fits else QGraphicsItem.CacheMode.NoCache
        if item.cacheMode() != mode:
            item.setCacheMode(mode)
