"""Benchmark importers: classic job-shop (JSSP) and flexible job-shop (FJSP) instances.

Published scheduling benchmarks are how the simulator and the dispatch rules are validated
against known optima and published rule results. These importers turn an instance file into
an ordinary :class:`~twin_app.model.scenario.Scenario`, so the same engine, views and KPIs
work on it:

* one owner ``shop`` with one site ``shop-floor``, one customer ``client``;
* machine k becomes machine ``M{k}`` (zero-padded so ids sort: ``M00`` .. ``M14``); JSSP
  machines are 0-indexed in the file, FJSP machines 1-indexed, and the ids keep the file's
  numbers so a Gantt row reads like the paper;
* every operation o of job j is a step type ``J{j}-O{o}`` (zero-padded, both 0-based in file
  order) that exists only on the machine(s) that can do it, with that machine's constant
  processing time, so each machine has its own capability set;
* job j becomes product ``J{j}`` (its own family) with one routing step per operation, and an
  order ``J{j}`` of quantity 1 released at 0; orders keep file order, because "lowest job
  index" tie-breaking in published rule results refers to it;
* pull dispatch with FIFO sequencing and earliest-completion assignment, no horizon (the run
  ends when every job is done), seed 1.

A malformed file raises :class:`~twin_app.errors.ScenarioError` naming the file, the line and
what is wrong with it. Blank lines and ``#`` comment lines (the upstream OR-Library headers)
are skipped; line numbers always count physical lines of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from twin_app.errors import Problem, ScenarioError
from twin_app.io.scenario_file import read_text
from twin_app.model.distributions import Constant
from twin_app.model.scenario import (
    FORMAT_VERSION,
    Capability,
    Customer,
    Demand,
    Machine,
    OrderSpec,
    Owner,
    Platform,
    Product,
    RunSettings,
    Scenario,
    Site,
    Step,
)

OWNER_ID = "shop"
SITE_ID = "shop-floor"
CUSTOMER_ID = "client"


@dataclass(frozen=True, slots=True)
class _Instance:
    """A parsed instance: for each job, for each operation, the (machine, time) alternatives."""

    machine_numbers: tuple[int, ...]
    """Every machine number the header declares, in order (0.. for JSSP, 1.. for FJSP)."""
    jobs: tuple[tuple[tuple[tuple[int, int], ...], ...], ...]


def import_jssp(path: str | Path) -> Scenario:
    """The scenario of the OR-Library job-shop instance in ``path`` (machines 0-indexed)."""
    path = Path(path)
    instance = _parse_jssp(path)
    n_ops = sum(len(job) for job in instance.jobs)
    description = (
        f"Job-shop benchmark {path.stem} ({len(instance.jobs)} jobs x {len(instance.machine_numbers)} machines, "
        f"{n_ops} operations), imported from {path.name} (OR-Library / JSPLIB job-shop format, machines "
        "0-indexed). Each operation J<job>-O<op> can be done only by its machine, with a constant time; "
        "all jobs are released at 0 in file order. Answers: does the twin reproduce known job-shop "
        "makespans under deterministic non-delay dispatch?"
    )
    return _scenario(path, instance, description)


def import_fjsp(path: str | Path) -> Scenario:
    """The scenario of the Brandimarte flexible job-shop instance in ``path`` (machines
    1-indexed; the third header token is ignored; declared but unused machines are kept)."""
    path = Path(path)
    instance = _parse_fjsp(path)
    used = {machine for job in instance.jobs for op in job for machine, _ in op}
    unused = [k for k in instance.machine_numbers if k not in used]
    n_ops = sum(len(job) for job in instance.jobs)
    n_alternatives = sum(len(op) for job in instance.jobs for op in job)
    description = (
        f"Flexible job-shop benchmark {path.stem} ({len(instance.jobs)} jobs x {len(instance.machine_numbers)} "
        f"machines, {n_ops} operations, {n_alternatives} machine alternatives), imported from {path.name} "
        "(Brandimarte .fjs format, machines 1-indexed). Each operation J<job>-O<op> can be done by any of its "
        "alternative machines, with that machine's constant time; all jobs are released at 0 in file order. "
        "Answers: how do the dispatch rules compare with published flexible job-shop results?"
    )
    if unused:
        names = ", ".join(_machine_id(k, instance) for k in unused)
        description += (
            f" Machines {names} are declared in the header but never used by the data; each has only a "
            "placeholder capability 'idle-<id>' that no product needs, so it stays idle."
        )
    return _scenario(path, instance, description)


# ---------------------------------------------------------------------------------------------
# Building the scenario
# ---------------------------------------------------------------------------------------------


def _width(largest: int) -> int:
    return max(2, len(str(largest)))


def _machine_id(number: int, instance: _Instance) -> str:
    return f"M{number:0{_width(max(instance.machine_numbers))}d}"


def _scenario(path: Path, instance: _Instance, description: str) -> Scenario:
    job_width = _width(len(instance.jobs) - 1)
    op_width = _width(max(len(job) for job in instance.jobs) - 1)
    capabilities: dict[int, list[Capability]] = {k: [] for k in instance.machine_numbers}
    products: list[Product] = []
    orders: list[OrderSpec] = []
    for j, job in enumerate(instance.jobs):
        job_id = f"J{j:0{job_width}d}"
        steps: list[Step] = []
        for o, alternatives in enumerate(job):
            step = f"{job_id}-O{o:0{op_width}d}"
            for machine, time in alternatives:
                capabilities[machine].append(Capability(step=step, time=Constant(float(time))))
            steps.append(Step(capabilities=(step,), name=step))
        products.append(Product(id=job_id, routing=tuple(steps), family=job_id, name=f"job {j}"))
        orders.append(OrderSpec(id=job_id, customer=CUSTOMER_ID, product=job_id, quantity=1, release=0.0))
    machines = []
    for number in instance.machine_numbers:
        machine_id = _machine_id(number, instance)
        caps = capabilities[number] or [Capability(step=f"idle-{machine_id}", time=Constant(1.0))]
        machines.append(Machine(id=machine_id, site=SITE_ID, capabilities=tuple(caps), name=f"machine {number}"))
    return Scenario(
        format_version=FORMAT_VERSION,
        name=path.stem,
        description=description,
        owners=(Owner(id=OWNER_ID, name="Benchmark shop"),),
        sites=(Site(id=SITE_ID, owner=OWNER_ID, name="Shop floor"),),
        machines=tuple(machines),
        products=tuple(products),
        customers=(Customer(id=CUSTOMER_ID, name="Benchmark client"),),
        demand=Demand(orders=tuple(orders)),
        platform=Platform(mode="pull", assignment="earliest_completion", sequencing="fifo"),
        run=RunSettings(horizon=None, seed=1),
    )


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


class _Lines:
    """The data lines of a file with their physical line numbers, and error reporting."""

    def __init__(self, path: Path) -> None:
        self.path = path
        text = read_text(path)
        self.rows: list[tuple[int, list[str]]] = [
            (number, line.split())
            for number, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")
        ]

    def fail(self, line: int | None, message: str, hint: str = "") -> ScenarioError:
        return ScenarioError(str(self.path), [Problem(f"line {line}" if line else "", message, hint)])

    def integer(self, line: int, token: str, what: str) -> int:
        try:
            return int(token)
        except ValueError:
            raise self.fail(line, f"{what} must be a whole number, got {token!r}", "fix the number") from None

    def integers(self, line: int, tokens: list[str], what: str) -> list[int]:
        values = [self.integer(line, token, what) for token in tokens]
        negative = [v for v in values if v < 0]
        if negative:
            raise self.fail(line, f"{what} must be >= 0, got {negative[0]}")
        return values


def _header(lines: _Lines, minimum: int, maximum: int, form: str) -> tuple[int, list[str]]:
    if not lines.rows:
        raise lines.fail(None, "the file is empty", f"the first line must be '{form}'")
    number, tokens = lines.rows[0]
    if not minimum <= len(tokens) <= maximum:
        raise lines.fail(number, f"header must be '{form}', got {len(tokens)} numbers")
    return number, tokens


def _job_rows(lines: _Lines, n_jobs: int) -> Iterator[tuple[int, list[str]]]:
    rows = lines.rows[1:]
    if len(rows) != n_jobs:
        where = rows[n_jobs][0] if len(rows) > n_jobs else (rows[-1][0] if rows else lines.rows[0][0])
        raise lines.fail(
            where, f"the header declares {n_jobs} jobs but the file has {len(rows)} job lines", "one line per job"
        )
    yield from rows


def _parse_jssp(path: Path) -> _Instance:
    lines = _Lines(path)
    line, tokens = _header(lines, 2, 2, "<n_jobs> <n_machines>")
    n_jobs, n_machines = lines.integers(line, tokens, "header value")
    if n_jobs < 1 or n_machines < 1:
        raise lines.fail(line, "the header needs at least 1 job and 1 machine")
    jobs = []
    for line, tokens in _job_rows(lines, n_jobs):
        if len(tokens) != 2 * n_machines:
            raise lines.fail(
                line,
                f"wrong count of numbers: {len(tokens)}, expected {2 * n_machines} "
                f"('machine time' for each of the {n_machines} machines)",
            )
        values = lines.integers(line, tokens, "every value")
        operations = []
        for machine, time in zip(values[0::2], values[1::2], strict=True):
            if machine >= n_machines:
                raise lines.fail(
                    line, f"machine index {machine} out of range 0..{n_machines - 1}", "JSSP machines are 0-indexed"
                )
            operations.append(((machine, time),))
        jobs.append(tuple(operations))
    return _Instance(machine_numbers=tuple(range(n_machines)), jobs=tuple(jobs))


def _parse_fjsp(path: Path) -> _Instance:
    lines = _Lines(path)
    line, tokens = _header(lines, 2, 3, "<n_jobs> <n_machines> [<avg machines per operation>]")
    n_jobs, n_machines = lines.integers(line, tokens[:2], "header value")
    if n_jobs < 1 or n_machines < 1:
        raise lines.fail(line, "the header needs at least 1 job and 1 machine")
    jobs = []
    for line, tokens in _job_rows(lines, n_jobs):
        values = lines.integers(line, tokens, "every value")
        n_ops, position = values[0], 1
        if n_ops < 1:
            raise lines.fail(line, "a job needs at least 1 operation")
        operations = []
        for o in range(n_ops):
            if position >= len(values):
                raise lines.fail(line, f"wrong count of numbers: the line ends before operation {o + 1} of {n_ops}")
            k = values[position]
            if k < 1:
                raise lines.fail(line, f"operation {o + 1} has {k} alternative machines; it needs at least 1")
            pairs = values[position + 1 : position + 1 + 2 * k]
            if len(pairs) < 2 * k:
                raise lines.fail(
                    line, f"wrong count of numbers: operation {o + 1} announces {k} machines but the line ends"
                )
            alternatives = list(zip(pairs[0::2], pairs[1::2], strict=True))
            for machine, _time in alternatives:
                if not 1 <= machine <= n_machines:
                    raise lines.fail(
                        line,
                        f"machine index {machine} out of range 1..{n_machines}",
                        "FJSP machines are 1-indexed",
                    )
            if len({m for m, _ in alternatives}) != k:
                raise lines.fail(line, f"operation {o + 1} lists the same machine twice")
            operations.append(tuple(alternatives))
            position += 1 + 2 * k
        if position != len(values):
            raise lines.fail(
                line,
                f"wrong count of numbers: {len(values) - position} extra after the {n_ops} operations",
                "remove them or fix the operation count",
            )
        jobs.append(tuple(operations))
    return _Instance(machine_numbers=tuple(range(1, n_machines + 1)), jobs=tuple(jobs))
