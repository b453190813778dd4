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

from collections.abc import Iterator
from dataclasses import dataclass

from twin_app.analysis.economics.jobs import event_products
from twin_app.analysis.economics.rentals import RentalMap
from twin_app.analysis.economics.shapley import Game
from twin_app.analysis.economics.work import Work
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind


@dataclass(frozen=True)
class OrderNeeds:
    """Per paid order: its partners (sorted owner indices) and its needs (each the set of
    owners, of all owners, able to do it)."""

    players: tuple[tuple[int, ...], ...]
    needs: tuple[tuple[frozenset[int], ...], ...]

    def game(self, position: int) -> Game:
        """The covering game of one order among its partners (local player indices)."""
        players = self.players[position]
        local = {owner: j for j, owner in enumerate(players)}
        needs = {tuple(sorted(local[o] for o in need if o in local)) for need in self.needs[position]}
        return len(players), tuple(sorted(need for need in needs if need))

    def alone(self, owner: int) -> Iterator[int]:
        """Positions of the orders ``owner`` could have made by itself."""
        for position, needs in enumerate(self.needs):
            if needs and all(owner in need for need in needs):
                yield position


def order_needs(result: RunResult, work: Work) -> OrderNeeds:
    """The needs and partners of each paid order, from its work events."""
    scenario = result.scenario
    able_step = _step_owners(result)
    able_lane = _lane_owners(result)
    ev = work.events
    products = event_products(result, ev)
    per_order: list[set[frozenset[int]]] = [set() for _ in range(work.n_orders)]
    players: list[set[int]] = [set() for _ in range(work.n_orders)]
    m = result.n_machine_units
    n_steps = [len(p.routing) for p in scenario.products]
    kinds, resources, operations = ev["kind"], ev["resource"], ev["operation"]
    for e in range(len(ev)):
        position, partner = int(work.position[e]), int(work.partner[e])
        players[position].add(partner)
        kind = kinds[e]
        if kind == EventKind.SETUP:
            continue
        if kind == EventKind.TRANSPORT and m <= resources[e] < result.n_resources:
            lane = result.layout.resources[resources[e]].lane
            per_order[position].add(able_lane[lane])
            continue
        p, s = int(products[e]), int(operations[e])
        if kind == EventKind.PROCESS and p >= 0 and 0 <= s < n_steps[p]:
            per_order[position].add(able_step[p][s])
        else:
            per_order[position].add(frozenset((partner,)))
    return OrderNeeds(
        tuple(tuple(sorted(p)) for p in players),
        tuple(tuple(sorted(needs, key=sorted)) for needs in per_order),
    )


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
