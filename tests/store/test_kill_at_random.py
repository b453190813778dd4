"""``twin-app run`` killed (SIGKILL) at seeded random moments, again and again, into one
database: after every kill the database passes integrity_check, the runs completed before read
back whole (status, KPIs, events), the killed run reads 'incomplete' (never 'completed' without
its KPIs), and the next run completes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from twin_app.store.results_db import ResultsStore

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.json"
KILLS = 6
SEED = 20261130


def start(database: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "twin_app.cli", "run", str(TINY), "--until", "60000", "--db", str(database)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def incomplete(database: Path) -> int:
    if not database.exists():
        return 0
    with ResultsStore(database) as store:
        return sum(run["status"] != "completed" for run in store.list_runs())


def registered(database: Path, runs: int, process: subprocess.Popen[bytes]) -> None:
    """Wait until the database holds ``runs`` runs (the new one has begun), or the process ended."""
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1)  # (never creates it)
            try:
                if conn.execute("SELECT count(*) FROM runs").fetchone()[0] >= runs:
                    return
            finally:
                conn.close()
        except sqlite3.Error:
            pass  # not created yet
        time.sleep(0.05)


def check(database: Path, completed: dict[str, tuple[dict, int]]) -> dict[str, tuple[dict, int]]:
    """Integrity, the earlier completed runs unchanged, every other run 'incomplete'; returns
    the completed runs now (KPIs and event count by id)."""
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    now: dict[str, tuple[dict, int]] = {}
    with ResultsStore(database) as store:
        for run in store.list_runs():
            if run["status"] == "completed":
                assert run["kpis"] and run["kpis"]["orders_completed"] > 0, run["id"]
                now[run["id"]] = (run["kpis"], len(store.load_events(run["id"])))
            else:
                assert run["status"] == "incomplete", run
    for run_id, before in completed.items():
        assert now[run_id] == before, f"completed run {run_id} changed after a kill"
    return now


def test_runs_killed_at_random_moments_leave_a_sound_database(tmp_path: Path) -> None:
    database = tmp_path / "results.sqlite"
    rng = np.random.default_rng(SEED)
    # One whole run first: how long a run takes on this machine sets when the kills fall (a fixed
    # span missed the run on a fast, quiet machine and landed inside it only under load).
    first = start(database)
    registered(database, 1, first)
    began = time.monotonic()
    assert first.wait(300) == 0
    duration = time.monotonic() - began  # from registration to exit: simulating, measuring, storing
    completed = check(database, {})
    killed_running = 0
    for _ in range(KILLS):
        runs_before = len(completed) + incomplete(database)
        process = start(database)
        registered(database, runs_before + 1, process)
        time.sleep(float(rng.uniform(0.0, 0.95)) * duration)  # mid-run, while measuring or storing
        finished = process.poll() is not None
        if not finished:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(60)
        killed_running += not finished
        if database.exists():
            completed = check(database, completed)
    assert killed_running >= KILLS // 2  # most kills landed while the process ran
    final = start(database)
    assert final.wait(300) == 0
    after = check(database, completed)
    assert len(after) == len(completed) + 1  # the next run completed
    with ResultsStore(database) as store:
        statuses = [run["status"] for run in store.list_runs()]
    assert statuses.count("incomplete") >= KILLS // 2  # most kills landed in a run
