"""Energy of the machines from their states over time: kWh, its cost and its CO2.

Each machine unit draws the power its machine states for what it is doing (``power``, kW):
busy while processing, setup while changing over, idle while waiting for work or blocked,
standby while down for repair or off shift, and, if ``standby_after`` is set, in the part of
an idle stretch that lasts longer than that (an idle stretch is measured over the whole run,
so one that began in the warm-up counts from its true start). Energy = power x time / 60
(times are minutes). Its cost is the site's ``energy_price`` per kWh, its CO2 the site's
``grid_co2`` per kWh; both are the machine owner's. All over the observation window.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import BLOCKED, BUSY, DOWN, IDLE, OFF_SHIFT, SETUP, state_segments

HOUR = 60.0
"""Time units per hour: power is in kW, energy in kWh, times in minutes."""

ENERGY_STATES = ("busy", "setup", "idle", "standby")
"""The columns of :attr:`Energy.kwh`."""


@dataclass(frozen=True)
class Energy:
    """Energy per machine unit and power state in the window, and what it costs and emits."""

    kwh: np.ndarray
    """Shape (machine units, 4): kWh in each of :data:`ENERGY_STATES`."""
    price: np.ndarray
    """Per machine unit: its site's price per kWh."""
    intensity: np.ndarray
    """Per machine unit: its site's CO2 per kWh."""
    owner: np.ndarray
    site: np.ndarray

    @property
    def unit_kwh(self) -> np.ndarray:
        return self.kwh.sum(axis=1)

    @property
    def unit_cost(self) -> np.ndarray:
        return self.unit_kwh * self.price

    @property
    def unit_co2(self) -> np.ndarray:
        return self.unit_kwh * self.intensity

    def by_owner(self, values: np.ndarray, n_owners: int) -> np.ndarray:
        ok = (self.owner >= 0) & (self.owner < n_owners)
        return np.bincount(self.owner[ok], weights=values[ok], minlength=n_owners)[:n_owners]


def standby_minutes(result: RunResult) -> np.ndarray:
    """Per machine unit: idle time in the window past its machine's ``standby_after`` (worked
    out once per result: a sweep over every machine interval since time 0)."""
    minutes = result.derived("standby_minutes", lambda: _standby_minutes(result))
    minutes.flags.writeable = False  # shared by every analysis of the result
    return minutes


def _standby_minutes(result: RunResult) -> np.ndarray:
    m = result.n_machine_units
    layout = result.layout
    after = np.array(
        [
            np.inf if result.scenario.machines[r.machine].power.standby_after is None
            else result.scenario.machines[r.machine].power.standby_after
            for r in layout.resources[:m]
        ]
    )  # fmt: skip
    if m == 0 or not np.isfinite(after).any() or result.duration <= 0:
        return np.zeros(m)
    whole = replace(result, start=0.0)  # idle stretches from their true start
    res, start, end, state = state_segments(whole, machines_only=True)
    active = state != IDLE
    res, start, end = res[active], start[active], end[active]
    # Idle stretches: before each non-idle segment (from the previous one's end, or 0), and
    # after each unit's last one (a unit with none idles all along).
    first = np.ones(len(res), dtype=bool)
    first[1:] = res[1:] != res[:-1]
    previous_end = np.where(first, 0.0, np.roll(end, 1))
    tail_start = np.zeros(m)
    last = np.ones(len(res), dtype=bool)
    last[:-1] = first[1:]
    tail_start[res[last]] = end[last]
    gap_res = np.concatenate([res, np.arange(m)])
    gap_lo = np.concatenate([previous_end, tail_start])
    gap_hi = np.concatenate([start, np.full(m, result.end)])
    lo = np.maximum(gap_lo + after[gap_res], result.start)
    hi = np.minimum(gap_hi, result.end)
    return np.bincount(gap_res, weights=np.maximum(hi - lo, 0.0), minlength=m)[:m]


def machine_energy(result: RunResult, durations: np.ndarray) -> Energy:
    """Energy of every machine unit over the window (``durations``: :func:`state_durations`)."""
    scenario = result.scenario
    layout = result.layout
    m = result.n_machine_units
    machines = [scenario.machines[r.machine] for r in layout.resources[:m]]
    site_of = {site.id: site for site in scenario.sites}
    power = np.array([[mc.power.busy, mc.power.setup, mc.power.idle, mc.power.standby] for mc in machines])
    power = power.reshape(m, 4)
    d = durations[:m]
    standby = standby_minutes(result)
    idle_time = d[:, IDLE] + d[:, BLOCKED] - standby
    minutes = np.stack([d[:, BUSY], d[:, SETUP], np.maximum(idle_time, 0.0), d[:, DOWN] + d[:, OFF_SHIFT] + standby])
    kwh = power * minutes.T.reshape(m, 4) / HOUR
    price = np.array([site_of[mc.site].energy_price if mc.site in site_of else 0.0 for mc in machines])
    intensity = np.array([site_of[mc.site].grid_co2 if mc.site in site_of else 0.0 for mc in machines])
    return Energy(
        kwh=kwh,
        price=price,
        intensity=intensity,
        owner=layout.resource_owner[:m].astype(np.int64),
        site=np.array([r.site for r in layout.resources[:m]], dtype=np.int64),
    )


def energy_block(result: RunResult, energy: Energy, units: float) -> dict[str, Any]:
    """The ``energy`` block of the KPI dictionary (``units``: units delivered in the window)."""
    kwh = float(energy.unit_kwh.sum())
    cost = float(energy.unit_cost.sum())
    co2 = float(energy.unit_co2.sum())
    owners = result.layout.owners
    by_owner = energy.by_owner(energy.unit_kwh, len(owners))
    sites = result.layout.sites
    ok = energy.site >= 0
    site_kwh = np.bincount(energy.site[ok], weights=energy.unit_kwh[ok], minlength=len(sites))[: len(sites)]
    site_cost = np.bincount(energy.site[ok], weights=energy.unit_cost[ok], minlength=len(sites))[: len(sites)]
    site_co2 = np.bincount(energy.site[ok], weights=energy.unit_co2[ok], minlength=len(sites))[: len(sites)]

    def each(value: float) -> float | None:
        return value / units if units > 0 else None

    return {
        "kwh": kwh,
        "cost": cost,
        "co2": co2,
        "per_unit": {"kwh": each(kwh), "cost": each(cost), "co2": each(co2)},
        "by_state": {name: float(energy.kwh[:, s].sum()) for s, name in enumerate(ENERGY_STATES)},
        "by_owner": {owners[i]: float(by_owner[i]) for i in range(len(owners))},
        "by_site": {
            sites[i]: {"kwh": float(site_kwh[i]), "cost": float(site_cost[i]), "co2": float(site_co2[i])}
            for i in range(len(sites))
            if site_kwh[i] > 0
        },
    }
