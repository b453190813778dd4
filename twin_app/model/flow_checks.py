"""Meaning checks of the network flows: lanes by the kilometre, hubs, energy, returns,
quality, data sharing and suppliers.

Types and bounds (a negative power, a return share above 1, a yield of 0, a road factor
below 1, a hub with no docks) are rejected by the reader at their place; what needs more
than one field, or the network, is checked here.
"""

from __future__ import annotations

from twin_app.errors import Problem
from twin_app.model.geography import lane_distances
from twin_app.model.scenario import Scenario


def check_flows(scenario: Scenario) -> list[Problem]:
    """Every flow problem of ``scenario`` (empty when it is consistent)."""
    problems: list[Problem] = []
    _check_lane_physics(scenario, problems)
    _check_hubs(scenario, problems)
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
