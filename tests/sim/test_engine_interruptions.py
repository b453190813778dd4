"""Breakdowns, shift calendars, the horizon and warm-up: exact logs with constant times.

Failures use constant MTBF/MTTR: the time to the next failure counts from the repair (calendar
time, busy or not), so with mtbf 10 and mttr 3 the unit is down 10-13, 23-26, 36-39, ...
"""

from __future__ import annotations


def machine(time, **extra):
    return {"id": "M", "site": "s", "capabilities": [{"step": "cut", "time": time}], "cost": {"running": 2}, **extra}


PRODUCT = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]


# --------------------------------------------------------------------------------------------
# Breakdowns
# --------------------------------------------------------------------------------------------


def test_breakdown_splits_processing_around_the_down_interval(twin) -> None:
    m = machine(25, failures={"mtbf": 10, "mttr": 3})
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P"}]))
    # 25 minutes of work: 10 before the first failure, 10 between, 5 after the second repair.
    assert run.brief() == [
        ("WAIT", 0.0, 0.0, 0, 0),
        ("PROCESS", 0.0, 10.0, 0, 0),
        ("DOWN", 10.0, 13.0, 0, -1),
        ("PROCESS", 13.0, 23.0, 0, 0),
        ("DOWN", 23.0, 26.0, 0, -1),
        ("PROCESS", 26.0, 31.0, 0, 0),
    ]
    process = run.log("PROCESS")
    assert sum(r.end - r.start for r in process) == 25.0
    assert sum(r.cost for r in process) == 50.0  # running rate x processing time, not x elapsed
    assert run.completed() == [31.0]


def test_no_work_starts_while_down_and_the_queue_resumes_at_repair(twin) -> None:
    m = machine(4, failures={"mtbf": 10, "mttr": 5})
    # first job 0-4; the second arrives at 11 while the machine is down (10-15)
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P", "release": 0}, {"product": "P", "release": 11}]))
    assert run.brief() == [
        ("WAIT", 0.0, 0.0, 0, 0),
        ("PROCESS", 0.0, 4.0, 0, 0),
        ("DOWN", 10.0, 15.0, 0, -1),
        ("WAIT", 11.0, 15.0, 0, 1),
        ("PROCESS", 15.0, 19.0, 0, 1),
    ]


def test_each_unit_of_a_machine_fails_on_its_own(twin) -> None:
    m = machine(30, capacity=2, failures={"mtbf": 10, "mttr": 2})
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P"}, {"product": "P"}]))
    for unit in (0, 1):
        assert [(r.kind, r.start, r.end) for r in run.log() if r.resource == unit and r.kind != "WAIT"] == [
            ("PROCESS", 0.0, 10.0),
            ("DOWN", 10.0, 12.0),
            ("PROCESS", 12.0, 22.0),
            ("DOWN", 22.0, 24.0),
            ("PROCESS", 24.0, 34.0),
        ]


def test_setup_in_progress_pauses_at_a_breakdown_and_resumes(twin) -> None:
    m = {
        "id": "M",
        "site": "s",
        "capabilities": [{"step": "cut", "time": 3}, {"step": "drill", "time": 2}],
        "failures": {"mtbf": 5, "mttr": 2},
        "setup_default": 4,
    }
    products = [
        {"id": "A", "family": "a", "routing": [{"capabilities": ["cut"]}]},
        {"id": "B", "family": "b", "routing": [{"capabilities": ["drill"]}]},
    ]
    run = twin.simulate(twin.build([m], products, [{"product": "A"}, {"product": "B"}]))
    # A 0-3; setup 3-5 (2 of 4), down 5-7, setup 7-9, B 9-11 (next failure at 12)
    assert run.brief("PROCESS", "SETUP", "DOWN") == [
        ("PROCESS", 0.0, 3.0, 0, 0),
        ("SETUP", 3.0, 5.0, 0, 1),
        ("DOWN", 5.0, 7.0, 0, -1),
        ("SETUP", 7.0, 9.0, 0, 1),
        ("PROCESS", 9.0, 11.0, 0, 1),
    ]
    assert run.completed() == [3.0, 11.0]


def test_work_that_ends_exactly_when_the_machine_fails_is_finished(twin) -> None:
    # 4 minutes of work, failure at 4: the job is done at 4; the breakdown does not hold it
    # until the repair (no zero-length PROCESS after the DOWN, delivered at 4, not 7). The
    # horizon keeps the run going past the delivery so the breakdown shows in the log.
    m = machine(4, failures={"mtbf": 4, "mttr": 3})
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P"}], run={"horizon": 7}))
    assert run.brief("PROCESS", "DOWN") == [("PROCESS", 0.0, 4.0, 0, 0), ("DOWN", 4.0, 7.0, 0, -1)]
    assert run.completed() == [4.0]


# --------------------------------------------------------------------------------------------
# Shift calendars
# --------------------------------------------------------------------------------------------

SHIFTS = {"period": 10, "windows": [[2, 6]]}  # on shift 2-6, 12-16, 22-26, ...


