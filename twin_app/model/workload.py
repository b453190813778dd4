"""Whether a scenario asks for work a run can do: the limits of :mod:`twin_app.model.limits`
checked against what the scenario implies, not just field by field.

A scenario whose every number is in range can still describe a run that never ends: orders
every millisecond for a thousand years, a calendar flipping every nanosecond, a rework loop
that a job passes ten billion times, a bill of materials a thousand levels deep. These checks
estimate the work in expectation (orders released, calendar events, passes through rework
loops, jobs per order) and report the element that explodes it, with the fix.

Commands that change the horizon (``--until``) apply it before validation, so this check sees the run made.
"""

from __future__ import annotations

import numpy as np

from twin_app.errors import Problem
from twin_app.model import limits
from twin_app.model.distributions import Distribution, Empirical
from twin_app.model.scenario import Product, Scenario

_LIMITS_HINT = "the limits and how to raise them: README, 'Limits'"


def check_workload(scenario: Scenario) -> list[Problem]:
    """Every way ``scenario`` exceeds the work limits (empty when a run is feasible)."""
    problems: list[Problem] = []
    _check_rates(scenario, problems)
    _check_expected_orders(scenario, problems)
    _check_calendar_events(scenario, problems)
    _check_rework(scenario, problems)
    _check_bom_size(scenario, problems)
    return problems


def _check_rates(scenario: Scenario, problems: list[Problem]) -> None:
    """Means that are (near) zero make endless events at one instant."""
    for s, stream in enumerate(scenario.demand.streams):
        if stream.interarrival.mean < limits.MIN_INTERARRIVAL_MEAN:
            problems.append(
                Problem(
                    f"demand.streams[{s}].interarrival",
                    f"mean {stream.interarrival.mean:g} between orders is below the minimum "
                    f"{limits.MIN_INTERARRIVAL_MEAN:.4g} (MIN_INTERARRIVAL_MEAN; one order per second in minutes)",
                    "raise the mean time between orders; " + _LIMITS_HINT,
                )
            )
    for i, machine in enumerate(scenario.machines):
        if machine.failures is not None and machine.failures.mtbf.mean < limits.MIN_CALENDAR_STEP:
            problems.append(
                Problem(
                    f"machines[{i}].failures.mtbf",
                    f"mean time between failures {machine.failures.mtbf.mean:g} is below the minimum "
                    f"{limits.MIN_CALENDAR_STEP:.4g} (MIN_CALENDAR_STEP; one second in minutes)",
                    "raise the mean time between failures, or remove 'failures'",
                )
            )
        if machine.shifts is not None:
            for w, (start, end) in enumerate(machine.shifts.windows):
                if start < end < start + limits.MIN_CALENDAR_STEP:
                    problems.append(
                        Problem(
                            f"machines[{i}].shifts.windows[{w}]",
                            f"a window of {end - start:g} is shorter than the minimum "
                            f"{limits.MIN_CALENDAR_STEP:.4g} (MIN_CALENDAR_STEP; one second in minutes)",
                            "lengthen the window, or remove it",
                        )
                    )


def expected_orders(scenario: Scenario) -> tuple[float, list[float]]:
    """Orders a run releases in expectation (inf: endless), and each stream's share."""
    horizon = scenario.run.horizon
    per_stream: list[float] = []
    for stream in scenario.demand.streams:
        end = min(t for t in (stream.stop, horizon, np.inf) if t is not None)
        mean = stream.interarrival.mean
        count = max(end - stream.start, 0.0) / mean + zero_burst(stream.interarrival) if mean > 0 else np.inf
        if stream.max_orders is not None:
            count = min(count, stream.max_orders)
        per_stream.append(float(count))
    return float(sum(per_stream)) + len(scenario.demand.orders), per_stream


