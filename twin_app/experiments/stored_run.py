"""A past run read back from the results database, ready to be shown again without simulating.

:func:`load_stored_run` reads what :meth:`~twin_app.experiments.session.RunSession.show_stored`
needs: the scenario the run was made with, its RunInfo, its event and order logs and how it
ended. A run that never finished ('incomplete') is shown as stopped where its log ends.
Reading a long log takes seconds, so the desktop app calls this off its GUI thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from twin_app.errors import TwinError
from twin_app.model.events import RunEnd, RunInfo
from twin_app.model.scenario import Scenario


@dataclass(frozen=True, slots=True)
class StoredRun:
    """A stored run: what the views need, and its status and start time as listed."""

    scenario: Scenario
    info: RunInfo
    events: np.ndarray
    orders: np.ndarray
    end: RunEnd
    status: str
    started_at: str


def load_stored_run(database: Path, run_id: str) -> StoredRun:
    """Read run ``run_id`` of ``database``; TwinError if it is not there or kept no event log."""
    from twin_app.store.results_db import ResultsStore

    with ResultsStore(database) as store:
        run = store.load_run(run_id)
        if not run.get("events_kept", 1):
            raise TwinError(f"run {run_id} is a task of an experiment: only its KPIs were kept, not its events")
        scenario = store.load_scenario(run_id)
        events = store.load_events(run_id)
        orders = store.load_orders(run_id)
    horizon = run["horizon"] if run["horizon"] is not None else math.nan
    info = RunInfo(run_id, run["scenario_name"], run["seed"], run["replication"], horizon, run["warmup"])
    status = run["status"] if run["status"] in ("completed", "stopped", "failed") else "stopped"
    message = run["message"] or ("" if status == run["status"] else f"{run['status']}: the run never finished")
    end = RunEnd(float(run["sim_time"]), status, message)
    return StoredRun(scenario, info, events, orders, end, run["status"], run["started_at"])
