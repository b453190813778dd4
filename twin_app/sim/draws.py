"""The random draws of the work itself: processing times, setup times, and the uniforms that
decide a product step's optional passes and routing rework.

Each is its own named stream of the run (:func:`twin_app.sim.rng.stream`), keyed by stable ids
(machine id and capability; machine id and the two families of a changeover; product id, step
and purpose), never by position, so changing one part of a scenario leaves the draws of every
other part alone (common random numbers across compared scenarios). Every sampler is made on
first use (one per machine and capability, per changeover, per product step and purpose): a
stream is picked by its name, not by when it is made, so making them late changes no number,
and a network of 20,000 machines does not build 20,000 generators before its first event.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from twin_app.model.distributions import Distribution, sampler
from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario
from twin_app.sim.rng import uniforms


class Draws:
    """``process[machine][capability]()``: a processing time; :meth:`setup`, :meth:`routing`."""

    def __init__(self, scenario: Scenario, layout: Layout, rng: Callable[..., np.random.Generator]) -> None:
        """``rng(*name)``: the run's named streams."""
        self.scenario = scenario
        self.layout = layout
        self._rng = rng
        self.process: list[dict[str, Callable[[], float]]] = [
            _ProcessSamplers(machine.id, {cap.step: cap.time for cap in machine.capabilities}, rng)
            for machine in scenario.machines
        ]
        self._setups: dict[tuple[int, int, int], Callable[[], float]] = {}
        self._routing: dict[tuple[str, int, int], Callable[[], float]] = {}

    def setup(self, machine: int, source: int, target: int, time: Distribution) -> Callable[[], float]:
        """The setup times of ``machine`` changing over from family ``source`` to ``target``."""
        key = (machine, source, target)
        draw = self._setups.get(key)
        if draw is None:
            families = self.layout.families
            rng = self._rng("setup", self.scenario.machines[machine].id, families[source], families[target])
            draw = self._setups[key] = sampler(time, rng)
        return draw

    def routing(self, purpose: str, product: int, step: int) -> Callable[[], float]:
        """The uniform draws deciding whether step ``step`` of a product is done (``"skip"``) or sends
        the job back (``"rework"``): one per product step and purpose, so changing one step's
        probability leaves every other step's draws alone."""
        key = (purpose, product, step)
        draw = self._routing.get(key)
        if draw is None:
            rng = self._rng(purpose, self.scenario.products[product].id, str(step))
            draw = self._routing[key] = uniforms(rng)
        return draw


class _ProcessSamplers(dict):
    """One machine's processing-time samplers by capability, each made when first asked for
    (a capability the machine does not have is a KeyError, as in a plain dict)."""

    __slots__ = ("_machine", "_rng", "_times")

    def __init__(self, machine: str, times: dict[str, Distribution], rng: Callable[..., np.random.Generator]) -> None:
        super().__init__()
        self._machine = machine
        self._times = times
        self._rng = rng

    def __missing__(self, step: str) -> Callable[[], float]:
        draw = self[step] = sampler(self._times[step], self._rng("process", self._machine, step))
        return draw
