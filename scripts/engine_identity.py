"""Prove that an engine change kept every event log to the byte.

Runs every sample network (and ``tests/data/tiny.json`` and the benchmark's reference job shop)
in seven dispatch settings (push and pull; fifo, spt, cr, atc and mwkr sequencing; every
assignment rule; with and without family batching) and hashes the event and order logs of each
run. An optimisation must leave every hash unchanged: the engine promises the same event log for
the same scenario and seed, to the event.

Usage::

    python scripts/engine_identity.py OUT.json                      # write the hashes
    python scripts/engine_identity.py OUT.json --compare BASE.json  # and compare with a baseline
    python scripts/engine_identity.py OUT.json --root /tmp/other_checkout

``--compare`` prints every run whose hash, event count or order count differs (or that is
missing on one side) and exits 1 if there is any. ``--root`` runs the code and samples of
another checkout (for a "before" copy made with ``git worktree add``). ``--only SUBSTRING``
runs only the runs whose key contains it (a quick check while working; compare the full set
before committing). The large network runs to t = 3,000 in the two fifo settings only; the
others to their own horizon, capped at 4,000 minutes. A full run takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETTINGS: tuple[tuple[str, str, str, bool], ...] = (
    # (mode, sequencing, assignment, batch_families)
    ("push", "fifo", "earliest_completion", False),
    ("pull", "fifo", "earliest_completion", False),
    ("push", "spt", "weighted", True),
    ("pull", "atc", "cheapest", False),
    ("pull", "spt", "fastest", True),
    ("push", "cr", "least_loaded", False),
    ("pull", "mwkr", "random", False),
)
SEED = 7
HORIZON_CAP = 4000.0
LARGE_HORIZON = 3000.0
REFERENCE_HORIZON = 1000.0


def _scenarios(root: Path) -> list[tuple[str, object]]:
    """(name, scenario) for every sample, tiny.json and the reference shop, loaded from ``root``."""
    from twin_app.benchmarks import reference_shop
    from twin_app.io.scenario_file import load_scenario

    files = [*sorted((root / "sample_networks").glob("*.json")), root / "tests/data/tiny.json"]
    named: list[tuple[str, object]] = [(f.name, load_scenario(f)) for f in files]
    named.append(("reference_shop", reference_shop.twin_scenario(REFERENCE_HORIZON)))
    return named


def _runs(root: Path, only: str | None) -> dict[str, list]:
    from twin_app.analysis.collector import EventCollector
    from twin_app.sim import engine
    from twin_app.sim.engine import Simulation

    print(f"engine: {engine.__file__}", flush=True)
    out: dict[str, list] = {}
    for name, base in _scenarios(root):
        large = "large" in name
        for mode, sequencing, assignment, batch in SETTINGS:
            if large and sequencing != "fifo":
                continue
            key = f"{name}:{mode}:{sequencing}:{assignment}:{batch}"
            if only and only not in key:
                continue
            horizon = LARGE_HORIZON if large else min(base.run.horizon or HORIZON_CAP, HORIZON_CAP)
            scenario = base.with_changes(
                run=replace(base.run, horizon=horizon, warmup=0.0),
                platform=replace(
                    base.platform, mode=mode, sequencing=sequencing, assignment=assignment, batch_families=batch
                ),
            )
            collector = EventCollector()
            Simulation(scenario, seed=SEED, observers=[collector]).run()
            digest = hashlib.sha256(collector.events.tobytes() + collector.orders.tobytes()).hexdigest()[:16]
            out[key] = [digest, len(collector.events), len(collector.orders)]
            print(key, out[key], flush=True)
    return out


def _compare(now: dict[str, list], base: dict[str, list], partial: bool) -> list[str]:
    keys = now.keys() if partial else sorted(set(now) | set(base))
    differences = []
    for key in keys:
        if now.get(key) != base.get(key):
            differences.append(f"{key}: baseline {base.get(key)} now {now.get(key)}")
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="JSON file to write the hashes to")
    parser.add_argument("--compare", type=Path, help="baseline JSON: print differences, exit 1 on any")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose code and samples run")
    parser.add_argument("--only", help="run only the keys containing this text")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    sys.path.insert(0, str(root))
    hashes = _runs(root, args.only)
    args.out.write_text(json.dumps(hashes, indent=1) + "\n")
    if args.compare is None:
        return 0
    differences = _compare(hashes, json.loads(args.compare.read_text()), partial=bool(args.only))
    for line in differences:
        print("DIFFERS", line)
    print(f"{len(hashes)} runs, {len(differences)} differences from {args.compare}")
    return 1 if differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
