"""What is happening in a running simulation *now*: vehicles on the road and parts in queues.

The event log tells what happened (an interval is logged when it ends), so it cannot show a
truck half way down a lane or the parts waiting at a site this minute. :func:`probe_live_state`
reads them from the running :class:`~twin_app.sim.engine.Simulation` itself, on the
simulation's thread between two slices (see ``SimRunner(probe=...)``; in the app that thread is
in the simulation's own process), and returns a small immutable :class:`LiveState` the map
animates (it is pickled on its way to the app).

It reads, and only reads: each lane operator's trips under way and vehicles driving back, and
each dispatch queue's waiting operations. Where a vehicle is on its lane is estimated from the
time since it left and the lane's mean transit time (the drawn transit time is not kept), and
a loaded trip is drawn from the lane's origin to its destination, an empty one back (the
engine does not record which end a trip left from).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class LiveState:
    """Vehicles on the road and operations waiting, at simulated time ``now``."""

    now: float
    vehicle_lane: np.ndarray
    """Scenario lane index of each vehicle under way."""
    vehicle_progress: np.ndarray
    """How far along its lane each vehicle is, 0 (origin) to 1 (destination)."""
    vehicle_loaded: np.ndarray
    """True for a vehicle carrying parts, False for one driving back empty."""
    vehicle_load: np.ndarray
    """Units each vehicle carries (0 when empty)."""
    node_queue: np.ndarray
    """Operations waiting for a machine, per network node (sites first, then customers)."""


def empty_live_state(n_nodes: int = 0) -> LiveState:
    """Nothing under way and nothing waiting (before a run, after a reset)."""
    return LiveState(
        0.0,
        np.zeros(0, np.int64),
        np.zeros(0),
        np.zeros(0, bool),
        np.zeros(0),
        np.zeros(n_nodes),
    )


def probe_live_state(sim: Any) -> LiveState:
    """The live state of ``sim`` (a running Simulation); call it on the simulation's thread."""
    now = float(sim.now)
    lanes, progress, loaded, load = [], [], [], []
    for index, operator in enumerate(sim.lanes):
        mean = max(float(operator.lane.transit.mean), 1e-9)
        for trip in operator._trips.values():
            lanes.append(index)
            progress.append((now - trip.departed) / mean)
            loaded.append(True)
            load.append(trip.carried)
        for since in operator._returning.values():
            lanes.append(index)
            progress.append(1.0 - (now - since) / mean)
            loaded.append(False)
            load.append(0.0)
    queue = np.zeros(len(sim.network.node_ids))
    for group in sim.dispatcher.groups:
        waiting = len(group.heap) + len(group.dynamic)
        if waiting:
            nodes = {unit.node for unit in group.units}
            for node in nodes:  # a pooled queue served at several sites counts at each in part
                queue[node] += waiting / len(nodes)
    return LiveState(
        now,
        np.array(lanes, dtype=np.int64),
        np.clip(np.array(progress, dtype=np.float64), 0.0, 1.0),
        np.array(loaded, dtype=bool),
        np.array(load, dtype=np.float64),
        queue,
    )
