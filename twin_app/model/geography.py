"""How far each lane's vehicles drive: road kilometres from the map.

A lane's ``distance`` is what the file says, or the straight line between the x/y
coordinates of its two ends (sites or customers, in km on a plane) times the lane's
``road_factor`` (1.3 by default: roads are about 30% longer than the crow flies). Costs per
km and CO2 per vehicle-km are charged on these distances, loaded and empty legs alike.
"""

from __future__ import annotations

import math

from twin_app.model.scenario import Lane, Scenario


def place_coordinates(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """x/y of every site and customer by id."""
    places = {site.id: (site.x, site.y) for site in scenario.sites}
    places.update({customer.id: (customer.x, customer.y) for customer in scenario.customers})
    return places


def lane_distance(lane: Lane, places: dict[str, tuple[float, float]]) -> float:
    """Road km of one leg of ``lane`` (its own ``distance``, or from the map)."""
    if lane.distance is not None:
        return float(lane.distance)
    ax, ay = places.get(lane.origin, (0.0, 0.0))
    bx, by = places.get(lane.destination, (0.0, 0.0))
    return math.hypot(bx - ax, by - ay) * lane.road_factor


def lane_distances(scenario: Scenario) -> tuple[float, ...]:
    """Road km of one leg of each lane, in scenario order."""
    places = place_coordinates(scenario)
    return tuple(lane_distance(lane, places) for lane in scenario.lanes)
