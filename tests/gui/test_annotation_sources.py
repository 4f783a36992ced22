"""Annotations that come from elsewhere: those made on an earlier version of a document,
placed again in the new one when it opens, and a PDF's own annotations, taken in with
one action (undoable) without changing the file."""

import hashlib
from dataclasses import replace

import pytest
import worker_tasks

from reader_app.annotations import AnnotationFilter, Annotations
from reader_app.gui.annotation_editing import AnnotationEditor
from reader_app.gui.document_view import DocumentView
from reader_app.gui.render_service import RenderService
from reader_app.worker import run_isolated

TIMEOUT = 30_000
FILLER = "Councils published recovery plans in many shapes and sizes. " * 12


@pytest.fixture
def service():
    svc = RenderService(workers=2)
    yield svc
    svc.shutdown()


def open_view(qtbot, service, library, path, resource_id="reset-pillar", pages=1):
    resource = replace(
        library.resource(resource_id),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        pages=pages,
    )
    editor = AnnotationEditor(Annotations(library.store))
    view = DocumentView(resource, str(path), service, editor=editor)
    editor.setParent(view)  # as the window owns its editor
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    return view, editor


def test_annotations_on_an_old_version_are_placed_in_the_new_one(
    qtbot, service, library, tmp_path
) -> None:
    annotations = Annotations(library.store)
    moved = annotations.add(
        "reset-pillar",
        "old-version",
        "note",
        1,
        quads=[(60, 60, 200, 75)],
        exact="digital poverty action plan",
        prefix="The council adopted a ",
        suffix=" in the spring",
        body="Compare with ours",
    )
    gone = annotations.add(
        "reset-pillar", "old-version", "highlight", 1, exact="a sentence the editors cut"
    )
    # The new version pushed the passage to page 2.
    path = tmp_path / "new.pdf"
    pages = [FILLER, "The council adopted a digital poverty action plan in the spring."]
    run_isolated(worker_tasks.make_pages_pdf, str(path), pages)
    view, _editor = open_view(qtbot, service, library, path, pages=2)
    panel = view.notes.panel
    qtbot.waitUntil(lambda: "changed since you annotated" in panel.info.text(), timeout=TIMEOUT)
    assert "1 of your annotations were placed in the new version (1 on another page)" in (
        panel.info.text()
    )
    assert "1 could not be found" in panel.info.text()
    now = {a.id: a for a in annotations.find(AnnotationFilter(resource_ids={"reset-pillar"}))}
    assert now[moved.id].page == 2 and now[moved.id].doc_sha256 == view.resource.sha256
    assert now[moved.id].quads and now[moved.id].body == "Compare with ours"
    assert now[gone.id].orphaned  # kept, and said to be missing
    assert [a.id for a in view.page_labels[1].annotations] == [moved.id]
    assert all(a.id != gone.id for p in view.page_labels for a in p.annotations)
    panel.select(gone.id)
    assert panel.heading.text().startswith("Not found in this version (was on page 1)")


def test_a_pdfs_own_annotations_are_taken_in_once_and_undone(
    qtbot, service, library, tmp_path
) -> None:
    path = tmp_path / "annotated.pdf"
    run_isolated(worker_tasks.make_annotated_pdf, str(path))
    before = path.read_bytes()
    view, editor = open_view(qtbot, service, library, path)
    panel = view.notes.panel
    qtbot.waitUntil(lambda: not panel.take_button.isHidden(), timeout=TIMEOUT)
    assert "This PDF has 2 annotations of its own" in panel.info.text()
    panel.take_button.click()
    taken = Annotations(library.store).find(AnnotationFilter(resource_ids={"reset-pillar"}))
    assert sorted((a.kind, a.body) for a in taken) == [
        ("highlight", "Ask our library service"),
        ("page-note", "A sticky note from a colleague"),
    ]
    assert next(a for a in taken if a.kind == "highlight").exact == "lent laptops"
    assert panel.take_button.isHidden() and panel.info.text() == ""
    assert panel.model.rowCount() == 2
    assert path.read_bytes() == before  # the file is never modified
    editor.undo_stack.undo()
    assert Annotations(library.store).find() == []
    assert not panel.take_button.isHidden()  # they can be taken in again
    editor.undo_stack.redo()
    assert len(Annotations(library.store).find()) == 2
    assert panel.take_button.isHidden()
