"""Lanes at work: vehicles of limited capacity carrying parts under a departure policy.

Each lane keeps one waiting line per direction and a pool of vehicles. A vehicle that leaves
carries waiting parts first come first served up to its capacity (always at least one part,
so an oversize part still travels alone), is busy for the trip there and back, and returns
empty. Departure policies:

- ``on_demand``: leave as soon as there is load and a free vehicle;
- ``when_full``: leave when the waiting load fills a vehicle, or when the oldest part has
  waited ``max_wait`` (if set);
- ``timetable``: leave only at the ``times`` of each ``period``; at each of those times
  vehicles leave while there is load and a free vehicle.

A trip's shipment cost is shared among its parts by quantity; each part also pays the lane's
cost per unit. One TRANSPORT record per part is logged when it arrives.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from twin_app.model.distributions import sampler
from twin_app.model.events import EventKind
from twin_app.model.scenario import Lane

if TYPE_CHECKING:
    import simpy


@dataclass(slots=True)
class Parcel:
    """A part waiting for or on a vehicle."""

    quantity: float
    order: int
    job: int
    waiting_since: float
    on_arrival: Callable[[], None]


class LaneOperator:
    """Runs one lane: its waiting lines, its vehicles and its departure policy."""

    def __init__(
        self,
        env: simpy.Environment,
        lane: Lane,
        index: int,
        origin_node: int,
        destination_node: int,
        first_vehicle: int,
        owner: int,
        rng: np.random.Generator,
        record: Callable[[tuple], None],
    ) -> None:
        self.env = env
        self.lane = lane
        self.index = index
        self.nodes = (origin_node, destination_node)
        self.owner = owner
        self.capacity = lane.vehicle_capacity
        self.free_vehicles = list(range(first_vehicle + lane.vehicles - 1, first_vehicle - 1, -1))
        self.waiting: tuple[deque[Parcel], deque[Parcel]] = (deque(), deque())
        self.transit = sampler(lane.transit, rng)
        self.record = record
        self.policy = lane.departure.policy
        self.shipments = 0
        if self.policy == "timetable":
            env.process(self._timetable())

    def ship(self, parcel: Parcel, from_node: int) -> None:
        """Put ``parcel`` in line at ``from_node`` (one end of this lane)."""
        direction = 0 if from_node == self.nodes[0] else 1
        line = self.waiting[direction]
        line.append(parcel)
        if self.policy == "on_demand":
            self._depart_while_possible(direction)
        elif self.policy == "when_full":
            if sum(p.quantity for p in line) >= self.capacity:
                self._depart_while_possible(direction, full_only=True)
            elif len(line) == 1 and self.lane.departure.max_wait is not None:
                timer = self.env.timeout(self.lane.departure.max_wait)
                timer.callbacks.append(lambda _event, d=direction: self._on_max_wait(d))

    def _on_max_wait(self, direction: int) -> None:
        line = self.waiting[direction]
        max_wait = self.lane.departure.max_wait or 0.0
        if line and self.env.now - line[0].waiting_since >= max_wait - 1e-9:
            self._depart_while_possible(direction)
        if line and self.lane.departure.max_wait is not None:
            delay = max(line[0].waiting_since + max_wait - self.env.now, 0.0)
            if delay > 0:
                timer = self.env.timeout(delay)
                timer.callbacks.append(lambda _event, d=direction: self._on_max_wait(d))

    def _overdue(self, direction: int) -> bool:
        line = self.waiting[direction]
        max_wait = self.lane.departure.max_wait
        return bool(line) and max_wait is not None and self.env.now - line[0].waiting_since >= max_wait - 1e-9

    def _depart_while_possible(self, direction: int, full_only: bool = False) -> None:
        line = self.waiting[direction]
        while line and self.free_vehicles:
            if full_only and sum(p.quantity for p in line) < self.capacity:
                return
            self._depart(direction)

    def _depart(self, direction: int) -> None:
        line = self.waiting[direction]
        vehicle = self.free_vehicles.pop()
        load = [line.popleft()]
        carried = load[0].quantity
        while line and carried + line[0].quantity <= self.capacity:
            parcel = line.popleft()
            load.append(parcel)
            carried += parcel.quantity
        self.shipments += 1
        duration = self.transit()
        departed = self.env.now
        lane = self.lane
        arrival = self.env.timeout(duration)

        def arrive(_event: object) -> None:
            for parcel in load:
                share = lane.cost_per_shipment * parcel.quantity / carried if carried > 0 else 0.0
                cost = share + lane.cost_per_unit * parcel.quantity
                self.record(
                    (
                        departed,
                        self.env.now,
                        EventKind.TRANSPORT,
                        vehicle,
                        self.owner,
                        parcel.order,
                        parcel.job,
                        -1,
                        parcel.quantity,
                        cost,
                    )
                )
                parcel.on_arrival()

        arrival.callbacks.append(arrive)
        back = self.env.timeout(2 * duration)
        back.callbacks.append(lambda _event: self._vehicle_back(vehicle))

    def _vehicle_back(self, vehicle: int) -> None:
        self.free_vehicles.append(vehicle)
        for direction in (0, 1):
            if self.policy == "on_demand":
                self._depart_while_possible(direction)
            elif self.policy == "when_full":
                if self._overdue(direction):
                    self._depart_while_possible(direction)
                else:
                    self._depart_while_possible(direction, full_only=True)

    def _timetable(self):  # type: ignore[no-untyped-def]
        departure = self.lane.departure
        period = departure.period or 1.0
        cycle = 0
        while True:
            for offset in departure.times:
                yield self.env.timeout(max(cycle * period + offset - self.env.now, 0.0))
                for direction in (0, 1):
                    self._depart_while_possible(direction)
            cycle += 1
