"""The council strategies directory: the pillar-by-nation table of counts, its cells
(clicked or chosen with the keyboard) opening the matching list, directory links, and
links clicked on a strategy's page: ours open in the app, a council's address asks first."""

from types import SimpleNamespace

import pytest
from pointer import canvas_point, click
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAccessible, QDesktopServices, QKeySequence, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from windows import make_window

from reader_app.catalog import NATIONS
from reader_app.colours import TEXT_CONTRAST, contrast_ratio
from reader_app.deep_links import parse_directory_link
from reader_app.directory import spread
from reader_app.facets import Selection
from reader_app.gui.directory_view import CAPTION, DirectoryView
from reader_app.gui.document_view import DocumentView
from reader_app.gui.resource_model import RESOURCE_ROLE

TIMEOUT = 30_000


@pytest.fixture
def window(qtbot, strategy_library, tmp_path):
    win = make_window(qtbot, strategy_library, tmp_path / "state.ini", (1200, 800))
    yield win
    win.close()


@pytest.fixture
def browser(monkeypatch):
    """Stands in for the system browser and the message boxes: records, never opens."""
    browser = SimpleNamespace(opened=[], boxes=[], answer=QMessageBox.StandardButton.Open)

    def fake_exec(box: QMessageBox) -> int:
        browser.boxes.append(box.text())
        return browser.answer

    def fake_open(url: QUrl) -> bool:
        browser.opened.append(url.toString())
        return True

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QDesktopServices, "openUrl", fake_open)
    return browser


def shown_ids(window) -> set[str]:
    proxy = window.proxy
    return {proxy.index(row, 0).data(RESOURCE_ROLE) for row in range(proxy.rowCount())}


def strategies(library, pillar: str | None = None, nation: str | None = None) -> set[str]:
    return {
        r.id
        for r in library.catalog.resources
        if r.kind == "strategy"
        and (pillar is None or pillar in r.pillars)
        and (nation is None or r.nation == nation)
    }


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


def test_the_directory_counts_strategies_by_pillar_and_nation(qtbot, window, strategy_library):
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
    catalog = strategy_library.catalog
    for row, pillar in enumerate(catalog.pillars):
        assert model.index(row, 0).data() == pillar.name
        for column, nation in enumerate(NATIONS, start=1):
            expected = len(strategies(strategy_library, pillar.id, nation))
            assert model.index(row, column).data() == str(expected)
        total = model.index(row, len(NATIONS) + 1).data()
        assert total == str(len(strategies(strategy_library, pillar.id)))
    last = len(catalog.pillars)
    assert model.index(last, 0).data() == "All strategies"
    assert model.index(last, len(NATIONS) + 1).data() == str(len(strategies(strategy_library)))
    wales = len(strategies(strategy_library, "renew", "Wales"))
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
    assert f"All strategies, all nations: {len(strategies(strategy_library))} strategies" in cells
    # The pillar's name on its colour, as in the facet panel's chips.
    assert model.index(renew_row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_the_core_spread_agrees_with_the_table(window, strategy_library) -> None:
    found = spread(strategy_library.catalog.resources)
    assert found["renew"]["Wales"] == len(strategies(strategy_library, "renew", "Wales"))
    assert sum(found["reform"].values()) == len(strategies(strategy_library, "reform"))


def test_clicking_a_cell_lists_exactly_its_strategies(qtbot, window, strategy_library) -> None:
    view = open_directory(qtbot, window)
    index = view.index_of("renew", "Wales")
    rect = view.table.visualRect(index)
    QTest.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tabs.currentIndex() == 0
    assert window.facet_panel.selection == Selection(
        kind=frozenset({"strategy"}), pillar=frozenset({"renew"}), nation=frozenset({"Wales"})
    )
    expected = strategies(strategy_library, "renew", "Wales")
    assert expected and shown_ids(window) == expected
    assert window.library_view().hasFocus()


def test_enter_on_a_cell_chosen_with_the_arrow_keys_lists_its_strategies(
    qtbot, window, strategy_library
) -> None:
    view = open_directory(qtbot, window)
    table = view.table
    table.setCurrentIndex(view.model.index(0, 0))
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Right, Qt.Key.Key_Right):
        QTest.keyClick(table, key)
    pillar = strategy_library.catalog.pillars[1].id
    assert table.currentIndex() == view.index_of(pillar, NATIONS[1])
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert shown_ids(window) == strategies(strategy_library, pillar, NATIONS[1])
    # The totals: a nation's row of all strategies lists all of that nation's.
    view = open_directory(qtbot, window)
    table.setCurrentIndex(view.index_of(None, "Scotland"))
    QTest.keyClick(table, Qt.Key.Key_Enter)
    assert window.facet_panel.selection == Selection(
        kind=frozenset({"strategy"}), nation=frozenset({"Scotland"})
    )
    assert shown_ids(window) == strategies(strategy_library, nation="Scotland")


