"""Money of real simulated runs: the analysis follows the engine's job numbering, and the
books balance under every rule."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from twin_app.analysis.collector import EventCollector
from twin_app.analysis.economics.jobs import event_products
from twin_app.analysis.kpis import compute_kpis
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind
from twin_app.model.scenario import Owner, Scenario
from twin_app.sim.engine import Simulation


def simulate(scenario: Scenario) -> RunResult:
    collector = EventCollector()
    simulation = Simulation(scenario, seed=scenario.run.seed, replication=0, observers=[collector])
    simulation.run()
    return collector.result(scenario, simulation.layout)


def test_every_job_of_a_simulated_run_is_placed_on_its_product(tiny: Scenario) -> None:
    """tiny.json: kits of a frame and two covers, and frames alone. Each operation's machine
    must be able to do the step of the product the analysis says the job is."""
    result = simulate(tiny)
    ev = result.events[result.kind_mask(EventKind.PROCESS)]
    products = event_products(result, ev)
    assert len(ev) > 100 and (products >= 0).all()
    for event, product in zip(ev, products, strict=True):
        machine = tiny.machines[result.layout.resources[event["resource"]].machine]
        step = tiny.products[product].routing[event["operation"]]
        assert {c.step for c in machine.capabilities} & set(step.capabilities)
    kits = {p.id: i for i, p in enumerate(tiny.products)}["kit"]
    assert (products == kits).any()


def test_the_books_balance_under_every_rule(tiny: Scenario) -> None:
    owners = (*tiny.owners, Owner(id="market", kind="platform"))
    scenario = tiny.with_changes(owners=owners, platform=replace(tiny.platform, fee=0.05))
    kpis = compute_kpis(simulate(scenario))
    revenue, cost, profit = kpis["revenue"], kpis["cost"], kpis["profit"]
    assert revenue["platform_fee"] == pytest.approx(0.05 * revenue["total"])
    assert sum(profit["by_owner"].values()) == pytest.approx(profit["total"])
    assert profit["total"] == pytest.approx(revenue["total"] - revenue["unallocated"] - cost["total"])
    for rule, books in profit["by_rule"].items():
        assert books["total"] == pytest.approx(profit["total"]), rule
    assert revenue["premiums"] == 0 and kpis["lateness"]["cost"] == 0
    assert np.isfinite(kpis["investment"]["npv"]["total"])


def test_kpis_with_the_money_forked_are_the_kpis_of_one_process(tiny: Scenario) -> None:
    """``compute_kpis(fork=True)`` (the benchmark's two-core KPI phase: the money in a forked
    child) gives every KPI to the bit: the same JSON, byte for byte, as one process."""
    owners = (*tiny.owners, Owner(id="market", kind="platform"))
    result = simulate(tiny.with_changes(owners=owners, platform=replace(tiny.platform, fee=0.05)))
    alone = json.dumps(compute_kpis(result), sort_keys=False)
    assert json.dumps(compute_kpis(result, fork=True), sort_keys=False) == alone
    assert '"shapley_error"' in alone and '"tiers"' in alone


def test_a_small_log_is_not_forked(tiny: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """``twin-app run`` forks the money only for a log of ``fork_min_events`` rows or more: below,
    the fork costs more CPU than it saves wall time. Above, it forks; the KPIs are the same."""
    from twin_app.analysis import kpis

    result = simulate(tiny)
    forks: list[object] = []
    real = kpis.Forked
    monkeypatch.setattr(kpis, "Forked", lambda *a, **k: forks.append(1) or real(*a, **k))
    # (idle threads left by tests run before this one, in the same process, would veto the fork)
    monkeypatch.setattr(kpis.threading, "active_count", lambda: 1)
    small = compute_kpis(result, fork=True, fork_min_events=len(result.events) + 1)
    assert forks == []
    assert compute_kpis(result, fork=True, fork_min_events=len(result.events)) == small
    assert forks == [1]
