"""The council strategies directory: the pillar-by-nation table of counts, its cells
(clicked or chosen with the keyboard) opening the matching list, directory links, and
links clicked on a strategy's page: ours open in the app, a council's address asks first."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QKeySequence, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from strategy_views import click_box, open_page, page_links, shown_ids, strategies
from windows import make_window

from reader_app.catalog import NATIONS
from reader_app.colours import TEXT_CONTRAST, contrast_ratio
from reader_app.deep_links import parse_directory_link
from reader_app.directory import spread
from reader_app.facets import Selection
from reader_app.gui.directory_view import CAPTION, DirectoryView

# A strategy whose page links to its council's address and to the directory.
LINKED = "strategy-denbighshire-county-council"


def open_directory(qtbot, window) -> DirectoryView:
    window.tabs.setCurrentIndex(0)
    window.activateWindow()
    QTest.keyClick(
        window,
        Qt.Key.Key_D,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    view = window.directory.view
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is view)
    return view


def test_the_directory_counts_strategies_by_pillar_and_nation(qtbot, window, library):
    action = window.directory.action
    assert action.shortcut() == QKeySequence("Ctrl+Shift+D")
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert action in view_menu.actions()
    assert action in window.search_toolbar.actions()
    view = open_directory(qtbot, window)
    assert view.caption.text() == CAPTION
    assert view.caption.textFormat() == Qt.TextFormat.PlainText
    model, table = view.model, view.table
    assert table.hasFocus()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Pillar", *NATIONS, "All nations"]
    catalog = library.catalog
    for row, pillar in enumerate(catalog.pillars):
        assert model.index(row, 0).data() == pillar.name
        for column, nation in enumerate(NATIONS, start=1):
            expected = len(strategies(library, pillar.id, nation))
            assert model.index(row, column).data() == str(expected)
        total = model.index(row, len(NATIONS) + 1).data()
        assert total == str(len(strategies(library, pillar.id)))
    last = len(catalog.pillars)
    assert model.index(last, 0).data() == "All strategies"
    assert model.index(last, len(NATIONS) + 1).data() == str(len(strategies(library)))
    wales = len(strategies(library, "renew", "Wales"))
    renew_row = [p.id for p in catalog.pillars].index("renew")
    cell = model.index(renew_row, NATIONS.index("Wales") + 1)
    assert cell.data(Qt.ItemDataRole.AccessibleTextRole) == f"Renew, Wales: {wales} strategies"
    # What a screen reader is given for each cell, through Qt's accessibility tree.
    tree = QAccessible.queryAccessibleInterface(table)
    cells = {
        tree.child(i).text(QAccessible.Text.Name)
        for i in range(tree.childCount())
        if tree.child(i).role() == QAccessible.Role.Cell
    }
    assert f"Renew, Wales: {wales} strategies" in cells
    assert f"All strategies, all nations: {len(strategies(library))} strategies" in cells
    # The pillar's name on its colour, as in the facet panel's chips.
    assert model.index(renew_row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_the_core_spread_agrees_with_the_table(window, library) -> None:
    found = spread(library.catalog.resources)
    assert found["renew"]["Wales"] == len(strategies(library, "renew", "Wales"))
    assert sum(found["reform"].values()) == len(strategies(library, "reform"))


def test_clicking_a_cell_lists_exactly_its_strategies(qtbot, window, library) -> None:
    view = open_directory(qtbot, window)
    index = view.index_of("renew", "Wales")
    rect = view.table.visualRect(index)
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentIndex() == 0
    assert window.facet_panel.selection == Selection(
        kind=frozenset({"strategy"}), pillar=frozenset({"renew"}), nation=frozenset({"Wales"})
    )
    expected = strategies(library, "renew", "Wales")
    assert expected and set(shown_ids(window)) == expected
    assert window.library_view().hasFocus()


def test_enter_on_a_cell_chosen_with_the_arrow_keys_lists_its_strategies(
    qtbot, window, library
) -> None:
    view = open_directory(qtbot, window)
    table = view.table
    table.setCurrentIndex(view.model.index(0, 0))
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Right):
        QTest.keyClick(table, key)
    pillar = library.catalog.pillars[1].id
    assert table.currentIndex() == view.index_of(pillar, NATIONS[1])
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert set(shown_ids(window)) == strategies(library, pillar, NATIONS[1])
    # The totals: a nation's row of all strategies lists all of that nation's.
    view = open_directory(qtbot, window)
    table.setCurrentIndex(view.index_of(None, "Scotland"))
    QTest.keyClick(table, Qt.Key.Key_Enter)
    assert window.facet_panel.selection == Selection(
        kind=frozenset({"strategy"}), nation=frozenset({"Scotland"})
    )
    assert set(shown_ids(window)) == strategies(library, nation="Scotland")


def test_a_directory_link_opens_the_list_filtered_so(qtbot, window, library) -> None:
    window.search_field.setText("recovery")  # the list, not search results, is shown
    window.open_link("resource-reader://directory?pillar=resilient&nation=Northern%20Ireland")
    assert window.tabs.currentIndex() == 0
    assert window.search_field.text() == ""
    assert window.centre.currentWidget() is window.library_view()
    expected = strategies(library, "resilient", "Northern Ireland")
    assert expected and set(shown_ids(window)) == expected
    window.open_link("resource-reader://directory")  # no facets: the directory itself
    assert window.tabs.currentWidget() is window.directory.view
    for link in (
        "resource-reader://directory?colour=red",
        "resource-reader://directory?pillar=rethink",
        "resource-reader://directory?nation=Atlantis",
    ):
        window.statusBar().clearMessage()
        window.open_link(link)
        assert "points to nothing" in window.statusBar().currentMessage()
    assert set(shown_ids(window)) == expected  # the list chosen before stays


def test_directory_links_are_parsed() -> None:
    assert parse_directory_link(
        "resource-reader://directory?pillar=renew&nation=Northern%20Ireland&council_type=city"
    ) == {"pillar": "renew", "nation": "Northern Ireland", "council_type": "city"}
    assert parse_directory_link("resource-reader://directory") == {}
    assert parse_directory_link("resource-reader://open?id=x") is None
    assert parse_directory_link("resource-reader://directory?pillar=a&pillar=b") is None
    assert parse_directory_link("https://directory?pillar=renew") is None


def test_the_directory_tab_closes_and_opens_again(qtbot, window) -> None:
    view = open_directory(qtbot, window)
    window.close_current_tab()
    assert window.tabs.indexOf(view) == -1
    window.directory.action.trigger()
    assert window.tabs.currentWidget() is view


@pytest.mark.parametrize("dark", [False, True])
def test_every_cell_reads_at_aa_contrast(qtbot, library, dark) -> None:
    view = DirectoryView(library.catalog, dark=dark)
    qtbot.addWidget(view)
    model = view.model
    coloured = 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            fill = index.data(Qt.ItemDataRole.BackgroundRole)
            text = index.data(Qt.ItemDataRole.ForegroundRole)
            if fill is None:
                continue
            coloured += 1
            assert contrast_ratio(fill.name(), text.name()) >= TEXT_CONTRAST
    assert coloured >= len(library.catalog.pillars) * 2


def test_the_directory_counts_what_the_library_holds_now(qtbot, window, library):
    """The library's one change signal reaches the directory: fewer strategies, fewer counted."""
    from dataclasses import replace

    view = open_directory(qtbot, window)
    catalog = library.catalog
    kept = tuple(r for r in catalog.resources if r.nation != "Wales")
    library.catalog = replace(catalog, resources=kept)
    window.changes.catalog_changed.emit(set())
    last = view.model.rowCount() - 1  # all strategies
    wales, ireland = (NATIONS.index(n) + 1 for n in ("Wales", "Northern Ireland"))
    assert view.model.index(last, wales).data() == "0"
    irish = [r for r in kept if r.nation == "Northern Ireland"]
    assert irish and view.model.index(last, ireland).data() == str(len(irish))
    total = len([r for r in kept if r.kind == "strategy"])
    assert str(total) in view.heading.text()


