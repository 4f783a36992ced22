"""Opening documents in tabs: the right page, rendered off the GUI thread, remembered."""

import pytest
import worker_tasks
from PySide6.QtCore import QSettings
from windows import make_window

from reader_app.gui.document_view import DocumentView
from reader_app.gui.main_window import MainWindow
from reader_app.gui.render_service import RenderService

TIMEOUT = 30_000


@pytest.fixture
def window(qtbot, library, tmp_path):
    win = make_window(qtbot, library, tmp_path / "state.ini", (780, 580))
    yield win
    win.close()


def rendered(view: DocumentView, page: int) -> bool:
    pixmap = view.page_labels[page - 1].pixmap()
    return pixmap is not None and not pixmap.isNull()


def test_opening_a_document_lands_on_the_page_and_remembers_it(qtbot, window, library) -> None:
    view = window.open_document("recovery-prospectus", 3)
    assert window.tabs.currentWidget() is view
    assert window.tabs.tabText(window.tabs.currentIndex()) == view.resource.title
    qtbot.waitUntil(lambda: rendered(view, 3), timeout=TIMEOUT)
    assert view.current_page() == 3
    assert library.store.last_page("recovery-prospectus") == 3
    # Opening it again reuses the tab.
    assert window.open_document("recovery-prospectus", 1) is view
    assert len(window.document_views()) == 1


def test_zoom_resizes_pages(qtbot, window) -> None:
    view = window.open_document("reset-pillar", 1)
    qtbot.waitUntil(lambda: rendered(view, 1), timeout=TIMEOUT)
    before = view.page_labels[0].width()
    view.zoom_in()
    qtbot.waitUntil(
        lambda: rendered(view, 1) and view.page_labels[0].width() > before, timeout=TIMEOUT
    )


def test_closing_a_tab(qtbot, window) -> None:
    view = window.open_document("reset-pillar", 1)
    window.tabs.tabCloseRequested.emit(window.tabs.indexOf(view))
    assert window.document_views() == []
    for permanent in (0, 1):  # the library and the notes cannot be closed
        window.tabs.tabCloseRequested.emit(permanent)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Library", "Notes"]


def test_infographic_alt_text_is_on_the_page(qtbot, window, library) -> None:
    image = next(r for r in library.catalog.resources if r.media_type == "image/png")
    view = window.open_document(image.id, 1)
    assert view.page_labels[0].accessibleDescription() == image.alt_text
    qtbot.waitUntil(lambda: rendered(view, 1), timeout=TIMEOUT)


def test_a_page_that_crashes_its_worker_shows_a_message(qtbot, library) -> None:
    service = RenderService(workers=1, timeout=5, func=worker_tasks.render_or_crash)
    try:
        resource = library.resource("recovery-prospectus")
        view = DocumentView(resource, str(library.catalog.path_of(resource)), service)
        qtbot.addWidget(view)
        view.resize(700, 2000)
        view.show()
        view.go_to_page(1)
        qtbot.waitUntil(lambda: "could not be shown" in view.page_labels[1].text(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: rendered(view, 1), timeout=TIMEOUT)
    finally:
        service.shutdown()


def test_open_tabs_come_back_after_a_restart(qtbot, library, tmp_path) -> None:
    state = QSettings(str(tmp_path / "tabs.ini"), QSettings.Format.IniFormat)
    first = MainWindow(library, state)
    qtbot.addWidget(first)
    first.show()
    view = first.open_document("reset-pillar", 1)
    first.open_document("climate-places", 1)
    qtbot.waitUntil(lambda: rendered(view, 1), timeout=TIMEOUT)
    first.close()
    second = MainWindow(library, state)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitUntil(lambda: len(second.document_views()) == 2, timeout=TIMEOUT)
    assert [v.resource.id for v in second.document_views()] == ["reset-pillar", "climate-places"]
    assert second.tabs.currentIndex() == 0  # the library is in front
    second.close()


def test_unusable_saved_tabs_are_ignored(qtbot, library, tmp_path) -> None:
    state = QSettings(str(tmp_path / "bad.ini"), QSettings.Format.IniFormat)
    state.setValue("main_window/tabs", '[["no-such-id", 1], "junk", [1, 2, 3]]')
    win = MainWindow(library, state)
    qtbot.addWidget(win)
    win.show()
    qtbot.wait(50)
    assert win.document_views() == []
    win.close()
