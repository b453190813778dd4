"""The shipped sample networks: each loads cleanly, says which question it answers, and the
pairs meant for side-by-side comparison differ only in what the comparison is about; the
large network is reproducible from its generator."""

from __future__ import annotations

import importlib.util
import json
from dataclasses import replace
from pathlib import Path

import pytest

from twin_app.io.scenario_file import load_scenario, scenario_to_data
from twin_app.model.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_networks"
NAMES = (
    "asset_heavy",
    "asset_heavy_no_batching",
    "asset_light",
    "asset_light_no_batching",
    "logistics_direct",
    "logistics_hub",
    "circular_scooters",
    "data_sharing_live",
    "data_sharing_hidden",
    "tiers_via_tier1",
    "tiers_direct",
    "cloud_factory_demo",
    "large_network",
)


def _load(name: str) -> Scenario:
    return load_scenario(SAMPLES / f"{name}.json")


def test_sample_folder_holds_exactly_the_documented_samples() -> None:
    assert {p.stem for p in SAMPLES.glob("*.json")} == set(NAMES)
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"`{name}.json`" in readme


@pytest.mark.parametrize("name", NAMES)
def test_sample_loads_and_says_which_question_it_answers(name: str) -> None:
    scenario = _load(name)
    assert scenario.name.strip()
    assert len(scenario.description) > 80
    assert "question" in scenario.description.lower() or "demo" in scenario.description.lower()
    assert scenario.run.horizon is not None and scenario.run.warmup < scenario.run.horizon
    assert all(o.color.startswith("#") and len(o.color) == 7 for o in scenario.owners)


def test_demo_is_a_real_cloud_factory() -> None:
    demo = _load("cloud_factory_demo")
    assert len(demo.owners) >= 12
    assert len(demo.machines) >= 40
    assert {"logistics", "platform"} <= {o.kind for o in demo.owners}
    assert 2 <= len(demo.customers) <= 4
    assert demo.run.horizon == 10080 and demo.run.warmup == 2880
    assert demo.platform.fee > 0
    assert any(m.failures for m in demo.machines) and any(m.shifts for m in demo.machines)
    owner_of_site = {s.id: s.owner for s in demo.sites}
    owners_by_step: dict[str, set[str]] = {}
    for machine in demo.machines:
        for capability in machine.capabilities:
            owners_by_step.setdefault(capability.step, set()).add(owner_of_site[machine.site])
    products = {p.id: p for p in demo.products}

    def made_by(product_id: str) -> set[str]:
        """Owners that can do the product's first step (where it is made)."""
        first = products[product_id].routing[0].capabilities
        return set().union(*(owners_by_step[c] for c in first))

    best = max(
        (p for p in demo.products if p.bom),
        key=lambda p: len(set().union(*(made_by(item.product) for item in p.bom))),
    )
    component_owners = set().union(*(made_by(item.product) for item in best.bom))
    assert len(component_owners) >= 3
    streams_products = {pid for s in demo.demand.streams for pid in s.mix}
    assert best.id in streams_products


def test_large_network_has_platform_scale_and_100k_orders() -> None:
    large = _load("large_network")
    assert len(large.owners) >= 200
    assert len(large.machines) >= 1000
    assert sum(s.max_orders or 0 for s in large.demand.streams) == 100_000
    last_arrival = max(s.max_orders * s.interarrival.mean for s in large.demand.streams)  # type: ignore[operator]
    assert large.run.horizon is not None and large.run.horizon > last_arrival
    assert any(p.bom for p in large.products)
    assert (SAMPLES / "large_network.json").stat().st_size < 3_000_000


def test_every_sample_is_in_the_current_format() -> None:
    """Samples load without conversion (format 1 files are converted: tests/io/test_economics_input.py)."""
    from twin_app.model.scenario import FORMAT_VERSION

    for name in NAMES:
        data = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
        assert data["format_version"] == FORMAT_VERSION, name


def test_the_large_network_has_power_tariffs_and_a_plausible_money_setting() -> None:
    """A consultant demos it: production draws power and emits CO2, capital charges follow the
    machine type, and the platform shares by the default rule, which no partner can game."""
    large = _load("large_network")
    assert all(m.power.busy > m.power.idle > m.power.standby > 0 for m in large.machines)
    assert all(0.1 < s.energy_price < 0.3 and 0 < s.grid_co2 < 0.6 for s in large.sites)
    capital = {m.id: m.capex_per_period + m.lease_per_period for m in large.machines}
    smt = [capital[m.id] for m in large.machines if m.capabilities[0].step == "smt_assembly"]
    packing = [capital[m.id] for m in large.machines if m.capabilities[0].step == "packing"]
    assert min(smt) > max(packing), "an SMT line costs more to hold than a packing station"
    assert large.platform.sharing == "full_cost" and large.platform.costs.per_period > 0
    assert all(lane.lease_per_period > 0 for lane in large.lanes)


def test_asset_heavy_and_light_are_one_owners_decision_under_identical_terms() -> None:
    heavy, light = _load("asset_heavy"), _load("asset_light")
    assert heavy.demand == light.demand
    assert heavy.products == light.products
    assert heavy.customers == light.customers
    assert heavy.platform == light.platform and heavy.platform.fee > 0
    assert heavy.economics.planning_years == light.economics.planning_years
    # the decision owner is in both; the platform is the same company
    for scenario in (heavy, light):
        ids = {o.id: o for o in scenario.owners}
        assert "bikeworks" in ids and ids["framecloud"].kind == "platform"
        assert ids["bikeworks"].discount_rate == 0.08
    # heavy: one asset owner, few fast machines bought outright; light: several owners, more,
    # slower machines, little capital, capacity rented by BikeWorks
    assert len({s.owner for s in heavy.sites}) == 1
    assert len({s.owner for s in light.sites}) >= 4
    assert len(light.machines) > len(heavy.machines)
    assert min(m.speed for m in heavy.machines) > max(m.speed for m in light.machines)

    def invested(scenario: Scenario) -> float:
        return sum(m.investment.price for m in scenario.machines if m.investment)

    assert invested(light) < invested(heavy) / 5
    assert [r.renter for r in light.economics.rentals] == ["bikeworks"]
    assert all(c.contract.penalty_per_order > 0 for c in heavy.customers)


