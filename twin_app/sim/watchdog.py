"""Guards of a run: no progress in simulated time, an event budget and a memory ceiling.

Validation (:mod:`twin_app.model.workload`) rejects the files whose work is known to explode;
these guards catch what slips through at run time, so a run never hangs silently or fills the
memory. The engine's run loop steps in chunks of :data:`CHECK_EVERY` events and calls
:meth:`Watchdog.tick` between two chunks (one call per chunk, nothing per event: the guards
cost no measurable time). A tick

- counts the events (SimPy events and dispatch decisions) against the budget
  (:attr:`Budget.max_events`, none by default);
- counts the events since simulated time last moved: :attr:`Budget.max_events_at_instant`
  at one instant means the run makes no progress (an event storm);
- reads the process's resident memory against :attr:`Budget.max_memory`.

When a guard trips, the next :data:`SAMPLE` events are stepped one by one and each is
attributed to the element of the scenario it comes from (a machine and the product step it
works on, a demand stream, a lane, a calendar...), then the run stops: status 'stopped', with
a message naming the guard, where the events come from and how to raise the limit. With an
event budget the sample is the last events before the budget, so the run stops at exactly
``max_events``.
"""

from __future__ import annotations

import os
import resource
import sys
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from twin_app.model import limits

if TYPE_CHECKING:
    from twin_app.sim.engine import Simulation

CHECK_EVERY = 8192
"""Events stepped between two ticks of the guards (about 10-40 ms of simulation)."""

SAMPLE = 10_000
"""Events attributed to their sources after a guard trips (about 50 ms), for the message."""

SHOWN_SOURCES = 4
"""Sources named in the message (the biggest shares of the sample)."""


@dataclass(frozen=True, slots=True)
class Budget:
    """The limits one run stops at (None: no limit). The defaults are in :mod:`~twin_app.model.limits`."""

    max_events: int | None = None
    """Events (SimPy events and dispatch decisions) a run may process: ``--max-events``."""
    max_memory: int | None = limits.DEFAULT_MAX_MEMORY
    """Resident memory of the process, in bytes: ``--max-memory``."""
    max_events_at_instant: int = limits.MAX_EVENTS_AT_ONE_INSTANT
    """Events at one simulated instant before the run counts as making no progress."""


