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


def desktop_origin(path: Path | None, edited: bool) -> dict[str, Any]:
    """What started a run of the desktop app, as its run row records it: the app, the user's
    file by name (None: never saved) and whether the scenario run differs from that file (edits
    not saved), so the history tells a sample from its edited variant of the same name."""
    return {
        "origin": "desktop",
        "file": path.name if path is not None else None,
        "edited": bool(edited or path is None),
    }


def scenario_label(name: str, settings: dict[str, Any]) -> str:
    """A run's scenario as the history shows it: the file first (``asset_light.json (edited)``)
    then the scenario's name, so rows of a sample and its variant differ even when cut short;
    a run without a recorded file (older runs, the CLI) shows its name only."""
    file = settings.get("file")
    if not file and not settings.get("edited"):
        return name
    shown = f"{file or 'unsaved scenario'}{' (edited)' if settings.get('edited') and file else ''}"
    return f"{shown}: {name}" if name else shown


def origin_text(settings: dict[str, Any]) -> str:
    """Who started the run, in words ("the app", "the CLI")."""
    origin = settings.get("origin", "cli")
    return {"desktop": "the app", "cli": "the CLI"}.get(origin, f"the {origin}")


def run_settings(scenario: Scenario, origin: dict[str, Any] | None = None) -> dict[str, Any]:
    """The settings a run row records (the keys ``twin-app run`` writes, and where it ran)."""
    return {
        "mode": scenario.platform.mode,
        "assignment": scenario.platform.assignment,
        "sequencing": scenario.platform.sequencing,
        "horizon": scenario.run.horizon,
        "warmup": scenario.run.warmup,
        **(origin if origin is not None else {"origin": "desktop"}),
    }


class LiveRecord:
    """Stores one live run of ``scenario`` in ``database`` (see the module docstring)."""

    def __init__(self, database: Path, scenario: Scenario, origin: dict[str, Any] | None = None) -> None:
        self.database = database
        ResultsStore(database).close()  # create or migrate the file here, before the run starts
        placeholder = RunInfo("", scenario.name, scenario.run.seed, 0, scenario.run.horizon or float("nan"), 0.0)
        self.writer = StoreWriter(database, scenario, placeholder, run_settings(scenario, origin), hold_status=True)
        """The observer to attach to the run (a copy of it runs in the simulation's process)."""
        self.run_id = ""
        """The run's id: empty until :meth:`started` (the writer's own copy learns it elsewhere)."""
        self.stored = False

    def started(self, info: RunInfo) -> None:
        """The run has started (its first message reached the app): remember its id."""
        self.run_id = info.run_id

    def complete(self, end: RunEnd, kpis: dict[str, Any]) -> None:
        """Store the final status (the run's own: completed, stopped or failed) with its KPIs."""
        with ResultsStore(self.database) as store:
            store.complete_run(self.run_id, end.status, end.message, kpis)
        self.stored = True
