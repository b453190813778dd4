"""The simulation's entities and their state: orders, jobs, operations, machine units, queues.

Plain slotted classes (not dataclasses): they are created and read millions of times in a
large run, and attribute access on ``__slots__`` is the cheapest Python has. The dispatch
core's view of the machines lives in :class:`MachineBoard`, arrays updated in place.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from twin_app.model.events import EventKind
from twin_app.sim.compiled import CompiledProduct

PROCESS = int(EventKind.PROCESS)
SETUP = int(EventKind.SETUP)
TRANSPORT = int(EventKind.TRANSPORT)
DOWN = int(EventKind.DOWN)
OFF_SHIFT = int(EventKind.OFF_SHIFT)
WAIT = int(EventKind.WAIT)
BLOCKED = int(EventKind.BLOCKED)


class Order:
    __slots__ = ("customer", "due", "index", "price", "product", "quantity", "release")

    def __init__(
        self, index: int, customer: int, product: int, quantity: float, release: float, due: float, price: float
    ) -> None:
        self.index = index
        self.customer = customer
        self.product = product
        self.quantity = quantity
        self.release = release
        self.due = due
        self.price = price

    def record(self, completed: float) -> tuple:
        """The order's row of the order log (``completed`` NaN while it is open)."""
        return (self.index, self.customer, self.product, self.quantity, self.release, self.due, completed, self.price)


class Job:
    """One product instance walking its routing (an order's product, or one of its components)."""

    __slots__ = (
        "components",
        "consolidation",
        "holder",
        "index",
        "missing",
        "node",
        "order",
        "parent",
        "product",
        "quantity",
        "step",
        "waiting_assembly",
    )

    def __init__(self, index: int, order: Order, product: CompiledProduct, quantity: float, parent: Job | None) -> None:
        self.index = index
        self.order = order
        self.product = product
        self.quantity = quantity
        self.parent = parent
        self.step = 0
        self.node = -1  # -1: raw material, available wherever the first step is done
        self.missing = len(product.components)
        self.components: list[Job] = []
        self.consolidation = -1  # node where components gather for the assembly (-1: none)
        self.holder: Unit | None = None  # the unit that just finished the job's previous step
        self.waiting_assembly = False

    def parts(self) -> list[Job]:
        """The parts an operation of this job needs at the machine: the job, plus its
        components at the assembly step."""
        if self.components and self.step == self.product.assembly_step:
            return [self, *self.components]
        return [self]


class Operation:
    """One step of one job, from ready until a unit takes it."""

    __slots__ = ("estimate", "group", "holder", "job", "machine", "parts_pending", "ready", "step")

    def __init__(self, job: Job, ready: float) -> None:
        self.job = job
        self.step = job.step
        self.ready = ready
        self.group: Group | None = None
        self.machine = -1
        self.parts_pending = 0
        self.estimate = 0.0
        self.holder = job.holder  # blocked if no capable machine has buffer space (push)


class Unit:
    """One machine unit (a server): what it is doing and whether it may work now."""

    __slots__ = (
        "arrived",
        "blocked",
        "blocked_since",
        "busy_until",
        "down",
        "down_since",
        "family",
        "inbound",
        "index",
        "machine",
        "node",
        "off",
        "off_since",
        "op",
        "owner",
        "phase",
        "phase_end",
        "phase_start",
        "process_left",
        "running",
        "setup_left",
        "token",
    )

    def __init__(self, index: int, machine: int, owner: int, node: int) -> None:
        self.index = index
        self.machine = machine
        self.owner = owner
        self.node = node
        self.family = -1
        self.op: Operation | None = None
        self.phase = PROCESS
        self.phase_start = 0.0
        self.setup_left = 0.0
        self.process_left = 0.0
        self.running = False
        self.token = 0
        self.down = False
        self.off = False
        self.down_since = 0.0
        self.off_since = 0.0
        self.busy_until = 0.0
        self.inbound = 0.0  # expected work pulled from other sites whose parts are on their way
        self.blocked = False  # holding a finished part no capable machine has room for
        self.blocked_since = 0.0
        self.arrived: deque[Operation] = deque()  # pulled operations whose parts are here
        self.phase_end = PhaseEnd(None, self, 0)  # (as if fired: callbacks None)
        """The unit's last phase end event, scheduled again for its next phase once it has fired."""

    def is_free(self) -> bool:
        return self.op is None and not self.down and not self.off and not self.blocked


