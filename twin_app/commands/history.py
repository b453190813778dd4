"""``twin-app history``, ``show``, ``export`` and ``delete``: the run history in the results database.

Every ``run`` is a row of its own; every ``compare`` and ``sweep`` is an experiment whose
task runs are rows linked to it. ``history`` lists both, ``show`` prints a run's KPIs or an
experiment's table again, ``export`` writes a run's events, orders, KPIs and per-owner P&L
(or an experiment's tables) as CSV files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from twin_app.errors import TwinError


def register(commands: argparse._SubParsersAction) -> None:
    """Add the commands to the CLI's subparsers."""
    history = commands.add_parser("history", help="list past runs, comparisons and sweeps")
    history.add_argument("--scenario", metavar="NAME", help="only runs of scenarios whose name contains NAME")
    history.add_argument("--limit", type=int, default=30, metavar="N", help="show the newest N of each (30)")
    _database(history)
    history.set_defaults(handler=_history)

    show = commands.add_parser("show", help="print a past run's KPIs, or a comparison's or sweep's table, again")
    show.add_argument("id", metavar="ID", help="a run id or an experiment id (see twin-app history)")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    _database(show)
    show.set_defaults(handler=_show)

    export = commands.add_parser("export", help="write a run's events, orders, KPIs and per-owner P&L as CSV")
    export.add_argument("id", metavar="ID", help="a run id or an experiment id")
    export.add_argument("--csv", required=True, metavar="DIR", help="folder to write the CSV files into (created)")
    _database(export)
    export.set_defaults(handler=_export)

    delete = commands.add_parser("delete", help="remove a past run, or a comparison or sweep with its task runs")
    delete.add_argument("ids", nargs="+", metavar="ID", help="run or experiment ids (see twin-app history)")
    _database(delete)
    delete.set_defaults(handler=_delete)


def _database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="results database (default: in the user data folder)")


def _path(args: argparse.Namespace) -> Path:
    from twin_app.store.results_db import default_database_path

    path = default_database_path() if args.db is None else Path(args.db)
    if not path.is_file():
        raise TwinError(f"{path}: no results database here yet; run a scenario first, or pass the file with --db")
    return path


def _history(args: argparse.Namespace) -> int:
    from twin_app.store.experiment_log import ExperimentLog
    from twin_app.store.results_db import ResultsStore

    path = _path(args)
    with ResultsStore(path) as store:
        runs = [r for r in store.list_runs() if not r.get("experiment_id")]
    with ExperimentLog(path) as log:
        experiments = log.experiments()
    if args.scenario:
        needle = args.scenario.lower()
        runs = [r for r in runs if needle in (r["scenario_name"] or "").lower()]
        experiments = [e for e in experiments if needle in (e["name"] or "").lower()]
    print(f"Results database {path}")
    print(f"\nRuns ({len(runs)}{', newest first' if runs else ''}):")
    for run in runs[: args.limit]:
        kpis = run.get("kpis") or {}
        done = kpis.get("orders_completed")
        print(
            f"  {run['id']}  {run['started_at'][:19].replace('T', ' ')}  {run['status']:<10} "
            f"{run['scenario_name'] or '-':<28} seed {run['seed']} rep {run['replication'] + 1}"
            + (f", {done} orders done" if done is not None else "")
        )
    print(f"\nComparisons and sweeps ({len(experiments)}):")
    for experiment in experiments[: args.limit]:
        print(
            f"  {experiment['id']}  {experiment['started_at'][:19].replace('T', ' ')}  {experiment['status']:<10} "
            f"{experiment['kind']:<7} {experiment['name']} ({experiment['tasks']} task runs)"
        )
    if len(runs) > args.limit or len(experiments) > args.limit:
        print(f"\n(only the newest {args.limit} of each; --limit N shows more)")
    return 0


def _experiment(path: Path, ident: str) -> dict[str, Any] | None:
    from twin_app.store.experiment_log import ExperimentLog

    with ExperimentLog(path) as log:
        if any(e["id"] == ident for e in log.experiments()):
            return log.load(ident)
    return None


def _result(experiment: dict[str, Any]) -> Any:
    summary = experiment.get("summary")
    if not summary:
        raise TwinError(
            f"experiment {experiment['id']} is {experiment['status']} and has no summary yet; "
            "run the same command again with --resume to finish it"
        )
    if experiment["kind"] == "compare":
        from twin_app.experiments.compare import CompareResult

        return CompareResult.from_dict(summary)
    from twin_app.experiments.sweep import SweepResult

    return SweepResult.from_dict(summary)


def _show(args: argparse.Namespace) -> int:
    from twin_app.experiments.report import format_kpis
    from twin_app.store.results_db import ResultsStore

    path = _path(args)
    experiment = _experiment(path, args.id)
    if experiment is not None:
        result = _result(experiment)
        print(json.dumps(result.to_dict(), indent=2) if args.json else result.table())
        return 0
    with ResultsStore(path) as store:
        run = store.load_run(args.id)
    kpis = run.get("kpis")
    if args.json:
        print(json.dumps({k: v for k, v in run.items() if k != "scenario_json"}, indent=2))
        return 0
    title = f"Run {run['id']}: {run['scenario_name'] or 'scenario'}, seed {run['seed']}, {run['status']}"
    if not kpis:
        print(f"{title}\n(no KPIs stored: the run did not finish)")
        return 0
    print(format_kpis(kpis, title))
    return 0


