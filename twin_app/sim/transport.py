"""Parts on the move: the lanes and hubs of the network, and a part's way from node to node.

A part travels the fastest route (:class:`~twin_app.model.network.Network`) one hop at a
time: it is shipped on the lane of the first hop (:class:`~twin_app.sim.logistics.LaneOperator`);
at the next node it either goes on, or, at a site with docks (``handling``), is handled on a
dock first (:class:`~twin_app.sim.hubs.Hub`) before it changes lanes. The engine asks two
things: whether a node can be reached from another at all, and to carry a part (or every part
an operation needs) somewhere and call back when it is there. First hops and reachability are
cached per pair of nodes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import simpy

from twin_app.errors import SimulationError
from twin_app.model.geography import lane_distances
from twin_app.model.layout import Layout
from twin_app.model.network import Network
from twin_app.model.scenario import Scenario
from twin_app.sim.hubs import Hub
from twin_app.sim.logistics import LaneOperator, Parcel
from twin_app.sim.state import Job, Operation


class Transport:
    """The lanes (``lanes``, scenario order) and hubs (``hubs``: node index -> docks) of a run."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        network: Network,
        layout: Layout,
        rng: Callable[..., np.random.Generator],
        record: Callable[[tuple], None],
        wake_lane: Callable[[LaneOperator], None],
    ) -> None:
        """``rng(*name)``: the run's named random streams; ``record``: appends a log record;
        ``wake_lane``: a lane has a departure to decide at the next dispatch epoch."""
        self.env = env
        self.network = network
        self._routes: dict[tuple[int, int], tuple[LaneOperator, int, Hub | None]] = {}
        """(origin, destination) node -> the first hop (see :meth:`_first_hop`)."""
        self._reachable: dict[tuple[int, int], bool] = {}
        self.lanes: list[LaneOperator] = []
        first_vehicle = layout.n_machine_units
        for lane, distance in zip(scenario.lanes, lane_distances(scenario), strict=True):
            self.lanes.append(
                LaneOperator(
                    env,
                    lane,
                    network.node_index[lane.origin],
                    network.node_index[lane.destination],
                    first_vehicle,
                    int(layout.resource_owner[first_vehicle]),
                    rng("lane", lane.id),
                    record,
                    wake_lane,
                    distance,
                )
            )
            first_vehicle += lane.vehicles
        self.hubs: dict[int, Hub] = {}
        """Node index -> the docks of a site with ``handling`` (parts changing lanes there)."""
        for index, site in enumerate(scenario.sites):
            if site.handling is not None:
                owner = layout.owners.index(site.owner) if site.owner in layout.owners else -1
                self.hubs[index] = Hub(env, site.handling, index, owner, rng("handling", site.id), record)

    def reachable(self, origin: int, destination: int) -> bool:
        """Whether a route leads from node ``origin`` to ``destination``."""
        key = (origin, destination)
        reachable = self._reachable.get(key)
        if reachable is None:
            reachable = self._reachable[key] = bool(np.isfinite(self.network.transit[origin, destination]))
        return reachable

    def move(self, job: Job, origin: int, destination: int, arrived: Callable[[], None]) -> None:
        """Carry ``job``'s part from node ``origin`` to ``destination`` hop by hop along lanes."""
        if origin < 0 or origin == destination:
            job.node = destination
            arrived()
            return
        self._ship(_Journey(job, destination, arrived, self), origin)

    def _ship(self, journey: _Journey, origin: int) -> None:
        """Put ``journey``'s part in line for the first lane from ``origin`` toward its destination."""
        route = self._routes.get((origin, journey.destination))
        if route is None:
            route = self._routes[(origin, journey.destination)] = self._first_hop(origin, journey.destination)
        lane, journey.hop, journey.hub = route
        journey.waiting_since = self.env.now
        lane.ship(journey, origin)

    def _first_hop(self, origin: int, destination: int) -> tuple[LaneOperator, int, Hub | None]:
        """The lane of the first hop from ``origin`` toward ``destination``, the node it leads
        to, and the docks the part is handled on there (None: none, or it is the destination)."""
        network = self.network
        lane = int(network.next_lane[origin, destination])
        if lane < 0:
            raise SimulationError(f"no lane route from {network.node_ids[origin]} to {network.node_ids[destination]}")
        hop = int(network.next_node[origin, destination])
        return self.lanes[lane], hop, self.hubs.get(hop) if hop != destination else None

    def send_parts(self, op: Operation, node: int, all_arrived: Callable[[], None]) -> None:
        """Carry every part ``op`` needs to ``node``; call ``all_arrived`` once they are all there."""
        job = op.job
        if not job.components or job.step != job.product.assembly_step:  # one part (Job.parts): no count
            self.move(job, job.node, node, all_arrived)
            return
        parts = job.parts()
        op.parts_pending = len(parts)

        def one_arrived() -> None:
            op.parts_pending -= 1
            if op.parts_pending == 0:
                all_arrived()

        for part in parts:
            self.move(part, part.node, node, one_arrived)

    def close(self, now: float) -> None:
        """Log the lanes' and the hubs' open intervals up to ``now`` (the end of the run)."""
        for lane in self.lanes:
            lane.close(now)
        for hub in self.hubs.values():
            hub.close(now)


class _Journey(Parcel):
    """One part's way to its destination: the parcel on each lane it rides, reused hop to hop.

    One object per move instead of a parcel and a closure per hop; the lane calls
    :meth:`on_arrival` when the trip ends at :attr:`hop`."""

    __slots__ = ("arrived", "destination", "hop", "hub", "part", "transport")

    def __init__(self, part: Job, destination: int, arrived: Callable[[], None], transport: Transport) -> None:
        self.quantity = part.quantity  # the parcel's fields, set here (no call to Parcel.__init__)
        self.order = part.order.index
        self.job = part.index
        self.waiting_since = 0.0
        self.part = part
        self.destination = destination
        self.arrived = arrived
        self.transport = transport
        self.hop = -1
        self.hub: Hub | None = None

    def on_arrival(self) -> None:
        """At the end of a lane: there, on to the next lane, or handled on a hub's docks first."""
        hop = self.hop
        self.part.node = hop
        if hop == self.destination:
            self.arrived()
        elif self.hub is None:
            self.transport._ship(self, hop)
        else:  # changing lanes at a hub: handled on a dock first
            self.hub.handle(self.quantity, self.order, self.job, self._handled)

    def _handled(self) -> None:
        self.transport._ship(self, self.hop)
