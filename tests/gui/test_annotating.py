"""Annotating in the window as a reader does: every kind made, edited, deleted, undone
and redone; the side panel and the Notes view; markup shown as typed; and writes that
fail (disk full, read-only) reported with the typed text kept."""

import pytest
from pointer import canvas_point, click
from PySide6.QtCore import QPoint, Qt
from windows import make_window

from reader_app.annotations import AnnotationFilter, Annotations
from reader_app.gui.annotation_model import ANNOTATION_ROLE, COLUMNS
from reader_app.gui.document_view import DocumentView
from reader_app.gui.plain_text import plain_tooltip

TIMEOUT = 30_000
DOC = "reset-pillar"


@pytest.fixture
def window(qtbot, library, tmp_path):
    win = make_window(qtbot, library, tmp_path / "state.ini", (1100, 760))
    yield win
    win.close()


@pytest.fixture
def view(qtbot, window) -> DocumentView:
    qtbot.wait(10)  # the window's start-up (reopening last session's tabs) is done
    doc = window.open_document(DOC, 1)
    qtbot.waitUntil(lambda: doc.page_labels[0].layout_info is not None, timeout=TIMEOUT)
    assert window.current_document() is doc
    return doc


def stored(library) -> list:
    return Annotations(library.store).find(AnnotationFilter(resource_ids={DOC}))


def words(view: DocumentView, page: int = 1) -> list:
    return view.page_labels[page - 1].layout_info.words


def select(view: DocumentView, first: int, last: int, page: int = 1) -> str:
    view.select_words((page, first), (page, last))
    return " ".join(w[4] for w in words(view, page)[first : last + 1])


def menu_action(menu, *path: str):
    for name in path[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text() == name)
    return next(a for a in menu.actions() if a.text() == path[-1])


def page_point(view: DocumentView, page: int, x: float, y: float) -> QPoint:
    canvas = view.scroll.widget()
    return canvas.mapToGlobal(canvas_point(view, page, x, y).toPoint())


# Making each kind, and undoing it


def test_highlight_from_the_selection_is_saved_drawn_listed_and_undone(
    qtbot, window, view, library
) -> None:
    highlight = view.notes.actions["highlight"]
    assert not highlight.isEnabled()  # nothing selected yet
    quote = select(view, 3, 6)
    assert highlight.isEnabled()
    view.notes.set_colour("green")
    highlight.trigger()

    [made] = stored(library)
    assert (made.kind, made.page, made.color, made.exact) == ("highlight", 1, "green", quote)
    assert made.doc_sha256 == view.resource.sha256  # keyed to the content, not the path
    assert made.quads and made.suffix.startswith(" ")
    assert view.selected_text() == ""  # the selection became the highlight
    assert [a.id for a in view.page_labels[0].annotations] == [made.id]
    assert view.notes.panel.model.rowCount() == 1
    assert view.notes.panel.current_id == made.id

    window.undo_action.trigger()
    assert stored(library) == []
    assert view.page_labels[0].annotations == []
    assert view.notes.panel.model.rowCount() == 0
    window.redo_action.trigger()
    assert stored(library) == [made]  # the same annotation, id and times
    assert [a.id for a in view.page_labels[0].annotations] == [made.id]