class PhaseEnd:
    """The end of a unit's phase (setup or processing) as a raw SimPy event.

    It carries what ``simpy.Environment.step`` reads of an event (``callbacks``, ``_ok``,
    ``_value``) plus the unit and the unit's token when the phase began (a pause makes it
    stale), scheduled with ``Environment.schedule`` like a Timeout but without building a
    Timeout and a ``functools.partial`` for each of millions of phases. A unit keeps its last
    one and schedules it again once it has fired (SimPy sets ``callbacks`` to None then; a
    stale one still in the queue is never taken).
    """

    __slots__ = ("_ok", "_value", "callbacks", "token", "unit")

    def __init__(self, callbacks: tuple | None, unit: Unit, token: int) -> None:
        self.callbacks = callbacks
        self._ok = True
        self._value = None
        self.unit = unit
        self.token = token


class Group:
    """Operations waiting for one set of units (a machine's queue, or a pooled queue)."""

    __slots__ = ("dynamic", "heap", "units")

    def __init__(self, units: tuple[Unit, ...]) -> None:
        self.units = units
        self.heap: list[tuple] = []
        self.dynamic: list[Operation] = []

    def has_work(self) -> bool:
        return bool(self.heap) or bool(self.dynamic)

    def free_units(self) -> list[Unit]:
        return [unit for unit in self.units if unit.op is None and not unit.down and not unit.off and not unit.blocked]


class MachineBoard:
    """The dispatch core's view of each machine, as arrays it scores many machines from at once."""

    def __init__(self, n: int, capacity: np.ndarray, buffers: list[int], setup_mean: np.ndarray) -> None:
        self.stack = np.zeros((5, n))
        """The float arrays below as rows of one array, so an estimate over many machines
        gathers them in one ``take`` (the rows are views: updating one updates it)."""
        self.back_at = self.stack[0]
        """When the machine is expected back: the later of :attr:`off_until` and :attr:`down_until`."""
        self.committed_end = self.stack[1]
        """Sum over busy units of their expected end time."""
        self.busy_units = self.stack[2]
        self.queued_work = self.stack[3]
        """Expected work assigned to the machine and not started (push)."""
        self.capacity = self.stack[4]
        self.capacity[:] = capacity
        self.off_until = [0.0] * n
        """When the machine is back from an off-shift (see :meth:`set_back`)."""
        self.down_until = [0.0] * n
        """When a one-unit machine is expected back from a breakdown (see :meth:`set_back`)."""
        self.tail_family = [-1] * n
        """Family of the last operation assigned to the machine (for changeover estimates)."""
        self.setup_mean = setup_mean
        self.ready_setup = np.zeros((1 + setup_mean.shape[1], n))
        """Row 0: every machine's ready time at the current push round (written by
        :meth:`~twin_app.sim.placement.Placement.round_ready`); rows 1 + g: :attr:`setup_next`.
        One array, so a decision gathers its candidates' ready times and changeovers in one
        ``take``."""
        self.setup_next = self.ready_setup[1:]
        """setup_next[g, m]: expected changeover on machine m from its tail family to family g
        (0 while it has none): one gather per decision instead of a test and a 3-d gather."""
        self.buffer = buffers  # 0: no limit
        self.has_buffers = any(buffers)
        self.waiting_count = [0] * n
        """Operations assigned to the machine and not started (push)."""

    def set_tail(self, machine: int, family: int) -> None:
        """The last operation assigned to ``machine`` is of ``family``."""
        if self.tail_family[machine] != family:
            self.tail_family[machine] = family
            self.setup_next[:, machine] = self.setup_mean[machine, family]

    def set_back(self, machine: int, off_until: float | None = None, down_until: float | None = None) -> None:
        """When ``machine`` is back from an off-shift and/or a breakdown."""
        if off_until is not None:
            self.off_until[machine] = off_until
        if down_until is not None:
            self.down_until[machine] = down_until
        self.back_at[machine] = max(self.off_until[machine], self.down_until[machine])


def is_remote(op: Operation, unit: Unit) -> bool:
    """Whether some part ``op`` needs is at another site than ``unit``'s."""
    job = op.job
    if not job.components:
        return 0 <= job.node != unit.node
    return any(part.node >= 0 and part.node != unit.node for part in job.parts())
