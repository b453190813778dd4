"""Push and pull dispatch over two machines at one site: exact assignments worked out by hand.

M1 (resource 0) takes 4 minutes a job, M2 (resource 1) 10 minutes; both can do the step.
"""

from __future__ import annotations

PRODUCT = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]


def two_machines(twin, orders, *, mode="push", assignment="earliest_completion", t1=4, t2=10, c1=0, c2=0, **extra):
    machines = [
        {"id": "M1", "site": "s", "capabilities": [{"step": "cut", "time": t1}], "cost": {"running": c1}},
        {"id": "M2", "site": "s", "capabilities": [{"step": "cut", "time": t2}], "cost": {"running": c2}},
    ]
    platform = {"mode": mode, "assignment": assignment, "sequencing": "fifo", **extra}
    return twin.build(machines, PRODUCT, orders, platform=platform)


def process(run):
    return [(r.order, r.resource, r.start, r.end) for r in run.log("PROCESS")]


def test_push_earliest_completion_counts_queued_work(twin) -> None:
    # Three orders at 0, assigned one after the other at the same epoch:
    #   o0: M1 done 4, M2 done 10          -> M1 (queue 4)
    #   o1: M1 done 4+4 = 8, M2 done 10    -> M1 (queue 8)
    #   o2: M1 done 8+4 = 12, M2 done 10   -> M2
    run = twin.simulate(two_machines(twin, [{"product": "P"}] * 3))
    assert process(run) == [(0, 0, 0.0, 4.0), (2, 1, 0.0, 10.0), (1, 0, 4.0, 8.0)]
    assert run.completed() == [4.0, 8.0, 10.0]


def test_push_earliest_completion_counts_work_in_progress(twin) -> None:
    # o0 at 0 -> M1 (0-4). o1 at 2: M1 free at 4, done 8; M2 done 12 -> M1 (4-8).
    # o2 at 3: M1 free at 8 (1 job queued behind 2 minutes left) done 12; M2 done 13 -> M1 (8-12).
    # o3 at 3: M1 done 16, M2 done 13 -> M2 (3-13).
    orders = [{"product": "P", "release": r} for r in (0, 2, 3, 3)]
    run = twin.simulate(two_machines(twin, orders))
    assert process(run) == [(0, 0, 0.0, 4.0), (3, 1, 3.0, 13.0), (1, 0, 4.0, 8.0), (2, 0, 8.0, 12.0)]


def test_push_assignment_is_final_even_when_the_other_machine_idles(twin) -> None:
    # Push commits o1 to M1's queue at 0 (done 8 < 10) although M2 sits idle until o2 comes.
    run = twin.simulate(two_machines(twin, [{"product": "P"}, {"product": "P"}]))
    assert process(run) == [(0, 0, 0.0, 4.0), (1, 0, 4.0, 8.0)]
    assert [(r.order, r.resource, r.start, r.end) for r in run.log("WAIT")] == [(0, 0, 0.0, 0.0), (1, 0, 0.0, 4.0)]


def test_push_cheapest_prefers_the_low_running_cost_machine(twin) -> None:
    # M1 fast but 10/min (40 a job), M2 slow but 1/min (10 a job): all three queue on M2.
    model = two_machines(twin, [{"product": "P"}] * 3, assignment="cheapest", c1=10, c2=1)
    run = twin.simulate(model)
    assert process(run) == [(0, 1, 0.0, 10.0), (1, 1, 10.0, 20.0), (2, 1, 20.0, 30.0)]
    assert [r.cost for r in run.log("PROCESS")] == [10.0, 10.0, 10.0]

    # with earliest completion the same prices do not matter
    run = twin.simulate(two_machines(twin, [{"product": "P"}] * 3, c1=10, c2=1))
    assert process(run) == [(0, 0, 0.0, 4.0), (2, 1, 0.0, 10.0), (1, 0, 4.0, 8.0)]


def test_pull_pooled_queue_an_idle_machine_takes_the_waiting_job(twin) -> None:
    # Pull, three orders at 0: the best free unit (earliest completion) takes o0 -> M1; M2 is
    # the only free unit for o1; o2 waits in the pool until M1 frees at 4 and takes it.
    run = twin.simulate(two_machines(twin, [{"product": "P"}] * 3, mode="pull"))
    assert process(run) == [(0, 0, 0.0, 4.0), (1, 1, 0.0, 10.0), (2, 0, 4.0, 8.0)]
    assert [(r.order, r.resource, r.start, r.end) for r in run.log("WAIT")] == [
        (0, 0, 0.0, 0.0),
        (1, 1, 0.0, 0.0),
        (2, 0, 0.0, 4.0),  # the WAIT names the unit that took the job
    ]


