"""Generate sample_networks/large_network.json: a cloud factory at platform scale.

Why: the platform owner's and the performance questions ("does matching still work with 200
owners and 1,000 machines? can a run of 100,000 orders finish, and how fast?") need a network
far bigger than anyone would write by hand. This script builds it, deterministically: the
network comes from one ``numpy.random.Generator`` with a fixed seed, its power and tariffs
from a second one (the seed's first spawned child, drawn after the network, so adding them
shifted no number of the network and no event of a run); values are rounded, and the JSON is
written in a fixed order, so running it again reproduces the committed file byte for byte
(tests/test_samples.py checks that).

What it builds:

* 8 regions on a 2,000 km x 2,000 km plane; each has a regional logistics owner running a
  cross-dock hub, and 26 small asset owners with one site each (208 asset owners, 217 owners
  with the logistics owners and the platform);
* 4-6 machines per site (about 1,040 in all), each with a main process step from a catalogue
  of 12 (cutting, laser cutting, welding, milling, turning, painting, 3D printing, SMT,
  PCB test, assembly, testing, packing) and sometimes one or two secondary ones, varied speed,
  triangular times, setups between families, failures on some, two-shift calendars on some,
  running cost rates, a small idle rate, a capital charge by machine type and speed (capex,
  or a lease for the asset-light half of the owners), and power per state by machine type;
* each site's electricity price and grid CO2 from its region, a fifth of the asset owners on
  a green power contract; a lease on every lane's fleet; the platform's own costs;
* lanes: every site to its regional hub (vans that leave when full or after 1 h), the hubs
  fully meshed (trucks, when full or after 6 h), and each region's customer served from its
  hub (trucks, when full or after 2 h), so every pair of sites is reachable; vehicle counts
  are sized for the flow (a vehicle drives back empty, so a trip ties it up twice the transit);
* 4 component products and 2 assembled products with bills of materials, plus a spare part;
* 8 customers (one per region), each with a Poisson stream of 12,500 orders (``max_orders``),
  100,000 orders in all, at a rate that loads the busiest step pools to about 0.7 (estimated
  from mean times), and a horizon long enough for all of them to finish.

Usage: ``python scripts/generate_large_network.py [-o OUT.json]`` (default: the sample file).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np

SEED = 20240601
N_REGIONS = 8
OWNERS_PER_REGION = 26
ORDERS_PER_STREAM = 12_500
INTERARRIVAL = 2.8
"""Mean minutes between two orders of one customer's stream (8 streams: ~2.9 orders/min)."""

CATALOGUE: dict[str, float] = {
    "cutting": 4.0,
    "laser_cutting": 6.0,
    "welding": 10.0,
    "milling": 12.0,
    "turning": 8.0,
    "painting": 7.0,
    "3d_printing": 20.0,
    "smt_assembly": 5.0,
    "pcb_testing": 3.0,
    "assembly": 15.0,
    "testing": 5.0,
    "packing": 3.0,
}
"""Process step -> mean time per unit (minutes at speed 1)."""

MAIN_STEP_WEIGHTS: dict[str, float] = {
    "cutting": 0.05,
    "laser_cutting": 0.05,
    "welding": 0.12,
    "milling": 0.15,
    "turning": 0.07,
    "painting": 0.08,
    "3d_printing": 0.12,
    "smt_assembly": 0.05,
    "pcb_testing": 0.03,
    "assembly": 0.16,
    "testing": 0.07,
    "packing": 0.05,
}
"""How often each step is a machine's main capability: roughly proportional to the work."""

