"""``twin-app bench gui``: Gantt paint times and the longest event-loop stall of a live run.

The only part that imports Qt, and only when it runs (offscreen unless a platform is set).
"""

from __future__ import annotations

import os
from typing import TextIO

from twin_app.benchmarks.common import Settings, say, verdict_word
from twin_app.samples import DEFAULT_SAMPLE as DEMO_NETWORK

GUI_LIVE_FPS = 30.0
GUI_1M_FPS = 10.0
GUI_STALL_MS = 100.0


def bench(config: Settings, out: TextIO) -> list[str]:
    """Gantt paint times and the longest event-loop stall of a live demo run (offscreen Qt)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from twin_app.gui.bench_gantt import format_rows, run_gantt_benchmark
    from twin_app.gui.bench_live import measure_stalls

    say(
        out,
        f"Gantt 1600x900, median ms per frame over {config.gantt_repeats} frames "
        f"(platform {os.environ.get('QT_QPA_PLATFORM')}); live = append 500 bars + repaint at 100k bars",
    )
    rows = run_gantt_benchmark(sizes=config.gantt_sizes, repeats=config.gantt_repeats, live_size=100_000)
    say(out, format_rows(rows))
    verdicts = []
    live = [r for r in rows if r["case"].startswith("live")]
    if live:
        worst = min(live, key=lambda r: r["fps"])
        verdicts.append(
            f"gui: live at {worst['bars']:,} bars {worst['fps']:.1f} fps ({worst['case']}), "
            f"target >= {GUI_LIVE_FPS:g} fps: {verdict_word(worst['fps'] >= GUI_LIVE_FPS)}"
        )
    million = [r for r in rows if r["case"] in ("full", "zoomed") and r["bars"] >= 900_000]
    if million:
        worst = min(million, key=lambda r: r["fps"])
        verdicts.append(
            f"gui: 1M bars {worst['fps']:.1f} fps ({worst['case']}), target >= {GUI_1M_FPS:g} fps: "
            f"{verdict_word(worst['fps'] >= GUI_1M_FPS)}"
        )
    say(out, "")
    say(out, f"live run of {DEMO_NETWORK.name} to t = {config.live_minutes:g} min, as fast as possible:")
    stalls = measure_stalls(DEMO_NETWORK, config.live_minutes)
    for key in ("state", "reached", "wall_seconds", "events", "events_per_second", "ticks", "max_gap_ms"):
        say(out, f"{key:<20} {stalls[key]}")
    for key in ("p99_gap_ms", "mean_gap_ms", "stalls_over_100ms", "error"):
        say(out, f"{key:<20} {stalls[key]}")
    ok = stalls["max_gap_ms"] <= GUI_STALL_MS and stalls["error"] is None
    verdicts.append(
        f"gui: longest event-loop stall {stalls['max_gap_ms']:.0f} ms ({stalls['stalls_over_100ms']} over 100 ms), "
        f"target <= {GUI_STALL_MS:g} ms: {verdict_word(ok)}"
    )
    for line in verdicts:
        say(out, "target: " + line)
    return verdicts
