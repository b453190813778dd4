"""The reference job shop of the engine benchmark, as a twin scenario and as bare SimPy.

50 machines; each order visits 5 distinct machines in a random order (one of ``n_routings``
routings drawn once, the same for both models); exponential processing with mean 1;
Poisson arrivals at the rate that loads every machine to ``utilisation``.

The bare model's process imports only SimPy and numpy from here (the twin's scenario reader
is imported inside :func:`twin_scenario`), so it pays none of the twin's imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

if TYPE_CHECKING:
    from twin_app.model.scenario import Scenario


def routings(n_machines: int = 50, operations: int = 5, n_routings: int = 200, seed: int = 0) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return [rng.choice(n_machines, size=operations, replace=False).tolist() for _ in range(n_routings)]


def arrival_rate(n_machines: int = 50, operations: int = 5, utilisation: float = 0.8) -> float:
    return utilisation * n_machines / operations


def twin_scenario(
    horizon: float, n_machines: int = 50, operations: int = 5, utilisation: float = 0.8, mode: str = "pull"
) -> Scenario:
    """The reference shop as a scenario (FIFO; every operation has exactly one machine)."""
    # imported here: the bare SimPy process imports this module and must not pay for the twin
    from twin_app.io.scenario_file import scenario_from_data

    paths = routings(n_machines, operations)
    data: dict[str, Any] = {
        "format_version": 1,
        "name": "Reference job shop",
        "owners": [{"id": "shop"}],
        "sites": [{"id": "floor", "owner": "shop"}],
        "machines": [
            {
                "id": f"M{k:02d}",
                "site": "floor",
                "capabilities": [{"step": f"op{k:02d}", "time": {"dist": "exponential", "mean": 1.0}}],
            }
            for k in range(n_machines)
        ],
        "products": [
            {"id": f"R{r:03d}", "family": "all", "routing": [{"capabilities": [f"op{k:02d}"]} for k in path]}
            for r, path in enumerate(paths)
        ],
        "customers": [{"id": "market"}],
        "demand": {
            "streams": [
                {
                    "customer": "market",
                    "interarrival": {
                        "dist": "exponential",
                        "mean": 1.0 / arrival_rate(n_machines, operations, utilisation),
                    },
                    "mix": {f"R{r:03d}": 1.0 / len(paths) for r in range(len(paths))},
                }
            ]
        },
        "platform": {"mode": mode, "sequencing": "fifo"},
        "run": {"horizon": horizon, "seed": 1},
    }
    # The mix must sum to 1 exactly enough for validation.
    mix = data["demand"]["streams"][0]["mix"]
    first = next(iter(mix))
    mix[first] = 1.0 - sum(v for k, v in mix.items() if k != first)
    return scenario_from_data(data, "reference job shop")


def bare_simpy(
    horizon: float, n_machines: int = 50, operations: int = 5, utilisation: float = 0.8, seed: int = 1
) -> int:
    """The same system written directly with SimPy Resources; returns orders completed."""
    paths = routings(n_machines, operations)
    env = simpy.Environment()
    machines = [simpy.Resource(env, capacity=1) for _ in range(n_machines)]
    rng = np.random.default_rng(seed)
    rate = arrival_rate(n_machines, operations, utilisation)
    # Draw in chunks, as needed: drawing tens of millions of numbers up front (as this did at
    # first) costs more time and memory than the simulation it feeds.
    gaps = _chunked(lambda size: rng.exponential(1.0 / rate, size))
    work = _chunked(lambda size: rng.exponential(1.0, size))
    choice = _chunked(lambda size: rng.integers(len(paths), size=size))
    done = [0]

    def order(path: list[int]):  # type: ignore[no-untyped-def]
        for k in path:
            with machines[k].request() as request:
                yield request
                yield env.timeout(next(work))
        done[0] += 1

    def arrivals():  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(next(gaps))
            env.process(order(paths[next(choice)]))

    env.process(arrivals())
    env.run(until=horizon)
    return done[0]


def _chunked(draw: Callable[[int], np.ndarray], size: int = 65_536) -> Iterator[Any]:
    """An endless iterator over ``draw(size)`` chunks, as Python numbers (cheap to consume one by one)."""
    while True:
        yield from draw(size).tolist()
