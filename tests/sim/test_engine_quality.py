"""Quality, trust, data sharing and named suppliers in the engine: exact logs by hand."""

from __future__ import annotations

import numpy as np
import pytest

from twin_app.analysis.quality import trust_over_time
from twin_app.sim.rng import stream


def _cut_and_paint(twin, **paint):
    machines = [
        {"id": "C", "site": "s", "capabilities": [{"step": "cut", "time": 2}]},  # resource 0
        {"id": "P", "site": "s", "capabilities": [{"step": "paint", "time": 3}], **paint},  # resource 1
    ]
    products = [{"id": "X", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["paint"]}]}]
    return twin.build(machines, products, [{"product": "X"}])


def test_scrap_makes_the_part_again_and_rework_repeats_the_step(twin) -> None:
    # Painting passes (u >= 0.75), is reworked (0.5 <= u < 0.75: paint again) or scrapped
    # (u < 0.5: a new part, cut again). The draws are P's own stream; the log follows them.
    run = twin.simulate(_cut_and_paint(twin, yield_rate=0.5, rework_rate=0.25), seed=3)
    draws = iter(stream(3, 0, "quality", "P").random(100).tolist())
    expected, t, step = [], 0.0, "cut"
    while True:
        if step == "cut":
            expected.append(("PROCESS", t, t + 2, 0, 0))
            t, step = t + 2, "paint"
            continue
        expected.append(("PROCESS", t, t + 3, 1, 0))
        t += 3
        u = next(draws)
        if u >= 0.75:
            break
        expected.append(("SCRAP" if u < 0.5 else "REWORK", t, t, 1, 0))
        step = "cut" if u < 0.5 else "paint"
    assert run.brief("PROCESS", "SCRAP", "REWORK") == sorted(expected, key=lambda r: (r[1], r[2], r[0]))
    assert any(r[0] == "SCRAP" for r in expected) and any(r[0] == "REWORK" for r in expected)  # seed 3 shows both
    assert run.completed() == [t]


def test_a_perfect_machine_draws_nothing_so_other_streams_stay_put(twin) -> None:
    # Adding a yield to P leaves the demand stream's orders (release times) unchanged.
    machines = [{"id": "P", "site": "s", "capabilities": [{"step": "paint", "time": 3}]}]
    products = [{"id": "X", "routing": [{"capabilities": ["paint"]}]}]
    streams = [{"customer": "c", "interarrival": {"dist": "exponential", "mean": 10}, "mix": {"X": 1}}]
    run_settings = {"horizon": 200}
    plain = twin.simulate(twin.build(machines, products, streams=streams, run=run_settings))
    machines[0]["yield_rate"] = 0.5
    scrappy = twin.simulate(twin.build(machines, products, streams=streams, run=run_settings))
    assert plain.orders["release"].tolist() == scrappy.orders["release"].tolist()
    assert len(scrappy.log("SCRAP")) > 0


def _two_partners(twin, a_trust=1.0, rule="trust", **owner_a):
    owners = [{"id": "a", "trust": a_trust, **owner_a}, {"id": "b"}]
    sites = [{"id": "sa", "owner": "a"}, {"id": "sb", "owner": "b"}]
    machines = [
        {"id": "A", "site": "sa", "capabilities": [{"step": "mill", "time": 5}]},  # resource 0, fast
        {"id": "B", "site": "sb", "capabilities": [{"step": "mill", "time": 10}]},  # resource 1
    ]
    products = [{"id": "X", "routing": [{"capabilities": ["mill"]}]}]
    orders = [{"product": "X", "release": 0, "due": 100}]
    return twin.build(machines, products, orders, owners=owners, sites=sites, platform={"assignment": rule})


def test_the_trust_rule_prefers_a_trusted_partner_to_a_faster_one(twin) -> None:
    # A would be done in 5, B in 10; trusted 0.3, A scores 5 / 0.3 = 16.7 > 10: B gets it.
    assert twin.simulate(_two_partners(twin, a_trust=0.3)).brief("PROCESS")[0][3] == 1
    assert twin.simulate(_two_partners(twin, a_trust=0.6)).brief("PROCESS")[0][3] == 0  # 8.3 < 10
    assert twin.simulate(_two_partners(twin, a_trust=0.3, rule="earliest_completion")).brief("PROCESS")[0][3] == 0


def _failing_fast_partner(twin, b_trust: float = 1.0):
    """Orders every 4 minutes, trust rule: fast machine A (owner a, yield 0.7) or slower B (b)."""
    owners = [{"id": "a"}, {"id": "b", "trust": b_trust}]
    sites = [{"id": "sa", "owner": "a"}, {"id": "sb", "owner": "b"}]
    machines = [
        {"id": "A", "site": "sa", "capabilities": [{"step": "mill", "time": 3}], "yield_rate": 0.7},
        {"id": "B", "site": "sb", "capabilities": [{"step": "mill", "time": 4}]},
    ]
    products = [{"id": "X", "routing": [{"capabilities": ["mill"]}]}]
    orders = [{"product": "X", "release": 4 * i, "due": 4 * i + 8} for i in range(40)]
    platform = {"assignment": "trust", "trust_smoothing": 0.2}
    return twin.build(machines, products, orders, owners=owners, sites=sites, platform=platform)


