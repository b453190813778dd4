"""The logistics network: fastest routes between sites and customers as arrays.

Dispatch adds transit time to every candidate machine's completion estimate; a wrong matrix
sends work to the wrong owner, and a missing route must show as infinite, not zero.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from twin_app.model.network import Network
from twin_app.model.scenario import Lane, Scenario


def test_transit_matrix_of_tiny(tiny: Scenario) -> None:
    network = Network.build(tiny)
    assert network.node_ids == ("acme-1", "bolt-1", "shop")
    # L1 bolt-1 <-> acme-1 (normal, mean 30), L2 acme-1 <-> shop (45); bolt-1 -> shop goes via acme-1
    np.testing.assert_allclose(network.transit, [[0, 30, 45], [30, 0, 75], [45, 75, 0]])
    np.testing.assert_allclose(network.cost_per_unit, [[0, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0]])
    np.testing.assert_allclose(network.co2_per_unit, [[0, 1.2, 0], [1.2, 0, 1.2], [0, 1.2, 0]])
    bolt, acme = network.node_index["bolt-1"], network.node_index["acme-1"]
    shop = network.node_index["shop"]
    assert network.next_lane[bolt, shop] == 0 and network.next_node[bolt, shop] == acme
    assert network.next_lane[acme, shop] == 1
    assert network.next_lane[acme, acme] == -1


def test_sites_by_capability(tiny: Scenario) -> None:
    assert Network.build(tiny).sites_by_capability == {
        "mill": {"acme-1", "bolt-1"},
        "assemble": {"acme-1"},
        "paint": {"bolt-1"},
    }


def test_unreachable_pair_is_infinite(tiny: Scenario) -> None:
    network = Network.build(replace(tiny, lanes=tiny.lanes[1:]))  # drop bolt-1 <-> acme-1
    bolt, acme = network.node_index["bolt-1"], network.node_index["acme-1"]
    assert np.isinf(network.transit[bolt, acme]) and np.isinf(network.transit[acme, bolt])
    assert network.next_lane[bolt, acme] == -1
    assert not network.connected("bolt-1", "acme-1")
    assert network.connected("acme-1", "shop") and network.connected("bolt-1", "bolt-1")


def test_one_way_lane_only_goes_one_way(tiny: Scenario) -> None:
    one_way = replace(tiny.lanes[0], bidirectional=False)  # bolt-1 -> acme-1 only
    network = Network.build(replace(tiny, lanes=(one_way, tiny.lanes[1])))
    assert network.connected("bolt-1", "acme-1")
    assert not network.connected("acme-1", "bolt-1")


def test_fastest_of_parallel_lanes_is_used(tiny: Scenario) -> None:
    express = Lane(id="L3", origin="bolt-1", destination="acme-1", transit=tiny.lanes[1].transit, cost_per_unit=9.0)
    network = Network.build(replace(tiny, lanes=(*tiny.lanes, express)))
    bolt, acme = network.node_index["bolt-1"], network.node_index["acme-1"]
    # L3 takes 45 (slower than L1's 30): the route stays on L1
    assert network.transit[bolt, acme] == 30 and network.next_lane[bolt, acme] == 0
    fast = replace(express, transit=replace(tiny.lanes[1].transit, value=10.0))
    network = Network.build(replace(tiny, lanes=(*tiny.lanes, fast)))
    assert network.transit[bolt, acme] == 10 and network.next_lane[bolt, acme] == 2
    assert network.cost_per_unit[bolt, acme] == 9.0
