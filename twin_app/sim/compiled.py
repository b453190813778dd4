"""The scenario compiled into index tables and arrays the simulation and dispatch core use.

The model speaks in ids; the hot loop speaks in integers. Everything here is computed once
per run from the (immutable) scenario: which machines can do each product step and how long
they take on average, expected work per job for the sequencing rules and due dates, setup
tables by family, and per-machine arrays for the dispatch core.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twin_app.model.distributions import Constant, Distribution
from twin_app.model.layout import Layout
from twin_app.model.network import Network
from twin_app.model.scenario import Scenario


@dataclass(frozen=True, slots=True)
class StepOption:
    """One machine that can do a product step, and the time it takes there (before speed)."""

    machine: int
    per_unit: bool
    capability: str
    """The capability (step name) of the machine that does it."""
    mean: float
    """Mean processing time (cached: the dispatch estimates read it on every decision)."""


@dataclass(frozen=True, slots=True)
class CompiledStep:
    probability: float
    rework_probability: float
    rework_back_to: int
    fixed_mean: float
    """Mean over the options of the time per job (mean time / speed, options not per unit)."""
    unit_mean: float
    """Mean over the options of the time per unit of quantity (per-unit options)."""
    by_machine: dict[int, StepOption]
    machine_array: np.ndarray
    """The options' machines as an array (for vectorised scoring)."""
    fixed_array: np.ndarray
    """Per option: expected time per job (mean / speed) if not per unit, else 0."""
    unit_array: np.ndarray
    """Per option: expected time per unit of quantity if per unit, else 0."""
    any_per_unit: bool
    """Some option's time is per unit (else ``unit_array`` is all zeros)."""
    preferred: np.ndarray
    """Machines of the step's preferred suppliers (empty: none preferred): they get the step
    whenever one of them can be reached (see :meth:`Placement.candidates`)."""

    def expected(self, quantity: float) -> float:
        """Expected processing time of a job of ``quantity`` units, averaged over the options."""
        return self.fixed_mean + self.unit_mean * quantity


