"""The run session without Qt: states, ingest, analyses off the caller's thread, run_to."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
import pytest

from tests.experiments.live_helpers import Exploding, poll_until
from twin_app.analysis.kpis import compute_kpis
from twin_app.analysis.snapshot import PARTS
from twin_app.experiments.session import Analysed, Batch, Ended, Failed


def test_a_run_to_the_end_hands_over_every_event_and_analyses_it(session, tiny):
    session.open(tiny)
    session.set_speed(60.0, True)
    session.want(("kpis", "owner_table"))
    assert session.run()
    seen = poll_until(session, lambda: session.state == "finished" and not session.analysing(("kpis",)))
    assert session.fresh(("kpis", "owner_table"))  # not 'done' before the final figures
    batches = [u.batch for u in seen if isinstance(u, Batch)]
    assert sum(len(b.events) for b in batches) == session.events_ingested == len(session.collector.events) > 100
    assert next(u for u in seen if isinstance(u, Ended)).end.status == "completed"
    assert any(isinstance(u, Analysed) for u in seen)
    # The figures are those of the finished run, the same as computing them directly.
    direct = compute_kpis(session.current_result())
    assert session.analysis is not None and session.analysis.kpis == direct


def test_stop_is_final_until_reset(session, tiny):
    session.open(tiny)
    session.set_speed(30.0, False)
    assert session.run()
    poll_until(session, lambda: session.now > 0, 30.0)
    assert session.toggle() and session.state == "paused"
    assert session.toggle() and session.state == "running"
    assert session.stop()
    poll_until(session, lambda: session.state == "finished", 30.0)
    assert session.run_end.status == "stopped"
    assert not session.run() and not session.toggle()  # Space after Stop does not start over
    assert session.state == "finished" and session.events_ingested > 0
    assert session.reset() and session.state == "ready"
    assert session.events_ingested == 0 and session.now == 0 and len(session.collector.events) == 0


def test_unfinished_means_there_is_something_to_lose(session, tiny):
    assert not session.unfinished
    session.open(tiny)
    assert not session.unfinished
    session.set_speed(10.0, False)
    session.run()
    assert session.unfinished
    session.pause()
    assert session.unfinished
    session.discard()
    assert not session.unfinished and session.state == "ready"


def test_a_failing_run_reports_and_ends_failed(session, tiny):
    session.open(tiny)
    session.extra_observers.append(Exploding())
    session.set_speed(60.0, True)
    session.run()
    seen = poll_until(session, lambda: session.state == "failed", 30.0)
    failure = next(u for u in seen if isinstance(u, Failed))
    assert "bad batch on purpose" in failure.message and "Traceback" in failure.details
    assert session.can("reset") and not session.can("run")


def test_run_to_is_synchronous_and_ends_the_run(session, tiny):
    session.open(tiny)
    updates = session.run_to(1000.0)
    assert session.state == "finished" and session.run_end.status == "stopped"
    assert session.now == pytest.approx(1000.0)
    assert sum(len(u.batch.events) for u in updates if isinstance(u, Batch)) == session.events_ingested > 0
    assert session.live is not None and session.live.now == pytest.approx(1000.0)
    analysis = session.analyse_now(PARTS)
    assert analysis is not None and all(analysis.has(p) for p in PARTS)


def test_each_analysis_part_is_computed_once_and_shared(session, tiny, monkeypatch):
    from twin_app.analysis import snapshot

    calls = {"sweep": 0}
    original = snapshot.state_segments

    def counting(result, machines_only=False):
        calls["sweep"] += 1
        return original(result, machines_only)

    monkeypatch.setattr(snapshot, "state_segments", counting)
    session.open(tiny)
    session.run_to(2000.0)
    analysis = session.analyse_now(("kpis", "owner_table", "durations", "utilisation_over_time", "bottlenecks"))
    assert calls["sweep"] == 1  # one sweep of the log feeds every view
    assert np.allclose(analysis.durations.sum(axis=1), analysis.result.duration)


def test_the_live_state_shows_vehicles_and_queues(session):
    from twin_app.io.scenario_file import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "sample_networks" / "cloud_factory_demo.json")
    session.open(scenario)
    session.run_to(3000.0)
    live = session.live
    assert live is not None
    assert len(live.node_queue) == len(session.network.node_ids)
    assert np.all((live.vehicle_progress >= 0) & (live.vehicle_progress <= 1))
    assert np.all(live.vehicle_lane < len(scenario.lanes))
    # In three days of the demo, something is on the road or waiting somewhere.
    assert len(live.vehicle_lane) + live.node_queue.sum() > 0


def test_an_analysis_that_fails_in_its_process_reaches_the_user(session, tiny):
    session.open(tiny)
    session.run_to(500.0)
    session.want(("no such part",))
    seen = poll_until(session, lambda: session.last_error is not None, 30.0)
    failure = next(u for u in seen if isinstance(u, Failed))
    assert "no such part" in failure.message and "Traceback" in failure.details


def test_the_money_never_keeps_the_cheap_figures_waiting(session, tiny):
    """The KPIs are computed in a process of their own: while it is stuck (here: stopped), the
    utilisation figures of the newest data still arrive, and the KPIs say they are coming."""
    session.open(tiny)
    session.run_to(1000.0)
    session.want(("kpis",))
    poll_until(session, lambda: session.fresh(("kpis",)), 60.0)
    session.want(())
    session.run_to(2000.0)  # (a new run: the analysis processes that held the last one are new too)
    heavy = session.analyses.lanes[1].process.pid
    assert heavy is not None
    os.kill(heavy, signal.SIGSTOP)
    try:
        session.want(("kpis", "durations", "utilisation_over_time"))
        poll_until(session, lambda: session.fresh(("durations", "utilisation_over_time")), 60.0)
        assert not session.fresh(("kpis",)) and session.analysing(("kpis",))
        assert not session.analysing(("durations",))
    finally:
        os.kill(heavy, signal.SIGCONT)
    poll_until(session, lambda: session.fresh(("kpis",)), 60.0)
    assert session.analysis.kpis == compute_kpis(session.current_result())
    assert np.allclose(session.analysis.durations.sum(axis=1), session.analysis.result.duration)


class _SlowToStop:
    """A run's process that takes its time to end after stop (then had to be killed)."""

    def __init__(self) -> None:
        import threading

        self.stopped = False
        self.release = threading.Event()

    def stop(self) -> None:
        self.stopped = True

    def join(self, timeout: float | None = None) -> bool:
        self.release.wait(10)
        return False


