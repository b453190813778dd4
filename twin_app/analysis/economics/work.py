"""Who worked on which paid order, at what variable cost and for how many resource-minutes.

The work on an order is its PROCESS, SETUP and TRANSPORT events over the whole run (an order
delivered in the window may have been started before it). Each event is the work of a
*partner*: the owner of the machine or vehicle, or the renter of a rented machine (whose
variable cost for it is then the rental fee, rate x hours, not the machine's running cost).

Per (order, partner) pair:

- ``cost``: the partner's variable cost on the order;
- ``minutes``: resource-minutes the order took of the partner's resources: processing and
  setup time on a machine unit; on a vehicle, the trip time x the order's share of the load
  (a part of 5 units on a trip carrying 20 takes a quarter of the vehicle's time);
- ``raw_time`` and ``events``: the plain event durations and the number of events (the
  version 1 rule's fallbacks).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.analysis.economics.costs import event_owner
from twin_app.analysis.economics.orders import PaidOrders
from twin_app.analysis.economics.rentals import HOUR, RentalMap
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind


@dataclass(frozen=True)
class Work:
    """The work events of the paid orders and their (order, partner) pairs."""

    events: np.ndarray
    """The PROCESS, SETUP and TRANSPORT events of paid orders that have a partner."""
    partner: np.ndarray
    """Partner (owner index) of each event."""
    position: np.ndarray
    """Position of each event's order in the PaidOrders."""
    pair_order: np.ndarray
    pair_owner: np.ndarray
    cost: np.ndarray
    minutes: np.ndarray
    raw_time: np.ndarray
    count: np.ndarray
    n_orders: int

    def per_order(self, values: np.ndarray) -> np.ndarray:
        """Sum of a pair quantity over each pair's order, repeated per pair."""
        return np.bincount(self.pair_order, weights=values, minlength=self.n_orders)[self.pair_order]

    @property
    def worked(self) -> np.ndarray:
        """Per paid order: whether anybody worked on it."""
        return np.bincount(self.pair_order, minlength=self.n_orders) > 0


def order_work(result: RunResult, paid: PaidOrders) -> Work:
    """The work on the paid orders, per event and per (order, partner) pair."""
    n_owners = result.n_owners
    ids = paid.records["order"]
    ev = result.events
    ev = ev[result.kind_mask(EventKind.PROCESS, EventKind.SETUP, EventKind.TRANSPORT) & np.isin(ev["order"], ids)]
    partner = event_owner(result, ev)
    cost = ev["cost"].astype(np.float64)
    res = ev["resource"]
    renter, rate = RentalMap.of(result.scenario).unit_arrays(result)
    on_resource = (res >= 0) & (res < result.n_resources)
    rented = np.zeros(len(ev), dtype=bool)
    rented[on_resource] = renter[res[on_resource]] >= 0
    duration = ev["end"] - ev["start"]
    partner = np.where(rented, renter[np.where(on_resource, res, 0)], partner)
    cost = np.where(rented, rate[np.where(on_resource, res, 0)] * duration / HOUR, cost)
    keep = partner >= 0
    ev, partner, cost, duration = ev[keep], partner[keep], cost[keep], duration[keep]
    minutes = duration * _load_share(result, ev)
    position = np.searchsorted(ids, ev["order"])
    keys, pair = np.unique(position * n_owners + partner, return_inverse=True)
    return Work(
        events=ev,
        partner=partner,
        position=position,
        pair_order=keys // n_owners,
        pair_owner=keys % n_owners,
        cost=np.bincount(pair, weights=cost, minlength=len(keys)),
        minutes=np.bincount(pair, weights=minutes, minlength=len(keys)),
        raw_time=np.bincount(pair, weights=duration, minlength=len(keys)),
        count=np.bincount(pair, minlength=len(keys)).astype(np.float64),
        n_orders=len(ids),
    )


def _load_share(result: RunResult, ev: np.ndarray) -> np.ndarray:
    """1 for machine work; for a transport, the part's share of its trip's load (the trip is
    every TRANSPORT record of the run with the same vehicle, start and end)."""
    share = np.ones(len(ev))
    mine = np.flatnonzero(ev["kind"] == EventKind.TRANSPORT)
    if len(mine) == 0:
        return share
    every = result.events[result.kind_mask(EventKind.TRANSPORT)]
    both = np.concatenate([every, ev[mine]])
    trip = _groups(both["resource"], both["start"], both["end"])
    load = np.bincount(trip[: len(every)], weights=every["quantity"], minlength=int(trip.max()) + 1)
    own = trip[len(every) :]
    quantity = ev["quantity"][mine]
    with np.errstate(divide="ignore", invalid="ignore"):
        share[mine] = np.where(load[own] > 0, quantity / load[own], 1.0)
    return share


def _groups(*keys: np.ndarray) -> np.ndarray:
    """A group number per row: rows with equal values in every key array share one."""
    order = np.lexsort(keys[::-1])
    new = np.zeros(len(order), dtype=bool)
    new[0:1] = True
    for key in keys:
        ranked = key[order]
        new[1:] |= ranked[1:] != ranked[:-1]
    group = np.empty(len(order), dtype=np.int64)
    group[order] = np.cumsum(new) - 1
    return group
