"""A run stopped by Ctrl+C or kill ends cleanly: partial KPIs stored as 'stopped', a shell exit code."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from twin_app.store.results_db import ResultsStore

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.json"


def _started(database: Path, runs: int) -> bool:
    """Whether ``runs`` runs are recorded and have simulated some time."""
    if not database.exists():
        return False
    try:
        conn = sqlite3.connect(database, timeout=1)
        try:
            rows = conn.execute("SELECT sim_time FROM runs").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return len(rows) >= runs and all(row[0] > 0 for row in rows)


@pytest.mark.parametrize(
    ("signum", "replications", "code"),
    [(signal.SIGTERM, 1, 143), (signal.SIGINT, 1, 130), (signal.SIGTERM, 3, 143)],
)
def test_a_signal_stops_the_run_and_keeps_its_partial_results(tmp_path: Path, signum, replications, code) -> None:
    database = tmp_path / "results.sqlite"
    command = [
        sys.executable,
        "-m",
        "twin_app.cli",
        "run",
        str(TINY),
        "--until",
        "10000000",
        "--replications",
        str(replications),
        "--db",
        str(database),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not _started(database, min(replications, 2)) and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
        os.kill(process.pid, signum)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, err
    assert "Traceback" not in err
    assert "stored as 'stopped'" in err and "Orders completed" in out
    with ResultsStore(database) as store:
        runs = store.list_runs()
    assert runs and {run["status"] for run in runs} == {"stopped"}
    assert len(runs) <= min(replications, 2)  # a replication not begun when the signal came never starts
    assert all(run["kpis"] and run["kpis"]["orders_completed"] > 0 for run in runs)


def test_main_leaves_the_callers_sigterm_handler_in_place() -> None:
    from twin_app.cli import main

    before = signal.getsignal(signal.SIGTERM)
    assert main(["validate", str(TINY)]) == 0
    assert signal.getsignal(signal.SIGTERM) is before
