"""Queueing measures per station, as queueing theory defines them, from the event log.

A *station* is the pool of machines offering the same capabilities (one machine, or several
interchangeable ones sharing a pooled queue in pull mode); it is named by its capabilities.
For each station: L, the time-average number of operations at it (waiting or in service);
Lq, waiting only; Wq, the mean wait per visit (zero waits included); utilisation, busy time
per unit of capacity (all servers together); and the visit count. Together with
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
    """Queueing measures of one station over the window."""

    station: str
    machines: tuple[str, ...]
    servers: int
    L: float
    Lq: float
    Wq: float
    utilisation: float
    visits: int


def station_measures(result: RunResult) -> list[StationMeasures]:
    """Measures of every station (machines with the same capabilities), in scenario order."""
    events = result.events
    start, end = result.start, result.end
    window = end - start
    layout = result.layout
    machines = result.scenario.machines
    station_of_machine: dict[int, int] = {}
    names: list[str] = []
    members: list[list[int]] = []
    for m, machine in enumerate(machines):
        name = "+".join(sorted(capability.step for capability in machine.capabilities))
        if name not in names:
            names.append(name)
            members.append([])
        station_of_machine[m] = names.index(name)
        members[names.index(name)].append(m)
    unit_station = np.array([station_of_machine[r.machine] if r.machine >= 0 else -1 for r in layout.resources])
    clipped = np.clip(events["end"], start, end) - np.clip(events["start"], start, end)
    station_of_event = unit_station[events["resource"]]
    kind = events["kind"]
    in_service_kind = (kind == EventKind.PROCESS) | (kind == EventKind.SETUP)
    wait = kind == EventKind.WAIT
    served_in_window = wait & (events["end"] >= start) & (events["end"] <= end)
    measures = []
    for index, name in enumerate(names):
        mine = station_of_event == index
        in_service = float(clipped[mine & in_service_kind].sum())
        waiting = float(clipped[mine & wait].sum())
        visits_here = events[mine & served_in_window]
        visits = len(visits_here)
        total_wait = float((visits_here["end"] - visits_here["start"]).sum())
        servers = sum(machines[m].capacity for m in members[index])
        measures.append(
            StationMeasures(
                station=name,
                machines=tuple(machines[m].id for m in members[index]),
                servers=servers,
                L=(in_service + waiting) / window if window > 0 else float("nan"),
                Lq=waiting / window if window > 0 else float("nan"),
                Wq=total_wait / visits if visits else float("nan"),
                utilisation=in_service / (servers * window) if window > 0 else float("nan"),
                visits=visits,
            )
        )
    return measures


def queueing_summary(result: RunResult) -> dict[str, float]:
    """Flat measures for replication statistics: network L and W, and per station
    ``L[name]``, ``Lq[name]``, ``Wq[name]``, ``utilisation[name]``, ``visits[name]``."""
    summary: dict[str, float] = {"L": compute_wip_mean(result)}
    lead = lead_times(result)
    summary["W"] = float(lead.mean()) if len(lead) else float("nan")
    for station in station_measures(result):
        for name in ("L", "Lq", "Wq", "utilisation", "visits"):
            summary[f"{name}[{station.station}]"] = float(getattr(station, name))
    return summary
