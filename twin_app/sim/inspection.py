"""Quality at the machines: an operation's outcome, and where its job goes next.

A machine with a ``yield_rate`` below 1 scraps a share of what it makes, and one with a
``rework_rate`` sends a share back for the same step again; one uniform draw per operation
from the machine's own stream decides (below the scrap share: scrap; below scrap + rework:
rework; else good), and a failed inspection is logged as a SCRAP or REWORK point record. A
scrapped part is made again: from its first step (new material, wherever that step is done),
an assembly from its assembly step. A good part goes on to its next step, unless its step has
a routing ``rework`` probability, which sends it back to an earlier step (a draw from the
product step's own stream, owned by the engine).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from twin_app.model.events import Outcome
from twin_app.model.scenario import Scenario
from twin_app.sim.compiled import CompiledStep
from twin_app.sim.rng import uniforms
from twin_app.sim.state import Job, Operation, Unit

SCRAP = int(Outcome.SCRAP)
REWORK = int(Outcome.REWORK)

Check = tuple[float, float, Callable[[], float]]
"""(scrap share, rework share, the machine's uniform draws)."""


class Inspection:
    """The inspections of a run's machines (``checks``: per machine, None where every part is good)."""

    def __init__(
        self,
        scenario: Scenario,
        rng: Callable[..., np.random.Generator],
        record: Callable[[tuple], None],
        routing_draw: Callable[[str, int, int], Callable[[], float]],
        now: Callable[[], float],
    ) -> None:
        """``rng(*name)``: the run's named streams; ``record``: appends a log record;
        ``routing_draw(purpose, product, step)``: a product step's uniform draws; ``now``: the clock."""
        self.checks: list[Check | None] = [
            (1.0 - m.yield_rate, m.rework_rate, uniforms(rng("quality", m.id)))
            if m.yield_rate < 1.0 or m.rework_rate > 0.0
            else None
            for m in scenario.machines
        ]
        self._record = record
        self._routing_draw = routing_draw
        self._now = now

    def inspect(self, unit: Unit, op: Operation, check: Check) -> int:
        """The outcome of ``op`` on ``unit``'s machine (``check``: its entry in ``checks``):
        0 (good), or a logged SCRAP or REWORK."""
        scrap, rework, draw = check
        value = draw()
        if value < scrap:
            outcome = SCRAP
        elif value < scrap + rework:
            outcome = REWORK
        else:
            return 0
        job = op.job
        now = self._now()
        self._record(
            (now, now, outcome, unit.index, unit.owner, job.order.index, job.index, op.step, job.quantity, 0.0)
        )
        return outcome

    def route(self, job: Job, done: int, step: CompiledStep, outcome: int) -> None:
        """Set ``job.step`` after its step ``done`` (``step``) ended with ``outcome``."""
        if outcome == SCRAP:  # made again: a new part from the first step (an assembly: from its assembly)
            product = job.product
            job.step = product.assembly_step if product.components and done >= product.assembly_step else 0
            if job.step == 0:
                job.node = -1  # new material, available wherever the first step is done
        elif outcome == REWORK:
            job.step = done
        elif (
            step.rework_probability > 0
            and self._routing_draw("rework", job.product.index, done)() < step.rework_probability
        ):
            job.step = step.rework_back_to
        else:
            job.step += 1
