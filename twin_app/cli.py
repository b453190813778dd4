"""The ``twin-app`` command: headless work, and the entry to the desktop app.

Every expected failure (a bad scenario file, an unwritable database...) is a TwinError that
is printed as a message with exit code 2; a traceback never reaches the user for bad input.
The GUI package is imported only by the commands that need it.
"""

from __future__ import annotations

import argparse
import math
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from twin_app import __version__
from twin_app.commands import decisions, history, run_limits
from twin_app.dispatch import assignment, sequencing
from twin_app.errors import ScenarioError, TwinError
from twin_app.model import limits

if TYPE_CHECKING:
    from twin_app.experiments.runner import Replication
    from twin_app.model.scenario import Scenario

_SEQUENCING = sequencing.RULES.names()
_ASSIGNMENT = assignment.RULES.names()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command in ``argv`` and return the process exit code."""
    parser = _parser()
    words = sys.argv[1:] if argv is None else list(argv)
    if _is_bare_scenario(words, parser):  # twin-app FILE.json: the app on that file
        args = argparse.Namespace(scenario=Path(words[0]), handler=_default)
    else:
        args = parser.parse_args(argv)
    args.whole_process = argv is None  # the command line of this process: it ends when the command does
    command: Callable[[argparse.Namespace], int] = getattr(args, "handler", _default)
    terminated: list[int] = []
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: _terminate(terminated))
    try:
        return command(args)
    except TwinError as error:
        print(f"error: {_printable(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("terminated" if terminated else "interrupted", file=sys.stderr)
        return 143 if terminated else 130
    except BrokenPipeError:  # the reader stopped (twin-app history | head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _is_bare_scenario(words: list[str], parser: argparse.ArgumentParser) -> bool:
    """Whether ``words`` is one scenario file and nothing else (``twin-app FILE.json``): not an
    option or a command, and named ``.json`` or an existing file (a mistyped command stays an
    error that lists the commands)."""
    if len(words) != 1 or words[0].startswith("-"):
        return False
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    word = words[0]
    return word not in commands.choices and (word.lower().endswith(".json") or Path(word).is_file())


def _terminate(terminated: list[int]) -> None:
    """SIGTERM unwinds like Ctrl+C, so experiments record themselves as stopped (a run in
    progress handles it itself: see twin_app.experiments.signals)."""
    terminated.append(signal.SIGTERM)
    raise KeyboardInterrupt


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="twin-app",
        usage="%(prog)s [-h] [--version] [COMMAND ... | SCENARIO.json]",
        description="Cloud Factory Twin. Without a command: open the desktop app on the demo network "
        "(or, with no display, run the demo headless and print its KPIs). With a scenario file alone "
        "(twin-app FILE.json): the same, on that file.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = commands.add_parser("validate", help="check scenario files and summarise them")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _allow_outside_files_option(validate)
    validate.set_defaults(handler=_validate)

    importer = commands.add_parser("import", help="turn a benchmark instance into a scenario file")
    importer.add_argument("format", choices=["jssp", "fjsp"], help="OR-Library job shop or Brandimarte .fjs")
    importer.add_argument("file", type=Path, metavar="FILE")
    importer.add_argument(
        "-o", "--output", required=True, metavar="OUT.json", help="scenario file to write (missing folders are created)"
    )
    importer.set_defaults(handler=_import)

    run = commands.add_parser("run", help="simulate a scenario headless and print its KPIs")
    run.add_argument("scenario", type=Path, metavar="SCENARIO")
    run.add_argument("--seed", type=_seed_arg, help="random seed (default: the scenario's run.seed)")
    run.add_argument("--until", type=_time_arg, metavar="T", help="simulated time to stop at (default: run.horizon)")
    run.add_argument(
        "--warmup", type=_number_arg, metavar="T", help="warm-up in minutes, not measured (default: run.warmup)"
    )
    run.add_argument(
        "--replications",
        type=_replications_arg,
        metavar="N",
        help="independent replications (default: run.replications)",
    )
    _allow_outside_files_option(run)
    run.add_argument("--mode", choices=["push", "pull"], help="override the platform's dispatch mode")
    run.add_argument("--rule", metavar="RULE", help="override the sequencing rule (" + ", ".join(_SEQUENCING) + ")")
    run.add_argument(
        "--assignment", metavar="RULE", help="override the assignment rule (" + ", ".join(_ASSIGNMENT) + ")"
    )
    run.add_argument(
        "--db", metavar="PATH", help="results database (default: in the user data folder; missing folders are created)"
    )
    run.add_argument("--no-db", action="store_true", help="do not store the results")
    run.add_argument("--json", action="store_true", help="print one JSON object with the KPIs instead of a table")
    run.add_argument(
        "--report",
        metavar="FILE.html",
        help="also write the client report (HTML: every KPI with its 95%% CI, owners, curves; folders are created)",
    )
    run_limits.add_options(run)
    run.set_defaults(handler=_run)

    capture = commands.add_parser("capture", help="run a scenario offscreen and save a screenshot of the app")
    capture.add_argument("scenario", type=Path, metavar="SCENARIO")
    capture.add_argument("--until", type=_time_arg, required=True, metavar="T", help="simulated time to run to")
    _allow_outside_files_option(capture)
    capture.add_argument(
        "-o", "--output", required=True, metavar="OUT.png", help="PNG file to write (missing folders are created)"
    )
    capture.add_argument(
        "--view", default="window", choices=["window", "map", "gantt", "utilisation", "bottlenecks", "kpis"]
    )
    capture.set_defaults(handler=_capture)

    bench = commands.add_parser("bench", help="measure speed: medians and ratios, side by side in one run")
    bench.add_argument(
        "parts",
        nargs="*",
        choices=["engine", "dispatch", "large", "sweep", "gui", []],
        metavar="PART",
        help="engine, dispatch, large, sweep, gui (default: all)",
    )
    bench.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes (about 2 minutes)")
    bench.set_defaults(handler=_bench)

    decisions.register(commands, _number_arg, _time_arg, _seed_arg)
    history.register(commands)

    gui = commands.add_parser("gui", help="open the desktop app")
    gui.add_argument("scenario", nargs="?", type=Path, help="scenario to open (default: the demo)")
    gui.set_defaults(handler=_gui)
    return parser


def _default(args: argparse.Namespace) -> int:
    """No command: the desktop app on the demo, or on ``args.scenario`` (``twin-app FILE.json``);
    with no display, that scenario run headless with its KPIs printed."""
    from twin_app import samples  # here: finding the samples (importlib.resources) costs every other command

    scenario = getattr(args, "scenario", None)
    target = samples.DEFAULT_SAMPLE if scenario is None else scenario
    if _has_display():
        problem = _gui_problem()
        if problem is None:
            return _gui(argparse.Namespace(scenario=scenario))
        # The advice is all we print: a screen of headless KPIs after it would scroll it away.
        print(f"{problem}\nWithout a window: twin-app run {_printable(str(target))}", file=sys.stderr)
        return 1
    what = "the demo network" if scenario is None else _printable(str(scenario))
    print(f"No display found: running {what} headless (twin-app run --help for options).", file=sys.stderr)
    return main(["run", str(target)])


def _gui_problem() -> str | None:
    """Why the desktop app cannot start on this display, or None (see twin_app.gui.platform)."""
    from twin_app.gui.platform import x11_problem

    return x11_problem()


def _has_display() -> bool:
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _validate(args: argparse.Namespace) -> int:
    from twin_app.io.scenario_file import load_scenario

    failures = 0
    for path in args.files:
        try:
            scenario = load_scenario(path, allow_outside_files=args.allow_outside_files)
        except ScenarioError as error:
            failures += 1
            print(_printable(error.report()))
            continue
        print(
            f"{_printable(str(path))}: ok: {len(scenario.owners)} owners, {len(scenario.sites)} sites, "
            f"{len(scenario.machines)} machines, {len(scenario.lanes)} lanes, {len(scenario.products)} products"
        )
    return 0 if failures == 0 else 1


def _import(args: argparse.Namespace) -> int:
    from twin_app.io.importers import import_fjsp, import_jssp
    from twin_app.io.output_path import check_output_path
    from twin_app.io.scenario_file import save_scenario

    output = check_output_path(args.output, "-o")
    scenario = import_jssp(args.file) if args.format == "jssp" else import_fjsp(args.file)
    save_scenario(scenario, output, "-o")
    print(
        f"{args.output}: {len(scenario.machines)} machines, {len(scenario.demand.orders)} orders "
        f"({sum(len(p.routing) for p in scenario.products)} operations)"
    )
    return 0


def _run(args: argparse.Namespace) -> int:
    """``twin-app run``, collecting garbage less often for the whole command (its imports,
    reading the file, the runs and their KPIs), not only while a simulation steps: a command is
    one short process, and the collector's passes over the objects the imports made cost as
    much as the KPIs of a short run. The objects alive once the file is read (the modules, the
    scenario) are frozen out of the collector's passes for the rest of the command (see
    :func:`_run_command`) and given back to it at the end, for a caller in the same process.

    When the command is the whole process (``twin-app run`` on the command line), everything
    stays frozen to the end instead: the process is about to exit, and a collection then (the
    first one the restored thresholds start, and those of the interpreter's shutdown) would
    only walk the run's leftovers and the modules to free memory the exit frees anyway. That
    was ~0.25 s of CPU on the reference shop."""
    import gc

    from twin_app.sim.collection import fewer_collections

    with fewer_collections():
        try:
            return _run_command(args)
        finally:
            if getattr(args, "whole_process", False):
                gc.freeze()  # also empties the young generation: no pass when the thresholds are restored
            else:
                gc.unfreeze()


def _run_command(args: argparse.Namespace) -> int:
    import dataclasses
    import gc
    import json

    from twin_app.experiments.runner import run_replications, summarise
    from twin_app.io.scenario_file import load_scenario

    overrides = {k: v for k, v in (("horizon", args.until), ("warmup", args.warmup)) if v is not None}
    try:  # validated as the run actually made: warm-up and workload against the --until horizon
        scenario = load_scenario(args.scenario, allow_outside_files=args.allow_outside_files, run=overrides)
    except ScenarioError as error:
        if not overrides:
            raise
        flags = " ".join(f"--{'until' if k == 'horizon' else k} {v:g}" for k, v in overrides.items())
        raise ScenarioError(f"{args.scenario} with {flags}", error.problems) from None
    # Everything alive now lives to the end of the command: the collector's passes while the
    # run steps need not walk it again (they were ~40% of the run's last-level cache misses).
    gc.freeze()
    platform = scenario.platform
    if args.rule is not None and args.rule not in _SEQUENCING:
        raise TwinError(f"--rule {args.rule!r} is not a sequencing rule; use one of {', '.join(_SEQUENCING)}")
    if args.assignment is not None and args.assignment not in _ASSIGNMENT:
        raise TwinError(
            f"--assignment {args.assignment!r} is not an assignment rule; use one of {', '.join(_ASSIGNMENT)}"
        )
    platform = dataclasses.replace(
        platform,
        mode=args.mode or platform.mode,
        sequencing=args.rule or platform.sequencing,
        assignment=args.assignment or platform.assignment,
    )
    scenario = scenario.with_changes(platform=platform)
    if (
        scenario.run.horizon is None
        and scenario.demand.streams
        and any(s.stop is None and s.max_orders is None for s in scenario.demand.streams)
    ):
        raise TwinError(f"{args.scenario}: the demand never ends and there is no horizon; pass --until T")
    replications = args.replications or scenario.run.replications
    if replications < 1:
        raise TwinError("--replications must be at least 1")
    report = None
    if args.report is not None:
        from twin_app.io.output_path import check_output_path

        report = check_output_path(args.report, "--report")  # a bad path fails before the run
    database = None
    if not args.no_db:
        from twin_app.io.output_path import check_output_path
        from twin_app.store.results_db import default_database_path

        database = default_database_path() if args.db is None else check_output_path(args.db, "--db", streams=False)
    from functools import partial

    from twin_app.analysis.kpis import FORK_MIN_EVENTS, compute_kpis

    results = run_replications(
        scenario,
        replications,
        seed=args.seed,
        database=database,
        progress=not args.json and sys.stderr.isatty(),
        curves=report is not None,
        budget=run_limits.budget(args),
        # one replication of a large run: its money KPIs on the second core (replications use
        # both already; a small log's fork costs more CPU than the wall time it saves)
        measure=compute_kpis if replications > 1 else partial(compute_kpis, fork=True, fork_min_events=FORK_MIN_EVENTS),
    )
    kpis = summarise(results)
    kpis["run_ids"] = [r.run_id for r in results]
    stopped = [r for r in results if r.signals]
    if args.json:
        print(json.dumps(_finite_or_null(kpis), indent=2, allow_nan=False))
    else:
        from twin_app.experiments.report import format_kpis

        title = (
            f"{scenario.name or args.scenario.stem}: {platform.mode} / {platform.assignment} / {platform.sequencing}"
        )
        if len(results) > 1:
            title += f", {len(results)} replications (mean ± 95% CI)"
        print(_printable(format_kpis(kpis, title)))
        if database is not None:
            print(f"\nStored as run {', '.join(kpis['run_ids'])} in {database}")
    if report is not None:
        _write_run_report(args, scenario, results, report)
    if stopped:
        from twin_app.experiments.signals import exit_code

        reached = ", ".join(f"{r.now:g}" for r in stopped)
        print(
            f"stopped by a signal at t = {reached}: the KPIs above are of the partial run, stored as 'stopped'",
            file=sys.stderr,
        )
        return exit_code(list(stopped[0].signals))
    several = len(results) > 1
    limited = [
        (f"replication {r.replication + 1} of {len(results)}" if several else "the run", _printable(r.message))
        for r in results
    ]
    return run_limits.report(limited, stored=database is not None)


def _write_run_report(args: argparse.Namespace, scenario: Scenario, results: list[Replication], report: Path) -> None:
    """The HTML report of the replications just run (the compare report's template, one scenario)."""
    import shlex

    from twin_app.experiments.html_report import render_report
    from twin_app.experiments.run_report import replications_result
    from twin_app.io.output_path import write_output

    command = ["twin-app", "run", str(args.scenario), "--replications", str(len(results))]
    command += ["--seed", str(results[0].seed)]
    for option, value in (
        ("--until", args.until),
        ("--warmup", args.warmup),
        ("--mode", args.mode),
        ("--rule", args.rule),
    ):
        command += [] if value is None else [option, f"{value:g}" if isinstance(value, float) else str(value)]
    command += [] if args.assignment is None else ["--assignment", args.assignment]
    result = replications_result(
        scenario,
        results,
        name=scenario.name or args.scenario.stem,
        source=str(args.scenario),
        ran_on="this process" if len(results) == 1 else "local processes",
        command=shlex.join([*command, "--report", str(args.report)]),
    )
    write_output(report, render_report(result), "--report")
    print(f"Report written to {report}", file=sys.stderr)


def _capture(args: argparse.Namespace) -> int:
    if not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from twin_app.gui.capture import capture

    written = capture(args.scenario, args.until, args.output, args.view, allow_outside_files=args.allow_outside_files)
    print(written)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from twin_app.benchmarks.command import main as bench_main

    return bench_main(list(args.parts), quick=args.quick)


def _gui(args: argparse.Namespace) -> int:
    if not _has_display() and not os.environ.get("QT_QPA_PLATFORM"):
        raise TwinError(
            "no display found (DISPLAY and WAYLAND_DISPLAY are unset): the desktop app needs one; "
            "use twin-app run for a headless run, or twin-app capture for a screenshot"
        )
    problem = _gui_problem()
    if problem is not None:
        raise TwinError(problem)
    from twin_app.gui.app import run_app

    return run_app(args.scenario)


def _allow_outside_files_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-outside-files",
        action="store_true",
        help="let the scenario read an order book outside its own folder (off: a scenario from "
        "someone else cannot make the twin read other files)",
    )


def _number_arg(text: str, whole: bool = False) -> float:
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if whole else ''}number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _time_arg(text: str) -> float:
    """A simulated time for --until: finite, > 0 and at most MAX_TIME."""
    value = _number_arg(text)
    if not 0 < value <= limits.MAX_TIME:
        raise argparse.ArgumentTypeError(f"must be > 0 and at most {limits.MAX_TIME:g} (MAX_TIME), got {text}")
    return value


def _seed_arg(text: str) -> int:
    value = int(_number_arg(text, whole=True))
    if not 0 <= value <= limits.MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be from 0 to {limits.MAX_SEED} (MAX_SEED), got {text}")
    return value


def _replications_arg(text: str) -> int:
    value = int(_number_arg(text, whole=True))
    if not 1 <= value <= limits.MAX_REPLICATIONS:
        raise argparse.ArgumentTypeError(f"must be from 1 to {limits.MAX_REPLICATIONS} (MAX_REPLICATIONS), got {text}")
    return value


def _finite_or_null(value: object) -> object:
    """``value`` with every NaN or infinite float as None: JSON has no such numbers, and a
    KPI that overflowed is better shown as null than as an error."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite_or_null(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_null(item) for item in value]
    return value


_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(code) not in "\n\t"}
_CONTROL.update({code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def _printable(text: str) -> str:
    """``text`` with control characters (ANSI escapes, bidi overrides...) shown as escapes:
    names in a scenario file must not recolour or rewrite the user's terminal."""
    return text.translate(_CONTROL)


if __name__ == "__main__":
    raise SystemExit(main())
