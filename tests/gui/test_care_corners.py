"""Care in every corner: what the independent trial found when it used the app as a consultant.

Each test says what the tester did and what went wrong before the fix.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _light_theme_after():
    from twin_app.gui import theme

    yield
    theme.use(theme.LIGHT, 1.0)


def test_leaving_presentation_mode_keeps_the_bottlenecks_of_a_finished_run(qtbot, window, samples_dir):
    # F5, Page Down to "Where to invest", Esc: the Bottlenecks view was empty afterwards (the
    # theme change remade its bars and nothing drew them again: the run had ended).
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.run_to(2 * 1440.0)
    window.show_view("bottlenecks")
    shares = window.bottleneck_view.ranking_shares()
    assert shares and window.bottleneck_view.summary.text().startswith("Main bottleneck")
    window.set_presentation(True, full_screen=False)
    assert window.bottleneck_view.ranking_shares() == shares
    window.set_presentation(False)
    assert window.bottleneck_view.ranking_shares() == shares
    assert window.bottleneck_view.summary.text().startswith("Main bottleneck")
