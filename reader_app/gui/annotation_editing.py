"""Every change to annotations made in the window goes through here: saved at once, and
undoable (Ctrl+Z) and redoable (Ctrl+Shift+Z) from one history shared by all views.

A change is written first and put on the undo stack only once it is saved, so the
history never holds a change the database does not. A failed write (disk full,
read-only folder) is reported through ``failed`` and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from reader_app.annotations import Annotation, AnnotationError, AnnotationFilter, Annotations
from reader_app.store import StoreError, TagError

KIND_NAMES = {
    "highlight": "highlight",
    "underline": "underline",
    "note": "note",
    "page-note": "pinned note",
    "document-note": "note on the document",
}
SAVE_ERRORS = (StoreError, AnnotationError, TagError)


@dataclass(frozen=True)
class NewAnnotation:
    """What the viewer asks for; the store gives it an id and times."""

    resource_id: str
    doc_sha256: str
    kind: str
    page: int | None
    quads: tuple[tuple[float, float, float, float], ...] = ()
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    body: str = ""
    color: str = "yellow"
    tags: tuple[str, ...] = field(default_factory=tuple)


class AnnotationEditor(QObject):
    changed = Signal(set)  # resource ids whose annotations changed
    # The annotations themselves (ids, added, edited or removed), emitted just before
    # ``changed``: an open document updates those rather than reloading them all.
    touched = Signal(set)
    failed = Signal(str)  # a change that was not saved, and why (for the user)

    def __init__(
        self,
        annotations: Annotations,
        parent: QObject | None = None,
        known_tags: Callable[[], list[str]] | None = None,
    ) -> None:
        # Give it a parent (the window): one left to Python's garbage collector with
        # commands on its stack has crashed the interpreter at exit.
        super().__init__(parent)
        self.annotations = annotations
        self.undo_stack = QUndoStack(self)
        # Tags to complete from: those on resources too, when the window says so.
        self._known_tags = known_tags or annotations.all_tags
        self.last_error = ""

    # Reading

    def of_resource(self, resource_id: str) -> list[Annotation]:
        return self.annotations.find(AnnotationFilter(resource_ids={resource_id}))

    def all_tags(self) -> list[str]:
        """Every tag in use, for completion as a tag is typed."""
        return self._known_tags()

    # Changing: each returns what it saved, or None (and ``failed`` is emitted)

    def create(self, wanted: Iterable[NewAnnotation]) -> list[Annotation] | None:
        """Add one or more annotations as one undoable step (a selection across pages
        makes one per page)."""

        def add() -> list[Annotation]:
            made: list[Annotation] = []
            try:
                for new in wanted:
                    made.append(self.annotations.add(**new.__dict__))
            except BaseException:
                for done in made:  # all or nothing, as one step
                    self.annotations.delete(done.id)
                raise
            return made

        made = self._save(add)
        if made:
            kind = KIND_NAMES.get(made[0].kind, made[0].kind)
            self._push(_Restore(self, made, f"Add {kind}", present=True), made)
        return made

    def add_made(self, make: Callable[[], list[Annotation]], text: str) -> list[Annotation] | None:
        """Store annotations that ``make`` builds and saves (taken from a PDF, say) as one
        undoable step."""
        made = self._save(make)
        if made:
            self._push(_Restore(self, made, text, present=True), made)
        return made

    def edit(
        self,
        annotation_id: str,
        *,
        body: str | None = None,
        color: str | None = None,
        tags: Iterable[str] | None = None,
    ) -> Annotation | None:
        before = self.annotations.get(annotation_id)
        if before is None:
            self.last_error = "That annotation no longer exists."
            self.failed.emit(self.last_error)
            return None
        tags = tuple(tags) if tags is not None else None
        after = self._save(
            lambda: self.annotations.edit(annotation_id, body=body, color=color, tags=tags)
        )
        if after is not None and after != before:
            what = "note" if body is not None else "colour" if color is not None else "tags"
            self._push(_Edit(self, before, after, f"Edit {what}"), [after])
        return after

    def delete(self, annotation_ids: Iterable[str]) -> list[Annotation] | None:
        ids = list(annotation_ids)

        gone = self._save(lambda: self.annotations.delete_many(ids))  # one transaction
        if gone:
            label = "Delete annotation" if len(gone) == 1 else f"Delete {len(gone)} annotations"
            self._push(_Restore(self, gone, label, present=False), gone)
        return gone

    # Inside

    def _save(self, change: Callable[[], Any]) -> Any:
        try:
            return change()
        except SAVE_ERRORS as exc:
            self.last_error = str(exc)
            self.failed.emit(self.last_error)
            return None

    def _push(self, command: QUndoCommand, touched: list[Annotation]) -> None:
        self.undo_stack.push(command)  # its first redo() does nothing: the change is saved
        self._announce(touched)

    def _announce(self, touched: list[Annotation]) -> None:
        self.touched.emit({a.id for a in touched})
        self.changed.emit({a.resource_id for a in touched})

    def _replay(self, change: Callable[[], object], touched: list[Annotation]) -> None:
        """Undo or redo: on failure the history no longer matches the database, so it is
        cleared (after the stack has finished its own step)."""
        try:
            change()
        except SAVE_ERRORS as exc:
            self.failed.emit(f"{exc} The undo history was cleared.")
            QTimer.singleShot(0, self.undo_stack.clear)
        self._announce(touched)


class _Restore(QUndoCommand):
    """Annotations that exist after redo (``present``) or after undo (a delete)."""

    def __init__(
        self, editor: AnnotationEditor, items: list[Annotation], text: str, present: bool
    ) -> None:
        super().__init__(text)
        self._editor, self._items, self._present = editor, items, present
        self._first = True

    def _set(self, present: bool) -> None:
        annotations = self._editor.annotations

        def apply() -> None:  # one transaction either way
            if present:
                annotations.restore_many(self._items)  # skips any already there
            else:
                annotations.delete_many([item.id for item in self._items])

        self._editor._replay(apply, self._items)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._set(self._present)

    def undo(self) -> None:
        self._set(not self._present)


class _Edit(QUndoCommand):
    MERGE_ID = 1

    def __init__(
        self, editor: AnnotationEditor, before: Annotation, after: Annotation, text: str
    ) -> None:
        super().__init__(text)
        self._editor, self.before, self.after = editor, before, after
        self._first = True

    def _set(self, state: Annotation) -> None:
        self._editor._replay(
            lambda: self._editor.annotations.edit(
                state.id, body=state.body, color=state.color, tags=state.tags
            ),
            [state],
        )

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._set(self.after)

    def undo(self) -> None:
        self._set(self.before)

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        # Typing into one note is one step to undo, not one per pause.
        if (
            isinstance(other, _Edit)
            and other.after.id == self.after.id
            and self.text() == other.text() == "Edit note"
        ):
            self.after = other.after
            return True
        return False
