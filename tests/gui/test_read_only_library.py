"""A library on a read-only disk opens in the window with a banner saying that nothing
can be saved and why; an edit fails with that message; search answers from an index
built in memory (the folder has none and cannot get one). And a write that fails after a
writable start says why instead of raising."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from small_disk import make_read_only, mounted
from windows import make_window

from reader_app import paths
from reader_app.annotations import Annotations
from reader_app.library import Library

TIMEOUT = 30_000
READ_ONLY = "the data folder is read-only"


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[tuple[paths.AppPaths, str]]:
    """A library with a note, on a disk then made read-only; and the note's id."""
    with mounted(tmp_path / "disk") as disk:
        where = paths.resolve(disk / "library")
        library = Library.open(where)
        resource = library.catalog.resources[0]
        note = Annotations(library.store).add(
            resource.id, resource.sha256, "page-note", 1, body="a gooseberry thought"
        )
        library.close()
        make_read_only(disk)
        yield where, note.id


@pytest.fixture
def opened(read_only_disk) -> Iterator[tuple[Library, str]]:
    where, note_id = read_only_disk
    library = Library.open(where)
    yield library, note_id
    library.close()


def test_the_library_opens_read_only(read_only_disk) -> None:
    library = Library.open(read_only_disk[0])
    assert library.read_only and library.read_only_reason == READ_ONLY
    library.close()


def test_the_window_says_nothing_can_be_saved_and_edits_fail(qtbot, opened, tmp_path) -> None:
    library, note_id = opened
    window = make_window(qtbot, library, tmp_path / "state.ini", (1100, 760))
    notice = window.read_only_notice
    assert notice.isVisible()
    assert READ_ONLY in notice.text() and "cannot be saved" in notice.text()
    assert window.annotation_editor.edit(note_id, body="changed?") is None
    message = f"The change was not saved: {READ_ONLY}."
    assert window.annotation_editor.last_error == message
    assert message in window.statusBar().currentMessage()
    assert Annotations(library.store).get(note_id).body == "a gooseberry thought"
    window.grid_action.trigger()  # a preference holds for the session, unsaved
    assert window.centre.currentWidget() is window.grid
    assert f"not saved: {READ_ONLY}" in window.statusBar().currentMessage()
    window.close()


def test_search_answers_from_an_index_in_memory(qtbot, opened, tmp_path) -> None:
    library, note_id = opened
    window = make_window(qtbot, library, tmp_path / "state.ini", (1100, 760))
    qtbot.waitUntil(lambda: not window.indexing, timeout=TIMEOUT)
    with qtbot.waitSignal(window.runner.results_ready, timeout=TIMEOUT) as blocker:
        window.search_field.setText("gooseberry")
    assert [hit.annotation_id for hit in blocker.args[0].hits] == [note_id]
    assert not library.index_dir.exists()  # nothing was written
    window.close()


def test_a_page_read_that_cannot_be_saved_says_why(window, library) -> None:
    """The library opened writable and the disk filled since: no exception escapes."""
    resource_id = library.catalog.resources[0].id
    library.store.query("PRAGMA query_only = 1")  # SQLite refuses every write from now on
    window._remember(resource_id, 3)
    assert "The change was not saved: the data folder is read-only." in (
        window.statusBar().currentMessage()
    )
    assert library.store.last_page(resource_id) is None


def test_the_banner_wraps_in_a_narrow_window_and_says_what_to_do(qtbot, opened, tmp_path) -> None:
    """Before: a label in a tool bar, one line wide, cut off at 200% or in a narrow window
    (and what to do only in a tooltip)."""
    library, _ = opened
    window = make_window(qtbot, library, tmp_path / "state.ini", (560, 700))
    notice = window.read_only_notice
    qtbot.waitUntil(lambda: notice.isVisible())
    assert "Make the data folder writable again" in notice.text()
    assert notice.wordWrap()
    assert notice.width() <= window.width()
    needed = notice.heightForWidth(notice.width())
    assert notice.height() >= needed > notice.fontMetrics().height() * 2  # lines, all shown
    assert (
        notice.geometry().bottom()
        < window.tabs.mapTo(window.centralWidget(), window.tabs.rect().topLeft()).y() + 1
    )
    window.close()


def test_what_only_adds_to_the_library_is_greyed_with_why(qtbot, opened, tmp_path) -> None:
    library, _ = opened
    window = make_window(qtbot, library, tmp_path / "state.ini", (1100, 760))
    for action in (window.add_documents_action, window.install_pack_action):
        assert not action.isEnabled()
        assert READ_ONLY in action.toolTip()
    view = window.table
    menu = window.library_menu(view, view.visualRect(window.proxy.index(0, 0)).center())
    assert menu is not None
    offered = {a.text(): a.isEnabled() for a in menu.actions() if a.text()}
    assert offered["Add &Documents…"] is False and offered["&Remove from Library…"] is False
    assert offered["&Open"] is True  # reading still is
    window.close()
