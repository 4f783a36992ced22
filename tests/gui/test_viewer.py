"""The document viewer as a reader uses it: fit, panels, find, selection and copy, links,
search hits marked on the page, the mouse, and the event loop kept free throughout."""

from dataclasses import replace

import pytest
import worker_tasks
from pointer import canvas_point, click, drag
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from reader_app.documents import page_texts
from reader_app.gui.document_view import DocumentView
from reader_app.gui.render_service import RenderService
from reader_app.page_text import normalise
from reader_app.worker import run_isolated

TIMEOUT = 30_000


@pytest.fixture
def service():
    svc = RenderService(workers=2)
    yield svc
    svc.shutdown()


def open_view(qtbot, service, resource, path, size=(800, 700)) -> DocumentView:
    view = DocumentView(resource, str(path), service)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.outline_known, timeout=TIMEOUT)
    return view


def layout_of(qtbot, view: DocumentView, page: int):
    qtbot.waitUntil(lambda: view.page_labels[page - 1].layout_info is not None, timeout=TIMEOUT)
    return view.page_labels[page - 1].layout_info


@pytest.fixture
def link_doc(tmp_path, library):
    path = tmp_path / "links.pdf"
    run_isolated(worker_tasks.make_link_pdf, str(path))
    base = library.resource("reset-pillar")
    resource = replace(base, id="links", title="Links", pages=3, alt_text="")
    return resource, path


# Zoom and panels


def test_fit_width_and_fit_page(qtbot, service, library) -> None:
    resource = library.resource("recovery-prospectus")
    view = open_view(qtbot, service, resource, library.catalog.path_of(resource))
    viewport = view.scroll.viewport()
    view.fit_width()
    page = view.page_labels[0]
    assert viewport.width() - 40 <= page.width() <= viewport.width()
    view.fit_page()
    assert page.height() <= viewport.height() and page.width() <= viewport.width()
    assert view.zoom_box.currentText() == "Fit page"
    # Fit follows the room there is: hiding the side panel widens the pages.
    before = page.width()
    view.panel_action.setChecked(False)
    view.fit_width()
    assert page.width() > before


def test_zoom_keeps_the_reader_on_the_same_page(qtbot, service, library) -> None:
    resource = library.resource("recovery-prospectus")
    view = open_view(qtbot, service, resource, library.catalog.path_of(resource))
    view.go_to_page(3)
    for _ in range(3):
        view.zoom_in()
        assert view.current_page() == 3
    view.zoom_out()
    assert view.current_page() == 3


def test_contents_panel_lists_the_outline_and_jumps(qtbot, service, library) -> None:
    resource = library.resource("recovery-prospectus")
    view = open_view(qtbot, service, resource, library.catalog.path_of(resource))
    titles = []
    for i in range(view.outline.topLevelItemCount()):
        titles.append(view.outline.topLevelItem(i).text(0))
    assert titles[0].startswith("The post-Covid recovery prospectus")
    target = next(
        item
        for i in range(view.outline.topLevelItemCount())
        if (item := view.outline.topLevelItem(i)).data(0, Qt.ItemDataRole.UserRole + 1) == 3
    )
    view.outline.itemActivated.emit(target, 0)
    assert view.current_page() == 3


def test_thumbnails_render_when_shown_and_jump(qtbot, service, library) -> None:
    resource = library.resource("recovery-prospectus")
    view = open_view(qtbot, service, resource, library.catalog.path_of(resource))
    view.side_panel.setCurrentWidget(view.thumbnails)
    qtbot.waitUntil(lambda: 1 in view.thumbnails._has_picture, timeout=TIMEOUT)
    view.thumbnails.itemClicked.emit(view.thumbnails.item(3))
    assert view.current_page() == 4
    assert view.page_box.value() == 4


def test_page_box_goes_to_the_typed_page(qtbot, service, library) -> None:
    resource = library.resource("recovery-prospectus")
    view = open_view(qtbot, service, resource, library.catalog.path_of(resource))
    assert resource.pages >= 3
    view.page_box.setValue(resource.pages)  # the last page, however long the briefing is
    assert view.current_page() == resource.pages


# Find


def test_find_counts_marks_and_steps_through_matches(qtbot, service, link_doc) -> None:
    resource, path = link_doc
    view = open_view(qtbot, service, resource, path)
    view.open_find()
    qtbot.keyClicks(view.find_bar.field, "tern")
    qtbot.waitUntil(lambda: view.find_bar.count.text() == "1 of 3", timeout=TIMEOUT)
    assert {page for page, _box in view.find_matches} == {2}
    # Every match is marked on its page, the current one differently.
    second = view.page_labels[1]
    assert len(second.marks["find"]) == 3
    assert second.marks["find-current"] == [view.find_matches[0][1]]
    view.find_next()
    assert view.find_bar.count.text() == "2 of 3"
    view.find_next()
    view.find_next()  # wraps round
    assert view.find_bar.count.text() == "1 of 3"
    view.find_previous()
    assert view.find_bar.count.text() == "3 of 3"
    assert 2 in view.visible_pages()  # scrolled to the current match
    qtbot.keyClick(view.find_bar.field, Qt.Key.Key_Escape)
    assert view.find_bar.isHidden()
    assert not second.marks["find"]


