"""How smooth the GUI stays while a simulation runs live: the event-loop stall probe.

:func:`measure_stalls` runs a scenario in the real main window with the simulation as fast as
possible (or at a pace), switching views every few seconds as a user would, while a 10 ms
QTimer records when the event loop got to run it. The longest gap between two ticks is the
worst freeze a user would feel; the p99 gap says how often. It also reports how long each view
switch took (from the click to the end of the repaint), the resident memory before the run,
at its end and after Reset, and the wall time against the same simulation run headless (no
window, no views) to the same simulated time. ``twin-app bench gui`` prints the results; the
platform is offscreen unless ``QT_QPA_PLATFORM`` says otherwise (run it under Xvfb with
``QT_QPA_PLATFORM=xcb`` for a real X11 display).
"""

from __future__ import annotations

import collections
import gc
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from twin_app.io.scenario_file import load_scenario

TICK_MS = 10


def resident_mb() -> float:
    """Resident memory of this process in MB (Linux; 0 where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class StackSampler(threading.Thread):
    """Samples where the GUI thread is every few ms, so a stall can be blamed on code.

    After the run, :meth:`blame` adds up, over the samples taken inside event-loop gaps longer
    than a limit, the innermost frame of this project's code on the GUI thread's stack: the
    functions that held the window.
    """

    def __init__(self, interval: float = 0.005) -> None:
        super().__init__(name="stall-sampler", daemon=True)
        self._target_id = threading.main_thread().ident
        self._interval = interval
        self._halt = threading.Event()
        self.samples: list[tuple[float, str]] = []
        self.clocks: list[tuple[float, float, float]] = []
        """(wall, GUI thread CPU, whole process CPU) seconds at each sample, to tell a gap in which
        the GUI thread worked (painting) from one in which it waited (the lock, or the CPU)."""
        self._gui_clock = _thread_clock(self._target_id)

    def run(self) -> None:
        while not self._halt.wait(self._interval):
            frame = sys._current_frames().get(self._target_id)
            now = time.perf_counter()
            if frame is not None:
                self.samples.append((now, _where(frame)))
            gui = time.clock_gettime(self._gui_clock) if self._gui_clock is not None else 0.0
            self.clocks.append((now, gui, time.process_time()))

    def cpu_in_gaps(self, ticks: np.ndarray, limit_ms: float = 100.0) -> dict[str, float] | None:
        """CPU time of the GUI thread and of the window's other threads during the gaps over
        ``limit_ms``, as shares of the gap time: a GUI share near 1 is work on the GUI thread
        (C++ painting included); near 0 with the others high is the GUI thread waiting for the
        interpreter lock; both low is the process off the CPU (the machine busy elsewhere)."""
        gaps = np.flatnonzero(np.diff(ticks) * 1000.0 > limit_ms)
        if len(gaps) == 0 or len(self.clocks) < 2 or self._gui_clock is None:
            return None
        clocks = np.array(self.clocks)
        total = gui = other = 0.0
        for g in gaps:
            a, b = ticks[g], ticks[g + 1]
            at = np.interp([a, b], clocks[:, 0], clocks[:, 1]), np.interp([a, b], clocks[:, 0], clocks[:, 2])
            total += b - a
            gui += at[0][1] - at[0][0]
            other += (at[1][1] - at[1][0]) - (at[0][1] - at[0][0])
        return {"gui_thread": round(float(gui / total), 2), "other_threads": round(float(other / total), 2)}

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=1.0)

    def coverage(self, ticks: np.ndarray, limit_ms: float = 100.0) -> float | None:
        """Share of the time in gaps over ``limit_ms`` that the sampler got to sample: well
        under 1 means this process was off the CPU (the machine busy elsewhere) during them."""
        gaps = np.flatnonzero(np.diff(ticks) * 1000.0 > limit_ms)
        total = float(np.sum(ticks[gaps + 1] - ticks[gaps]))
        if total <= 0 or not self.samples:
            return None
        times = np.array([t for t, _ in self.samples])
        taken = sum(int(b - a) for a, b in (np.searchsorted(times, [ticks[g], ticks[g + 1]]) for g in gaps))
        return round(min(1.0, taken * self._interval / total), 2)

    def blame(
        self, ticks: np.ndarray, limit_ms: float = 100.0, top: int = 6, in_gaps: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """(where, ms) of the GUI thread's code during the gaps over ``limit_ms``, most first
        (only the gaps ``in_gaps`` says, a mask over the gaps, when given)."""
        over = np.diff(ticks) * 1000.0 > limit_ms
        gaps = np.flatnonzero(over if in_gaps is None else over & in_gaps)
        if len(gaps) == 0 or not self.samples:
            return []
        times = np.array([t for t, _ in self.samples])
        spent: collections.Counter[str] = collections.Counter()
        for g in gaps:
            a, b = np.searchsorted(times, [ticks[g], ticks[g + 1]])
            for i in range(a, b):
                spent[self.samples[i][1]] += self._interval * 1000.0
        return [(where, round(ms)) for where, ms in spent.most_common(top)]


def process_cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system) of process ``pid`` so far (Linux; None where unknown)."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _children_cpu(window: Any) -> dict[str, float | None]:
    """CPU seconds so far of the run's child processes: the simulation and each analysis lane."""
    session = window.session
    out = {"simulation": process_cpu_seconds(session.runner.pid if session.runner is not None else None)}
    for lane in session.analyses.lanes:
        out[f"analysis_{lane.name}"] = process_cpu_seconds(lane.process.pid)
    return out


