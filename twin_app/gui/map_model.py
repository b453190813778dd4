"""What the network map draws, as numpy (no Qt): nodes, lanes, clusters, labels, vehicles.

:class:`MapModel` turns a scenario and its network graph into node positions (sites first, then
customers), each site's owner and machine count, and the drawable lanes; it takes the run's
figures from an :class:`~twin_app.analysis.snapshot.Analysis` (utilisation and mean queue per
site, units carried per lane) and the live state (vehicles on the road, parts waiting now).

Big networks are drawn as *clusters*: :func:`cluster_nodes` merges the sites that would fall
into one cell of a screen grid at the current zoom, so a thousand machines read as a few dozen
regions and split up as the user zooms in. :func:`place_labels` puts node names where they do
not cover each other or a node.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from twin_app.analysis.snapshot import Analysis
from twin_app.experiments.live_state import LiveState
from twin_app.model.layout import Layout
from twin_app.model.network import Network
from twin_app.model.scenario import Scenario

CLUSTER_CELL_PX = 90.0
"""Sites closer than about this many pixels merge into one cluster (when clustering is on)."""

CLUSTER_ABOVE_SITES = 40
"""Networks with more sites than this are drawn clustered."""

LABEL_OFFSETS = ((0.0, 1.0), (0.0, -1.0), (1.0, 0.0), (-1.0, 0.0), (1.0, 1.0), (-1.0, 1.0), (1.0, -1.0), (-1.0, -1.0))
"""Where a label may go relative to its node (below, above, right, left, diagonals), in order."""


@dataclass
class MapModel:
    """Everything the map draws, as arrays indexed by network node (sites first, then customers)."""

    scenario: Scenario
    layout: Layout
    network: Network
    positions: np.ndarray
    """(n_nodes, 2) drawing coordinates."""
    node_owner: np.ndarray
    """Owner index of each node (-1 for customers)."""
    node_machines: np.ndarray
    """Machine units at each node (0 for customers)."""
    n_sites: int
    lane_ends: np.ndarray
    """(n_lanes, 2) node indices of each drawable lane's origin and destination."""
    lane_index: np.ndarray
    """Scenario lane index of each drawable lane."""
    utilisation: np.ndarray
    """Per node: busy share of the machines' working time (NaN: no machines or no data)."""
    queue: np.ndarray
    """Per node: mean number of operations waiting at the site's machines."""
    flow: np.ndarray
    """Per drawable lane: units transported so far."""
    resource_states: np.ndarray | None = None
    """(n_resources, 6) state durations of the latest analysis, for the details panel."""
    live: LiveState | None = None

    @classmethod
    def build(cls, scenario: Scenario, layout: Layout, network: Network) -> MapModel:
        graph = network.graph
        ids = network.node_ids
        xy = np.array([[float(graph.nodes[n].get("x", 0.0)), float(graph.nodes[n].get("y", 0.0))] for n in ids])
        if len(xy) and np.allclose(xy, 0.0):
            xy = spring_positions(graph, ids)
        owner_index = {o: i for i, o in enumerate(layout.owners)}
        node_owner = np.array(
            [
                owner_index.get(graph.nodes[n].get("owner", ""), -1) if graph.nodes[n].get("kind") == "site" else -1
                for n in ids
            ],
            dtype=np.int32,
        )
        n_sites = len(scenario.sites)
        machines = np.zeros(len(ids))
        site_index = {s.id: i for i, s in enumerate(scenario.sites)}
        for machine in scenario.machines:
            if machine.site in site_index:
                machines[site_index[machine.site]] += machine.capacity
        ends, lanes = [], []
        for k, lane in enumerate(scenario.lanes):
            a, b = network.node_index.get(lane.origin), network.node_index.get(lane.destination)
            if a is not None and b is not None and a != b:
                ends.append((a, b))
                lanes.append(k)
        n = len(ids)
        return cls(
            scenario=scenario,
            layout=layout,
            network=network,
            positions=xy.reshape(-1, 2),
            node_owner=node_owner,
            node_machines=machines,
            n_sites=n_sites,
            lane_ends=np.array(ends, dtype=np.int64).reshape(-1, 2),
            lane_index=np.array(lanes, dtype=np.int64),
            utilisation=np.full(n, np.nan),
            queue=np.zeros(n),
            flow=np.zeros(len(lanes)),
        )

    @property
    def clustered(self) -> bool:
        """Whether the network is big enough to be drawn as clusters."""
        return self.n_sites > CLUSTER_ABOVE_SITES

    def clear(self) -> None:
        self.utilisation[:] = np.nan
        self.queue[:] = 0.0
        self.flow[:] = 0.0
        self.resource_states = None
        self.live = None

    def update(self, analysis: Analysis) -> None:
        """Node values and lane flows from an analysis with ``durations``, ``queue_means`` and
        ``lane_flows`` computed."""
        states = np.asarray(analysis.durations, dtype=float)
        self.resource_states = states
        n_units = self.layout.n_machine_units
        unit_site = np.array([r.site for r in self.layout.resources[:n_units]], dtype=np.int64)
        known = unit_site >= 0
        busy = states[:n_units, 0]
        working = states[:n_units].sum(axis=1) - states[:n_units, 5]
        site_busy = np.bincount(unit_site[known], busy[known], minlength=self.n_sites)
        site_work = np.bincount(unit_site[known], working[known], minlength=self.n_sites)
        util = np.full(len(self.positions), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            util[: self.n_sites] = np.where(site_work > 0, site_busy / np.maximum(site_work, 1e-12), np.nan)
        has_machine = np.bincount(unit_site[known], minlength=self.n_sites) > 0
        util[: self.n_sites][has_machine & np.isnan(util[: self.n_sites])] = 0.0
        self.utilisation = util

        queue = np.asarray(analysis.queue_means, dtype=float)[:n_units]
        # Units of one machine share its queue: count each machine's queue once (its maximum).
        unit_machine = np.array([r.machine for r in self.layout.resources[:n_units]], dtype=np.int64)
        per_machine = np.zeros(len(self.scenario.machines))
        if len(queue):
            np.maximum.at(per_machine, unit_machine, np.nan_to_num(queue))
        machine_site = np.array(
            [self.layout.resources[first].site for first in self.layout.machine_first_unit], dtype=np.int64
        )
        q = np.zeros(len(self.positions))
        valid = machine_site >= 0
        q[: self.n_sites] = np.bincount(machine_site[valid], per_machine[valid], minlength=self.n_sites)
        self.queue = q
        flows = np.asarray(analysis.lane_flows, dtype=float)
        self.flow = flows[self.lane_index] if len(self.lane_index) else np.zeros(0)

    def node_values(self, mode: str) -> np.ndarray:
        """Values that colour the nodes in ``mode`` ('utilisation' 0..1, 'queue' >= 0)."""
        return self.utilisation if mode == "utilisation" else self.queue

    def vehicle_positions(self, node_xy: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(xy, loaded)`` of the vehicles under way in the live state, along their lanes.

        ``node_xy`` replaces the node positions (the cluster centre of each node, when clustered).
        """
        live = self.live
        if live is None or len(live.vehicle_lane) == 0 or len(self.lane_index) == 0:
            return np.zeros((0, 2)), np.zeros(0, bool)
        pos = self.positions if node_xy is None else node_xy
        drawable = np.full(len(self.scenario.lanes), -1, dtype=np.int64)
        drawable[self.lane_index] = np.arange(len(self.lane_index))
        row = drawable[live.vehicle_lane]
        ok = row >= 0
        ends = self.lane_ends[row[ok]]
        a, b = pos[ends[:, 0]], pos[ends[:, 1]]
        t = live.vehicle_progress[ok][:, None]
        return a + (b - a) * t, live.vehicle_loaded[ok]


def spring_positions(graph: nx.DiGraph, ids: tuple[str, ...]) -> np.ndarray:
    """Deterministic spring layout (when the scenario gives no coordinates), scaled to 0..100."""
    positions = nx.spring_layout(graph.to_undirected(), seed=7) if len(ids) > 1 else {ids[0]: (0.0, 0.0)}
    xy = np.array([positions[n] for n in ids], dtype=float)
    span = np.ptp(xy, axis=0)
    span[span == 0] = 1.0
    return (xy - xy.min(axis=0)) / span * 100.0


def width_classes(flow: np.ndarray, n_classes: int) -> np.ndarray:
    """Class of each lane: -1 no flow, else 0..n_classes-1 by the square root of its share of
    the largest flow (so small flows stay visible)."""
    out = np.full(len(flow), -1, dtype=np.int64)
    if len(flow) == 0 or not np.any(flow > 0):
        return out
    share = np.sqrt(flow / flow.max())
    classes = np.minimum((share * n_classes).astype(np.int64), n_classes - 1)
    return np.where(flow > 0, classes, -1)


@dataclass(frozen=True, slots=True)
class Clusters:
    """Sites merged by screen proximity: ``of_node[i]`` is node i's cluster (customers keep their own)."""

    of_node: np.ndarray
    centre: np.ndarray
    """(n_clusters, 2) mean position of each cluster's nodes."""
    size: np.ndarray
    """Nodes in each cluster."""
    machines: np.ndarray
    """Machine units in each cluster."""
    owner: np.ndarray
    """The owner with most machines in each cluster (-1 for customers)."""
    first: np.ndarray
    """A representative node of each cluster (its largest site)."""


def cluster_nodes(model: MapModel, cell: float | None) -> Clusters:
    """Sites in the same ``cell`` x ``cell`` square (data units) form one cluster; ``cell`` None
    (or a small network) keeps every node alone. Customers are never merged."""
    n = len(model.positions)
    if cell is None or cell <= 0 or not model.clustered:
        of_node = np.arange(n)
    else:
        grid = np.floor(model.positions[: model.n_sites] / cell).astype(np.int64)
        _, site_cluster = np.unique(grid, axis=0, return_inverse=True)
        site_cluster = site_cluster.reshape(-1)
        n_site_clusters = int(site_cluster.max()) + 1 if len(site_cluster) else 0
        of_node = np.concatenate([site_cluster, n_site_clusters + np.arange(n - model.n_sites)])
    k = int(of_node.max()) + 1 if n else 0
    size = np.bincount(of_node, minlength=k).astype(np.float64)
    centre = np.zeros((k, 2))
    for axis in (0, 1):
        centre[:, axis] = np.bincount(of_node, model.positions[:, axis], minlength=k) / np.maximum(size, 1)
    machines = np.bincount(of_node, model.node_machines, minlength=k)
    owner = np.full(k, -1, dtype=np.int64)
    first = np.zeros(k, dtype=np.int64)
    order = np.lexsort((-model.node_machines, of_node))  # largest site of each cluster first
    heads = order[np.concatenate([[True], of_node[order][1:] != of_node[order][:-1]])] if n else order
    first[of_node[heads]] = heads
    owner[of_node[heads]] = model.node_owner[heads]
    return Clusters(of_node, centre, size, machines, owner, first)


def cluster_values(model: MapModel, clusters: Clusters, mode: str) -> np.ndarray:
    """What each cluster is coloured by: its queue (sum) in mode ``"queue"``, else its
    utilisation (machine-weighted mean; NaN: no machines or no data)."""
    of, k = clusters.of_node, len(clusters.centre)
    if mode == "queue":
        return np.bincount(of, np.nan_to_num(model.queue), minlength=k)
    util = model.utilisation
    known = np.isfinite(util) & (model.node_machines > 0)
    weight = np.bincount(of[known], model.node_machines[known], minlength=k)
    total = np.bincount(of[known], util[known] * model.node_machines[known], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight > 0, total / np.where(weight > 0, weight, 1.0), np.nan)


def place_labels(
    points_px: np.ndarray,
    radius_px: np.ndarray,
    widths_px: np.ndarray,
    height_px: float,
    priority: np.ndarray,
    view_px: tuple[float, float] | None = None,
    obstacles_px: np.ndarray | None = None,
    obstacles_radius_px: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each label goes so that no two labels and no label and node overlap.

    ``points_px`` are node centres in pixels (y down), ``radius_px`` their marker radii and
    ``widths_px`` the labels' text widths. Labels are placed greedily, most important
    (largest ``priority``) first, at the first of :data:`LABEL_OFFSETS` that is free; a label
    with no free place is left out. Returns ``(shown, centre)``: a mask and the (n, 2) centre
    of each shown label in pixels. With ``view_px`` (width, height) a label that would stick
    out of the view is moved back inside it, along its node's side. ``obstacles_px`` are more
    nodes no label may cover (those whose own labels are not tried), of the first radius or of
    ``obstacles_radius_px``.
    """
    n = len(points_px)
    shown = np.zeros(n, dtype=bool)
    centre = np.zeros((n, 2))
    nodes_xy = points_px if obstacles_px is None or not len(obstacles_px) else np.vstack([points_px, obstacles_px])
    extra = len(nodes_xy) - n
    if obstacles_radius_px is not None and len(obstacles_radius_px) == extra:
        nodes_r = np.concatenate([radius_px, obstacles_radius_px])
    else:
        nodes_r = np.concatenate([radius_px, np.full(extra, radius_px[0] if n else 0.0)])
    nodes = np.column_stack(
        [nodes_xy[:, 0] - nodes_r, nodes_xy[:, 1] - nodes_r, nodes_xy[:, 0] + nodes_r, nodes_xy[:, 1] + nodes_r]
    )
    placed = np.zeros((n, 4))  # the boxes of the labels placed so far (first ``k`` rows)
    k = 0
    gap = 2.0
    for i in np.argsort(-priority, kind="stable"):
        x, y = points_px[i]
        r = radius_px[i]
        w, h = widths_px[i], height_px
        for dx, dy in LABEL_OFFSETS:
            cx = x + dx * (r + gap + (w / 2 if dx else 0.0))
            cy = y + dy * (r + gap + h / 2)
            if view_px is not None:
                cx = min(max(cx, w / 2), max(view_px[0] - w / 2, w / 2))
                cy = min(max(cy, h / 2), max(view_px[1] - h / 2, h / 2))
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if _hits(box, placed[:k]) or _hits(box, nodes):
                continue
            placed[k] = box
            k += 1
            shown[i] = True
            centre[i] = (cx, cy)
            break
    return shown, centre


def _hits(box: tuple[float, float, float, float], boxes: np.ndarray) -> bool:
    """Whether ``box`` overlaps any of ``boxes`` ((m, 4): left, top, right, bottom)."""
    if not len(boxes):
        return False
    return bool(
        np.any((box[0] < boxes[:, 2]) & (boxes[:, 0] < box[2]) & (box[1] < boxes[:, 3]) & (boxes[:, 1] < box[3]))
    )
