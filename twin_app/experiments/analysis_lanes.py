"""The views' figures from two analysis processes, so the cheap figures never wait for the money.

On the large network the economics (``accounts``, and the ``kpis`` and ``owner_table`` built on
them) take seconds a request and grow with the run, while utilisation, bottlenecks, WIP, trust
and the map's figures take a few hundred ms. One analysis process answering one request at a
time made the Utilisation view wait behind the KPI view's request. Here each *lane* is an
:class:`~twin_app.experiments.analysis_process.AnalysisProcess` of its own, fed with the same
events and paced by its own cost: the heavy lane answers :data:`HEAVY_PARTS`, the cheap lane
everything else. Their answers are merged into one
:class:`~twin_app.analysis.snapshot.Analysis` that the views draw from; each part is as new as
its lane could make it, and :meth:`AnalysisLanes.version_of` says of which data version.

While the run grows, a lane asks again only once the run has grown by its :data:`GROWTH` since
its last request (a request's cost grows with the events so far, so the lanes' work over a whole
run is a few times that of its last request, however slowly the simulation goes: paced by wall
time alone, a simulation slowed by a busy machine was analysed ever more often per simulated
day, and slowed further), and no sooner than its pacing allows (:data:`ANALYSIS_SHARE`). Once
the run has ended or paused, the next request is at once and urgent (the app's priority).

No Qt; used by :class:`~twin_app.experiments.session.RunSession` from the caller's thread.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from twin_app.analysis.snapshot import PARTS, Analysis
from twin_app.experiments.analysis_process import AnalysisProcess, Finished
from twin_app.model.events import RunObserver
from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario

HEAVY_PARTS = ("accounts", "kpis", "owner_table")
"""Parts whose cost is seconds on a large run (the economics): computed in the heavy lane.
Everything the KPI cards show but the money is ``operating_kpis``, in the cheap lane."""

GROWTH = {"cheap": 0.05, "heavy": 0.5}
"""How much the run (its events) must have grown since a lane's last request before it asks
again while the run grows: the money, seconds a request on a large run, is worked out about
every half again as many events (its total work is then about three times its last request's)."""

MIN_ANALYSIS_SECONDS = 0.3
"""Least wall time between two requests of one lane while the run grows."""

ANALYSIS_SHARE = 0.25
"""A lane whose last answer took t seconds of CPU waits ``t / ANALYSIS_SHARE`` before its next
request while the run grows, so the two lanes together use at most half a core: on 2 cores the
simulation needs one and the window the rest. (CPU, not wall time: on a busy machine a niced
lane's answer took many times its CPU in wall time, and the lane then waited that much longer
again: the trial's cards fell days behind.)"""


@dataclass(slots=True)
class _Lane:
    """One analysis process and its request in flight."""

    name: str
    process: AnalysisProcess = field(default_factory=AnalysisProcess)
    submitted: tuple[int, int, tuple[str, ...]] | None = None
    """The request in the process: (ticket, data version, parts)."""
    submitted_at: float = -1e9
    submitted_size: int = 0
    """Events of the run when the request in the process was made."""
    last_seconds: float = 0.0

    def owns(self, part: str) -> bool:
        return (part in HEAVY_PARTS) == (self.name == "heavy")

    def forget(self) -> None:
        self.submitted, self.submitted_at, self.submitted_size, self.last_seconds = None, -1e9, 0, 0.0

    def due(self, size: int) -> bool:
        """Whether the run grew enough, and enough time passed, for another request while the
        run grows (see the module docstring)."""
        grown = size >= self.submitted_size * (1.0 + GROWTH[self.name])
        wait = max(MIN_ANALYSIS_SECONDS, self.last_seconds / ANALYSIS_SHARE)
        return grown and time.perf_counter() - self.submitted_at >= wait


class AnalysisLanes:
    """The cheap and the heavy lane and their merged figures (see the module docstring)."""

    def __init__(self) -> None:
        self.lanes = (_Lane("cheap"), _Lane("heavy"))
        self.analysis: Analysis | None = None
        """Every part answered so far, each from the newest answer of its lane."""
        self._values: dict[str, Any] = {}
        self._ends: dict[str, float] = {}
        """The end of the data each part in :attr:`_values` was computed over."""
        self._versions: dict[str, int] = {}

    # -- the run -------------------------------------------------------------------------------

    def open(self, scenario: Scenario, layout: Layout) -> None:
        """A new scenario: forget the figures; the processes learn it with their next request."""
        for lane in self.lanes:
            lane.process.open(scenario, layout)
        self.clear()

    def reset(self) -> None:
        """Forget the run's events and figures (a new run of the same scenario follows)."""
        for lane in self.lanes:
            lane.process.reset()
        self.clear()

    def clear(self) -> None:
        self.analysis = None
        self._values, self._versions, self._ends = {}, {}, {}
        for lane in self.lanes:
            lane.forget()

    def start(self) -> None:
        """Start both processes ahead of the first request (see AnalysisProcess.start)."""
        for lane in self.lanes:
            lane.process.start()

    def observers(self) -> tuple[RunObserver, ...]:
        """The observers that feed every lane's process with the run (they only queue)."""
        return tuple(lane.process.observer() for lane in self.lanes)

    def close(self) -> None:
        for lane in self.lanes:
            lane.process.close()

    # -- the figures -------------------------------------------------------------------------------

    def version_of(self, part: str) -> int:
        """Data version ``part`` was computed from (-1: not computed for this run)."""
        return self._versions.get(part, -1)

    def busy_with(self, parts: Sequence[str]) -> bool:
        """A lane is computing some of ``parts`` right now."""
        return any(
            lane.process.busy and lane.submitted is not None and bool(set(parts) & set(lane.submitted[2]))
            for lane in self.lanes
        )

    def schedule(self, wanted: Sequence[str], version: int, warmup: float, *, settled: bool, size: int = 0) -> None:
        """Ask each idle lane for its ``wanted`` parts that are older than ``version``: at once
        if one was never computed or the run is ``settled`` (not growing: then urgent), else once
        the run (``size`` events so far) has grown enough and the lane's pacing allows (see the
        module docstring). A settled run's parts whose lane is still busy with an older request
        (niced, mid-run: on a busy machine that took 98 s of wall time for the large network's
        money) go to an idle lane: both hold the whole run."""
        assigned = {lane.name: tuple(p for p in wanted if lane.owns(p)) for lane in self.lanes}
        if settled:
            idle = [lane for lane in self.lanes if not lane.process.busy]
            for lane in self.lanes:
                behind = lane.process.busy and lane.submitted is not None and lane.submitted[1] != version
                if behind and idle and assigned[lane.name]:
                    assigned[idle[0].name] += assigned[lane.name]
                    assigned[lane.name] = ()
        for lane in self.lanes:
            parts = assigned[lane.name]
            if not parts or lane.process.busy:
                continue
            stale = [p for p in parts if self.version_of(p) != version]
            if not stale:
                continue
            submitted = lane.submitted
            if submitted is not None and submitted[1] == version and set(parts) <= set(submitted[2]):
                continue  # this data is being analysed (or was: a failure is not retried)
            first = any(p not in self._values for p in parts)
            if not first and not settled and not lane.due(size):
                continue
            lane.submitted = (lane.process.submit(parts, warmup, urgent=settled), version, parts)
            lane.submitted_at, lane.submitted_size = time.perf_counter(), size

    def collect(self) -> list[Finished]:
        """The answers since the last call (newest requests only), merged into :attr:`analysis`;
        a failed one is returned with its ``error`` and merges nothing."""
        out: list[Finished] = []
        for lane in self.lanes:
            for finished in lane.process.collect():
                submitted = lane.submitted
                if submitted is None or finished.ticket < submitted[0]:
                    continue  # an older request's answer
                out.append(finished)
                if finished.error is not None or finished.analysis is None:
                    continue
                lane.last_seconds = finished.cpu_seconds
                got = finished.analysis
                for part in PARTS:
                    if got.has(part) and self._versions.get(part, -1) <= submitted[1]:  # not older data
                        self._values[part] = getattr(got, part)
                        self._versions[part] = submitted[1]
                        self._ends[part] = float(got.result.end)
                current = self.analysis
                newest = current is None or submitted[1] >= max(self._versions.values(), default=-1)
                window = got.result if newest or current is None else current.result  # (an older answer's is older)
                ends = {part: end for part, end in self._ends.items() if end < window.end}
                self.analysis = Analysis.from_parts(window, self._values, ends)  # a new object: views redraw
        return out

    def adopt(self, analysis: Analysis, version: int) -> None:
        """Figures computed on the caller's thread (scripts): they replace the lanes' answers,
        and the requests in flight are forgotten."""
        for lane in self.lanes:
            lane.process.cancel()
            lane.forget()
        self.analysis = analysis
        self._values = {p: getattr(analysis, p) for p in PARTS if analysis.has(p)}
        self._versions = dict.fromkeys(self._values, version)
        self._ends = dict.fromkeys(self._values, float(analysis.result.end))
