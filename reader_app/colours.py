"""Colour contrast (WCAG 2.x) and the pillar chip colours derived from it, free of Qt.

The theme surfaces below are the Window, Base and AlternateBase colours that
``reader_app.gui.theme`` puts in its palettes; chips are checked against all three.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable
from dataclasses import dataclass

BLACK = "#000000"
WHITE = "#ffffff"

# WCAG 2.x: 4.5:1 for normal text (1.4.3), 3:1 for user-interface graphics (1.4.11).
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0

# The light theme is Qt's Fusion palette.
LIGHT_WINDOW = "#efefef"
LIGHT_BACKGROUND = "#ffffff"
LIGHT_ALTERNATE_BACKGROUND = "#f7f7f7"
# The dark theme follows Qt's dark Fusion palette: Base is Window.darker(140).
DARK_WINDOW = "#323232"
DARK_BACKGROUND = "#242424"
DARK_ALTERNATE_BACKGROUND = "#2b2b2b"

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
# Lightness moves in steps this small, so a chip stays as close to its pillar colour as it can.
_STEPS = 200


@dataclass(frozen=True)
class Chip:
    """A pillar chip's colours, as "#rrggbb": its fill and the text drawn on it."""

    fill: str
    text: str


def parse_hex(colour: str) -> tuple[int, int, int]:
    """Return the 0-255 channels of a "#rrggbb" colour; raise ValueError for anything else."""
    if not _HEX.fullmatch(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def to_hex(red: int, green: int, blue: int) -> str:
    return f"#{red:02x}{green:02x}{blue:02x}"


def _linear(channel: int) -> float:
    value = channel / 255
    # WCAG 2.x quotes 0.03928 (from an sRGB draft); 0.04045 is the standard's value.
    # No 8-bit channel falls between the two, so the result is the same.
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance: 0 for black, 1 for white."""
    red, green, blue = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.x contrast ratio between two colours, from 1 (same) to 21 (black and white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``.

    One of the two always reaches at least 4.58:1, so this text passes WCAG AA on any fill.
    """
    if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background):
        return BLACK
    return WHITE


def backgrounds(dark: bool) -> tuple[str, str, str]:
    """The surfaces a chip can sit on in a theme: window, base and alternate base."""
    if dark:
        return DARK_WINDOW, DARK_BACKGROUND, DARK_ALTERNATE_BACKGROUND
    return LIGHT_WINDOW, LIGHT_BACKGROUND, LIGHT_ALTERNATE_BACKGROUND


def shift_lightness(colour: str, lighter: bool, accept: Callable[[str], bool]) -> str:
    """The colour nearest ``colour`` in HLS lightness, same hue and saturation, that ``accept``s.

    Moves one way only (towards white if ``lighter``, else towards black) and ends at white
    or black if nothing on the way is accepted.
    """
    if accept(colour):
        return colour
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in parse_hex(colour)))
    target = 1.0 if lighter else 0.0
    candidate = colour
    for step in range(1, _STEPS + 1):
        level = lightness + (target - lightness) * step / _STEPS
        channels = colorsys.hls_to_rgb(hue, level, saturation)
        candidate = to_hex(*(round(c * 255) for c in channels))
        if accept(candidate):
            break
    return candidate


def pillar_chip(colour: str, dark: bool) -> Chip:
    """Chip colours for a pillar's manifest colour in the light or dark theme.

    The fill keeps the pillar's hue and is darkened (light theme) or lightened (dark theme)
    until it stands out 3:1 from every theme surface and its text reaches 4.5:1.
    """
    surfaces = backgrounds(dark)

    def compliant(fill: str) -> bool:
        return contrast_ratio(readable_on(fill), fill) >= TEXT_CONTRAST and all(
            contrast_ratio(fill, surface) >= NON_TEXT_CONTRAST for surface in surfaces
        )

    fill = shift_lightness(colour.lower(), lighter=dark, accept=compliant)
    return Chip(fill=fill, text=readable_on(fill))
