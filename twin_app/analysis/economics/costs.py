"""Each owner's costs over the observation window, by component.

- **running**, **setup**, **transport**: the cost of the PROCESS, SETUP and TRANSPORT events of
  the owner's machines and vehicles, in proportion to each event's overlap with the window;
- **idle**: each machine unit's idle rate x its idle time in the window;
- **capex**: ``capex_per_period`` x the window in cost periods, plus the yearly capital charge
  of each ``investment`` (:mod:`.investment`) x the window in years;
- **lease**: ``lease_per_period`` of machines and lanes (their vehicle fleets) x the window in
  cost periods;
- **maintenance**: ``maintenance_per_year`` of each investment x the window in years;
- **rental**: pay-per-use fees the owner pays for machines it rents (:mod:`.rentals`);
- **platform**: the platform's own costs (``platform.costs``: per cost period, and per order
  delivered in the window), borne by the owner of kind ``platform``;
- **energy**: the electricity the owner's machines draw, at their sites' prices
  (:mod:`twin_app.analysis.energy`); counted with the fixed costs, so the sharing rules spread
  it over the orders by resource-minutes.

Vehicles' ``vehicle_cost_per_day`` is in **lease** with the fleets' leases (what holding the
fleet costs); CO2 is transport (:mod:`twin_app.analysis.logistics`, from vehicle-km by load)
plus production (the machines' energy x their sites' grid intensity).

Rental fees received are revenue, not negative cost (see :mod:`.money`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.analysis.economics.investment import annual_capital_charge
from twin_app.analysis.economics.rentals import RentalMap, rental_fees
from twin_app.analysis.energy import machine_energy
from twin_app.analysis.logistics import transport_co2_by_owner, vehicle_fixed_cost_by_owner
from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import IDLE, state_durations
from twin_app.model.events import EventKind

COMPONENTS = ("running", "idle", "setup", "transport", "capex", "lease", "maintenance", "rental", "platform", "energy")
"""The cost components, in the order tables show them."""


@dataclass(frozen=True)
class OwnerCosts:
    """Cost components per owner (arrays of length n_owners), rental fees received, CO2."""

    components: dict[str, np.ndarray]
    rental_income: np.ndarray
    co2: np.ndarray

    @property
    def total(self) -> np.ndarray:
        return sum((self.components[name] for name in COMPONENTS), np.zeros_like(self.co2))

    @property
    def capital(self) -> np.ndarray:
        """Capital charges: what holding the capacity costs (capex, lease, maintenance)."""
        c = self.components
        return c["capex"] + c["lease"] + c["maintenance"]

    @property
    def fixed(self) -> np.ndarray:
        """Costs not caused by any one order: capital charges, idle time and energy."""
        return self.capital + self.components["idle"] + self.components["energy"]


def event_owner(result: RunResult, events: np.ndarray) -> np.ndarray:
    """Owner of each event: its own owner field, else the owner of its resource (-1: none)."""
    return owner_of(result, events["owner"], events["resource"])


def owner_of(result: RunResult, owner: np.ndarray, res: np.ndarray) -> np.ndarray:
    """:func:`event_owner` from the events' ``owner`` and ``resource`` columns."""
    owner = owner.astype(np.int64)
    if not (owner >= 0).all():  # (the engine names the owner of every event it logs)
        ok_res = (res >= 0) & (res < result.n_resources)
        fallback = np.full(len(res), -1, dtype=np.int64)
        fallback[ok_res] = result.layout.resource_owner[res[ok_res]]
        owner = np.where(owner >= 0, owner, fallback)
    return np.where(owner < result.n_owners, owner, -1)


def per_owner(result: RunResult, owner: np.ndarray, amount: np.ndarray) -> np.ndarray:
    """Sum of ``amount`` by ``owner`` (entries with owner -1 dropped)."""
    ok = owner >= 0
    if not ok.all():
        owner, amount = owner[ok], amount[ok]
    return np.bincount(owner, weights=amount, minlength=result.n_owners)[: result.n_owners]


def owner_costs(result: RunResult, n_paid: int, durations: np.ndarray | None = None) -> OwnerCosts:
    """Costs per owner over ``result``'s window; ``n_paid``: orders delivered in it (for the
    platform's cost per order)."""
    scenario = result.scenario
    layout = result.layout

    def from_events(k: EventKind) -> np.ndarray:
        # the window shares and owners of this kind's rows only (the same values as over the
        # whole log; one kind's columns alive at a time)
        rows = result.rows_of(k)
        share = result.window_fraction_of(result.column("start")[rows], result.column("end")[rows])
        owner = owner_of(result, result.column("owner")[rows], result.column("resource")[rows])
        return per_owner(result, owner, result.column("cost")[rows] * share)

    if durations is None:
        durations = state_durations(result)
    m = result.n_machine_units
    unit_machine = np.array([r.machine for r in layout.resources[:m]], dtype=np.int64)
    idle_rate = np.array([mc.cost.idle for mc in scenario.machines])[unit_machine] if m else np.zeros(0)
    idle = per_owner(result, layout.resource_owner[:m].astype(np.int64), durations[:m, IDLE] * idle_rate)

    periods = result.duration / scenario.run.cost_period
    years = result.duration / scenario.economics.year
    machine_owner = np.array([layout.resource_owner[u] for u in layout.machine_first_unit], dtype=np.int64)
    rates = [scenario.owners[o].discount_rate if o >= 0 else 0.0 for o in machine_owner]
    capital = np.array(
        [
            mc.capex_per_period * periods
            + (annual_capital_charge(mc.investment, rate) * years if mc.investment else 0.0)
            for mc, rate in zip(scenario.machines, rates, strict=True)
        ]
    )
    maintenance = np.array(
        [mc.investment.maintenance_per_year * years if mc.investment else 0.0 for mc in scenario.machines]
    )
    lease = np.array([mc.lease_per_period for mc in scenario.machines]) * periods
    lane_owner = {r.lane: r.owner for r in layout.resources[m:]}
    fleet = [(lane_owner.get(k, -1), lane.lease_per_period * periods) for k, lane in enumerate(scenario.lanes)]
    fleet_lease = per_owner(result, np.array([o for o, _ in fleet], dtype=np.int64), np.array([a for _, a in fleet]))
    fleet_lease = fleet_lease + vehicle_fixed_cost_by_owner(result)
    energy = machine_energy(result, durations)

    rental_paid, rental_income = rental_fees(result, RentalMap.of(scenario))
    platform = np.zeros(result.n_owners)
    platform_owner = platform_index(result)
    if platform_owner >= 0:
        costs = scenario.platform.costs
        platform[platform_owner] = costs.per_period * periods + costs.per_order * n_paid

    components = {
        "running": from_events(EventKind.PROCESS),
        "idle": idle,
        "setup": from_events(EventKind.SETUP),
        "transport": from_events(EventKind.TRANSPORT),
        "capex": per_owner(result, machine_owner, capital),
        "lease": per_owner(result, machine_owner, lease) + fleet_lease,
        "maintenance": per_owner(result, machine_owner, maintenance),
        "rental": rental_paid,
        "platform": platform,
        "energy": energy.by_owner(energy.unit_cost, result.n_owners),
    }
    co2 = transport_co2_by_owner(result) + energy.by_owner(energy.unit_co2, result.n_owners)
    return OwnerCosts(components, rental_income, co2)


def platform_index(result: RunResult) -> int:
    """Index of the owner of kind 'platform' (-1: none)."""
    for index, owner in enumerate(result.scenario.owners):
        if owner.kind == "platform":
            return index
    return -1
