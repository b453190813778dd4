"""The analysis and store packages stay below the simulator and the GUI (DESIGN.md layers)."""

from __future__ import annotations

import subprocess
import sys


def test_analysis_and_store_import_no_sim_gui_or_qt() -> None:
    code = (
        "import sys\n"
        "import twin_app.analysis.collector, twin_app.analysis.kpis, twin_app.analysis.stats\n"
        "import twin_app.analysis.bottleneck, twin_app.analysis.utilisation, twin_app.store.results_db\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')"
        " or m.startswith(('twin_app.sim', 'twin_app.gui', 'twin_app.experiments')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