def test_shortcuts_make_an_underline_and_a_note(qtbot, window, view, library) -> None:
    view.scroll.setFocus()
    select(view, 0, 2)
    qtbot.keyClick(
        view.scroll,
        Qt.Key.Key_U,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    select(view, 8, 12)
    qtbot.keyClick(
        view.scroll,
        Qt.Key.Key_M,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert sorted(a.kind for a in stored(library)) == ["note", "underline"]
    # A new note puts the cursor in its text box; what is typed is saved.
    panel = view.notes.panel
    qtbot.waitUntil(panel.note_edit.hasFocus, timeout=TIMEOUT)
    qtbot.keyClicks(panel.note_edit, "Raise at the digital board")
    qtbot.waitUntil(
        lambda: any(a.body == "Raise at the digital board" for a in stored(library)),
        timeout=TIMEOUT,
    )
    assert [k for k in (a.kind for a in stored(library))].count("note") == 1
    window.undo_action.trigger()  # the typing
    assert all(a.body == "" for a in stored(library))
    window.undo_action.trigger()  # the note
    window.undo_action.trigger()  # the underline
    assert stored(library) == []
    for _ in range(3):
        window.redo_action.trigger()
    assert {(a.kind, a.body) for a in stored(library)} == {
        ("underline", ""),
        ("note", "Raise at the digital board"),
    }


def test_a_note_pinned_to_a_point_from_the_context_menu(qtbot, window, view, library) -> None:
    where = page_point(view, 1, 300, 400)
    menu = view.context_menu(where)
    menu_action(menu, "Add Note Here…").trigger()
    [note] = stored(library)
    assert note.kind == "page-note" and note.page == 1
    x0, y0, *_ = note.quads[0]
    assert abs(x0 - 300) < 1 and abs(y0 - 400) < 1  # pinned where the reader clicked
    # Clicking its mark on the page chooses it in the panel.
    view.notes.panel.select(None)
    click(view, canvas_point(view, 1, 305, 405))
    assert view.notes.panel.current_id == note.id
    window.undo_action.trigger()
    assert stored(library) == []
    window.redo_action.trigger()
    assert [a.id for a in stored(library)] == [note.id]


def test_a_note_on_the_whole_document(qtbot, window, view, library) -> None:
    view.notes.panel.document_note_button.click()
    [note] = stored(library)
    assert (note.kind, note.page) == ("document-note", None)
    assert view.notes.panel.note_edit.hasFocus()
    window.undo_action.trigger()
    assert stored(library) == []
    window.redo_action.trigger()
    assert len(stored(library)) == 1


def test_a_selection_across_pages_makes_one_annotation_per_page_undone_together(
    qtbot, window, view, library
) -> None:
    view.go_to_page(2)
    qtbot.waitUntil(lambda: view.page_labels[1].layout_info is not None, timeout=TIMEOUT)
    last = len(words(view, 1)) - 1
    view.select_words((1, last - 2), (2, 3))
    view.notes.actions["highlight"].trigger()
    assert sorted(a.page for a in stored(library)) == [1, 2]
    window.undo_action.trigger()
    assert stored(library) == []


# Editing, tags, colours, deleting


def make(view: DocumentView, kind: str):
    """An annotation of ``kind`` made the way a reader makes it."""
    if kind in ("highlight", "underline", "note"):
        select(view, 3, 6)
        return view.notes.annotate_selection(kind)[0]
    if kind == "page-note":
        menu = view.context_menu(page_point(view, 1, 200, 500))
        menu_action(menu, "Add Note Here…").trigger()
    else:
        view.notes.panel.document_note_button.click()
    return next(a for a in view.notes.items if a.kind == kind)


@pytest.mark.parametrize("kind", ["highlight", "underline", "note", "page-note", "document-note"])
def test_every_kind_made_edited_deleted_undone_and_redone(
    qtbot, window, view, library, kind
) -> None:
    made = make(view, kind)
    assert [(a.id, a.kind) for a in stored(library)] == [(made.id, kind)]
    panel = view.notes.panel
    panel.select(made.id)
    panel.note_edit.setPlainText(f"My note on a {kind}")
    assert panel.save_note()
    panel.colour_box.setCurrentIndex(panel.colour_box.findData("red"))
    panel.save_colour()
    panel.delete_button.click()
    assert stored(library) == []
    steps = [
        lambda: stored(library)[0].color == "red",  # the delete undone
        lambda: stored(library)[0].color == made.color,  # the colour
        lambda: stored(library)[0].body == "",  # the note
        lambda: stored(library) == [],  # the annotation itself
    ]
    for check in steps:
        window.undo_action.trigger()
        assert check()
    for check in reversed(steps[:-1]):
        window.redo_action.trigger()
        assert check()
    assert stored(library)[0].body == f"My note on a {kind}"
    window.redo_action.trigger()
    assert stored(library) == []
    assert not window.redo_action.isEnabled()


def test_typing_a_note_is_saved_and_undone_as_one_step(qtbot, window, view, library) -> None:
    select(view, 3, 6)
    view.notes.actions["note"].trigger()
    panel = view.notes.panel
    qtbot.keyClicks(panel.note_edit, "first")
    assert panel.save_note()
    qtbot.keyClicks(panel.note_edit, " and more")
    assert panel.save_note()
    [note] = stored(library)
    assert note.body == "first and more"
    view.scroll.setFocus()
    window.undo_action.trigger()
    assert stored(library)[0].body == ""  # both pauses undone at once
    assert panel.note_edit.toPlainText() == ""
    window.redo_action.trigger()
    assert stored(library)[0].body == "first and more"
    assert panel.note_edit.toPlainText() == "first and more"


def test_tags_autocomplete_save_and_undo(qtbot, window, view, library) -> None:
    library.add_tags("reform-pillar", ["Workforce"])  # a resource's tag is offered too
    select(view, 3, 6)
    view.notes.actions["highlight"].trigger()
    panel = view.notes.panel
    panel.tags_edit.setFocus()
    panel.tags_edit.setText("strategy, work")
    # What typing does, without the pop-up (the offscreen platform cannot show it).
    [prefix] = panel.completer.splitPath(panel.tags_edit.text())
    panel.completer.setCompletionPrefix(prefix)
    completions = panel.completer.completionModel()
    assert [completions.index(i, 0).data() for i in range(completions.rowCount())] == ["Workforce"]
    panel.tags_edit.setText(panel.completer.pathFromIndex(completions.index(0, 0)))
    assert panel.tags_edit.text() == "strategy, Workforce"
    qtbot.keyClick(panel.tags_edit, Qt.Key.Key_Return)
    assert stored(library)[0].tags == ("strategy", "Workforce")
    assert [panel.tag_filter.itemText(i) for i in range(panel.tag_filter.count())] == [
        "All tags",
        "strategy",
        "Workforce",
    ]
    window.undo_action.trigger()
    assert stored(library)[0].tags == ()
    window.redo_action.trigger()
    assert stored(library)[0].tags == ("strategy", "Workforce")


def test_colour_changed_from_the_page_and_undone(qtbot, window, view, library) -> None:
    select(view, 3, 6)
    view.notes.actions["highlight"].trigger()
    [made] = stored(library)
    x0, y0, x1, y1 = made.quads[0]
    menu = view.context_menu(page_point(view, 1, (x0 + x1) / 2, (y0 + y1) / 2))
    menu_action(menu, "Change Colour", "Purple").trigger()
    assert stored(library)[0].color == "purple"
    assert view.page_labels[0].annotations[0].color == "purple"
    assert view.notes.panel.colour_box.currentData() == "purple"
    window.undo_action.trigger()
    assert stored(library)[0].color == "yellow"


def test_delete_from_the_panel_and_undo_brings_back_tags_and_note(
    qtbot, window, view, library
) -> None:
    select(view, 3, 6)
    [made] = view.notes.annotate_selection("note")
    edited = view.notes.editor.edit(made.id, body="keep me", tags=["keep"])
    panel = view.notes.panel
    panel.select(made.id)
    panel.delete_button.click()
    assert stored(library) == []
    assert view.page_labels[0].annotations == []
    window.undo_action.trigger()
    assert stored(library) == [edited]
    # The Delete key in the list removes the chosen ones.
    panel.list.setFocus()
    panel.select(made.id)
    qtbot.keyClick(panel.list, Qt.Key.Key_Delete)
    assert stored(library) == []
    window.undo_action.trigger()
    window.redo_action.trigger()
    assert stored(library) == []


def test_panel_filters_by_type_colour_and_tag_and_jumps(qtbot, window, view, library) -> None:
    editor = view.notes.editor
    select(view, 0, 1)
    view.notes.set_colour("blue")
    [blue] = view.notes.annotate_selection("underline")
    select(view, 3, 6)
    view.notes.set_colour("red")
    [red] = view.notes.annotate_selection("highlight")
    editor.edit(red.id, tags=["risk"])
    panel = view.notes.panel

    def shown() -> list[str]:
        return [
            panel.model.index(r, 0).data(ANNOTATION_ROLE).id for r in range(panel.model.rowCount())
        ]

    assert set(shown()) == {blue.id, red.id}
    panel.kind_filter.setCurrentIndex(panel.kind_filter.findData("underline"))
    panel.apply_filters()
    assert shown() == [blue.id]
    assert panel.count.text() == "1 of 2 annotations"
    panel.kind_filter.setCurrentIndex(0)
    panel.colour_filter.setCurrentIndex(panel.colour_filter.findData("red"))
    panel.apply_filters()
    assert shown() == [red.id]
    panel.colour_filter.setCurrentIndex(0)
    panel.tag_filter.setCurrentIndex(panel.tag_filter.findData("risk"))
    panel.apply_filters()
    assert shown() == [red.id]
    # Choosing one that is filtered out (from the page) shows everything again.
    panel.select(blue.id)
    assert set(shown()) == {blue.id, red.id} and panel.current_id == blue.id
    # A click on a card goes to its place on the page.
    view.go_to_page(5)
    panel.list.clicked.emit(panel.model.index(panel.model.row_of(red.id), 0))
    assert view.current_page() == 1
    assert view.page_labels[0].chosen_annotation == red.id


# The Notes view


def test_notes_view_filters_and_opens_a_note_at_its_page(qtbot, window, library) -> None:
    annotations = Annotations(library.store)
    renew = annotations.add("renew-pillar", "x", "page-note", 2, body="Ask the <b>data</b> team")
    annotations.add("reform-pillar", "x", "page-note", 1, body="Talk to HR", color="red")
    annotations.add(DOC, "x", "document-note", None, body="Whole thing", tags=["board"])
    window.tabs.setCurrentWidget(window.notes_view)
    notes = window.notes_view
    assert notes.count.text() == "3 notes"

    def rows() -> list[str]:
        return [
            notes.model.index(r, COLUMNS.index("Note")).data()
            for r in range(notes.model.rowCount())
        ]

    assert "Ask the <b>data</b> team" in rows()  # markup shown as typed
    notes.pillar_filter.setCurrentIndex(notes.pillar_filter.findData("renew"))
    notes.reload()
    assert rows() == ["Ask the <b>data</b> team"]
    notes.pillar_filter.setCurrentIndex(0)
    notes.colour_filter.setCurrentIndex(notes.colour_filter.findData("red"))
    notes.reload()
    assert rows() == ["Talk to HR"]
    notes.colour_filter.setCurrentIndex(0)
    notes.tag_filter.setCurrentIndex(notes.tag_filter.findData("board"))
    notes.reload()
    assert rows() == ["Whole thing"]
    notes.tag_filter.setCurrentIndex(0)
    notes.resource_filter.setCurrentIndex(notes.resource_filter.findData("reform-pillar"))
    notes.reload()
    assert rows() == ["Talk to HR"]
    notes.resource_filter.setCurrentIndex(0)
    notes.text_filter.setText("DATA")
    qtbot.waitUntil(lambda: rows() == ["Ask the <b>data</b> team"], timeout=TIMEOUT)

    notes.table.activated.emit(notes.model.index(0, 0))
    view = window.current_document()
    assert view is not None and view.resource.id == "renew-pillar"
    qtbot.waitUntil(lambda: view.notes.panel.current_id == renew.id, timeout=TIMEOUT)
    assert view.side_panel.currentWidget() is view.notes.panel
    assert view.notes.panel.note_edit.toPlainText() == "Ask the <b>data</b> team"


def test_notes_view_follows_changes_and_deletes_with_undo(qtbot, window, view, library) -> None:
    select(view, 3, 6)
    [made] = view.notes.annotate_selection("highlight")
    window.tabs.setCurrentWidget(window.notes_view)
    notes = window.notes_view
    assert notes.model.rowCount() == 1
    notes.table.selectRow(0)
    notes.delete_selected()
    assert stored(library) == [] and notes.model.rowCount() == 0
    window.undo_action.trigger()
    assert notes.model.rowCount() == 1
    assert view.page_labels[0].annotations[0].id == made.id  # the open document too


# Plain text and failures


def test_markup_in_a_note_is_never_rendered() -> None:
    tip = plain_tooltip("<img src=x onerror=alert(1)> <b>bold</b>")
    assert "<img" not in tip and "&lt;img src=x" in tip and "&lt;b&gt;" in tip


def test_a_note_that_cannot_be_saved_keeps_its_text_and_says_why(
    qtbot, window, view, library
) -> None:
    select(view, 3, 6)
    [made] = view.notes.annotate_selection("note")
    panel = view.notes.panel
    pages = library.store.query("PRAGMA page_count")[0][0]
    library.store.query(f"PRAGMA max_page_count = {pages}")  # the disk is full
    long_note = "A long thought about the strategy. " * 400
    panel.note_edit.setPlainText(long_note)
    assert not panel.save_note()
    assert panel.error.isVisible() and "not saved: the disk is full" in panel.error.text()
    assert panel.retry_button.isVisible()
    assert panel.note_edit.toPlainText() == long_note  # nothing typed is lost
    assert stored(library)[0].body == ""
    assert "not saved" in window.statusBar().currentMessage()
    # Choosing another annotation does not throw the unsaved text away.
    other = Annotations(library.store)
    library.store.query("PRAGMA max_page_count = 1000000")
    second = other.add(DOC, view.resource.sha256, "page-note", 2)
    library.store.query(f"PRAGMA max_page_count = {pages + 1}")
    view.notes.reload()
    panel.list.setCurrentIndex(panel.model.index(panel.model.row_of(second.id), 0))
    qtbot.waitUntil(lambda: panel.current_id == made.id, timeout=TIMEOUT)
    assert panel.note_edit.toPlainText() == long_note
    # Space again: trying again saves it.
    library.store.query("PRAGMA max_page_count = 1000000")
    panel.retry_button.click()
    assert stored(library)[0].body == long_note
    assert not panel.error.isVisible()


def test_a_read_only_data_folder_refuses_new_annotations_clearly(
    qtbot, window, view, library
) -> None:
    library.store.query("PRAGMA query_only = 1")
    try:
        select(view, 3, 6)
        assert view.notes.annotate_selection("highlight") == []
        assert "read-only" in view.notes.panel.error.text()
        assert "read-only" in window.statusBar().currentMessage()
        assert window.annotation_editor.undo_stack.count() == 0  # no step that did nothing
        assert view.selected_text()  # the selection is still there to try again
    finally:
        library.store.query("PRAGMA query_only = 0")
    assert stored(library) == []


def test_an_undo_that_cannot_be_saved_clears_the_history(qtbot, window, view, library) -> None:
    select(view, 3, 6)
    view.notes.annotate_selection("highlight")
    library.store.query("PRAGMA query_only = 1")
    try:
        window.undo_action.trigger()
        assert "undo history was cleared" in window.statusBar().currentMessage()
    finally:
        library.store.query("PRAGMA query_only = 0")
    qtbot.waitUntil(lambda: window.annotation_editor.undo_stack.count() == 0, timeout=TIMEOUT)
    assert len(stored(library)) == 1  # the database is as it was: the highlight is there
    assert len(view.page_labels[0].annotations) == 1


# Search


def test_a_search_hit_in_a_note_says_so_and_opens_the_note(qtbot, window, view, library) -> None:
    select(view, 3, 6)
    [made] = view.notes.annotate_selection("note")
    view.notes.editor.edit(made.id, body="Quangoberry <i>pilot</i> for the board")
    # The notes are indexed again shortly after a change, without being asked.
    assert window._reindex_timer.isActive()
    qtbot.waitUntil(
        lambda: not window._reindex_timer.isActive() and not window.indexing, timeout=TIMEOUT
    )
    answers = []
    window.runner.results_ready.connect(lambda results: answers.append(results))
    window.search_field.setText("quangoberry")
    qtbot.waitUntil(lambda: bool(answers) and answers[-1].total > 0, timeout=TIMEOUT)
    group = window.results.topLevelItem(0)
    hit = group.child(0)
    assert hit.text(0).startswith("p. 1, in your notes: ")
    assert "Quangoberry <i>pilot</i>" in hit.text(0)  # as typed
    assert "&lt;i&gt;" in hit.toolTip(0)  # a tool tip shows the markup, it does not render it
    window.tabs.setCurrentIndex(0)
    window.results.itemActivated.emit(hit, 0)
    assert window.current_document() is view
    qtbot.waitUntil(lambda: view.notes.panel.current_id == made.id, timeout=TIMEOUT)
    assert view.side_panel.currentWidget() is view.notes.panel


def test_notes_view_sorts_by_a_column(qtbot, window, library) -> None:
    annotations = Annotations(library.store)
    for page, body in ((3, "third"), (1, "first"), (2, "second")):
        annotations.add(DOC, "x", "page-note", page, body=body)
    window.tabs.setCurrentWidget(window.notes_view)
    notes = window.notes_view
    notes.table.sortByColumn(COLUMNS.index("Page"), Qt.SortOrder.AscendingOrder)
    column = COLUMNS.index("Note")
    assert [notes.model.index(r, column).data() for r in range(3)] == ["first", "second", "third"]
    notes.table.sortByColumn(COLUMNS.index("Note"), Qt.SortOrder.DescendingOrder)
    assert [notes.model.index(r, column).data() for r in range(3)] == ["third", "second", "first"]
    annotations.add(DOC, "x", "page-note", 4, body="fourth")
    notes.reload()  # a reload keeps the order the reader chose
    assert [notes.model.index(r, column).data() for r in range(4)] == [
        "third",
        "second",
        "fourth",
        "first",
    ]


def test_a_note_typed_on_a_deleted_annotation_never_lands_on_another(
    qtbot, window, view, library
) -> None:
    select(view, 0, 1)
    [gone] = view.notes.annotate_selection("note")
    select(view, 3, 4)
    [second] = view.notes.annotate_selection("highlight")
    select(view, 6, 7)
    [third] = view.notes.annotate_selection("highlight")
    view.notes.editor.edit(third.id, body="C's own note")
    panel = view.notes.panel
    panel.select(gone.id)
    panel.note_edit.setPlainText("typed, not yet saved")  # within the pause before saving
    Annotations(library.store).delete(gone.id)  # deleted behind the panel's back
    view.notes.reload()
    panel.list.setCurrentIndex(panel.model.index(panel.model.row_of(second.id), 0))
    assert "was deleted before your note was saved" in panel.error.text()
    assert panel.current_id == second.id and panel.note_edit.toPlainText() == ""
    panel.list.setCurrentIndex(panel.model.index(panel.model.row_of(third.id), 0))
    assert panel.note_edit.toPlainText() == "C's own note"
    assert panel.save_note()
    assert {a.id: a.body for a in stored(library)} == {second.id: "", third.id: "C's own note"}


def test_tags_being_typed_stay_with_their_annotation(qtbot, window, view, library) -> None:
    select(view, 0, 1)
    [first] = view.notes.annotate_selection("highlight")
    select(view, 3, 4)
    [second] = view.notes.annotate_selection("highlight")
    view.notes.editor.edit(second.id, tags=["beta"])
    panel = view.notes.panel
    panel.select(first.id)
    panel.tags_edit.setFocus()
    panel.tags_edit.setText("alpha")  # typed, Enter not pressed
    panel.select(second.id)  # chosen on the page, say
    assert panel.tags_edit.text() == "beta"
    tags = {a.id: a.tags for a in stored(library)}
    assert tags == {first.id: ("alpha",), second.id: ("beta",)}


def test_closing_the_tab_saves_a_note_typed_just_now(qtbot, window, view, library) -> None:
    select(view, 3, 6)
    view.notes.annotate_selection("note")
    view.notes.panel.note_edit.setPlainText("written a moment ago")
    window.on_tab_close_requested(window.tabs.indexOf(view))
    assert stored(library)[0].body == "written a moment ago"