def _thread_clock(ident: int | None) -> int | None:
    """The CPU-time clock of thread ``ident`` (None where the platform has none)."""
    try:
        return time.pthread_getcpuclockid(ident) if ident is not None else None
    except (AttributeError, OSError):
        return None


def _where(frame: Any) -> str:
    """The innermost frame of the project's code (module:function:line), else the innermost."""
    innermost = frame
    while frame is not None:
        name = frame.f_code.co_filename
        if "twin_app" in name and not any(part in name for part in ("bench_live", "benchmarks", "cli.py")):
            return f"{Path(name).stem}:{frame.f_code.co_name}:{frame.f_lineno}"
        frame = frame.f_back
    return f"{Path(innermost.f_code.co_filename).stem}:{innermost.f_code.co_name}"


def view_of_gaps(ticks: np.ndarray, shown: list[tuple[float, str]]) -> list[str]:
    """The view shown when each gap between ``ticks`` ended (a switch's gap is the new view's);
    ``shown``: (since when, view) of each view switched to, in order."""
    if not shown:
        return ["?"] * max(len(ticks) - 1, 0)
    at = np.searchsorted(np.array([t for t, _ in shown]), ticks[1:], side="right") - 1
    return [shown[max(int(i), 0)][1] for i in at]


def worst_gaps(
    ticks: np.ndarray,
    views: list[str],
    sampler: StackSampler,
    actions: list[tuple[float, str]],
    top: int = 8,
) -> list[dict[str, Any]]:
    """The ``top`` longest event-loop gaps, longest first: how long, when (s after Run), the
    view shown, what the bench did in it or just before (a switch or a resize: ``actions``, as
    (time, name)) and where the GUI thread's code was (the sampler's blame of that gap alone)."""
    gaps = np.diff(ticks) * 1000.0
    out = []
    for g in np.argsort(gaps)[::-1][:top]:
        a, b = float(ticks[g]), float(ticks[g + 1])
        did = [name for at, name in actions if a - 0.05 <= at <= b]
        mask = np.zeros(len(gaps), dtype=bool)
        mask[g] = True
        out.append(
            {
                "ms": round(float(gaps[g])),
                "at_s": round(a - float(ticks[0]), 1),
                "view": views[g] if g < len(views) else "?",
                "did": did,
                "spent_in": sampler.blame(ticks, limit_ms=0.0, top=3, in_gaps=mask),
            }
        )
    return out


def stall_ms_by_view(ticks: np.ndarray, views: list[str], limit_ms: float = 100.0) -> dict[str, int]:
    """Milliseconds of event-loop gaps over ``limit_ms`` per view shown (``views``: each gap's), most first."""
    gaps = np.diff(ticks) * 1000.0
    spent: collections.Counter[str] = collections.Counter()
    for g in np.flatnonzero(gaps > limit_ms):
        spent[views[g]] += float(gaps[g])
    return {view: round(ms) for view, ms in spent.most_common()}


