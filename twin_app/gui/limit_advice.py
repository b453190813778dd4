"""A run stopped at a limit, told in the app's words.

The engine's watchdog (:mod:`twin_app.sim.watchdog`) ends a run that makes no progress in
simulated time, spends its event budget or reaches the memory ceiling, and says so in the
command line's words ("raise it with --max-events-at-instant N"). The app has no such flags:
:func:`limit_advice` keeps what happened and where the events came from, drops the flag hint,
and says what to change here instead (the scenario in the Editor, or the Run settings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from twin_app.gui.theme import format_clock

CLI_HINT = re.compile(r"(?:; | \()raise it with --(?P<flag>[a-z-]+) [A-Z]+")
"""The watchdog's flag hint: "; raise it with --flag N" inside a bracket, or "(raise it ..." that
opens one (its closing bracket is dropped with it)."""

STOPPED_AT = re.compile(r"^stopped at t = (?P<t>[-+0-9.e]+): ")
"""The watchdog's opening: the simulated time in minutes, shown on the app's clock instead."""


@dataclass(frozen=True, slots=True)
class LimitAdvice:
    """What stopped the run (the watchdog's words, without the flag) and what to do about it."""

    what: str
    advice: str

    def text(self) -> str:
        return f"{self.what}\n\n{self.advice}" if self.advice else self.what


ADVICE = {
    "max-events-at-instant": (
        "The run kept working at one moment without the clock moving on. That usually comes from a "
        "time of zero in the scenario: in the Editor, give the elements named above a time above "
        "zero (a processing, setup or transit time, a demand stream's time between orders, a "
        "failure or shift that repeats at once)."
    ),
    "max-events": (
        "The run needs more events than it may process. In Run settings, set a shorter Horizon, "
        "or lower the demand in the Editor (Demand)."
    ),
    "max-memory": (
        "Too many orders are open at once. In Run settings, set a shorter Horizon; or, in the "
        "Editor, lower the demand (Demand) or add capacity where orders queue (the Bottlenecks "
        "view shows where)."
    ),
}


def limit_advice(message: str) -> LimitAdvice:
    """``message`` from the watchdog, with its command-line hint replaced by the app's advice.

    A message without a hint (not from the watchdog) is kept as it is, with no advice.
    """
    match = CLI_HINT.search(message)
    if match is None:
        return LimitAdvice(message, "")
    start, end = match.span()
    if match.group(0).startswith(" ("):  # "(raise it with ...)": the whole bracket goes
        end = message.index(")", end) + 1 if ")" in message[end:] else end
    what = message[:start] + message[end:]
    opening = STOPPED_AT.match(what)
    if opening is not None:
        what = f"Stopped at {format_clock(float(opening.group('t')))}: {what[opening.end() :]}"
    return LimitAdvice(what, ADVICE.get(match.group("flag"), ""))
