"""Meaning checks of the network flows: lanes by the kilometre, hubs, energy, returns,
quality, data sharing and suppliers.

Types and bounds (a negative power, a return share above 1, a yield of 0, a road factor
below 1, a hub with no docks) are rejected by the reader at their place; what needs more
than one field, or the network, is checked here.
"""

from __future__ import annotations

import numpy as np

from twin_app.errors import Problem
from twin_app.model.geography import lane_distances
from twin_app.model.scenario import Product, Scenario
from twin_app.model.suggest import did_you_mean

MAX_QUALITY_PASSES = 1_000.0
"""Most passes a job may make through one routing step in expectation, scrap and rework
included: the limit MAX_REWORK_PROBABILITY sets for a rework loop (a yield of 0.5 over 10
steps already brings a job to its first step about 1,000 times)."""


def check_flows(scenario: Scenario) -> list[Problem]:
    """Every flow problem of ``scenario`` (empty when it is consistent)."""
    problems: list[Problem] = []
    _check_lane_physics(scenario, problems)
    _check_hubs(scenario, problems)
    _check_quality(scenario, problems)
    _check_suppliers(scenario, problems)
    _check_take_back(scenario, problems)
    return problems


def _check_lane_physics(scenario: Scenario, problems: list[Problem]) -> None:
    distances = lane_distances(scenario)
    for i, (lane, km) in enumerate(zip(scenario.lanes, distances, strict=True)):
        if lane.co2_per_km_full < lane.co2_per_km_empty:
            problems.append(
                Problem(
                    f"lanes[{i}].co2_per_km_full",
                    f"a full vehicle emits less ({lane.co2_per_km_full:g}/km) than an empty one "
                    f"({lane.co2_per_km_empty:g}/km)",
                    "a load adds fuel: make co2_per_km_full at least co2_per_km_empty",
                )
            )
        per_km = lane.cost_per_km > 0 or lane.co2_per_km_empty > 0 or lane.co2_per_km_full > 0
        if per_km and km <= 0:
            problems.append(
                Problem(
                    f"lanes[{i}].distance",
                    f"costs or CO2 per km are set, but {lane.origin!r} and {lane.destination!r} are at the same "
                    "x/y, so the lane is 0 km long",
                    "give the lane a distance, or the places their coordinates",
                )
            )


def _check_hubs(scenario: Scenario, problems: list[Problem]) -> None:
    arriving: set[str] = set()
    leaving: set[str] = set()
    for lane in scenario.lanes:
        arriving.add(lane.destination)
        leaving.add(lane.origin)
        if lane.bidirectional:
            arriving.add(lane.origin)
            leaving.add(lane.destination)
    for i, site in enumerate(scenario.sites):
        if site.handling is not None and not (site.id in arriving and site.id in leaving):
            problems.append(
                Problem(
                    f"sites[{i}].handling",
                    f"no part can pass through {site.id!r}: handling is for parts that arrive by one lane "
                    "and leave by another",
                    "add lanes into and out of the hub, or remove the handling",
                )
            )


def _check_quality(scenario: Scenario, problems: list[Problem]) -> None:
    for i, machine in enumerate(scenario.machines):
        if machine.rework_rate + (1.0 - machine.yield_rate) > 1.0 + 1e-12:
            problems.append(
                Problem(
                    f"machines[{i}].rework_rate",
                    f"scrap ({1 - machine.yield_rate:g}) and rework ({machine.rework_rate:g}) add up to more than 1",
                    "yield_rate is the share not scrapped; rework_rate a part of it: keep rework_rate <= yield_rate",
                )
            )
    if any(p.place.startswith("machines[") and p.place.endswith(".rework_rate") for p in problems):
        return
    capable: dict[str, list[int]] = {}
    for i, machine in enumerate(scenario.machines):
        for capability in machine.capabilities:
            capable.setdefault(capability.step, []).append(i)
    for product in scenario.products:
        worst = [
            max(
                (m for name in step.capabilities for m in capable.get(name, ())),
                key=lambda m: (1 - scenario.machines[m].yield_rate) + scenario.machines[m].rework_rate,
                default=-1,
            )
            for step in product.routing
        ]
        if all(
            m < 0 or (scenario.machines[m].yield_rate == 1 and scenario.machines[m].rework_rate == 0) for m in worst
        ):
            continue
        passes = quality_passes(product, [scenario.machines[m] if m >= 0 else None for m in worst])
        step = int(np.argmax(passes))
        if passes[step] > MAX_QUALITY_PASSES * (1 + 1e-9):
            machine = worst[step]
            problems.append(
                Problem(
                    f"machines[{machine}].yield_rate",
                    f"with its scrap and rework a job of {product.id!r} would pass step {step} "
                    f"{passes[step]:,.0f} times in expectation",
                    "raise the yield or lower the rework rate (a process that mostly fails is not a process)",
                )
            )


