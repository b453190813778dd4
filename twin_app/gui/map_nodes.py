"""The network map's nodes: a marker for each site or cluster of sites, and for each customer.

A site's marker grows with its machine units (a cluster's, drawn as a hexagon, a little more
so), its fill and ring say its owner, utilisation or queue as
:class:`~twin_app.gui.map_colors.MapPalette` colours them; customers are plain squares. The
marker sizes are returned because the labels, queue halos and highlight are placed around them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from twin_app.gui import theme
from twin_app.gui.map_colors import MapPalette
from twin_app.gui.map_model import Clusters, MapModel, cluster_values

MAX_MARKER_PX = 64
"""The largest marker's diameter (pixels), however many machines a site or cluster has."""

CUSTOMER_PX = 15.0
"""A customer's marker (pixels)."""


def draw_nodes(
    sites: pg.ScatterPlotItem,
    customers: pg.ScatterPlotItem,
    model: MapModel,
    clusters: Clusters,
    mode: str,
    palette: MapPalette,
) -> np.ndarray:
    """Draw the clusters of sites into ``sites`` and the customers into ``customers`` (each
    point's data is its cluster index), coloured in ``mode``. Returns each cluster's marker
    diameter in pixels."""
    n_sites = model.n_sites
    k_sites = int(clusters.of_node[:n_sites].max()) + 1 if n_sites else 0
    centre = clusters.centre
    owners = clusters.owner[:k_sites]
    values = cluster_values(model, clusters, mode)
    brushes = [palette.brush(c) for c in palette.fills(owners, values[:k_sites], mode)]
    machines = clusters.machines[:k_sites]
    sizes = np.where(clusters.size[:k_sites] > 1, 18 + 4 * np.sqrt(machines), 14 + 5 * np.sqrt(machines))
    sizes = np.minimum(sizes, MAX_MARKER_PX)
    symbols = ["o" if s == 1 else "h" for s in clusters.size[:k_sites]]
    sites.setData(
        pos=centre[:k_sites],
        size=sizes,
        brush=brushes,
        pen=palette.rings(owners, mode),
        data=np.arange(k_sites),
        symbol=symbols,
    )
    customers.setData(
        pos=centre[k_sites:],
        size=CUSTOMER_PX,
        brush=pg.mkBrush(theme.colors.customer),
        pen=pg.mkPen(theme.colors.panel, width=1.5),
        data=np.arange(k_sites, len(centre)),
        symbol="s",
    )
    return np.concatenate([sizes, np.full(len(centre) - k_sites, CUSTOMER_PX)])
