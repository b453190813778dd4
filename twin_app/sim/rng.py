"""Random streams: one explicit numpy Generator per purpose and entity.

A stream is named by what it drives (e.g. ``("process", "M07")``) and derived from the run's
seed and replication with ``SeedSequence(seed, spawn_key=...)``. Because the name, not a
counter, picks the stream, adding a machine to a scenario does not shift the random numbers
of the others: compared scenarios see common random numbers wherever they are the same.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable

import numpy as np


def stream(seed: int, replication: int, *name: str) -> np.random.Generator:
    """The generator for ``name`` in replication ``replication`` of a run seeded ``seed``."""
    key = tuple(zlib.crc32(part.encode("utf-8")) for part in name)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replication, *key))))


def uniforms(rng: np.random.Generator, block: int = 512) -> Callable[[], float]:
    """A zero-argument function giving ``rng.random()``'s values, drawn ``block`` at a time.

    The same numbers in the same order as calling ``rng.random()`` each time (a block of
    doubles from a Generator is its single draws in a row), at a fraction of the cost.
    """
    # The next block is drawn when a call finds the last one used up, as a buffer refilled on
    # demand would be; the iterator's own ``__next__`` costs a third of a Python function's call.
    return itertools.chain.from_iterable(iter(lambda: rng.random(block).tolist(), None)).__next__
