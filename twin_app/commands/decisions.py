"""``twin-app compare``, ``sweep`` and ``warmup``: the commands that answer comparative questions.

They call the same functions as the Python API (:func:`twin_app.compare`,
:func:`twin_app.sweep`) and the desktop app; this module only reads options and writes output.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from twin_app.commands import run_limits
from twin_app.errors import TwinError
from twin_app.io.csv_cells import safe_cell


def register(commands: argparse._SubParsersAction, number: Any, time: Any, seed: Any) -> None:
    """Add the commands to the CLI's subparsers; ``number``/``time``/``seed`` are its argument types."""
    compare = commands.add_parser(
        "compare",
        help="run scenarios with common random numbers and compare every KPI (paired 95%% CI)",
        description="Run every scenario for the same replications (common random numbers) and report each KPI's "
        "mean with its 95% CI, and the paired difference to the first scenario with its 95% CI.",
    )
    compare.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO", help="two or more scenario files")
    compare.add_argument("--replications", type=int, default=10, metavar="N", help="replications per scenario (10)")
    compare.add_argument("--seed", type=seed, help="random seed (default: the first scenario's run.seed)")
    compare.add_argument("--until", type=time, metavar="T", help="run length in minutes for every scenario")
    compare.add_argument("--warmup", type=number, metavar="T", help="warm-up in minutes for every scenario")
    compare.add_argument(
        "--precision",
        type=number,
        metavar="P",
        help="add replications until each chosen KPI's paired-difference CI half-width is within P%% of the "
        "baseline's mean (or --max-replications is reached)",
    )
    compare.add_argument(
        "--precision-kpis",
        metavar="KPI,...",
        help="KPIs for --precision (default: cost.per_unit,profit.total,lead_time.mean,on_time_rate)",
    )
    compare.add_argument("--max-replications", type=int, default=100, metavar="N", help="cap for --precision (100)")
    compare.add_argument("--all", action="store_true", help="show every KPI in the table, not only the headline ones")
    compare.add_argument(
        "--kpis",
        metavar="WHAT,...",
        help="show only these in the table: sections (service, money, cost_per_unit, owners, rules, rules_npv, "
        "logistics, flows), KPIs or path prefixes, e.g. --kpis money,owners,profit.by_rule.shapley "
        "(--json, --csv and --report keep every KPI)",
    )
    _common(compare)
    compare.set_defaults(handler=_compare)

    sweep = commands.add_parser(
        "sweep",
        help="run a design of scenario variants (factorial, points, Latin hypercube) from a spec file",
        description="Run every design point of SPEC for its replications; report KPIs with CIs, the best point with "
        "a paired test against the runner-up, and the Pareto front (see docs/experiments.md).",
    )
    sweep.add_argument("spec", type=Path, metavar="SPEC", help="sweep spec (JSON)")
    _common(sweep)
    sweep.set_defaults(handler=_sweep)

    warmup = commands.add_parser(
        "warmup",
        help="suggest a warm-up from the WIP curve (MSER-5 over Welch-averaged replications)",
    )
    warmup.add_argument("scenario", type=Path, metavar="SCENARIO")
    warmup.add_argument("--replications", type=int, default=5, metavar="N", help="replications to average (5)")
    warmup.add_argument("--seed", type=seed, help="random seed (default: run.seed)")
    warmup.add_argument("--until", type=time, metavar="T", help="run length in minutes (default: run.horizon)")
    warmup.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    warmup.add_argument("--plot", metavar="FILE.svg", help="also draw the WIP curve and the suggested warm-up")
    run_limits.add_options(warmup)
    warmup.set_defaults(handler=_warmup)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: one per core)")
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on Dask distributed: 'local' starts a LocalCluster, tcp://HOST:8786 uses a running scheduler",
    )
    parser.add_argument("--db", metavar="PATH", help="results database (default: in the user data folder)")
    parser.add_argument("--no-db", action="store_true", help="do not store the results")
    parser.add_argument("--resume", action="store_true", help="continue the same experiment that was stopped")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    parser.add_argument("--report", metavar="FILE.html", help="also write a self-contained HTML report")
    run_limits.add_options(parser)


def _outputs(args: argparse.Namespace) -> tuple[Path | None, Path | None, Path | None]:
    """The database, CSV and report paths, each checked before any work starts."""
    from twin_app.io.output_path import check_output_path

    database = None
    if not args.no_db:
        from twin_app.store.results_db import default_database_path

        database = default_database_path() if args.db is None else check_output_path(args.db, "--db", streams=False)
    csv = None if args.csv is None else check_output_path(args.csv, "--csv")
    report = None if args.report is None else check_output_path(args.report, "--report")
    if args.workers is not None and args.workers < 1:
        raise TwinError(f"--workers must be at least 1, got {args.workers}")
    return database, csv, report