POWER: dict[str, tuple[float, float, float, float]] = {
    "cutting": (7.5, 2.0, 1.5, 0.3),
    "laser_cutting": (28.0, 6.0, 6.0, 1.0),
    "welding": (18.0, 4.0, 3.0, 0.5),
    "milling": (22.0, 5.0, 4.0, 0.8),
    "turning": (15.0, 4.0, 3.0, 0.6),
    "painting": (55.0, 20.0, 25.0, 4.0),
    "3d_printing": (9.0, 2.0, 2.5, 0.4),
    "smt_assembly": (24.0, 8.0, 12.0, 1.5),
    "pcb_testing": (3.0, 1.0, 1.0, 0.2),
    "assembly": (4.0, 1.0, 1.0, 0.2),
    "testing": (6.0, 2.0, 1.5, 0.3),
    "packing": (2.5, 0.5, 0.5, 0.1),
}
"""Main step -> kW a unit draws busy, in setup, idle and on standby (at speed 1): a machining
centre 22 kW cutting, 4 kW waiting; a powder-coating line and an SMT line keep their ovens hot
when idle; a manual assembly or packing station draws little."""

OVEN_STEPS = frozenset({"painting", "smt_assembly"})
"""Steps whose machines keep an oven hot: they go to standby after 90 idle minutes, not 30."""

CAPITAL_PER_WEEK: dict[str, float] = {
    "cutting": 230.0,
    "laser_cutting": 1300.0,
    "welding": 850.0,
    "milling": 1000.0,
    "turning": 520.0,
    "painting": 1500.0,
    "3d_printing": 1250.0,
    "smt_assembly": 2300.0,
    "pcb_testing": 500.0,
    "assembly": 170.0,
    "testing": 300.0,
    "packing": 130.0,
}
"""Main step -> capital charge per week (the cost period) of a machine at speed 1: its price
paid off over its life at 8% a year, e.g. a 350,000 machining centre over 10 years about
1,000 a week, a 700,000 SMT line over 8 years about 2,300, a 40,000 packing station 130. A
faster machine is a bigger one and costs in proportion to its speed."""

LEASE_MARKUP = 1.15
"""An asset-light owner leases its machines: the lessor's margin and service on the capital charge."""

IDLE_SHARE_LOW, IDLE_SHARE_HIGH = 0.01, 0.03
"""An idle unit costs this share of its running rate per minute (the crew kept on, floor
space); its electricity is counted apart, from its power."""

REGION_TARIFFS: dict[str, tuple[float, float]] = {
    "Nord": (0.17, 0.28),
    "Ost": (0.19, 0.48),
    "Sued": (0.21, 0.33),
    "West": (0.20, 0.42),
    "Mitte": (0.19, 0.40),
    "Alpen": (0.16, 0.12),
    "Kueste": (0.17, 0.25),
    "Rhein": (0.22, 0.41),
}
"""Region -> industrial electricity price per kWh and grid CO2 (kg per kWh): windy north and
coast cheaper and cleaner, lignite in the east, hydro in the Alps."""

GREEN_SHARE = 0.2
"""Share of asset owners with a green power contract: about 0.04 kg CO2 per kWh, at 1.5 cents more."""

VEHICLE_LEASE_PER_WEEK = {"van": 140, "truck": 450, "trailer": 600}
"""What a vehicle costs per week whether it drives or not (lease, insurance): site vans,
customer trucks, and the semi-trailers between the hubs."""

PLATFORM_COSTS = {"per_period": 250_000, "per_order": 3}
"""The platform's own costs per week (staff, cloud, support for ~25,000 orders a week) and per order."""

REGION_NAMES = ("Nord", "Ost", "Sued", "West", "Mitte", "Alpen", "Kueste", "Rhein")
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def _r(value: float, digits: int = 2) -> float:
    """Rounded plain float, so the JSON text does not depend on numpy's float formatting."""
    return round(float(value), digits)


def _triangular(mean: float) -> dict[str, Any]:
    return {"dist": "triangular", "low": _r(mean * 0.8), "mode": _r(mean * 0.95), "high": _r(mean * 1.25)}


