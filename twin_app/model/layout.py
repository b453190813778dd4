"""The index tables of a run: what the integers in the event log refer to.

A machine of capacity c becomes c *resources* (units that each work on one operation); a
lane with v vehicles becomes v vehicle resources. Resources are numbered machines first (in
scenario order, units in turn), then vehicles. The layout depends only on the scenario, so
the simulator, the analysis, the store and the GUI all build the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from twin_app.model.scenario import Scenario


@dataclass(frozen=True, slots=True)
class Resource:
    """A row of the Gantt chart: one machine unit or one vehicle."""

    id: str
    kind: Literal["machine", "vehicle"]
    owner: int
    site: int
    """Index into Layout.sites (for a vehicle: its lane's origin, -1 if that is a customer)."""
    machine: int
    """Index into scenario.machines, or -1 for a vehicle."""
    lane: int
    """Index into scenario.lanes, or -1 for a machine unit."""
    unit: int


@dataclass(frozen=True, slots=True)
class Layout:
    owners: tuple[str, ...]
    sites: tuple[str, ...]
    products: tuple[str, ...]
    customers: tuple[str, ...]
    families: tuple[str, ...]
    resources: tuple[Resource, ...]
    resource_owner: np.ndarray
    """resource_owner[r]: owner index of resource r, for vectorised grouping."""
    n_machine_units: int
    """Resources [0, n_machine_units) are machine units, the rest are vehicles."""
    machine_first_unit: tuple[int, ...]
    """machine_first_unit[m]: resource index of machine m's first unit."""

    @classmethod
    def build(cls, scenario: Scenario) -> Layout:
        owners = tuple(o.id for o in scenario.owners)
        owner_index = {name: i for i, name in enumerate(owners)}
        sites = tuple(s.id for s in scenario.sites)
        site_index = {name: i for i, name in enumerate(sites)}
        site_owner = {s.id: owner_index.get(s.owner, -1) for s in scenario.sites}
        resources: list[Resource] = []
        first_unit: list[int] = []
        for m, machine in enumerate(scenario.machines):
            first_unit.append(len(resources))
            for unit in range(machine.capacity):
                name = machine.id if machine.capacity == 1 else f"{machine.id}.{unit + 1}"
                owner = site_owner.get(machine.site, -1)
                resources.append(Resource(name, "machine", owner, site_index.get(machine.site, -1), m, -1, unit))
        n_machine_units = len(resources)
        for k, lane in enumerate(scenario.lanes):
            origin_owner = site_owner.get(lane.origin, -1)
            owner = owner_index.get(lane.owner, origin_owner) if lane.owner else origin_owner
            for unit in range(lane.vehicles):
                name = lane.id if lane.vehicles == 1 else f"{lane.id}/{unit + 1}"
                resources.append(Resource(name, "vehicle", owner, site_index.get(lane.origin, -1), -1, k, unit))
        families = tuple(sorted({p.family for p in scenario.products}))
        return cls(
            owners=owners,
            sites=sites,
            products=tuple(p.id for p in scenario.products),
            customers=tuple(c.id for c in scenario.customers),
            families=families,
            resources=tuple(resources),
            resource_owner=np.array([r.owner for r in resources], dtype=np.int32),
            n_machine_units=n_machine_units,
            machine_first_unit=tuple(first_unit),
        )
