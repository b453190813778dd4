"""The scenario reader's validator, built once per version of the model and kept next to the code.

pydantic builds the core schema of :class:`~twin_app.model.scenario.Scenario` by walking its
31 dataclasses and their annotations: ~0.1-0.2 s of every process that reads a scenario file,
more than reading the file itself. The validator made from a finished schema costs about a
millisecond. So the validator is pickled into ``__pycache__`` beside this module, the way
Python keeps bytecode there:

- keyed by the sources of the modules the schema is made of (:data:`SCHEMA_MODULES`) and the
  versions of Python, pydantic and pydantic-core: a change to any of them builds it again;
- written only where bytecode may be written (not under ``PYTHONDONTWRITEBYTECODE``), atomically,
  replacing the file of an older key;
- anything wrong with the file (missing, unreadable, corrupt, made for another key) means
  building the validator again, as without a cache.

The file is trusted as ``.pyc`` files are (it lies beside the code and is written by it).
Only validation is cached: saving a file and the JSON Schema still use a ``TypeAdapter``.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import zlib
from functools import cache
from pathlib import Path
from types import ModuleType

import pydantic
import pydantic_core
from pydantic_core import SchemaValidator

from twin_app.model import distributions, limits
from twin_app.model import scenario as scenario_module

SCHEMA_MODULES: tuple[ModuleType, ...] = (scenario_module, distributions, limits)
"""Modules whose classes, functions and constants make up the scenario schema."""

_FOLDER = Path(__file__).resolve().parent / "__pycache__"
_STEM = "scenario_validator"


def cache_key() -> str:
    """What the cached validator was built from: versions and a checksum of each schema module's source."""
    parts = [sys.version, pydantic.VERSION, pydantic_core.__version__]
    for module in SCHEMA_MODULES:
        source = Path(module.__file__ or "").read_bytes()
        parts.append(f"{module.__name__}:{len(source)}:{zlib.crc32(source):08x}")
    return "|".join(parts)


def cache_path(key: str) -> Path:
    """The cache file of ``key``."""
    return _FOLDER / f"{_STEM}.{zlib.crc32(key.encode()):08x}.pickle"


@cache
def scenario_validator() -> SchemaValidator:
    """The validator of scenario data (strict JSON or Python objects), from the cache if it is current."""
    key = cache_key()
    path = cache_path(key)
    cached = _read(path, key)
    if cached is not None:
        return cached
    validator = _build()
    if not sys.dont_write_bytecode:
        _write(path, key, validator)
    return validator


def _build() -> SchemaValidator:
    from pydantic import TypeAdapter  # (imported only to build: it is the costly part)

    validator = TypeAdapter(scenario_module.Scenario).validator
    assert isinstance(validator, SchemaValidator), "no pydantic plugins are installed for the twin"
    return validator


def _read(path: Path, key: str) -> SchemaValidator | None:
    try:
        stored_key, validator = pickle.loads(path.read_bytes())
    except Exception:  # missing, unreadable, or written by something else: build it again
        return None
    if stored_key != key or not isinstance(validator, SchemaValidator):
        return None
    return validator


def _write(path: Path, key: str, validator: SchemaValidator) -> None:
    """Store ``validator`` under ``key`` (atomically); a folder that cannot be written is no error."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_bytes(pickle.dumps((key, validator), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return
    for old in path.parent.glob(f"{_STEM}.*.pickle"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
