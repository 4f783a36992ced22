"""Reading from the main window: opening search hits with the words marked, stepping
through hits, links leaving the app, recent documents, theme and library view
preferences, the drop hook, keyboard use, and accessible names everywhere."""

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QTabWidget,
)
from test_main_window import SEARCH_TIMEOUT, search
from test_render_service import StallMeter
from windows import make_window

from reader_app.gui.resource_model import RESOURCE_ROLE
from reader_app.search.analysis import terms

TIMEOUT = 30_000


SIZE = (1100, 760)


@pytest.fixture
def state_file(tmp_path) -> Path:
    return tmp_path / "config" / "window-state.ini"


@pytest.fixture
def window(qtbot, library, state_file):
    win = make_window(qtbot, library, state_file, SIZE)
    yield win
    win.close()


# Search hits


def test_opening_a_hit_lands_on_its_page_with_the_words_marked(qtbot, window) -> None:
    search(qtbot, window, "councils")
    hit_item = window.results.topLevelItem(0).child(0)
    resource_id, page = hit_item.data(0, Qt.ItemDataRole.UserRole + 1)
    window.results.setCurrentItem(hit_item)
    window.results.itemActivated.emit(hit_item, 0)
    view = window.current_document()
    assert view is not None and view.resource.id == resource_id
    qtbot.waitUntil(lambda: bool(view.hit_boxes(page)), timeout=TIMEOUT)
    assert page in view.visible_pages()
    words = view.page_labels[page - 1].layout_info.words
    marked = [w[4] for w in words if w[:4] in view.hit_boxes(page)]
    # Marked by stem, as the index matches: "councils" marks "council" too.
    assert all("council" in terms(word) for word in marked)
    assert any(w.lower().startswith("council") for w in marked)


def test_next_and_previous_hit_step_across_documents(qtbot, window) -> None:
    results = search(qtbot, window, "digital poverty")
    order = [(rid, h.page) for rid, hits in results.grouped() for h in hits]
    assert len({rid for rid, _p in order}) > 1
    seen = []
    for _ in range(len(order)):
        window.next_hit()
        view = window.current_document()
        seen.append((view.resource.id, window._open_hit[1]))
    assert seen == order  # every hit, in the order the results list shows them
    window.next_hit()
    assert window._open_hit == order[0]  # wraps round
    window.previous_hit()
    assert window._open_hit == order[-1]
    assert "Hit" in window.statusBar().currentMessage()


# Links out of the app


def click_link(qtbot, window, uri_prefix: str) -> None:
    view = window.open_document("digital-poverty", 1)
    qtbot.waitUntil(lambda: view.page_labels[0].layout_info is not None, timeout=TIMEOUT)
    link = next(lk for lk in view.page_labels[0].layout_info.links if lk.uri.startswith(uri_prefix))
    view.activate_link(link)


def test_an_external_link_opens_only_after_confirmation(qtbot, window, browser) -> None:
    click_link(qtbot, window, "https://")
    ((text, text_format),) = browser.boxes
    assert "https://socitm.net/" in text and text_format == Qt.TextFormat.PlainText
    assert browser.opened and browser.opened[0].startswith("https://socitm.net/")
    browser.answer = QMessageBox.StandardButton.Cancel
    click_link(qtbot, window, "https://")
    assert len(browser.opened) == 1  # cancelled: nothing more opened


@pytest.mark.parametrize(
    "uri",
    ["file:///etc/passwd", "javascript:alert(1)", "smb://server/share", "https:///nohost"],
)
def test_other_links_are_refused_with_a_message(window, browser, uri) -> None:
    assert window.link_opener.open(uri) is False
    ((text, text_format),) = browser.boxes
    assert uri in text and "not opened" in text
    assert text_format == Qt.TextFormat.PlainText
    assert browser.opened == []


def test_a_mailto_link_is_offered(window, browser) -> None:
    assert window.link_opener.open("mailto:team@example.org") is True
    assert browser.opened == ["mailto:team@example.org"]


# Recent documents, preferences


def test_recent_documents_menu(qtbot, window) -> None:
    window.open_document("reset-pillar", 2)
    qtbot.wait(20)  # the first lands on its page before the second opens
    window.open_document("climate-places", 1)
    qtbot.wait(20)
    window.recent_menu.aboutToShow.emit()
    titles = [a.text() for a in window.recent_menu.actions()]
    assert titles == [
        "Climate change and sustainable places",
        "Reset: ethical principles and the foundations of recovery",
    ]
    window.tabs.setCurrentIndex(0)
    window.recent_menu.actions()[1].trigger()
    assert window.current_document().resource.id == "reset-pillar"


def test_theme_choice_is_applied_and_remembered(qtbot, library, state_file) -> None:
    app = QApplication.instance()
    first = make_window(qtbot, library, state_file, SIZE)
    try:
        dark = next(a for a in first.theme_actions.actions() if a.data() == "dark")
        dark.trigger()
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
        first.close()
        second = make_window(qtbot, library, state_file, SIZE)
        assert second.settings.theme == "dark"
        assert [a.data() for a in second.theme_actions.actions() if a.isChecked()] == ["dark"]
        second.set_theme("light")
        assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
        second.close()
    finally:
        app.setPalette(QPalette())


def test_cover_grid_is_a_remembered_choice(qtbot, library, state_file) -> None:
    first = make_window(qtbot, library, state_file, SIZE)
    first.grid_action.trigger()
    assert first.centre.currentWidget() is first.grid
    first.close()
    second = make_window(qtbot, library, state_file, SIZE)
    assert second.centre.currentWidget() is second.grid
    second.grid_action.trigger()
    assert second.centre.currentWidget() is second.table
    second.close()


