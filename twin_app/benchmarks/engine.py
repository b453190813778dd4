"""``twin-app bench engine``: the twin against bare SimPy on the reference job shop.

The twin runs the shop of :mod:`twin_app.benchmarks.reference_shop` with every event
collected; bare SimPy runs the same shop written independently. Pairs are interleaved
(bare, twin, bare, twin ...) and rates are orders per CPU second, so the neighbours on a
shared machine cost both sides alike. Two comparisons:

- in-process: the simulation alone (building and running it) against the bare model;
- whole process (the target): ``twin-app run FILE --no-db --json`` as a user runs it
  (interpreter start, imports, reading the file, the run with every event kept, the KPIs)
  against a process that imports SimPy and numpy (nothing of the twin) and runs the bare model. CPU time is the
  children's user + system time. The children may write bytecode caches (a first pair
  warms them), as any installed copy has them.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

import numpy as np

from twin_app.benchmarks import reference_shop
from twin_app.benchmarks.common import Settings, say, verdict_word

ENGINE_TARGET = 1.0
"""Whole process: ``twin-app run`` completes at least as many orders per CPU second as bare SimPy."""


def _twin_once(horizon: float) -> tuple[int, int, float, float]:
    """One twin run of the reference shop with an EventCollector: (orders done, events, CPU s, wall s).

    Times building the simulation (compiling the scenario) and running it; the scenario object
    itself is built untimed, as a loaded file would be.
    """
    from twin_app.analysis.collector import EventCollector
    from twin_app.sim.engine import Simulation

    scenario = reference_shop.twin_scenario(horizon)
    collector = EventCollector()
    wall, cpu = time.perf_counter(), time.process_time()
    Simulation(scenario, observers=[collector]).run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    done = int(np.isfinite(collector.orders["completed"]).sum())
    return done, len(collector.events), cpu, wall


def _bare_once(horizon: float) -> tuple[int, float, float]:
    """One bare-SimPy run of the reference shop: (orders done, CPU s, wall s)."""
    wall, cpu = time.perf_counter(), time.process_time()
    done = reference_shop.bare_simpy(horizon)
    return done, time.process_time() - cpu, time.perf_counter() - wall


def bench(config: Settings, out: TextIO) -> list[str]:
    """Twin (full event logging) vs bare SimPy on the reference job shop, interleaved."""
    horizon = config.engine_horizon
    arrivals = reference_shop.arrival_rate()
    say(
        out,
        f"reference job shop: 50 machines, 5 ops/order, exponential times, utilisation 0.8, "
        f"{arrivals:g} orders/min, horizon {horizon:g} min (~{arrivals * horizon:,.0f} orders); "
        f"{config.engine_repeats} interleaved pairs after one warm-up pair",
    )
    _twin_once(min(horizon, 50.0))
    _bare_once(min(horizon, 50.0))
    rows = []
    wall_total = cpu_total = 0.0
    for repeat in range(config.engine_repeats):
        bare_done, bare_s, bare_wall = _bare_once(horizon)
        twin_done, twin_events, twin_s, twin_wall = _twin_once(horizon)
        rows.append((repeat + 1, bare_done, bare_s, twin_done, twin_events, twin_s))
        wall_total += bare_wall + twin_wall
        cpu_total += bare_s + twin_s
    head = f"{'pair':>4} {'bare orders':>11} {'bare cpu s':>10} {'bare ord/s':>11} {'twin orders':>11} {'events':>9} "
    head += f"{'twin cpu s':>10} {'twin ord/s':>11} {'twin/bare':>9}"
    say(out, head)
    say(out, "-" * len(head))
    bare_rates, twin_rates, pair_ratios = [], [], []
    for pair, bare_done, bare_s, twin_done, events, twin_s in rows:
        bare_rate, twin_rate = bare_done / bare_s, twin_done / twin_s
        bare_rates.append(bare_rate)
        twin_rates.append(twin_rate)
        pair_ratios.append(twin_rate / bare_rate)
        say(
            out,
            f"{pair:>4} {bare_done:>11,} {bare_s:>10.2f} {bare_rate:>11,.0f} {twin_done:>11,} {events:>9,} "
            f"{twin_s:>10.2f} {twin_rate:>11,.0f} {twin_rate / bare_rate:>8.2f}x",
        )
    bare_median, twin_median = statistics.median(bare_rates), statistics.median(twin_rates)
    ratio = twin_median / bare_median
    say(
        out,
        f"median: bare SimPy {bare_median:,.0f} orders/s, twin {twin_median:,.0f} orders/s; "
        f"ratio twin/bare {ratio:.2f}x (median of pair ratios {statistics.median(pair_ratios):.2f}x)",
    )
    say(out, f"(orders per CPU second; this process got {cpu_total / max(wall_total, 1e-9):.0%} of a core meanwhile)")
    cli_ratio = _bench_cli(config, out)
    verdict = f"engine: twin-app run / bare SimPy, whole processes {cli_ratio:.2f}x, target >= {ENGINE_TARGET}x "
    verdict += f"(in-process {ratio:.2f}x): {verdict_word(cli_ratio >= ENGINE_TARGET)}"
    say(out, "target: " + verdict)
    return [verdict]


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _child(command: list[str]) -> tuple[str, float]:
    """Run ``command`` to its end: (stdout, its CPU seconds)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = _child_cpu()
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    return done.stdout, _child_cpu() - before


