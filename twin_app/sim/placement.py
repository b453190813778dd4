"""Where an operation can go, and what each candidate machine would cost: the estimates
both dispatchers score with the assignment rule.

The candidates of an operation are the capable machines its parts can reach; for a part not
yet anywhere (raw material, sourced at any site) they are the capable machines from which
the part can go on to where it is needed next, and that onward transit counts in the score.
The answers for one-part operations depend only on the step and where the part is (going),
so they are cached. When the step names preferred suppliers, the candidates are their
machines whenever one of those can be reached.

The estimates read the machines as the platform sees them (:mod:`.data_sharing`) and, for
rules that weigh it, the platform's trust in each machine's owner (:mod:`.trust`).
"""

from __future__ import annotations

import numpy as np
import simpy

from twin_app.dispatch import assignment
from twin_app.errors import SimulationError
from twin_app.model.scenario import Scenario
from twin_app.sim.compiled import CompiledScenario, CompiledStep
from twin_app.sim.data_sharing import DataView
from twin_app.sim.state import Job, MachineBoard, Operation
from twin_app.sim.trust import TrustBook

Candidates = tuple[np.ndarray, np.ndarray, np.ndarray | None]
"""(machine indices in scenario order, transit of the parts to each, onward transit or None)."""


class Prepared:
    """An operation's candidates with what every estimate reads of them, gathered once.

    ``fixed`` and ``unit`` are the step's expected times on each candidate (the step's arrays
    taken at the candidates' positions); ``at_hand``: every transit is zero (the parts are
    nowhere yet, or already where each candidate is), so each arrival time is just now.
    Cached with the candidates, so a decision does not search and gather them again."""

    __slots__ = (
        "at_hand",
        "by_quantity",
        "fixed",
        "gather",
        "machines",
        "now_row",
        "onward",
        "per_unit",
        "transit",
        "unit",
    )

    QUANTITIES = 16
    """Most quantities whose expected times :meth:`work` keeps (orders come in a few sizes)."""

    def __init__(
        self, step: CompiledStep, machines: np.ndarray, transit: np.ndarray, onward: np.ndarray | None
    ) -> None:
        self.machines = machines
        self.transit = transit
        self.onward = onward
        if machines is step.machine_array:
            self.fixed, self.unit = step.fixed_array, step.unit_array
        else:
            position = np.searchsorted(step.machine_array, machines)
            self.fixed, self.unit = step.fixed_array[position], step.unit_array[position]
        self.at_hand = not transit.any()
        self.per_unit = step.any_per_unit
        self.by_quantity: dict[float, np.ndarray] = {}
        """:meth:`work`'s answers by quantity (read directly on the hot path)."""
        self.gather: dict[int, np.ndarray] = {}
        """By family: the flat positions in :attr:`MachineBoard.ready_setup` of the candidates'
        ready times (row 0) and their changeovers to that family (row 1), for one ``take``."""
        self.now_row: np.ndarray | None = None
        """A view of as many of :class:`Placement`'s row of ``now`` as there are candidates."""

    def work(self, quantity: float) -> np.ndarray:
        """The expected processing time of ``quantity`` units on each candidate (before any
        changeover): ``fixed + unit * quantity``, kept for the first few quantities seen.
        Shared: never to be changed in place."""
        work = self.by_quantity.get(quantity)
        if work is None:
            work = self.fixed + self.unit * quantity if self.per_unit else self.fixed  # (x + 0.0 is x)
            if len(self.by_quantity) < self.QUANTITIES:
                self.by_quantity[quantity] = work
        return work