def test_a_directory_link_opens_the_list_filtered_so(qtbot, window, strategy_library) -> None:
    window.search_field.setText("recovery")  # the list, not search results, is shown
    window.open_link("resource-reader://directory?pillar=resilient&nation=Northern%20Ireland")
    assert window.tabs.currentIndex() == 0
    assert window.search_field.text() == ""
    assert window.centre.currentWidget() is window.library_view()
    expected = strategies(strategy_library, "resilient", "Northern Ireland")
    assert expected and shown_ids(window) == expected
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
    assert shown_ids(window) == expected  # the list chosen before stays


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
def test_every_cell_reads_at_aa_contrast(qtbot, strategy_library, dark) -> None:
    view = DirectoryView(strategy_library.catalog, dark=dark)
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
    assert coloured >= len(strategy_library.catalog.pillars) * 2


def test_the_directory_counts_what_the_library_holds_now(qtbot, window, strategy_library):
    """The library's one change signal reaches the directory: fewer strategies, fewer counted."""
    from dataclasses import replace

    view = open_directory(qtbot, window)
    catalog = strategy_library.catalog
    kept = tuple(r for r in catalog.resources if r.nation != "Wales")
    strategy_library.catalog = replace(catalog, resources=kept)
    window.changes.catalog_changed.emit(set())
    last = view.model.rowCount() - 1  # all strategies
    wales, ireland = (NATIONS.index(n) + 1 for n in ("Wales", "Northern Ireland"))
    assert view.model.index(last, wales).data() == "0"
    irish = [r for r in kept if r.nation == "Northern Ireland"]
    assert irish and view.model.index(last, ireland).data() == str(len(irish))
    total = len([r for r in kept if r.kind == "strategy"])
    assert str(total) in view.heading.text()


# Links on a strategy's page


def linked_page(qtbot, window, strategy_bundle) -> tuple[DocumentView, dict]:
    _folder, linked = strategy_bundle
    view = window.open_document(linked["id"], 1)
    qtbot.waitUntil(lambda: view.page_labels[0].layout_info is not None, timeout=TIMEOUT)
    qtbot.wait(10)  # the landing on the page, queued by open_document
    return view, linked["links"]


def click_box(view: DocumentView, box: tuple[float, float, float, float]) -> None:
    click(view, canvas_point(view, 1, box[0] + 5, (box[1] + box[3]) / 2))


def test_a_directory_link_on_a_page_opens_the_list_at_once(
    qtbot, window, strategy_library, strategy_bundle, browser
) -> None:
    from strategy_bundle import DIRECTORY_BOX

    view, links = linked_page(qtbot, window, strategy_bundle)
    assert links["directory"] in [link.uri for link in view.page_labels[0].layout_info.links]
    click_box(view, DIRECTORY_BOX)
    assert browser.boxes == [] and browser.opened == []  # no question, no browser
    assert window.tabs.currentIndex() == 0
    pillar, nation = parse_directory_link(links["directory"]).values()
    assert shown_ids(window) == strategies(strategy_library, pillar, nation)


def test_an_open_link_on_a_page_opens_the_item_in_the_app(
    qtbot, window, strategy_bundle, browser
) -> None:
    from strategy_bundle import OPEN_BOX, OPEN_TARGET

    view, _links = linked_page(qtbot, window, strategy_bundle)
    click_box(view, OPEN_BOX)
    assert browser.boxes == [] and browser.opened == []
    current = window.current_document()
    assert current is not None and current.resource.id == OPEN_TARGET


def test_a_councils_address_opens_only_after_asking(qtbot, window, strategy_bundle, browser):
    from strategy_bundle import COUNCIL_BOX

    view, links = linked_page(qtbot, window, strategy_bundle)
    browser.answer = QMessageBox.StandardButton.Cancel
    click_box(view, COUNCIL_BOX)
    assert len(browser.boxes) == 1 and links["council"] in browser.boxes[0]
    assert browser.opened == []  # cancelled
    browser.answer = QMessageBox.StandardButton.Open
    click_box(view, COUNCIL_BOX)
    assert browser.opened == [links["council"]]


def test_the_cells_colours_follow_the_theme(qtbot, strategy_library, tmp_path) -> None:
    from reader_app.gui.theme import apply_theme

    app = QApplication.instance()
    try:
        apply_theme(app, "dark")  # as at a start in the dark theme
        window = make_window(qtbot, strategy_library, tmp_path / "state.ini", (1200, 800))
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
