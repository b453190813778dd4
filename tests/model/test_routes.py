"""Lazy route tables: above DENSE_NODES nodes a network's routes are computed per origin on
first use, and every way the engine indexes them gives what the full n x n tables give."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import twin_app.model.network as network_module
from twin_app.analysis.collector import EventCollector
from twin_app.io.scenario_file import load_scenario
from twin_app.model.network import Network
from twin_app.model.routes import LazyRoutes, LazyTable
from twin_app.sim.engine import Simulation

SAMPLES = Path(__file__).resolve().parents[2] / "sample_networks"
TABLES = ("transit", "cost_per_unit", "co2_per_unit", "next_lane", "next_node")


@pytest.fixture(scope="module")
def large() -> Network:
    return Network.build(load_scenario(SAMPLES / "large_network.json"))


def test_lazy_tables_equal_the_full_ones_however_indexed(large: Network) -> None:
    n = len(large.node_ids)
    routes = LazyRoutes(n, large._routes_from)
    rows = np.arange(n)
    for name, lazy in zip(TABLES, routes.tables(), strict=True):
        dense = getattr(large, name)
        assert lazy.shape == dense.shape and lazy.dtype == dense.dtype
        assert np.array_equal(lazy[rows], dense), name  # every full row
        for j in range(0, n, 11):
            assert np.array_equal(lazy[rows, j], dense[rows, j]), (name, j)  # one destination, many origins
            assert lazy[j, (7 * j) % n] == dense[j, (7 * j) % n]  # one entry
            assert np.array_equal(lazy[j], dense[j])
        assert np.array_equal(lazy[rows[:9:2]][:, rows[::5]], dense[rows[:9:2]][:, rows[::5]])


def test_only_the_origins_asked_about_are_searched(large: Network) -> None:
    routes = LazyRoutes(len(large.node_ids), large._routes_from)
    transit = routes.tables()[0]
    transit[np.array([3, 5])][:, np.arange(40)]
    transit[7, 9]
    assert routes.origins_computed == 3


def test_a_route_into_a_node_is_a_lane_into_it(large: Network) -> None:
    for j in range(len(large.node_ids)):
        assert large.has_route_into(j) == bool(large.next_lane[:, j].max() >= 0), j


def test_a_network_above_the_limit_gets_lazy_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(network_module, "DENSE_NODES", 10)
    network = Network.build(load_scenario(SAMPLES / "cloud_factory_demo.json"))
    assert isinstance(network.transit, LazyTable)


def test_a_run_on_lazy_tables_is_the_same_run(monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = load_scenario(SAMPLES / "logistics_hub.json")
    logs = []
    for dense_nodes in (10**6, 0):
        monkeypatch.setattr(network_module, "DENSE_NODES", dense_nodes)
        collector = EventCollector()
        Simulation(scenario, observers=[collector]).run()
        logs.append(collector.events)
    assert len(logs[0]) > 0 and np.array_equal(logs[0], logs[1])
