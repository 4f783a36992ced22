"""Light and dark palettes on the Fusion style, and following the system's colour scheme.

The palettes are explicit, not left to the platform, so the Window and Base colours are
the ones ``reader_app.colours`` checks pillar chips against.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QWidget,
)

from reader_app import colours
from reader_app.settings import THEMES

STYLE = "Fusion"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


@dataclass(frozen=True)
class Scheme:
    """The colours a palette is built from; the 3D bevel shades derive from ``window``."""

    window: str
    base: str
    alternate_base: str
    text: str
    disabled_text: str
    placeholder: str
    highlight: str
    highlighted_text: str
    link: str
    link_visited: str
    tooltip_base: str
    tooltip_text: str


# Qt's Fusion palette, except where it misses WCAG AA: its highlight (#308cc6) gives white
# text 3.7:1, its visited links (#ff00ff) 3.1:1, its placeholder (half-transparent text) 3.9:1.
LIGHT = Scheme(
    window=colours.LIGHT_WINDOW,
    base=colours.LIGHT_BACKGROUND,
    alternate_base=colours.LIGHT_ALTERNATE_BACKGROUND,
    text="#000000",
    disabled_text="#bebebe",
    placeholder="#6c6c6c",
    # Fusion's highlight hue, darkened until white text on it passes AA.
    highlight="#2873a3",
    highlighted_text="#ffffff",
    link="#0000ff",
    link_visited="#800080",
    tooltip_base="#ffffdc",
    tooltip_text="#000000",
)

DARK = Scheme(
    window=colours.DARK_WINDOW,
    base=colours.DARK_BACKGROUND,
    alternate_base=colours.DARK_ALTERNATE_BACKGROUND,
    text="#f0f0f0",
    disabled_text="#828282",
    placeholder="#a0a0a0",
    highlight="#2873a3",
    highlighted_text="#ffffff",
    link="#8ab4f8",
    link_visited="#c58af9",
    tooltip_base="#404040",
    tooltip_text="#f0f0f0",
)


def build_palette(dark: bool) -> QPalette:
    """The full palette for a theme, every role and the disabled group set explicitly."""
    scheme = DARK if dark else LIGHT
    window = QColor(scheme.window)
    # The same shades Qt's Fusion palette derives from its window colour.
    light = window.lighter(150)
    mid = window.darker(130)
    shade = window.darker(150)
    shadow = shade.darker(135)
    palette = QPalette()
    for role, colour in (
        (Role.Window, window),
        (Role.Button, window),
        (Role.WindowText, QColor(scheme.text)),
        (Role.ButtonText, QColor(scheme.text)),
        (Role.Text, QColor(scheme.text)),
        (Role.Base, QColor(scheme.base)),
        (Role.AlternateBase, QColor(scheme.alternate_base)),
        (Role.PlaceholderText, QColor(scheme.placeholder)),
        (Role.BrightText, QColor(colours.WHITE)),
        (Role.Light, light),
        (Role.Midlight, mid.lighter(110)),
        (Role.Mid, mid),
        (Role.Dark, shade),
        (Role.Shadow, shadow),
        (Role.Highlight, QColor(scheme.highlight)),
        (Role.Accent, QColor(scheme.highlight)),
        (Role.HighlightedText, QColor(scheme.highlighted_text)),
        (Role.Link, QColor(scheme.link)),
        (Role.LinkVisited, QColor(scheme.link_visited)),
        (Role.ToolTipBase, QColor(scheme.tooltip_base)),
        (Role.ToolTipText, QColor(scheme.tooltip_text)),
    ):
        palette.setColor(role, colour)
    disabled_text = QColor(scheme.disabled_text)
    disabled_highlight = QColor("#919191")
    for role, colour in (
        (Role.WindowText, disabled_text),
        (Role.ButtonText, disabled_text),
        (Role.Text, disabled_text),
        (Role.PlaceholderText, disabled_text),
        (Role.Base, window),
        (Role.Highlight, disabled_highlight),
        (Role.Accent, disabled_highlight),
        (Role.Shadow, shadow.lighter(150)),
    ):
        palette.setColor(Group.Disabled, role, colour)
    return palette


def system_is_dark(app: QApplication) -> bool:
    # Unknown (no platform preference, or the offscreen platform) counts as light.
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, choice: str) -> bool:
    """Apply "system", "light" or "dark" to the whole app; return whether it is now dark."""
    if choice not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)}: {choice!r}")
    _override_color_scheme(app, choice)
    dark = system_is_dark(app) if choice == "system" else choice == "dark"
    _apply_palette(app, dark)
    return dark


def _override_color_scheme(app: QApplication, choice: str) -> None:
    # Qt 6.8 added the override; it also tells native dialogs and title bars on the
    # platforms that support it. Earlier Qt just has our palette.
    hints = app.styleHints()
    if choice == "system":
        if hasattr(hints, "unsetColorScheme"):
            hints.unsetColorScheme()
    elif hasattr(hints, "setColorScheme"):
        hints.setColorScheme(Qt.ColorScheme.Dark if choice == "dark" else Qt.ColorScheme.Light)


# Borders of check boxes and radio buttons: Fusion draws them a shade darker than the
# window, which all but vanishes on a dark base (and is 2.3:1 on white). These keep
# WCAG 1.4.11's 3:1 against the base colour of each theme.
INDICATOR_BORDER = {False: "#767676", True: "#a0a0a0"}
_INDICATORS = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
)


class ReaderStyle(QProxyStyle):
    """Fusion, with check box borders that can be seen in both themes."""

    def __init__(self) -> None:
        # By name: Qt makes and owns the base style. A base made in Python would be
        # deleted when its wrapper is collected, under the proxy's feet.
        super().__init__(STYLE)

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in _INDICATORS:
            dark = option.palette.color(Role.Base).lightness() < 128
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(INDICATOR_BORDER[dark]), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            size = min(option.rect.width(), option.rect.height(), 14)
            box = QRectF(0, 0, size - 1, size - 1)
            box.moveCenter(QRectF(option.rect).center())
            painter.drawRoundedRect(box, 2, 2)
            painter.restore()


def _apply_palette(app: QApplication, dark: bool) -> None:
    # Style first: QApplication.setStyle may reset the palette to the style's own.
    if not isinstance(app.style(), ReaderStyle):
        app.setStyle(ReaderStyle())
    app.setPalette(build_palette(dark))


class ThemeFollower(QObject):
    """Keeps the app in the user's chosen theme, following the system while that is "system".

    Views that paint their own colours (pillar chips) listen to ``theme_changed``.
    """

    theme_changed = Signal(bool)

    def __init__(
        self, app: QApplication, choice: str = "system", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._app = app
        self._choice = choice
        self._dark = apply_theme(app, choice)
        app.styleHints().colorSchemeChanged.connect(self.on_color_scheme_changed)

    @property
    def choice(self) -> str:
        return self._choice

    @property
    def dark(self) -> bool:
        return self._dark

    def set_choice(self, choice: str) -> None:
        """Switch to another theme choice; emits ``theme_changed`` if light/dark flips."""
        if choice not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}: {choice!r}")
        # Set first: clearing the override may report the system scheme straight away.
        self._choice = choice
        self._show(apply_theme(self._app, choice))

    @Slot(Qt.ColorScheme)
    def on_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        # Our own override also lands here; only a "system" choice follows the signal.
        if self._choice != "system":
            return
        dark = scheme == Qt.ColorScheme.Dark
        _apply_palette(self._app, dark)
        self._show(dark)

    def _show(self, dark: bool) -> None:
        if dark != self._dark:
            self._dark = dark
            self.theme_changed.emit(dark)
