"""Circular flows from the event log: take-back, remanufacturing, and what it saves.

All over the observation window, from the point records of :mod:`twin_app.sim.circular`:

- **delivered**: units of take-back products delivered in the window; **returned**: units
  taken back (RETURNED); **return_rate** = returned / delivered (returns lag deliveries, so
  over a short window this reads low);
- **remanufactured** (into stock), **recycled** (secondary material), **reused** (taken from
  stock for a later order's job); **remanufactured_share** = reused / units of the replaced
  components those orders needed (orders released in the window);
- **cost**: what the return flows cost (their PROCESS, SETUP and TRANSPORT records, order
  :data:`RETURN_ORDER`): transport back, inspection, remanufacturing;
- **cost_avoided** and **co2_avoided**: reused units x what making one new unit of that
  component cost and emitted in this run (its operations' running and setup costs, and
  their energy x the sites' grid intensity, per unit made); **co2** the production CO2 of
  the return flows' own operations. Transport CO2 of the returns is in ``co2.transport``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from twin_app.analysis.economics.jobs import event_products, job_tree
from twin_app.analysis.energy import HOUR
from twin_app.analysis.result import RunResult
from twin_app.model.events import RETURN_ORDER, EventKind, Outcome


def _operation_co2(result: RunResult, events: np.ndarray) -> np.ndarray:
    """Production CO2 of PROCESS and SETUP records: power x hours x the site's grid intensity."""
    scenario = result.scenario
    m = result.n_machine_units
    res = events["resource"]
    ok = (res >= 0) & (res < m)
    out = np.zeros(len(events))
    if not ok.any():
        return out
    layout = result.layout
    machine = np.array([r.machine for r in layout.resources[:m]], dtype=np.int64)[res[ok]]
    site_of = {site.id: site for site in scenario.sites}
    intensity = np.array([site_of[mc.site].grid_co2 for mc in scenario.machines])[machine]
    busy = np.array([mc.power.busy for mc in scenario.machines])[machine]
    setup = np.array([mc.power.setup for mc in scenario.machines])[machine]
    power = np.where(events["kind"][ok] == EventKind.SETUP, setup, busy)
    out[ok] = power * (events["end"][ok] - events["start"][ok]) / HOUR * intensity
    return out


def circular_block(result: RunResult) -> dict[str, Any]:
    """The ``circular`` block of the KPI dictionary (empty without take-back products)."""
    scenario = result.scenario
    flows = {p: product.take_back for p, product in enumerate(scenario.products) if product.take_back is not None}
    if not flows:
        return {}
    ev = result.events
    start, end = result.start, result.end
    point = (ev["start"] >= start) & (ev["start"] <= end)

    def units(kind: Outcome) -> float:
        return float(ev["quantity"][(ev["kind"] == kind) & point].sum())

    o = result.orders
    delivered_in = np.isfinite(o["completed"]) & (o["completed"] >= start) & (o["completed"] <= end)
    take_back = np.isin(o["product"], list(flows))
    delivered = float(o["quantity"][delivered_in & take_back].sum())
    returned, reused = units(Outcome.RETURNED), units(Outcome.REUSED)

    index = {product.id: p for p, product in enumerate(scenario.products)}
    replaced = {index[flow.replaces or scenario.products[p].id] for p, flow in flows.items()}
    released = (o["release"] >= start) & (o["release"] <= end)
    needed = 0.0
    for record in o[released]:
        for product, per_unit in job_tree(scenario, int(record["product"])):
            if product in replaced:
                needed += per_unit * float(record["quantity"])

    work = result.kind_mask(EventKind.PROCESS, EventKind.SETUP)
    share = result.window_fraction()
    flow_events = (ev["order"] == RETURN_ORDER) & (work | (ev["kind"] == EventKind.TRANSPORT))
    cost = float((ev["cost"] * share)[flow_events].sum())
    flow_ops = ev[(ev["order"] == RETURN_ORDER) & work]
    co2 = float((_operation_co2(result, flow_ops) * result.window_fraction(flow_ops)).sum())

    # What making a new unit of each replaced component cost and emitted in this run.
    made = ev[work & (ev["order"] >= 0)]
    product_of = event_products(result, made)
    reuse = ev[(ev["kind"] == Outcome.REUSED) & point]
    reuse_product = event_products(result, reuse)
    cost_avoided = co2_avoided = 0.0
    for product in replaced:
        mine = made[product_of == product]
        jobs, first = np.unique(mine["job"], return_index=True)
        new_units = float(mine["quantity"][first].sum()) if len(jobs) else 0.0
        if new_units <= 0:
            continue
        used = float(reuse["quantity"][reuse_product == product].sum())
        cost_avoided += used * float(mine["cost"].sum()) / new_units
        co2_avoided += used * float(_operation_co2(result, mine).sum()) / new_units
    return {
        "delivered": delivered,
        "returned": returned,
        "return_rate": returned / delivered if delivered > 0 else None,
        "remanufactured": units(Outcome.REMANUFACTURED),
        "recycled": units(Outcome.RECYCLED),
        "reused": reused,
        "remanufactured_share": reused / needed if needed > 0 else None,
        "cost": cost,
        "co2": co2,
        "cost_avoided": cost_avoided,
        "co2_avoided": co2_avoided,
    }