def test_reset_does_not_wait_for_the_runs_process_and_says_later_if_it_had_to_be_killed(session, tiny):
    """The window's Reset waited ~100 ms on the large network for the simulation's process to
    close its results database and end; it now goes on at once, and a process that had to be
    killed is reported on a later poll."""
    from twin_app.experiments.session import SLOW_TO_STOP

    session.open(tiny)
    slow = _SlowToStop()
    session.runner = slow
    assert session.discard(wait=False)  # returned while the process is still ending
    assert slow.stopped and session.runner is None and session.state == "ready"
    assert session.take_notices() == []
    slow.release.set()
    poll_until(session, lambda: SLOW_TO_STOP in session._notices, 10.0)
    assert session.take_notices() == [SLOW_TO_STOP] and session.take_notices() == []


def test_final_figures_are_not_said_to_be_updating_while_a_lane_finishes_an_older_request(session, tiny):
    """Once a paused run's figures are computed from all of it, nothing newer can come: a lane
    still busy with an older request (the money's, niced, from mid-run) must not keep the
    'Updating figures' badge up (T8: ~4 s after the final money was on screen)."""
    session.open(tiny)
    session.run_to(1000.0)
    session.want(("kpis",))
    poll_until(session, lambda: session.fresh(("kpis",)), 60.0)
    heavy = session.analyses.lanes[1]
    assert heavy.process.pid is not None
    os.kill(heavy.process.pid, signal.SIGSTOP)
    try:
        heavy.process.submit(("kpis",), tiny.run.warmup)  # a request the lane is still busy with
        assert heavy.process.busy and session.analyses.busy_with(("kpis",))
        assert session.state != "running" and not session.analysing(("kpis",))
    finally:
        os.kill(heavy.process.pid, signal.SIGCONT)