def test_the_engines_trust_is_the_analysis_trust(twin) -> None:
    # Orders every 4 minutes to the fast machine A (yield 0.7): A's failures and the lateness
    # they cause lower its trust, and the trust rule then sends work to B. What the engine
    # kept for its decisions equals what the analysis rebuilds from the log.
    scenario = _failing_fast_partner(twin)
    run = twin.simulate(scenario)
    _times, scores = trust_over_time(run.collector.result(scenario, run.sim.layout))
    assert scores[-1].tolist() == pytest.approx(run.sim.placement.trust.scores.tolist(), abs=0)
    assert scores[-1][0] < 1.0  # A lost trust
    assert {r.resource for r in run.log("PROCESS")} == {0, 1}  # and B got work


def test_the_trust_band_is_the_owners_mean_and_lowest_after_every_delivery(twin) -> None:
    # The KPI view's trust chart: the mean over the owners and the lowest owner's trust, as a
    # step function over the run, equal to reducing the full owner-by-delivery table.
    from twin_app.analysis.quality import trust_band

    scenario = _failing_fast_partner(twin, b_trust=0.9)
    run = twin.simulate(scenario)
    result = run.collector.result(scenario, run.sim.layout)
    times, scores = trust_over_time(result)
    band_times, mean, lowest, lowest_owner = trust_band(result)
    assert (band_times[0], mean[0], lowest[0]) == (0.0, pytest.approx(0.95), 0.9)  # the start: (1 + 0.9) / 2
    # at every time of the band, the full table's row in force then gives the same two figures
    rows = np.searchsorted(times, band_times, side="right") - 1
    assert mean == pytest.approx(scores[rows].mean(axis=1), abs=1e-12)
    assert lowest.tolist() == scores[rows].min(axis=1).tolist()
    # and a delivery that changed nobody's trust adds no point
    kept = set(band_times.tolist())
    for i in range(1, len(times)):
        assert (times[i] in kept) or np.array_equal(scores[i], scores[i - 1]) or times[i] == times[i - 1]
    assert len(band_times) > 5 and lowest.min() < 0.9  # A's failures pull the lowest below B's start
    assert lowest_owner == int(np.argmin(scores[-1]))


def test_an_owner_sharing_no_data_looks_free_and_gets_work_it_cannot_start(twin) -> None:
    # A (shares nothing, 5 min per job) and B (live, 6 min): two orders at 0. Live data: the
    # first goes to A, the second to B (A busy until 5, B done at 6). Without A's data the
    # platform thinks A is free again and sends both there: the second waits until 10.
    def scenario(sharing: str):
        owners = [{"id": "a", "shares_data": sharing}, {"id": "b"}]
        sites = [{"id": "sa", "owner": "a"}, {"id": "sb", "owner": "b"}]
        machines = [
            {"id": "A", "site": "sa", "capabilities": [{"step": "mill", "time": 5}]},
            {"id": "B", "site": "sb", "capabilities": [{"step": "mill", "time": 6}]},
        ]
        products = [{"id": "X", "routing": [{"capabilities": ["mill"]}]}]
        return twin.build(machines, products, [{"product": "X"}, {"product": "X"}], owners=owners, sites=sites)

    assert twin.simulate(scenario("live")).completed() == [5.0, 6.0]
    assert twin.simulate(scenario("none")).completed() == [5.0, 10.0]


def test_a_periodic_snapshot_shows_the_state_of_its_time(twin) -> None:
    # A (5 min) sends a snapshot every 7 (at 0, 7, 14...), B (6 min) is live. Orders at 0, 1
    # and 8. At 0 both are empty: A. At 1 the snapshot of 0 still shows A empty (done at 6
    # against B's 7), so A gets it too and it waits until 5 (5-10); live data would have
    # sent it to B. At 8 the snapshot of 7 shows A busy until 10 (done at 15): B, 8-14.
    def run(sharing: str):
        owners = [{"id": "a", "shares_data": sharing, "share_period": 7}, {"id": "b"}]
        sites = [{"id": "sa", "owner": "a"}, {"id": "sb", "owner": "b"}]
        machines = [
            {"id": "A", "site": "sa", "capabilities": [{"step": "mill", "time": 5}]},
            {"id": "B", "site": "sb", "capabilities": [{"step": "mill", "time": 6}]},
        ]
        products = [{"id": "X", "routing": [{"capabilities": ["mill"]}]}]
        orders = [{"product": "X", "release": r} for r in (0, 1, 8)]
        return twin.simulate(twin.build(machines, products, orders, owners=owners, sites=sites))

    periodic = run("periodic")
    assert [(r.resource, r.order) for r in periodic.log("PROCESS")] == [(0, 0), (0, 1), (1, 2)]
    assert periodic.completed() == [5.0, 10.0, 14.0]
    assert run("live").completed() == [5.0, 7.0, 13.0]


def test_required_and_preferred_suppliers(twin) -> None:
    def scenario(suppliers: dict):
        owners = [{"id": "a"}, {"id": "b"}]
        sites = [{"id": "sa", "owner": "a"}, {"id": "sb", "owner": "b"}]
        machines = [
            {"id": "A", "site": "sa", "capabilities": [{"step": "mill", "time": 5}]},
            {"id": "B", "site": "sb", "capabilities": [{"step": "mill", "time": 9}]},
        ]
        products = [{"id": "X", "routing": [{"capabilities": ["mill"], "suppliers": suppliers}]}]
        return twin.build(machines, products, [{"product": "X"}] * 2, owners=owners, sites=sites)

    assert [r.resource for r in twin.simulate(scenario({})).log("PROCESS")] == [0, 1]  # A first, then B
    assert [r.resource for r in twin.simulate(scenario({"required": ["b"]})).log("PROCESS")] == [1, 1]
    assert [r.resource for r in twin.simulate(scenario({"preferred": ["b"]})).log("PROCESS")] == [1, 1]