def zero_burst(distribution: Distribution) -> float:
    """Expected draws of exactly 0 before a positive one: events that a time between events
    puts at one instant. A distribution with a mean well above zero can still draw 0 nearly
    always (an empirical one with a heavy weight on 0), then makes bursts of that size."""
    if isinstance(distribution, Empirical):
        weights = distribution.probabilities()
        zero = float(sum(w for v, w in zip(distribution.values, weights, strict=True) if v == 0))
    else:
        zero = 1.0 if distribution.mean == 0 else 0.0
    return zero / (1.0 - zero) if zero < 1.0 else float("inf")


def _check_expected_orders(scenario: Scenario, problems: list[Problem]) -> None:
    total, per_stream = expected_orders(scenario)
    if total <= limits.MAX_EXPECTED_ORDERS or not np.isfinite(total):
        return  # endless demand without a horizon is reported by the meaning checks
    if per_stream and max(per_stream) > 0:
        busiest = int(np.argmax(per_stream))
        where, fix = (
            f"demand.streams[{busiest}].interarrival",
            "raise the mean time between orders, set 'stop' or 'max_orders', or shorten run.horizon (or --until)",
        )
    else:
        where, fix = "demand.orders", "split the order book into several scenarios"
    problems.append(
        Problem(
            where,
            f"the demand releases about {total:,.0f} orders, more than the limit "
            f"{limits.MAX_EXPECTED_ORDERS:,} (MAX_EXPECTED_ORDERS)",
            f"{fix}; {_LIMITS_HINT}",
        )
    )


def _check_calendar_events(scenario: Scenario, problems: list[Problem]) -> None:
    """Shift changes, breakdowns and timetable departures up to the horizon."""
    horizon = scenario.run.horizon
    if horizon is None:
        return
    counts: list[tuple[float, str]] = []
    for i, machine in enumerate(scenario.machines):
        if machine.shifts is not None:
            changes = 2 * len(machine.shifts.windows) * horizon / machine.shifts.period
            counts.append((changes * machine.capacity, f"machines[{i}].shifts.period"))
        if machine.failures is not None:
            cycle = machine.failures.mtbf.mean + machine.failures.mttr.mean
            if cycle > 0:  # zero is reported by _check_rates
                failures = horizon / cycle + zero_burst(machine.failures.mtbf)
                counts.append((2 * failures * machine.capacity, f"machines[{i}].failures.mtbf"))
    for i, lane in enumerate(scenario.lanes):
        departure = lane.departure
        if departure.policy == "timetable" and departure.period:
            directions = 2 if lane.bidirectional else 1
            counts.append((directions * len(departure.times) * horizon / departure.period, f"lanes[{i}].departure"))
    total = sum(count for count, _ in counts)
    if total <= limits.MAX_EXPECTED_CALENDAR_EVENTS:
        return
    count, where = max(counts)
    problems.append(
        Problem(
            where,
            f"shift changes, breakdowns and timetable departures come to about {total:,.0f} events up to the "
            f"horizon {horizon:g} (this one {count:,.0f}), more than the limit "
            f"{limits.MAX_EXPECTED_CALENDAR_EVENTS:,} (MAX_EXPECTED_CALENDAR_EVENTS)",
            f"lengthen the period, or shorten run.horizon (or --until); {_LIMITS_HINT}",
        )
    )


def expected_passes(product: Product) -> np.ndarray:
    """Expected number of times a job of ``product`` reaches each routing step.

    The routing is an absorbing Markov chain: a step done (with its ``probability``) sends
    the job back to ``rework.back_to`` with the rework probability, otherwise on to the next
    step; visits are the first row of the fundamental matrix (I - Q)^-1. A loop that never
    ends in expectation shows as inf.
    """
    n = len(product.routing)
    transitions = np.zeros((n, n))
    for s, step in enumerate(product.routing):
        back = step.probability * step.rework.probability if step.rework is not None else 0.0
        if back > 0 and step.rework is not None and step.rework.back_to <= s:
            transitions[s, step.rework.back_to] += back
        if s + 1 < n:
            transitions[s, s + 1] += 1.0 - back
    start = np.zeros(n)
    start[0] = 1.0
    try:
        visits = np.linalg.solve((np.eye(n) - transitions).T, start)
    except np.linalg.LinAlgError:
        return np.full(n, np.inf)
    return np.where(np.isfinite(visits) & (visits >= 0), visits, np.inf)


