"""Several processes opening one new results database at once (parallel replications,
sweeps): exactly one creates the schema, and every one of them can then record its run."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

from twin_app.experiments.runner import run_replication
from twin_app.io.scenario_file import load_scenario
from twin_app.store.results_db import ResultsStore, schema_version

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny.json"
PROCESSES = 6


def _open_and_run(args: tuple[str, int, object]) -> str:
    path, replication, barrier = args
    barrier.wait(30)  # type: ignore[attr-defined]
    scenario = load_scenario(TINY)
    return run_replication(scenario, replication=replication, database=Path(path)).status


def test_processes_opening_a_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    for attempt in range(3):  # the race needs several tries to show itself
        path = tmp_path / f"new-{attempt}.sqlite"
        context = multiprocessing.get_context("fork")
        with context.Manager() as manager:
            barrier = manager.Barrier(PROCESSES)
            with context.Pool(PROCESSES) as pool:
                statuses = pool.map(_open_and_run, [(str(path), r, barrier) for r in range(PROCESSES)])
        assert statuses == ["completed"] * PROCESSES
        with ResultsStore(path) as store:
            runs = store.list_runs()
        assert len(runs) == PROCESSES and {run["status"] for run in runs} == {"completed"}
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            conn.close()
