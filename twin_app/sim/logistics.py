"""Lanes at work: vehicles of limited capacity carrying parts under a departure policy.

Each lane keeps one waiting line per direction and a pool of vehicles. A vehicle that leaves
carries waiting parts first come first served up to its capacity (always at least one part,
so an oversize part still travels alone), delivers them after the transit time, and drives
back empty for the same time before it can leave again. Departure policies:

- ``on_demand``: leave as soon as there is load and a free vehicle;
- ``when_full``: leave when the waiting load fills a vehicle, or when the oldest part has
  waited ``max_wait`` (if set);
- ``timetable``: leave only at the ``times`` of each ``period``; at each of those times
  vehicles leave while there is load and a free vehicle.

Departure decisions follow the same non-delay rule as machine dispatch: anything that could
make a vehicle leave (a part arriving in line, a vehicle coming back, a timetable slot, a
max-wait timer) only *wakes* the lane; the engine calls :meth:`LaneOperator.decide` once all
events of the current instant are done, so parts finished at the same instant ride together.

A trip's cost (the lane's cost per shipment, plus its cost per km for the way there and the
empty way back) is shared among its parts by quantity; each part also pays the lane's cost
per unit. Logged: one TRANSPORT record per part when it arrives, and one record with
order -1 (no load) for each empty return trip, so vehicle use counts the way back too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from simpy.core import NORMAL

from twin_app.model.distributions import sampler
from twin_app.model.events import EventKind
from twin_app.model.scenario import Lane

if TYPE_CHECKING:
    import simpy

_TRANSPORT = int(EventKind.TRANSPORT)


class Parcel:
    """A part waiting for or on a vehicle; the lane calls :meth:`on_arrival` when its trip ends.

    A plain slotted class (one per part on the move in a large run), subclassed by the
    transport with where the part goes next."""

    __slots__ = ("job", "order", "quantity", "waiting_since")

    def __init__(self, quantity: float, order: int, job: int, waiting_since: float) -> None:
        self.quantity = quantity
        self.order = order
        self.job = job
        self.waiting_since = waiting_since

    def on_arrival(self) -> None:
        """The trip carrying this part has arrived at the other end of the lane."""
        raise NotImplementedError


class _Due:
    """A lane's timer (a trip's arrival or return, a part's maximum wait) as a raw SimPy event.

    It carries what ``simpy.Environment.step`` reads of an event (``callbacks``, ``_ok``,
    ``_value``) and the vehicle it is about, and is scheduled with ``Environment.schedule``
    exactly as a Timeout schedules itself (same priority, next sequence number), so the run is
    the same event for event, without building a Timeout and a lambda for each of a large
    run's hundreds of thousands of trips. Its callback is a bound method of the lane (the
    watchdog names the lane from it)."""

    __slots__ = ("_ok", "_value", "callbacks", "duration", "vehicle")

    def __init__(self, callback: Callable[[_Due], None], vehicle: int = -1, duration: float = 0.0) -> None:
        self.callbacks: tuple[Callable[[_Due], None]] | None = (callback,)
        self._ok = True
        self._value = None
        self.vehicle = vehicle
        self.duration = duration


@dataclass(slots=True)
class _Trip:
    vehicle: int
    departed: float
    load: list[Parcel]
    carried: float


class LaneOperator:
    """Runs one lane: its waiting lines, its vehicles and its departure policy."""

    def __init__(
        self,
        env: simpy.Environment,
        lane: Lane,
        origin_node: int,
        destination_node: int,
        first_vehicle: int,
        owner: int,
        rng: np.random.Generator,
        record: Callable[[tuple], None],
        wake: Callable[[LaneOperator], None],
        distance: float = 0.0,
    ) -> None:
        """``distance``: road km of one leg (:func:`twin_app.model.geography.lane_distance`)."""
        self.env = env
        self.lane = lane
        self.nodes = (origin_node, destination_node)
        self.owner = owner
        self.capacity = lane.vehicle_capacity
        self.free_vehicles = list(range(first_vehicle + lane.vehicles - 1, first_vehicle - 1, -1))
        self.waiting: tuple[deque[Parcel], deque[Parcel]] = (deque(), deque())
        self._load = [0.0, 0.0]
        """Units waiting in each direction (whole numbers, so the running sum is exact)."""
        self.transit = sampler(lane.transit, rng)
        self.record = record
        self.wake = wake
        self.policy = lane.departure.policy
        self.max_wait = lane.departure.max_wait
        self.shipments = 0
        self.trip_cost = lane.cost_per_shipment + lane.cost_per_km * 2.0 * distance
        """What one trip costs: per shipment, and per km there and back."""
        self._when_full = self.policy == "when_full"
        self._overdue_after = None if self.max_wait is None else self.max_wait - 1e-9
        """A part is overdue once it has waited this long (``max_wait`` less a rounding margin)."""
        self._slot_open = False
        self._timer_due: list[float | None] = [None, None]
        self._trips: dict[int, _Trip] = {}
        self._returning: dict[int, float] = {}
        if self.policy == "timetable":
            env.process(self._timetable())

    # --- what wakes the lane ------------------------------------------------------------------

    def ship(self, parcel: Parcel, from_node: int) -> None:
        """Put ``parcel`` in line at ``from_node`` (one end of this lane)."""
        direction = 0 if from_node == self.nodes[0] else 1
        self.waiting[direction].append(parcel)
        self._load[direction] += parcel.quantity
        self.wake(self)

    def _timetable(self) -> Generator[simpy.Event, object, None]:
        departure = self.lane.departure
        period = departure.period or 1.0
        cycle = 0
        while True:
            for offset in departure.times:
                yield self.env.timeout(max(cycle * period + offset - self.env.now, 0.0))
                self._slot_open = True
                self.wake(self)
            cycle += 1

    # --- deciding -----------------------------------------------------------------------------

    def decide(self) -> None:
        """Send off what the policy allows now (called once the current instant is settled)."""
        if self._when_full:
            self._decide_when_full()
            return
        for direction in (0, 1):
            line = self.waiting[direction]
            if line and (self.policy == "on_demand" or self._slot_open):  # else: a timetable between slots
                while line and self.free_vehicles:
                    self._depart(direction)
        self._slot_open = False

    def _decide_when_full(self) -> None:
        """Leave while a vehicle is free and the waiting load fills it or the oldest part has
        waited ``max_wait``; then wake the lane again when the oldest part left will have.

        The most frequent call of a lane (every part put in line wakes it), so written out:
        ``now`` and the limits read once, the timer armed here."""
        now = self.env.now
        capacity, overdue_after, load = self.capacity, self._overdue_after, self._load
        for direction in (0, 1):
            line = self.waiting[direction]
            if not line:
                continue  # nothing to send, no timer to arm
            free = self.free_vehicles
            while (
                line
                and free
                and (
                    load[direction] >= capacity
                    or (overdue_after is not None and now - line[0].waiting_since >= overdue_after)
                )
            ):
                self._depart(direction)
            if overdue_after is not None and line:
                due = line[0].waiting_since + self.max_wait
                if due > now and self._timer_due[direction] != due:
                    self._timer_due[direction] = due
                    self._schedule(_Due(self._timer_fired), due - now)
        self._slot_open = False

    def _schedule(self, event: _Due, delay: float) -> None:
        """Schedule ``event`` in ``delay`` as ``env.timeout(delay)`` would schedule itself."""
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        self.env.schedule(event, NORMAL, delay)  # type: ignore[arg-type]

    def _timer_fired(self, _event: _Due) -> None:
        self.wake(self)

    def _depart(self, direction: int) -> None:
        line = self.waiting[direction]
        vehicle = self.free_vehicles.pop()
        load = [line.popleft()]
        carried = load[0].quantity
        while line and carried + line[0].quantity <= self.capacity:
            parcel = line.popleft()
            load.append(parcel)
            carried += parcel.quantity
        self._load[direction] -= carried
        self.shipments += 1
        duration = self.transit()
        self._trips[vehicle] = _Trip(vehicle, self.env.now, load, carried)
        self._schedule(_Due(self._arrive, vehicle, duration), duration)

    def _log_trip(self, trip: _Trip, end: float) -> None:
        """One TRANSPORT record per part of a loaded trip, from departure to ``end``: each part
        pays the trip's cost by its share of the load, plus the lane's cost per unit."""
        departed, vehicle, owner, carried = trip.departed, trip.vehicle, self.owner, trip.carried
        trip_cost, per_unit, record = self.trip_cost, self.lane.cost_per_unit, self.record
        for parcel in trip.load:
            quantity = parcel.quantity
            share = trip_cost * quantity / carried if carried > 0 else 0.0
            cost = share + per_unit * quantity
            record((departed, end, _TRANSPORT, vehicle, owner, parcel.order, parcel.job, -1, quantity, cost))

    def _arrive(self, event: _Due) -> None:
        vehicle = event.vehicle
        trip = self._trips.pop(vehicle)
        now = self.env.now
        self._log_trip(trip, now)
        self._returning[vehicle] = now
        self._schedule(_Due(self._back, vehicle), event.duration)
        for parcel in trip.load:
            parcel.on_arrival()

    def _back(self, event: _Due) -> None:
        vehicle = event.vehicle
        since = self._returning.pop(vehicle)
        self.record((since, self.env.now, _TRANSPORT, vehicle, self.owner, -1, -1, -1, 0.0, 0.0))
        self.free_vehicles.append(vehicle)
        self.wake(self)

    def close(self, now: float) -> None:
        """Log the trips still under way at the end of the run, up to ``now``."""
        for trip in self._trips.values():
            self._log_trip(trip, now)
        for vehicle, since in self._returning.items():
            if now > since:
                self.record((since, now, _TRANSPORT, vehicle, self.owner, -1, -1, -1, 0.0, 0.0))