# Links on a strategy's page


def test_a_directory_link_on_a_page_opens_the_list_at_once(qtbot, window, library, browser) -> None:
    view = open_page(qtbot, window, LINKED)
    uri, box = next((u, b) for u, b in page_links(library, LINKED) if "://directory" in u)
    click_box(view, box)
    assert browser.boxes == [] and browser.opened == []  # no question, no browser
    assert window.tabs.currentIndex() == 0
    strategy = library.resource(LINKED)
    values = {"nation": strategy.nation, "council_type": strategy.council_type}
    assert parse_directory_link(uri) == values
    assert window.facet_panel.selection == Selection(
        kind=frozenset({"strategy"}), **{f: frozenset({v}) for f, v in values.items()}
    )
    expected = {
        r.id
        for r in library.catalog.resources
        if r.kind == "strategy" and (r.nation, r.council_type) == tuple(values.values())
    }
    assert LINKED in expected and set(shown_ids(window)) == expected


def test_a_councils_address_opens_only_after_asking(qtbot, window, library, browser):
    view = open_page(qtbot, window, LINKED)
    council = library.resource(LINKED).source_url
    box = next(b for u, b in page_links(library, LINKED) if u == council)
    browser.answer = QMessageBox.StandardButton.Cancel
    click_box(view, box)
    assert len(browser.boxes) == 1 and council in browser.boxes[0][0]
    assert browser.opened == []  # cancelled
    browser.answer = QMessageBox.StandardButton.Open
    click_box(view, box)
    assert browser.opened == [council]


def test_the_cells_colours_follow_the_theme(qtbot, library, tmp_path) -> None:
    from reader_app.gui.theme import apply_theme

    app = QApplication.instance()
    try:
        apply_theme(app, "dark")  # as at a start in the dark theme
        window = make_window(qtbot, library, tmp_path / "state.ini", (1200, 800))
        window.set_theme("dark")
        model = window.directory.view.model
        england = model.index(0, 1)  # Reset, England
        assert england.data(Qt.ItemDataRole.BackgroundRole).lightness() < 100
        window.set_theme("light")
        assert app.palette().color(QPalette.ColorRole.WindowText).lightness() < 80
        assert england.data(Qt.ItemDataRole.BackgroundRole).lightness() > 100
        window.close()
    finally:
        app.setPalette(QPalette())
