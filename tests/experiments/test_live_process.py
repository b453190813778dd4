"""The live simulation in its own process: the app gets exactly the headless run's events,
commands reach it, and a failure or a killed process is a clear error, never a hang."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import numpy as np

from tests.conftest import SAMPLES
from tests.experiments.live_helpers import Exploding, poll_until
from twin_app.analysis.collector import EventCollector
from twin_app.experiments.live_record import LiveRecord
from twin_app.experiments.session import Ended, Failed, PausedAt, RunSession
from twin_app.io.scenario_file import load_scenario
from twin_app.sim.engine import Simulation
from twin_app.store.results_db import ResultsStore

DEMO = Path(__file__).resolve().parents[2] / "sample_networks" / "cloud_factory_demo.json"


def test_the_app_gets_the_headless_runs_events_byte_for_byte(session):
    demo = load_scenario(DEMO)
    headless = EventCollector()
    Simulation(demo, observers=[headless]).run()

    session.open(demo)
    session.set_speed(60.0, True)
    assert session.run(pause_at=1440.0)
    seen = poll_until(session, lambda: session.state == "paused")
    assert [u.now for u in seen if isinstance(u, PausedAt)] == [1440.0]
    for _ in range(5):  # single events, a paced stretch, then flat out to the end:
        assert session.step()  # commands do not change the run
    session.set_speed(1440.0, False)
    assert session.run()
    poll_until(session, lambda: session.now > 1500.0)
    session.set_speed(60.0, True)
    seen = poll_until(session, lambda: session.state == "finished")
    assert next(u for u in seen if isinstance(u, Ended)).end.status == "completed"
    assert len(session.collector.events) == len(headless.events) > 10_000
    assert session.collector.events.tobytes() == headless.events.tobytes()
    assert session.collector.orders.tobytes() == headless.orders.tobytes()


def test_the_run_ends_its_process_and_reset_leaves_none(session, tiny):
    session.open(tiny)
    session.set_speed(10.0, False)  # slow: still running when reset
    session.run()
    poll_until(session, lambda: session.now > 0)
    runner = session.runner
    assert runner is not None and runner.alive
    assert session.reset() and session.state == "ready"
    assert not runner.alive  # its memory went with it
    session.set_speed(60.0, True)
    session.run()
    poll_until(session, lambda: session.state == "finished")
    runner = session.runner
    assert runner is not None and runner.join(10) and not runner.alive  # ended: it exits by itself


def test_an_observer_failing_in_the_simulation_process_reaches_the_user(session, tiny):
    session.open(tiny)
    session.extra_observers.append(Exploding())
    session.set_speed(60.0, True)
    session.run()
    seen = poll_until(session, lambda: session.state == "failed")
    failure = next(u for u in seen if isinstance(u, Failed))
    assert "bad batch on purpose" in failure.message and "Traceback" in failure.details


def test_an_observer_that_cannot_be_sent_is_a_failed_run_not_a_crash(session, tiny):
    class Local(Exploding):  # defined in a function: it cannot be pickled
        pass

    session.open(tiny)
    session.extra_observers.append(Local())
    session.run()
    seen = poll_until(session, lambda: session.state == "failed")
    assert any(isinstance(u, Failed) and "Local" in u.message for u in seen)


def test_a_killed_simulation_process_is_a_clear_error_and_the_store_stays_readable(session, tmp_path):
    demo = load_scenario(DEMO)
    database = tmp_path / "results.sqlite"
    record = LiveRecord(database, demo)
    session.open(demo)
    session.extra_observers.append(record.writer)
    session.set_speed(2000.0, False)  # paced, so it is killed mid-run
    session.run()
    poll_until(session, lambda: session.now > 600 and session.run_info is not None)
    record.started(session.run_info)
    assert session.runner is not None
    os.kill(session.runner.pid, signal.SIGKILL)
    seen = poll_until(session, lambda: session.state == "failed", 30.0)
    failure = next(u for u in seen if isinstance(u, Failed))
    assert "SIGKILL" in failure.message and "Reset" in failure.message
    assert session.can("reset") and not session.can("run")

    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with ResultsStore(database) as store:
        run = store.load_run(record.run_id)
        assert run["status"] == "incomplete"
        stored = store.load_events(record.run_id)
    assert 0 < len(stored) <= session.events_ingested

    assert session.reset()  # and the next run goes as usual
    session.set_speed(60.0, True)
    session.run()
    poll_until(session, lambda: session.state == "finished")
    assert session.run_end is not None and session.run_end.status == "completed"
    assert np.isfinite(session.collector.orders["completed"]).any()


def test_the_app_keeps_the_next_runs_process_started_ahead(tiny):
    session = RunSession(prestart=True)
    try:
        assert session.wait_ready(60)  # ready before any scenario
        spare = session._spare.result()
        session.open(tiny)
        assert session._spare.result() is spare  # opening a scenario does not start another
        session.set_speed(60.0, True)
        session.run()
        assert session.runner is not None and session.runner.pid == spare.process.pid  # the run took it
        poll_until(session, lambda: session.state == "finished")
        assert session.run_end is not None and session.run_end.status == "completed"
        assert session.events_ingested > 100
        session.reset()  # the next one is started
        following = session._spare.result()
        assert following is not None and following is not spare and following.process.is_alive()
    finally:
        session.close()
    following.process.join(10)
    assert not following.process.is_alive()  # closing ends the unused one


def test_reset_does_not_wait_for_the_next_runs_process_to_start(tiny, monkeypatch):
    """Starting a process took 20-200 ms of the window's thread at every Reset: it is started
    on a thread of its own, and the run that follows takes it once it is up."""
    import threading

    from twin_app.experiments import session as session_module
    from twin_app.experiments.live_process import SimulationProcess

    gate, started = threading.Event(), []

    class HeldStart(SimulationProcess):
        def __init__(self) -> None:
            gate.wait(30.0)  # (a caller that waited for it would go on after this, and fail below)
            super().__init__()
            started.append(self)

    monkeypatch.setattr(session_module, "SimulationProcess", HeldStart)
    session = RunSession(prestart=True)
    try:
        session.open(tiny)
        session.reset()
        assert started == []  # neither the session nor its Reset waited for the start
        gate.set()
        assert session.wait_ready(60)
        session.set_speed(60.0, True)
        session.run()
        assert session.runner is not None and session.runner.pid == started[0].process.pid
        poll_until(session, lambda: session.state == "finished")
        assert session.run_end is not None and session.run_end.status == "completed"
    finally:
        session.close()


def test_the_process_started_ahead_has_imported_what_a_desktop_runs_unpickling_needs(tmp_path):
    """Unpickling the run in the simulation's process imported sqlite-utils and its
    dependencies (the results database's writer): 100 of the 140 ms between the demo's Run
    and its first simulated minute. The process started ahead imports them while it waits."""
    import pickle
    import subprocess
    import sys

    from twin_app.experiments.live import default_factory
    from twin_app.experiments.live_state import probe_live_state

    scenario = load_scenario(SAMPLES / "cloud_factory_demo.json")
    record = LiveRecord(tmp_path / "results.sqlite", scenario)
    payload = tmp_path / "run.pickle"
    payload.write_bytes(pickle.dumps((default_factory(scenario), (record.writer,), probe_live_state, 60.0, True, None)))
    child = (
        "import pickle, sys\n"
        "from twin_app.experiments.live_process import import_run_modules\n"
        "import_run_modules()\n"
        "before = set(sys.modules)\n"
        f"pickle.loads(open({str(payload)!r}, 'rb').read())\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_the_session_wakes_its_caller_when_the_run_ends(session, tiny):
    """A caller that polls slowly (the window, at 4 Hz on a flat-out run) is told at once."""
    import threading

    woke = threading.Event()
    session.wake = woke.set
    session.open(tiny)
    session.set_speed(1440.0, True)
    assert session.run()
    assert woke.wait(60)
    assert any(isinstance(update, Ended) for update in session.poll())
