"""Pay-per-use rental contracts, per machine: who rents it and at what rate.

A rented machine keeps its owner (its costs stay the owner's) but its work counts as the
renter's when orders are shared, and every hour it works (processing or setup) the renter pays
the owner the contract's rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind
from twin_app.model.scenario import Scenario

HOUR = 60.0


@dataclass(frozen=True)
class RentalMap:
    """Per machine (index into scenario.machines): renter's owner index (-1: not rented) and
    the rate per hour."""

    renter: np.ndarray
    rate: np.ndarray

    @classmethod
    def of(cls, scenario: Scenario) -> RentalMap:
        owner_index = {owner.id: i for i, owner in enumerate(scenario.owners)}
        site_owner = {site.id: site.owner for site in scenario.sites}
        renter = np.full(len(scenario.machines), -1, dtype=np.int64)
        rate = np.zeros(len(scenario.machines))
        for rental in scenario.economics.rentals:
            names = set(rental.machines)
            for m, machine in enumerate(scenario.machines):
                mine = site_owner.get(machine.site) == rental.owner
                if mine and (not names or machine.id in names) and renter[m] < 0:
                    renter[m] = owner_index[rental.renter]
                    rate[m] = rental.rate_per_hour
        return cls(renter, rate)

    def unit_arrays(self, result: RunResult) -> tuple[np.ndarray, np.ndarray]:
        """Renter and rate per resource (vehicles: -1 and 0)."""
        layout = result.layout
        renter = np.full(result.n_resources, -1, dtype=np.int64)
        rate = np.zeros(result.n_resources)
        m = result.n_machine_units
        machine = np.array([r.machine for r in layout.resources[:m]], dtype=np.int64)
        if m and len(self.renter):
            renter[:m] = self.renter[machine]
            rate[:m] = self.rate[machine]
        return renter, rate


def rental_fees(result: RunResult, rentals: RentalMap) -> tuple[np.ndarray, np.ndarray]:
    """``(paid per owner, received per owner)`` over the window: rate x hours worked."""
    paid = np.zeros(result.n_owners)
    received = np.zeros(result.n_owners)
    renter, rate = rentals.unit_arrays(result)
    if not (renter >= 0).any():
        return paid, received
    ev = result.events
    pick = result.kind_mask(EventKind.PROCESS, EventKind.SETUP) & result.machine_mask()
    ev = ev[pick]
    lo, hi = result.clipped(ev)
    res = ev["resource"]
    fee = rate[res] * (hi - lo) / HOUR
    rented = renter[res] >= 0
    np.add.at(paid, renter[res][rented], fee[rented])
    owner = result.layout.resource_owner[res].astype(np.int64)
    np.add.at(received, owner[rented], fee[rented])
    return paid, received
