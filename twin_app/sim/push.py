"""Push dispatch: the platform assigns each ready operation to a machine at once.

At an epoch each newly ready operation goes to the best capable machine by the assignment
rule (counting transport and the work already running or queued there) and joins that
machine's queue once its parts have arrived; free units take work from their machine's queue
by the sequencing rule. A machine with a ``buffer`` accepts at most that many waiting
operations (parts on their way included); when every capable machine is full, the operation
is retried at later epochs and the unit that finished its part stays *blocked* (logged as
BLOCKED) until it moves on.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import simpy

from twin_app.model.scenario import Scenario
from twin_app.sim.event_log import EventLog
from twin_app.sim.placement import Placement
from twin_app.sim.queues import Dispatcher
from twin_app.sim.state import BLOCKED, Group, MachineBoard, Operation, Unit

SendParts = Callable[[Operation, int, Callable[[], None]], None]
"""send_parts(op, node, all_arrived): carry the operation's parts to ``node``."""


class PushDispatcher(Dispatcher):
    """Assigns ready operations to machines' queues; machines serve their own queue."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        placement: Placement,
        board: MachineBoard,
        log: EventLog,
        machine_units: list[tuple[Unit, ...]],
        n_units: int,
        start: Callable[[Operation, Unit], None],
        send_parts: SendParts,
        request_epoch: Callable[[], None],
    ) -> None:
        super().__init__(env, scenario, placement, machine_units, n_units, start, request_epoch)
        self.board = board
        self.log = log
        self.send_parts = send_parts
        self.blocked_ops: list[Operation] = []
        self.machine_groups = [Group(units) for units in machine_units]
        self.groups = list(self.machine_groups)
        for group in self.machine_groups:
            for unit in group.units:
                self.unit_groups[unit.index].append(group)

    def decide(self) -> None:
        self.placement.new_round()
        if self.blocked_ops:
            self._retry_blocked()
        ready = self.ready
        if ready:
            batch = ready.copy()
            ready.clear()
            for op in batch:
                if not self._assign(op):
                    self.blocked_ops.append(op)
        self.match()

    def take_up(self, op: Operation, unit: Unit) -> None:
        board = self.board
        machine = unit.machine
        board.queued_work[machine] = max(float(board.queued_work[machine]) - op.estimate, 0.0)
        board.waiting_count[machine] -= 1
        if self.blocked_ops:
            self.request_epoch()  # room in a buffer: a blocked part may move on
        self.start(op, unit)

    def _assign(self, op: Operation) -> bool:
        """Pick the machine for a ready operation and send its parts there.

        False when every capable machine's buffer is full: the operation is kept for a retry
        and the unit holding its part is blocked."""
        placement = self.placement
        board = self.board
        prepared = placement.prepared(op)
        machines, transit, onward = prepared.machines, prepared.transit, prepared.onward
        if board.has_buffers:
            waiting, buffer = board.waiting_count, board.buffer
            room = np.array([not (0 < buffer[m] <= waiting[m]) for m in machines.tolist()])
            if not room.any():
                holder = op.holder
                if holder is not None and not holder.blocked:
                    holder.blocked = True
                    holder.blocked_since = self.env.now
                return False
            if not room.all():
                machines, transit = machines[room], transit[room]
                onward = onward[room] if onward is not None else None
                prepared = None
        if len(machines) == 1:
            machine = int(machines[0])
        elif prepared is not None:
            machine = placement.pick(op, prepared)
        else:
            ready = placement.round_ready(machines)
            setup = board.setup_next[op.job.product.family].take(machines)
            machine = int(machines[placement.choose(op, machines, transit, ready, setup, onward)])
        op.estimate = placement.expected_work(machine, op, board.tail_family[machine])
        board.queued_work[machine] += op.estimate
        placement.queued_changed(machine)
        board.set_tail(machine, op.job.product.family)
        op.machine = machine
        op.group = self.machine_groups[machine]
        board.waiting_count[machine] += 1
        self.send_parts(op, placement.machine_node[machine], lambda: self._arrived_at_queue(op))
        return True

    def _arrived_at_queue(self, op: Operation) -> None:
        op.ready = self.env.now
        self.enqueue(op, op.group)  # type: ignore[arg-type]
        self.request_epoch()

    def _retry_blocked(self) -> None:
        """Assign the operations that found every buffer full, oldest first; unblock the
        units that held their parts."""
        waiting, self.blocked_ops = self.blocked_ops, []
        for op in waiting:
            if self._assign(op):
                holder = op.holder
                if holder is not None and holder.blocked:
                    now = self.env.now
                    if now > holder.blocked_since:
                        self.log.interval(holder.blocked_since, now, BLOCKED, holder.index, holder.owner)
                    holder.blocked = False
                    self.freed.append(holder)
            else:
                self.blocked_ops.append(op)
