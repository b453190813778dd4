"""Pull dispatch: ready operations wait in pooled queues; free units pull the best.

A ready operation joins the pooled queue of the units that can do it (one queue per set of
capable units). While some queue has work and a capable unit is free, the best operation over
all such queues (by the sequencing rule) goes to the best free capable unit (by the
assignment rule). A unit that pulls work from another site stays free for local work while
the parts travel, and takes the pulled work first once they are there; it pulls more remote
work only while the work already on its way is shorter than the part's transit time (a
kanban window sized by Little's law).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import numpy as np
import simpy

from twin_app.model.scenario import Scenario
from twin_app.sim.placement import Placement
from twin_app.sim.push import SendParts
from twin_app.sim.queues import Dispatcher
from twin_app.sim.state import Group, Operation, Unit, is_remote


class PullDispatcher(Dispatcher):
    """Pools ready operations by the units that can do them; free units pull work."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        placement: Placement,
        machine_units: list[tuple[Unit, ...]],
        n_units: int,
        start: Callable[[Operation, Unit], None],
        send_parts: SendParts,
        request_epoch: Callable[[], None],
    ) -> None:
        super().__init__(env, scenario, placement, machine_units, n_units, start, request_epoch)
        self.send_parts = send_parts
        self.network = placement.network
        self._pools: dict[tuple[int, ...], Group] = {}
        self._pool_cache: dict[tuple[int, int], Group] = {}
        self._pairs = self.sequencing.ranks_pairs
        self._by_ready = not self.dynamic and self.sequencing.ready_key
        """Operations are keyed by their ready time (FIFO): see :meth:`_pool_by_ready`."""
        one_site = len({unit.node for units in machine_units for unit in units}) <= 1
        if (
            one_site
            and not any(product.components for product in placement.compiled.products)
            and not any(product.take_back is not None for product in scenario.products)
        ):
            # Every part is where every unit is (no kits, no take-backs from customers): no
            # work is ever pulled from another site, so taking work up is starting it.
            self.take_up = start  # type: ignore[method-assign]

    def decide(self) -> None:
        ready = self.ready
        if ready:  # (pooling never makes an operation ready: the list is cleared after)
            if self._by_ready:
                self._pool_by_ready(ready)
            else:
                for op in ready:
                    self._pool(op)
            ready.clear()
        self.match()

    def _pool_by_ready(self, batch: list[Operation]) -> None:
        """:meth:`_pool` and :meth:`enqueue` in one loop, for a rule that keys by the ready time
        (FIFO): a one-part operation whose queue is known goes straight onto its heap (the same
        entry :meth:`enqueue` pushes); any other takes the general path."""
        cache = self._pool_cache
        dirty = self._dirty
        counter = self._op_counter
        destination = self.placement.destination
        for op in batch:
            job = op.job
            product = job.product
            if job.components and op.step == product.assembly_step:
                self._pool(op)
                continue
            node = job.node  # Placement.place_key, inlined
            group = cache.get((id(product.steps[op.step]), node if node >= 0 else -2 - destination(job)))
            if group is None:
                self._pool(op)
                continue
            op.group = group
            dirty[id(group)] = group
            heapq.heappush(group.heap, (op.ready, job.index, next(counter), op))

    def _pool(self, op: Operation) -> None:
        """Put a ready operation in the pooled queue of the units that can do it."""
        job = op.job
        single = not job.components or op.step != job.product.assembly_step
        cache_key = self.placement.place_key(job, job.product.steps[op.step])
        if single:  # one part: the queue depends only on the step and where the part is (going)
            group = self._pool_cache.get(cache_key)
            if group is not None:
                op.group = group
                self.enqueue(op, group)
                return
        machines, _transit, _onward = self.placement.candidates(op)
        key = tuple(machines.tolist())
        group = self._pools.get(key)
        if single and group is not None:
            self._pool_cache[cache_key] = group
        if group is None:
            units = tuple(unit for m in key for unit in self.machine_units[m])
            group = self._pools[key] = Group(units)
            self.groups.append(group)
            for unit in units:
                if self.unit_groups[unit.index]:
                    self.overlap = True  # a unit now serves two queues: rank across them
                self.unit_groups[unit.index].append(group)
        op.group = group
        self.enqueue(op, group)

    def ranks_pairs(self, group: Group) -> bool:
        """A rule that ranks pairs (SPT) over a pool of several machines ranks (operation, free
        machine) pairs: an operation's key is its time on the fastest machine free *now*, not
        on any machine."""
        return self._pairs and len(group.units) > 1

    def take_up(self, op: Operation, unit: Unit) -> None:
        job = op.job
        if (job.components or 0 <= job.node != unit.node) and is_remote(op, unit):
            # Pulled from another site: the unit stays free for local work while parts travel.
            op.estimate = self.placement.expected_work(unit.machine, op, -1)
            unit.inbound += op.estimate
            op.machine = unit.machine
            self.send_parts(op, unit.node, lambda: self._inbound_arrived(op, unit))
            return
        self.start(op, unit)

    def _inbound_arrived(self, op: Operation, unit: Unit) -> None:
        # op.ready stays: its WAIT record runs from ready to the start, transit included.
        unit.inbound = max(unit.inbound - op.estimate, 0.0)
        unit.arrived.append(op)
        self.freed.append(unit)
        self.request_epoch()

    def may_take(self, unit: Unit, op: Operation) -> bool:
        """A unit pulls work from another site only while the work it already has on the way
        is shorter than this part's transit time: enough in the pipeline to cover the
        transport, no hoarding (a kanban loop sized by Little's law)."""
        if not unit.inbound or not is_remote(op, unit):
            return True
        nodes = [part.node for part in op.job.parts() if part.node >= 0]
        transit = max(float(self.network.transit[node, unit.node]) for node in nodes)
        return unit.inbound < transit

    def eligible_units(self, group: Group) -> list[Unit]:
        free = group.free_units()
        if not any(unit.inbound for unit in free):
            return free
        head = self.peek(group)
        return [unit for unit in free if self.may_take(unit, head)]

    def pick_unit(self, op: Operation, free: list[Unit]) -> Unit:
        """The free unit the assignment rule picks (all free now; transit of the parts counts)."""
        placement = self.placement
        machines = np.array([u.machine for u in free], dtype=np.int64)
        nodes = [part.node for part in op.job.parts() if part.node >= 0]
        if nodes:
            transit = self.network.transit[np.array(nodes)][:, placement.compiled.machine_node[machines]].max(axis=0)
        else:
            transit = np.zeros(len(free))
        families = np.array([u.family for u in free], dtype=np.int64)
        changeover = families >= 0
        setup = None
        if changeover.any():
            setup_mean = placement.compiled.setup_mean[machines, np.maximum(families, 0), op.job.product.family]
            setup = np.where(changeover, setup_mean, 0.0)
        chosen = placement.choose(op, machines, transit, np.full(len(free), self.env.now), setup)
        return free[chosen]
