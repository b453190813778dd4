"""``twin-app bench`` runs end to end and prints its tables (tiny sizes; no timing assertions).

The numbers themselves are not checked: on a shared machine they measure the neighbours as
much as the code. What is checked is that each part runs, prints its table headers, a ratio
and a target verdict, and that the helpers compute what they say.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from twin_app.benchmarks import command, common, dispatch, large, reference_shop

RATIO = re.compile(r"\d+\.\d\dx")


def _run(parts: list[str], **options: object) -> tuple[int, str]:
    out = io.StringIO()
    code = command.main(parts, quick=True, out=out, **options)  # type: ignore[arg-type]
    return code, out.getvalue()


def test_engine_part_prints_both_rates_and_their_ratio() -> None:
    code, text = _run(["engine"], horizon=30.0)
    assert code == 0
    assert "== engine" in text
    for header in ("bare ord/s", "twin ord/s", "twin/bare", "events"):
        assert header in text
    assert re.search(r"ratio twin/bare \d+\.\d\dx", text)
    assert "whole processes: `twin-app run" in text
    assert re.search(r"median whole-process ratio twin/bare \d+\.\d\dx", text)
    assert re.search(
        r"target: engine: twin-app run / bare SimPy, whole processes \d+\.\d\dx, target >= 1\.0x "
        r"\(in-process \d+\.\d\dx\): (PASS|BELOW)",
        text,
    )
    assert "== dispatch" not in text


def test_dispatch_part_prints_rates_ratios_and_crossover() -> None:
    code, text = _run(["dispatch"], dispatch_sizes=(2, 10))
    assert code == 0
    for header in ("loop/s", "numpy/s", "auto/s", "numpy/loop", "auto/loop", "NUMPY_FROM", "measured"):
        assert header in text
    for decision in ("assign earliest_completion", "assign weighted", "assign random", "sequence cr", "sequence atc"):
        assert decision in text
    assert RATIO.search(text)
    assert re.search(r"target: dispatch: numpy/loop at 10 candidates .*: (PASS|BELOW)", text)
    assert re.search(r"target: dispatch: auto at 2 candidates .*: (PASS|BELOW)", text)
    assert "measured crossover" in text


def test_engine_and_dispatch_together_end_with_a_summary() -> None:
    code, text = _run(["dispatch", "engine"], horizon=20.0, dispatch_sizes=(2, 10))
    assert code == 0
    assert text.index("== engine") < text.index("== dispatch") < text.index("== summary")
    summary = text[text.index("== summary") :]
    assert summary.count("PASS") + summary.count("BELOW") >= 3
    assert "total" in summary


def test_unknown_part_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(["engines"])
    assert code == 2
    assert text == ""
    assert "unknown benchmark part 'engines'" in capsys.readouterr().err


def test_large_part_runs_the_scenario_in_a_child_and_reports_its_peak_memory(tiny_path: Path) -> None:
    config = common.settings(quick=True)
    out = io.StringIO()
    verdicts = large.bench(config, out, scenario=tiny_path)
    text = out.getvalue()
    assert "peak memory (VmHWM)" in text
    assert "orders released / completed" in text
    assert len(verdicts) == 1
    assert re.search(
        r"large: wall \d+ s \(CPU \d+ s\), target < 60 s; peak [\d,]+ MiB, target < 1,024 MiB; .*: (PASS|BELOW)",
        verdicts[0],
    )


def test_quick_settings_are_smaller_than_the_full_ones() -> None:
    quick, full = common.settings(quick=True), common.settings(quick=False)
    assert quick.engine_horizon < full.engine_horizon
    assert quick.large_until == 1440.0 and full.large_until is None
    assert max(full.gantt_sizes) == 1_000_000
    assert full.dispatch_sizes == (10, 100, 1000)
    small = common.settings(quick=False, horizon=5.0, dispatch_sizes=(3, 30))
    assert small.engine_horizon == 5.0
    assert small.dispatch_sizes == (3, 30)
    assert max(small.crossover_sizes) <= 30


def test_crossover_is_where_numpy_stays_faster() -> None:
    sizes = [4, 8, 16, 32, 64]
    loop = [1.0, 2.0, 4.0, 8.0, 16.0]
    assert dispatch.crossover(sizes, loop, [3.0, 3.0, 3.0, 3.0, 3.0]) == 16
    assert dispatch.crossover(sizes, loop, [0.5, 3.0, 3.0, 3.0, 3.0]) == 16  # a noisy win below does not count
    assert dispatch.crossover(sizes, loop, [9.0, 9.0, 9.0, 9.0, 17.0]) is None
    assert dispatch.crossover(sizes, loop, [0.1] * 5) == 4


def test_bare_simpy_reference_completes_orders_at_the_expected_rate() -> None:
    # 8 orders arrive per minute; over 200 minutes at utilisation 0.8 most of them finish.
    done = reference_shop.bare_simpy(200.0)
    assert 0.8 * 8 * 200 < done <= 8 * 200 * 1.2


def test_sweep_part_prints_both_rates_and_the_speed_up() -> None:
    import dataclasses

    from twin_app.benchmarks import sweep

    out = io.StringIO()
    config = dataclasses.replace(common.settings(True), sweep_tasks=2, sweep_until=1600.0, sweep_repeats=1)
    verdicts = sweep.bench(config, out)
    text = out.getvalue()
    assert "one process" in text and "tasks/s" in text
    assert re.search(r"speed-up \d+\.\d\dx with \d+ processes", text)
    assert re.match(r"sweep: \d+\.\d\dx tasks/s on \d+ processes \(target [\d.]+x\): (PASS|BELOW)", verdicts[0])
