"""Measure how long `validate` takes and how much memory it needs on very large networks.

Issue 13 asks that 20,000 sites validate in under 10 s and under 1 GB. Each case is built in
memory, written to a temporary file and validated in a fresh process (so the peak resident
memory is that of the validation alone, interpreter and imports included):

* ``no-lanes``: 20,000 sites with one machine each and no lanes (the case that took 6 GB);
* ``star``: the same sites, each linked by a lane to one of 20 hubs, the hubs to the
  customer, and two-step products that must travel between sites.

Usage: ``python scripts/measure_validate_scale.py [--sites N]``. Prints one line per case.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CHILD = """
import resource, sys, time
from twin_app.io.scenario_file import load_scenario
start = time.perf_counter()
scenario = load_scenario(sys.argv[1])
elapsed = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{elapsed:.2f} {peak_mb:.0f} {len(scenario.sites)}")
"""


def network(sites: int, lanes: bool) -> dict[str, Any]:
    """A valid scenario of ``sites`` sites, each with one machine; a star of lanes or none."""
    hubs = 20
    site_ids = [f"s{i:05d}" for i in range(sites)]
    data: dict[str, Any] = {
        "format_version": 1,
        "name": f"{sites} sites" + (" in a star" if lanes else " without lanes"),
        "owners": [{"id": f"o{i}"} for i in range(100)],
        "sites": [{"id": s, "owner": f"o{i % 100}", "x": i % 200, "y": i // 200} for i, s in enumerate(site_ids)],
        "machines": [
            {"id": f"m{i:05d}", "site": s, "capabilities": [{"step": "cut" if i % 2 else "weld", "time": 5}]}
            for i, s in enumerate(site_ids)
        ],
        "products": [
            {"id": "single", "routing": [{"capabilities": ["cut"]}]},
            {"id": "double", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["weld"]}]},
        ],
        "customers": [{"id": "client", "x": 0, "y": 0}],
        "demand": {"streams": [{"customer": "client", "interarrival": 10, "mix": {"single": 0.5, "double": 0.5}}]},
        "run": {"horizon": 10080},
    }
    if lanes:
        data["lanes"] = [
            {"id": f"l{i:05d}", "origin": s, "destination": site_ids[i % hubs], "transit": 30}
            for i, s in enumerate(site_ids)
            if i >= hubs
        ] + [{"id": f"h{h}", "origin": site_ids[h], "destination": "client", "transit": 60} for h in range(hubs)]
        data["lanes"] += [
            {"id": f"x{h}", "origin": site_ids[h], "destination": site_ids[(h + 1) % hubs], "transit": 20}
            for h in range(hubs)
        ]
    else:
        data["products"] = data["products"][:1]
        data["demand"]["streams"][0]["mix"] = {"single": 1.0}
    return data


def measure(data: dict[str, Any]) -> tuple[float, float]:
    """(seconds, peak MB) of validating ``data`` in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scale.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr or done.stdout)
    seconds, peak, _ = done.stdout.split()
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20_000)
    args = parser.parse_args()
    for name, lanes in (("no-lanes", False), ("star", True)):
        start = time.perf_counter()
        seconds, peak = measure(network(args.sites, lanes))
        wall = time.perf_counter() - start
        print(
            f"{name:9s} {args.sites:,} sites: validate {seconds:.2f} s, peak memory {peak:.0f} MB "
            f"(process wall time {wall:.1f} s)"
        )


if __name__ == "__main__":
    main()
