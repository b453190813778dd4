"""``twin-app bench dispatch``: decisions per second of the numpy and plain-loop paths.

Assignment (every rule) and dynamic sequencing (every dynamic rule) are timed on random but
realistic inputs, loop / numpy / automatic choice side by side, and a sweep over sizes finds
where numpy starts to win (the measured crossover, printed beside ``NUMPY_FROM``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import numpy as np

from twin_app.benchmarks.common import Settings, maybe, rate, say, span, times, verdict_word
from twin_app.dispatch import assignment, sequencing

NUMPY_TARGET = 10.0
AUTO_TOLERANCE = 0.9
"""The automatic choice passes at 10 candidates if it runs at >= 0.9x the loop's speed: it *is*
the loop there, plus one function call and a length test, which cost a few percent."""
WEIGHTS = assignment.Weights(completion=1.0, cost=0.5, load=0.3, reliability=0.2)

_NOW = 100.0

Variants = dict[str, Callable[[Any], object]]


def candidate_sets(count: int, sets: int = 32, seed: int = 0) -> list[assignment.Candidates]:
    """``sets`` random but realistic candidate arrays of ``count`` machines each.

    About a third of the machines are idle (ready now), the rest have queued work; transit
    times and costs vary, so every rule has a real choice to make.
    """
    rng = np.random.default_rng(seed + count)
    out = []
    for _ in range(sets):
        idle = rng.random(count) < 0.35
        ready = _NOW + np.where(idle, 0.0, rng.exponential(30.0, count))
        arrival = _NOW + rng.exponential(10.0, count)
        work = rng.gamma(2.0, 5.0, count)
        cost = work * rng.uniform(0.5, 2.0, count) + rng.exponential(3.0, count)
        unreliability = rng.uniform(0.0, 0.1, count)
        out.append(assignment.Candidates(ready, arrival, work, cost, unreliability))
    return out


def queue_sets(count: int, sets: int = 32, seed: int = 0) -> list[tuple[np.ndarray, ...]]:
    """``sets`` random waiting queues of ``count`` operations: (processing, due, remaining work, job index)."""
    rng = np.random.default_rng(seed + 7 * count)
    out: list[tuple[np.ndarray, ...]] = []
    for _ in range(sets):
        processing = rng.gamma(2.0, 5.0, count)
        remaining = processing + rng.gamma(2.0, 15.0, count)
        due = _NOW + rng.normal(40.0, 60.0, count)
        jobs = rng.permutation(10 * count)[:count].astype(np.int64)
        out.append((processing, due, remaining, jobs))
    return out


def _seconds_per_call(call: Callable[[Any], object], inputs: Sequence[Any], calls: int) -> float:
    """CPU time of ``call(x)`` per call, over ``calls`` calls cycling through ``inputs``.

    CPU time (not wall time): on a shared machine a sample that lost its core for a while
    would otherwise count the wait, and the ratios would measure the neighbours.
    """
    sequence = [inputs[i % len(inputs)] for i in range(calls)]
    began = time.process_time()
    for item in sequence:
        call(item)
    return (time.process_time() - began) / calls


def _calibrate(call: Callable[[Any], object], inputs: Sequence[Any], min_seconds: float) -> int:
    """Number of calls that take at least ``min_seconds`` (doubling, like timeit's autorange)."""
    calls = len(inputs)
    while True:
        if _seconds_per_call(call, inputs, calls) * calls >= min_seconds or calls >= 1 << 22:
            return calls
        calls *= 2


def time_side_by_side(variants: Variants, inputs: Sequence[Any], repeats: int, min_seconds: float) -> dict[str, float]:
    """Median seconds per call of each variant, timed in turn within every repeat (A B C A B C ...)."""
    counts = {name: _calibrate(call, inputs, min_seconds) for name, call in variants.items()}
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, call in variants.items():
            samples[name].append(_seconds_per_call(call, inputs, counts[name]))
    return {name: statistics.median(values) for name, values in samples.items()}


def _assignment_variants(rule: str) -> Variants:
    rng = np.random.default_rng(0)
    if rule == "random":
        return {"auto": lambda c: assignment.choose("random", _NOW, c, WEIGHTS, rng)}
    return {
        "loop": lambda c: assignment.choose_loop(rule, _NOW, c, WEIGHTS),
        "numpy": lambda c: assignment.choose_numpy(rule, _NOW, c, WEIGHTS),
        "auto": lambda c: assignment.choose(rule, _NOW, c, WEIGHTS),
    }


def _sequencing_variants(rule: str) -> Variants:
    return {
        "loop": lambda q: sequencing.pick_dynamic_loop(rule, _NOW, *q),
        "numpy": lambda q: sequencing.pick_dynamic_numpy(rule, _NOW, *q),
        "auto": lambda q: sequencing.pick_dynamic(rule, _NOW, *q),
    }


def crossover(sizes: Sequence[int], loop_s: Sequence[float], numpy_s: Sequence[float]) -> int | None:
    """The smallest measured size from which numpy is faster than the loop at every larger size too."""
    found: int | None = None
    for size, loop, vectorised in sorted(zip(sizes, loop_s, numpy_s, strict=True), reverse=True):
        if vectorised < loop:
            found = size
        else:
            break
    return found


def bench(config: Settings, out: TextIO) -> list[str]:
    """Decisions per second of loop / numpy / automatic dispatch, and the measured crossovers."""
    repeats, min_s = config.dispatch_repeats, config.dispatch_min_seconds
    say(
        out,
        f"decisions per second (median of {repeats} side-by-side repeats, each >= {min_s * 1e3:g} ms of calls "
        f"over 32 random candidate sets); numpy/loop = speed-up of numpy; auto/loop = the automatic "
        f"choice against the loop (it switches at NUMPY_FROM: assignment per rule "
        f"{assignment.NUMPY_FROM_BY_RULE}, sequencing {sequencing.NUMPY_FROM})",
    )
    head = f"{'decision':<28} {'n':>5} {'loop/s':>11} {'numpy/s':>11} {'auto/s':>11} "
    head += f"{'numpy/loop':>10} {'auto/loop':>9}"
    say(out, head)
    say(out, "-" * len(head))
    speedups_at_top: dict[str, float] = {}
    auto_at_small: dict[str, float] = {}
    top, small = max(config.dispatch_sizes), min(config.dispatch_sizes)
    cases: list[tuple[str, Callable[[str], Variants], Callable[[int], list[Any]]]] = [
        *((f"assign {rule}", _assignment_variants, candidate_sets) for rule in assignment.RULES),
        *((f"sequence {rule}", _sequencing_variants, queue_sets) for rule in sequencing.DYNAMIC_RULES),
    ]
    for label, variants_of, inputs_of in cases:
        rule = label.split()[1]
        for size in config.dispatch_sizes:
            medians = time_side_by_side(variants_of(rule), inputs_of(size), repeats, min_s)
            loop, vectorised, auto = (medians.get(k) for k in ("loop", "numpy", "auto"))
            ratio = loop / vectorised if loop and vectorised else None
            auto_ratio = loop / auto if loop and auto else None
            if ratio is not None and size == top:
                speedups_at_top[label] = ratio
            if auto_ratio is not None and size == small:
                auto_at_small[label] = auto_ratio
            say(
                out,
                f"{label:<28} {size:>5} {rate(loop):>11} {rate(vectorised):>11} {rate(auto):>11} "
                f"{times(ratio):>10} {times(auto_ratio):>9}",
            )
    say(out, "")
    say(out, f"crossover sweep (numpy faster than the loop from n = ..., over n in {list(config.crossover_sizes)}):")
    head = f"{'decision':<28} {'NUMPY_FROM':>10} {'measured':>9}   numpy/loop by n"
    say(out, head)
    say(out, "-" * len(head))
    crossovers: dict[str, int | None] = {}
    for label, variants_of, inputs_of in cases:
        rule = label.split()[1]
        if rule == "random":
            continue
        sizes = config.crossover_sizes
        loops, numpys = [], []
        for size in sizes:
            variants = variants_of(rule)
            medians = time_side_by_side(
                {"loop": variants["loop"], "numpy": variants["numpy"]}, inputs_of(size), repeats, min_s
            )
            loops.append(medians["loop"])
            numpys.append(medians["numpy"])
        found = crossover(sizes, loops, numpys)
        crossovers[label] = found
        current = assignment.numpy_from(rule) if label.startswith("assign") else sequencing.NUMPY_FROM
        by_n = " ".join(f"{n}:{lp / np_:.2f}" for n, lp, np_ in zip(sizes, loops, numpys, strict=True))
        say(out, f"{label:<28} {current:>10} {maybe(found):>9}   {by_n}")
    verdicts = []
    worst = min(speedups_at_top, key=speedups_at_top.__getitem__)
    ok = speedups_at_top[worst] >= NUMPY_TARGET
    verdicts.append(
        f"dispatch: numpy/loop at {top} candidates >= {NUMPY_TARGET:g}x for every rule "
        f"(lowest {worst}: {speedups_at_top[worst]:.1f}x): {verdict_word(ok)}"
    )
    slowest = min(auto_at_small, key=auto_at_small.__getitem__)
    ok = auto_at_small[slowest] >= AUTO_TOLERANCE
    verdicts.append(
        f"dispatch: auto at {small} candidates not slower than the loop (>= {AUTO_TOLERANCE}x its speed; "
        f"lowest {slowest}: {auto_at_small[slowest]:.2f}x): {verdict_word(ok)}"
    )
    assign = [v for k, v in crossovers.items() if k.startswith("assign") and v is not None]
    sequence = [v for k, v in crossovers.items() if k.startswith("sequence") and v is not None]
    verdicts.append(
        f"dispatch: measured crossover assignment n = {span(assign)} "
        f"(NUMPY_FROM = {span(list(assignment.NUMPY_FROM_BY_RULE.values()))} by rule), "
        f"dynamic sequencing n = {span(sequence)} (NUMPY_FROM = {sequencing.NUMPY_FROM})"
    )
    for line in verdicts:
        say(out, "target: " + line)
    return verdicts
