"""Queueing measures per machine, as queueing theory defines them, from the event log.

For each machine (all its units together): L, the time-average number of operations at it
(waiting or in service); Lq, waiting only; Wq, the mean wait per visit (zero waits
included); utilisation, busy time per unit of capacity; and the visit count. Together with
the order-level L and W of :mod:`twin_app.analysis.kpis`, these are what the validation
against M/M/1, M/M/c, M/D/1 and Jackson networks compares.

The engine logs one WAIT record for every operation that starts (zero-length when it did
not wait), so a visit is a WAIT record: only visits that *start service* inside the window
count for Wq; intervals are clipped to the window for the time averages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.analysis.kpis import compute_wip_mean, lead_times
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind


@dataclass(frozen=True, slots=True)
class StationMeasures:
    """Queueing measures of one machine over the window."""

    machine: str
    L: float
    Lq: float
    Wq: float
    utilisation: float
    visits: int


def station_measures(result: RunResult) -> list[StationMeasures]:
    """Measures of every machine of the scenario, in scenario order."""
    events = result.events
    start, end = result.start, result.end
    window = end - start
    layout = result.layout
    unit_machine = np.array([r.machine for r in layout.resources], dtype=np.int64)
    clipped = np.clip(events["end"], start, end) - np.clip(events["start"], start, end)
    machine_of_event = unit_machine[events["resource"]]
    kind = events["kind"]
    in_service_kind = (kind == EventKind.PROCESS) | (kind == EventKind.SETUP)
    wait = kind == EventKind.WAIT
    served_in_window = wait & (events["end"] >= start) & (events["end"] <= end)
    measures = []
    for m, machine in enumerate(result.scenario.machines):
        mine = machine_of_event == m
        in_service = float(clipped[mine & in_service_kind].sum())
        waiting = float(clipped[mine & wait].sum())
        visits_here = events[mine & served_in_window]
        visits = len(visits_here)
        total_wait = float((visits_here["end"] - visits_here["start"]).sum())
        capacity = machine.capacity
        measures.append(
            StationMeasures(
                machine=machine.id,
                L=(in_service + waiting) / window if window > 0 else float("nan"),
                Lq=waiting / window if window > 0 else float("nan"),
                Wq=total_wait / visits if visits else float("nan"),
                utilisation=in_service / (capacity * window) if window > 0 else float("nan"),
                visits=visits,
            )
        )
    return measures


def queueing_summary(result: RunResult) -> dict[str, float]:
    """Flat measures for replication statistics: network L and W, and per machine
    ``L[id]``, ``Lq[id]``, ``Wq[id]``, ``utilisation[id]``, ``visits[id]``."""
    summary: dict[str, float] = {"L": compute_wip_mean(result)}
    lead = lead_times(result)
    summary["W"] = float(lead.mean()) if len(lead) else float("nan")
    for station in station_measures(result):
        for name in ("L", "Lq", "Wq", "utilisation", "visits"):
            summary[f"{name}[{station.machine}]"] = float(getattr(station, name))
    return summary
