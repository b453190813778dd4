"""When machine units may work: breakdowns (MTBF/MTTR) and shift calendars.

A :class:`Calendar` runs one SimPy process per failing unit and one per machine with shifts.
It marks units down or off and tells the engine through two callbacks: ``pause(unit)`` when
a unit must stop (work in progress keeps what is left) and ``resume(unit)`` when it may work
again (the engine continues the work, or offers the unit new work). It logs the DOWN and
OFF_SHIFT intervals as they end; the ones still open at the end of a run are closed with the
unit's other intervals (see the engine).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator

import simpy
from simpy.events import Event

from twin_app.model.scenario import Shifts
from twin_app.sim.event_log import EventLog
from twin_app.sim.state import DOWN, OFF_SHIFT, MachineBoard, Unit


class Calendar:
    """Breakdowns and shifts of the machine units, with pause/resume callbacks."""

    def __init__(
        self,
        env: simpy.Environment,
        board: MachineBoard,
        log: EventLog,
        pause: Callable[[Unit], None],
        resume: Callable[[Unit], None],
    ) -> None:
        self.env = env
        self.board = board
        self.log = log
        self.pause = pause
        self.resume = resume

    def add_failures(
        self,
        unit: Unit,
        alone: bool,
        time_to_failure: Callable[[], float],
        time_to_repair: Callable[[], float],
        mean_repair: float,
    ) -> None:
        """Let ``unit`` break down and be repaired forever; ``alone``: its machine's only unit
        (then dispatch estimates see the machine back after the mean repair time)."""
        self.env.process(self._failures(unit, alone, time_to_failure, time_to_repair, mean_repair))

    def add_shifts(self, units: tuple[Unit, ...], shifts: Shifts) -> None:
        """Send ``units`` (one machine's) off shift outside the calendar's working windows."""
        self.env.process(self._shifts(units, shifts))

    def _failures(
        self,
        unit: Unit,
        alone: bool,
        time_to_failure: Callable[[], float],
        time_to_repair: Callable[[], float],
        mean_repair: float,
    ) -> Generator[Event, object, None]:
        env = self.env
        board = self.board
        while True:
            yield env.timeout(time_to_failure())
            unit.down = True
            unit.down_since = env.now
            self.pause(unit)
            repair = time_to_repair()
            if alone:
                board.set_back(unit.machine, down_until=env.now + mean_repair)
            yield env.timeout(repair)
            board.set_back(unit.machine, down_until=0.0)
            self.log.interval(unit.down_since, env.now, DOWN, unit.index, unit.owner)
            unit.down = False
            self.resume(unit)

    def _shifts(self, units: tuple[Unit, ...], shifts: Shifts) -> Generator[Event, object, None]:
        env = self.env
        for start, end in off_shift_intervals(shifts):
            if start > env.now:
                yield env.timeout(start - env.now)
            for unit in units:
                unit.off = True
                unit.off_since = env.now
                self.pause(unit)
            self.board.set_back(units[0].machine, off_until=end)
            yield env.timeout(end - env.now)
            for unit in units:
                self.log.interval(unit.off_since, env.now, OFF_SHIFT, unit.index, unit.owner)
                unit.off = False
                self.resume(unit)


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
