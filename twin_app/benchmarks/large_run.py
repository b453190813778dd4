"""The child process of ``twin-app bench large``: one headless run of a scenario, measured.

It does what ``twin-app run SCENARIO --no-db --json`` does for one replication, by the same
code: :func:`~twin_app.experiments.runner.run_replication` (an :class:`EventCollector` keeping
every event, then the full KPI set with the money in a forked child), the garbage collector
raised for the whole command and the scenario frozen out of its passes once read (as
``twin-app run`` does), and the KPIs summarised and written as JSON. It prints one JSON line
with the wall time of each phase and the peak resident memory of this process (``VmHWM``).
It runs in its own process so that its peak memory is its own, not the benchmark's.

Usage: ``python -m twin_app.benchmarks.large_run SCENARIO [--until T] [--serial-kpis]``.
"""

from __future__ import annotations

import argparse
import gc
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

    ``fork``: the KPIs' money in a forked child on the second core (``compute_kpis(...,
    fork=True)``, what ``twin-app run`` does for one replication; the same KPIs). Its peak
    memory is reported apart (``kpi_fork_peak_rss_mib``): the child shares the run's pages with
    this process, so the two peaks overlap and their sum is an upper bound on what the machine
    held."""
    from twin_app.sim.collection import fewer_collections

    with fewer_collections():  # as twin-app run: for the whole command
        try:
            return _measured(path, until, fork, time.perf_counter())
        finally:
            gc.unfreeze()


def _measured(path: Path, until: float | None, fork: bool, began: float) -> dict[str, Any]:

    from twin_app.analysis.kpis import compute_kpis
    from twin_app.analysis.result import RunResult
    from twin_app.experiments.runner import run_replication, summarise, with_horizon
    from twin_app.io.scenario_file import load_scenario

    scenario = with_horizon(load_scenario(path), until)  # (not validated against the warm-up: --quick's day)
    gc.freeze()  # as twin-app run: what is alive once the file is read lives to the end
    loaded = time.perf_counter()
    seen: dict[str, Any] = {}

    def measure(result: RunResult) -> dict[str, Any]:
        """The KPIs as the command computes them, with the time the simulation ended."""
        seen["simulated"] = time.perf_counter()
        seen["simulate_peak"] = peak_rss_mib()
        seen["events"] = len(result.events)
        orders = result.orders
        seen["released"] = len(orders)
        seen["completed"] = int(np.isfinite(orders["completed"]).sum())
        cpu = time.process_time()
        kpis = compute_kpis(result, fork=fork)
        seen["kpi_cpu"] = time.process_time() - cpu
        seen["measured"] = time.perf_counter()
        return kpis

    replication = run_replication(scenario, measure=measure)
    summary = summarise([replication])
    json.dumps(summary, indent=2, default=str)  # what --json prints
    finished = time.perf_counter()
    forked = resource.getrusage(resource.RUSAGE_CHILDREN)
    kpis = replication.kpis
    return {
        "scenario": str(path),
        "horizon": scenario.run.horizon,
        "status": replication.status,
        "sim_end": replication.now,
        "orders_released": seen["released"],
        "orders_completed": seen["completed"],
        "events": seen["events"],
        "load_s": round(loaded - began, 3),
        "simulate_s": round(seen["simulated"] - loaded, 3),
        "kpis_s": round(seen["measured"] - seen["simulated"], 3),
        "kpis_cpu_s": round(seen["kpi_cpu"], 3),
        "report_s": round(finished - seen["measured"], 3),
        "kpi_fork": fork,
        "kpi_fork_cpu_s": round(forked.ru_utime + forked.ru_stime, 3),
        "kpi_fork_peak_rss_mib": round(forked.ru_maxrss / 1024.0, 1),
        "wall_s": round(finished - began, 3),
        "kpi_on_time_rate": kpis.get("on_time_rate"),
        "kpi_lead_time_mean": (kpis.get("lead_time") or {}).get("mean"),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "simulate_peak_rss_mib": round(seen["simulate_peak"], 1),
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