def headless_seconds(scenario_path: Path, sim_minutes: float, *, store: bool = True) -> tuple[float, float, float]:
    """Wall time of the same simulation without a window: the engine, an event collector and,
    with ``store``, the run stored in a scratch results database, as ``twin-app run`` stores it
    by default and as the window's run is stored (like with like); and then of its KPIs, as
    ``twin-app run`` computes them (the money forked onto the other core where it can); and the
    simulation's CPU time (to set beside the window's simulation process, which the machine's
    load affects less than wall times)."""
    from twin_app.analysis.collector import EventCollector
    from twin_app.analysis.kpis import compute_kpis
    from twin_app.experiments.live_record import LiveRecord
    from twin_app.model.layout import Layout
    from twin_app.sim.engine import Simulation

    scenario = load_scenario(scenario_path)
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as scratch:
        observers: list[Any] = [EventCollector()]
        if store:
            observers.append(LiveRecord(Path(scratch) / "results.sqlite", scenario).writer)
        began, cpu = time.perf_counter(), time.process_time()
        simulation = Simulation(scenario, observers=observers)
        simulation.advance(sim_minutes)
        seconds = time.perf_counter() - began  # the window's run is timed to its pause, too
        cpu = time.process_time() - cpu
        simulation.finish("stopped")  # the writer closes its database
        began = time.perf_counter()
        collector = observers[0]
        start = scenario.run.warmup if collector.now > scenario.run.warmup else 0.0
        compute_kpis(collector.result(scenario, Layout.build(scenario), start=start), fork=True)
        return seconds, time.perf_counter() - began, cpu