def resident_memory() -> int:
    """This process's resident memory in bytes (its peak where the current one is unknown)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


class Watchdog:
    """The guards of one :class:`~twin_app.sim.engine.Simulation` (see the module docstring)."""

    def __init__(self, simulation: Simulation, budget: Budget) -> None:
        self.simulation = simulation
        self.budget = budget
        self.events = 0
        """Events processed so far (counted per chunk)."""
        self.chunk = CHECK_EVERY
        """Events the run loop steps before the first tick."""
        self.message = ""
        """Why the run stopped, once a guard tripped (:attr:`tripped`) and the run loop returned."""
        self._instant = 0.0
        self._at_instant = 0
        self._reason = ""
        """The guard that tripped (the run stops even if it ends within the sample)."""
        self._budget_reason = ""
        """The event budget, while its last events are sampled (spent only once they are done)."""
        self._sampling = 0
        self._stuck_at: float | None = None
        """The instant the no-progress guard tripped at: its sample ends once time moves on."""
        self._sources: Counter[str] = Counter()
        self._names = _Names(simulation)
        self.chunk = self._next_chunk()

    @property
    def tripped(self) -> bool:
        """A guard stopped the run; :meth:`finish_message` says which and why."""
        return bool(self._reason)

    def finish_message(self) -> str:
        """Why the run stopped: the guard, the time, and where the sampled events came from."""
        if not self.message and self._reason:
            at = self.simulation.env.now if self._stuck_at is None else self._stuck_at
            message = f"stopped at t = {at:g}: {self._reason}"
            total = sum(self._sources.values())
            if total:
                top = self._sources.most_common(SHOWN_SOURCES)
                shares = ", ".join(f"{source} ({count / total:.0%})" for source, count in top if count * 100 >= total)
                message += f". The last {total:,} events came from: {shares or top[0][0]}"
            self.message = message
        return self.message

    def tick(self, done: int) -> int:
        """``done`` more events were processed: check the guards; return the next chunk (also
        kept as :attr:`chunk`). Once a tripped guard's sample is complete, the simulation's stop
        is requested."""
        self.chunk = chunk = self._tick(done)
        return chunk

    def _tick(self, done: int) -> int:
        self.events += done
        if self._sampling or self.tripped:
            return self._sample(done)
        now = self.simulation.env.now
        if now > self._instant:
            self._instant = now
            self._at_instant = 0
        else:
            self._at_instant += done
        budget = self.budget
        if self._at_instant >= budget.max_events_at_instant:
            self._stuck_at = now
            self._reason = (
                f"no progress in simulated time: {self._at_instant:,} events at t = {now:g} (the limit is "
                f"{budget.max_events_at_instant:,}; raise it with --max-events-at-instant N)"
            )
            return self._start_sample(SAMPLE)
        if budget.max_events is not None and self.events >= budget.max_events - SAMPLE:
            self._budget_reason = (
                f"the event budget is spent: {budget.max_events:,} events (raise it with --max-events N)"
            )
            return self._start_sample(max(budget.max_events - self.events, 0))
        if budget.max_memory is not None:
            used = resident_memory()
            if used > budget.max_memory:
                self._reason = (
                    f"the memory ceiling is reached: {_size(used)} in use, over {_size(budget.max_memory)}, "
                    f"with {self.simulation.open_orders:,} orders open (raise it with --max-memory SIZE)"
                )
                return self._start_sample(SAMPLE)
        return self._next_chunk()

    def _next_chunk(self) -> int:
        """Events to the next tick: :data:`CHECK_EVERY`, or fewer for a smaller limit at one
        instant, or to begin the sample at exactly ``max_events - SAMPLE``."""
        chunk = min(CHECK_EVERY, self.budget.max_events_at_instant)
        if self.budget.max_events is None:
            return chunk
        return max(1, min(chunk, self.budget.max_events - SAMPLE - self.events))

    def _start_sample(self, size: int) -> int:
        self._sampling = size + 1
        return self._sample(1)

    def _sample(self, done: int) -> int:
        """Attribute the next event to its source (``done`` 0: the last one attributed has not
        been processed yet); once the sample is complete, stop the run."""
        if not done:
            return 1
        self._sampling -= 1
        if self._stuck_at is not None and self.simulation.env.now > self._stuck_at:
            self._sampling = 0  # time moved on: every event at the stuck instant is sampled
        if self._sampling <= 0:
            if self._budget_reason:
                self._reason = self._budget_reason
            self._sampling = 0
            self.simulation.request_stop()
            return CHECK_EVERY
        source = self._names.next_source()
        if source is not None:  # (a dispatch decision: a consequence of the events, not a source)
            self._sources[source] += 1
        return 1


def _size(count: int) -> str:
    """Bytes as a short text (MiB below a GiB)."""
    if count >= 1024**3:
        return f"{count / 1024**3:.1f} GiB"
    return f"{count / 1024**2:.0f} MiB"


class _Names:
    """Names the element of the scenario an event comes from, by its place and id."""

    def __init__(self, simulation: Simulation) -> None:
        self.simulation = simulation
        self.scenario = simulation.scenario

    def next_source(self) -> str | None:
        """The source of the event the run loop processes next (None: it makes a dispatch decision)."""
        simulation = self.simulation
        env = simulation.env
        if simulation.wants_epoch and env.peek() > env.now:
            return None
        queue: list[Any] = env._queue  # SimPy keeps no public view of its queue
        if not queue:
            return "the end of the event queue"
        return self.of_event(queue[0][3])

    def of_event(self, event: Any) -> str:
        unit = getattr(event, "unit", None)
        if unit is not None:  # a machine unit's phase ends
            return self.machine_work(unit)
        for callback in getattr(event, "callbacks", None) or ():
            name = self.of_callback(callback)
            if name:
                return name
        return "the run's clock (the end of a time slice)"

    def of_callback(self, callback: Any) -> str:
        from simpy.events import Process

        owner = getattr(callback, "__self__", None)
        if isinstance(owner, Process):
            return self.of_process(owner)
        if owner is not None:
            name = self.of_object(owner, None)
            if name:
                return name
        for cell in getattr(callback, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            name = self.of_object(value, callback)
            if name:
                return name
        return ""

    def of_process(self, process: Any) -> str:
        generator = getattr(process, "_generator", None)
        frame = getattr(generator, "gi_frame", None)
        local = frame.f_locals if frame is not None else {}
        code = getattr(getattr(generator, "gi_code", None), "co_name", "")
        if code == "_failures" and "unit" in local:
            return self.machine(local["unit"].machine) + ".failures"
        if code == "_shifts" and local.get("units"):
            return self.machine(local["units"][0].machine) + ".shifts"
        owner = local.get("self")
        name = self.of_object(owner, None) if owner is not None else ""
        if name:
            return name + (".departure" if code == "_timetable" else "")
        return f"a process ({code or 'unknown'})"

    def of_object(self, value: Any, callback: Any) -> str:
        from twin_app.sim.circular import Circular
        from twin_app.sim.demand import _OrderBook, _Stream
        from twin_app.sim.hubs import Hub
        from twin_app.sim.logistics import LaneOperator

        scenario = self.scenario
        if isinstance(value, LaneOperator):
            index = self.simulation.lanes.index(value)
            return f"lanes[{index}] {scenario.lanes[index].id!r}"
        if isinstance(value, Hub):
            return f"sites[{value.site}] {scenario.sites[value.site].id!r}.handling"
        if isinstance(value, _Stream):
            index = next(i for i, s in enumerate(scenario.demand.streams) if s is value.spec)
            return f"demand.streams[{index}]"
        if isinstance(value, _OrderBook):
            return "demand.orders"
        if isinstance(value, Circular):
            return "take-back flows (products[].take_back)"
        return ""

    def machine(self, index: int) -> str:
        return f"machines[{index}] {self.scenario.machines[index].id!r}"

    def machine_work(self, unit: Any) -> str:
        name = self.machine(unit.machine)
        op = unit.op
        if op is None:
            return name
        product = op.job.product.index
        return f"{name} at products[{product}] {self.scenario.products[product].id!r}.routing[{op.step}]"