def quality_passes(product: Product, machines: list) -> np.ndarray:
    """Expected passes through each step of a job of ``product`` when step s is done by
    ``machines[s]`` (None: never fails): scrap restarts the job (at its first step, or at its
    assembly step once assembled), rework repeats the step. An absorbing Markov chain, as
    :func:`twin_app.model.workload.expected_passes` (routing rework loops are left out)."""
    n = len(product.routing)
    transitions = np.zeros((n, n))
    for s, step in enumerate(product.routing):
        machine = machines[s]
        scrap = 1.0 - machine.yield_rate if machine is not None else 0.0
        rework = machine.rework_rate if machine is not None else 0.0
        scrap, rework = scrap * step.probability, rework * step.probability
        restart = product.assembly_step if product.bom and s >= product.assembly_step else 0
        transitions[s, restart] += scrap
        transitions[s, s] += rework
        if s + 1 < n:
            transitions[s, s + 1] += 1.0 - scrap - rework
    start = np.zeros(n)
    start[0] = 1.0
    try:
        visits = np.linalg.solve((np.eye(n) - transitions).T, start)
    except np.linalg.LinAlgError:
        return np.full(n, np.inf)
    return np.where(np.isfinite(visits) & (visits >= 0), visits, np.inf)


def _check_suppliers(scenario: Scenario, problems: list[Problem]) -> None:
    owners = {owner.id for owner in scenario.owners}
    site_owner = {site.id: site.owner for site in scenario.sites}
    for p, product in enumerate(scenario.products):
        for s, step in enumerate(product.routing):
            for key in ("required", "preferred"):
                for k, name in enumerate(getattr(step.suppliers, key)):
                    where = f"products[{p}].routing[{s}].suppliers.{key}[{k}]"
                    if name not in owners:
                        hint = did_you_mean(name, sorted(owners)).removeprefix("; ")
                        problems.append(Problem(where, f"unknown owner {name!r}", hint or "name an owner"))
                        continue
                    able = any(
                        site_owner.get(machine.site) == name
                        and {c.step for c in machine.capabilities} & set(step.capabilities)
                        for machine in scenario.machines
                    )
                    if not able:
                        problems.append(
                            Problem(
                                where,
                                f"{name!r} has no machine that can do this step ({', '.join(step.capabilities)})",
                                "name an owner with a capable machine, or give that owner one",
                            )
                        )


def _check_take_back(scenario: Scenario, problems: list[Problem]) -> None:
    from twin_app.model.network import Network

    products = {product.id: product for product in scenario.products}
    network: Network | None = None
    for p, product in enumerate(scenario.products):
        take_back = product.take_back
        if take_back is None:
            continue
        where = f"products[{p}].take_back"
        for key in ("process", "replaces"):
            name = getattr(take_back, key)
            if name and name not in products:
                hint = did_you_mean(name, sorted(products)).removeprefix("; ")
                problems.append(Problem(f"{where}.{key}", f"unknown product {name!r}", hint or "name a product"))
        replaced = products.get(take_back.replaces or product.id)
        if replaced is not None and replaced.bom:
            problems.append(
                Problem(
                    f"{where}.replaces",
                    f"{replaced.id!r} has a bill of materials: a remanufactured unit replaces a component made "
                    "without one",
                    "name the component the remanufactured unit stands in for",
                )
            )
        process = products.get(take_back.process)
        if process is None:
            continue
        network = network or Network.build(scenario)
        first = set(process.routing[0].capabilities)
        sites = {m.site for m in scenario.machines if {c.step for c in m.capabilities} & first}
        customers = {s.customer for s in scenario.demand.streams if product.id in s.mix}
        customers |= {o.customer for o in scenario.demand.orders if o.product == product.id}
        for customer in sorted(customers):
            if not network.reachable_from([customer]) & sites:
                problems.append(
                    Problem(
                        f"{where}.process",
                        f"returns from customer {customer!r} cannot reach a site that can do "
                        f"{process.routing[0].capabilities[0]!r} (the first step of {process.id!r})",
                        "add a lane from the customer towards the remanufacturer",
                    )
                )