def measure_stalls(
    scenario_path: Path,
    sim_minutes: float,
    *,
    fastest: bool = True,
    speed: float = 1440.0,
    timeout: float = 900.0,
    switch_seconds: float | None = 3.0,
    headless: bool = False,
    ticks_out: list[float] | None = None,
    interact: bool = True,
) -> dict[str, Any]:
    """Run ``scenario_path`` live to ``sim_minutes`` and report gaps, switches, memory (ms, MB).

    ``ticks_out`` receives the probe's tick times (``time.perf_counter``, CLOCK_MONOTONIC on
    Linux) so that a profiler's samples, e.g. ``perf record -k CLOCK_MONOTONIC``, can be
    matched to the gaps."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer

    from twin_app.experiments.memory import freeze_long_lived, return_big_blocks
    from twin_app.experiments.session import RunSession
    from twin_app.gui.app import application
    from twin_app.gui.main_window import VIEW_NAMES, MainWindow
    from twin_app.gui.settings import AppSettings

    app = application()
    ticks: list[float] = ticks_out if ticks_out is not None else []
    switches: list[float] = []
    switch_to: list[str] = []
    shown: list[tuple[float, str]] = []  # (since when, view) to blame gaps on the view shown
    actions: list[tuple[float, str]] = []  # (when, what) the bench did: switches and resizes
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as scratch:
        settings = AppSettings(Path(scratch) / "settings.ini")
        settings.results_db = Path(scratch) / "results.sqlite"  # stored as a user's run is, not in their history
        return_big_blocks()  # as the app does
        window = MainWindow(settings, session=RunSession(prestart=True))
        freeze_long_lived()  # as the app does
        try:
            window.resize(1600, 1000)
            window.show()
            opening = measure_interactions(
                window,
                app,
                [(f"open {Path(scenario_path).name}", lambda: window.open_scenario(Path(scenario_path), ask=False))],
                settle=1.0,
            )  # as File > Open does it, with the probe running
            window.session.wait_ready()  # a user presses Run after the process is ready: time the run
            window.set_speed(speed, fastest)
            settled = time.perf_counter() + 10.0  # the window has made its late views (Compare, Sweep)
            while not (window.compare_view.built and window.sweep_view.built) and time.perf_counter() < settled:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if interact:
                # What the bench does after the run (the History dock, presentation mode, the
                # Compare and Sweep tabs, a resize) shows them for the first time then, and a
                # first show is a one-time cost (its widgets, fonts, caches): done once here, so
                # that memory after Reset is measured against a window that has shown them, as
                # a user's second run is (the trial: +17% after the first run, +6% the second).
                measure_interactions(window, app, interactions(window, app), settle=0.3)
                window.show_view("map")
                gc.collect()
            for _ in range(10):
                app.processEvents()
            memory_before = resident_mb()
            loop = QEventLoop()
            probe = QTimer()
            probe.setInterval(TICK_MS)
            intervals: list[int] = []  # the session bridge's poll interval at each tick (it adapts)

            def tick() -> None:
                ticks.append(time.perf_counter())
                intervals.append(window.bridge.interval_ms)

            probe.timeout.connect(tick)

            def switch() -> None:
                began = time.perf_counter()
                index = (window.tabs.currentIndex() + 1) % window.tabs.count()
                shown.append((began, window.tabs.tabText(index)))
                actions.append((began, f"switch to {window.tabs.tabText(index)}"))
                window.tabs.setCurrentIndex(index)
                window.repaint()
                switches.append((time.perf_counter() - began) * 1000.0)
                switch_to.append(window.tabs.tabText(index))

            resizes: list[float] = []

            def resize() -> None:  # halfway between two switches: a user drags the window's edge
                began = time.perf_counter()
                actions.append((began, "resize"))
                window.resize(*((1400, 900) if len(resizes) % 2 == 0 else (1600, 1000)))
                window.repaint()
                resizes.append((time.perf_counter() - began) * 1000.0)

            switcher, resizer = QTimer(), QTimer()
            if switch_seconds:
                switcher.setInterval(int(switch_seconds * 1000))
                switcher.timeout.connect(switch)
                resizer.setInterval(int(switch_seconds * 1000))
                resizer.timeout.connect(resize)
            deadline = QTimer()
            deadline.setSingleShot(True)
            deadline.timeout.connect(loop.quit)

            def on_state(state: str) -> None:
                if state in ("paused", "finished", "failed"):
                    loop.quit()

            window.state_changed.connect(on_state)
            sampler = StackSampler()
            sampler.start()
            began = time.perf_counter()
            cpu_began, gui_cpu_began = time.process_time(), time.thread_time()
            shown.append((began, window.tabs.tabText(window.tabs.currentIndex())))
            ticks.append(began)  # a stall before the first tick counts too
            probe.start()
            if switch_seconds:
                switcher.start()
                QTimer.singleShot(int(switch_seconds * 500), resizer.start)
            deadline.start(int(timeout * 1000))
            window.run(pause_at=sim_minutes)
            children_began = _children_cpu(window)
            loop.exec()
            wall = time.perf_counter() - began
            cpu, gui_cpu = time.process_time() - cpu_began, time.thread_time() - gui_cpu_began
            children = {
                name: round(at - children_began[name], 2)
                if at is not None and children_began[name] is not None
                else None
                for name, at in _children_cpu(window).items()
            }
            switcher.stop()
            resizer.stop()
            # The final figures are part of the experience: the KPI tab is shown (what a user
            # looks at when a run ends), and the probe goes on until its final figures are drawn.
            settle = time.perf_counter()
            actions.append((settle, "run over: KPIs shown"))
            window.tabs.setCurrentIndex(VIEW_NAMES.index("kpis"))  # as Ctrl+5 does
            wait_for(lambda: not window.session.analysing(window.current_view().needs), 120.0)
            final_figures = time.perf_counter() - settle
            probe.stop()
            ticks.append(time.perf_counter())
            sampler.stop()
            # What the tester did by hand once the run had paused, each with its own probe.
            after_run = measure_interactions(window, app, interactions(window, app)) if interact else {}
            memory_end = resident_mb()
            state, now, events = window.state, window.now, window.events_ingested
            error = window.last_error
            window.stop()  # a run still going would make Reset ask "discard?" in a modal dialog
            deadline = time.perf_counter() + 30
            while window.session.unfinished and time.perf_counter() < deadline:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            reset_began = time.perf_counter()
            window.reset(ask=False)
            window.repaint()
            reset_ms = (time.perf_counter() - reset_began) * 1000.0
            settled = time.perf_counter() + 10.0  # the hidden views cleared, the memory given back
            while not window.late_runs.done and time.perf_counter() < settled:
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            for _ in range(10):
                app.processEvents()
            gc.collect()
            memory_reset = resident_mb()
        finally:
            window.session.discard()
            window.close()
            window.deleteLater()
            app.processEvents()
            gc.unfreeze()  # a caller in the same process (the tests) gets its collector back
    gaps = np.diff(np.array(ticks)) * 1000.0 if len(ticks) > 1 else np.zeros(1)
    gap_views = view_of_gaps(np.array(ticks), shown)
    report: dict[str, Any] = {
        "scenario": Path(scenario_path).name,
        "platform": os.environ.get("QT_QPA_PLATFORM"),
        "sim_minutes": float(sim_minutes),
        "reached": float(now),
        "state": state,
        "error": error[0] if error else None,
        "wall_seconds": round(wall, 2),
        "events": int(events),
        "events_per_second": round(events / wall, 1) if wall > 0 else 0.0,
        "ticks": len(ticks),
        "max_gap_ms": round(float(gaps.max()), 1),
        "p99_gap_ms": round(float(np.percentile(gaps, 99)), 1),
        "mean_gap_ms": round(float(gaps.mean()), 2),
        "stalls_over_100ms": int((gaps > 100).sum()),
        "switches": len(switches),
        "switch_median_ms": round(float(np.median(switches)), 1) if switches else None,
        "switch_max_ms": round(float(np.max(switches)), 1) if switches else None,
        "switch_max_ms_by_view": {
            view: round(max(ms for ms, to in zip(switches, switch_to, strict=True) if to == view), 1)
            for view in dict.fromkeys(switch_to)
        },
        "memory_before_mb": round(memory_before),
        "memory_end_mb": round(memory_end),
        "memory_after_reset_mb": round(memory_reset),
        "reset_ms": round(reset_ms, 1),
        "resize_median_ms": round(float(np.median(resizes)), 1) if resizes else None,
        "resize_max_ms": round(float(np.max(resizes)), 1) if resizes else None,
        "final_kpis_seconds": round(final_figures, 2),
        "gui_thread_cpu_seconds": round(gui_cpu, 2),
        "window_process_cpu_seconds": round(cpu, 2),
        "children_cpu_seconds": children,
        "poll_interval_ms": {
            "median": int(np.median(intervals)) if intervals else None,
            "max": max(intervals, default=None),
        },
        "stall_ms_by_view": stall_ms_by_view(np.array(ticks), gap_views),
        "stall_sampled_share": sampler.coverage(np.array(ticks)),
        "stall_cpu_share": sampler.cpu_in_gaps(np.array(ticks)),
        "stalls_spent_in": sampler.blame(np.array(ticks)),
        "worst_gaps": worst_gaps(np.array(ticks), gap_views, sampler, actions),
        "interactions": {**opening, **after_run},
        "stalls_spent_in_by_view": {
            view: sampler.blame(np.array(ticks), top=4, in_gaps=np.array(gap_views) == view)
            for view in dict.fromkeys(gap_views)
        },
    }
    if headless:
        alone, kpis, alone_cpu = headless_seconds(
            Path(scenario_path), float(now) or sim_minutes
        )  # stored, as the window's run
        report["headless_seconds"] = round(alone, 2)
        report["headless_kpis_seconds"] = round(kpis, 2)
        report["headless_cpu_seconds"] = round(alone_cpu, 2)
        report["gui_vs_headless"] = round(wall / alone, 2) if alone > 0 else None
        # What the user sees: from Run to the final KPIs on screen, against `twin-app run` with its KPIs.
        report["gui_vs_headless_with_kpis"] = round((wall + final_figures) / (alone + kpis), 2) if alone > 0 else None
    return report


def _action_named(window: Any, shortcut: str) -> Any:
    """The window's action with ``shortcut`` (as a key press would trigger it)."""
    from PySide6.QtGui import QKeySequence

    wanted = QKeySequence(shortcut)
    for action in window.findChildren(type(window.controls.presentation)):
        if any(key == wanted for key in action.shortcuts()) and action.isEnabled():
            return action
    raise LookupError(f"no enabled action for {shortcut}")