@dataclass(frozen=True, slots=True)
class CompiledProduct:
    index: int
    family: int
    steps: tuple[CompiledStep, ...]
    components: tuple[tuple[int, int], ...]
    """(product index, quantity per unit) of the bill of materials."""
    assembly_step: int
    work_fixed_suffix: tuple[float, ...]
    """work_fixed_suffix[s]: expected fixed work of steps s.. (this step included)."""
    work_unit_suffix: tuple[float, ...]

    def remaining_work(self, step: int, quantity: float) -> float:
        return self.work_fixed_suffix[step] + self.work_unit_suffix[step] * quantity

    def total_work(self, quantity: float) -> float:
        return self.remaining_work(0, quantity)


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    layout: Layout
    network: Network
    products: tuple[CompiledProduct, ...]
    product_index: dict[str, int]
    customer_index: dict[str, int]
    machine_node: np.ndarray
    """Network node index of each machine's site."""
    machine_speed: np.ndarray
    machine_capacity: np.ndarray
    machine_running_rate: np.ndarray
    machine_unreliability: np.ndarray
    setup_tables: tuple[dict[tuple[int, int], Distribution], ...]
    """Per machine: (from family, to family) -> changeover time, for listed pairs."""
    setup_default: tuple[Distribution, ...]
    setup_mean: np.ndarray
    """setup_mean[m, f, g]: expected changeover on machine m from family f to g."""

    @classmethod
    def build(cls, scenario: Scenario) -> CompiledScenario:
        layout = Layout.build(scenario)
        network = Network.build(scenario)
        family_index = {name: i for i, name in enumerate(layout.families)}
        by_step: dict[str, list[StepOption]] = {}
        for m, machine in enumerate(scenario.machines):
            for capability in machine.capabilities:
                by_step.setdefault(capability.step, []).append(
                    StepOption(m, capability.per_unit, capability.step, capability.time.mean)
                )
        speed = np.array([m.speed for m in scenario.machines], dtype=float)
        site_owner = {site.id: site.owner for site in scenario.sites}
        machine_owner = [site_owner.get(m.site, "") for m in scenario.machines]
        products = []
        product_index = {p.id: i for i, p in enumerate(scenario.products)}
        for p, product in enumerate(scenario.products):
            steps = []
            for step in product.routing:
                first_per_machine: dict[int, StepOption] = {}
                required = set(step.suppliers.required)
                for name in step.capabilities:
                    for option in by_step.get(name, []):
                        if not required or machine_owner[option.machine] in required:
                            first_per_machine.setdefault(option.machine, option)
                options = tuple(sorted(first_per_machine.values(), key=lambda o: o.machine))
                preferred = set(step.suppliers.preferred)
                fixed = [o.mean / speed[o.machine] if not o.per_unit else 0.0 for o in options]
                unit = [o.mean / speed[o.machine] if o.per_unit else 0.0 for o in options]
                count = max(len(options), 1)
                steps.append(
                    CompiledStep(
                        probability=step.probability,
                        rework_probability=step.rework.probability if step.rework else 0.0,
                        rework_back_to=step.rework.back_to if step.rework else 0,
                        fixed_mean=sum(fixed) / count,
                        unit_mean=sum(unit) / count,
                        by_machine={o.machine: o for o in options},
                        machine_array=np.array([o.machine for o in options], dtype=np.int64),
                        fixed_array=np.array(fixed, dtype=float),
                        unit_array=np.array(unit, dtype=float),
                        any_per_unit=any(o.per_unit for o in options),
                        preferred=np.array(
                            [o.machine for o in options if machine_owner[o.machine] in preferred], dtype=np.int64
                        ),
                    )
                )
            fixed_suffix = [0.0] * (len(steps) + 1)
            unit_suffix = [0.0] * (len(steps) + 1)
            for s in range(len(steps) - 1, -1, -1):
                fixed_suffix[s] = fixed_suffix[s + 1] + steps[s].fixed_mean * steps[s].probability
                unit_suffix[s] = unit_suffix[s + 1] + steps[s].unit_mean * steps[s].probability
            products.append(
                CompiledProduct(
                    index=p,
                    family=family_index[product.family],
                    steps=tuple(steps),
                    components=tuple((product_index[b.product], b.quantity) for b in product.bom),
                    assembly_step=product.assembly_step,
                    work_fixed_suffix=tuple(fixed_suffix),
                    work_unit_suffix=tuple(unit_suffix),
                )
            )
        n_families = len(layout.families)
        setup_mean = np.zeros((len(scenario.machines), n_families, n_families))
        tables = []
        defaults = []
        for m, machine in enumerate(scenario.machines):
            table: dict[tuple[int, int], Distribution] = {}
            for source, targets in machine.setup.items():
                for target, time in targets.items():
                    if source in family_index and target in family_index:
                        table[(family_index[source], family_index[target])] = time
            default = machine.setup_default
            setup_mean[m] = default.mean
            np.fill_diagonal(setup_mean[m], 0.0)
            for (f, g), time in table.items():
                setup_mean[m, f, g] = time.mean
            tables.append(table)
            defaults.append(default)
        unreliability = np.array(
            [
                m.failures.mttr.mean / (m.failures.mtbf.mean + m.failures.mttr.mean) if m.failures else 0.0
                for m in scenario.machines
            ]
        )
        return cls(
            layout=layout,
            network=network,
            products=tuple(products),
            product_index=product_index,
            customer_index={c.id: i for i, c in enumerate(scenario.customers)},
            machine_node=np.array([network.node_index[m.site] for m in scenario.machines], dtype=np.int64),
            machine_speed=speed,
            machine_capacity=np.array([m.capacity for m in scenario.machines], dtype=float),
            machine_running_rate=np.array([m.cost.running for m in scenario.machines], dtype=float),
            machine_unreliability=unreliability,
            setup_tables=tuple(tables),
            setup_default=tuple(defaults),
            setup_mean=setup_mean,
        )

    def setup_time(self, machine: int, source: int, target: int) -> Distribution | None:
        """The changeover distribution from family ``source`` to ``target`` (None: no setup)."""
        if source == target or source < 0:
            return None
        time = self.setup_tables[machine].get((source, target), self.setup_default[machine])
        if isinstance(time, Constant) and time.value == 0:
            return None
        return time
