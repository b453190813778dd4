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

The engine keeps the set-up, the walk of jobs through their routings and the phases of machine
units at work; the run loop (run, advance, step, finish) is its mixin
:mod:`~twin_app.sim.run_loop`, and its collaborators take narrow callbacks:

- :mod:`~twin_app.sim.demand` releases orders; :mod:`~twin_app.sim.calendar` sends units down
  and off shift (pause/resume); :mod:`~twin_app.sim.transport` carries parts hop by hop over
  the lanes (:mod:`~twin_app.sim.logistics`) and hubs; :mod:`~twin_app.sim.inspection`
  decides scrap and rework; :mod:`~twin_app.sim.draws` holds the work's random streams;
- :mod:`~twin_app.sim.push` and :mod:`~twin_app.sim.pull` are the two dispatchers (on the
  shared queues of :mod:`~twin_app.sim.queues` and the estimates of
  :mod:`~twin_app.sim.placement`);
- :mod:`~twin_app.sim.event_log` collects the log and hands it to observers in batches.

Machine units are interrupted by breakdowns and calendar off-shift time: work in progress
(setup or processing) pauses and resumes where it stopped. Every interval lands in one flat
event log (twin_app.model.events), flushed in batches to observers; the simulation never
waits for them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from heapq import heappush

import numpy as np
import simpy
from simpy.core import NORMAL

from twin_app.model.distributions import sampler
from twin_app.model.events import RETURN_ORDER, RunObserver
from twin_app.model.scenario import Scenario
from twin_app.sim.calendar import Calendar
from twin_app.sim.circular import Circular
from twin_app.sim.compiled import CompiledProduct, CompiledScenario
from twin_app.sim.demand import DemandSources
from twin_app.sim.draws import Draws
from twin_app.sim.event_log import EventLog
from twin_app.sim.inspection import Inspection
from twin_app.sim.logistics import LaneOperator
from twin_app.sim.placement import Placement
from twin_app.sim.pull import PullDispatcher
from twin_app.sim.push import PushDispatcher
from twin_app.sim.queues import Dispatcher
from twin_app.sim.rng import stream
from twin_app.sim.run_loop import RunLoop
from twin_app.sim.state import (
    BLOCKED,
    DOWN,
    OFF_SHIFT,
    PROCESS,
    SETUP,
    WAIT,
    Job,
    MachineBoard,
    Operation,
    Order,
    PhaseEnd,
    Unit,
)
from twin_app.sim.transport import Transport
from twin_app.sim.watchdog import Budget, Watchdog


