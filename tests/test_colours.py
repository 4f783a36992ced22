"""WCAG contrast arithmetic and pillar chips that pass it in both themes."""

import pytest

from reader_app.catalog import Catalog
from reader_app.colours import (
    BLACK,
    NON_TEXT_CONTRAST,
    TEXT_CONTRAST,
    WHITE,
    backgrounds,
    contrast_ratio,
    parse_hex,
    pillar_chip,
    readable_on,
    relative_luminance,
    shift_lightness,
)
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_manifest(bundled_dir() / MANIFEST_NAME)


def assert_compliant(colour: str, dark: bool) -> None:
    chip = pillar_chip(colour, dark)
    assert contrast_ratio(chip.text, chip.fill) >= TEXT_CONTRAST, (colour, dark, chip)
    for surface in backgrounds(dark):
        assert contrast_ratio(chip.fill, surface) >= NON_TEXT_CONTRAST, (colour, surface, chip)


def test_luminance_extremes() -> None:
    assert relative_luminance(BLACK) == 0
    assert relative_luminance(WHITE) == pytest.approx(1)


def test_known_contrast_ratios() -> None:
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21)
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21)
    assert contrast_ratio("#1b7a55", "#1b7a55") == pytest.approx(1)
    # The grey usually quoted as just failing AA on white.
    assert contrast_ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)
    # ...and the one usually quoted as just passing.
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


def test_parse_hex_rejects_other_forms() -> None:
    assert parse_hex("#1B7a55") == (0x1B, 0x7A, 0x55)
    for bad in ("1b7a55", "#fff", "#12345g", "red"):
        with pytest.raises(ValueError):
            parse_hex(bad)


def test_readable_on_picks_the_stronger_of_black_and_white() -> None:
    assert readable_on(WHITE) == BLACK
    assert readable_on("#ffff00") == BLACK
    assert readable_on(BLACK) == WHITE
    assert readable_on("#000033") == WHITE
    for grey in range(0, 256, 5):
        colour = f"#{grey:02x}{grey:02x}{grey:02x}"
        assert contrast_ratio(readable_on(colour), colour) >= TEXT_CONTRAST


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_pillar_chip_passes_in_both_themes(catalog: Catalog, dark: bool) -> None:
    assert len(catalog.pillars) == 4
    for pillar in catalog.pillars:
        assert_compliant(pillar.colour, dark)


def test_light_theme_chips_keep_the_manifest_colours(catalog: Catalog) -> None:
    # They already pass on light surfaces, so nothing needs to move.
    for pillar in catalog.pillars:
        assert pillar_chip(pillar.colour, dark=False).fill == pillar.colour.lower()


def test_dark_theme_chips_keep_the_hue_and_get_lighter(catalog: Catalog) -> None:
    import colorsys

    def hls(colour: str) -> tuple[float, float, float]:
        return colorsys.rgb_to_hls(*(c / 255 for c in parse_hex(colour)))

    for pillar in catalog.pillars:
        fill = pillar_chip(pillar.colour, dark=True).fill
        assert relative_luminance(fill) > relative_luminance(pillar.colour)
        assert hls(fill)[0] == pytest.approx(hls(pillar.colour)[0], abs=0.01)


@pytest.mark.parametrize(
    "colour", ["#ffff00", "#000033", "#ffffff", "#000000", "#777777", "#00ffff", "#ff0000"]
)
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_arbitrary_colours_still_give_compliant_chips(colour: str, dark: bool) -> None:
    assert_compliant(colour, dark)


def test_chips_are_deterministic() -> None:
    assert pillar_chip("#ffff00", dark=False) == pillar_chip("#FFFF00", dark=False)


def test_shift_lightness_ends_at_black_or_white() -> None:
    assert shift_lightness("#2b5ea7", lighter=False, accept=lambda c: False) == BLACK
    assert shift_lightness("#2b5ea7", lighter=True, accept=lambda c: False) == WHITE
    assert shift_lightness("#2b5ea7", lighter=True, accept=lambda c: True) == "#2b5ea7"
