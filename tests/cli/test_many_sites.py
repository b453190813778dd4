"""Running (not only validating) a network of 20,000 sites stays small: the route tables are
not built for every pair of sites (n x n would be 13 GB), only from the origins a run asks about."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SITES = 20_000
MACHINE_EVERY = 100
"""A machine at every 100th site, lanes between consecutive machine sites: parts travel."""


def many_sites(path: Path) -> None:
    machine_sites = range(0, SITES, MACHINE_EVERY)
    capabilities = [{"step": "cut", "time": {"dist": "exponential", "mean": 30}}, {"step": "weld", "time": 5}]
    data = {
        "format_version": 1,
        "name": f"{SITES} sites",
        "owners": [{"id": f"o{i}"} for i in range(50)],
        "sites": [{"id": f"s{i}", "owner": f"o{i % 50}", "x": i % 200, "y": i // 200} for i in range(SITES)],
        "machines": [{"id": f"m{i}", "site": f"s{i}", "capabilities": capabilities} for i in machine_sites],
        "products": [{"id": "P", "family": "f", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["weld"]}]}],
        "lanes": [
            {"id": f"l{i}", "origin": f"s{i}", "destination": f"s{i + MACHINE_EVERY}", "transit": 10, "vehicles": 2}
            for i in machine_sites[:-1]
        ],
        "customers": [{"id": "c"}],
        "demand": {"streams": [{"customer": "c", "interarrival": {"dist": "exponential", "mean": 1}, "mix": {"P": 1}}]},
        "run": {"horizon": 240},
    }
    path.write_text(json.dumps(data), encoding="utf-8")


PEAK = """
import resource, sys
from twin_app import cli
code = cli.main(["run", sys.argv[1], "--no-db", "--json"])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""
"""Run the CLI in a child and print the child's own peak resident memory (KiB) last on stderr."""


def test_20000_sites_run_a_short_horizon_in_under_1_gb(tmp_path: Path) -> None:
    scenario = tmp_path / "sites.json"
    many_sites(scenario)
    finished = subprocess.run([sys.executable, "-c", PEAK, str(scenario)], capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["orders_completed"] > 0
    peak_kib = int(finished.stderr.split()[-1])
    assert peak_kib < 1024 * 1024, f"peak {peak_kib / 1024:.0f} MiB"
