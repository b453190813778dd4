"""Write assets/scenario.schema.json from the scenario model.

The schema lets editors (VS Code and others) complete and check scenario files as they are
typed: a scenario file that starts with ``"$schema": "../assets/scenario.schema.json"`` gets
field names, descriptions, defaults and allowed values. It is generated, never edited by
hand, so it cannot drift from the model; a test fails when the shipped file is stale.

Usage: ``python scripts/make_schema.py`` (or ``--check`` to only report whether it is stale).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from twin_app.io.scenario_file import scenario_json_schema

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "assets" / "scenario.schema.json"


def schema_text() -> str:
    """The schema file's exact text: indented JSON with a final newline."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the schema file; exit code 1 when it is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = schema_text()
    current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
    if args.check:
        if current != text:
            print(f"{SCHEMA_PATH} is stale: run python scripts/make_schema.py", file=sys.stderr)
            return 1
        print(f"{SCHEMA_PATH} is up to date")
        return 0
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
