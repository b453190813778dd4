"""Re-take the README's screenshots of the desktop app (deterministic: same scenario, seed, time).

    python scripts/make_screenshots.py            # all of them, into assets/

Each is :func:`twin_app.gui.capture.capture` of a sample run to a simulated time: the main
window on the living map of the demo, each view of the demo, presentation mode in the dark
theme (on the map, and at the tour's comparison), and the large network's clustered map. Runs
offscreen unless QT_QPA_PLATFORM is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_networks"
ASSETS = ROOT / "assets"
DAY = 1440.0

SHOTS: tuple[tuple[str, str, float, str, tuple[int, int], dict[str, bool]], ...] = (
    ("screenshot_main.png", "cloud_factory_demo.json", 3 * DAY, "window", (1600, 1000), {}),
    ("screenshot_gantt.png", "cloud_factory_demo.json", 3 * DAY, "gantt", (1600, 1000), {}),
    ("screenshot_kpis.png", "cloud_factory_demo.json", 7 * DAY, "kpis", (1600, 1000), {}),
    ("screenshot_utilisation.png", "cloud_factory_demo.json", 7 * DAY, "utilisation", (1600, 1000), {}),
    ("screenshot_bottlenecks.png", "cloud_factory_demo.json", 7 * DAY, "bottlenecks", (1600, 1000), {}),
    (
        "screenshot_presentation.png",
        "cloud_factory_demo.json",
        2 * DAY,
        "window",
        (1600, 900),
        {"dark": True, "presentation": True},
    ),
    ("screenshot_large_map.png", "large_network.json", DAY / 2, "map", (1600, 1000), {}),
)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from twin_app.gui.capture import capture

    for name, sample, until, view, size, options in SHOTS:
        written = capture(SAMPLES / sample, until, ASSETS / name, view, size, **options)
        print(written)
    print(tour_comparison(ASSETS / "screenshot_tour_compare.png"))
    return 0


def tour_comparison(output: Path, size: tuple[int, int] = (1600, 900)) -> Path:
    """Presentation mode in the dark theme at the tour's comparison step: asset-heavy against
    asset-light on the Compare view (10 paired replications; seeds fixed, so the same table)."""
    import tempfile

    from PySide6.QtCore import QEventLoop, QTimer

    from twin_app.experiments.session import RunSession
    from twin_app.gui import chart_turns, theme
    from twin_app.gui.app import application
    from twin_app.gui.main_window import MainWindow
    from twin_app.gui.presentation import DEFAULT_TOUR
    from twin_app.gui.settings import AppSettings

    app = application()
    with tempfile.TemporaryDirectory() as scratch:
        settings = AppSettings(Path(scratch) / "settings.ini")
        settings.results_db = Path(scratch) / "results.sqlite"
        window = MainWindow(settings, session=RunSession(prestart=False))
        window.resize(*size)
        window.show()
        window.set_dark(True)
        window.set_presentation(True, full_screen=False)
        window.go_to_step(next(i for i, step in enumerate(DEFAULT_TOUR) if step.against is not None))
        compare = window.compare_view
        while compare.run_bar.running:
            loop = QEventLoop()
            QTimer.singleShot(100, loop.quit)
            loop.exec()
        app.processEvents()
        chart_turns.flush()
        window.grab().save(str(output))
        window.set_presentation(False)
        window.set_dark(False)
        window.session.discard()
        window.close()
        theme.use(theme.LIGHT, 1.0)
    return output


if __name__ == "__main__":
    raise SystemExit(main())
