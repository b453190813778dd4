"""The desktop app's live run in the results database, stored as ``twin-app run`` stores a run.

:class:`LiveRecord` is the run's :class:`~twin_app.store.results_db.StoreWriter` (an observer
on the simulation thread: the run row when it starts, every batch of events as it comes) plus
the last step the CLI also takes: the final status stored together with the KPIs. Until then
the row says 'running', so a run that never got its KPIs (discarded by Reset, the app closed
or killed) reads back as 'incomplete', exactly like a CLI run that was killed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from twin_app.model.events import RunEnd, RunInfo
from twin_app.model.scenario import Scenario
from twin_app.store.results_db import ResultsStore, StoreWriter


def run_settings(scenario: Scenario) -> dict[str, Any]:
    """The settings a run row records (the keys ``twin-app run`` writes, and where it ran)."""
    return {
        "mode": scenario.platform.mode,
        "assignment": scenario.platform.assignment,
        "sequencing": scenario.platform.sequencing,
        "horizon": scenario.run.horizon,
        "warmup": scenario.run.warmup,
        "origin": "desktop",
    }


class LiveRecord:
    """Stores one live run of ``scenario`` in ``database`` (see the module docstring)."""

    def __init__(self, database: Path, scenario: Scenario) -> None:
        self.database = database
        ResultsStore(database).close()  # create or migrate the file here, not on the simulation thread
        placeholder = RunInfo("", scenario.name, scenario.run.seed, 0, scenario.run.horizon or float("nan"), 0.0)
        self.writer = StoreWriter(database, scenario, placeholder, run_settings(scenario), hold_status=True)
        self.stored = False

    @property
    def run_id(self) -> str:
        """The run's id (empty until the run has started)."""
        return self.writer.run_id

    def complete(self, end: RunEnd, kpis: dict[str, Any]) -> None:
        """Store the final status (the run's own: completed, stopped or failed) with its KPIs."""
        with ResultsStore(self.database) as store:
            store.complete_run(self.run_id, end.status, end.message, kpis)
        self.stored = True
