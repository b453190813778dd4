"""The widgets' look: the application's style sheet, the type size of every widget, glyph icons.

:mod:`twin_app.gui.theme` says what the colours and fonts are; this module puts them on Qt's
widgets. :func:`restyle` gives a window the active theme's style sheet (:func:`style_sheet`,
with both type scales of the named labels in it: :func:`type_sizes`) and the active type size
(:func:`set_large_type`, :func:`take_type`: presentation mode's large type, polished onto the
widgets because Qt hands a new application font to no widget styled by a sheet).
:func:`glyph_icon` draws the style's black play / pause / step / stop glyphs in the theme's
text colour; the spin boxes' arrows are small SVG files per theme (``icons/``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QStyle, QWidget

from twin_app.gui import theme


def restyle(
    root: QWidget, *, plots: bool = True, skip: tuple[QWidget, ...] = (), type_skip: tuple[QWidget, ...] = ()
) -> None:
    """Apply the active theme to ``root``: its style sheet and (``plots``) every plot under it,
    but those under the widgets in ``skip`` (the window restyles its hidden views later); the
    type size to all but those under ``skip`` and ``type_skip`` (see :func:`set_large_type`)."""
    sheet = style_sheet()
    if root.styleSheet() != sheet:  # (a new theme: every widget is polished again)
        root.setStyleSheet(sheet)
    set_large_type(root, theme.scale != 1.0, skip=skip + type_skip)
    if plots:
        theme.restyle_plots(root, skip=skip)


def set_large_type(root: QWidget, large: bool, *, skip: tuple[QWidget, ...] = ()) -> None:
    """Select the large or normal type under ``root`` (a window): the window's property picks
    the named labels' sizes (see :func:`type_sizes`), and the widgets, but those under ``skip``,
    take the application's font at the active scale (see :func:`take_type`)."""
    if bool(root.property(LARGE_TYPE_PROPERTY)) == large:
        return
    root.setProperty(LARGE_TYPE_PROPERTY, large)
    _polish_tree(root, root.style(), skip)


def take_type(root: QWidget) -> None:
    """Let ``root`` and the widgets under it take the application's font at the active scale,
    if they have not yet (a view hidden at F5 or Esc, in an idle turn or when shown).

    Under a style sheet Qt hands a new application font to no widget but windows (widgets
    styled by a sheet resolve their font from their parent when polished), so presentation mode
    grew the named labels only: tabs, buttons, lists and tables stayed at 9 pt. Polishing the
    widgets again, parents first, costs ~40 ms for the window's ~470 widgets; a new style sheet
    (which polishes them too) cost 75-85 ms."""
    if root.font().pointSizeF() != QApplication.font().pointSizeF():
        _polish_tree(root, root.style(), ())


