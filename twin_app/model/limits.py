"""The limits a scenario must stay within, in one place, with the reason for each.

A file can be valid JSON with every type right and still describe something the engine
cannot do in a lifetime: a thousand billion orders, a shift calendar that flips every
nanosecond, a machine with a billion parallel units, a rework loop that in expectation never
ends. The reader rejects such a file, naming the place, instead of letting the run hang or
fill the memory. Every limit is far above what a real network needs (the largest sample,
``sample_networks/large_network.json``, is one to three orders of magnitude below each).

Times are in the scenario's own unit (``run.time_unit``, minutes in every sample); a limit
on a time is given in that unit and described here for minutes.

To raise a limit, change the constant here (README, "Limits"); the JSON Schema takes the
field bounds from the model, so run ``python scripts/make_schema.py`` afterwards.
"""

from __future__ import annotations

MAX_NUMBER = 1e12
"""Largest magnitude of any number in a file that is not a time or a count: costs, prices,
CO2, coordinates, weights, factors. Sums of many of them still fit a float exactly enough."""

MAX_TIME = 1e9
"""Largest time: any time, distribution parameter, horizon, release or due date (1e9
minutes is about 1,900 years). Beyond it a float no longer resolves seconds."""

MIN_CALENDAR_STEP = 1 / 60
"""Shortest shift period, shift window, timetable period and mean time between failures:
one second when times are in minutes. Shorter ones make an event storm of calendar changes,
not a model of a factory."""

MIN_INTERARRIVAL_MEAN = 1 / 60
"""Smallest mean time between two orders of a demand stream (one order per second in
minutes). Zero would release orders forever at one instant."""

MAX_EXPECTED_ORDERS = 1_000_000
"""Most orders a run may be expected to release (all demand streams up to the horizon, plus
the explicit orders): ten times the large sample network."""

MAX_EXPECTED_CALENDAR_EVENTS = 10_000_000
"""Most shift changes, breakdowns and timetable departures a run may be expected to make up
to its horizon (summed over machines and lanes)."""

MIN_SPEED = 1e-6
"""Slowest machine speed (processing times are divided by it): slower would turn the
longest time into more than a float holds."""

MAX_MACHINE_CAPACITY = 10_000
"""Most identical parallel units of one machine; the engine keeps a state per unit."""

MAX_VEHICLES = 10_000
"""Most vehicles on one lane; the engine keeps a state per vehicle."""

MAX_QUANTITY = 1_000_000
"""Most units in one order or one bill-of-materials line, and the largest machine buffer."""

MAX_REPLICATIONS = 1_000
"""Most replications of one run (in the file or with ``--replications``)."""

MAX_BOM_DEPTH = 50
"""Most levels of a bill of materials (a product, its components, theirs...)."""

MAX_JOBS_PER_ORDER = 10_000
"""Most jobs one order may split into through its bill of materials (one job per component
line, counted through every level)."""

MAX_REWORK_PROBABILITY = 0.999
"""Highest probability of a rework loop: a job then passes the loop 1,000 times in
expectation. At 1 - 1e-10 it would pass ten billion times, at zero time all at one instant."""

MIN_GAMMA_SHAPE = 1e-3
"""Smallest gamma shape: below it nearly every draw is zero and the rest are astronomically
large (the scale is mean / shape)."""

MAX_COEFFICIENT_OF_VARIATION = 1_000.0
"""Largest sd / mean of a lognormal time (its parameters overflow far beyond this)."""

MAX_SEED = 2**63 - 1
"""Largest random seed: the results database stores it as a signed 64-bit integer."""

MAX_INPUT_BYTES = 256 * 1024 * 1024
"""Largest scenario file or order book read (256 MiB; the large sample is 0.5 MB). Guards
against reading a device such as /dev/zero or a mistaken multi-gigabyte file into memory."""

MAX_EVENTS_AT_ONE_INSTANT = 1_000_000
"""Events a run may process at one simulated instant before it counts as making no progress
(the engine's watchdog, :mod:`twin_app.sim.watchdog`, stops it and names the elements the
events come from). The large sample's busiest instant is far below it; an event storm that
validation could not foresee (a loop of zero-time work) reaches it in about a second.
``--max-events-at-instant`` sets it per run."""

DEFAULT_MAX_MEMORY = 4 * 1024**3
"""Resident memory (bytes) at which a run stops, measured every few thousand events: 4 GiB,
three times the large sample's peak. ``--max-memory`` sets it per run (``none``: no ceiling);
each worker process of a parallel run has its own."""