def _products() -> list[dict[str, Any]]:
    def step(name: str, **extra: Any) -> dict[str, Any]:
        return {"capabilities": [name], **extra}

    final = [step("assembly"), step("testing", rework={"probability": 0.04, "back_to": 0}), step("packing")]
    return [
        {"id": "frame", "family": "metal", "routing": [step("cutting"), step("welding"), step("painting")]},
        {
            "id": "housing",
            "family": "machined",
            "routing": [step("turning"), step("milling"), step("painting", probability=0.5)],
        },
        {
            "id": "pcb",
            "family": "electronics",
            "routing": [step("smt_assembly"), step("pcb_testing", rework={"probability": 0.05, "back_to": 0})],
        },
        {
            "id": "printed-part",
            "family": "print",
            "routing": [step("3d_printing"), step("laser_cutting", probability=0.2)],
        },
        {
            "id": "unit-a",
            "family": "unit-a",
            "bom": [{"product": "frame"}, {"product": "housing"}, {"product": "pcb"}],
            "routing": final,
        },
        {
            "id": "unit-b",
            "family": "unit-b",
            "bom": [{"product": "housing"}, {"product": "pcb"}, {"product": "printed-part", "quantity": 2}],
            "routing": final,
        },
        {"id": "spare", "family": "machined", "routing": [step("milling"), step("packing")]},
    ]


