"""What each paid order needed, and who could have done it: the game behind the Shapley rule
and the stand-alone values.

An order's **needs** are read from the work it actually got: each (job, routing step) it went
through on a machine, and each lane hop its parts travelled. An owner **can do** a need if

- a step: it owns a machine (or rents one, :mod:`.rentals`) with one of the step's
  capabilities;
- a hop: it runs a lane between the same two places (either direction).

An order's **players** are its partners (the owners who worked on it). In the game of order o
a coalition of its players is worth 1 if between them they can do every need of o, else 0;
the Shapley value of that game (:mod:`.shapley`) is each partner's *power* on the order. An
owner can make an order **alone** if it can do every need of it by itself.

Work on a job the analysis cannot place (a hand-made log, see :mod:`.jobs`) is a need only its
performer can do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.analysis.arrays import unique_sorted
from twin_app.analysis.economics.jobs import job_order_products
from twin_app.analysis.economics.rentals import RentalMap
from twin_app.analysis.economics.shapley import Game
from twin_app.analysis.economics.work import Work
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind


@dataclass(frozen=True)
class OrderNeeds:
    """Per paid order: its partners (sorted owner indices) and its needs, as numbers into
    ``sets`` (the set of owners, of all owners, able to do each need)."""

    players: tuple[tuple[int, ...], ...]
    needs: tuple[tuple[int, ...], ...]
    sets: tuple[frozenset[int], ...]

    def game(self, position: int) -> Game:
        """The covering game of one order among its partners (local player indices)."""
        players = self.players[position]
        local = {owner: j for j, owner in enumerate(players)}
        present = frozenset(players)
        sets = self.sets
        # the distinct able sets among the partners first (an order's needs share a few);
        # players are sorted, so local indices follow the owners' order
        able = {sets[k] & present for k in self.needs[position]}
        able.discard(frozenset())
        return len(players), tuple(sorted(tuple(map(local.__getitem__, sorted(owners))) for owners in able))

    def key(self, position: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """What the order's game depends on (orders with equal keys have equal games)."""
        return self.players[position], self.needs[position]

    def alone(self, n_owners: int) -> list[np.ndarray]:
        """Per owner (0 .. n_owners - 1): the positions, ascending, of the orders it could
        have made by itself (it is in the able set of every need of the order).

        The owners able to do all of an order's needs are the intersection of the needs' able
        sets; orders with the same needs share it, so it is computed once per distinct needs."""
        sets = self.sets
        able_by_needs: dict[tuple[int, ...], tuple[int, ...]] = {}
        positions: list[int] = []
        owners: list[int] = []
        for position, needs in enumerate(self.needs):
            if not needs:
                continue
            able = able_by_needs.get(needs)
            if able is None:
                able = able_by_needs[needs] = tuple(sorted(frozenset.intersection(*(sets[k] for k in needs))))
            for owner in able:
                positions.append(position)
                owners.append(owner)
        owner_of = np.array(owners, dtype=np.int64)
        by_owner = np.argsort(owner_of, kind="stable")  # positions stay ascending per owner
        ordered = np.array(positions, dtype=np.int64)[by_owner]
        bounds = np.searchsorted(owner_of[by_owner], np.arange(n_owners + 1))
        return [ordered[bounds[i] : bounds[i + 1]] for i in range(n_owners)]


@dataclass(frozen=True)
class SoleOwnerNeeds:
    """:class:`OrderNeeds` of a network with one owner, who is every worked order's only
    partner: all that its games and stand-alone values depend on is, per paid order, whether
    the owner can do some of its needs (its game is then won by it alone: power 1, else 0) and
    whether it can do all of them (and the order has some: it could have made it alone). Kept
    as two arrays instead of a tuple of needs per order (the reference shop's 59,000 orders:
    the needs, powers and stand-alone values ~145 -> ~25 ms, the same values)."""

    some: np.ndarray
    """Per paid order: the owner can do at least one of its needs."""
    every: np.ndarray
    """Per paid order: it has needs and the owner can do every one of them."""

    def alone(self, n_owners: int) -> list[np.ndarray]:
        """As :meth:`OrderNeeds.alone` (one owner)."""
        return [np.flatnonzero(self.every).astype(np.int64)]


