"""The child process of ``twin-app bench large``: one headless run of a scenario, measured.

It does what ``twin-app run --no-db`` does for one replication (an :class:`EventCollector`
keeping every event, then the full KPI set) and prints one JSON line with the wall time of
each phase and the peak resident memory of this process (``VmHWM``). It runs in its own
process so that its peak memory is its own, not the benchmark's or another part's.

Usage: ``python -m twin_app.benchmarks.large_run SCENARIO [--until T]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from twin_app.analysis.forked import peak_rss_mib


def measure_run(path: Path, until: float | None = None, fork: bool = True) -> dict[str, Any]:
    """Load, simulate (every event collected) and compute the KPIs of ``path``; times and counts.

    ``fork``: the KPIs' money half in a forked child on the second core (``compute_kpis(...,
    fork=True)``; the same KPIs). Its peak memory is reported apart (``kpi_fork_peak_rss_mib``):
    the child shares the run's pages with this process, so the two peaks overlap and their sum
    is an upper bound on what the machine held."""
    began = time.perf_counter()
    from twin_app.analysis.collector import EventCollector
    from twin_app.analysis.kpis import compute_kpis
    from twin_app.experiments.runner import with_horizon
    from twin_app.io.scenario_file import load_scenario
    from twin_app.sim.engine import Simulation

    scenario = with_horizon(load_scenario(path), until)
    loaded = time.perf_counter()
    collector = EventCollector()
    simulation = Simulation(scenario, observers=[collector])
    end = simulation.run()
    simulated = time.perf_counter()
    simulate_peak = peak_rss_mib()
    kpi_cpu = time.process_time()
    kpis = compute_kpis(collector.result(scenario, simulation.layout), fork=fork)
    measured = time.perf_counter()
    kpi_cpu = time.process_time() - kpi_cpu
    forked = resource.getrusage(resource.RUSAGE_CHILDREN)
    orders = collector.orders
    completed = int(np.isfinite(orders["completed"]).sum())
    return {
        "scenario": str(path),
        "horizon": scenario.run.horizon,
        "status": end.status,
        "sim_end": end.now,
        "orders_released": len(orders),
        "orders_completed": completed,
        "events": len(collector.events),
        "load_s": round(loaded - began, 3),
        "simulate_s": round(simulated - loaded, 3),
        "kpis_s": round(measured - simulated, 3),
        "kpis_cpu_s": round(kpi_cpu, 3),
        "kpi_fork": fork,
        "kpi_fork_cpu_s": round(forked.ru_utime + forked.ru_stime, 3),
        "kpi_fork_peak_rss_mib": round(forked.ru_maxrss / 1024.0, 1),
        "wall_s": round(measured - began, 3),
        "kpi_on_time_rate": kpis.get("on_time_rate"),
        "kpi_lead_time_mean": (kpis.get("lead_time") or {}).get("mean"),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "simulate_peak_rss_mib": round(simulate_peak, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Measure one run and print it as one JSON line on stdout."""
    parser = argparse.ArgumentParser(prog="python -m twin_app.benchmarks.large_run")
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--until", type=float, default=None, help="simulated time to stop at (default: run.horizon)")
    parser.add_argument(
        "--serial-kpis", action="store_true", help="compute every KPI in this process (no forked child for the money)"
    )
    args = parser.parse_args(argv)
    print(json.dumps(measure_run(args.scenario, args.until, fork=not args.serial_kpis)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
