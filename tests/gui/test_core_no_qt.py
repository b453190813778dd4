"""The core packages never load Qt: importing them in a fresh interpreter leaves it out."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_without_qt():
    code = (
        "import sys\n"
        "import twin_app.model.scenario, twin_app.model.layout, twin_app.model.network, twin_app.model.events\n"
        "import twin_app.io.scenario_file, twin_app.sim.engine, twin_app.dispatch, twin_app.analysis.kpis\n"
        "import twin_app.analysis.collector, twin_app.analysis.utilisation, twin_app.analysis.bottleneck\n"
        "import twin_app.store, twin_app.cli\n"
        "import pkgutil, importlib, twin_app\n"
        "for pkg in ('model', 'io', 'sim', 'dispatch', 'analysis', 'store'):\n"
        "    mod = importlib.import_module('twin_app.' + pkg)\n"
        "    for info in pkgutil.iter_modules(mod.__path__):\n"
        "        importlib.import_module(f'twin_app.{pkg}.{info.name}')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"Qt modules imported by the core: {done.stdout}"