class Placement:
    """Candidate machines of an operation and the assignment rule's choice among them."""

    def __init__(
        self,
        env: simpy.Environment,
        scenario: Scenario,
        compiled: CompiledScenario,
        board: MachineBoard,
        rng: np.random.Generator,
    ) -> None:
        self.env = env
        self.scenario = scenario
        self.compiled = compiled
        self.network = compiled.network
        self.board = board
        self.rng = rng
        platform = scenario.platform
        self.rule = assignment.RULES[platform.assignment]
        self.weights = assignment.Weights(
            **{k: getattr(platform.weights, k) for k in ("completion", "cost", "load", "reliability", "trust")}
        )
        self._ready_plus_work = self.rule.name == "earliest_completion"
        """Earliest completion scores ``ready + work`` when every part is at hand (see :meth:`choose`)."""
        self.trust: TrustBook | None = None
        if self.rule.uses_trust and (self.rule.name != "weighted" or platform.weights.trust > 0):
            self.trust = TrustBook(scenario)
        layout = compiled.layout
        self.machine_owner = np.array([layout.resource_owner[u] for u in layout.machine_first_unit], dtype=np.int64)
        self.view = DataView(env, scenario, board) if DataView.needed(scenario) else None
        self.speed = compiled.machine_speed.tolist()
        self.machine_node = compiled.machine_node.tolist()
        self._n_sites = len(scenario.sites)
        n = self._n = len(scenario.machines)
        self._floors = np.zeros((2, n))
        """Row 0 ``now``, row 1 zeros: the floors of :meth:`ready_times`'s first two rows and of
        :meth:`round_ready`'s pass, as whole arrays: ``np.maximum`` against a broadcast scalar
        (a stride-0 operand) takes numpy's slow loop, ~5x the time over a thousand machines."""
        self._ready_setup = board.ready_setup
        self._round_ready = board.ready_setup[0]
        """Every machine's ready time at the current push round (see :meth:`round_ready`): the
        first row of the board's ``ready_setup``, so :meth:`pick` gathers it with the
        changeovers in one ``take``."""
        self._round_running = np.empty(n)
        self._round_valid = False
        self._stale: list[int] = []
        """Machines whose queued work changed since the round's pass (see :meth:`queued_changed`)."""
        self._setup_mean = compiled.setup_mean.tolist()
        """``compiled.setup_mean`` as nested lists: :meth:`expected_work` reads one value a call."""
        self._single_units = bool((board.capacity == 1.0).all())
        """Every machine has one unit (see :meth:`round_ready`)."""
        self._cache: dict[tuple[int, int], Prepared] = {}
        self._kits: dict[tuple[int, int], Prepared] = {}
        self._sources: dict[tuple[int, frozenset[int]], Prepared] = {}
        """A kit's candidates when its located parts are elsewhere, by step and the set of
        their sites (the transit is the furthest part's: the same for any order of the parts).
        On the large network 11,000 such decisions to t = 6,000 came from 146 keys."""
        self._customer_node: dict[int, int] = {}

    def candidates(self, op: Operation) -> Candidates:
        """The candidates of :meth:`prepared` as (machines, transit, onward)."""
        prepared = self.prepared(op)
        return prepared.machines, prepared.transit, prepared.onward

    def prepared(self, op: Operation) -> Prepared:
        """Capable machines the parts can reach (array of machine indices, scenario order),
        the transit time to each (of the part that has furthest to go), and, for a job not yet
        anywhere (raw material can be sourced at any site), the transit from each machine on
        to where the job must go next: the first step is placed by where the part is needed."""
        job = op.job
        product = job.product
        step = product.steps[op.step]
        single = not job.components or op.step != product.assembly_step
        sources = None
        if not single:  # a kit whose located parts are all where the job is: as if one part
            nodes = {part.node for part in job.parts() if part.node >= 0}
            single = not nodes or nodes == {job.node}
            if not single:  # parts elsewhere: the answer depends on the step and where they are
                sources = (id(step), frozenset(nodes))
                cached = self._sources.get(sources)
                if cached is not None:
                    return cached
        node = job.node  # place_key, inlined: this runs for every decision
        key = (id(step), node if node >= 0 else -2 - self.destination(job))
        if single:  # one place: the answer depends only on the step and where the part is (going)
            cached = self._cache.get(key)
            if cached is not None:
                return cached
        machines = step.machine_array
        nodes = [part.node for part in job.parts() if part.node >= 0]
        result: tuple[np.ndarray, np.ndarray, np.ndarray | None]
        if not nodes:
            destination = self.destination(job)
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
        if len(step.preferred):
            mine = np.isin(result[0], step.preferred)
            if mine.any() and not mine.all():
                onward = result[2]
                result = (result[0][mine], result[1][mine], None if onward is None else onward[mine])
        prepared = Prepared(step, *result)
        if single:
            self._cache[key] = prepared
        elif sources is not None:
            self._sources[sources] = prepared
        return prepared

    def place_key(self, job: Job, step: CompiledStep) -> tuple[int, int]:
        """Cache key of a one-part operation's candidate machines: the step and where the part
        is, or, for a part not yet anywhere, where it must go next (that decides which machines
        qualify, see :meth:`candidates`)."""
        return (id(step), job.node if job.node >= 0 else -2 - self.destination(job))

    def destination(self, job: Job) -> int:
        """Where the job's part goes when it is finished: its kit's consolidation site, or the
        customer (-1 when there is no route there, e.g. no lanes to customers)."""
        if job.parent is not None:
            return job.parent.consolidation
        customer = job.order.customer
        node = self._customer_node.get(customer)
        if node is None:
            node = self._n_sites + customer
            node = self._customer_node[customer] = node if self.network.has_route_into(node) else -1
        return node

    def ready_times(self, machines: np.ndarray) -> np.ndarray:
        """When each of ``machines`` is expected to be free for new work (push estimates): back
        from off-shift or repair, then through its running and queued work over its units.

        Computed in place in the rows just gathered (the same operations, in the same order, as
        ``max(back_at, now) + (max(committed_end - busy_units * now, 0) + queued_work) / capacity``):
        it runs for every push decision, over hundreds of machines in a large network."""
        now = self.env.now
        if self._single_units and self.view is None:
            # as the round's pass: ``busy * now`` is ``now`` or 0 (with committed_end 0), so
            # ``committed_end - now`` floored at 0 is the same value, and ``x / 1.0`` is ``x``
            rows = self.board.stack.take(machines, axis=1)
            back_at = rows[0]
            running = rows[1]
            queued_work = rows[3]
            floors = self._floors[:, : len(machines)]
            now_row = floors[0]
            now_row.fill(now)
            running -= now_row
            starts = rows[:2]
            np.maximum(starts, floors, out=starts)  # back_at up to now, running work up to 0: one call
            running += queued_work
            back_at += running
            return back_at
        rows = self.board.stack.take(machines, axis=1) if self.view is None else self.view.stack(machines)
        back_at, running, busy_units, queued_work, capacity = rows[0], rows[1], rows[2], rows[3], rows[4]
        busy_units *= now
        running -= busy_units
        floors = self._floors[:, : len(machines)]
        floors[0] = now
        starts = rows[:2]
        np.maximum(starts, floors, out=starts)  # back_at up to now, running work up to 0: one call
        running += queued_work
        running /= capacity
        back_at += running
        return back_at

    def new_round(self) -> None:
        """A push round begins: the board may have changed since the last one (units started
        and finished, machines went down), so :meth:`round_ready` computes afresh."""
        self._round_valid = False

    def round_ready(self, machines: np.ndarray) -> np.ndarray:
        """:meth:`ready_times` of ``machines`` at a push round, gathered from every machine's
        ready time computed once in the round (one pass over the board's rows, no gather of
        five rows and six calls per decision). Within a round only the queued work of the
        machines the round assigns to changes: :meth:`queued_changed` updates those. The same
        operations in the same order as :meth:`ready_times`, so the same values to the bit."""
        if self.view is not None:  # (owners who do not share live: their snapshot rows)
            return self.ready_times(machines)
        if not self._round_valid:
            self._round_pass()
        elif self._stale:
            self._refresh_stale()
        return self._round_ready.take(machines)

    def _round_pass(self) -> None:
        """Every machine's ready time at this round, in one pass over the board's rows."""
        board = self.board
        now = self.env.now
        running = self._round_running
        floors = self._floors  # (arrays, not scalars: see its docstring)
        now_row, zeros = floors[0], floors[1]
        now_row.fill(now)
        if self._single_units:
            # busy_units is 1 or 0, and committed_end 0 when it is 0: ``busy * now`` is
            # ``now`` or 0, so ``committed_end - now`` floored at 0 is the same value (0 -
            # now floors to 0 as 0 - 0 does), and ``x / 1.0`` is ``x``: two calls fewer
            np.subtract(board.committed_end, now_row, out=running)
            np.maximum(running, zeros, out=running)
            running += board.queued_work
        else:
            np.multiply(board.busy_units, now_row, out=running)
            np.subtract(board.committed_end, running, out=running)
            np.maximum(running, zeros, out=running)
            running += board.queued_work
            running /= board.capacity
        ready = self._round_ready
        np.maximum(board.back_at, now_row, out=ready)
        ready += running
        self._round_valid = True
        if self._stale:
            self._stale.clear()

    def pick(self, op: Operation, prepared: Prepared) -> int:
        """The machine (index) the assignment rule picks for ``op`` among ``prepared``'s
        candidates at a push round (more than one).

        Earliest completion with every part at hand scores ``ready + (work + setup [+
        onward])`` (see :meth:`choose`), computed in place in the gathered rows: the same
        sums, so the same scores to the bit: two gathers, two in-place adds and an argmin."""
        machines = prepared.machines
        if self.view is not None or not self._ready_plus_work or len(machines) < self.rule.numpy_from:
            return int(machines[self._pick_among(op, prepared, self.round_ready(machines))])
        if not self._round_valid:
            self._round_pass()
        elif self._stale:
            self._refresh_stale()
        job = op.job
        family = job.product.family
        gather = prepared.gather.get(family)
        if gather is None:
            gather = prepared.gather[family] = np.array([machines, machines + (1 + family) * self._n])
        gathered = self._ready_setup.take(gather)  # ready times and changeovers: one take
        ready = gathered[0]
        score = gathered[1]  # (indexing: unpacking a 2-d array by iteration costs ~2 us)
        work = prepared.by_quantity.get(job.quantity)
        score += prepared.work(job.quantity) if work is None else work
        onward = prepared.onward
        if onward is not None:
            score += onward
        if not prepared.at_hand:
            now_row = prepared.now_row
            if now_row is None:  # (row 0 of the floors holds now once the round's pass ran)
                now_row = prepared.now_row = self._floors[0, : len(machines)]
            np.maximum(prepared.transit + now_row, ready, out=ready)
        ready += score
        return int(machines[ready.argmin()])

    def _pick_among(self, op: Operation, prepared: Prepared, ready: np.ndarray) -> int:
        """Index into ``prepared.machines`` of the rule's pick, given their ready times (a
        fresh array: it is written in place).

        Earliest completion scores ``max(now + transit, ready) + (work + setup [+ onward])``
        (:mod:`twin_app.dispatch.assignment`), ``ready + (work + setup [+ onward])`` with
        every part at hand (see :meth:`choose`): computed in place in the gathered rows, the
        same sums in the same order, so the same scores to the bit, in a few numpy calls and
        no :class:`~twin_app.dispatch.assignment.Candidates`. Other rules go through
        :meth:`choose`."""
        machines = prepared.machines
        job = op.job
        setup = self.board.setup_next[job.product.family].take(machines)
        if self._ready_plus_work and len(machines) >= self.rule.numpy_from:
            setup += prepared.work(job.quantity)
            onward = prepared.onward
            if onward is not None:
                setup += onward
            if not prepared.at_hand:
                np.maximum(prepared.transit + self.env.now, ready, out=ready)
            ready += setup
            return int(ready.argmin())
        return self.choose(op, machines, prepared.transit, ready, setup, prepared.onward, prepared)

    def queued_changed(self, machine: int) -> None:
        """The queued work of ``machine`` changed in this round: its ready time again (the
        scalar operations of :meth:`round_ready`'s pass, in its order)."""
        if self._round_valid:
            self._stale.append(machine)

    def _refresh_stale(self) -> None:
        """:meth:`queued_changed`'s machines: their ready times again, each from the board as
        it is now (within a round only their queued work has changed since the pass)."""
        board = self.board
        now = self.env.now
        for machine in self._stale:  # (the scalar operations of the pass, in its order)
            running = float(board.committed_end[machine]) - float(board.busy_units[machine]) * now
            if running < 0.0:
                running = 0.0
            running = (running + float(board.queued_work[machine])) / float(board.capacity[machine])
            self._round_ready[machine] = max(float(board.back_at[machine]), now) + running
        self._stale.clear()

    def expected_work(self, machine: int, op: Operation, family_from: int) -> float:
        """Expected processing time of ``op`` on ``machine``, plus the changeover from
        ``family_from`` (-1: none)."""
        job = op.job
        option = job.product.steps[op.step].by_machine[machine]
        base = option.mean * (job.quantity if option.per_unit else 1.0) / self.speed[machine]
        if family_from >= 0:
            base += self._setup_mean[machine][family_from][job.product.family]
        return float(base)

    def consolidation_node(self, job: Job) -> int:
        """Where a kit's components gather: the site of the assembly machine the platform
        would pick now by its assignment rule, counting the way on to the kit's own
        destination (its customer), so each component travels there as soon as it is made
        instead of waiting for the rest. The reachable machines and their onward transit are
        cached per assembly step and destination."""
        op = Operation(job, self.env.now)
        op.step = job.product.assembly_step
        step = job.product.steps[op.step]
        machines = step.machine_array
        if len(machines) == 1:
            return self.machine_node[int(machines[0])]
        destination = self.destination(job)
        key = (id(step), destination)
        prepared = self._kits.get(key)
        if prepared is None:
            onward = None
            if destination >= 0:
                onward = self.network.transit[self.compiled.machine_node[machines], destination]
                reachable = np.isfinite(onward)
                if not reachable.any():
                    onward = None
                elif not reachable.all():
                    machines, onward = machines[reachable], onward[reachable]
            prepared = self._kits[key] = Prepared(step, machines, np.zeros(len(machines)), onward)
        machines = prepared.machines
        return self.machine_node[int(machines[self._pick_among(op, prepared, self.ready_times(machines))])]

    def choose(
        self,
        op: Operation,
        machines: np.ndarray,
        transit: np.ndarray,
        ready: np.ndarray,
        setup: np.ndarray | None,
        onward: np.ndarray | None = None,
        prepared: Prepared | None = None,
    ) -> int:
        """Index into ``machines`` of the one the assignment rule picks (vectorised scores).

        ``setup``: the expected changeover on each machine (None: none anywhere); ``onward``:
        transit from each machine to where the part goes next, counted in the completion time
        (rules that count it) when the part has no location yet; ``prepared``: the cached
        candidates ``machines`` are (their expected times already gathered), or None.

        Earliest completion with ``ready`` from :meth:`ready_times` (never before now) and
        every part at hand scores ``ready + work``: each arrival is now, and
        ``max(now, ready)`` is ``ready`` itself, so the score is the rule's to the bit."""
        now = self.env.now
        job = op.job
        step = job.product.steps[op.step]
        compiled = self.compiled
        if prepared is not None:
            work = prepared.work(job.quantity)
        else:
            if machines is step.machine_array:
                fixed, unit = step.fixed_array, step.unit_array
            else:
                position = np.searchsorted(step.machine_array, machines)
                fixed, unit = step.fixed_array[position], step.unit_array[position]
            work = fixed + unit * job.quantity if step.any_per_unit else fixed  # (x + 0.0 is x)
        if setup is not None:
            work = work + setup
        rule = self.rule
        cost = None
        if rule.uses_cost:  # the transport cost tables are the dearest input: only when read
            cost = compiled.machine_running_rate[machines] * work
            nodes = [part.node for part in job.parts() if part.node >= 0]
            if nodes:
                targets = compiled.machine_node[machines]
                cost = cost + self.network.cost_per_unit[np.array(nodes)][:, targets].max(axis=0) * job.quantity
            if onward is not None:
                destination = self.destination(job)
                cost = cost + self.network.cost_per_unit[compiled.machine_node[machines], destination] * job.quantity
        if onward is not None and rule.counts_onward:
            work = work + onward
        if self._ready_plus_work and prepared is not None and prepared.at_hand and len(machines) >= rule.numpy_from:
            return int((ready + work).argmin())
        candidates = assignment.Candidates(
            ready=ready,
            arrival=now + transit,
            work=work,
            cost=cost,  # type: ignore[arg-type]
            unreliability=compiled.machine_unreliability[machines] if rule.uses_unreliability else None,  # type: ignore[arg-type]
            trust=self.trust.scores[self.machine_owner[machines]] if self.trust is not None else None,
        )
        return assignment.choose(self.rule, now, candidates, self.weights, self.rng)
