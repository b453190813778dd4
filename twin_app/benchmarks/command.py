"""``twin-app bench [engine] [dispatch] [large] [sweep] [gui] [--quick]``: the performance targets, measured.

Every figure is a median over repeats, and every comparison is measured side by side in the
same run (interleaved A B A B ...), because the machine this runs on is shared and noisy: a
number from another run, or a fixed time limit in a test, would mostly measure the load.
Each part prints a plain-text table and one ``target:`` line with PASS or BELOW.

- ``engine`` (:mod:`.engine`): the twin on the reference job shop
  (:mod:`twin_app.benchmarks.reference_shop`) with every event collected, beside the same shop
  in bare SimPy; orders per second and ratio.
- ``dispatch`` (:mod:`.dispatch`): decisions per second of the numpy and plain-loop paths of
  assignment and dynamic sequencing, and of the automatic choice between them; the measured
  crossover.
- ``large`` (:mod:`.large`): the 100,000-order sample network to completion in a subprocess;
  wall time and peak memory.
- ``sweep`` (:mod:`.sweep`): experiment tasks per second on local worker processes (one per
  core) beside one process, on the same tasks; target 1.7x on 2 cores.
- ``gui`` (:mod:`.gui`): Gantt paint times per frame and the longest event-loop stall during a
  live run (Qt is imported only by this part).

``--quick`` shrinks sizes and repeats so that all four parts take under two minutes (~20 s on
the 2-core development machine); the default run took ~4 minutes there, half of it the large
run (budget: 15 minutes).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

import numpy as np

from twin_app.benchmarks import dispatch, engine, gui, large, sweep
from twin_app.benchmarks.common import Settings, load_average, say, settings

PART_RUNNERS: dict[str, Callable[[Settings, TextIO], list[str]]] = {
    "engine": engine.bench,
    "dispatch": dispatch.bench,
    "large": large.bench,
    "sweep": sweep.bench,
    "gui": gui.bench,
}
PARTS = tuple(PART_RUNNERS)


def main(
    parts: Sequence[str],
    quick: bool = False,
    *,
    horizon: float | None = None,
    dispatch_sizes: Sequence[int] | None = None,
    out: TextIO | None = None,
) -> int:
    """Run the named benchmark parts (all when ``parts`` is empty) and print their tables.

    Returns 0 when every part ran (whether its target passed or not: the verdict is printed,
    because on a loaded machine a BELOW may be the load, not a regression), 2 for an unknown
    part. ``horizon`` and ``dispatch_sizes`` shrink the engine and dispatch parts (for tests).
    """
    stream = sys.stdout if out is None else out
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        print(f"error: unknown benchmark part {', '.join(map(repr, unknown))}; use {', '.join(PARTS)}", file=sys.stderr)
        return 2
    chosen = [p for p in PARTS if p in parts] if parts else list(PARTS)
    config = settings(quick, horizon, dispatch_sizes)
    began = time.perf_counter()
    say(stream, f"twin-app bench {' '.join(chosen)}{' --quick' if quick else ''}")
    say(stream, f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cores, {load_average()}")
    verdicts: list[str] = []
    for part in chosen:
        say(stream, f"\n== {part} " + "=" * (70 - len(part)))
        started = time.perf_counter()
        verdicts.extend(PART_RUNNERS[part](config, stream))
        say(stream, f"({part}: {time.perf_counter() - started:.1f} s; {load_average()})")
    say(stream, "\n== summary " + "=" * 63)
    for line in verdicts:
        say(stream, line)
    say(stream, f"total {time.perf_counter() - began:.1f} s; {load_average()}")
    return 0
