"""Meaning checks of a scenario whose structure and types are already valid.

Each check adds :class:`~twin_app.errors.Problem` entries naming the place in the file; the
reader raises them all at once. What is checked: unique ids, every reference to an id
(with the nearest known id as a suggestion), setup families, probabilities that must sum to
1, step and rework indices, shift calendars, departure policies and the settings they use,
bill-of-materials cycles, steps no machine can do, demand that exists and ends, run
settings, and whether parts can travel between the sites that must exchange them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from twin_app.errors import Problem
from twin_app.model.economics_checks import check_economics
from twin_app.model.flow_checks import check_flows
from twin_app.model.scenario import Scenario
from twin_app.model.suggest import did_you_mean
from twin_app.model.workload import check_workload

if TYPE_CHECKING:
    import networkx as nx


def check_scenario(scenario: Scenario) -> list[Problem]:
    """Every meaning problem of ``scenario`` (empty when it is consistent)."""
    problems: list[Problem] = []
    ids = _check_unique_ids(scenario, problems)
    _check_references(scenario, ids, problems)
    _check_machines(scenario, problems)
    _check_lanes(scenario, problems)
    _check_products(scenario, problems)
    _check_demand(scenario, problems)
    _check_run(scenario, problems)
    problems += check_economics(scenario)
    problems += check_flows(scenario)
    problems += check_workload(scenario)
    if not problems:  # reachability needs consistent references
        _check_reachability(scenario, problems)
    return problems


def _check_unique_ids(scenario: Scenario, problems: list[Problem]) -> dict[str, set[str]]:
    ids: dict[str, set[str]] = {}
    for collection in ("owners", "sites", "machines", "lanes", "products", "customers"):
        seen: set[str] = set()
        for index, item in enumerate(getattr(scenario, collection)):
            if item.id in seen:
                problems.append(
                    Problem(f"{collection}[{index}].id", f"duplicate id {item.id!r}", "give each one its own id")
                )
            seen.add(item.id)
        ids[collection] = seen
    orders_seen: set[str] = set()
    for index, order in enumerate(scenario.demand.orders):
        if order.id in orders_seen:
            problems.append(Problem(f"demand.orders[{index}].id", f"duplicate order id {order.id!r}", "make it unique"))
        orders_seen.add(order.id)
    clash = ids["sites"] & ids["customers"]
    for name in sorted(clash):
        problems.append(Problem("customers", f"id {name!r} is both a site and a customer", "rename one of them"))
    return ids


def _reference(problems: list[Problem], where: str, value: str, known: set[str], what: str) -> None:
    """Report ``value`` at ``where`` unless it is one of the ``known`` ids of ``what``."""
    if value not in known:
        hint = did_you_mean(value, sorted(known)).removeprefix("; ")
        problems.append(Problem(where, f"unknown {what} {value!r}", hint or _known_hint(known, what)))


def _known_hint(known: Iterable[str], what: str, plural: str = "") -> str:
    """'known owners: a, b, c' (the first few), or how to add one when there is none."""
    names = sorted(known)
    if not names:
        return f"there is no {what} yet; add one"
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    return f"known {plural or what + 's'}: {shown}"


def _check_references(scenario: Scenario, ids: dict[str, set[str]], problems: list[Problem]) -> None:
    for i, site in enumerate(scenario.sites):
        _reference(problems, f"sites[{i}].owner", site.owner, ids["owners"], "owner")
    for i, machine in enumerate(scenario.machines):
        _reference(problems, f"machines[{i}].site", machine.site, ids["sites"], "site")
    nodes = ids["sites"] | ids["customers"]
    for i, lane in enumerate(scenario.lanes):
        _reference(problems, f"lanes[{i}].origin", lane.origin, nodes, "site or customer")
        _reference(problems, f"lanes[{i}].destination", lane.destination, nodes, "site or customer")
        if lane.owner:
            _reference(problems, f"lanes[{i}].owner", lane.owner, ids["owners"], "owner")
    capabilities = {cap.step for machine in scenario.machines for cap in machine.capabilities}
    for p, product in enumerate(scenario.products):
        for s, step in enumerate(product.routing):
            for c, name in enumerate(step.capabilities):
                if name not in capabilities:
                    hint = did_you_mean(name, sorted(capabilities)).removeprefix("; ")
                    problems.append(
                        Problem(
                            f"products[{p}].routing[{s}].capabilities[{c}]",
                            f"no machine can do step {name!r}",
                            hint or "add the capability to a machine, or change the step",
                        )
                    )
        for b, item in enumerate(product.bom):
            _reference(problems, f"products[{p}].bom[{b}].product", item.product, ids["products"], "product")
    for s, stream in enumerate(scenario.demand.streams):
        _reference(problems, f"demand.streams[{s}].customer", stream.customer, ids["customers"], "customer")
        for name in stream.mix:
            _reference(problems, f'demand.streams[{s}].mix["{name}"]', name, ids["products"], "product")
    for o, order in enumerate(scenario.demand.orders):
        _reference(problems, f"demand.orders[{o}].customer", order.customer, ids["customers"], "customer")
        _reference(problems, f"demand.orders[{o}].product", order.product, ids["products"], "product")


def _check_machines(scenario: Scenario, problems: list[Problem]) -> None:
    families = sorted({product.family for product in scenario.products if product.family})
    for i, machine in enumerate(scenario.machines):
        for source, targets in machine.setup.items():
            _family(problems, f'machines[{i}].setup["{source}"]', source, families)
            for target in targets:
                _family(problems, f'machines[{i}].setup["{source}"]["{target}"]', target, families)
        listed: set[str] = set()
        for c, step in enumerate(cap.step for cap in machine.capabilities):
            if step in listed:
                problems.append(
                    Problem(f"machines[{i}].capabilities[{c}].step", f"step {step!r} listed twice", "keep one entry")
                )
            listed.add(step)
        if machine.shifts is not None:
            previous_end = 0.0
            for w, (start, end) in enumerate(machine.shifts.windows):
                where = f"machines[{i}].shifts.windows[{w}]"
                if not start < end <= machine.shifts.period:
                    problems.append(
                        Problem(
                            where,
                            f"window [{start:g}, {end:g}] must have start < end <= period ({machine.shifts.period:g})",
                            "a window is [start, end] within one period; split one that crosses midnight in two",
                        )
                    )
                elif start < previous_end:
                    problems.append(
                        Problem(where, "windows must be sorted and must not overlap", "order them by start time")
                    )
                previous_end = max(previous_end, end)
            if not machine.shifts.windows:
                problems.append(
                    Problem(f"machines[{i}].shifts.windows", "a calendar needs at least one window", "add [start, end]")
                )


def _family(problems: list[Problem], where: str, name: str, families: list[str]) -> None:
    """A setup key must be the family of some product, or the changeover never happens."""
    if name not in families:
        hint = did_you_mean(name, families).removeprefix("; ")
        problems.append(
            Problem(where, f"no product has family {name!r}", hint or _known_hint(families, "family", "families"))
        )


def _check_lanes(scenario: Scenario, problems: list[Problem]) -> None:
    for i, lane in enumerate(scenario.lanes):
        departure = lane.departure
        where = f"lanes[{i}].departure"
        if lane.origin == lane.destination:
            problems.append(
                Problem(f"lanes[{i}].destination", "a lane must connect two different places", "change one end")
            )
        if departure.policy == "timetable":
            if departure.period is None or not departure.times:
                problems.append(Problem(where, "a timetable needs 'period' and 'times'", "add both"))
            elif any(t >= departure.period for t in departure.times):
                problems.append(
                    Problem(f"{where}.times", "every departure time must be < period", "times are within one period")
                )
            elif list(departure.times) != sorted(set(departure.times)):
                problems.append(
                    Problem(f"{where}.times", "departure times must be sorted and distinct", "sort them, drop repeats")
                )
        elif departure.policy == "when_full" and lane.vehicle_capacity >= 1e9:
            problems.append(
                Problem(
                    f"lanes[{i}].vehicle_capacity",
                    "'when_full' needs a vehicle_capacity",
                    "set how much one vehicle carries",
                )
            )
        if departure.policy != "timetable" and (departure.period is not None or departure.times):
            problems.append(
                Problem(
                    where,
                    f"'period' and 'times' are only used by the timetable policy, not {departure.policy!r}",
                    'set "policy": "timetable", or remove them',
                )
            )
        if departure.policy != "when_full" and departure.max_wait is not None:
            problems.append(
                Problem(
                    f"{where}.max_wait",
                    f"'max_wait' is only used by the when_full policy, not {departure.policy!r}",
                    'set "policy": "when_full", or remove it',
                )
            )


def _check_products(scenario: Scenario, problems: list[Problem]) -> None:
    edges: list[tuple[str, str]] = []
    for p, product in enumerate(scenario.products):
        n_steps = len(product.routing)
        if product.assembly_step >= n_steps:
            problems.append(
                Problem(
                    f"products[{p}].assembly_step",
                    f"step {product.assembly_step} does not exist: the routing has {n_steps} step(s)",
                    f"use a step index from 0 to {n_steps - 1}; the first step is 0",
                )
            )
        for s, step in enumerate(product.routing):
            if step.rework is not None and step.rework.back_to > s:
                problems.append(
                    Problem(
                        f"products[{p}].routing[{s}].rework.back_to",
                        f"step {step.rework.back_to} is ahead of this step {s}: rework goes back, not ahead",
                        f"use a step index from 0 to {s}; the first step is 0",
                    )
                )
        for item in product.bom:
            edges.append((product.id, item.product))
    if not edges:
        return  # no bill of materials, no cycle (and no networkx to import)
    import networkx as nx  # only for scenarios with a bill of materials

    graph = nx.DiGraph(edges)
    # Strongly connected components are linear in the graph; find_cycle on a whole long
    # chain is quadratic, so it only searches the component with the first product in a cycle.
    components = [c for c in nx.strongly_connected_components(graph) if len(c) > 1 or _self_loop(graph, c)]
    if not components:
        return
    position = {product.id: i for i, product in enumerate(scenario.products)}
    first = min((name for c in components for name in c), key=lambda name: position.get(name, len(position)))
    component = next(c for c in components if first in c)
    cycle = nx.find_cycle(graph.subgraph(component), source=first)
    chain = " -> ".join([edge[0] for edge in cycle] + [cycle[0][0]])
    index = next(i for i, product in enumerate(scenario.products) if product.id == cycle[0][0])
    problems.append(
        Problem(f"products[{index}].bom", f"bill-of-materials cycle {chain}", "a product cannot contain itself")
    )


def _self_loop(graph: nx.DiGraph, component: set[str]) -> bool:
    name = next(iter(component))
    return bool(graph.has_edge(name, name))


def _check_demand(scenario: Scenario, problems: list[Problem]) -> None:
    demand = scenario.demand
    if not demand.streams and not demand.orders:
        problems.append(Problem("demand", "no demand", "add demand.streams, demand.orders or demand.order_book"))
    for s, stream in enumerate(demand.streams):
        total = sum(stream.mix.values())
        if abs(total - 1.0) > 1e-6:
            problems.append(
                Problem(f"demand.streams[{s}].mix", f"probabilities sum to {total:g}, not 1", "adjust them to sum to 1")
            )
        if stream.due.rule == "lead_time" and stream.due.lead is None:
            problems.append(Problem(f"demand.streams[{s}].due.lead", "the lead_time rule needs 'lead'", "add it"))
        if stream.stop is not None and stream.stop <= stream.start:
            problems.append(
                Problem(f"demand.streams[{s}].stop", "must be after 'start'", "raise 'stop' or lower 'start'")
            )
        horizon = scenario.run.horizon
        if horizon is not None and stream.start >= horizon:
            problems.append(
                Problem(
                    f"demand.streams[{s}].start",
                    f"the stream starts at {stream.start:g}, not before the horizon {horizon:g}: it never orders",
                    "lower 'start' or raise run.horizon",
                )
            )
    for o, order in enumerate(demand.orders):
        if order.due is not None and order.due < order.release:
            problems.append(Problem(f"demand.orders[{o}].due", "due before release", "set due >= release"))


def _check_run(scenario: Scenario, problems: list[Problem]) -> None:
    run = scenario.run
    if run.horizon is not None and run.warmup >= run.horizon:
        problems.append(
            Problem(
                "run.warmup",
                f"warm-up {run.warmup:g} must be shorter than horizon {run.horizon:g}",
                "shorten the warm-up or lengthen the horizon",
            )
        )
    endless = [s for s in scenario.demand.streams if s.stop is None and s.max_orders is None]
    if run.horizon is None and endless:
        problems.append(
            Problem("run.horizon", "needed: demand streams without 'stop' or 'max_orders' never end", "set a horizon")
        )


def _check_reachability(scenario: Scenario, problems: list[Problem]) -> None:
    """Parts must be able to travel between the sites of consecutive steps and to assembly."""
    from twin_app.model.network import Network

    network = Network.build(scenario)  # the graph only: the route tables are never built here
    sites_for_step = network.sites_by_capability
    searches: dict[frozenset[str], set[str]] = {}
    products = {product.id: product for product in scenario.products}

    def reach(origins: set[str]) -> set[str]:
        key = frozenset(origins)
        if key not in searches:
            searches[key] = network.reachable_from(key)
        return searches[key]

    for p, product in enumerate(scenario.products):
        reachable: set[str] | None = None  # sites the job can be at after the previous step
        for s, step in enumerate(product.routing):
            candidates = set().union(*(sites_for_step.get(name, set()) for name in step.capabilities))
            if reachable is not None:
                ok = candidates & reach(reachable)
                if not ok:
                    problems.append(
                        Problem(
                            f"products[{p}].routing[{s}]",
                            f"parts cannot travel from {_names(reachable)} (previous step) to {_names(candidates)}",
                            "add a lane between those sites",
                        )
                    )
                    break
                candidates = ok if step.probability >= 1.0 else candidates | reachable
            reachable = candidates
        if reachable is None:
            continue
        if product.bom:
            assembly = product.routing[product.assembly_step].capabilities
            assembly_sites = set().union(*(sites_for_step.get(name, set()) for name in assembly))
            for b, item in enumerate(product.bom):
                component = products[item.product]
                last = component.routing[-1].capabilities
                ends = set().union(*(sites_for_step.get(name, set()) for name in last))
                if not reach(ends) & assembly_sites:
                    problems.append(
                        Problem(
                            f"products[{p}].bom[{b}]",
                            f"component {item.product!r} made at {_names(ends)} "
                            f"cannot reach assembly at {_names(assembly_sites)}",
                            "add a lane between those sites",
                        )
                    )


def _names(sites: Iterable[str]) -> str:
    names = sorted(sites)
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return "{" + shown + "}"