def order_needs(result: RunResult, work: Work) -> OrderNeeds | SoleOwnerNeeds:
    """The needs and partners of each paid order, from its work events."""
    scenario = result.scenario
    step_sets = [need for product in _step_owners(result) for need in product]
    lane_sets = _lane_owners(result)
    if result.n_owners == 1 and _able_to_everything(0, [*step_sets, *lane_sets]):
        # the one owner can do every step and hop there is (its 'only this partner' needs too):
        # each worked order's needs are all its own, whichever they are, so they need not be
        # read (the reference shop: ~25 ms of job, product and step look-ups)
        worked = np.bincount(work.position[result.kinds()[work.index] != EventKind.SETUP], minlength=work.n_orders) > 0
        return SoleOwnerNeeds(worked, worked.copy())
    first_step = np.cumsum([0] + [len(p.routing) for p in scenario.products])
    column, index = result.column, work.index
    products = job_order_products(result, column("job")[index], column("order")[index])
    operation = column("operation")[index].astype(np.int64)
    kind = result.kinds()[index]
    res = column("resource")[index].astype(np.int64)
    m = result.n_machine_units
    # one integer per need: a product step, a lane, or 'only this partner can do it'
    unknown = len(step_sets) + len(lane_sets) + work.partner
    n_routing = np.diff(first_step)
    step_ok = (kind == EventKind.PROCESS) & (products >= 0) & (operation >= 0)
    step_ok[step_ok] &= operation[step_ok] < n_routing[products[step_ok]]
    need = np.where(step_ok, first_step[np.where(products >= 0, products, 0)] + operation, unknown)
    on_vehicle = (kind == EventKind.TRANSPORT) & (res >= m) & (res < result.n_resources)
    vehicle_lane = np.array([r.lane for r in result.layout.resources], dtype=np.int64)
    need = np.where(on_vehicle, len(step_sets) + vehicle_lane[np.where(on_vehicle, res, 0)], need)
    keep = kind != EventKind.SETUP
    sets = [*step_sets, *lane_sets, *(frozenset((i,)) for i in range(result.n_owners))]
    if result.n_owners == 1:
        # 'some need' and 'every need' do not depend on a need being counted once or more:
        # per work event, not per distinct (order, need)
        position = work.position[keep]
        able = np.array([0 in owners for owners in sets], dtype=bool)[need[keep]]
        needed = np.bincount(position, minlength=work.n_orders)
        done = np.bincount(position[able], minlength=work.n_orders)
        return SoleOwnerNeeds(done > 0, (needed > 0) & (done == needed))
    n_ids = len(step_sets) + len(lane_sets) + result.n_owners
    keys = unique_sorted(work.position[keep] * n_ids + need[keep])
    key_order, key_need = keys // n_ids, keys % n_ids
    # (lists: slicing by Python ints, not numpy scalars, in the per-order loops below)
    need_starts = np.searchsorted(key_order, np.arange(work.n_orders + 1)).tolist()
    pair_starts = np.searchsorted(work.pair_order, np.arange(work.n_orders + 1)).tolist()
    owners = work.pair_owner.tolist()
    needs_list = key_need.tolist()
    return OrderNeeds(  # (map over slices: no Python frame per order)
        tuple(map(tuple, map(owners.__getitem__, map(slice, pair_starts[:-1], pair_starts[1:])))),
        tuple(map(tuple, map(needs_list.__getitem__, map(slice, need_starts[:-1], need_starts[1:])))),
        tuple(sets),
    )


def _able_to_everything(owner: int, sets: list[frozenset[int]]) -> bool:
    """Whether ``owner`` is in every one of the able ``sets``."""
    return all(owner in owners for owners in sets)


def _controllers(result: RunResult) -> list[int]:
    """Per machine: the owner whose capacity it is (its renter if rented, else its owner)."""
    layout = result.layout
    renter = RentalMap.of(result.scenario).renter
    return [
        int(renter[m]) if renter[m] >= 0 else int(layout.resource_owner[layout.machine_first_unit[m]])
        for m in range(len(result.scenario.machines))
    ]


def _step_owners(result: RunResult) -> list[list[frozenset[int]]]:
    scenario = result.scenario
    controllers = _controllers(result)
    by_capability: dict[str, set[int]] = {}
    for m, machine in enumerate(scenario.machines):
        for capability in machine.capabilities:
            by_capability.setdefault(capability.step, set()).add(controllers[m])
    return [
        [frozenset().union(*(by_capability.get(c, set()) for c in step.capabilities)) for step in product.routing]
        for product in scenario.products
    ]


def _lane_owners(result: RunResult) -> list[frozenset[int]]:
    scenario = result.scenario
    layout = result.layout
    lane_owner: dict[int, int] = {}
    for r in layout.resources[result.n_machine_units :]:
        lane_owner[r.lane] = r.owner
    joins: dict[frozenset[str], set[int]] = {}
    for k, lane in enumerate(scenario.lanes):
        if lane_owner.get(k, -1) >= 0:
            joins.setdefault(frozenset((lane.origin, lane.destination)), set()).add(lane_owner[k])
    return [frozenset(joins.get(frozenset((lane.origin, lane.destination)), set())) for lane in scenario.lanes]
