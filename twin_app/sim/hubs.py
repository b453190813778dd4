"""Hubs at work: parts that change lanes at a site with ``handling`` are handled on a dock.

A part that arrives at a hub by one lane and must leave by another waits for a free dock
(first come, first served; no limit when the hub's ``capacity`` is not set), is handled for
a time drawn from the hub's own random stream, and is then put in line for its next lane.
Each handling is logged as one TRANSPORT record with ``resource`` -1, ``owner`` the hub's
owner and ``operation`` the hub's site index, costing ``cost_per_unit`` x its units: the
handling is part of the order's journey and the hub owner's cost.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from twin_app.model.distributions import sampler
from twin_app.model.events import EventKind
from twin_app.model.scenario import Handling

if TYPE_CHECKING:
    import simpy

_TRANSPORT = int(EventKind.TRANSPORT)


@dataclass(slots=True)
class _Part:
    quantity: float
    order: int
    job: int
    done: Callable[[], None]
    start: float = 0.0


class Hub:
    """The docks of one hub site."""

    def __init__(
        self,
        env: simpy.Environment,
        handling: Handling,
        site: int,
        owner: int,
        rng: np.random.Generator,
        record: Callable[[tuple], None],
    ) -> None:
        self.env = env
        self.site = site
        self.owner = owner
        self.cost_per_unit = handling.cost_per_unit
        self.free = math.inf if handling.capacity is None else handling.capacity
        self.time = sampler(handling.time, rng)
        self.record = record
        self.waiting: deque[_Part] = deque()
        self.busy: dict[int, _Part] = {}

    def handle(self, quantity: float, order: int, job: int, done: Callable[[], None]) -> None:
        """Handle a part of ``job``, then call ``done`` (it goes on to its next lane)."""
        part = _Part(quantity, order, job, done)
        if self.free > 0:
            self._start(part)
        else:
            self.waiting.append(part)

    def _start(self, part: _Part) -> None:
        self.free -= 1
        part.start = self.env.now
        self.busy[id(part)] = part
        finished = self.env.timeout(self.time())
        finished.callbacks.append(lambda _event: self._finish(part))

    def _log(self, part: _Part, end: float) -> None:
        cost = self.cost_per_unit * part.quantity
        self.record((part.start, end, _TRANSPORT, -1, self.owner, part.order, part.job, self.site, part.quantity, cost))

    def _finish(self, part: _Part) -> None:
        del self.busy[id(part)]
        self._log(part, self.env.now)
        self.free += 1
        if self.waiting:
            self._start(self.waiting.popleft())
        part.done()

    def close(self, now: float) -> None:
        """Log the handlings still under way at the end of the run, up to ``now``."""
        for part in self.busy.values():
            self._log(part, now)
