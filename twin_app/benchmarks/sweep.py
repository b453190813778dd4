"""``twin-app bench sweep``: experiment tasks per second, local worker processes against one.

The same tasks (replications of the light sample network, each a whole run to its KPIs) run
in this process and on one worker process per core, interleaved repeat by repeat; the wall
time of each includes starting the pool, as a user's sweep does. The ratio of the medians is
the speed-up a sweep gets from the cores (target: 1.7x on 2 cores).
"""

from __future__ import annotations

import statistics
import time
from typing import TextIO

from twin_app.benchmarks.common import Settings, say, verdict_word
from twin_app.experiments.executors import Backend, default_workers, execute
from twin_app.experiments.tasks import Task
from twin_app.io.scenario_file import load_scenario
from twin_app.samples import SAMPLES_DIR

TARGET = 1.7
SAMPLE = "asset_light.json"


def bench(config: Settings, out: TextIO) -> list[str]:
    scenario = load_scenario(SAMPLES_DIR / SAMPLE, run={"horizon": config.sweep_until})
    tasks = [Task(0, r, scenario, 1) for r in range(config.sweep_tasks)]
    workers = default_workers()
    say(out, f"{config.sweep_tasks} tasks of {SAMPLE} to {config.sweep_until:g} min; {workers} worker processes")
    walls: dict[str, list[float]] = {"one process": [], f"{workers} processes": []}
    for _ in range(config.sweep_repeats):
        for label, backend in (("one process", Backend(1)), (f"{workers} processes", Backend(workers))):
            started = time.perf_counter()
            results = list(execute(tasks, backend))
            walls[label].append(time.perf_counter() - started)
            assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    say(out, f"{'backend':<14} {'median wall':>12} {'tasks/s':>9}")
    medians = {label: statistics.median(values) for label, values in walls.items()}
    for label, wall in medians.items():
        say(out, f"{label:<14} {wall:>10.2f} s {config.sweep_tasks / wall:>9.2f}")
    ratio = medians["one process"] / medians[f"{workers} processes"]
    say(out, f"speed-up {ratio:.2f}x with {workers} processes (repeats: {config.sweep_repeats})")
    target = TARGET if workers >= 2 else 1.0
    return [f"sweep: {ratio:.2f}x tasks/s on {workers} processes (target {target:g}x): {verdict_word(ratio >= target)}"]
