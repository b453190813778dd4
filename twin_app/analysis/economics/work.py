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

from twin_app.analysis.economics.costs import owner_of
from twin_app.analysis.economics.orders import PaidOrders
from twin_app.analysis.economics.rentals import HOUR, RentalMap
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind


@dataclass(frozen=True)
class Work:
    """The work events of the paid orders and their (order, partner) pairs."""

    index: np.ndarray
    """Positions in the run's event log of the PROCESS, SETUP and TRANSPORT events of paid
    orders that have a partner (the events themselves are not copied: 3 million of them take
    180 MB on the large network)."""
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
    column = result.column
    index = result.rows_of(EventKind.PROCESS, EventKind.SETUP, EventKind.TRANSPORT)
    order = column("order")[index]
    paid_work = _isin_sorted(order, ids)
    if not paid_work.all():
        index, order = index[paid_work], order[paid_work]
    del paid_work
    res = column("resource")[index]
    partner = owner_of(result, column("owner")[index], res)
    duration = column("end")[index] - column("start")[index]
    cost = column("cost")[index].astype(np.float64, copy=False)
    renter, rate = RentalMap.of(result.scenario).unit_arrays(result)
    if (renter >= 0).any():  # the fees of rented machines (with none, the events' own costs and owners)
        on_resource = (res >= 0) & (res < result.n_resources)
        safe_res = np.where(on_resource, res, 0)
        rented = on_resource & (renter[safe_res] >= 0)
        partner = np.where(rented, renter[safe_res], partner)
        cost = np.where(rented, rate[safe_res] * duration / HOUR, cost)
        del on_resource, safe_res, rented
    del res
    keep = partner >= 0
    if not keep.all():
        index, partner, cost, duration, order = index[keep], partner[keep], cost[keep], duration[keep], order[keep]
    del keep
    minutes = duration * _load_share(result, index)
    position = _positions(ids, order)
    keys, pair = _unique_small(position * n_owners + partner, len(ids) * n_owners)
    return Work(
        index=index,
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


def _positions(ids: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """``np.searchsorted(ids, orders)`` for orders that are all in ``ids`` (sorted, distinct): by a
    table over the ids' range where it is no larger than the lookups (no more memory than the
    search's result; the order ids of a run are 0, 1, 2 ...), else by the search."""
    if len(ids) == 0 or len(orders) == 0 or ids[0] < 0 or ids[-1] > len(orders) + 1024:
        return np.searchsorted(ids, orders)
    table = np.zeros(int(ids[-1]) + 1, dtype=np.int64)
    table[ids] = np.arange(len(ids), dtype=np.int64)
    return table[orders]


def _isin_sorted(values: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """``np.isin(values, ids)`` for sorted, distinct ``ids``: by a table over the ids' range where
    it is no larger than the values (the order ids of a run: 0, 1, 2 ...), else by numpy."""
    if len(ids) == 0 or ids[0] < 0 or ids[-1] > len(values) + 1024:
        return np.isin(values, ids)
    top = int(ids[-1])
    table = np.zeros(top + 2, dtype=bool)  # the last entry (False) for every value outside the range
    table[ids] = True
    return table[np.clip(values, -1, top + 1)]


def _unique_small(values: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` of integers in ``[0, bound)``: by counting
    where the range is no larger than the values (no more memory than a sorted copy), else by numpy's sort."""
    if bound > len(values) + 1024:
        return np.unique(values, return_inverse=True)
    present = np.bincount(values, minlength=bound) > 0
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present).astype(values.dtype, copy=False), rank[values]


def _load_share(result: RunResult, index: np.ndarray) -> np.ndarray:
    """1 for machine work; for a transport, the part's share of its trip's load (the trip is
    every TRANSPORT record of the run with the same vehicle, start and end)."""
    column = result.column
    share = np.ones(len(index))
    every = result.rows_of(EventKind.TRANSPORT)
    if len(every) == 0:
        return share
    mine = np.flatnonzero(result.kinds()[index] == EventKind.TRANSPORT)
    if len(mine) == 0:
        return share
    both = np.concatenate([every, index[mine]])
    trip = _groups(column("resource")[both], column("start")[both], column("end")[both])
    load = np.bincount(trip[: len(every)], weights=column("quantity")[every], minlength=int(trip.max()) + 1)
    own = trip[len(every) :]
    quantity = column("quantity")[index[mine]]
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
