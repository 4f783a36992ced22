"""Links clicked on the bundled "Championing place-based recovery" infographic, as a reader
clicks them: a pillar's heading opens the directory's list filtered to that pillar, a
council's name opens our summary of its strategy, both at once, and Socitm's address
leaves the app only after the reader has agreed."""

import pytest
from PySide6.QtWidgets import QMessageBox
from strategy_views import click_box, open_page, page_links, shown_ids, strategies

from reader_app.deep_links import parse_deep_link
from reader_app.facets import Selection
from reader_app.gui.document_view import DocumentView

INFOGRAPHIC = "championing-place-based-recovery"
RENEW = "resource-reader://directory?pillar=renew"


@pytest.fixture
def infographic(qtbot, window, library) -> tuple[DocumentView, list]:
    """The infographic open in the main window, and the links on its page."""
    return open_page(qtbot, window, INFOGRAPHIC), page_links(library, INFOGRAPHIC)


def test_a_pillars_link_opens_the_directory_filtered_to_it(
    qtbot, window, library, infographic, browser
) -> None:
    view, links = infographic
    box = next(box for uri, box in links if uri == RENEW)
    assert window.tabs.currentWidget() is view
    click_box(view, box)
    assert browser.boxes == [] and browser.opened == []  # no question, no browser
    assert window.tabs.currentIndex() == 0
    assert window.facet_panel.selection == Selection(
        kind=frozenset({"strategy"}), pillar=frozenset({"renew"})
    )
    expected = strategies(library, pillar="renew")
    shown = shown_ids(window)
    assert expected and sorted(shown) == sorted(expected)
    assert len(expected) < len(strategies(library))  # a filter, not the whole directory


def test_a_councils_name_opens_its_strategy_in_a_tab(
    qtbot, window, library, infographic, browser
) -> None:
    view, links = infographic
    targets = [(parse_deep_link(uri), box) for uri, box in links if "://open?" in uri]
    assert len(targets) >= 16  # four councils a pillar
    (council, _page), box = targets[0]
    assert library.resource(council).kind == "strategy"
    click_box(view, box)
    assert browser.boxes == [] and browser.opened == []
    current = window.current_document()
    assert current is not None and current is not view
    assert current.resource.id == council
    assert window.tabs.currentWidget() is current


def test_socitms_address_opens_only_after_asking(qtbot, window, infographic, browser) -> None:
    view, links = infographic
    uri, box = next((uri, box) for uri, box in links if "socitm.net" in uri)
    browser.answer = QMessageBox.StandardButton.Cancel
    click_box(view, box)
    ((text, _format),) = browser.boxes
    assert uri in text
    assert browser.opened == []  # cancelled: nothing opened
    assert window.tabs.currentWidget() is view  # and the reader is still on the page
    browser.answer = QMessageBox.StandardButton.Open
    click_box(view, box)
    assert len(browser.boxes) == 2 and browser.opened == [uri]