def _progress(args: argparse.Namespace) -> bool:
    return not args.json and sys.stderr.isatty()


def _compare(args: argparse.Namespace) -> int:
    from twin_app.experiments.compare import compare
    from twin_app.experiments.kpi_paths import DEFAULT_PRECISION_KPIS

    if len(args.scenarios) < 2:
        raise TwinError("compare needs at least two scenario files")
    precision = None
    if args.precision is not None:
        if not 0 < args.precision < 100:
            raise TwinError(f"--precision is a percentage between 0 and 100, e.g. 5, got {args.precision:g}")
        precision = args.precision / 100.0
    kpis = tuple(k.strip() for k in args.precision_kpis.split(",") if k.strip()) if args.precision_kpis else None
    shown = _table_selectors(args)
    database, csv, report = _outputs(args)
    result = compare(
        args.scenarios,
        replications=args.replications,
        seed=args.seed,
        until=args.until,
        warmup=args.warmup,
        precision=precision,
        precision_kpis=kpis or DEFAULT_PRECISION_KPIS,
        max_replications=args.max_replications,
        workers=args.workers,
        dask=args.dask,
        database=database,
        resume=args.resume,
        progress=_progress(args),
        budget=run_limits.budget(args),
    )
    if kpis:
        unknown = [k for k in kpis if k not in {row.path for row in result.kpis}]
        if unknown:
            print(f"warning: --precision-kpis not found among the compared KPIs: {', '.join(unknown)}", file=sys.stderr)
    table = result.table([r.path for r in result.kpis]) if args.all else result.table(kpis=shown) if shown else None
    _emit(args, result, csv, report, table=table)
    return 0


def _table_selectors(args: argparse.Namespace) -> tuple[str, ...]:
    """The --kpis selectors, each checked against the first scenario's KPIs before anything runs."""
    if not args.kpis:
        return ()
    if args.all:
        raise TwinError("--kpis and --all both choose the table's rows: give one of them")
    selectors = tuple(k.strip() for k in args.kpis.split(",") if k.strip())
    from twin_app.experiments.kpi_paths import check_selectors, kpi_names
    from twin_app.io.scenario_file import load_scenario

    check_selectors(selectors, kpi_names(load_scenario(args.scenarios[0])))
    return selectors


def _sweep(args: argparse.Namespace) -> int:
    from twin_app.experiments.sweep import sweep

    database, csv, report = _outputs(args)
    result = sweep(
        args.spec,
        workers=args.workers,
        dask=args.dask,
        database=database,
        resume=args.resume,
        progress=_progress(args),
        budget=run_limits.budget(args),
    )
    _emit(args, result, csv, report)
    return 0


def _emit(
    args: argparse.Namespace, result: Any, csv: Path | None, report: Path | None, table: str | None = None
) -> None:
    from twin_app.io.output_path import write_output

    if args.json:
        print(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        print(table if table is not None else result.table())
    if csv is not None:
        write_output(csv, rows_to_csv(result.rows()), "--csv")
        print(f"Table written to {csv}", file=sys.stderr)
    if report is not None:
        from twin_app.experiments.html_report import render_report

        write_output(report, render_report(result), "--report")
        print(f"Report written to {report}", file=sys.stderr)


def rows_to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV text of flat rows (the union of their columns, in first-seen order); cells that a
    spreadsheet would run as a formula are quoted by io.csv_cells."""
    import csv
    import io

    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return repr(value)
    if isinstance(value, dict | list):  # a factor level such as a departure policy
        return safe_cell(json.dumps(value, separators=(",", ":")))
    return safe_cell(str(value))


def _warmup(args: argparse.Namespace) -> int:
    from twin_app.experiments.warmup import suggest_warmup
    from twin_app.io.output_path import check_output_path, write_output

    plot = None if args.plot is None else check_output_path(args.plot, "--plot")
    suggestion = suggest_warmup(
        args.scenario,
        replications=args.replications,
        seed=args.seed,
        until=args.until,
        workers=args.workers,
        budget=run_limits.budget(args),
    )
    print(suggestion.text())
    if plot is not None:
        from twin_app.experiments.charts import warmup_chart

        write_output(plot, warmup_chart(suggestion), "--plot")
        print(f"WIP curve written to {plot}", file=sys.stderr)
    for label, message in suggestion.stopped:
        print(f"{label} {message}. It is left out of the curve.", file=sys.stderr)
    return run_limits.EXIT_LIMIT if suggestion.stopped else 0
