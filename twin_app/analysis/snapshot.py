"""Every figure the desktop views show, computed at most once per snapshot of a run.

The views of the app (KPIs, utilisation, bottlenecks, the map) all start from the same costly
step, the state sweep over the whole event log (:func:`~twin_app.analysis.utilisation.state_segments`),
and several of them need the same derived tables (state durations, accounts). An
:class:`Analysis` wraps one :class:`~twin_app.analysis.result.RunResult` and computes each
*part* the first time it is asked for, reusing the parts it depends on, so one refresh sweeps
the log once whichever views are shown. It is plain numpy and safe to compute on a worker
thread; a part, once computed, never changes.

Parts are named (:data:`PARTS`) so that a view can say which it needs and a worker can compute
exactly those: ``Analysis.compute("kpis", "owner_table")``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from twin_app.analysis.bottleneck import BottleneckAnalysis, analyse_bottlenecks
from twin_app.analysis.kpis import (
    Accounts,
    accounts,
    compute_kpis,
    lead_time_histogram,
    material_flows,
    order_kpis,
    owner_table,
    wip_over_time,
)
from twin_app.analysis.quality import trust_band
from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import (
    mean_queue_length,
    owner_state_durations,
    state_durations,
    state_segments,
    utilisation_over_time,
)
from twin_app.model.events import EventKind

MAX_TIME_BINS = 120
"""Bins of the utilisation-over-time chart: hourly, at most this many."""

HISTOGRAM_BINS = 24
"""Bars of the lead-time histogram."""

PARTS = (
    "durations",
    "owner_durations",
    "utilisation_over_time",
    "bottlenecks",
    "accounts",
    "kpis",
    "operating_kpis",
    "owner_table",
    "lead_time_histogram",
    "wip",
    "queue_means",
    "lane_flows",
    "trust_band",
)
"""What an Analysis can compute, each at most once."""


class Analysis:
    """The parts of :data:`PARTS` over one RunResult (see the module docstring)."""

    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.ends: dict[str, float] = {}
        """The end of the data each part was computed over, where it is older than
        ``result.end`` (parts merged from several answers; see :meth:`end_of`)."""

    @classmethod
    def from_parts(cls, result: RunResult, values: dict[str, Any], ends: dict[str, float] | None = None) -> Analysis:
        """An analysis whose ``values`` (part name to value) were computed elsewhere (in another
        process, over the run whose window ``result`` gives); ``ends``: the end of the data of
        the parts computed over less of the run than ``result`` (default: all of it)."""
        analysis = cls(result)
        for part, value in values.items():
            if part not in PARTS:
                raise ValueError(f"unknown analysis part {part!r}; use one of {', '.join(PARTS)}")
            analysis.__dict__[part] = value
        analysis.ends = dict(ends or {})
        return analysis

    def end_of(self, *parts: str) -> float:
        """The end of the data the oldest of ``parts`` (those computed) was computed over.

        The window merges the answers of two analysis processes, each asked only for the parts
        of the view shown at the time: a view's parts can be days older than ``result.end`` (the
        trial: a KPI tab of day 3.5 under a caption of day 10.5, its WIP curve drawn flat to
        day 10.5)."""
        end = float(self.result.end)
        return min([self.ends.get(part, end) for part in parts if self.has(part)], default=end)

    def compute(self, *parts: str) -> None:
        """Compute ``parts`` now (those not computed yet); raises ValueError for an unknown part."""
        for part in parts:
            if part not in PARTS:
                raise ValueError(f"unknown analysis part {part!r}; use one of {', '.join(PARTS)}")
            getattr(self, part)

    def has(self, part: str) -> bool:
        """Whether ``part`` is computed already (reading it then costs nothing)."""
        return part in self.__dict__

    def missing(self, parts: tuple[str, ...]) -> tuple[str, ...]:
        """The ones of ``parts`` not computed yet."""
        return tuple(p for p in parts if not self.has(p))

    @cached_property
    def segments(self) -> tuple[np.ndarray, ...]:
        """The state sweep over all resources, shared by every part below."""
        return state_segments(self.result)

    @cached_property
    def durations(self) -> np.ndarray:
        """Time per resource in each state, ``(n_resources, 6)``."""
        return state_durations(self.result, self.segments)

    @cached_property
    def owner_durations(self) -> np.ndarray:
        """Time per owner in each state over its machine units, ``(n_owners, 6)``."""
        return owner_state_durations(self.result, self.durations)

    @cached_property
    def utilisation_over_time(self) -> tuple[np.ndarray, np.ndarray]:
        """``(edges, fractions)`` of the machine units' states in hourly bins (at most 120)."""
        bins = int(np.clip(self.result.duration / 60.0, 1, MAX_TIME_BINS))
        return utilisation_over_time(self.result, bins, self.segments)

    @cached_property
    def bottlenecks(self) -> BottleneckAnalysis:
        return analyse_bottlenecks(self.result, self.segments)

    @cached_property
    def accounts(self) -> Accounts:
        return accounts(self.result, self.durations)

    @cached_property
    def kpis(self) -> dict[str, Any]:
        """The KPI dictionary of :func:`~twin_app.analysis.kpis.compute_kpis`."""
        return compute_kpis(self.result, durations=self.durations, bottlenecks=self.bottlenecks, acc=self.accounts)

    @cached_property
    def operating_kpis(self) -> dict[str, Any]:
        """The keys of :attr:`kpis` that read no money (orders, lead time, on-time rate, WIP,
        logistics, energy, quality, circular), the same values: a few passes over the orders and
        the state durations, where the money takes seconds on a large run."""
        return {**order_kpis(self.result), **material_flows(self.result, self.durations)}

    @cached_property
    def owner_table(self) -> list[dict[str, Any]]:
        return owner_table(self.result, self.durations, self.accounts)

    @cached_property
    def lead_time_histogram(self) -> tuple[np.ndarray, np.ndarray]:
        return lead_time_histogram(self.result, bins=HISTOGRAM_BINS)

    @cached_property
    def wip(self) -> tuple[np.ndarray, np.ndarray]:
        """Orders in the system over the window, as a step function ``(times, wip)``."""
        return wip_over_time(self.result)

    @cached_property
    def queue_means(self) -> np.ndarray:
        """Time-average operations waiting per resource."""
        return mean_queue_length(self.result)

    @cached_property
    def trust_band(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """The owners' mean and lowest trust over the run, and the owner lowest at the end
        (:func:`~twin_app.analysis.quality.trust_band`)."""
        return trust_band(self.result)

    @cached_property
    def lane_flows(self) -> np.ndarray:
        """Units carried per scenario lane so far (all of the run, not only the window)."""
        return lane_flows(self.result)


def lane_flows(result: RunResult) -> np.ndarray:
    """Units carried on each lane of the scenario so far (sum of TRANSPORT quantities)."""
    ev = result.events
    n_lanes = len(result.scenario.lanes)
    transports = ev[ev["kind"] == int(EventKind.TRANSPORT)]
    resource_lane = np.array([r.lane for r in result.layout.resources], dtype=np.int64)
    if len(transports) == 0 or len(resource_lane) == 0:
        return np.zeros(n_lanes)
    r = transports["resource"].astype(np.int64)
    ok = (r >= 0) & (r < len(resource_lane))
    lanes = resource_lane[r[ok]]
    keep = lanes >= 0
    return np.bincount(lanes[keep], transports["quantity"][ok][keep], minlength=n_lanes)[:n_lanes]
