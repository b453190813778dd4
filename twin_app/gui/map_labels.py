"""The network map's labels: the names of its sites, customers and clusters, placed where they fit.

Which names are tried (the largest nodes in view, at most :data:`MAX_LABELS`) and where each
goes is worked out in pixels at the current zoom (:func:`label_layout`, with
:func:`~twin_app.gui.map_model.place_labels`): no label covers another label or a node, those
just outside the view included. :func:`show_labels` draws them from a pool of text items that
is reused from redraw to redraw. Kept apart from the view because it is the one part of the map
that depends on pixels and fonts rather than on the network's coordinates.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QGraphicsItem

from twin_app.gui import theme
from twin_app.gui.map_model import Clusters, MapModel, place_labels
from twin_app.gui.view import RunContext

MAX_LABELS = 60
"""Node labels tried at most (the largest nodes first); the rest show on hover."""

LABEL_POINTS = 8.5
"""Font size of the labels (points)."""


def node_name(model: MapModel, run: RunContext | None, node: int) -> str:
    """The display name of network node ``node`` (a site or a customer)."""
    if run is not None:
        if node < model.n_sites:
            return run.names.site[node]
        return run.scenario.customers[node - model.n_sites].name or model.network.node_ids[node]
    return model.network.node_ids[node]


def cluster_name(model: MapModel, run: RunContext | None, clusters: Clusters, c: int) -> str:
    """A cluster's label: its only node's name, or how many sites it holds."""
    head = int(clusters.first[c])
    if clusters.size[c] > 1:
        return f"{int(clusters.size[c])} sites"
    return node_name(model, run, head)


def label_layout(
    vb: pg.ViewBox, model: MapModel, run: RunContext | None, clusters: Clusters, sizes: np.ndarray
) -> tuple[list[str], np.ndarray]:
    """The labels to show in the view of ``vb`` and their centres in data coordinates.

    ``sizes`` are the markers' diameters in pixels, by cluster."""
    (xa, xb), (ya, yb) = vb.viewRange()
    px_w, px_h = vb.viewPixelSize()
    if not (np.isfinite(px_w) and px_w > 0 and np.isfinite(px_h) and px_h > 0):
        return [], np.zeros((0, 2))
    centre = clusters.centre
    inside = np.flatnonzero((centre[:, 0] >= xa) & (centre[:, 0] <= xb) & (centre[:, 1] >= ya) & (centre[:, 1] <= yb))
    importance = clusters.machines[inside] + np.where(clusters.owner[inside] < 0, 0.5, 0.0)
    # Every node in view (or reaching into it) is an obstacle, not only those whose names
    # are tried: a cluster's name ('7 sites') covered a site's name beside it.
    mx, my = 32 * px_w, 32 * px_h  # (the largest marker's radius, 64 px across)
    everyone = np.flatnonzero(
        (centre[:, 0] >= xa - mx) & (centre[:, 0] <= xb + mx) & (centre[:, 1] >= ya - my) & (centre[:, 1] <= yb + my)
    )
    inside = inside[np.argsort(-importance, kind="stable")[:MAX_LABELS]]
    fm = QFontMetricsF(theme.ui_font(LABEL_POINTS))
    names = [cluster_name(model, run, clusters, int(c)) for c in inside]
    points = np.column_stack([(centre[inside, 0] - xa) / px_w, (yb - centre[inside, 1]) / px_h])
    shown, centres = place_labels(
        points,
        sizes[inside] / 2,
        np.array([fm.horizontalAdvance(t) + 4 for t in names]),
        fm.height(),
        clusters.machines[inside],
        view_px=((xb - xa) / px_w, (yb - ya) / px_h),
        obstacles_px=np.column_stack([(centre[everyone, 0] - xa) / px_w, (yb - centre[everyone, 1]) / px_h]),
        obstacles_radius_px=sizes[everyone] / 2,
    )
    where = centres[shown]
    return [names[i] for i in np.flatnonzero(shown)], np.column_stack(
        [xa + where[:, 0] * px_w, yb - where[:, 1] * px_h]
    )


def show_labels(plot: pg.PlotItem, pool: list[pg.TextItem], texts: list[str], where: np.ndarray) -> None:
    """Show ``texts`` centred at ``where`` (data coordinates), growing ``pool`` as needed and
    hiding the text items left over."""
    while len(pool) < len(texts):  # a pool of text items, reused from redraw to redraw
        label = pg.TextItem("", anchor=(0.5, 0.5), color=theme.colors.text)
        label.setFont(theme.ui_font(LABEL_POINTS))
        # The moving vehicles repaint the whole map ten times a second: keep each label's
        # rendered text as a pixmap instead of laying the text out on every frame.
        label.textItem.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.addItem(label)
        pool.append(label)
    for index, label in enumerate(pool):
        if index >= len(texts):
            label.hide()
            continue
        if label.toPlainText() != texts[index]:
            label.setText(texts[index])
        label.setPos(*where[index])
        label.show()


def restyle_labels(pool: list[pg.TextItem]) -> None:
    """The text colour and font of the active theme."""
    for label in pool:
        label.setColor(theme.colors.text)
        label.setFont(theme.ui_font(LABEL_POINTS))