class Simulation(RunLoop):
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
        budget: Budget | None = None,
    ) -> None:
        """``budget``: the event, memory and no-progress limits (:mod:`twin_app.sim.watchdog`)."""
        self.scenario = scenario
        self.compiled = CompiledScenario.build(scenario)
        self.layout = self.compiled.layout
        self.network = self.compiled.network
        self.seed = scenario.run.seed if seed is None else seed
        self.replication = replication
        self.observers = list(observers)
        self.run_id = run_id or os.urandom(6).hex()  # (as uuid4().hex[:12], without importing uuid)
        self.horizon = scenario.run.horizon
        self.batch_events = batch_events
        self.env = simpy.Environment()
        self._queue = self.env._queue
        self._eid = self.env._eid
        """SimPy's event queue and event ids, for :meth:`_start`'s inlined ``Environment.schedule``."""
        self.finished = False
        self.status = "ready"
        self._started = False
        self._stop_requested = False
        self.log = EventLog(self.observers, batch_events)
        self._push = scenario.platform.mode == "push"
        self._job_counter = itertools.count()
        self._order_counter = itertools.count()
        self._orders_open = 0
        self._epoch_wanted = False
        self._lanes_due: dict[int, LaneOperator] = {}
        self._record = self.log.records.extend  # a row's tuple: see EventLog.records
        self._n_sites = len(scenario.sites)
        self._phase_callbacks = (self._phase_done,)
        self._estimates = self._push or any(p.components for p in self.compiled.products)
        """Whether dispatch estimates read the machines' committed work (push, or a kit's
        consolidation site); if not, the engine need not keep it up to date."""
        self._build_units()
        self._build_quality()
        # (lanes after the units and before the demand: their processes start in this order)
        self.transport = Transport(
            self.env, scenario, self.network, self.layout, self._rng, self._record, self._wake_lane
        )
        self.lanes, self.hubs = self.transport.lanes, self.transport.hubs
        self._build_dispatcher()
        self.log.add_closer(self.transport.close)
        self.log.add_closer(self._close_units)
        self.log.add_closer(lambda now: self.dispatcher.close(self.log, now))
        self.demand = DemandSources(
            self.env, scenario.demand, self.compiled, self._rng, self._release, scenario.customers
        )
        self.watchdog = Watchdog(self, budget or Budget())

    # -----------------------------------------------------------------------------------------
    # Set-up
    # -----------------------------------------------------------------------------------------

    def _rng(self, *name: str) -> np.random.Generator:
        return stream(self.seed, self.replication, *name)

    def _build_units(self) -> None:
        compiled = self.compiled
        scenario = self.scenario
        layout = self.layout
        n = len(scenario.machines)
        buffers = [m.buffer or 0 for m in scenario.machines]
        self.board = MachineBoard(n, compiled.machine_capacity, buffers, compiled.setup_mean)
        self.calendar = Calendar(self.env, self.board, self.log, self._pause, self._back_to_work)
        self.units: list[Unit] = []
        self.machine_units: list[tuple[Unit, ...]] = []
        self.draws = Draws(scenario, layout, self._rng)
        self._process_samplers = self.draws.process
        for m, machine in enumerate(scenario.machines):
            first = layout.machine_first_unit[m]
            units = tuple(
                Unit(first + u, m, int(layout.resource_owner[first + u]), int(compiled.machine_node[m]))
                for u in range(machine.capacity)
            )
            self.units.extend(units)
            self.machine_units.append(units)
            if machine.failures is not None:
                for unit in units:
                    resource = layout.resources[unit.index].id
                    self.calendar.add_failures(
                        unit,
                        len(units) == 1,
                        sampler(machine.failures.mtbf, self._rng("uptime", resource)),
                        sampler(machine.failures.mttr, self._rng("repair", resource)),
                        machine.failures.mttr.mean,
                    )
            if machine.shifts is not None:
                self.calendar.add_shifts(units, machine.shifts)
        self._speed = compiled.machine_speed.tolist()
        self._running_rate = [m.cost.running for m in scenario.machines]
        self._setup_rate = [m.cost.setup for m in scenario.machines]
        self.placement = Placement(self.env, scenario, compiled, self.board, self._rng("dispatch"))

    def _build_dispatcher(self) -> None:
        """Push or pull dispatch (built after the lanes: it ships parts with them)."""
        work = (self.machine_units, len(self.units), self._start, self.transport.send_parts, self._request_epoch)
        self.dispatcher: Dispatcher
        if self._push:
            self.dispatcher = PushDispatcher(self.env, self.scenario, self.placement, self.board, self.log, *work)
        else:
            self.dispatcher = PullDispatcher(self.env, self.scenario, self.placement, *work)
        self._ready = self.dispatcher.ready
        self._freed = self.dispatcher.freed

    def _build_quality(self) -> None:
        """Inspections (scrap, rework), the trust book when the assignment rule weighs trust,
        and take-back flows."""
        self.inspection = Inspection(self.scenario, self._rng, self._record, self.draws.routing, lambda: self.env.now)
        self._checks = self.inspection.checks
        self._trust = self.placement.trust
        self._circular: Circular | None = None
        if Circular.needed(self.scenario):
            self._circular = Circular(self.env, self.scenario, self.compiled, self._rng, self._record, self._walk)

    def _wake_lane(self, lane: LaneOperator) -> None:
        self._lanes_due[id(lane)] = lane
        self._epoch_wanted = True

    def _close_units(self, now: float) -> None:
        """Log each unit's open phase, breakdown, blocking and off-shift up to ``now``."""
        interval = self.log.interval
        for unit in self.units:
            op = unit.op
            if op is not None and unit.running and now > unit.phase_start:
                self._log_phase(unit, now)
            if unit.down and now > unit.down_since:
                interval(unit.down_since, now, DOWN, unit.index, unit.owner)
            if unit.blocked and now > unit.blocked_since:
                interval(unit.blocked_since, now, BLOCKED, unit.index, unit.owner)
            if unit.off and now > unit.off_since:
                interval(unit.off_since, now, OFF_SHIFT, unit.index, unit.owner)

    # -----------------------------------------------------------------------------------------
    # Orders and jobs through their routings
    # -----------------------------------------------------------------------------------------

    def _release(self, customer: int, product: CompiledProduct, quantity: float, due: float, price: float) -> None:
        order = Order(next(self._order_counter), customer, product.index, quantity, self.env.now, due, price)
        self._orders_open += 1
        self.log.point(order.record(float("nan")))
        self._create_job(order, product, quantity, None)

    def _create_job(self, order: Order, product: CompiledProduct, quantity: float, parent: Job | None) -> Job:
        job = Job(next(self._job_counter), order, product, quantity, parent)
        if parent is not None and self._circular is not None and self._circular.take(job):
            self._walk(job)  # remanufactured units from stock: done, on its way from there
            return job
        if product.components:
            job.consolidation = self.placement.consolidation_node(job)
        for component, per_unit in product.components:
            self._create_job(order, self.compiled.products[component], quantity * per_unit, job)
        self._walk(job)
        return job

    def _walk(self, job: Job) -> None:
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
            if probability < 1.0 and self.draws.routing("skip", product.index, job.step)() >= probability:
                job.step += 1
                continue
            break
        self._ready.append(Operation(job, self.env.now))
        self._epoch_wanted = True

    def _job_finished(self, job: Job) -> None:
        parent = job.parent
        if job.order.index == RETURN_ORDER and self._circular is not None:
            self._circular.processed(job)
            return
        if parent is not None:
            target = parent.consolidation
            if 0 <= job.node != target >= 0 and self.transport.reachable(job.node, target):
                self.transport.move(job, job.node, target, lambda: self._component_ready(parent, job))
            else:
                self._component_ready(parent, job)
            return
        order = job.order
        customer_node = self._n_sites + order.customer
        if job.node >= 0 and self.transport.reachable(job.node, customer_node):
            self.transport.move(job, job.node, customer_node, lambda: self._deliver(order))
        else:
            self._deliver(order)

    def _component_ready(self, parent: Job, component: Job) -> None:
        parent.missing -= 1
        parent.components.append(component)
        if parent.waiting_assembly and parent.missing == 0:
            parent.waiting_assembly = False
            self._walk(parent)

    def _deliver(self, order: Order) -> None:
        self._orders_open -= 1
        self.log.point(order.record(self.env.now))
        if self._trust is not None:
            self._trust.delivered(order.index, not self.env.now > order.due)
            self._epoch_wanted = True  # trust is settled before the next decision
        if self._circular is not None:
            self._circular.delivered(order)

    # -----------------------------------------------------------------------------------------
    # Dispatch epochs
    # -----------------------------------------------------------------------------------------

    def _request_epoch(self) -> None:
        self._epoch_wanted = True

    def _epoch(self) -> None:
        self._epoch_wanted = False
        if self._trust is not None:
            self._trust.settle()
        self.dispatcher.decide()
        if self._lanes_due:
            self._decide_lanes()

    def _decide_lanes(self) -> None:
        """The lanes woken since the last epoch decide what to load (after the machines)."""
        lanes = self._lanes_due
        self._lanes_due = {}
        for lane in lanes.values():
            lane.decide()

    # -----------------------------------------------------------------------------------------
    # Machine units at work
    # -----------------------------------------------------------------------------------------

    def _start(self, op: Operation, unit: Unit) -> None:
        """``unit`` takes ``op`` (the dispatchers start work only once its parts are at the
        unit): log its wait, then set up and process."""
        now = self.env.now
        job = op.job
        unit.op = op
        if now >= op.ready:  # zero-length too: one WAIT record per visit, so visits can be counted
            self._record(
                (op.ready, now, WAIT, unit.index, unit.owner, job.order.index, job.index, op.step, job.quantity, 0.0)
            )
        machine = unit.machine
        product = job.product
        family = product.family
        current = unit.family
        setup_left = 0.0
        if current != family:
            if current >= 0:
                setup = self.compiled.setup_time(machine, current, family)
                if setup is not None:
                    setup_left = self.draws.setup(machine, current, family, setup)()
            unit.family = family
        unit.setup_left = setup_left
        option = product.steps[op.step].by_machine[machine]
        draw = self._process_samplers[machine][option.capability]()
        speed = self._speed[machine]
        if option.per_unit:
            draw *= job.quantity
        unit.process_left = process_left = draw / speed
        op.machine = machine
        if self._estimates:
            mean = option.mean * job.quantity / speed if option.per_unit else option.mean / speed
            unit.busy_until = now + mean
            board = self.board
            board.committed_end[machine] += unit.busy_until
            board.busy_units[machine] += 1
        if setup_left > 0:
            unit.phase = SETUP
            left = setup_left
        else:
            unit.phase = PROCESS
            left = process_left
        if unit.down or unit.off:
            return  # (a free unit is neither; _back_to_work resumes it otherwise)
        # _resume, inlined: this runs for every operation
        unit.running = True
        unit.phase_start = now
        unit.token = token = unit.token + 1
        event = unit.phase_end  # _schedule_phase, inlined
        if event.callbacks is None:
            event.callbacks = self._phase_callbacks
            event.token = token
        else:
            event = unit.phase_end = PhaseEnd(self._phase_callbacks, unit, token)
        heappush(self._queue, (now + left, NORMAL, next(self._eid), event))  # Environment.schedule, inlined

    def _resume(self, unit: Unit) -> None:
        """Start (or continue) the current phase of the unit's operation if it may work now."""
        if unit.op is None or unit.running or unit.down or unit.off:
            return
        unit.running = True
        unit.phase_start = self.env.now
        unit.token += 1
        self._schedule_phase(unit, unit.setup_left if unit.phase == SETUP else unit.process_left)

    def _schedule_phase(self, unit: Unit, left: float) -> None:
        """Schedule the end of the unit's phase in ``left``: its last phase end event once that
        has fired (SimPy set its callbacks to None), else a new one (the old one is stale)."""
        event = unit.phase_end
        if event.callbacks is None:
            event.callbacks = self._phase_callbacks
            event.token = unit.token
        else:
            event = unit.phase_end = PhaseEnd(self._phase_callbacks, unit, unit.token)
        self.env.schedule(event, NORMAL, left)  # type: ignore[arg-type]

    def _pause(self, unit: Unit) -> None:
        if not unit.running:
            return
        now = self.env.now
        left = unit.setup_left if unit.phase == SETUP else unit.process_left
        if now - unit.phase_start >= left:
            return  # the phase ends at this very instant: its completion (same time) finishes it
        self._log_phase(unit, now)
        spent = now - unit.phase_start
        if unit.phase == SETUP:
            unit.setup_left = max(unit.setup_left - spent, 0.0)
        else:
            unit.process_left = max(unit.process_left - spent, 0.0)
        unit.running = False
        unit.token += 1

    def _log_phase(self, unit: Unit, end: float) -> None:
        op = unit.op
        assert op is not None, "only a unit at work has a phase to log"
        job = op.job
        duration = end - unit.phase_start
        rate = self._setup_rate[unit.machine] if unit.phase == SETUP else self._running_rate[unit.machine]
        self._record(
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

    def _phase_done(self, event: PhaseEnd) -> None:
        unit = event.unit
        if event.token != unit.token:
            return  # paused since: this completion is stale
        now = self.env.now
        op = unit.op
        assert op is not None, "a phase ends only on a unit at work"
        job = op.job
        phase = unit.phase
        machine = unit.machine
        start = unit.phase_start
        rate = self._setup_rate[machine] if phase == SETUP else self._running_rate[machine]
        self._record(
            (
                start,
                now,
                phase,
                unit.index,
                unit.owner,
                job.order.index,
                job.index,
                op.step,
                job.quantity,
                rate * (now - start),
            )
        )  # _log_phase, inlined
        unit.running = False
        if phase == SETUP:
            unit.setup_left = 0.0
            unit.phase = PROCESS
            self._resume(unit)
            return
        unit.op = None
        if self._estimates:
            board = self.board
            board.committed_end[machine] -= unit.busy_until
            board.busy_units[machine] -= 1
            if board.busy_units[machine] == 0:
                board.committed_end[machine] = 0.0
            unit.busy_until = now
        job.node = unit.node
        if job.components and job.step == job.product.assembly_step:
            job.components = []  # consumed by the assembly
        check = self._checks[machine]
        outcome = 0 if check is None else self.inspection.inspect(unit, op, check)
        if self._trust is not None:
            self._trust.worked(job.order.index, unit.owner, outcome != 0)
        step = job.product.steps[op.step]
        if outcome or step.rework_probability > 0:
            self.inspection.route(job, op.step, step, outcome)
        else:
            job.step += 1
        job.holder = unit
        product = job.product
        steps = product.steps
        if job.step < len(steps) and job.step != product.assembly_step and steps[job.step].probability >= 1.0:
            self._ready.append(Operation(job, now))  # _walk, inlined for a next step every job needs
        else:
            self._walk(job)
        job.holder = None
        self._freed.append(unit)
        self._epoch_wanted = True

    def _back_to_work(self, unit: Unit) -> None:
        """A unit back from a breakdown or off-shift: continue its work, or offer it new work."""
        if unit.down or unit.off:
            return
        if unit.op is not None:
            self._resume(unit)
        else:
            self.dispatcher.freed.append(unit)
            self._epoch_wanted = True