def _polish_tree(widget: QWidget, style: QStyle, skip: tuple[QWidget, ...]) -> None:
    """Polish ``widget`` again, then its child widgets but those in ``skip`` (parents first:
    a widget's font is resolved from its parent's)."""
    style.unpolish(widget)
    style.polish(widget)
    widget.updateGeometry()
    for child in widget.children():
        if isinstance(child, QWidget) and not any(child is s for s in skip):
            _polish_tree(child, style, skip)


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` moved ``share`` of the way to ``other`` (both ``#RRGGBB``)."""
    a, b = QColor(colour), QColor(other)
    channels = (round(x + (y - x) * share) for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))
    return "#" + "".join(f"{v:02X}" for v in channels)


GLYPH_SIZES = (16, 24, 32)
"""The sizes a glyph icon is drawn at (toolbar, menu, presentation's larger toolbar)."""


def glyph_icon(which: QStyle.StandardPixmap) -> QIcon:
    """The style's standard icon ``which`` (a black glyph: play, pause, step, stop) drawn in the
    theme's text colour, and greyed like disabled text when disabled. On the dark toolbar the
    black Pause, Step and Stop glyphs were nearly invisible (T9)."""
    style = QApplication.style()
    source = style.standardIcon(which)
    icon = QIcon()
    for size in GLYPH_SIZES:
        pixmap = source.pixmap(size, size)
        icon.addPixmap(_tinted(pixmap, theme.colors.text), QIcon.Mode.Normal)
        icon.addPixmap(_tinted(pixmap, _mix(theme.colors.text, theme.colors.panel, 0.6)), QIcon.Mode.Disabled)
    return icon


def _tinted(source: QPixmap, colour: str) -> QPixmap:
    """``source``'s shape (its alpha) filled with ``colour``."""
    out = QPixmap(source.size())
    out.setDevicePixelRatio(source.devicePixelRatio())
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.drawPixmap(0, 0, source)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(out.rect(), QColor(colour))
    painter.end()
    return out


LABEL_POINT_SIZES: dict[str, float] = {
    "CardTitle": 9,
    "CardValue": 17,
    "CardDetail": 8.5,
    "Clock": 13,
    "SectionTitle": 10.5,
    "TourCaption": 12,
    "EntryText": 8.5,
    "EntryNote": 8,
}
"""Point sizes of the labels named so (at type scale 1), set by the style sheet."""

LARGE_TYPE_SCALE = 1.35
"""The type scale of presentation mode."""

LARGE_TYPE_PROPERTY = "largeType"
"""The window's property that selects the large type sizes of the named labels."""


def type_sizes() -> str:
    """Style-sheet rules for the named labels' sizes at scale 1, and at :data:`LARGE_TYPE_SCALE`
    under a window whose :data:`LARGE_TYPE_PROPERTY` is true. Both are in the one style sheet,
    so that presentation mode changes the type without setting a new style sheet: that made Qt
    polish all ~800 widgets of the window again, 60-70 ms of F5 and of Esc."""
    rules = []
    for name, size in LABEL_POINT_SIZES.items():
        rules.append(f"QLabel#{name} {{ font-size: {size:.1f}pt; }}")
        rules.append(
            f'QMainWindow[{LARGE_TYPE_PROPERTY}="true"] QLabel#{name} {{ font-size: {size * LARGE_TYPE_SCALE:.1f}pt; }}'
        )
    return "\n".join(rules) + "\n"


def style_sheet() -> str:
    """The application style sheet in the active theme, with the type sizes of the named labels
    at both scales (:func:`type_sizes`)."""
    c = theme.colors
    disabled = _mix(c.text, c.panel, 0.6)  # an action that does nothing now must not look as if it would
    return (
        f"""
QMainWindow, QDialog {{ background: {c.background}; color: {c.text}; }}
QWidget {{ color: {c.text}; }}
QMenuBar, QMenu {{ background: {c.panel}; color: {c.text}; }}
QMenu::item:selected, QMenuBar::item:selected {{ background: {c.selected}; }}
QMenu::item:disabled {{ color: {disabled}; }}
QToolBar {{ background: {c.panel}; border: none; border-bottom: 1px solid {c.grid}; spacing: 6px; padding: 4px 8px; }}
QToolBar QToolButton {{ padding: 4px 8px; border-radius: 4px; color: {c.text}; }}
QToolBar QToolButton:hover {{ background: {c.hover}; }}
QToolBar QToolButton:checked {{ background: {c.selected}; }}
QToolBar QToolButton:disabled, QPushButton:disabled, QListWidget:disabled {{ color: {disabled}; }}
QStatusBar {{ background: {c.panel}; border-top: 1px solid {c.grid}; color: {c.muted}; }}
QStatusBar QLabel {{ color: {c.muted}; padding: 0 6px; }}
QTabWidget::pane {{ border: 1px solid {c.grid}; background: {c.panel}; border-radius: 4px; top: -1px; }}
QTabBar::tab {{ padding: 7px 16px; color: {c.muted}; background: transparent; border: none;
               border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {c.text}; border-bottom: 2px solid {c.accent}; font-weight: 600; }}
QTabBar::tab:hover {{ color: {c.text}; }}
QDockWidget {{ color: {c.text}; font-weight: 600; }}
QDockWidget::title {{ background: {c.background}; padding: 6px 8px; }}
QFrame#Card {{ background: {c.panel}; border: 1px solid {c.grid}; border-radius: 6px; }}
QLabel#CardTitle {{ color: {c.muted}; }}
QLabel#CardValue {{ color: {c.text}; font-weight: 600; }}
QLabel#CardValue[stale="true"] {{ color: {c.muted}; }}
QLabel#CardDetail {{ color: {c.muted}; }}
QLabel#Clock {{ font-family: "DejaVu Sans Mono", monospace; font-weight: 600;
               color: {c.text}; background: {c.background}; border: 1px solid {c.grid}; border-radius: 4px;
               padding: 2px 10px; }}
QLabel#SectionTitle {{ color: {c.text}; font-weight: 600; }}
QLabel#Hint {{ color: {c.muted}; }}
QLabel#Busy {{ color: {c.panel}; background: {c.accent}; border-radius: 9px; padding: 2px 10px;
               font-weight: 600; }}
QLabel#TourCaption {{ color: {c.text}; font-weight: 600; }}
QFrame#Entry {{ background: {c.panel}; border: 1px solid {c.grid}; border-radius: 6px; }}
QFrame#Entry:hover {{ border: 1px solid {c.accent}; background: {c.hover}; }}
QLabel#EntryTitle {{ color: {c.text}; font-weight: 600; }}
QLabel#EntryText {{ color: {c.muted}; }}
QLabel#EntryNote {{ color: {c.muted}; }}
QWidget#EntryList, QScrollArea {{ background: transparent; }}
QWidget#KpiContent {{ background: {c.background}; }}
QTableView, QListWidget {{ background: {c.panel}; gridline-color: {c.grid}; border: 1px solid {c.grid};
              selection-background-color: {c.selected}; selection-color: {c.text}; color: {c.text}; }}
QHeaderView {{ background: {c.background}; }}
QHeaderView::section {{ background: {c.background}; color: {c.muted}; border: none;
                        border-bottom: 1px solid {c.grid}; padding: 4px 6px; font-weight: 600; }}
#owners_pnl QHeaderView::up-arrow, #owners_pnl QHeaderView::down-arrow {{ width: 0px; height: 0px; image: none; }}
QTextBrowser {{ border: 1px solid {c.grid}; border-radius: 4px; background: {c.panel}; color: {c.text}; }}
QComboBox, QSpinBox, QDoubleSpinBox, QLineEdit, QPushButton {{ background: {c.panel}; color: {c.text};
              border: 1px solid {c.grid};
              border-radius: 3px; padding: 2px 6px; }}
QComboBox:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled, QLineEdit:disabled {{ color: {disabled};
              background: {c.background}; }}
QPushButton:hover {{ background: {c.hover}; }}
QCheckBox, QRadioButton {{ color: {c.text}; }}
QProgressBar {{ border: 1px solid {c.grid}; border-radius: 3px; background: {c.background}; color: {c.text};
               text-align: center; }}
QProgressBar::chunk {{ background: {c.selected}; }}
QScrollBar {{ background: {c.background}; }}
QToolBar::separator {{ background: {c.grid}; width: 1px; margin: 4px 6px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ width: 14px; border: none; background: transparent; }}
QAbstractSpinBox::up-arrow {{ image: url({_icon(f"spin_up_{c.name}.svg")}); width: 8px; height: 5px; }}
QAbstractSpinBox::down-arrow {{ image: url({_icon(f"spin_down_{c.name}.svg")}); width: 8px; height: 5px; }}
QAbstractSpinBox::up-arrow:disabled, QAbstractSpinBox::down-arrow:disabled {{ image: none; }}
"""
        + _dark_controls(c)
        + type_sizes()
    )


ICONS = Path(__file__).with_name("icons")
"""The style sheet's images (the spin boxes' arrows, one per theme: under a style sheet Qt drew
them as bare lines, T9)."""


def _icon(name: str) -> str:
    return (ICONS / name).as_posix()


def _dark_controls(c: theme.Colors) -> str:
    """Check boxes, radio buttons, scroll bars and sliders in the dark theme: Qt's own are white
    squares, circles, outlines and tracks there (T9, T10: 'Fastest', the map's colour choice,
    the owner list's scroll bars and the speed slider were bright patches on a projector). The
    light theme keeps Qt's own."""
    if c.name != "dark":
        return ""
    return f"""
QScrollBar:vertical {{ width: 12px; border: none; }}
QScrollBar:horizontal {{ height: 12px; border: none; }}
QScrollBar::handle {{ background: {c.grid}; border-radius: 4px; margin: 2px; }}
QScrollBar::handle:vertical {{ min-height: 24px; }}
QScrollBar::handle:horizontal {{ min-width: 24px; }}
QScrollBar::handle:hover {{ background: {c.muted}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0px; height: 0px; border: none; background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QSlider::groove:horizontal {{ height: 4px; background: {c.grid}; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {c.accent}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {c.text}; width: 12px; margin: -5px 0; border-radius: 6px; }}
QSlider::sub-page:horizontal:disabled {{ background: {c.grid}; }}
QSlider::handle:horizontal:disabled {{ background: {c.muted}; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 11px; height: 11px; border: 1px solid {c.muted};
              background: {c.panel}; }}
QRadioButton::indicator {{ border-radius: 6px; }}
QCheckBox::indicator {{ border-radius: 2px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{ background: {c.accent};
              border-color: {c.accent}; }}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ border-color: {c.grid}; }}
"""