@pytest.mark.parametrize("name", ["asset_heavy", "asset_light"])
def test_each_network_comes_with_and_without_family_batching(name: str) -> None:
    batching, fifo = _load(name), _load(f"{name}_no_batching")
    assert batching.platform.batch_families and not fifo.platform.batch_families
    same = replace(fifo, platform=batching.platform, name=batching.name, description=batching.description)
    assert same == batching


def test_logistics_direct_and_hub_differ_only_in_logistics() -> None:
    direct, hub = _load("logistics_direct"), _load("logistics_hub")
    assert direct.machines == hub.machines
    assert direct.demand == hub.demand
    assert direct.products == hub.products
    assert direct.customers == hub.customers
    assert {lane.departure.policy for lane in direct.lanes} == {"on_demand"}
    assert {"when_full", "timetable"} <= {lane.departure.policy for lane in hub.lanes}
    # the hub uses fewer, bigger vehicles: dearer per km, cheaper and cleaner per km and unit of room
    assert sum(lane.vehicles for lane in hub.lanes) < sum(lane.vehicles for lane in direct.lanes)
    assert min(lane.vehicle_capacity for lane in hub.lanes) > max(lane.vehicle_capacity for lane in direct.lanes)
    for per_km in ("cost_per_km", "co2_per_km_full"):
        assert min(getattr(lane, per_km) for lane in hub.lanes) > max(getattr(lane, per_km) for lane in direct.lanes)
        hub_room = max(getattr(lane, per_km) / lane.vehicle_capacity for lane in hub.lanes)
        assert hub_room < min(getattr(lane, per_km) / lane.vehicle_capacity for lane in direct.lanes)
    # costs and CO2 come from kilometres, not from numbers typed per unit
    assert all(lane.co2_per_unit == 0 and lane.co2_per_km_empty > 0 for lane in direct.lanes + hub.lanes)
    hub_kinds = {o.id: o.kind for o in hub.owners}
    hub_site = next(s for s in hub.sites if s.id not in {d.id for d in direct.sites})
    assert hub_kinds[hub_site.owner] == "logistics"


def test_generator_reproduces_large_network_exactly(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "generate_large_network", ROOT / "scripts" / "generate_large_network.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "large.json"
    assert module.main(["-o", str(out)]) == 0
    assert out.read_bytes() == (SAMPLES / "large_network.json").read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_sample_survives_save_round_trip(name: str) -> None:
    scenario = _load(name)
    data = json.loads(json.dumps(scenario_to_data(scenario)))
    from twin_app.io.scenario_file import scenario_from_data

    assert scenario_from_data(data) == scenario


def test_the_flow_samples_differ_only_in_what_they_compare() -> None:
    live, hidden = _load("data_sharing_live"), _load("data_sharing_hidden")
    assert live.machines == hidden.machines and live.demand == hidden.demand and live.lanes == hidden.lanes
    assert {o.shares_data for o in live.owners} == {"live"}
    assert {o.id: o.shares_data for o in hidden.owners if o.shares_data != "live"} == {
        "w2": "none", "w3": "none", "w4": "periodic"
    }  # fmt: skip
    via, direct = _load("tiers_via_tier1"), _load("tiers_direct")
    assert via.machines == direct.machines and via.demand == direct.demand and via.products == direct.products
    assert [o.tier for o in via.owners] == [0, 1, 2, None]
    controller = next(p for p in via.products if p.id == "controller")
    assert controller.routing[0].suppliers.required == ("chipworks",)  # the customer names its supplier
    circular, direct_shipping = _load("circular_scooters"), _load("logistics_direct")
    assert direct_shipping.machines == circular.machines[: len(direct_shipping.machines)]
    assert direct_shipping.demand == circular.demand
    assert {p.id for p in circular.products if p.take_back} == {"scooter-urban", "scooter-sport"}


@pytest.mark.parametrize("name", ["cloud_factory_demo", "asset_heavy", "asset_light"])
def test_the_demo_samples_draw_power_so_the_cards_show_energy_and_co2(name: str) -> None:
    """A consultant's demo read 0 kWh and 0 kg CO2 from production: these samples had no power
    data. Every machine now draws power (busy the most, standby the least) at its site's tariff,
    and a day observed shows energy, its CO2 and its cost, a small part of the cost as in the large
    network (energy 0.7 M of 39.0 M there)."""
    from twin_app.experiments.runner import run_replication, with_horizon

    scenario = _load(name)
    assert all(m.power.busy >= m.power.idle > m.power.standby > 0 for m in scenario.machines)
    assert all(0.1 < s.energy_price < 0.3 and 0.2 < s.grid_co2 < 0.6 for s in scenario.sites)
    kpis = run_replication(with_horizon(scenario, scenario.run.warmup + 1440.0)).kpis  # a day observed
    energy = kpis["energy"]
    assert energy["kwh"] > 0 and energy["co2"] > 0
    assert energy["co2"] == pytest.approx(
        sum(
            site["kwh"] * next(s.grid_co2 for s in scenario.sites if s.id == site_id)
            for site_id, site in energy["by_site"].items()
        )
    )
    assert 0 < energy["cost"] < 0.05 * kpis["cost"]["total"]