def _bare_process(horizon: float) -> tuple[int, float]:
    code = f"from twin_app.benchmarks.reference_shop import bare_simpy; print(bare_simpy({horizon!r}))"
    stdout, cpu = _child([sys.executable, "-c", code])
    return int(stdout.split()[-1]), cpu


def _twin_process(path: Path, horizon: float) -> tuple[int, float]:
    command = [sys.executable, "-m", "twin_app.cli", "run", str(path), "--no-db", "--json", "--until", repr(horizon)]
    stdout, cpu = _child(command)
    kpis = json.loads(stdout[stdout.index("{") :])
    return int(kpis["orders_completed"]), cpu


def _bench_cli(config: Settings, out: TextIO) -> float:
    """Whole processes, interleaved: ``twin-app run`` against bare SimPy; the median pair ratio."""
    from twin_app.io.scenario_file import save_scenario

    horizon = config.cli_horizon
    say(
        out,
        f"\nwhole processes: `twin-app run FILE --no-db --json --until {horizon:g}` against a bare SimPy "
        f"process, {config.cli_repeats} interleaved pairs"
        + (" after one warm-up pair" if config.cli_repeats > 1 else ""),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = save_scenario(reference_shop.twin_scenario(horizon), Path(folder) / "reference_shop.json")
        if config.cli_repeats > 1:
            _bare_process(min(horizon, 50.0))
            _twin_process(path, min(horizon, 50.0))
        head = f"{'pair':>4} {'bare orders':>11} {'bare cpu s':>10} {'twin orders':>11} {'twin cpu s':>10}"
        head += f" {'twin/bare':>9} {'load':>5}"
        say(out, head)
        say(out, "-" * len(head))
        ratios = []
        for pair in range(config.cli_repeats):
            load = os.getloadavg()[0]
            bare_done, bare_cpu = _bare_process(horizon)
            twin_done, twin_cpu = _twin_process(path, horizon)
            ratios.append((twin_done / twin_cpu) / (bare_done / bare_cpu))
            say(
                out,
                f"{pair + 1:>4} {bare_done:>11,} {bare_cpu:>10.2f} {twin_done:>11,} {twin_cpu:>10.2f}"
                f" {ratios[-1]:>8.2f}x {load:>5.1f}",
            )
    ratio = statistics.median(ratios)
    say(out, f"median whole-process ratio twin/bare {ratio:.2f}x (orders per CPU second)")
    return ratio
