"""``twin-app bench gui``: Gantt paint times, and live runs of the demo and the large network.

The only part that imports Qt, and only when it runs (offscreen unless a platform is set).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from twin_app.benchmarks.common import Settings, say, verdict_word
from twin_app.samples import DEFAULT_SAMPLE as DEMO_NETWORK
from twin_app.samples import LARGE_NETWORK

GUI_LIVE_FPS = 30.0
GUI_1M_FPS = 30.0
GUI_STALL_MS = 100.0
GUI_SWITCH_MS = 100.0
GUI_RUN_RATIO = 1.2
GUI_MEMORY_SLACK = 0.10
"""Targets of issue 12: stalls and view switches within 100 ms, a live run within 1.2x of the
headless one, memory after Reset within 10 % of before the run, 1M Gantt bars at 30 fps."""


def bench(config: Settings, out: TextIO) -> list[str]:
    """Gantt paint times, and live runs of the demo and the large network: stalls, view switches,
    memory after Reset and the run time against headless (offscreen Qt unless a platform is set)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from twin_app.gui.bench_gantt import format_rows, run_gantt_benchmark

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
    for path, minutes in ((DEMO_NETWORK, config.live_minutes), (LARGE_NETWORK, config.live_large_minutes)):
        verdicts += _live(path, minutes, out)
    for line in verdicts:
        say(out, "target: " + line)
    return verdicts


def _live(path: Path, minutes: float, out: TextIO) -> list[str]:
    """One live run flat out, switching views every 3 s: stalls, switches, memory, vs headless."""
    from twin_app.gui.bench_live import measure_stalls

    say(out, "")
    say(out, f"live run of {path.name} to t = {minutes:g} min, as fast as possible, switching views every 3 s:")
    stalls = measure_stalls(path, minutes, headless=True)
    for key, value in stalls.items():
        if key not in ("scenario", "interactions", "worst_gaps"):
            say(out, f"{key:<22} {value}")
    say(out, "longest gaps of the run: ms, s after Run, view shown, what the bench did, where the GUI thread was:")
    for gap in stalls["worst_gaps"]:
        did = ", ".join(gap["did"]) or "-"
        say(out, f"  {gap['ms']:5d} ms  {gap['at_s']:6.1f} s  {gap['view']:<14} {did:<24} {gap['spent_in']}")
    say(out, "what a user does by hand: longest event-loop gap in the 1-1.5 s after it, the GUI thread's CPU then:")
    for name, seen in stalls["interactions"].items():
        gap, cpu = seen["max_gap_ms"], seen["gui_cpu_ms"]
        say(out, f"  {name:<36} {gap:6.0f} ms (GUI thread CPU {cpu:4d} ms)  {seen['spent_in']}")
    name = path.stem
    ok = stalls["max_gap_ms"] <= GUI_STALL_MS and stalls["error"] is None
    verdicts = [
        f"gui {name}: longest event-loop stall {stalls['max_gap_ms']:.0f} ms, p99 {stalls['p99_gap_ms']:.0f} ms "
        f"({stalls['stalls_over_100ms']} over 100 ms), target <= {GUI_STALL_MS:g} ms: {verdict_word(ok)}"
    ]
    if stalls["interactions"]:
        worst = max(stalls["interactions"].items(), key=lambda item: item[1]["max_gap_ms"])
        ok = worst[1]["max_gap_ms"] <= GUI_STALL_MS
        verdicts.append(
            f"gui {name}: longest stall after a user's action {worst[1]['max_gap_ms']:.0f} ms ({worst[0]}), "
            f"target <= {GUI_STALL_MS:g} ms: {verdict_word(ok)}"
        )
    if stalls["switch_max_ms"] is not None:
        ok = stalls["switch_max_ms"] <= GUI_SWITCH_MS
        verdicts.append(
            f"gui {name}: view switch median {stalls['switch_median_ms']:.0f} ms, "
            f"max {stalls['switch_max_ms']:.0f} ms, target <= {GUI_SWITCH_MS:g} ms: {verdict_word(ok)}"
        )
    if stalls.get("gui_vs_headless") is not None:
        ratio = stalls["gui_vs_headless"]
        verdicts.append(
            f"gui {name}: flat-out run {ratio:.2f}x the headless run, target <= {GUI_RUN_RATIO:g}x: "
            f"{verdict_word(ratio <= GUI_RUN_RATIO)}"
        )
        ratio = stalls["gui_vs_headless_with_kpis"]
        verdicts.append(
            f"gui {name}: from Run to the final KPIs on screen {ratio:.2f}x the headless run with its KPIs "
            f"({stalls['wall_seconds'] + stalls['final_kpis_seconds']:.1f} / "
            f"{stalls['headless_seconds'] + stalls['headless_kpis_seconds']:.1f} s), target <= {GUI_RUN_RATIO:g}x: "
            f"{verdict_word(ratio <= GUI_RUN_RATIO)}"
        )
    before, after = stalls["memory_before_mb"], stalls["memory_after_reset_mb"]
    if before:
        ok = after <= before * (1 + GUI_MEMORY_SLACK)
        verdicts.append(
            f"gui {name}: memory {before} MB before the run, {stalls['memory_end_mb']} MB at its end, {after} MB "
            f"after Reset, target within {GUI_MEMORY_SLACK:.0%} of before: {verdict_word(ok)}"
        )
    return verdicts
