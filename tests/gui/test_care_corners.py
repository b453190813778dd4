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


def test_the_dark_theme_darkens_the_editor_map_and_every_legend_label(qtbot, window, samples_dir):
    # The editor's map stayed white with the dark theme's pale names on it, and the trust chart's
    # "mean of the owners" stayed dark text on the dark panel.
    from PySide6.QtGui import QColor

    from twin_app.gui import theme

    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.controls.dark.trigger()
    editor_map = window.editor_view.editor.map
    assert editor_map.view.backgroundBrush().color().name().upper() == theme.DARK.panel
    place = next(iter(editor_map.places.values()))
    background = QColor(theme.DARK.panel)
    assert abs(place.label.brush().color().lightness() - background.lightness()) > 100
    legend = window.kpi_view.trust_chart.legend
    for _, label in legend.items:  # the colour the text is drawn in, not only the option
        assert f"color:{theme.DARK.text}".lower() in label.item.toHtml().lower(), label.text


def test_the_editor_map_names_a_site_as_the_network_map_does(qtbot, window, samples_dir):
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    site = window.scenario.sites[0]
    place = window.editor_view.editor.map.places[site.id]
    assert place.label.text() == window.run_context.names.site[0] == (site.name or site.id)
