"""The desktop app on a machine without Qt's X11 libraries: the advice comes first, and alone."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_missing_x11_libraries_are_the_first_and_only_thing_said(monkeypatch, capsys):
    from twin_app import cli
    from twin_app.gui.platform import APT_PACKAGES

    advice = f"Install Qt's X11 libraries to open the desktop app:\n  sudo apt-get install {APT_PACKAGES}"
    monkeypatch.setattr(cli, "_has_display", lambda: True)
    monkeypatch.setattr(cli, "_gui_problem", lambda: advice)
    assert cli.main([]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("Install Qt's X11 libraries") and "twin-app run" in err
    assert out == ""  # no screen of headless KPIs that would scroll the advice away


def test_the_readme_lists_the_same_system_packages_as_the_advice():
    from twin_app.gui.platform import APT_PACKAGES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"sudo apt-get install {APT_PACKAGES}" in " ".join(readme.split())