def test_pull_machine_freed_later_takes_the_oldest_waiting_job(twin) -> None:
    # Pull FIFO, M1 4 and M2 5 minutes. Orders at 0, 0, 1, 2: M1 0-4, M2 0-5;
    # M1 frees at 4 and takes o2 (ready 1) before o3 (ready 2); M2 frees at 5 and takes o3.
    orders = [{"product": "P", "release": r} for r in (0, 0, 1, 2)]
    run = twin.simulate(two_machines(twin, orders, mode="pull", t2=5))
    assert process(run) == [(0, 0, 0.0, 4.0), (1, 1, 0.0, 5.0), (2, 0, 4.0, 8.0), (3, 1, 5.0, 10.0)]


def test_pull_completion_at_t_is_processed_before_the_dispatch_at_t(twin) -> None:
    # M1 (4 min) works o0 0-4. o1 is released at exactly 4, M2 (10 min) is idle.
    # Non-delay: M1's completion at 4 is processed first, so at the decision both units are
    # free and earliest completion gives o1 to M1 (done 8), not to M2 (done 14).
    orders = [{"product": "P", "release": 0}, {"product": "P", "release": 4}]
    run = twin.simulate(two_machines(twin, orders, mode="pull"))
    assert process(run) == [(0, 0, 0.0, 4.0), (1, 0, 4.0, 8.0)]


def test_push_completion_at_t_is_processed_before_the_dispatch_at_t(twin) -> None:
    # Same in push: at 4 M1 has nothing left, so o1 goes to M1.
    orders = [{"product": "P", "release": 0}, {"product": "P", "release": 4}]
    run = twin.simulate(two_machines(twin, orders))
    assert process(run) == [(0, 0, 0.0, 4.0), (1, 0, 4.0, 8.0)]


def test_repair_at_t_is_processed_before_the_dispatch_at_t(twin) -> None:
    # Pull. M1 (4 min) fails at 3 while idle and is repaired at 5 (then down 8-10, 13-15...).
    # o0 is released at 5, the instant of the repair; M2 (10 min) is idle. The repair is
    # processed before the decision, so M1 takes o0: 5-8, down 8-10, 10-11 (done 11 < 15).
    machines = [
        {"id": "M1", "site": "s", "capabilities": [{"step": "cut", "time": 4}], "failures": {"mtbf": 3, "mttr": 2}},
        {"id": "M2", "site": "s", "capabilities": [{"step": "cut", "time": 10}]},
    ]
    run = twin.simulate(twin.build(machines, PRODUCT, [{"product": "P", "release": 5}], platform={"mode": "pull"}))
    assert run.brief() == [
        ("DOWN", 3.0, 5.0, 0, -1),
        ("WAIT", 5.0, 5.0, 0, 0),
        ("PROCESS", 5.0, 8.0, 0, 0),
        ("DOWN", 8.0, 10.0, 0, -1),
        ("PROCESS", 10.0, 11.0, 0, 0),
    ]
    assert run.completed() == [11.0]


def test_push_prefers_a_unit_already_set_up_for_the_family(twin) -> None:
    # Capacity 2 with a changeover of 5 between families: after A on unit 0 and B on unit 1,
    # the next A goes to unit 0 (no setup) and the next B to unit 1, even if both are free.
    machine = {
        "id": "M",
        "site": "s",
        "capacity": 2,
        "capabilities": [{"step": "cut", "time": 4}],
        "setup_default": 5,
    }
    products = [
        {"id": "A", "family": "a", "routing": [{"capabilities": ["cut"]}]},
        {"id": "B", "family": "b", "routing": [{"capabilities": ["cut"]}]},
    ]
    orders = [{"product": p, "release": r} for p, r in (("A", 0), ("B", 0), ("B", 5), ("A", 6))]
    run = twin.simulate(twin.build([machine], products, orders))
    assert run.log("SETUP") == []
    assert [(r.order, r.resource, r.start, r.end) for r in run.log("PROCESS")] == [
        (0, 0, 0.0, 4.0),
        (1, 1, 0.0, 4.0),
        (2, 1, 5.0, 9.0),
        (3, 0, 6.0, 10.0),
    ]
