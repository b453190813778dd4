"""The README's headline command on a machine that never ran the twin: many
``twin-app run FILE --replications 2 --db NEW`` processes at once, each onto a new database or
several onto one new database, all succeed and leave sound databases with every run completed."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from twin_app.store.results_db import ResultsStore

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.json"
OWN_DATABASES = 20
SHARING_ONE = 6


def start(database: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "twin_app.cli", "run", str(TINY), "--until", "1440", "--replications", "2"]
    command += ["--db", str(database)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_all(processes: list[subprocess.Popen[str]]) -> None:
    try:
        for process in processes:
            _, err = process.communicate(timeout=600)
            assert process.returncode == 0, err
            assert "Traceback" not in err
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()


def sound(database: Path) -> list[dict]:
    """The runs of ``database`` after PRAGMA integrity_check says ok."""
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    with ResultsStore(database) as store:
        return store.list_runs()


def test_twenty_parallel_replication_runs_on_new_databases_all_succeed(tmp_path: Path) -> None:
    databases = [tmp_path / f"fresh-{i}" / "results.sqlite" for i in range(OWN_DATABASES)]
    finish_all([start(database) for database in databases])
    for database in databases:
        runs = sound(database)
        assert len(runs) == 2 and {run["status"] for run in runs} == {"completed"}
        assert all(run["kpis"]["orders_completed"] > 0 for run in runs)


def test_parallel_replication_runs_onto_one_new_database_all_succeed(tmp_path: Path) -> None:
    database = tmp_path / "shared.sqlite"
    finish_all([start(database) for _ in range(SHARING_ONE)])
    runs = sound(database)
    assert len(runs) == 2 * SHARING_ONE and {run["status"] for run in runs} == {"completed"}
