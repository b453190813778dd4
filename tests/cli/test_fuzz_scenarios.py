"""Fuzzing the samples: whatever a damaged scenario holds, `validate` accepts it or lists its
problems, and every file it accepts runs a short horizon to the end.

Each example takes one of the shipped scenarios (tests/data/tiny.json and the small samples)
and applies one to three mutations of the kinds a broken or hostile file shows: a value of
the wrong type, an extreme number (0, 1e-310, 1e308, 2^64, a 30-digit integer...), a
degenerate distribution, a reference to an unknown or wrong kind of id, a cycle (a bill of
materials containing itself, a rework loop back onto its own step), unicode and control
characters in ids, and lists grown to thousands of entries.

* `validate` must either return a scenario or raise ScenarioError with at least one problem;
  any other exception is a traceback for the user.
* An accepted file is run with ``twin-app run FILE --until 240 --warmup 0 --replications 1
  --no-db --json --max-memory 768MB`` in a forked child under a wall-time and an address-space limit;
  it must exit 0, 2 (a message) or 3 (stopped at a limit of its budget, with the reason), never
  with a traceback, a hang or a memory blow-up.

CI runs a few hundred derandomized examples. The soak profile runs 10,000 random ones:
``pytest tests/cli/test_fuzz_scenarios.py --hypothesis-profile=soak``; set
``TWIN_FUZZ_LOG=path`` to get one JSON line per example (outcome and mutations), and
``TWIN_FUZZ_KEEP_GOING=1`` to count every failure instead of stopping at the first.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import resource
import select
import signal
import time
import traceback
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin_app.errors import ScenarioError
from twin_app.io.scenario_file import loads_scenario
from twin_app.model.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
BASES = [ROOT / "tests" / "data" / "tiny.json"] + [
    path for path in sorted((ROOT / "sample_networks").glob("*.json")) if path.name != "large_network.json"
]
CI_EXAMPLES = 300
RUN_SECONDS = 30
"""Wall time a short run may take before it counts as a hang (runs take 0.05-0.2 s)."""
RUN_MEMORY = 1536 * 1024 * 1024
"""Address space a short run may add before it counts as a memory blow-up."""
RUN_COMMAND = ["run", "--until", "240", "--warmup", "0", "--replications", "1", "--no-db", "--json"]
"""The short run of every accepted file (the warm-up off: a sample's own is longer than 240)."""
RUN_BUDGET = ["--max-memory", "768MB"]
"""The run's own memory ceiling (resident memory, twin_app.sim.watchdog), under the address
space limit: a run whose work grows stops with its reason ('limit') before it blows up."""
KEEP_GOING = bool(os.environ.get("TWIN_FUZZ_KEEP_GOING"))
"""Measuring: log every outcome (TWIN_FUZZ_LOG) instead of stopping at the first failure."""

FUZZ = settings(
    max_examples=max(CI_EXAMPLES, settings.default.max_examples),
    deadline=None,
    derandomize=settings.default.max_examples < CI_EXAMPLES,  # CI: the same examples every time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

Path_ = tuple[str | int, ...]

EXTREME_NUMBERS: list[Any] = [
    0, -0.0, -1, 1, 0.5, 1e-310, 1e-9, 1e-6, 1 / 60, 0.999, 0.9999999999, 1 - 1e-16, 1e6, 1e9, 1e12, 1e15, 1e308,
    -1e308, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**30, -(10**30), float("nan"), float("inf"),
]  # fmt: skip
DEGENERATE_DISTRIBUTIONS: list[Any] = [
    {"dist": "exponential", "mean": 1e-300},
    {"dist": "exponential", "mean": 1e9},
    {"dist": "constant", "value": 0},
    {"dist": "uniform", "low": 0, "high": 0},
    {"dist": "uniform", "low": 5, "high": 5},
    {"dist": "triangular", "low": 0, "mode": 0, "high": 0},
    {"dist": "triangular", "low": 1, "mode": 1, "high": 1e9},
    {"dist": "normal", "mean": 1e-9, "sd": 1e9},
    {"dist": "normal", "mean": 5, "sd": 0},
    {"dist": "lognormal", "mean": 1e-9, "sd": 1e-6},
    {"dist": "lognormal", "mean": 5, "sd": 0},
    {"dist": "gamma", "shape": 1e-310, "mean": 5},
    {"dist": "gamma", "shape": 1e-3, "mean": 5},
    {"dist": "gamma", "shape": 1e9, "mean": 5},
    {"dist": "erlang", "k": 10**6, "mean": 5},
    {"dist": "empirical", "values": [0, 0, 0]},
    {"dist": "empirical", "values": [1, 2], "weights": [1e308, 1e308]},
    {"dist": "empirical", "values": [1, 2], "weights": [0, 1e-320]},
    {"dist": "empirical", "values": [1e9, 0], "weights": [1, 1e12]},
    {"dist": "poisson", "mean": 3},
    {"dist": "exponential"},
    {"mean": 5},
]
UNICODE_IDS = st.sampled_from(
    ["Ω-mill", "🏭", "", " ", "a\x00b", "\x1b[31mred", "\u202eevil", "e\u0301", "ℌ", "=1+1", "x" * 1000, "NaN"]
) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.sampled_from(EXTREME_NUMBERS)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(-(10**20), 10**20)
    | st.text(max_size=6)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
KINDS = ("type", "number", "distribution", "reference", "cycle", "unicode", "grow", "drop")


def _nodes(node: Any, here: Path_ = ()) -> list[tuple[Path_, Any]]:
    """Every (place, value) in the JSON tree, the root excluded, in document order."""
    found: list[tuple[Path_, Any]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found.append(((*here, key), child))
        found.extend(_nodes(child, (*here, key)))
    return found


def _set(data: dict[str, Any], path: Path_, value: Any) -> None:
    parent: Any = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value


def _pick(nodes: list[tuple[Path_, Any]], choice: int) -> tuple[Path_, Any] | None:
    return nodes[choice % len(nodes)] if nodes else None


def mutate(data: dict[str, Any], kind: str, choice: int, payload: Any) -> None:
    """Apply one damage of ``kind`` to ``data`` at the place ``choice`` selects."""
    nodes = _nodes(data)
    if kind == "type":
        picked = _pick(nodes, choice)
        if picked:
            _set(data, picked[0], payload)
    elif kind == "number":
        picked = _pick([n for n in nodes if isinstance(n[1], int | float) and not isinstance(n[1], bool)], choice)
        if picked:
            _set(data, picked[0], payload)
    elif kind == "distribution":
        picked = _pick(
            [n for n in nodes if isinstance(n[1], int | float | dict) and not isinstance(n[1], bool)], choice
        )
        if picked:
            _set(data, picked[0], copy.deepcopy(payload))
    elif kind == "reference":
        strings = [n for n in nodes if isinstance(n[1], str)]
        picked = _pick(strings, choice)
        if picked:
            others = [value for _, value in strings if value != picked[1]]
            _set(data, picked[0], others[choice % len(others)] if others and payload == "other" else "nope")
    elif kind == "cycle":
        _make_cycle(data, choice, payload)
    elif kind == "unicode":
        picked = _pick([n for n in nodes if isinstance(n[1], str) and n[0][-1] in ("id", "name")], choice)
        if picked:
            _rename_everywhere(data, picked[1], payload)
    elif kind == "grow":
        picked = _pick([n for n in nodes if isinstance(n[1], list) and n[1]], choice)
        if picked:
            items = picked[1]
            grown = [_renamed(copy.deepcopy(items[i % len(items)]), i) for i in range(payload)]
            _set(data, picked[0], items + grown)
    elif kind == "drop":
        picked = _pick(nodes, choice)
        if picked:
            parent: Any = data
            for key in picked[0][:-1]:
                parent = parent[key]
            del parent[picked[0][-1]]


def _make_cycle(data: dict[str, Any], choice: int, payload: Any) -> None:
    products = data.get("products")
    if not isinstance(products, list) or not products or not isinstance(products[0], dict):
        return
    product = products[choice % len(products)]
    if not isinstance(product, dict):
        return
    if payload == "bom":
        product.setdefault("bom", [])
        if isinstance(product["bom"], list):
            product["bom"].append({"product": product.get("id", "?")})
    else:
        routing = product.get("routing")
        if isinstance(routing, list) and routing and isinstance(routing[-1], dict):
            step = len(routing) - 1
            routing[-1]["rework"] = {"probability": payload, "back_to": step if choice % 2 else 0}


def _rename_everywhere(node: Any, old: str, new: str) -> None:
    """Replace the string ``old`` by ``new`` wherever it occurs as a value or a key."""
    if isinstance(node, dict):
        for key in list(node):
            value = node.pop(key)
            node[new if key == old else key] = new if value == old else value
            _rename_everywhere(node[new if key == old else key], old, new)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            if value == old:
                node[index] = new
            _rename_everywhere(value, old, new)


def _renamed(item: Any, index: int) -> Any:
    """A copy of a list entry with a fresh id (half the time: duplicates are a case too)."""
    if isinstance(item, dict) and isinstance(item.get("id"), str) and index % 2:
        item["id"] = f"{item['id']}~{index}"
    return item


MUTATION = st.one_of(
    st.tuples(st.just("type"), st.integers(0, 10**6), VALUES),
    st.tuples(st.just("number"), st.integers(0, 10**6), st.sampled_from(EXTREME_NUMBERS) | st.floats() | st.integers()),
    st.tuples(st.just("distribution"), st.integers(0, 10**6), st.sampled_from(DEGENERATE_DISTRIBUTIONS)),
    st.tuples(st.just("reference"), st.integers(0, 10**6), st.sampled_from(["nope", "other"])),
    st.tuples(st.just("cycle"), st.integers(0, 10**6), st.sampled_from(["bom", 0.5, 0.999, 0.9999999999, 1.0, 1e-310])),
    st.tuples(st.just("unicode"), st.integers(0, 10**6), UNICODE_IDS),
    st.tuples(st.just("grow"), st.integers(0, 10**6), st.sampled_from([1, 10, 200, 2000])),
    st.tuples(st.just("drop"), st.integers(0, 10**6), st.none()),
)


@pytest.fixture(scope="module")
def bases() -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in BASES]


@FUZZ
@given(base=st.integers(0, len(BASES) - 1), mutations=st.lists(MUTATION, min_size=1, max_size=3))
def test_mutated_samples_validate_or_say_why_and_accepted_ones_run(
    bases: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory, base: int, mutations: list[Any]
) -> None:
    data = copy.deepcopy(bases[base])
    for kind, choice, payload in mutations:
        mutate(data, kind, choice, payload)
    text = json.dumps(data, allow_nan=True)
    folder = tmp_path_factory.mktemp("fuzz")
    outcome, detail = "rejected", ""
    try:
        try:
            scenario = loads_scenario(text, source="fuzz.json", base_dir=folder)
        except ScenarioError as error:
            assert error.problems and all(problem.message for problem in error.problems)
            return
        except Exception:
            outcome, detail = "validate traceback", traceback.format_exc()
            if not KEEP_GOING:
                raise
            return
        assert isinstance(scenario, Scenario)
        path = folder / "fuzz.json"
        path.write_text(text, encoding="utf-8")
        outcome, detail = run_in_child(path)
        assert KEEP_GOING or outcome in ("ok", "message", "limit"), f"{outcome} running the accepted file:\n{detail}"
    finally:
        _log(outcome, BASES[base].name, mutations, detail)


def run_in_child(path: Path) -> tuple[str, str]:
    """Run the file with the CLI in a forked child under a time and memory limit.

    Returns ("ok" | "message" | "limit" | "traceback" | "hang" | "memory", detail text).
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        code, detail = _child_run(path)
        with contextlib.suppress(OSError):
            os.write(writer, detail.encode("utf-8", "replace")[:20_000])
        os._exit(code)
    os.close(writer)
    chunks: list[bytes] = []
    deadline = time.monotonic() + RUN_SECONDS + 15  # the child's own alarm should come first
    killed = False
    with os.fdopen(reader, "rb") as stream:
        while True:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                killed = True
                break
            ready, _, _ = select.select([stream], [], [], 1.0)
            if ready:
                chunk = stream.read1(65536)
                if not chunk:
                    break
                chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    detail = b"".join(chunks).decode("utf-8", "replace")
    if os.WIFSIGNALED(status):
        return ("hang" if killed else f"crash (signal {os.WTERMSIG(status)})"), detail
    outcomes = {0: "ok", 2: "message", 4: "hang", 5: "memory", 6: "limit"}
    return outcomes.get(os.WEXITSTATUS(status), "traceback"), detail


class _Hang(BaseException):
    """Raised in the child when the run outlives its wall time."""


def _child_run(path: Path) -> tuple[int, str]:
    """In the child: run the CLI; exit code 0 ok, 2 message, 3 traceback, 4 hang, 5 memory, 6 limit."""
    from twin_app import cli
    from twin_app.commands.run_limits import EXIT_LIMIT

    def alarm(signum: int, frame: Any) -> None:
        raise _Hang

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    limit = in_use + RUN_MEMORY
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    signal.signal(signal.SIGALRM, alarm)
    signal.alarm(RUN_SECONDS)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main([*RUN_COMMAND, str(path), *RUN_BUDGET])
        if code in (0, EXIT_LIMIT):
            json.loads(out.getvalue())  # --json must print valid JSON (of the partial run too)
        return {0: 0, EXIT_LIMIT: 6}.get(code, 2), err.getvalue()[-2000:]
    except _Hang:
        return 4, "".join(traceback.format_exc(limit=-12))
    except MemoryError:
        return 5, "MemoryError"
    except BaseException:  # the point is to report any traceback
        return 3, traceback.format_exc()


def _log(outcome: str, base: str, mutations: list[Any], detail: str) -> None:
    log = os.environ.get("TWIN_FUZZ_LOG")
    if not log:
        return
    record = {"outcome": outcome, "base": base, "mutations": mutations}
    if outcome not in ("ok", "rejected"):
        record["detail"] = detail[-3000:]
    with open(log, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(record, default=repr, allow_nan=True) + "\n")


def test_every_base_runs_unmutated(tmp_path: Path) -> None:
    """The child's command runs each base file to 'ok' (else every accepted file would be a
    'message' and the fuzz would prove nothing)."""
    for base in BASES:
        path = tmp_path / base.name
        path.write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
        outcome, detail = run_in_child(path)
        assert outcome == "ok", f"{base.name}: {outcome}\n{detail}"


def test_the_mutations_reach_the_reader(bases: list[dict[str, Any]]) -> None:
    """Each kind of mutation changes the file (a fuzz that changes nothing proves nothing)."""
    for kind, payload in [
        ("type", "text"),
        ("number", 1e308),
        ("distribution", {"dist": "constant", "value": 0}),
        ("reference", "nope"),
        ("cycle", "bom"),
        ("unicode", "Ω"),
        ("grow", 10),
        ("drop", None),
    ]:
        data = copy.deepcopy(bases[0])
        mutate(data, kind, 3, payload)
        assert data != bases[0], kind
