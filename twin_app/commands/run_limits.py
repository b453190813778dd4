"""The run budget on the command line: ``--max-events``, ``--max-memory``, ``--max-events-at-instant``.

``run``, ``compare``, ``sweep`` and ``warmup`` take the same three options and turn them into
one :class:`~twin_app.sim.watchdog.Budget`. A run that reaches a limit stops with its partial
KPIs (stored as 'stopped'); the command then prints why and exits with :data:`EXIT_LIMIT`.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable

from twin_app.model import limits
from twin_app.sim.watchdog import Budget

EXIT_LIMIT = 3
"""Exit code of a command whose run (or one of its runs) stopped at a limit of its budget."""

_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add the three budget options to a command's parser."""
    group = parser.add_argument_group("limits (README, 'Limits')")
    group.add_argument(
        "--max-events",
        type=_count_arg,
        metavar="N",
        help="stop a run after N events, naming where they come from (default: no limit)",
    )
    group.add_argument(
        "--max-memory",
        type=parse_size,
        default=limits.DEFAULT_MAX_MEMORY,
        metavar="SIZE",
        help=f"stop a run when its process uses more memory, e.g. 8GB, 512MB or none "
        f"(default: {limits.DEFAULT_MAX_MEMORY // 1024**3}GB)",
    )
    group.add_argument(
        "--max-events-at-instant",
        type=_count_arg,
        default=limits.MAX_EVENTS_AT_ONE_INSTANT,
        metavar="N",
        help=f"stop a run that makes no progress in simulated time: N events at one instant "
        f"(default: {limits.MAX_EVENTS_AT_ONE_INSTANT:,})",
    )


def budget(args: argparse.Namespace) -> Budget:
    """The budget the parsed options ask for."""
    return Budget(args.max_events, args.max_memory, args.max_events_at_instant)


def parse_size(text: str) -> int | None:
    """Bytes from ``4GB``, ``4G``, ``512MiB``, ``1.5gb`` or a plain number of bytes; ``none``: no ceiling."""
    if text.strip().lower() in ("none", "off", "0"):
        return None
    match = _SIZE.match(text)
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a memory size; write e.g. 4GB, 512MB or none")
    size = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if size < 64 * 1024**2:
        raise argparse.ArgumentTypeError(f"{text!r} is below 64MB, less than the program itself needs")
    return size


def report(messages: Iterable[tuple[str, str]], stored: bool) -> int:
    """Print each (run label, why it stopped) to stderr; the exit code (0 when none stopped)."""
    shown = 0
    where = ", stored as 'stopped'" if stored else ""
    for label, message in messages:
        if message:
            print(f"{label} {message}. Its KPIs are of the partial run{where}.", file=sys.stderr)
            shown += 1
    return EXIT_LIMIT if shown else 0


def _count_arg(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 10**15:
        raise argparse.ArgumentTypeError(f"{text!r} must be between 1 and 10^15")
    return value
