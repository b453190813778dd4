"""The logistics network as a graph, and its shortest routes as arrays for dispatch.

Sites and customers are nodes, lanes are edges (both directions for a bidirectional lane).
Parts travel along the fastest route by mean transit time. :class:`Network` gives, for every
pair of nodes, that route's transit time, cost per unit, CO2 per unit and its first hop, as
numpy arrays the dispatch core indexes directly.

The route tables are built on first use, not with the network: they hold n x n entries, and
checking a scenario needs only the graph (:meth:`Network.reachable_from`), so validating a
network of 20,000 sites never allocates them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import numpy as np

from twin_app.model.scenario import Lane, Scenario


@dataclass(frozen=True, eq=False)
class _Routes:
    """The n x n route tables of a network (see the fields of the same name on Network)."""

    transit: np.ndarray
    cost_per_unit: np.ndarray
    co2_per_unit: np.ndarray
    next_lane: np.ndarray
    next_node: np.ndarray


@dataclass(frozen=True, eq=False)
class Network:
    """Nodes are indexed sites first (scenario order), then customers."""

    graph: nx.DiGraph
    node_ids: tuple[str, ...]
    node_index: dict[str, int]
    sites_by_capability: dict[str, set[str]]
    lanes: tuple[Lane, ...] = field(repr=False)
    """The scenario's lanes, for the costs of the routes."""

    @classmethod
    def build(cls, scenario: Scenario) -> Network:
        node_ids = tuple(s.id for s in scenario.sites) + tuple(c.id for c in scenario.customers)
        node_index = {name: i for i, name in enumerate(node_ids)}
        graph = nx.DiGraph()
        for site in scenario.sites:
            graph.add_node(site.id, kind="site", owner=site.owner, x=site.x, y=site.y)
        for customer in scenario.customers:
            graph.add_node(customer.id, kind="customer", x=customer.x, y=customer.y)
        for index, lane in enumerate(scenario.lanes):
            directions = [(lane.origin, lane.destination)]
            if lane.bidirectional:
                directions.append((lane.destination, lane.origin))
            for a, b in directions:
                if a not in node_index or b not in node_index:
                    continue
                weight = lane.transit.mean
                current = graph.get_edge_data(a, b)
                if current is None or weight < current["weight"]:
                    graph.add_edge(a, b, weight=weight, lane=index)
        sites_by_capability: dict[str, set[str]] = {}
        for machine in scenario.machines:
            for capability in machine.capabilities:
                sites_by_capability.setdefault(capability.step, set()).add(machine.site)
        return cls(graph, node_ids, node_index, sites_by_capability, scenario.lanes)

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
        node_index = self.node_index
        graph = self.graph
        transit = np.full((n, n), np.inf)
        cost = np.full((n, n), np.inf)
        co2 = np.full((n, n), np.inf)
        next_lane = np.full((n, n), -1, dtype=np.int32)
        next_node = np.full((n, n), -1, dtype=np.int32)
        np.fill_diagonal(transit, 0.0)
        np.fill_diagonal(cost, 0.0)
        np.fill_diagonal(co2, 0.0)
        for source, (distances, paths) in nx.all_pairs_dijkstra(graph, weight="weight"):
            i = node_index[source]
            for target, distance in distances.items():
                j = node_index[target]
                if i == j:
                    continue
                path = paths[target]
                lanes = [graph.edges[a, b]["lane"] for a, b in itertools.pairwise(path)]
                transit[i, j] = distance
                cost[i, j] = sum(self.lanes[k].cost_per_unit for k in lanes)
                co2[i, j] = sum(self.lanes[k].co2_per_unit for k in lanes)
                next_lane[i, j] = lanes[0]
                next_node[i, j] = node_index[path[1]]
        return _Routes(transit, cost, co2, next_lane, next_node)

    def connected(self, origin: str, destination: str) -> bool:
        """Whether parts can travel from ``origin`` to ``destination`` (same place counts)."""
        return origin == destination or destination in self.reachable_from([origin])

    def reachable_from(self, origins: Iterable[str]) -> set[str]:
        """Every node parts can travel to from any of ``origins`` (the origins included).

        One search over the lane graph, without the route tables: linear in nodes and lanes.
        """
        found = {name for name in origins if name in self.graph}
        frontier = list(found)
        while frontier:
            node = frontier.pop()
            for successor in self.graph.successors(node):
                if successor not in found:
                    found.add(successor)
                    frontier.append(successor)
        return found
