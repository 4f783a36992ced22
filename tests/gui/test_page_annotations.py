"""Annotations painted over a page: highlights multiplied into it, the chosen one
outlined, and the same picture whether a page has a few or many (cached) of them."""

from dataclasses import replace

import pytest
from PySide6.QtGui import QColor

from reader_app.annotations import COLOURS, Annotation
from reader_app.gui.page_widget import LAYER_OVER, PageWidget


def highlights(count: int) -> list[Annotation]:
    """One highlight per row down the page, 10 points high."""
    return [
        Annotation(
            id=f"a{i}",
            resource_id="r",
            doc_sha256="s",
            kind="highlight",
            page=1,
            quads=((100.0, 20.0 + i * 12, 300.0, 30.0 + i * 12),),
            exact="words",
            updated=f"t{i}",
            created=f"t{i}",
        )
        for i in range(count)
    ]


def colour_at(page: PageWidget, item: Annotation) -> QColor:
    x0, y0, x1, y1 = item.quads[0]
    image = page.grab().toImage()
    return image.pixelColor(round((x0 + x1) / 2 * page.scale), round((y0 + y1) / 2 * page.scale))


@pytest.mark.parametrize("count", [3, LAYER_OVER + 20])
def test_highlights_are_painted_and_follow_changes(qtbot, count) -> None:
    page = PageWidget(1)
    qtbot.addWidget(page)
    page.setFixedSize(595, 842)  # one pixel per point
    items = highlights(count)
    page.set_annotations(items, None)
    last = items[-1]
    assert colour_at(page, last) == QColor(COLOURS["yellow"])  # multiplied into white
    # A change of colour (a new time of change) is painted: a cached layer is redrawn.
    recoloured = replace(last, color="blue", updated="later")
    page.set_annotations([*items[:-1], recoloured], None)
    assert colour_at(page, last) == QColor(COLOURS["blue"])
    # Gone when removed.
    page.set_annotations(items[:-1], None)
    assert colour_at(page, last) == QColor("white")
    # One added to those already drawn (drawn onto a cached layer), then a new size.
    added = replace(last, id="new", color="green", updated="new")
    page.set_annotations([*items[:-1], added], None)
    assert colour_at(page, added) == QColor(COLOURS["green"])
    assert colour_at(page, items[0]) == QColor(COLOURS["yellow"])
    page.setFixedSize(1190, 1684)
    assert colour_at(page, added) == QColor(COLOURS["green"])
    assert colour_at(page, items[0]) == QColor(COLOURS["yellow"])


def test_only_pages_with_the_chosen_annotation_repaint(qtbot) -> None:
    first, second = PageWidget(1), PageWidget(2)
    items = highlights(2)
    first.set_annotations(items[:1], None)
    second.set_annotations(items[1:], None)
    painted: list[int] = []
    for page in (first, second):
        page.update = lambda number=page.number: painted.append(number)  # type: ignore[method-assign]
        page.set_chosen(items[0].id)
    assert painted == [1]
    assert second.chosen_annotation == items[0].id  # known, so it repaints when unchosen