def _export(args: argparse.Namespace) -> int:
    from twin_app.io.output_path import check_output_path, write_output

    path = _path(args)
    folder = Path(args.csv)
    if folder.exists() and not folder.is_dir():
        raise TwinError(f"--csv {folder}: this is a file; give a folder to write the CSV files into")
    check_output_path(folder / "kpis.csv", "--csv")  # creates the folder, or says why it cannot
    experiment = _experiment(path, args.id)
    written = []
    if experiment is not None:
        from twin_app.commands.decisions import rows_to_csv

        result = _result(experiment)
        written.append(write_output(folder / "table.csv", rows_to_csv(result.rows()), "--csv"))
        written.append(write_output(folder / "tasks.csv", rows_to_csv(_task_rows(path, args.id)), "--csv"))
    else:
        written += _export_run(path, args.id, folder)
    for file in written:
        print(file)
    return 0


def _delete(args: argparse.Namespace) -> int:
    from twin_app.store.experiment_log import ExperimentLog
    from twin_app.store.results_db import ResultsStore

    path = _path(args)
    for ident in args.ids:
        if _experiment(path, ident) is not None:
            with ExperimentLog(path) as log:
                removed = log.delete(ident)
            print(f"deleted experiment {ident} and its {removed} task runs")
            continue
        with ResultsStore(path) as store:
            store.delete_run(ident)
        print(f"deleted run {ident}")
    return 0


def _task_rows(path: Path, experiment_id: str) -> list[dict[str, Any]]:
    from twin_app.experiments.kpi_paths import flatten
    from twin_app.store.experiment_log import ExperimentLog

    with ExperimentLog(path) as log:
        rows = log.task_rows(experiment_id)
    keys = ("point", "scenario_name", "replication", "seed", "status", "run_id")
    out = []
    for r in rows:
        factors = (r.get("settings") or {}).get("experiment_point") or {}
        out.append(
            {
                **{k: r[k] for k in keys},
                "point": r["point"] + 1,
                "replication": r["replication"] + 1,
                **factors,
                **flatten(r["kpis"]),
            }
        )
    return out


def _export_run(path: Path, run_id: str, folder: Path) -> list[Path]:
    from twin_app.commands.decisions import rows_to_csv
    from twin_app.experiments.kpi_paths import flatten
    from twin_app.io.output_path import write_output
    from twin_app.store.results_db import ResultsStore

    with ResultsStore(path) as store:
        run = store.load_run(run_id)
        events = store.load_events(run_id)
        orders = store.load_orders(run_id)
        scenario = store.load_scenario(run_id)
    kpis = run.get("kpis") or {}
    written = []
    if run.get("events_kept", 1):
        written.append(write_output(folder / "events.csv", _records_csv(events, scenario), "--csv"))
        written.append(write_output(folder / "orders.csv", _records_csv(orders, scenario), "--csv"))
    else:
        print(
            f"run {run_id} is a task of experiment {run.get('experiment_id')}: its events and orders were not kept "
            "(only KPIs); run the scenario with 'twin-app run' to have them",
            file=sys.stderr,
        )
    flat = [{"kpi": k, "value": v} for k, v in flatten(kpis).items()]
    written.append(write_output(folder / "kpis.csv", rows_to_csv(flat), "--csv"))
    owners = [owner.id for owner in scenario.owners]
    table = []
    for owner in owners:
        table.append(
            {
                "owner": owner,
                "utilisation": _get(kpis, "utilisation", "by_owner", owner),
                "cost": _get(kpis, "cost", "by_owner", owner),
                "revenue": _get(kpis, "revenue", "by_owner", owner),
                "profit": _get(kpis, "profit", "by_owner", owner),
                "co2": _get(kpis, "co2", "by_owner", owner),
            }
        )
    written.append(write_output(folder / "owners_pnl.csv", rows_to_csv(table), "--csv"))
    return written


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _records_csv(records: Any, scenario: Any) -> str:
    """Structured records (event or order log) as CSV, one column per field, with the names
    of the kind, resource, owner, customer and product beside their integer indices."""
    from twin_app.commands.decisions import rows_to_csv
    from twin_app.model.events import EventKind
    from twin_app.model.layout import Layout

    names = records.dtype.names or ()
    layout = Layout.build(scenario)
    lookups = {
        "kind": {int(k): k.name.lower() for k in EventKind},
        "resource": dict(enumerate(r.id for r in layout.resources)),
        "owner": dict(enumerate(o.id for o in scenario.owners)),
        "customer": dict(enumerate(c.id for c in scenario.customers)),
        "product": dict(enumerate(p.id for p in scenario.products)),
    }
    rows = []
    for record in records.tolist():
        row = dict(zip(names, record, strict=True))
        for field, table in lookups.items():
            if field in row:
                row[f"{field}_name"] = table.get(row[field], "")
        rows.append(row)
    return rows_to_csv(rows) if rows else ",".join(names) + "\n"
