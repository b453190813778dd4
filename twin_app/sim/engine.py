"""The twin: orders flowing through the cloud factory, as a SimPy discrete-event simulation.

What happens to an order: it is released (from a demand stream or the order book) and split
by its bill of materials into jobs, one per product instance (components recursively). A job
walks its routing: each step becomes an *operation* that waits until the platform dispatches
it to a machine unit, possibly after its parts travel along lanes. A job's first step has no
part anywhere yet (raw material): it is placed by where the part must go next, the transit on
from each capable machine to the kit's consolidation site or the customer counting in the
choice. When an order is split, each kit gets its consolidation site: the site of the
assembly machine the assignment rule would pick at that moment, counting the way on to the
kit's own destination. Each component travels there as soon as it is finished; before the
assembly step the kit waits until all its components have arrived, then the assembly is
dispatched like any other step. A finished order travels to its customer.

Dispatch semantics (non-delay): completions, arrivals and repairs at time t are all processed
before any dispatch decision at t. Events that make work or machines available only *ask*
for a dispatch epoch; the run loop holds the epoch until no event at the current time is
left in SimPy's queue, then runs it, before the clock moves on.

- push: at an epoch, each newly ready operation is assigned to the best capable machine by
  the assignment rule (counting transport and queued work) and joins that machine's queue;
  free units of a machine take work from its queue by the sequencing rule. A machine with a
  ``buffer`` accepts at most that many waiting operations (parts on their way included);
  when every capable machine is full, the operation is retried at later epochs and the unit
  that finished its part stays *blocked* (logged as BLOCKED) until it moves on.
- pull: ready operations wait in pooled queues (one per set of capable units); while some
  queue has work and a capable unit is free, the best operation over all such queues (by the
  sequencing rule) goes to the best free capable unit (by the assignment rule). A unit that
  pulls work from another site stays free for local work while the parts travel, and takes
  the pulled work first once they are there; it pulls more remote work only while the work
  already on its way is shorter than the part's transit time (a kanban window sized by
  Little's law).

Machine units are interrupted by breakdowns and calendar off-shift time: work in progress
(setup or processing) pauses and resumes where it stopped. Every interval lands in one flat
event log (twin_app.model.events), flushed in batches to observers; the simulation never
waits for them.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from functools import partial

import numpy as np
import simpy
from simpy.events import Event

from twin_app.dispatch import assignment, sequencing
from twin_app.errors import SimulationError
from twin_app.model.distributions import Distribution, sampler
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventBatch, EventKind, RunEnd, RunInfo, RunObserver
from twin_app.model.scenario import DemandStream, Scenario, Shifts, demand_stream_ids
from twin_app.sim.compiled import CompiledProduct, CompiledScenario, CompiledStep
from twin_app.sim.logistics import LaneOperator, Parcel
from twin_app.sim.rng import stream

_PROCESS = int(EventKind.PROCESS)
_SETUP = int(EventKind.SETUP)
_WAIT = int(EventKind.WAIT)
_BLOCKED = int(EventKind.BLOCKED)


class _Order:
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
        return (self.index, self.customer, self.product, self.quantity, self.release, self.due, completed, self.price)


class _Job:
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

    def __init__(
        self, index: int, order: _Order, product: CompiledProduct, quantity: float, parent: _Job | None
    ) -> None:
        self.index = index
        self.order = order
        self.product = product
        self.quantity = quantity
        self.parent = parent
        self.step = 0
        self.node = -1  # -1: raw material, available wherever the first step is done
        self.missing = len(product.components)
        self.components: list[_Job] = []
        self.consolidation = -1  # node where components gather for the assembly (-1: none)
        self.holder: _Unit | None = None  # the unit that just finished the job's previous step
        self.waiting_assembly = False


class _Operation:
    __slots__ = ("estimate", "group", "holder", "job", "machine", "parts_pending", "ready", "step")

    def __init__(self, job: _Job, ready: float) -> None:
        self.job = job
        self.step = job.step
        self.ready = ready
        self.group: _Group | None = None
        self.machine = -1
        self.parts_pending = 0
        self.estimate = 0.0
        self.holder = job.holder  # blocked if no capable machine has buffer space (push)


class _Unit:
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
        "phase_start",
        "process_left",
        "running",
        "setup_left",
        "token",
        "waiting_parts",
    )

    def __init__(self, index: int, machine: int, owner: int, node: int) -> None:
        self.index = index
        self.machine = machine
        self.owner = owner
        self.node = node
        self.family = -1
        self.op: _Operation | None = None
        self.phase = _PROCESS
        self.phase_start = 0.0
        self.setup_left = 0.0
        self.process_left = 0.0
        self.running = False
        self.waiting_parts = False
        self.token = 0
        self.down = False
        self.off = False
        self.down_since = 0.0
        self.off_since = 0.0
        self.busy_until = 0.0
        self.inbound = 0.0  # expected work pulled from other sites whose parts are on their way
        self.blocked = False  # holding a finished part no capable machine has room for
        self.blocked_since = 0.0
        self.arrived: deque[_Operation] = deque()  # pulled operations whose parts are here


class _Group:
    """Operations waiting for one set of units (a machine's queue, or a pooled queue)."""

    __slots__ = ("dynamic", "heap", "units")

    def __init__(self, units: tuple[_Unit, ...]) -> None:
        self.units = units
        self.heap: list[tuple] = []
        self.dynamic: list[_Operation] = []

    def has_work(self) -> bool:
        return bool(self.heap) or bool(self.dynamic)

    def free_units(self) -> list[_Unit]:
        return [unit for unit in self.units if unit.op is None and not unit.down and not unit.off and not unit.blocked]


class Simulation:
    """One replication of a scenario; drive it with :meth:`run`, :meth:`advance` or :meth:`step`."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int | None = None,
        replication: int = 0,
        observers: Sequence[RunObserver] = (),
        run_id: str | None = None,
        batch_events: int = 4096,
    ) -> None:
        self.scenario = scenario
        self.compiled = CompiledScenario.build(scenario)
        self.layout = self.compiled.layout
        self.network = self.compiled.network
        self.seed = scenario.run.seed if seed is None else seed
        self.replication = replication
        self.observers = list(observers)
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.horizon = scenario.run.horizon
        self.batch_events = batch_events
        self.env = simpy.Environment()
        self.finished = False
        self.status = "ready"
        self._started = False
        self._stop_requested = False
        self._log: list[tuple] = []
        self._order_log: list[tuple] = []
        self._events_emitted = 0
        platform = scenario.platform
        self._push = platform.mode == "push"
        self._assignment = platform.assignment
        self._sequencing = platform.sequencing
        self._dynamic = platform.sequencing in sequencing.DYNAMIC_RULES
        self._batch_families = platform.batch_families
        self._weights = assignment.Weights(
            **{k: getattr(platform.weights, k) for k in ("completion", "cost", "load", "reliability")}
        )
        self._dispatch_rng = self._rng("dispatch")
        self._routing_rngs: dict[tuple[str, int, int], np.random.Generator] = {}
        self._job_counter = itertools.count()
        self._op_counter = itertools.count()
        self._orders_open = 0
        self._sources_open = 0
        self._ready: list[_Operation] = []
        self._epoch_wanted = False
        self._lanes_due: dict[int, LaneOperator] = {}
        self._dirty_groups: dict[int, _Group] = {}
        self._build_units()
        self._build_lanes()
        self._build_demand()

    # -----------------------------------------------------------------------------------------
    # Set-up
    # -----------------------------------------------------------------------------------------

    def _rng(self, *name: str) -> np.random.Generator:
        return stream(self.seed, self.replication, *name)

    def _build_units(self) -> None:
        compiled = self.compiled
        scenario = self.scenario
        layout = self.layout
        self.units: list[_Unit] = []
        self.machine_units: list[tuple[_Unit, ...]] = []
        self._process_samplers: list[dict[str, Callable[[], float]]] = []
        self._setup_samplers: dict[tuple[int, int, int], Callable[[], float]] = {}
        for m, machine in enumerate(scenario.machines):
            first = layout.machine_first_unit[m]
            units = tuple(
                _Unit(first + u, m, int(layout.resource_owner[first + u]), int(compiled.machine_node[m]))
                for u in range(machine.capacity)
            )
            self.units.extend(units)
            self.machine_units.append(units)
            self._process_samplers.append(
                {
                    cap.step: sampler(cap.time, self._rng("process", machine.id, cap.step))
                    for cap in machine.capabilities
                }
            )
            if machine.failures is not None:
                for unit in units:
                    resource = layout.resources[unit.index].id
                    self.env.process(
                        self._failures(
                            unit,
                            sampler(machine.failures.mtbf, self._rng("uptime", resource)),
                            sampler(machine.failures.mttr, self._rng("repair", resource)),
                            machine.failures.mttr.mean,
                        )
                    )
            if machine.shifts is not None:
                self.env.process(self._calendar(units, machine.shifts))
        n = len(scenario.machines)
        # The dispatch core's view of each machine, as arrays it scores many machines from at once.
        self._queued_work = np.zeros(n)
        """Expected work assigned to the machine and not started (push)."""
        self._committed_end = np.zeros(n)
        """Sum over busy units of their expected end time."""
        self._busy_units = np.zeros(n)
        self._tail_family = np.full(n, -1, dtype=np.int64)
        """Family of the last operation assigned to the machine (for changeover estimates)."""
        # Per machine: when it is back from an off-shift / expected back from a breakdown.
        self._off_until = np.zeros(n)
        self._down_until = np.zeros(n)
        self._capacity_array = self.compiled.machine_capacity
        self._buffer = [m.buffer or 0 for m in self.scenario.machines]  # 0: no limit
        self._has_buffers = any(self._buffer)
        self._waiting_count = [0] * n  # operations assigned to the machine and not started
        self._blocked_ops: list[_Operation] = []
        self._speed = self.compiled.machine_speed.tolist()
        self._machine_node = self.compiled.machine_node.tolist()
        self._machine_groups = [_Group(units) for units in self.machine_units]
        self._pull_groups: dict[tuple[int, ...], _Group] = {}
        self._groups_overlap = False
        self._candidate_cache: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray | None]] = {}
        self._group_cache: dict[tuple[int, int], _Group] = {}
        self._unit_groups: list[list[_Group]] = [[] for _ in self.units]
        if self._push:
            for group in self._machine_groups:
                for unit in group.units:
                    self._unit_groups[unit.index].append(group)
        self._freed: list[_Unit] = []
        self._running_rate = [m.cost.running for m in scenario.machines]
        self._setup_rate = [m.cost.setup for m in scenario.machines]

    def _build_lanes(self) -> None:
        layout = self.layout
        network = self.network
        self.lanes: list[LaneOperator] = []
        first_vehicle = layout.n_machine_units
        for lane in self.scenario.lanes:
            self.lanes.append(
                LaneOperator(
                    self.env,
                    lane,
                    network.node_index[lane.origin],
                    network.node_index[lane.destination],
                    first_vehicle,
                    int(layout.resource_owner[first_vehicle]),
                    self._rng("lane", lane.id),
                    self._record,
                    self._wake_lane,
                )
            )
            first_vehicle += lane.vehicles

    def _wake_lane(self, lane: LaneOperator) -> None:
        self._lanes_due[id(lane)] = lane
        self._epoch_wanted = True

    def _build_demand(self) -> None:
        demand = self.scenario.demand
        self._order_counter = itertools.count()
        if demand.orders:
            book = sorted(enumerate(demand.orders), key=lambda item: (item[1].release, item[0]))
            self._sources_open += 1
            self.env.process(self._order_book(book))
        for stream_id, stream_spec in zip(demand_stream_ids(demand.streams), demand.streams, strict=True):
            self._sources_open += 1
            self.env.process(self._arrivals(stream_id, stream_spec))

    # -----------------------------------------------------------------------------------------
    # Driving the run
    # -----------------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return float(self.env.now)

    def start(self) -> None:
        """Tell observers the run begins (done automatically by the first advance/step/run)."""
        if self._started:
            return
        self._started = True
        self.status = "running"
        info = RunInfo(
            self.run_id,
            self.scenario.name,
            self.seed,
            self.replication,
            float(self.horizon) if self.horizon is not None else float("nan"),
            self.scenario.run.warmup,
        )
        for observer in self.observers:
            observer.on_start(info)

    def run(self) -> RunEnd:
        """Simulate to the horizon (or until every order is delivered) and end the run."""
        self.start()
        self._advance_to(float(self.horizon) if self.horizon is not None else float("inf"))
        return self.finish("stopped" if self._stop_requested and not self._complete() else "completed")

    def advance(self, until: float) -> None:
        """Simulate up to time ``until`` (or the end), then flush one batch to observers."""
        self.start()
        end = float(self.horizon) if self.horizon is not None else float("inf")
        self._advance_to(min(until, end))
        self._flush()

    def step(self) -> None:
        """Process the next single event (and the dispatch it leads to), then flush."""
        self.start()
        if not self._complete() and self.env.peek() < float("inf"):
            self.env.step()
            if self._epoch_wanted and self.env.peek() > self.env.now:
                self._epoch()
        self._flush()

    def request_stop(self) -> None:
        """Ask a running :meth:`run`/:meth:`advance` to return soon (safe from another thread)."""
        self._stop_requested = True

    def _complete(self) -> bool:
        if self.horizon is not None:
            return self.env.now >= self.horizon
        return self._sources_open == 0 and self._orders_open == 0

    @property
    def done(self) -> bool:
        """True when the run reached its horizon, or delivered every order with no more to come."""
        return self._complete()

    def _advance_to(self, until: float) -> None:
        env = self.env
        if until < float("inf") and env.now < until:
            env.timeout(until - env.now)  # a marker, so the clock reads `until` afterwards
        step = env.step
        peek = env.peek
        log = self._log
        limit = self.batch_events
        no_horizon = self.horizon is None
        while not self._stop_requested:
            if self._epoch_wanted and peek() > env.now:
                self._epoch()  # every event at this time is done: now decide (non-delay)
                continue
            if peek() > until:
                break
            try:
                step()
            except simpy.core.EmptySchedule:
                break
            if len(log) >= limit:
                self._flush()
            if no_horizon and self._orders_open == 0 and self._sources_open == 0:
                break

    def finish(self, status: str = "stopped", message: str = "") -> RunEnd:
        """End the run: close the intervals still open, flush, and tell observers."""
        if self.finished:
            return RunEnd(self.now, self.status, message)
        self._close_open_intervals()
        self._flush()
        self.finished = True
        self.status = status
        end = RunEnd(self.now, status, message)
        for observer in self.observers:
            observer.on_end(end)
        return end

    def _flush(self) -> None:
        if not self._log and not self._order_log:
            return
        events = np.array(self._log, dtype=EVENT_DTYPE) if self._log else np.empty(0, EVENT_DTYPE)
        orders = np.array(self._order_log, dtype=ORDER_DTYPE) if self._order_log else np.empty(0, ORDER_DTYPE)
        self._log.clear()
        self._order_log.clear()
        self._events_emitted += len(events)
        batch = EventBatch(self.now, events, orders)
        for observer in self.observers:
            observer.on_batch(batch)

    def _record(self, record: tuple) -> None:
        self._log.append(record)

    def _close_open_intervals(self) -> None:
        now = self.now
        for lane in self.lanes:
            lane.close(now)
        for unit in self.units:
            op = unit.op
            if op is not None and unit.running and now > unit.phase_start:
                self._log_phase(unit, now)
            if unit.down and now > unit.down_since:
                self._log.append((unit.down_since, now, EventKind.DOWN, unit.index, unit.owner, -1, -1, -1, 0.0, 0.0))
            if unit.blocked and now > unit.blocked_since:
                self._log.append((unit.blocked_since, now, _BLOCKED, unit.index, unit.owner, -1, -1, -1, 0.0, 0.0))
            if unit.off and now > unit.off_since:
                self._log.append(
                    (unit.off_since, now, EventKind.OFF_SHIFT, unit.index, unit.owner, -1, -1, -1, 0.0, 0.0)
                )
        for group in [*self._machine_groups, *self._pull_groups.values()]:
            waiting = [entry[-1] for entry in group.heap] + group.dynamic
            resource = group.units[0].index
            for op in waiting:
                if now > op.ready:
                    job = op.job
                    self._log.append(
                        (
                            op.ready,
                            now,
                            _WAIT,
                            resource,
                            group.units[0].owner,
                            job.order.index,
                            job.index,
                            op.step,
                            job.quantity,
                            0.0,
                        )
                    )

    # -----------------------------------------------------------------------------------------
    # Demand
    # -----------------------------------------------------------------------------------------

    def _order_book(self, book: list) -> Generator[Event, object, None]:
        compiled = self.compiled
        for _position, spec in book:
            if spec.release > self.env.now:
                yield self.env.timeout(spec.release - self.env.now)
            product = compiled.products[compiled.product_index[spec.product]]
            due = spec.due if spec.due is not None else self.env.now + 3.0 * product.total_work(spec.quantity)
            self._release(compiled.customer_index[spec.customer], product, float(spec.quantity), due, spec.price)
        self._sources_open -= 1

    def _arrivals(self, name: str, spec: DemandStream) -> Generator[Event, object, None]:
        """Release the orders of the stream with id ``name`` (which keys its random numbers)."""
        compiled = self.compiled
        rng = self._rng("arrivals", name)
        gap = sampler(spec.interarrival, rng)
        quantity = sampler(spec.quantity, self._rng("quantity", name))
        mix_rng = self._rng("mix", name)
        products = [compiled.products[compiled.product_index[p]] for p in spec.mix]
        weights = np.array(list(spec.mix.values()), dtype=float)
        cumulative = np.cumsum(weights / weights.sum()).tolist()
        last = len(products) - 1
        lead = sampler(spec.due.lead, self._rng("due", name)) if spec.due.lead is not None else None
        customer = compiled.customer_index[spec.customer]
        released = 0
        if spec.start > 0:
            yield self.env.timeout(spec.start)
        while spec.max_orders is None or released < spec.max_orders:
            yield self.env.timeout(gap())
            if spec.stop is not None and self.env.now >= spec.stop:
                break
            # first product whose cumulative share exceeds the draw (the last one if rounding
            # left the total a hair under 1)
            product = products[min(bisect.bisect_right(cumulative, mix_rng.random()), last)]
            amount = float(max(1, round(quantity())))
            if spec.due.rule == "lead_time" and lead is not None:
                due = self.env.now + lead()
            else:
                due = self.env.now + spec.due.factor * product.total_work(amount)
            self._release(customer, product, amount, due, spec.price_per_unit * amount)
            released += 1
        self._sources_open -= 1

    def _release(self, customer: int, product: CompiledProduct, quantity: float, due: float, price: float) -> None:
        order = _Order(next(self._order_counter), customer, product.index, quantity, self.env.now, due, price)
        self._orders_open += 1
        self._order_log.append(order.record(float("nan")))
        self._create_job(order, product, quantity, None)

    def _create_job(self, order: _Order, product: CompiledProduct, quantity: float, parent: _Job | None) -> _Job:
        job = _Job(next(self._job_counter), order, product, quantity, parent)
        if product.components:
            job.consolidation = self._consolidation_node(job)
        for component, per_unit in product.components:
            self._create_job(order, self.compiled.products[component], quantity * per_unit, job)
        self._walk(job)
        return job

    # -----------------------------------------------------------------------------------------
    # Jobs through their routings
    # -----------------------------------------------------------------------------------------

    def _walk(self, job: _Job) -> None:
        """Move ``job`` to its next operation (skipping steps it does not need), or finish it."""
        product = job.product
        steps = product.steps
        while True:
            if job.step >= len(steps):
                self._job_finished(job)
                return
            if job.step == product.assembly_step and job.missing > 0:
                job.waiting_assembly = True
                return
            probability = steps[job.step].probability
            if probability < 1.0 and self._routing_rng("skip", product.index, job.step).random() >= probability:
                job.step += 1
                continue
            break
        self._ready.append(_Operation(job, self.env.now))
        self._request_epoch()

    def _routing_rng(self, purpose: str, product: int, step: int) -> np.random.Generator:
        """The stream deciding whether step ``step`` of a product is done (``"skip"``) or sends
        the job back (``"rework"``): one per product step and purpose, so changing one step's
        probability leaves every other step's draws alone."""
        key = (purpose, product, step)
        rng = self._routing_rngs.get(key)
        if rng is None:
            rng = self._routing_rngs[key] = self._rng(purpose, self.scenario.products[product].id, str(step))
        return rng

    def _consolidation_node(self, job: _Job) -> int:
        """Where a kit's components gather: the site of the assembly machine the platform
        would pick now by its assignment rule, counting the way on to the kit's own
        destination (its customer), so each component travels there as soon as it is made
        instead of waiting for the rest."""
        op = _Operation(job, self.env.now)
        op.step = job.product.assembly_step
        machines = job.product.steps[op.step].machine_array
        if len(machines) == 1:
            return self._machine_node[int(machines[0])]
        ready = self._ready_times(machines)
        onward = None
        destination = self._destination(job)
        if destination >= 0:
            onward = self.network.transit[self.compiled.machine_node[machines], destination]
            reachable = np.isfinite(onward)
            if not reachable.any():
                onward = None
            elif not reachable.all():
                machines, ready, onward = machines[reachable], ready[reachable], onward[reachable]
        chosen = self._choose(op, machines, np.zeros(len(machines)), ready, self._tail_family[machines], onward)
        return self._machine_node[int(machines[chosen])]

    def _job_finished(self, job: _Job) -> None:
        parent = job.parent
        if parent is not None:
            target = parent.consolidation
            if 0 <= job.node != target >= 0 and np.isfinite(self.network.transit[job.node, target]):
                self._move(job, job.node, target, lambda: self._component_ready(parent, job))
            else:
                self._component_ready(parent, job)
            return
        order = job.order
        customer_node = len(self.scenario.sites) + order.customer
        if job.node >= 0 and np.isfinite(self.network.transit[job.node, customer_node]):
            self._move(job, job.node, customer_node, lambda: self._deliver(order))
        else:
            self._deliver(order)

    def _component_ready(self, parent: _Job, component: _Job) -> None:
        parent.missing -= 1
        parent.components.append(component)
        if parent.waiting_assembly and parent.missing == 0:
            parent.waiting_assembly = False
            self._walk(parent)

    def _deliver(self, order: _Order) -> None:
        self._orders_open -= 1
        self._order_log.append(order.record(self.env.now))

    def _move(self, job: _Job, origin: int, destination: int, arrived: Callable[[], None]) -> None:
        """Carry ``job``'s part from node ``origin`` to ``destination`` hop by hop along lanes."""
        if origin < 0 or origin == destination:
            job.node = destination
            arrived()
            return
        lane = int(self.network.next_lane[origin, destination])
        hop = int(self.network.next_node[origin, destination])
        if lane < 0:
            raise SimulationError(
                f"no lane route from {self.network.node_ids[origin]} to {self.network.node_ids[destination]}"
            )

        def at_hop() -> None:
            job.node = hop
            self._move(job, hop, destination, arrived)

        self.lanes[lane].ship(Parcel(job.quantity, job.order.index, job.index, self.env.now, at_hop), origin)

    def _parts(self, job: _Job) -> list[_Job]:
        """The parts an operation needs at the machine: the job, plus components at assembly."""
        if job.components and job.step == job.product.assembly_step:
            return [job, *job.components]
        return [job]

    # -----------------------------------------------------------------------------------------
    # Dispatch epochs
    # -----------------------------------------------------------------------------------------

    def _request_epoch(self) -> None:
        self._epoch_wanted = True

    def _epoch(self) -> None:
        self._epoch_wanted = False
        if self._blocked_ops:
            self._retry_blocked()
        ready = self._ready
        if ready:
            self._ready = []
            if self._push:
                for op in ready:
                    if not self._assign(op):
                        self._blocked_ops.append(op)
            else:
                for op in ready:
                    self._pool(op)
        self._match()
        if self._lanes_due:
            lanes = self._lanes_due
            self._lanes_due = {}
            for lane in lanes.values():
                lane.decide()

    def _candidate_machines(self, op: _Operation) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Capable machines the parts can reach (array of machine indices, scenario order),
        the transit time to each (of the part that has furthest to go), and, for a job not yet
        anywhere (raw material can be sourced at any site), the transit from each machine on
        to where the job must go next: the first step is placed by where the part is needed."""
        job = op.job
        step = job.product.steps[op.step]
        single = not job.components or op.step != job.product.assembly_step
        key = self._place_key(job, step)
        if single:  # one part: the answer depends only on the step and where the part is (going)
            cached = self._candidate_cache.get(key)
            if cached is not None:
                return cached
        machines = step.machine_array
        nodes = [part.node for part in self._parts(job) if part.node >= 0]
        result: tuple[np.ndarray, np.ndarray, np.ndarray | None]
        if not nodes:
            destination = self._destination(job)
            onward = None
            if destination >= 0:
                onward = self.network.transit[self.compiled.machine_node[machines], destination]
                if not np.isfinite(onward).any():
                    onward = None
            if onward is None:
                result = (machines, np.zeros(len(machines)), None)
            else:
                reachable = np.isfinite(onward)
                result = (machines[reachable], np.zeros(int(reachable.sum())), onward[reachable])
        else:
            targets = self.compiled.machine_node[machines]
            transit = self.network.transit[np.array(nodes)][:, targets].max(axis=0)
            reachable = np.isfinite(transit)
            if not reachable.any():
                raise SimulationError(
                    f"no machine for step {op.step} of {self.scenario.products[job.product.index].id} "
                    "can be reached from where its parts are"
                )
            result = (machines[reachable], transit[reachable], None)
        if single:
            self._candidate_cache[key] = result
        return result

    def _place_key(self, job: _Job, step: CompiledStep) -> tuple[int, int]:
        """Cache key of a one-part operation's candidate machines: the step and where the part
        is, or, for a part not yet anywhere, where it must go next (that decides which machines
        qualify, see :meth:`_candidate_machines`)."""
        return (id(step), job.node if job.node >= 0 else -2 - self._destination(job))

    def _destination(self, job: _Job) -> int:
        """Where the job's part goes when it is finished: its kit's consolidation site, or the
        customer (-1 when there is no route there, e.g. no lanes to customers)."""
        if job.parent is not None:
            return job.parent.consolidation
        node = len(self.scenario.sites) + job.order.customer
        return node if self.network.next_lane[:, node].max() >= 0 else -1

    def _ready_times(self, machines: np.ndarray) -> np.ndarray:
        """When each of ``machines`` is expected to be free for new work (push estimates): back
        from off-shift or repair, then through its running and queued work over its units."""
        now = self.env.now
        start = np.maximum(np.maximum(self._off_until[machines], self._down_until[machines]), now)
        running = np.maximum(self._committed_end[machines] - self._busy_units[machines] * now, 0.0)
        return start + (running + self._queued_work[machines]) / self._capacity_array[machines]

    def _expected_work(self, machine: int, op: _Operation, family_from: int) -> float:
        job = op.job
        option = job.product.steps[op.step].by_machine[machine]
        base = option.mean * (job.quantity if option.per_unit else 1.0) / self._speed[machine]
        if family_from >= 0:
            base += self.compiled.setup_mean[machine, family_from, job.product.family]
        return float(base)

    def _assign(self, op: _Operation) -> bool:
        """Push mode: pick the machine for a ready operation and send its parts there.

        False when every capable machine's buffer is full: the operation is kept for a retry
        and the unit holding its part is blocked."""
        machines, transit, onward = self._candidate_machines(op)
        if self._has_buffers:
            waiting, buffer = self._waiting_count, self._buffer
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
        if len(machines) == 1:
            machine = int(machines[0])
        else:
            ready = self._ready_times(machines)
            families = self._tail_family[machines]
            machine = int(machines[self._choose(op, machines, transit, ready, families, onward)])
        op.estimate = self._expected_work(machine, op, int(self._tail_family[machine]))
        self._queued_work[machine] += op.estimate
        self._tail_family[machine] = op.job.product.family
        op.machine = machine
        op.group = self._machine_groups[machine]
        self._waiting_count[machine] += 1
        self._send_parts(op, self._machine_node[machine], lambda: self._arrived_at_queue(op))
        return True

    def _retry_blocked(self) -> None:
        """Assign the operations that found every buffer full, oldest first; unblock the
        units that held their parts."""
        waiting, self._blocked_ops = self._blocked_ops, []
        for op in waiting:
            if self._assign(op):
                holder = op.holder
                if holder is not None and holder.blocked:
                    now = self.env.now
                    if now > holder.blocked_since:
                        self._log.append(
                            (holder.blocked_since, now, _BLOCKED, holder.index, holder.owner, -1, -1, -1, 0.0, 0.0)
                        )
                    holder.blocked = False
                    self._freed.append(holder)
            else:
                self._blocked_ops.append(op)

    def _choose(
        self,
        op: _Operation,
        machines: np.ndarray,
        transit: np.ndarray,
        ready: np.ndarray,
        families: np.ndarray,
        onward: np.ndarray | None = None,
    ) -> int:
        """Index into ``machines`` of the one the assignment rule picks (vectorised scores).

        ``onward``: transit from each machine to where the part goes next, counted in the
        completion time (earliest completion, weighted) when the part has no location yet."""
        now = self.env.now
        job = op.job
        step = job.product.steps[op.step]
        compiled = self.compiled
        if len(machines) == len(step.machine_array) and (machines is step.machine_array):
            fixed, unit = step.fixed_array, step.unit_array
        else:
            position = np.searchsorted(step.machine_array, machines)
            fixed, unit = step.fixed_array[position], step.unit_array[position]
        work = fixed + unit * job.quantity
        changeover = families >= 0
        if changeover.any():
            work = work + np.where(
                changeover, compiled.setup_mean[machines, np.maximum(families, 0), job.product.family], 0.0
            )
        cost = compiled.machine_running_rate[machines] * work
        nodes = [part.node for part in self._parts(job) if part.node >= 0]
        if nodes:
            targets = compiled.machine_node[machines]
            cost = cost + self.network.cost_per_unit[np.array(nodes)][:, targets].max(axis=0) * job.quantity
        if onward is not None:
            if self._assignment in ("earliest_completion", "weighted"):
                work = work + onward
            destination = self._destination(job)
            cost = cost + self.network.cost_per_unit[compiled.machine_node[machines], destination] * job.quantity
        candidates = assignment.Candidates(
            ready=ready,
            arrival=now + transit,
            work=work,
            cost=cost,
            unreliability=compiled.machine_unreliability[machines],
        )
        return assignment.choose(self._assignment, now, candidates, self._weights, self._dispatch_rng)

    def _send_parts(self, op: _Operation, node: int, all_arrived: Callable[[], None]) -> None:
        parts = self._parts(op.job)
        op.parts_pending = len(parts)

        def one_arrived() -> None:
            op.parts_pending -= 1
            if op.parts_pending == 0:
                all_arrived()

        for part in parts:
            self._move(part, part.node, node, one_arrived)

    def _arrived_at_queue(self, op: _Operation) -> None:
        op.ready = self.env.now
        self._enqueue(op, op.group)  # type: ignore[arg-type]
        self._request_epoch()

    def _pool(self, op: _Operation) -> None:
        """Pull mode: put a ready operation in the pooled queue of the units that can do it."""
        job = op.job
        single = not job.components or op.step != job.product.assembly_step
        cache_key = self._place_key(job, job.product.steps[op.step])
        if single:  # one part: the queue depends only on the step and where the part is (going)
            group = self._group_cache.get(cache_key)
            if group is not None:
                op.group = group
                self._enqueue(op, group)
                return
        machines, _transit, _onward = self._candidate_machines(op)
        key = tuple(machines.tolist())
        group = self._pull_groups.get(key)
        if single and group is not None:
            self._group_cache[cache_key] = group
        if group is None:
            units = tuple(unit for m in key for unit in self.machine_units[m])
            group = self._pull_groups[key] = _Group(units)
            for unit in units:
                if self._unit_groups[unit.index]:
                    self._groups_overlap = True  # a unit now serves two queues: rank across them
                self._unit_groups[unit.index].append(group)
        op.group = group
        self._enqueue(op, group)

    def _enqueue(self, op: _Operation, group: _Group) -> None:
        self._dirty_groups[id(group)] = group
        if self._dynamic:
            group.dynamic.append(op)
            return
        job = op.job
        rule = self._sequencing
        if rule == "fifo":  # the common case, and the cheapest key
            key = op.ready
        else:
            product = job.product
            if rule in ("spt", "fdd_mwkr"):
                if op.machine >= 0:
                    processing = self._expected_work(op.machine, op, -1)
                else:
                    processing = min(self._expected_work(m, op, -1) for m in {u.machine for u in group.units})
            else:
                processing = 0.0
            remaining = product.remaining_work(op.step, job.quantity)
            key = sequencing.static_key(
                rule,
                op.ready,
                processing,
                job.order.due,
                remaining,
                len(product.steps) - op.step,
                product.total_work(job.quantity) - remaining,
            )
        heapq.heappush(group.heap, (key, job.index, next(self._op_counter), op))

    def _match(self) -> None:
        """Start waiting operations on free units until no queue has both (non-delay)."""
        candidates = self._dirty_groups
        for unit in self._freed:
            if unit.arrived and unit.op is None and not unit.down and not unit.off:
                self._start(unit.arrived.popleft(), unit)  # pulled work that has arrived goes first
            for group in self._unit_groups[unit.index]:
                candidates[id(group)] = group
        self._freed.clear()
        if not candidates:
            return
        self._dirty_groups = {}
        if self._push or not self._groups_overlap:
            # Every unit serves one queue: queues do not compete, serve each on its own.
            for group in candidates.values():
                units = group.units
                if len(units) == 1:
                    unit = units[0]
                    if (
                        unit.op is None
                        and not (unit.down or unit.off or unit.blocked)
                        and (group.heap or group.dynamic)
                    ):
                        if unit.inbound and not self._may_pull(unit, self._peek(group)):
                            continue
                        self._start(self._take_for(group, unit), unit)
                    continue
                while group.heap or group.dynamic:
                    free = self._eligible_units(group)
                    if not free:
                        break
                    if self._batch_families:
                        unit = free[0]
                        self._start(self._take_for(group, unit), unit)
                        continue
                    op = self._take(group)
                    self._start(op, free[0] if len(free) == 1 else self._pick_unit(op, free))
            return
        groups = [g for g in candidates.values() if g.has_work()]
        while True:
            best_group = None
            best_key: tuple | None = None
            best_free: list[_Unit] = []
            for group in groups:
                if not group.has_work():
                    continue
                free = self._eligible_units(group)
                if not free:
                    continue
                key = self._head_key(group)
                if best_key is None or key < best_key:
                    best_group, best_key, best_free = group, key, free
            if best_group is None:
                return
            op = self._take(best_group)
            self._start(op, best_free[0] if len(best_free) == 1 else self._pick_unit(op, best_free))

    def _is_remote(self, op: _Operation, unit: _Unit) -> bool:
        job = op.job
        return bool(job.components or 0 <= job.node != unit.node) and self._parts_elsewhere(op, unit.node)

    def _may_pull(self, unit: _Unit, op: _Operation) -> bool:
        """Pull mode: a unit pulls work from another site only while the work it already has
        on the way is shorter than this part's transit time: enough in the pipeline to cover
        the transport, no hoarding (a kanban loop sized by Little's law)."""
        if not unit.inbound or not self._is_remote(op, unit):
            return True
        nodes = [part.node for part in self._parts(op.job) if part.node >= 0]
        transit = max(float(self.network.transit[node, unit.node]) for node in nodes)
        return unit.inbound < transit

    def _eligible_units(self, group: _Group) -> list[_Unit]:
        """Free units of the group that may take its next operation (see :meth:`_may_pull`)."""
        free = group.free_units()
        if self._push or not any(unit.inbound for unit in free):
            return free
        head = self._peek(group)
        return [unit for unit in free if self._may_pull(unit, head)]

    def _peek(self, group: _Group) -> _Operation:
        """The operation :meth:`_take` would take next, left in the queue."""
        if self._pair_spt(group):
            return self._pair_spt_entry(group)[-1][-1]
        if self._dynamic:
            return group.dynamic[self._pick_dynamic(group)]
        return group.heap[0][-1]

    def _head_key(self, group: _Group) -> tuple:
        if self._pair_spt(group):
            return self._pair_spt_entry(group)[:3]
        if not self._dynamic:
            return group.heap[0][:3]
        ops = group.dynamic
        op = ops[self._pick_dynamic(group)]
        job = op.job
        mean_processing = sum(o.job.product.steps[o.step].expected(o.job.quantity) for o in ops) / len(ops)
        score = sequencing.dynamic_score(
            self._sequencing,
            self.env.now,
            job.product.steps[op.step].expected(job.quantity),
            job.order.due,
            job.product.remaining_work(op.step, job.quantity),
            mean_processing,
            self.scenario.platform.atc_k,
        )
        return (score, job.index, 0)

    def _pick_dynamic(self, group: _Group) -> int:
        ops = group.dynamic
        if len(ops) == 1:
            return 0
        now = self.env.now
        processing = np.array([op.job.product.steps[op.step].expected(op.job.quantity) for op in ops])
        due = np.array([op.job.order.due for op in ops])
        remaining = np.array([op.job.product.remaining_work(op.step, op.job.quantity) for op in ops])
        jobs = np.array([op.job.index for op in ops])
        return sequencing.pick_dynamic(
            self._sequencing, now, processing, due, remaining, jobs, self.scenario.platform.atc_k
        )

    def _pair_spt(self, group: _Group) -> bool:
        """Pull-mode SPT over a pool of several machines ranks (operation, free machine) pairs:
        an operation's key is its time on the fastest machine free *now*, not on any machine."""
        return not self._push and self._sequencing == "spt" and len(group.units) > 1

    def _pair_spt_entry(self, group: _Group) -> tuple:
        machines = {unit.machine for unit in group.free_units()}
        best: tuple | None = None
        for entry in group.heap:
            op = entry[-1]
            key = (min(self._expected_work(m, op, -1) for m in machines), entry[1], entry[2], entry)
            if best is None or key[:3] < best[:3]:
                best = key
        return best  # type: ignore[return-value]

    def _take_for(self, group: _Group, unit: _Unit) -> _Operation:
        """The operation ``unit`` takes next: with family batching, the best one of the family
        it is set up for (no changeover) if any waits, else the best by the rule."""
        family = unit.family
        if not self._batch_families or family < 0 or self._pair_spt(group):
            return self._take(group)
        if self._dynamic:
            same = [i for i, op in enumerate(group.dynamic) if op.job.product.family == family]
            if not same:
                return self._take(group)
            ops = group.dynamic
            subset = _Group(group.units)
            subset.dynamic = [ops[i] for i in same]
            return ops.pop(same[self._pick_dynamic(subset)])
        same_family = [entry for entry in group.heap if entry[-1].job.product.family == family]
        if not same_family:
            return self._take(group)
        entry = min(same_family, key=lambda e: e[:3])
        group.heap.remove(entry)
        heapq.heapify(group.heap)
        return entry[-1]

    def _take(self, group: _Group) -> _Operation:
        if self._pair_spt(group):
            entry = self._pair_spt_entry(group)[-1]
            group.heap.remove(entry)
            heapq.heapify(group.heap)
            return entry[-1]
        if self._dynamic:
            return group.dynamic.pop(self._pick_dynamic(group))
        return heapq.heappop(group.heap)[-1]

    def _pick_unit(self, op: _Operation, free: list[_Unit]) -> _Unit:
        if self._push:
            same_family = [u for u in free if u.family == op.job.product.family]
            return same_family[0] if same_family else free[0]
        machines = np.array([u.machine for u in free], dtype=np.int64)
        nodes = [part.node for part in self._parts(op.job) if part.node >= 0]
        if nodes:
            transit = self.network.transit[np.array(nodes)][:, self.compiled.machine_node[machines]].max(axis=0)
        else:
            transit = np.zeros(len(free))
        families = np.array([u.family for u in free], dtype=np.int64)
        chosen = self._choose(op, machines, transit, np.full(len(free), self.env.now), families)
        return free[chosen]

    # -----------------------------------------------------------------------------------------
    # Machine units at work
    # -----------------------------------------------------------------------------------------

    def _start(self, op: _Operation, unit: _Unit) -> None:
        """``unit`` takes ``op``: log its wait, fetch parts if needed, then set up and process."""
        now = self.env.now
        job = op.job
        if not self._push and self._is_remote(op, unit):
            # Pulled from another site: the unit stays free for local work while parts travel.
            op.estimate = self._expected_work(unit.machine, op, -1)
            unit.inbound += op.estimate
            op.machine = unit.machine
            self._send_parts(op, unit.node, lambda: self._inbound_arrived(op, unit))
            return
        unit.op = op
        if now >= op.ready:  # zero-length too: one WAIT record per visit, so visits can be counted
            self._log.append(
                (op.ready, now, _WAIT, unit.index, unit.owner, job.order.index, job.index, op.step, job.quantity, 0.0)
            )
        machine = unit.machine
        family = job.product.family
        unit.setup_left = 0.0
        if unit.family != family and unit.family >= 0:
            setup = self.compiled.setup_time(machine, unit.family, family)
            if setup is not None:
                unit.setup_left = self._setup_sampler(machine, unit.family, family, setup)()
        option = job.product.steps[op.step].by_machine[machine]
        draw = self._process_samplers[machine][option.capability]()
        speed = self._speed[machine]
        if option.per_unit:
            draw *= job.quantity
            unit.busy_until = now + option.mean * job.quantity / speed
        else:
            unit.busy_until = now + option.mean / speed
        unit.process_left = draw / speed
        unit.phase = _SETUP if unit.setup_left > 0 else _PROCESS
        unit.family = family
        if self._push:
            self._queued_work[machine] = max(float(self._queued_work[machine]) - op.estimate, 0.0)
            self._waiting_count[machine] -= 1
            if self._blocked_ops:
                self._epoch_wanted = True  # room in a buffer: a blocked part may move on
        self._committed_end[machine] += unit.busy_until
        self._busy_units[machine] += 1
        op.machine = machine
        if self._is_remote(op, unit):
            unit.waiting_parts = True
            self._send_parts(op, unit.node, lambda: self._parts_arrived(unit))
            return
        self._resume(unit)

    def _inbound_arrived(self, op: _Operation, unit: _Unit) -> None:
        # op.ready stays: its WAIT record runs from ready to the start, transit included.
        unit.inbound = max(unit.inbound - op.estimate, 0.0)
        unit.arrived.append(op)
        self._freed.append(unit)
        self._request_epoch()

    def _parts_elsewhere(self, op: _Operation, node: int) -> bool:
        job = op.job
        if not job.components:
            return job.node >= 0 and job.node != node
        return any(part.node >= 0 and part.node != node for part in self._parts(op.job))

    def _parts_arrived(self, unit: _Unit) -> None:
        unit.waiting_parts = False
        self._resume(unit)

    def _setup_sampler(self, machine: int, source: int, target: int, time: Distribution) -> Callable[[], float]:
        key = (machine, source, target)
        draw = self._setup_samplers.get(key)
        if draw is None:
            families = self.layout.families
            rng = self._rng("setup", self.scenario.machines[machine].id, families[source], families[target])
            draw = self._setup_samplers[key] = sampler(time, rng)
        return draw

    def _resume(self, unit: _Unit) -> None:
        """Start (or continue) the current phase of the unit's operation if it may work now."""
        if unit.op is None or unit.running or unit.waiting_parts or unit.down or unit.off:
            return
        unit.running = True
        unit.phase_start = self.env.now
        unit.token += 1
        left = unit.setup_left if unit.phase == _SETUP else unit.process_left
        timer = self.env.timeout(left)
        timer.callbacks.append(partial(self._phase_done, unit, unit.token))

    def _pause(self, unit: _Unit) -> None:
        if not unit.running:
            return
        now = self.env.now
        left = unit.setup_left if unit.phase == _SETUP else unit.process_left
        if now - unit.phase_start >= left:
            return  # the phase ends at this very instant: its completion (same time) finishes it
        self._log_phase(unit, now)
        spent = now - unit.phase_start
        if unit.phase == _SETUP:
            unit.setup_left = max(unit.setup_left - spent, 0.0)
        else:
            unit.process_left = max(unit.process_left - spent, 0.0)
        unit.running = False
        unit.token += 1

    def _log_phase(self, unit: _Unit, end: float) -> None:
        op = unit.op
        assert op is not None, "only a unit at work has a phase to log"
        job = op.job
        duration = end - unit.phase_start
        rate = self._setup_rate[unit.machine] if unit.phase == _SETUP else self._running_rate[unit.machine]
        self._log.append(
            (
                unit.phase_start,
                end,
                unit.phase,
                unit.index,
                unit.owner,
                job.order.index,
                job.index,
                op.step,
                job.quantity,
                rate * duration,
            )
        )

    def _phase_done(self, unit: _Unit, token: int, _event: Event) -> None:
        if token != unit.token:
            return  # paused since: this completion is stale
        now = self.env.now
        self._log_phase(unit, now)
        unit.running = False
        if unit.phase == _SETUP:
            unit.setup_left = 0.0
            unit.phase = _PROCESS
            self._resume(unit)
            return
        op = unit.op
        assert op is not None, "a phase ends only on a unit at work"
        unit.op = None
        machine = unit.machine
        self._committed_end[machine] -= unit.busy_until
        self._busy_units[machine] -= 1
        if self._busy_units[machine] == 0:
            self._committed_end[machine] = 0.0
        unit.busy_until = now
        job = op.job
        job.node = unit.node
        if job.components and job.step == job.product.assembly_step:
            job.components = []  # consumed by the assembly
        step = job.product.steps[op.step]
        if (
            step.rework_probability > 0
            and self._routing_rng("rework", job.product.index, op.step).random() < step.rework_probability
        ):
            job.step = step.rework_back_to
        else:
            job.step += 1
        job.holder = unit
        self._walk(job)
        job.holder = None
        self._freed.append(unit)
        self._request_epoch()

    # -----------------------------------------------------------------------------------------
    # Breakdowns and calendars
    # -----------------------------------------------------------------------------------------

    def _failures(
        self,
        unit: _Unit,
        time_to_failure: Callable[[], float],
        time_to_repair: Callable[[], float],
        mean_repair: float,
    ) -> Generator[Event, object, None]:
        while True:
            yield self.env.timeout(time_to_failure())
            unit.down = True
            unit.down_since = self.env.now
            self._pause(unit)
            repair = time_to_repair()
            if len(self.machine_units[unit.machine]) == 1:
                self._down_until[unit.machine] = self.env.now + mean_repair
            yield self.env.timeout(repair)
            self._down_until[unit.machine] = 0.0
            self._log.append(
                (unit.down_since, self.env.now, EventKind.DOWN, unit.index, unit.owner, -1, -1, -1, 0.0, 0.0)
            )
            unit.down = False
            self._back_to_work(unit)

    def _back_to_work(self, unit: _Unit) -> None:
        if unit.down or unit.off:
            return
        if unit.op is not None:
            self._resume(unit)
        else:
            self._freed.append(unit)
            self._request_epoch()

    def _calendar(self, units: tuple[_Unit, ...], shifts: Shifts) -> Generator[Event, object, None]:
        for start, end in off_shift_intervals(shifts):
            if start > self.env.now:
                yield self.env.timeout(start - self.env.now)
            for unit in units:
                unit.off = True
                unit.off_since = self.env.now
                self._pause(unit)
            self._off_until[units[0].machine] = end
            yield self.env.timeout(end - self.env.now)
            for unit in units:
                self._log.append(
                    (unit.off_since, self.env.now, EventKind.OFF_SHIFT, unit.index, unit.owner, -1, -1, -1, 0.0, 0.0)
                )
                unit.off = False
                self._back_to_work(unit)


def off_shift_intervals(shifts: Shifts) -> Iterator[tuple[float, float]]:
    """The calendar's off-shift intervals in absolute time, forever; touching ones merged."""
    gaps: list[tuple[float, float]] = []
    previous = 0.0
    for start, end in shifts.windows:
        if start > previous:
            gaps.append((previous, start))
        previous = end
    if previous < shifts.period:
        gaps.append((previous, shifts.period))
    if not gaps:
        return
    pending: tuple[float, float] | None = None
    cycle = 0
    while True:
        base = cycle * shifts.period
        for start, end in gaps:
            start, end = base + start, base + end
            if pending is not None and abs(pending[1] - start) < 1e-9:
                pending = (pending[0], end)
                continue
            if pending is not None:
                yield pending
            pending = (start, end)
        cycle += 1