def drag_resize(window: Any, to: tuple[int, int], steps: int = 12, frame_ms: int = 16) -> None:
    """Drag the window's corner to ``to`` in ``steps``, one step a frame, as a window manager
    sends a user's drag (each step a resize event the event loop handles before the next)."""
    from PySide6.QtCore import QEventLoop, QTimer

    w0, h0 = window.width(), window.height()
    for i in range(1, steps + 1):
        window.resize(round(w0 + (to[0] - w0) * i / steps), round(h0 + (to[1] - h0) * i / steps))
        frame = QEventLoop()  # (idle between steps, as the app is: not a loop of processEvents calls)
        QTimer.singleShot(frame_ms, frame.quit)
        frame.exec()


def wait_for(done: Any, timeout: float, poll_ms: int = 10) -> None:
    """Run the event loop until ``done()`` or ``timeout`` seconds, idle in between as the app's
    own loop is. A loop of ``processEvents`` calls returns at once when no event is waiting: it
    kept the GUI thread at 100 % of a core, against the analysis processes working out the final
    figures on the two cores, and the bench measured the longest gaps of a run's end in it."""
    from PySide6.QtCore import QEventLoop, QTimer

    if done():
        return
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout
    timer = QTimer()
    timer.setInterval(poll_ms)
    timer.timeout.connect(lambda: loop.quit() if done() or time.perf_counter() > deadline else None)
    timer.start()
    loop.exec()
    timer.stop()


