"""Light and dark palettes, the system scheme, and following it while the choice is "system"."""

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from reader_app import colours
from reader_app.colours import TEXT_CONTRAST, contrast_ratio
from reader_app.gui.theme import ReaderStyle, ThemeFollower, apply_theme, build_palette

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# Text roles and the background each is drawn on; all must reach WCAG AA.
TEXT_PAIRS = [
    (Role.WindowText, Role.Window),
    (Role.Text, Role.Base),
    (Role.Text, Role.AlternateBase),
    (Role.ButtonText, Role.Button),
    (Role.HighlightedText, Role.Highlight),
    (Role.ToolTipText, Role.ToolTipBase),
    (Role.PlaceholderText, Role.Base),
    (Role.Link, Role.Base),
    (Role.LinkVisited, Role.Base),
]


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The shared QApplication, with its style, palette and scheme put back afterwards."""
    style = qapp.style().name()  # "" for our own proxy style
    palette = QPalette(qapp.palette())
    yield qapp
    hints = qapp.styleHints()
    if hasattr(hints, "unsetColorScheme"):
        hints.unsetColorScheme()
    if qapp.style().name() != style:
        qapp.setStyle(style or ReaderStyle())
    # An empty palette clears the explicit one, so Qt falls back to the style's own;
    # if an earlier test had set one, that one comes back.
    qapp.setPalette(QPalette())
    if qapp.palette() != palette:
        qapp.setPalette(palette)


@pytest.fixture
def follower_for(app: QApplication) -> Iterator[Callable[[str], ThemeFollower]]:
    """Makes followers and cuts them off from the shared style hints afterwards."""
    made: list[ThemeFollower] = []

    def make(choice: str) -> ThemeFollower:
        made.append(ThemeFollower(app, choice))
        return made[-1]

    yield make
    for follower in made:
        app.styleHints().colorSchemeChanged.disconnect(follower.on_color_scheme_changed)


def colour(palette: QPalette, role: QPalette.ColorRole) -> str:
    return palette.color(Group.Active, role).name()


def window_and_base(app: QApplication) -> tuple[str, str]:
    palette = app.palette()
    return colour(palette, Role.Window), colour(palette, Role.Base)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_palettes_reach_aa_contrast(dark: bool) -> None:
    palette = build_palette(dark)
    for group in (Group.Active, Group.Inactive):
        for text, background in TEXT_PAIRS:
            fore = palette.color(group, text)
            assert fore.alpha() == 255, text
            ratio = contrast_ratio(fore.name(), palette.color(group, background).name())
            assert ratio >= TEXT_CONTRAST, (group, text, background, ratio)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_palette_surfaces_match_the_colours_module(dark: bool) -> None:
    palette = build_palette(dark)
    surfaces = (
        colour(palette, Role.Window),
        colour(palette, Role.Base),
        colour(palette, Role.AlternateBase),
    )
    assert surfaces == colours.backgrounds(dark)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_disabled_text_is_distinct_from_enabled(dark: bool) -> None:
    palette = build_palette(dark)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        assert palette.color(Group.Disabled, role) != palette.color(Group.Active, role)
    assert palette.color(Group.Disabled, Role.Highlight) != palette.color(Role.Highlight)


def test_light_and_dark_overrides(app: QApplication) -> None:
    assert apply_theme(app, "dark") is True
    assert isinstance(app.style(), ReaderStyle)
    assert app.style().baseStyle().name().lower() == "fusion"
    assert window_and_base(app) == (colours.DARK_WINDOW, colours.DARK_BACKGROUND)
    assert apply_theme(app, "light") is False
    assert window_and_base(app) == (colours.LIGHT_WINDOW, colours.LIGHT_BACKGROUND)


def test_system_follows_the_platform_scheme(app: QApplication) -> None:
    apply_theme(app, "dark")
    scheme = app.styleHints().colorScheme()
    dark = apply_theme(app, "system")
    # Offscreen reports no preference, which counts as light.
    assert dark is (scheme == Qt.ColorScheme.Dark)
    expected = colours.DARK_WINDOW if dark else colours.LIGHT_WINDOW
    assert window_and_base(app)[0] == expected


def test_unknown_choice_is_rejected(app: QApplication) -> None:
    with pytest.raises(ValueError, match="theme"):
        apply_theme(app, "sepia")


def test_follower_tracks_the_system_scheme(qtbot, app: QApplication, follower_for) -> None:
    follower = follower_for("system")
    assert follower.dark is False
    hints = app.styleHints()
    with qtbot.wait_signal(follower.theme_changed) as blocker:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert blocker.args == [True]
    assert follower.dark is True
    assert window_and_base(app)[0] == colours.DARK_WINDOW
    with qtbot.wait_signal(follower.theme_changed) as blocker:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Unknown)
    assert blocker.args == [False]
    assert window_and_base(app)[0] == colours.LIGHT_WINDOW


def test_follower_ignores_the_system_while_overridden(
    qtbot, app: QApplication, follower_for
) -> None:
    follower = follower_for("light")
    with qtbot.wait_signal(follower.theme_changed) as blocker:
        follower.set_choice("dark")
    assert blocker.args == [True]
    with qtbot.assert_not_emitted(follower.theme_changed):
        app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
        follower.set_choice("dark")
    assert follower.dark is True
    assert window_and_base(app)[0] == colours.DARK_WINDOW
    with pytest.raises(ValueError):
        follower.set_choice("neon")
    assert follower.choice == "dark"


@pytest.mark.parametrize("dark", [False, True])
def test_check_box_borders_keep_3_to_1_against_the_base(app, qtbot, dark) -> None:
    from PySide6.QtWidgets import QCheckBox

    from reader_app.gui.theme import INDICATOR_BORDER

    apply_theme(app, "dark" if dark else "light")
    base = build_palette(dark).color(Role.Base).name()
    assert contrast_ratio(INDICATOR_BORDER[dark], base) >= 3
    box = QCheckBox()
    qtbot.addWidget(box)
    box.setPalette(build_palette(dark))
    box.resize(40, 30)
    image = box.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(40) for y in range(30)}
    assert INDICATOR_BORDER[dark] in colours  # the border is drawn in that colour