_EXACT_PASSES_UP_TO = 500
"""Longest routing whose passes are solved exactly (a dense solve); longer ones use a bound."""


def _check_rework(scenario: Scenario, problems: list[Problem]) -> None:
    most = 1.0 / (1.0 - limits.MAX_REWORK_PROBABILITY) * (1 + 1e-9)
    for p, product in enumerate(scenario.products):
        loops = [(s, step) for s, step in enumerate(product.routing) if step.rework is not None]
        if not loops or any(step.rework.back_to > s for s, step in loops):  # type: ignore[union-attr]
            continue  # no loop, or one reported by the meaning checks
        # Each loop multiplies the passes through the steps inside it by at most 1 / (1 - p).
        bound = float(np.prod([1.0 / (1.0 - step.probability * step.rework.probability) for _, step in loops]))  # type: ignore[union-attr]
        if bound <= most:
            continue
        if len(product.routing) > _EXACT_PASSES_UP_TO:
            visits = np.full(len(product.routing), bound)
        else:
            visits = expected_passes(product)
        worst = int(np.argmax(visits))
        if visits[worst] > most:
            problems.append(
                Problem(
                    f"products[{p}].routing[{worst}]",
                    f"rework loops bring a job to this step {visits[worst]:,.0f} times in expectation, more than "
                    f"{most:,.0f} (the limit that MAX_REWORK_PROBABILITY sets for one loop)",
                    f"lower the rework probabilities of the loops through this step; {_LIMITS_HINT}",
                )
            )


def _check_bom_size(scenario: Scenario, problems: list[Problem]) -> None:
    """Levels of each bill of materials and the jobs one order of each product makes."""
    if not any(product.bom for product in scenario.products):
        order = [product.id for product in scenario.products]  # every product one level deep
    else:
        import networkx as nx  # only for scenarios with a bill of materials

        graph = nx.DiGraph()
        graph.add_nodes_from(product.id for product in scenario.products)
        for product in scenario.products:
            for item in product.bom:
                graph.add_edge(product.id, item.product)
        try:
            order = list(reversed(list(nx.topological_sort(graph))))
        except (nx.NetworkXUnfeasible, nx.NetworkXError):
            return  # a cycle, reported by the meaning checks
    by_id = {product.id: product for product in scenario.products}
    depth: dict[str, int] = {}
    jobs: dict[str, int] = {}
    cap = limits.MAX_JOBS_PER_ORDER + 1
    for name in order:  # components before the products that contain them
        product = by_id.get(name)
        items = product.bom if product is not None else ()
        depth[name] = 1 + max((depth[item.product] for item in items), default=0)
        jobs[name] = min(cap, 1 + sum(jobs[item.product] for item in items))
    for p, product in enumerate(scenario.products):
        components_too_deep = any(depth[item.product] > limits.MAX_BOM_DEPTH for item in product.bom)
        components_too_big = any(jobs[item.product] > limits.MAX_JOBS_PER_ORDER for item in product.bom)
        if components_too_deep or (components_too_big and depth[product.id] <= limits.MAX_BOM_DEPTH):
            continue  # reported where the bill of materials first passes the limit
        if depth[product.id] > limits.MAX_BOM_DEPTH:
            problems.append(
                Problem(
                    f"products[{p}].bom",
                    f"the bill of materials is {depth[product.id]} levels deep, more than the limit "
                    f"{limits.MAX_BOM_DEPTH} (MAX_BOM_DEPTH)",
                    f"flatten it: let a component list the parts of its parts; {_LIMITS_HINT}",
                )
            )
        elif jobs[product.id] > limits.MAX_JOBS_PER_ORDER:
            problems.append(
                Problem(
                    f"products[{p}].bom",
                    f"one order splits into more than {limits.MAX_JOBS_PER_ORDER:,} jobs through the bill of "
                    "materials (MAX_JOBS_PER_ORDER)",
                    f"list a component once with a quantity instead of many lines; {_LIMITS_HINT}",
                )
            )