def test_off_shift_intervals_and_work_paused_over_the_night(twin) -> None:
    m = machine(3, shifts=SHIFTS)
    orders = [{"product": "P", "release": 0}, {"product": "P", "release": 1}, {"product": "P", "release": 7}]
    run = twin.simulate(twin.build([m], PRODUCT, orders))
    assert run.brief() == [
        ("OFF_SHIFT", 0.0, 2.0, 0, -1),
        ("WAIT", 0.0, 2.0, 0, 0),
        ("WAIT", 1.0, 5.0, 0, 1),
        ("PROCESS", 2.0, 5.0, 0, 0),
        ("PROCESS", 5.0, 6.0, 0, 1),  # 1 of 3 done at the shift end ...
        ("OFF_SHIFT", 6.0, 12.0, 0, -1),  # the gap 6-10 and the next 10-12 merged
        ("WAIT", 7.0, 14.0, 0, 2),  # released off shift: waits
        ("PROCESS", 12.0, 14.0, 0, 1),  # ... the other 2 next shift
        ("PROCESS", 14.0, 16.0, 0, 2),
        ("OFF_SHIFT", 16.0, 22.0, 0, -1),
        ("PROCESS", 22.0, 23.0, 0, 2),
    ]
    assert sum(r.end - r.start for r in run.log("PROCESS")) == 9.0


def test_nothing_starts_off_shift(twin) -> None:
    m = machine(3, shifts=SHIFTS)
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P", "release": 7}]))
    assert run.brief() == [
        ("OFF_SHIFT", 0.0, 2.0, 0, -1),
        ("OFF_SHIFT", 6.0, 12.0, 0, -1),
        ("WAIT", 7.0, 12.0, 0, 0),
        ("PROCESS", 12.0, 15.0, 0, 0),
    ]


def test_work_that_ends_exactly_at_the_shift_end_is_finished_that_shift(twin) -> None:
    # 4 minutes of work started at 2 end at 6, the shift end: delivered at 6, not next shift.
    m = machine(4, shifts=SHIFTS)
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P"}]))
    assert run.brief("PROCESS") == [("PROCESS", 2.0, 6.0, 0, 0)]
    assert run.completed() == [6.0]


def test_calendar_with_a_window_at_the_start_of_the_period(twin) -> None:
    # windows [0, 4] of 10: off 4-10, 14-20, 24-30; a 9-minute job takes three shifts
    m = machine(9, shifts={"period": 10, "windows": [[0, 4]]})
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P"}]))
    assert run.brief("PROCESS", "OFF_SHIFT") == [
        ("PROCESS", 0.0, 4.0, 0, 0),
        ("OFF_SHIFT", 4.0, 10.0, 0, -1),
        ("PROCESS", 10.0, 14.0, 0, 0),
        ("OFF_SHIFT", 14.0, 20.0, 0, -1),
        ("PROCESS", 20.0, 21.0, 0, 0),
    ]


def test_two_windows_a_day_and_a_horizon_over_several_periods(twin) -> None:
    # period 24, windows 6-14 and 14-22 (touching: one working stretch 6-22); horizon 3 days
    m = machine(1, shifts={"period": 24, "windows": [[6, 14], [14, 22]]})
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P", "release": 1}], run={"horizon": 72}))
    assert [(r.start, r.end) for r in run.log("OFF_SHIFT")] == [(0.0, 6.0), (22.0, 30.0), (46.0, 54.0), (70.0, 72.0)]
    assert run.brief("PROCESS") == [("PROCESS", 6.0, 7.0, 0, 0)]


# --------------------------------------------------------------------------------------------
# Horizon and warm-up
# --------------------------------------------------------------------------------------------


def test_intervals_in_progress_at_the_horizon_end_at_the_horizon(twin) -> None:
    m = machine(10, failures={"mtbf": 12, "mttr": 100})
    orders = [{"product": "P", "release": 0}, {"product": "P", "release": 1}]
    run = twin.simulate(twin.build([m], PRODUCT, orders, run={"horizon": 6}))
    assert run.brief() == [
        ("WAIT", 0.0, 0.0, 0, 0),
        ("PROCESS", 0.0, 6.0, 0, 0),
        ("WAIT", 1.0, 6.0, 0, 1),  # still waiting at the horizon
    ]
    assert run.end.now == 6.0
    assert run.end.status == "completed"
    assert list(run.orders["completed"] != run.orders["completed"]) == [True, True]  # NaN: not delivered

    run = twin.simulate(twin.build([m], PRODUCT, orders, run={"horizon": 20}))
    assert run.brief() == [
        ("WAIT", 0.0, 0.0, 0, 0),
        ("PROCESS", 0.0, 10.0, 0, 0),
        ("WAIT", 1.0, 10.0, 0, 1),
        ("PROCESS", 10.0, 12.0, 0, 1),
        ("DOWN", 12.0, 20.0, 0, -1),  # the breakdown in progress is cut at the horizon
    ]


def test_off_shift_in_progress_at_the_horizon_ends_at_the_horizon(twin) -> None:
    m = machine(1, shifts=SHIFTS)
    run = twin.simulate(twin.build([m], PRODUCT, [{"product": "P", "release": 0}], run={"horizon": 8}))
    assert run.brief("OFF_SHIFT") == [("OFF_SHIFT", 0.0, 2.0, 0, -1), ("OFF_SHIFT", 6.0, 8.0, 0, -1)]


def test_warmup_does_not_change_the_event_log(twin) -> None:
    m = machine(3, failures={"mtbf": 7, "mttr": 2}, shifts=SHIFTS)
    orders = [{"product": "P", "release": r} for r in (0, 1, 4, 9, 15)]
    cold = twin.simulate(twin.build([m], PRODUCT, orders, run={"horizon": 40}))
    warm = twin.simulate(twin.build([m], PRODUCT, orders, run={"horizon": 40, "warmup": 20}))
    assert cold.events.tobytes() == warm.events.tobytes()
    assert cold.orders.tobytes() == warm.orders.tobytes()
    assert len(cold.events) > 10
