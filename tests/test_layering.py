"""The layering of DESIGN.md holds: import-linter contracts (pyproject.toml, ``tool.importlinter``)
and one runtime check that a headless run never loads Qt.

The contracts read every import statement, lazy ones included: a package imports only the
packages below it (cli > commands > benchmarks > gui > experiments > store > sim > analysis |
io > model > dispatch > samples > errors), which also rules out any circle between them, and
nothing below gui imports PySide6, shiboken6 or pyqtgraph. What static analysis cannot see is
what actually happens when the program runs (a dependency that pulls in Qt, an import by
name); the second test runs ``twin-app run`` on a small scenario in a fresh interpreter and
looks at the modules it loaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
QT = ("PySide6", "shiboken6", "pyqtgraph")


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "0 broken" in report


def test_a_headless_run_of_the_cli_loads_no_qt(tiny_path: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from twin_app.cli import main\n"
        f"status = main(['run', {str(tiny_path)!r}, '--until', '600', '--replications', '1', "
        f"'--db', {str(tmp_path / 'results.sqlite')!r}, '--json'])\n"
        f"loaded = sorted(m for m in sys.modules if m.split('.')[0] in {QT!r})\n"
        "print('RESULT', status, loaded, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last == "RESULT 0 []", f"the headless run failed (status) or loaded Qt (list): {last}"
    assert '"orders_completed"' in done.stdout
