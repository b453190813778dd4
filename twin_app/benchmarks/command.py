"""``twin-app bench [engine] [dispatch] [large] [gui] [--quick]``: the performance targets, measured.

Every figure is a median over repeats, and every comparison is measured side by side in the
same run (interleaved A B A B ...), because the machine this runs on is shared and noisy: a
number from another run, or a fixed time limit in a test, would mostly measure the load.
Each part prints a plain-text table and one ``target:`` line with PASS or BELOW.

- ``engine``: the twin on the reference job shop (:mod:`twin_app.benchmarks.reference_shop`)
  with every event collected, beside the same shop in bare SimPy; orders per second and ratio.
- ``dispatch``: decisions per second of the numpy and plain-loop paths of assignment and
  dynamic sequencing, and of the automatic choice between them; the measured crossover.
- ``large``: the 100,000-order sample network to completion in a subprocess; wall time and
  peak memory.
- ``gui``: Gantt paint times per frame and the longest event-loop stall during a live run
  (Qt is imported only by this part).

``--quick`` shrinks sizes and repeats so that all four parts take under two minutes (~20 s on
the 2-core development machine); the default run took ~4 minutes there, half of it the large
run (budget: 15 minutes).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from twin_app.benchmarks import reference_shop
from twin_app.dispatch import assignment, sequencing

PARTS = ("engine", "dispatch", "large", "gui")
SAMPLES_DIR = Path(__file__).resolve().parent.parent.parent / "sample_networks"
LARGE_NETWORK = SAMPLES_DIR / "large_network.json"
DEMO_NETWORK = SAMPLES_DIR / "cloud_factory_demo.json"

ENGINE_TARGET = 0.5
NUMPY_TARGET = 10.0
AUTO_TOLERANCE = 0.9
"""The automatic choice passes at 10 candidates if it runs at >= 0.9x the loop's speed: it *is*
the loop there, plus one function call and a length test, which cost a few percent."""
LARGE_TARGET_MIB = 2048.0
GUI_LIVE_FPS = 30.0
GUI_1M_FPS = 10.0
GUI_STALL_MS = 100.0

WEIGHTS = assignment.Weights(completion=1.0, cost=0.5, load=0.3, reliability=0.2)


@dataclass(frozen=True, slots=True)
class Settings:
    """Sizes and repeats of one ``bench`` run (see :func:`settings`)."""

    engine_horizon: float
    engine_repeats: int
    dispatch_sizes: tuple[int, ...]
    crossover_sizes: tuple[int, ...]
    dispatch_repeats: int
    dispatch_min_seconds: float
    large_until: float | None
    gantt_sizes: tuple[int, ...]
    gantt_repeats: int
    live_minutes: float


def settings(quick: bool, horizon: float | None = None, dispatch_sizes: Sequence[int] | None = None) -> Settings:
    """The sizes of a full run, or of a ``--quick`` one; ``horizon`` / ``dispatch_sizes`` override
    the engine horizon (simulated minutes; 8 orders arrive per minute) and the decision sizes."""
    if quick:
        base = Settings(
            engine_horizon=1000.0,
            engine_repeats=3,
            dispatch_sizes=(10, 100, 1000),
            crossover_sizes=(4, 8, 16, 24, 32, 48, 64, 96),
            dispatch_repeats=3,
            dispatch_min_seconds=0.004,
            large_until=1440.0,
            gantt_sizes=(10_000, 100_000),
            gantt_repeats=5,
            live_minutes=1440.0,
        )
    else:
        base = Settings(
            engine_horizon=2000.0,
            engine_repeats=5,
            dispatch_sizes=(10, 100, 1000),
            crossover_sizes=(2, 4, 8, 12, 16, 20, 24, 32, 40, 48, 56, 64, 80, 96, 128),
            dispatch_repeats=7,
            dispatch_min_seconds=0.02,
            large_until=None,
            gantt_sizes=(10_000, 100_000, 1_000_000),
            gantt_repeats=15,
            live_minutes=7 * 1440.0,
        )
    changes: dict[str, Any] = {}
    if horizon is not None:
        changes["engine_horizon"] = float(horizon)
    if dispatch_sizes is not None:
        changes["dispatch_sizes"] = tuple(dispatch_sizes)
        changes["crossover_sizes"] = tuple(n for n in base.crossover_sizes if n <= max(dispatch_sizes))
    if not changes:
        return base
    fields = {name: getattr(base, name) for name in Settings.__slots__}
    fields.update(changes)
    return Settings(**fields)


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
    runners: dict[str, Callable[[Settings, TextIO], list[str]]] = {
        "engine": bench_engine,
        "dispatch": bench_dispatch,
        "large": bench_large,
        "gui": bench_gui,
    }
    began = time.perf_counter()
    _say(stream, f"twin-app bench {' '.join(chosen)}{' --quick' if quick else ''}")
    _say(stream, f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cores, {_load()}")
    verdicts: list[str] = []
    for part in chosen:
        _say(stream, f"\n== {part} " + "=" * (70 - len(part)))
        started = time.perf_counter()
        verdicts.extend(runners[part](config, stream))
        _say(stream, f"({part}: {time.perf_counter() - started:.1f} s)")
    _say(stream, "\n== summary " + "=" * 63)
    for line in verdicts:
        _say(stream, line)
    _say(stream, f"total {time.perf_counter() - began:.1f} s; {_load()}")
    return 0


# ---------------------------------------------------------------------------------------------
# engine
# ---------------------------------------------------------------------------------------------


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


def bench_engine(config: Settings, out: TextIO) -> list[str]:
    """Twin (full event logging) vs bare SimPy on the reference job shop, interleaved."""
    horizon = config.engine_horizon
    rate = reference_shop.arrival_rate()
    _say(
        out,
        f"reference job shop: 50 machines, 5 ops/order, exponential times, utilisation 0.8, "
        f"{rate:g} orders/min, horizon {horizon:g} min (~{rate * horizon:,.0f} orders); "
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
    _say(out, head)
    _say(out, "-" * len(head))
    bare_rates, twin_rates, pair_ratios = [], [], []
    for pair, bare_done, bare_s, twin_done, events, twin_s in rows:
        bare_rate, twin_rate = bare_done / bare_s, twin_done / twin_s
        bare_rates.append(bare_rate)
        twin_rates.append(twin_rate)
        pair_ratios.append(twin_rate / bare_rate)
        _say(
            out,
            f"{pair:>4} {bare_done:>11,} {bare_s:>10.2f} {bare_rate:>11,.0f} {twin_done:>11,} {events:>9,} "
            f"{twin_s:>10.2f} {twin_rate:>11,.0f} {twin_rate / bare_rate:>8.2f}x",
        )
    bare_median, twin_median = statistics.median(bare_rates), statistics.median(twin_rates)
    ratio = twin_median / bare_median
    _say(
        out,
        f"median: bare SimPy {bare_median:,.0f} orders/s, twin {twin_median:,.0f} orders/s; "
        f"ratio twin/bare {ratio:.2f}x (median of pair ratios {statistics.median(pair_ratios):.2f}x)",
    )
    _say(out, f"(orders per CPU second; this process got {cpu_total / max(wall_total, 1e-9):.0%} of a core meanwhile)")
    verdict = f"engine: twin/bare SimPy {ratio:.2f}x, target >= {ENGINE_TARGET}x (aim 1.0x): "
    verdict += _pass(ratio >= ENGINE_TARGET)
    _say(out, "target: " + verdict)
    return [verdict]


# ---------------------------------------------------------------------------------------------
# dispatch
# ---------------------------------------------------------------------------------------------

_NOW = 100.0


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


def time_side_by_side(
    variants: dict[str, Callable[[Any], object]], inputs: Sequence[Any], repeats: int, min_seconds: float
) -> dict[str, float]:
    """Median seconds per call of each variant, timed in turn within every repeat (A B C A B C ...)."""
    counts = {name: _calibrate(call, inputs, min_seconds) for name, call in variants.items()}
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, call in variants.items():
            samples[name].append(_seconds_per_call(call, inputs, counts[name]))
    return {name: statistics.median(values) for name, values in samples.items()}


def _assignment_variants(rule: str) -> dict[str, Callable[[Any], object]]:
    rng = np.random.default_rng(0)
    if rule == "random":
        return {"auto": lambda c: assignment.choose("random", _NOW, c, WEIGHTS, rng)}
    return {
        "loop": lambda c: assignment.choose_loop(rule, _NOW, c, WEIGHTS),
        "numpy": lambda c: assignment.choose_numpy(rule, _NOW, c, WEIGHTS),
        "auto": lambda c: assignment.choose(rule, _NOW, c, WEIGHTS),
    }


def _sequencing_variants(rule: str) -> dict[str, Callable[[Any], object]]:
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


def bench_dispatch(config: Settings, out: TextIO) -> list[str]:
    """Decisions per second of loop / numpy / automatic dispatch, and the measured crossovers."""
    repeats, min_s = config.dispatch_repeats, config.dispatch_min_seconds
    _say(
        out,
        f"decisions per second (median of {repeats} side-by-side repeats, each >= {min_s * 1e3:g} ms of calls "
        f"over 32 random candidate sets); numpy/loop = speed-up of numpy; auto/loop = the automatic "
        f"choice against the loop (it switches at NUMPY_FROM: assignment per rule "
        f"{assignment.NUMPY_FROM_BY_RULE}, sequencing {sequencing.NUMPY_FROM})",
    )
    head = f"{'decision':<28} {'n':>5} {'loop/s':>11} {'numpy/s':>11} {'auto/s':>11} "
    head += f"{'numpy/loop':>10} {'auto/loop':>9}"
    _say(out, head)
    _say(out, "-" * len(head))
    speedups_at_top: dict[str, float] = {}
    auto_at_small: dict[str, float] = {}
    top, small = max(config.dispatch_sizes), min(config.dispatch_sizes)
    cases: list[tuple[str, Callable[[str], dict[str, Callable[[Any], object]]], Callable[[int], list[Any]]]] = [
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
            _say(
                out,
                f"{label:<28} {size:>5} {_rate(loop):>11} {_rate(vectorised):>11} {_rate(auto):>11} "
                f"{_x(ratio):>10} {_x(auto_ratio):>9}",
            )
    _say(out, "")
    _say(out, f"crossover sweep (numpy faster than the loop from n = ..., over n in {list(config.crossover_sizes)}):")
    head = f"{'decision':<28} {'NUMPY_FROM':>10} {'measured':>9}   numpy/loop by n"
    _say(out, head)
    _say(out, "-" * len(head))
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
        _say(out, f"{label:<28} {current:>10} {_maybe(found):>9}   {by_n}")
    verdicts = []
    worst = min(speedups_at_top, key=speedups_at_top.__getitem__)
    ok = speedups_at_top[worst] >= NUMPY_TARGET
    verdicts.append(
        f"dispatch: numpy/loop at {top} candidates >= {NUMPY_TARGET:g}x for every rule "
        f"(lowest {worst}: {speedups_at_top[worst]:.1f}x): {_pass(ok)}"
    )
    slowest = min(auto_at_small, key=auto_at_small.__getitem__)
    ok = auto_at_small[slowest] >= AUTO_TOLERANCE
    verdicts.append(
        f"dispatch: auto at {small} candidates not slower than the loop (>= {AUTO_TOLERANCE}x its speed; "
        f"lowest {slowest}: {auto_at_small[slowest]:.2f}x): {_pass(ok)}"
    )
    assign = [v for k, v in crossovers.items() if k.startswith("assign") and v is not None]
    sequence = [v for k, v in crossovers.items() if k.startswith("sequence") and v is not None]
    verdicts.append(
        f"dispatch: measured crossover assignment n = {_span(assign)} "
        f"(NUMPY_FROM = {_span(list(assignment.NUMPY_FROM_BY_RULE.values()))} by rule), "
        f"dynamic sequencing n = {_span(sequence)} (NUMPY_FROM = {sequencing.NUMPY_FROM})"
    )
    for line in verdicts:
        _say(out, "target: " + line)
    return verdicts


# ---------------------------------------------------------------------------------------------
# large
# ---------------------------------------------------------------------------------------------


def bench_large(config: Settings, out: TextIO, scenario: Path = LARGE_NETWORK) -> list[str]:
    """The large network run in a child process (what ``twin-app run --no-db`` does): time and peak memory."""
    until = config.large_until
    command = [sys.executable, "-m", "twin_app.benchmarks.large_run", str(scenario)]
    if until is not None:
        command += ["--until", str(until)]
    what = f"to t = {until:g} min" if until is not None else "to its own horizon (all orders)"
    _say(out, f"{scenario.name} {what}, one replication in a subprocess, every event kept, KPIs at the end")
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
        _say(out, tail)
        _say(out, "target: " + verdict)
        return [verdict]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    rows = [
        ("status", f"{report['status']} at t = {report['sim_end']:,.0f} (horizon {report['horizon']})"),
        ("orders released / completed", f"{report['orders_released']:,} / {report['orders_completed']:,}"),
        ("events logged", f"{report['events']:,}"),
        ("load scenario", f"{report['load_s']:.1f} s"),
        ("simulate", f"{report['simulate_s']:.1f} s ({report['orders_completed'] / report['simulate_s']:,.0f} ord/s)"),
        ("KPIs", f"{report['kpis_s']:.1f} s"),
        ("child wall (in child)", f"{report['wall_s']:.1f} s"),
        ("wall incl. interpreter start", f"{wall:.1f} s"),
        ("child CPU time", f"{child_cpu:.1f} s (wall/CPU {wall / max(child_cpu, 1e-9):.2f}; > 1: waited for a core)"),
        ("peak memory (VmHWM)", f"{report['peak_rss_mib']:,.0f} MiB"),
        ("peak memory (RUSAGE_CHILDREN)", f"{children_mib:,.0f} MiB (max over all children so far)"),
        ("on-time rate", _maybe(report["kpi_on_time_rate"])),
        ("mean lead time", _maybe(report["kpi_lead_time_mean"])),
    ]
    for name, value in rows:
        _say(out, f"{name:<30} {value}")
    peak = float(report["peak_rss_mib"])
    complete = until is not None or report["orders_completed"] == report["orders_released"]
    verdict = (
        f"large: peak {peak:,.0f} MiB, target < {LARGE_TARGET_MIB:,.0f} MiB; "
        f"{report['orders_completed']:,} of {report['orders_released']:,} orders done in {wall:.0f} s: "
        f"{_pass(peak < LARGE_TARGET_MIB and complete)}"
    )
    _say(out, "target: " + verdict)
    return [verdict]


# ---------------------------------------------------------------------------------------------
# gui
# ---------------------------------------------------------------------------------------------


def bench_gui(config: Settings, out: TextIO) -> list[str]:
    """Gantt paint times and the longest event-loop stall of a live demo run (offscreen Qt)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from twin_app.gui.bench_gantt import format_rows, run_gantt_benchmark
    from twin_app.gui.bench_live import measure_stalls

    _say(
        out,
        f"Gantt 1600x900, median ms per frame over {config.gantt_repeats} frames "
        f"(platform {os.environ.get('QT_QPA_PLATFORM')}); live = append 500 bars + repaint at 100k bars",
    )
    rows = run_gantt_benchmark(sizes=config.gantt_sizes, repeats=config.gantt_repeats, live_size=100_000)
    _say(out, format_rows(rows))
    verdicts = []
    live = [r for r in rows if r["case"].startswith("live")]
    if live:
        worst = min(live, key=lambda r: r["fps"])
        verdicts.append(
            f"gui: live at {worst['bars']:,} bars {worst['fps']:.1f} fps ({worst['case']}), "
            f"target >= {GUI_LIVE_FPS:g} fps: {_pass(worst['fps'] >= GUI_LIVE_FPS)}"
        )
    million = [r for r in rows if r["case"] in ("full", "zoomed") and r["bars"] >= 900_000]
    if million:
        worst = min(million, key=lambda r: r["fps"])
        verdicts.append(
            f"gui: 1M bars {worst['fps']:.1f} fps ({worst['case']}), target >= {GUI_1M_FPS:g} fps: "
            f"{_pass(worst['fps'] >= GUI_1M_FPS)}"
        )
    _say(out, "")
    _say(out, f"live run of {DEMO_NETWORK.name} to t = {config.live_minutes:g} min, as fast as possible:")
    stalls = measure_stalls(DEMO_NETWORK, config.live_minutes)
    for key in ("state", "reached", "wall_seconds", "events", "events_per_second", "ticks", "max_gap_ms"):
        _say(out, f"{key:<20} {stalls[key]}")
    for key in ("p99_gap_ms", "mean_gap_ms", "stalls_over_100ms", "error"):
        _say(out, f"{key:<20} {stalls[key]}")
    ok = stalls["max_gap_ms"] <= GUI_STALL_MS and stalls["error"] is None
    verdicts.append(
        f"gui: longest event-loop stall {stalls['max_gap_ms']:.0f} ms ({stalls['stalls_over_100ms']} over 100 ms), "
        f"target <= {GUI_STALL_MS:g} ms: {_pass(ok)}"
    )
    for line in verdicts:
        _say(out, "target: " + line)
    return verdicts


# ---------------------------------------------------------------------------------------------
# formatting
# ---------------------------------------------------------------------------------------------


def _say(out: TextIO, line: str) -> None:
    print(line, file=out, flush=True)


def _pass(ok: bool) -> str:
    return "PASS" if ok else "BELOW"


def _rate(seconds: float | None) -> str:
    return "-" if seconds is None else f"{1.0 / seconds:,.0f}"


def _x(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}x"


def _maybe(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _span(values: Sequence[int]) -> str:
    if not values:
        return "none measured"
    return str(values[0]) if min(values) == max(values) else f"{min(values)}-{max(values)}"


def _load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"
