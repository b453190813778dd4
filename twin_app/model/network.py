"""The logistics network as a graph, and its shortest routes as arrays for dispatch.

Sites and customers are nodes, lanes are edges (both directions for a bidirectional lane).
Parts travel along the fastest route by mean transit time. :class:`Network` gives, for every
pair of nodes, that route's transit time, cost per unit, CO2 per unit and its first hop, as
numpy arrays the dispatch core indexes directly.

The route tables are built on first use, not with the network: they hold n x n entries, and
checking a scenario needs only the graph (:meth:`Network.reachable_from`), so validating a
network of 20,000 sites never allocates them. Above :data:`~twin_app.model.routes.DENSE_NODES`
nodes they are lazy (:mod:`twin_app.model.routes`): a run computes the routes only from the
origins it asks about, so running 20,000 sites does not allocate them either.

The graph is kept as plain adjacency dictionaries and the routes come from a Dijkstra search
written here, step for step the one of networkx (``all_pairs_dijkstra``: the same heap order,
the same tie-breaking by push order, so the same route wherever two are equally fast).
networkx itself (~0.4 s to import) is loaded only when something asks for :attr:`Network.graph`
(the map view lays out a network without coordinates with it), never by a headless run.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from twin_app.model.routes import DENSE_NODES, LazyRoutes
from twin_app.model.scenario import Lane, Scenario

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True, eq=False)
class _Routes:
    """The n x n route tables of a network (see the fields of the same name on Network)."""

    transit: Any
    cost_per_unit: Any
    co2_per_unit: Any
    next_lane: Any
    next_node: Any
    """Each an n x n numpy array, or above DENSE_NODES nodes a LazyTable indexed the same way."""


@dataclass(frozen=True, eq=False)
class Network:
    """Nodes are indexed sites first (scenario order), then customers."""

    nodes: dict[str, dict[str, Any]]
    """Node id -> its attributes (kind, owner, x, y), in insertion order."""
    successors: dict[str, dict[str, tuple[float, int]]]
    """Node id -> {next node id: (mean transit time, lane index)}: the fastest lane of each
    direction, in insertion order (a faster lane replaces a slower one in place)."""
    node_ids: tuple[str, ...]
    node_index: dict[str, int]
    sites_by_capability: dict[str, set[str]]
    lanes: tuple[Lane, ...] = field(repr=False)
    """The scenario's lanes, for the costs of the routes."""

    @classmethod
    def build(cls, scenario: Scenario) -> Network:
        node_ids = tuple(s.id for s in scenario.sites) + tuple(c.id for c in scenario.customers)
        node_index = {name: i for i, name in enumerate(node_ids)}
        nodes: dict[str, dict[str, Any]] = {}
        for site in scenario.sites:
            nodes.setdefault(site.id, {}).update(kind="site", owner=site.owner, x=site.x, y=site.y)
        for customer in scenario.customers:
            nodes.setdefault(customer.id, {}).update(kind="customer", x=customer.x, y=customer.y)
        successors: dict[str, dict[str, tuple[float, int]]] = {name: {} for name in nodes}
        for index, lane in enumerate(scenario.lanes):
            directions = [(lane.origin, lane.destination)]
            if lane.bidirectional:
                directions.append((lane.destination, lane.origin))
            for a, b in directions:
                if a not in node_index or b not in node_index:
                    continue
                weight = lane.transit.mean
                current = successors[a].get(b)
                if current is None or weight < current[0]:
                    successors[a][b] = (weight, index)
        sites_by_capability: dict[str, set[str]] = {}
        for machine in scenario.machines:
            for capability in machine.capabilities:
                sites_by_capability.setdefault(capability.step, set()).add(machine.site)
        return cls(nodes, successors, node_ids, node_index, sites_by_capability, scenario.lanes)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The network as a networkx graph (node attributes; edges with ``weight`` and ``lane``)."""
        import networkx as nx

        graph = nx.DiGraph()
        for name, attributes in self.nodes.items():
            graph.add_node(name, **attributes)
        for a, edges in self.successors.items():
            for b, (weight, lane) in edges.items():
                graph.add_edge(a, b, weight=weight, lane=lane)
        return graph

    @property
    def transit(self) -> np.ndarray:
        """transit[i, j]: mean transit time of the fastest route from node i to j (inf: none)."""
        return self._routes.transit

    @property
    def cost_per_unit(self) -> np.ndarray:
        """cost_per_unit[i, j]: lane cost per unit along that route (inf: none)."""
        return self._routes.cost_per_unit

    @property
    def co2_per_unit(self) -> np.ndarray:
        """co2_per_unit[i, j]: CO2 per unit along that route (inf: none)."""
        return self._routes.co2_per_unit

    @property
    def next_lane(self) -> np.ndarray:
        """next_lane[i, j]: index of the lane of the first hop from i toward j (-1: none/same)."""
        return self._routes.next_lane

    @property
    def next_node(self) -> np.ndarray:
        """next_node[i, j]: the node of the first hop from i toward j (-1: none/same)."""
        return self._routes.next_node

    @cached_property
    def _routes(self) -> _Routes:
        n = len(self.node_ids)
        if n > DENSE_NODES:
            return _Routes(*LazyRoutes(n, self._routes_from).tables())
        transit = np.full((n, n), np.inf)
        cost = np.full((n, n), np.inf)
        co2 = np.full((n, n), np.inf)
        next_lane = np.full((n, n), -1, dtype=np.int32)
        next_node = np.full((n, n), -1, dtype=np.int32)
        np.fill_diagonal(transit, 0.0)
        np.fill_diagonal(cost, 0.0)
        np.fill_diagonal(co2, 0.0)
        tables = (transit, cost, co2, next_lane, next_node)
        for i in range(n):
            targets, *values = self._routes_from(i)
            for table, value in zip(tables, values, strict=True):
                table[i, targets] = value
        return _Routes(transit, cost, co2, next_lane, next_node)

    def _routes_from(self, i: int) -> tuple[np.ndarray, ...]:
        """The fastest routes from node ``i``: the nodes reached (sorted, ``i`` left out), then
        at each the transit time, cost and CO2 per unit, first lane and first node."""
        node_index = self.node_index
        successors = self.successors
        source = self.node_ids[i]
        distances, previous = _dijkstra(successors, source)
        paths: dict[str, list[str]] = {source: [source]}
        found = []
        for target, distance in distances.items():
            if target == source:
                continue
            path = paths[target] = paths[previous[target]] + [target]
            j = node_index[target]
            if i == j:
                continue
            lanes = [successors[a][b][1] for a, b in itertools.pairwise(path)]
            cost = sum(self.lanes[k].cost_per_unit for k in lanes)
            co2 = sum(self.lanes[k].co2_per_unit for k in lanes)
            found.append((j, distance, cost, co2, lanes[0], node_index[path[1]]))
        found.sort()
        columns = list(zip(*found, strict=True)) if found else [()] * 6
        return (
            np.array(columns[0], dtype=np.int64),
            np.array(columns[1], dtype=np.float64),
            np.array(columns[2], dtype=np.float64),
            np.array(columns[3], dtype=np.float64),
            np.array(columns[4], dtype=np.int32),
            np.array(columns[5], dtype=np.int32),
        )

    def has_route_into(self, node: int) -> bool:
        """Whether parts can travel to node ``node`` from some other node (a lane leads into it)."""
        name = self.node_ids[node]
        return any(name in edges for origin, edges in self.successors.items() if origin != name)

    def connected(self, origin: str, destination: str) -> bool:
        """Whether parts can travel from ``origin`` to ``destination`` (same place counts)."""
        return origin == destination or destination in self.reachable_from([origin])

    def reachable_from(self, origins: Iterable[str]) -> set[str]:
        """Every node parts can travel to from any of ``origins`` (the origins included).

        One search over the lane graph, without the route tables: linear in nodes and lanes.
        """
        found = {name for name in origins if name in self.successors}
        frontier = list(found)
        while frontier:
            node = frontier.pop()
            for successor in self.successors[node]:
                if successor not in found:
                    found.add(successor)
                    frontier.append(successor)
        return found


def _dijkstra(
    successors: dict[str, dict[str, tuple[float, int]]], source: str
) -> tuple[dict[str, float], dict[str, str]]:
    """Fastest distances from ``source`` (in the order they are settled) and each reached
    node's predecessor on its route: networkx's ``_dijkstra_multisource`` for one source,
    with the same heap entries (distance, push count, node), so ties break the same way."""
    counter = itertools.count()
    distances: dict[str, float] = {}
    seen: dict[str, float] = {source: 0}
    previous: dict[str, str] = {}
    fringe: list[tuple[float, int, str]] = [(0, next(counter), source)]
    while fringe:
        distance, _, node = heapq.heappop(fringe)
        if node in distances:
            continue
        distances[node] = distance
        for successor, (weight, _lane) in successors[node].items():
            candidate = distance + weight
            if successor in distances:
                continue
            if successor not in seen or candidate < seen[successor]:
                seen[successor] = candidate
                heapq.heappush(fringe, (candidate, next(counter), successor))
                previous[successor] = node
    return distances, previous
