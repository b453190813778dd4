"""How often the analysis lanes ask again while a run grows: by the run's progress and by CPU."""

from __future__ import annotations

import time


def test_a_lane_asks_again_only_once_the_run_has_grown_and_its_cpu_share_allows():
    from twin_app.experiments.analysis_lanes import ANALYSIS_SHARE, GROWTH, _Lane

    lane = _Lane("heavy")
    lane.submitted_size, lane.submitted_at, lane.last_seconds = 100_000, time.perf_counter() - 3600, 0.0
    grown = int(100_000 * (1 + GROWTH["heavy"]))
    assert not lane.due(grown - 1)  # a slow simulation does not make the money be worked out more often
    assert lane.due(grown)
    lane.submitted_at, lane.last_seconds = time.perf_counter(), 2.0  # its last answer took 2 s of CPU
    assert not lane.due(10 * grown)  # however much the run grew: at most ANALYSIS_SHARE of a core
    lane.submitted_at -= 2.0 / ANALYSIS_SHARE
    assert lane.due(10 * grown)
    assert GROWTH["cheap"] < GROWTH["heavy"]  # the figures beside the money keep up more closely


def test_an_answer_carries_its_cpu_time_which_paces_the_lane(tiny):
    from twin_app.experiments.analysis_lanes import AnalysisLanes
    from twin_app.model.layout import Layout
    from twin_app.sim.engine import Simulation

    lanes = AnalysisLanes()
    try:
        lanes.open(tiny, Layout.build(tiny))
        simulation = Simulation(tiny, observers=lanes.observers())
        simulation.advance(1000.0)
        lanes.schedule(("durations", "kpis"), 1, tiny.run.warmup, settled=True, size=1)
        for lane in lanes.lanes:
            assert lane.process.wait_idle(60)
        finished = lanes.collect()
        assert len(finished) == 2 and all(f.error is None for f in finished)
        assert all(0 < f.cpu_seconds <= f.seconds + 0.05 for f in finished)
        assert [lane.last_seconds for lane in lanes.lanes] == [
            next(f.cpu_seconds for f in finished if set(f.parts) & set(parts)) for parts in (("durations",), ("kpis",))
        ]
    finally:
        lanes.close()