def _add_energy(
    owners: list[dict[str, Any]], sites: list[dict[str, Any]], machines: list[dict[str, Any]], seed: int
) -> None:
    """Give every site its electricity price and grid CO2 and every machine its power per state.

    Drawn after the network, from a stream of their own (the first child of the seed's
    ``SeedSequence``): the network's stream, and so every event of a run, stays what it was
    before the network had power data (``scripts/engine_identity.py --compare`` holds it)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    region_of = {owner["id"]: owner["region"] for owner in owners}
    green = {owner["id"] for owner in owners if "kind" not in owner and rng.random() < GREEN_SHARE}
    for site in sites:
        price, co2 = REGION_TARIFFS[region_of[site["owner"]]]
        price *= rng.uniform(0.92, 1.08)
        co2 *= rng.uniform(0.9, 1.1)
        if site["owner"] in green:
            price, co2 = price + 0.015, rng.uniform(0.02, 0.06)
        site["energy_price"] = _r(price, 3)
        site["grid_co2"] = _r(co2, 3)
    for machine in machines:
        main = machine["capabilities"][0]["step"]
        scale = machine["speed"] ** 0.5 * rng.uniform(0.85, 1.15)
        busy, setup, idle, standby = (_r(kw * scale, 1) for kw in POWER[main])
        machine["power"] = {
            "busy": busy,
            "setup": setup,
            "idle": idle,
            "standby": standby,
            "standby_after": 90 if main in OVEN_STEPS else 30,
        }


def generate(seed: int = SEED) -> dict[str, Any]:
    """The whole scenario as JSON-ready data."""
    rng = np.random.default_rng(seed)
    steps = list(CATALOGUE)
    weights = np.array([MAIN_STEP_WEIGHTS[s] for s in steps])
    weights = weights / weights.sum()
    families = ("metal", "machined", "electronics", "print", "unit-a", "unit-b")
    owners: list[dict[str, Any]] = []
    sites: list[dict[str, Any]] = []
    machines: list[dict[str, Any]] = []
    lanes: list[dict[str, Any]] = []
    customers: list[dict[str, Any]] = []
    hubs: list[dict[str, Any]] = []
    for r in range(N_REGIONS):
        region = REGION_NAMES[r]
        cx, cy = 250 + 500 * (r % 4), 500 + 1000 * (r // 4)
        logistics = f"log-{r}"
        owners.append(
            {"id": logistics, "name": f"{region} Logistik", "kind": "logistics", "region": region, "color": "#7f7f7f"}
        )
        hub = {"id": f"hub-{r}", "owner": logistics, "name": f"{region} cross-dock", "x": cx, "y": cy}
        hubs.append(hub)
        sites.append(hub)
        customer = {"id": f"customer-{r}", "name": f"{region} distributor", "x": cx + 40, "y": cy - 60}
        customers.append(customer)
        lanes.append(
            {
                "id": f"hub-{r}>customer-{r}",
                "origin": hub["id"],
                "destination": customer["id"],
                "owner": logistics,
                "transit": _triangular(90),
                "cost_per_shipment": 80,
                "cost_per_unit": 1.0,
                "co2_per_unit": 1.5,
                "vehicles": 8,
                "vehicle_capacity": 40,
                "departure": {"policy": "when_full", "max_wait": 120},
                "bidirectional": False,
                "lease_per_period": 8 * VEHICLE_LEASE_PER_WEEK["truck"],
            }
        )
        for k in range(OWNERS_PER_REGION):
            owner = f"o{r}-{k:02d}"
            owners.append(
                {
                    "id": owner,
                    "name": f"{region} Fertigung {k + 1}",
                    "region": region,
                    "color": PALETTE[(r + k) % len(PALETTE)],
                }
            )
            x = _r(cx + rng.normal(0, 120), 1)
            y = _r(cy + rng.normal(0, 120), 1)
            site = f"{owner}-s"
            sites.append({"id": site, "owner": owner, "x": x, "y": y})
            distance = float(np.hypot(x - cx, y - cy)) * 1.25
            lanes.append(
                {
                    "id": f"{site}~hub-{r}",
                    "origin": site,
                    "destination": hub["id"],
                    "owner": logistics,
                    "transit": _triangular(20 + distance),
                    "cost_per_shipment": _r(20 + 0.9 * distance),
                    "cost_per_unit": 0.6,
                    "co2_per_unit": _r(0.03 * distance),
                    "vehicles": 8,
                    "vehicle_capacity": 60,
                    "departure": {"policy": "when_full", "max_wait": 60},
                    "lease_per_period": 8 * VEHICLE_LEASE_PER_WEEK["van"],
                }
            )
            asset_light = rng.random() < 0.5
            for m in range(int(rng.integers(4, 7))):
                main = steps[int(rng.choice(len(steps), p=weights))]
                extra = [s for s in rng.choice(steps, size=int(rng.integers(0, 3)), replace=False) if s != main]
                capabilities = [
                    {
                        "step": name,
                        "time": _triangular(CATALOGUE[name] * (1.0 if name == main else 1.4)),
                        "per_unit": True,
                    }
                    for name in [main, *sorted(extra)]
                ]
                machine: dict[str, Any] = {
                    "id": f"{owner}-m{m}",
                    "site": site,
                    "capabilities": capabilities,
                    "speed": _r(rng.uniform(0.8, 1.5)),
                }
                if rng.random() < 0.4:
                    a, b = (str(f) for f in rng.choice(families, size=2, replace=False))
                    machine["setup"] = {a: {b: int(rng.integers(10, 40))}}
                    machine["setup_default"] = int(rng.integers(2, 10))
                if rng.random() < 0.3:
                    machine["failures"] = {
                        "mtbf": {"dist": "exponential", "mean": int(rng.integers(2000, 6000))},
                        "mttr": {"dist": "lognormal", "mean": int(rng.integers(30, 120)), "sd": 30},
                    }
                if rng.random() < 0.2:
                    machine["shifts"] = {"period": 1440, "windows": [[360, 1320]]}
                running = _r(rng.uniform(0.5, 3.0))
                idle_share = rng.uniform(IDLE_SHARE_LOW, IDLE_SHARE_HIGH)
                machine["cost"] = {"running": running, "idle": _r(running * idle_share)}
                capital = CAPITAL_PER_WEEK[main] * machine["speed"] * rng.uniform(0.75, 1.25)
                if asset_light:
                    machine["lease_per_period"] = _r(capital * LEASE_MARKUP, 0)
                else:
                    machine["capex_per_period"] = _r(capital, 0)
                machines.append(machine)
    for i in range(N_REGIONS):
        for j in range(i + 1, N_REGIONS):
            a, b = hubs[i], hubs[j]
            distance = float(np.hypot(a["x"] - b["x"], a["y"] - b["y"])) * 1.2
            lanes.append(
                {
                    "id": f"{a['id']}={b['id']}",
                    "origin": a["id"],
                    "destination": b["id"],
                    "owner": a["owner"],
                    "transit": _triangular(60 + distance / 70 * 60),
                    "cost_per_shipment": _r(100 + 1.4 * distance),
                    "cost_per_unit": 0.3,
                    "co2_per_unit": _r(0.009 * distance),
                    "vehicles": 6,
                    "vehicle_capacity": 100,
                    "departure": {"policy": "when_full", "max_wait": 360},
                    "lease_per_period": 6 * VEHICLE_LEASE_PER_WEEK["trailer"],
                }
            )
    owners.append(
        {"id": "platform", "name": "CloudFab Platform", "kind": "platform", "region": "all", "color": "#000000"}
    )
    mixes = (
        {"unit-a": 0.5, "unit-b": 0.3, "spare": 0.2},
        {"unit-a": 0.3, "unit-b": 0.5, "spare": 0.2},
    )
    streams = [
        {
            "customer": customer["id"],
            "interarrival": {"dist": "exponential", "mean": INTERARRIVAL},
            "mix": mixes[r % 2],
            "quantity": {"dist": "empirical", "values": [1, 2, 3], "weights": [6, 3, 1]},
            "due": {"rule": "lead_time", "lead": {"dist": "uniform", "low": 2160, "high": 3600}},
            "price_per_unit": 300 + 20 * r,
            "max_orders": ORDERS_PER_STREAM,
        }
        for r, customer in enumerate(customers)
    ]
    _add_energy(owners, sites, machines, seed)
    arrivals_end = ORDERS_PER_STREAM * INTERARRIVAL
    return {
        "format_version": 2,
        "name": "Large cloud-factory network (generated)",
        "description": (
            "Platform owner and performance question: does dispatch still serve customers well with "
            f"{len(owners)} owners and {len(machines)} machines in {N_REGIONS} regions with regional hubs, "
            f"and can a run of {N_REGIONS * ORDERS_PER_STREAM:,} orders finish? Generated by "
            f"scripts/generate_large_network.py (seed {seed}); do not edit by hand. Busiest step pools about 0.7 "
            "from mean times. Power per machine type, electricity prices and grid CO2 per region (some owners "
            "on green contracts), capital charges by machine type; under earliest-completion dispatch about a "
            "third of the asset owners get little or no work and lose their fixed costs: a question for the "
            "platform's matching rule."
        ),
        "owners": owners,
        "sites": sites,
        "machines": machines,
        "lanes": lanes,
        "products": _products(),
        "customers": customers,
        "demand": {"streams": streams},
        # the default sharing rule (full cost back, the margin shared by capital): cost-proportional
        # rules pay a partner more for declaring more cost, and here handed the carriers, whose
        # variable cost is high, most of the margin
        "platform": {
            "mode": "push",
            "assignment": "earliest_completion",
            "sequencing": "edd",
            "fee": 0.05,
            "sharing": "full_cost",
            "costs": PLATFORM_COSTS,
        },
        "run": {"horizon": _r(arrivals_end + 4 * 1440, 0), "warmup": 1440, "seed": 1},
    }


def to_text(data: dict[str, Any]) -> str:
    """Compact JSON: one list item per line, so diffs stay readable and the file small."""
    parts = ["{"]
    items = list(data.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list) and value:
            rows = [json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in value]
            parts.append(f"{json.dumps(key)}: [\n  " + ",\n  ".join(rows) + f"\n]{comma}")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'))}{comma}")
    parts.append("}")
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent / "sample_networks" / "large_network.json"
    parser.add_argument("-o", "--output", type=Path, default=default)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    text = to_text(generate(args.seed))
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(text) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