def interactions(window: Any, app: Any) -> list[tuple[str, Any]]:
    """What the independent tester did by hand after a run, as (name, action): the first
    History dock (Ctrl+H), the KPI tab (Ctrl+5) and back to the map, presentation mode in (F5)
    and out (Esc), a resize drag, the KPI tab idle."""

    def key(shortcut: str) -> Any:
        return lambda: _action_named(window, shortcut).trigger()

    return [
        ("Ctrl+H (first History)", key("Ctrl+H")),
        ("Ctrl+H (hide History)", key("Ctrl+H")),
        ("Ctrl+1 (map)", key("Ctrl+1")),
        ("Ctrl+5 (KPIs)", key("Ctrl+5")),
        ("KPIs idle", lambda: None),
        ("Ctrl+6 (Compare)", key("Ctrl+6")),
        ("Ctrl+7 (Sweep)", key("Ctrl+7")),
        ("Ctrl+5 (KPIs again)", key("Ctrl+5")),
        ("F5 (presentation in)", key("F5")),
        ("Esc (presentation out)", key("Esc")),
        ("resize drag 1600x1000 -> 1300x850", lambda: drag_resize(window, (1300, 850))),
        ("resize drag back", lambda: drag_resize(window, (1600, 1000))),
    ]


def measure_interactions(
    window: Any, app: Any, actions: list[tuple[str, Any]], settle: float = 1.5
) -> dict[str, dict[str, Any]]:
    """Each of ``actions`` fired from the event loop (as a key press is) with the 10 ms probe
    running, then ``settle`` seconds for what it set off: the longest gap in that time, the GUI
    thread's CPU time in it (what the load of the machine moves less), and where the GUI thread
    was in its gaps over 50 ms."""
    from PySide6.QtCore import QEventLoop, QTimer

    out: dict[str, dict[str, Any]] = {}
    sampler = StackSampler()
    sampler.start()
    try:
        for name, action in actions:
            ticks: list[float] = []
            probe = QTimer()
            probe.setInterval(TICK_MS)
            probe.timeout.connect(lambda at=ticks: at.append(time.perf_counter()))
            loop = QEventLoop()
            ticks.append(time.perf_counter())
            cpu = time.thread_time()
            probe.start()
            QTimer.singleShot(0, action)
            QTimer.singleShot(int(settle * 1000), loop.quit)
            loop.exec()
            probe.stop()
            cpu = time.thread_time() - cpu
            ticks.append(time.perf_counter())
            array = np.array(ticks)
            gaps = np.diff(array) * 1000.0
            out[name] = {
                "max_gap_ms": round(float(gaps.max()), 1),
                "over_50ms": int((gaps > 50).sum()),
                "gui_cpu_ms": round(cpu * 1000.0),  # the GUI thread's CPU in the whole settle time
                "spent_in": sampler.blame(array, limit_ms=50.0, top=3),
            }
    finally:
        sampler.stop()
    return out
