"""What both dispatchers share: queues of waiting operations ordered by the sequencing rule,
and the matching of waiting work to free units (non-delay).

Static rules key an operation once, when it joins a queue (a heap); dynamic rules (cr, atc)
score the queue when a unit chooses. A :class:`Dispatcher` is told which operations became
ready and which units were freed; at each dispatch epoch it decides (the push and pull
subclasses say how ready work reaches the queues) and starts work through the ``start``
callback of the engine.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

import numpy as np
import simpy

from twin_app.dispatch import sequencing
from twin_app.model.scenario import Scenario
from twin_app.sim.event_log import EventLog
from twin_app.sim.placement import Placement
from twin_app.sim.state import WAIT, Group, Operation, Unit


class Dispatcher:
    """Queues, freed units and the matching loop; subclasses route ready work to queues."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        placement: Placement,
        machine_units: list[tuple[Unit, ...]],
        n_units: int,
        start: Callable[[Operation, Unit], None],
        request_epoch: Callable[[], None],
    ) -> None:
        self.env = env
        self.placement = placement
        self.machine_units = machine_units
        self.start = start
        self.request_epoch = request_epoch
        platform = scenario.platform
        self.rule = platform.sequencing
        self.sequencing = sequencing.RULES[platform.sequencing]
        self.dynamic = self.sequencing.dynamic
        self.batch_families = platform.batch_families
        self.atc_k = platform.atc_k
        self.ready: list[Operation] = []
        """Operations that became ready since the last epoch."""
        self.freed: list[Unit] = []
        """Units that became free (or may work again) since the last epoch."""
        self.groups: list[Group] = []
        """Every queue, in the order it was made (the order open waits are closed in)."""
        self.unit_groups: list[list[Group]] = [[] for _ in range(n_units)]
        self.overlap = False
        """True once some unit serves two queues (pull): queues then compete for units."""
        self._dirty: dict[int, Group] = {}
        self._op_counter = itertools.count()
        self._heap_only = not self.dynamic and not self.batch_families and not self.sequencing.ranks_pairs
        """The next operation is always the top of the heap (no scoring, no family batching)."""

    # --- what subclasses decide ------------------------------------------------------------------

    def decide(self) -> None:
        """One dispatch epoch: route the ready operations to queues, then match."""
        raise NotImplementedError

    def take_up(self, op: Operation, unit: Unit) -> None:
        """``unit`` takes ``op`` (the push and pull dispatchers keep their own books first)."""
        self.start(op, unit)

    def eligible_units(self, group: Group) -> list[Unit]:
        """Free units of ``group`` that may take its next operation."""
        return group.free_units()

    def may_take(self, unit: Unit, op: Operation) -> bool:
        """Whether ``unit``, which has pulled work on its way, may take ``op`` as well."""
        return True

    def pick_unit(self, op: Operation, free: list[Unit]) -> Unit:
        """Which of several free units takes ``op``: one set up for its family, else the first."""
        same_family = [u for u in free if u.family == op.job.product.family]
        return same_family[0] if same_family else free[0]

    # --- queues ----------------------------------------------------------------------------------

    def enqueue(self, op: Operation, group: Group) -> None:
        self._dirty[id(group)] = group
        if self.dynamic:
            group.dynamic.append(op)
            return
        job = op.job
        rule = self.sequencing
        if rule.ready_key:  # FIFO: the common case, and the cheapest key
            key = op.ready
        elif rule.due_key:  # EDD: no expected work to compute
            key = job.order.due
        else:
            product = job.product
            if rule.needs_processing:
                expected = self.placement.expected_work
                if op.machine >= 0:
                    processing = expected(op.machine, op, -1)
                else:
                    processing = min(expected(m, op, -1) for m in {u.machine for u in group.units})
            else:
                processing = 0.0
            remaining = product.remaining_work(op.step, job.quantity)
            key = rule.key(  # type: ignore[misc]
                op.ready,
                processing,
                job.order.due,
                remaining,
                len(product.steps) - op.step,
                product.total_work(job.quantity) - remaining,
            )
        heapq.heappush(group.heap, (key, job.index, next(self._op_counter), op))

    def ranks_pairs(self, group: Group) -> bool:
        """Whether the group ranks (operation, free machine) pairs (see PullDispatcher)."""
        return False

    def _pair_entry(self, group: Group) -> tuple:
        machines = {unit.machine for unit in group.free_units()}
        expected = self.placement.expected_work
        best: tuple | None = None
        for entry in group.heap:
            op = entry[-1]
            key = (min(expected(m, op, -1) for m in machines), entry[1], entry[2], entry)
            if best is None or key[:3] < best[:3]:
                best = key
        return best  # type: ignore[return-value]

    def peek(self, group: Group) -> Operation:
        """The operation :meth:`take` would take next, left in the queue."""
        if self.ranks_pairs(group):
            return self._pair_entry(group)[-1][-1]
        if self.dynamic:
            return group.dynamic[self._pick_dynamic(group)]
        return group.heap[0][-1]

    def head_key(self, group: Group) -> tuple:
        """The rank of the group's next operation, comparable across groups."""
        if self.ranks_pairs(group):
            return self._pair_entry(group)[:3]
        if not self.dynamic:
            return group.heap[0][:3]
        ops = group.dynamic
        op = ops[self._pick_dynamic(group)]
        job = op.job
        mean_processing = sum(o.job.product.steps[o.step].expected(o.job.quantity) for o in ops) / len(ops)
        score = sequencing.dynamic_score(
            self.rule,
            self.env.now,
            job.product.steps[op.step].expected(job.quantity),
            job.order.due,
            job.product.remaining_work(op.step, job.quantity),
            mean_processing,
            self.atc_k,
        )
        return (score, job.index, 0)

    def _pick_dynamic(self, group: Group) -> int:
        ops = group.dynamic
        if len(ops) == 1:
            return 0
        processing = np.array([op.job.product.steps[op.step].expected(op.job.quantity) for op in ops])
        due = np.array([op.job.order.due for op in ops])
        remaining = np.array([op.job.product.remaining_work(op.step, op.job.quantity) for op in ops])
        jobs = np.array([op.job.index for op in ops])
        return sequencing.pick_dynamic(self.rule, self.env.now, processing, due, remaining, jobs, self.atc_k)

    def take_for(self, group: Group, unit: Unit) -> Operation:
        """The operation ``unit`` takes next: with family batching, the best one of the family
        it is set up for (no changeover) if any waits, else the best by the rule."""
        family = unit.family
        if not self.batch_families or family < 0 or self.ranks_pairs(group):
            return self.take(group)
        if self.dynamic:
            same = [i for i, op in enumerate(group.dynamic) if op.job.product.family == family]
            if not same:
                return self.take(group)
            ops = group.dynamic
            subset = Group(group.units)
            subset.dynamic = [ops[i] for i in same]
            return ops.pop(same[self._pick_dynamic(subset)])
        same_family = [entry for entry in group.heap if entry[-1].job.product.family == family]
        if not same_family:
            return self.take(group)
        entry = min(same_family, key=lambda e: e[:3])
        group.heap.remove(entry)
        heapq.heapify(group.heap)
        return entry[-1]

    def take(self, group: Group) -> Operation:
        if self.ranks_pairs(group):
            entry = self._pair_entry(group)[-1]
            group.heap.remove(entry)
            heapq.heapify(group.heap)
            return entry[-1]
        if self.dynamic:
            return group.dynamic.pop(self._pick_dynamic(group))
        return heapq.heappop(group.heap)[-1]

    # --- matching ----------------------------------------------------------------------------------

    def match(self) -> None:
        """Start waiting operations on free units until no queue has both (non-delay)."""
        candidates = self._dirty
        take_up = self.take_up
        unit_groups = self.unit_groups
        for unit in self.freed:
            if unit.arrived and unit.op is None and not unit.down and not unit.off:
                take_up(unit.arrived.popleft(), unit)  # pulled work that has arrived goes first
            for group in unit_groups[unit.index]:
                candidates[id(group)] = group
        self.freed.clear()
        if not candidates:
            return
        self._dirty = {}
        if not self.overlap:
            # Every unit serves one queue: queues do not compete, serve each on its own.
            heap_only = self._heap_only
            for group in candidates.values():
                units = group.units
                if len(units) == 1:
                    unit = units[0]
                    if (
                        unit.op is None
                        and not (unit.down or unit.off or unit.blocked)
                        and (group.heap or group.dynamic)
                    ):
                        if unit.inbound and not self.may_take(unit, self.peek(group)):
                            continue
                        op = heapq.heappop(group.heap)[-1] if heap_only else self.take_for(group, unit)
                        take_up(op, unit)
                    continue
                while group.heap or group.dynamic:
                    free = self.eligible_units(group)
                    if not free:
                        break
                    if self.batch_families:
                        unit = free[0]
                        self.take_up(self.take_for(group, unit), unit)
                        continue
                    op = self.take(group)
                    self.take_up(op, free[0] if len(free) == 1 else self.pick_unit(op, free))
            return
        groups = [g for g in candidates.values() if g.has_work()]
        while True:
            best_group = None
            best_key: tuple | None = None
            best_free: list[Unit] = []
            for group in groups:
                if not group.has_work():
                    continue
                free = self.eligible_units(group)
                if not free:
                    continue
                key = self.head_key(group)
                if best_key is None or key < best_key:
                    best_group, best_key, best_free = group, key, free
            if best_group is None:
                return
            op = self.take(best_group)
            self.take_up(op, best_free[0] if len(best_free) == 1 else self.pick_unit(op, best_free))

    def close(self, log: EventLog, now: float) -> None:
        """Log the waits of the operations still queued, up to ``now``."""
        for group in self.groups:
            waiting = [entry[-1] for entry in group.heap] + group.dynamic
            resource = group.units[0].index
            for op in waiting:
                if now > op.ready:
                    job = op.job
                    log.interval(
                        op.ready,
                        now,
                        WAIT,
                        resource,
                        group.units[0].owner,
                        job.order.index,
                        job.index,
                        op.step,
                        job.quantity,
                        0.0,
                    )
