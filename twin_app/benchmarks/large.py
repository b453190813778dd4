"""``twin-app bench large``: the 100,000-order sample network in a child process.

The child (:mod:`twin_app.benchmarks.large_run`) does what ``twin-app run --no-db --json``
does for one replication, by the same code, and reports its phases and its own peak memory;
this side adds the wall time including interpreter start and the child's CPU time.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TextIO

from twin_app.benchmarks.common import Settings, load_average, maybe, say, verdict_word
from twin_app.samples import LARGE_NETWORK

LARGE_TARGET_MIB = 1024.0
"""Peak resident memory of the child run (issue 8: under 1 GB)."""
LARGE_TARGET_WALL_S = 60.0
"""Wall time of the whole child run to the network's own horizon (issue 8: under a minute)."""


def bench(config: Settings, out: TextIO, scenario: Path = LARGE_NETWORK) -> list[str]:
    """The large network run in a child process (what ``twin-app run --no-db`` does): time and peak memory."""
    until = config.large_until
    command = [sys.executable, "-m", "twin_app.benchmarks.large_run", str(scenario)]
    if until is not None:
        command += ["--until", str(until)]
    what = f"to t = {until:g} min" if until is not None else "to its own horizon (all orders)"
    say(out, f"{scenario.name} {what}, one replication in a subprocess, every event kept, KPIs at the end")
    say(out, f"before the run: {load_average()}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # RUSAGE_CHILDREN is the largest of all children waited for so far: an upper bound here.
    children_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        verdict = f"large: the child run failed with exit code {done.returncode}: BELOW"
        say(out, tail)
        say(out, "target: " + verdict)
        return [verdict]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    rows = [
        ("status", f"{report['status']} at t = {report['sim_end']:,.0f} (horizon {report['horizon']})"),
        ("orders released / completed", f"{report['orders_released']:,} / {report['orders_completed']:,}"),
        ("events logged", f"{report['events']:,}"),
        ("load scenario", f"{report['load_s']:.1f} s"),
        ("simulate", f"{report['simulate_s']:.1f} s ({report['orders_completed'] / report['simulate_s']:,.0f} ord/s)"),
        ("KPIs", f"{report['kpis_s']:.1f} s ({_kpi_split(report)})"),
        ("KPI summary as JSON", f"{report.get('report_s', 0.0):.1f} s (what --json prints)"),
        ("child wall (in child)", f"{report['wall_s']:.1f} s"),
        ("wall incl. interpreter start", f"{wall:.1f} s"),
        ("child CPU time", f"{child_cpu:.1f} s (wall/CPU {wall / max(child_cpu, 1e-9):.2f}; > 1: waited for a core)"),
        ("peak memory (VmHWM)", f"{report['peak_rss_mib']:,.0f} MiB"),
        ("peak after simulating", f"{report['simulate_peak_rss_mib']:,.0f} MiB (the rest is the KPIs')"),
        ("peak of the forked KPI child", f"{report['kpi_fork_peak_rss_mib']:,.0f} MiB (shares the run's pages)"),
        ("after the run", load_average()),
        ("peak memory (RUSAGE_CHILDREN)", f"{children_mib:,.0f} MiB (max over all children so far)"),
        ("on-time rate", maybe(report["kpi_on_time_rate"])),
        ("mean lead time", maybe(report["kpi_lead_time_mean"])),
    ]
    for name, value in rows:
        say(out, f"{name:<30} {value}")
    peak = float(report["peak_rss_mib"])
    complete = until is not None or report["orders_completed"] == report["orders_released"]
    fast = until is not None or wall < LARGE_TARGET_WALL_S
    verdict = (
        f"large: wall {wall:.0f} s (CPU {child_cpu:.0f} s), target < {LARGE_TARGET_WALL_S:.0f} s; "
        f"peak {peak:,.0f} MiB, target < {LARGE_TARGET_MIB:,.0f} MiB; "
        f"{report['orders_completed']:,} of {report['orders_released']:,} orders done: "
        f"{verdict_word(peak < LARGE_TARGET_MIB and complete and fast)}"
    )
    say(out, "target: " + verdict)
    return [verdict]


def _kpi_split(report: dict) -> str:
    """Where the KPI phase's CPU went: this process, and the forked child computing the money."""
    if not report.get("kpi_fork"):
        return f"CPU {report['kpis_cpu_s']:.1f} s, one process"
    return f"CPU {report['kpis_cpu_s']:.1f} s here + {report['kpi_fork_cpu_s']:.1f} s in the forked money child"