def test_find_agrees_with_the_text_of_the_pages(qtbot, service, library) -> None:
    resource = library.resource("digital-poverty")
    path = library.catalog.path_of(resource)
    expected = sum(text.casefold().count("digital") for text in run_isolated(page_texts, path))
    view = open_view(qtbot, service, resource, path)
    view.find("DIGITAL")
    qtbot.waitUntil(lambda: bool(view.find_matches), timeout=TIMEOUT)
    assert len(view.find_matches) == expected
    view.find("no such words anywhere")
    qtbot.waitUntil(lambda: view.find_bar.count.text() == "No matches", timeout=TIMEOUT)


# Selection and copy


def test_dragging_selects_words_and_copy_puts_them_on_the_clipboard(
    qtbot, service, link_doc
) -> None:
    resource, path = link_doc
    view = open_view(qtbot, service, resource, path)
    view.go_to_page(2)
    words = layout_of(qtbot, view, 2).words
    arctic, another = words[1], words[8]
    drag(
        view,
        canvas_point(view, 2, arctic[0] + 2, (arctic[1] + arctic[3]) / 2),
        canvas_point(view, 2, another[2] - 2, (another[1] + another[3]) / 2),
    )
    assert view.selected_text() == "arctic tern flies far.\nA tern, then another"
    assert len(view.page_labels[1].marks["selection"]) == 2  # one box per line
    QGuiApplication.clipboard().clear()
    view.copy_selection()
    assert QGuiApplication.clipboard().text() == "arctic tern flies far.\nA tern, then another"
    # A plain click clears the selection.
    click(view, canvas_point(view, 2, 300, 600))
    assert view.selected_text() == ""
    assert not view.page_labels[1].marks["selection"]


def test_select_all_on_the_page(qtbot, service, link_doc) -> None:
    resource, path = link_doc
    view = open_view(qtbot, service, resource, path)
    view.go_to_page(2)
    layout_of(qtbot, view, 2)
    view.select_page()
    assert view.selected_text() == "The arctic tern flies far.\nA tern, then another TERN."


# Links


def test_an_internal_link_jumps_to_its_page(qtbot, service, link_doc) -> None:
    resource, path = link_doc
    view = open_view(qtbot, service, resource, path, size=(800, 500))
    link = layout_of(qtbot, view, 1).links[0]
    assert link.page == 3
    with qtbot.assertNotEmitted(view.external_link_requested):
        click(view, canvas_point(view, 1, link.box[0] + 5, link.box[1] + 5))
    assert view.current_page() == 3
    # It lands where the link points, not at the top of the page.
    target = view.page_labels[2]
    assert view.scroll.verticalScrollBar().value() > target.y()


def test_an_external_link_asks_for_confirmation(qtbot, service, link_doc) -> None:
    resource, path = link_doc
    view = open_view(qtbot, service, resource, path)
    web = layout_of(qtbot, view, 1).links[1]
    with qtbot.waitSignal(view.external_link_requested) as blocker:
        click(view, canvas_point(view, 1, web.box[0] + 5, web.box[1] + 5))
    assert blocker.args == ["https://example.org/recovery?x=1&y=<b>2</b>"]


# Search hits


def test_hit_words_are_marked_on_the_page(qtbot, service, link_doc) -> None:
    resource, path = link_doc
    view = open_view(qtbot, service, resource, path)
    view.go_to_page(2)
    view.show_hits(["Tern"], 2)
    words = layout_of(qtbot, view, 2).words
    marked = view.hit_boxes(2)
    assert len(marked) == 3
    assert {normalise(w[4]) for w in words if w[:4] in marked} == {"tern"}
    view.show_hits([])
    assert view.hit_boxes(2) == []


# The event loop stays free


def test_scrolling_a_document_does_not_stall_the_event_loop(qtbot, service, library) -> None:
    from test_render_service import StallMeter

    resource = library.resource("recovery-prospectus")
    view = open_view(qtbot, service, resource, library.catalog.path_of(resource))
    meter = StallMeter()
    bar = view.scroll.verticalScrollBar()
    for value in range(0, bar.maximum(), 120):
        bar.setValue(value)
        qtbot.wait(16)
    qtbot.waitUntil(lambda: view.page_labels[-1].pixmap() is not None, timeout=TIMEOUT)
    meter.timer.stop()
    # Generous: CI machines are noisy. The benchmark reports the real figures.
    assert meter.longest < 1000


def test_link_urls_are_not_opened_by_the_view_itself(monkeypatch, qtbot, service, link_doc):
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.Open)
    resource, path = link_doc
    view = open_view(qtbot, service, resource, path)
    link = layout_of(qtbot, view, 1).links[1]
    click(view, canvas_point(view, 1, link.box[0] + 5, link.box[1] + 5))
    assert opened == []  # the main window decides, after asking