def test_sort_by_recently_read(qtbot, window) -> None:
    window.open_document("reset-pillar", 1)
    window.open_document("climate-places", 2)
    sort_menu = next(
        a.menu()
        for a in window.menuBar().actions()[2].menu().actions()
        if a.menu() and "Sort" in a.text()
    )
    next(a for a in sort_menu.actions() if "Recently" in a.text()).trigger()
    proxy = window.proxy
    first_two = [proxy.index(row, 0).data(RESOURCE_ROLE) for row in range(2)]
    assert first_two == ["climate-places", "reset-pillar"]


# Files dropped on the window


def drop_event(kind, window, paths_: list[Path]):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths_])
    if kind is QDragEnterEvent:
        return data, QDragEnterEvent(
            QPoint(10, 10),
            Qt.DropAction.CopyAction,
            data,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    return data, QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_dropped_files_go_to_the_import_hook(window, tmp_path) -> None:
    files = [tmp_path / "a.pdf", tmp_path / "b.epub"]
    assert window.acceptDrops()  # the window adds dropped files to the library
    window.set_import_handler(None)
    _data, enter = drop_event(QDragEnterEvent, window, files)
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()  # no importer: the window refuses drops
    received = []
    window.set_import_handler(received.append)
    assert window.acceptDrops()
    _data, enter = drop_event(QDragEnterEvent, window, files)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    _data, drop = drop_event(QDropEvent, window, files)
    window.dropEvent(drop)
    assert received == [files]


# Keyboard


def test_find_and_next_from_the_keyboard(qtbot, window) -> None:
    view = window.open_document("digital-poverty", 1)
    view.scroll.setFocus()
    qtbot.keyClick(view.scroll, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.find_bar.isVisible()
    assert QApplication.focusWidget() is view.find_bar.field
    qtbot.keyClicks(view.find_bar.field, "digital")
    qtbot.keyClick(view.find_bar.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.find_bar.count.text().startswith("1 of"), timeout=TIMEOUT)
    qtbot.keyClick(view.find_bar.field, Qt.Key.Key_F3)
    assert view.find_bar.count.text().startswith("2 of")
    qtbot.keyClick(view.find_bar.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.find_bar.count.text().startswith("1 of")
    # In the library, Ctrl+F searches everything.
    window.tabs.setCurrentIndex(0)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search_field


def test_every_control_has_an_accessible_name_and_tooltip(qtbot, window) -> None:
    view = window.open_document("four-rs-at-a-glance", 1)
    view.open_find()
    qtbot.waitUntil(lambda: view.outline_known, timeout=TIMEOUT)
    controls = (QAbstractButton, QAbstractItemView, QComboBox, QLineEdit, QSpinBox, QTabWidget)
    missing = []
    for widget in {w for kind in controls for w in window.findChildren(kind)}:
        if not widget.isVisibleTo(window) or widget.parent().inherits("QComboBox"):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QSpinBox)):
            continue  # the editor inside a combo or spin box, named through its owner
        if widget.inherits("QTabBar") or widget.objectName().startswith("qt_"):
            continue
        if not widget.accessibleName() or not widget.toolTip():
            kind = widget.metaObject().className()
            missing.append(f"{kind} in {widget.parent().metaObject().className()}")
    assert missing == []


def test_indexing_does_not_stall_the_event_loop(qtbot, library, state_file) -> None:
    meter = StallMeter()
    win = make_window(qtbot, library, state_file, SIZE)
    qtbot.waitUntil(lambda: not win.indexing, timeout=SEARCH_TIMEOUT)
    meter.timer.stop()
    win.close()
    # Generous for noisy CI machines; tests/perf/bench_gui.py reports the real figures.
    assert meter.longest < 1000


def test_keyboard_order_from_the_search_field(qtbot, window) -> None:
    search(qtbot, window, "climate")
    window.search_field.setFocus()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.results
    qtbot.keyClick(window.results, Qt.Key.Key_Down)
    qtbot.keyClick(window.results, Qt.Key.Key_Return)
    view = window.current_document()
    assert view is not None and view.resource.id == window._open_hit[0]


def test_the_highlighted_result_shows_its_details(qtbot, window, library) -> None:
    search(qtbot, window, "climate")
    group = window.results.topLevelItem(1)
    window.results.setCurrentItem(group.child(0))
    resource_id = group.data(0, Qt.ItemDataRole.UserRole + 1)[0]
    assert window.detail_title.text() == library.resource(resource_id).title


def test_the_page_scrolled_to_is_remembered_once_the_reader_settles(qtbot, window, library):
    view = window.open_document("recovery-prospectus", 1)
    qtbot.waitUntil(lambda: view.outline_known, timeout=TIMEOUT)
    writes = []
    real = library.store.set_last_page
    library.store.set_last_page = lambda rid, page: (writes.append(page), real(rid, page))
    for page in (2, 3, 4):
        view.go_to_page(page)  # passing pages quickly: nothing written yet
    assert writes == []
    qtbot.waitUntil(lambda: library.store.last_page("recovery-prospectus") == 4, timeout=5000)
    assert writes == [4]
    view.go_to_page(2)
    window.close()  # closing straight away still saves it
    assert library.store.last_page("recovery-prospectus") == 2


def test_a_link_from_exported_notes_opens_its_page(qtbot, window) -> None:
    view = window.open_link("resource-reader://open?id=recovery-prospectus&page=3")
    assert view is not None and window.current_document() is view
    assert view.resource.id == "recovery-prospectus"
    qtbot.waitUntil(lambda: view.current_page() == 3, timeout=TIMEOUT)
    assert window.open_link("resource-reader://open?id=no-such-thing") is None
    assert "points to nothing" in window.statusBar().currentMessage()
