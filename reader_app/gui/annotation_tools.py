"""Annotating an open document: the toolbar buttons and shortcuts that highlight,
underline or note the selected text, notes pinned to a point of a page, the
annotations drawn over the pages, and the side panel that lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton, QToolTip

from reader_app.annotations import COLOURS, Annotation, AnnotationFilter
from reader_app.gui.annotation_editing import SAVE_ERRORS, AnnotationEditor, NewAnnotation
from reader_app.gui.annotation_panel import AnnotationPanel
from reader_app.gui.page_widget import NOTE_SIZE, PageWidget
from reader_app.gui.plain_text import plain_tooltip
from reader_app.page_text import quote_of
from reader_app.pdf_annotations import (
    EmbeddedAnnotation,
    origin_key,
    read_pdf_annotations,
    take_into_store,
)
from reader_app.reanchor import apply_placements, plan_reanchor

if TYPE_CHECKING:
    from reader_app.gui.document_view import DocumentView

SHORTCUTS = {"highlight": "Ctrl+Shift+H", "underline": "Ctrl+Shift+U", "note": "Ctrl+Shift+M"}


def colour_icon(name: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(COLOURS[name]))
    return QIcon(pixmap)


class AnnotationTools(QObject):
    def __init__(self, view: DocumentView, editor: AnnotationEditor) -> None:
        super().__init__(view)
        self.view, self.editor = view, editor
        self.colour = "yellow"  # the last colour chosen, used for the next highlight
        self.chosen: str | None = None
        self.items: list[Annotation] = []
        self.panel = AnnotationPanel(editor, view.resource)
        self.panel.go_to.connect(self.go_to)
        self.panel.current_changed.connect(self.on_chosen)
        editor.touched.connect(self.on_touched)
        editor.failed.connect(self.on_failed)
        self.actions: dict[str, QAction] = {}
        self.pdf_own: list[EmbeddedAnnotation] = []  # the PDF's own annotations
        self.embedded: list[EmbeddedAnnotation] = []  # those of them not taken in yet
        self._news = ""  # what re-anchoring did, for the panel
        self.panel.take_button.clicked.connect(self.take_embedded)
        view.service.finished.connect(self.on_worker_finished)
        view.service.failed.connect(self.on_worker_failed)
        self.reload()
        self.check_document()

    # Building (called by the view)

    def add_to_toolbar(self, bar: QToolBar) -> None:
        bar.addSeparator()
        for kind, label, tip in (
            ("highlight", "Highlight", "Highlight the selected text"),
            ("underline", "Underline", "Underline the selected text"),
            ("note", "Note", "Highlight the selected text and write a note on it"),
        ):
            action = QAction(label, self.view)
            action.setShortcut(QKeySequence(SHORTCUTS[kind]))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{tip} ({action.shortcut().toString()})")
            action.triggered.connect(lambda _=False, k=kind: self.annotate_selection(k))
            self.view.addAction(action)  # the shortcut works wherever the focus is in the view
            bar.addAction(action)
            bar.widgetForAction(action).setAccessibleName(label)
            self.actions[kind] = action
        self.colour_button = QToolButton(accessibleName="Highlight colour")
        self.colour_button.setToolTip("The colour of new highlights")
        self.colour_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.colour_button)
        for name in COLOURS:
            menu.addAction(colour_icon(name), name.capitalize(), lambda n=name: self.set_colour(n))
        self.colour_button.setMenu(menu)
        self.set_colour(self.colour)
        bar.addWidget(self.colour_button)
        self.on_selection_changed(self.view.selected_text())

    def set_colour(self, name: str) -> None:
        self.colour = name
        if hasattr(self, "colour_button"):
            self.colour_button.setIcon(colour_icon(name))
            self.colour_button.setText(name.capitalize())
            self.colour_button.setToolTip(f"The colour of new highlights: {name}")

    def on_selection_changed(self, text: str) -> None:
        for action in self.actions.values():
            action.setEnabled(bool(text))

    def add_menu_items(self, menu: QMenu, page: PageWidget | None, at: QPointF | None) -> None:
        """The context menu's annotation entries, for the point right-clicked."""
        menu.addSeparator()
        selected = bool(self.view.selected_text())
        for kind, label in (("highlight", "Highlight"), ("underline", "Underline")):
            action = menu.addAction(label, lambda k=kind: self.annotate_selection(k))
            action.setEnabled(selected)
        colours = menu.addMenu("Highlight in Colour")
        colours.setEnabled(selected)
        for name in COLOURS:
            colours.addAction(
                colour_icon(name),
                name.capitalize(),
                lambda n=name: (self.set_colour(n), self.annotate_selection("highlight")),
            )
        menu.addAction(
            "Add Note to Selection…", lambda: self.annotate_selection("note")
        ).setEnabled(selected)
        if page is not None and at is not None:
            menu.addAction("Add Note Here…", lambda: self.add_page_note(page.number, at))
            found = page.annotation_at(at.x(), at.y())
            if found is not None:
                menu.addSeparator()
                menu.addAction("Edit Note…", lambda: self.choose(found.id, edit=True))
                recolour = menu.addMenu("Change Colour")
                for name in COLOURS:
                    recolour.addAction(
                        colour_icon(name),
                        name.capitalize(),
                        lambda n=name: self.editor.edit(found.id, color=n),
                    )
                menu.addAction("Delete Annotation", lambda: self.editor.delete([found.id]))
        menu.addAction("Note on the Whole Document…", self.panel.add_document_note)

    # Making annotations

    def annotate_selection(self, kind: str) -> list[Annotation]:
        """Highlight, underline or note the selected words: one annotation per page."""
        ranges = self.view.selected_ranges()
        wanted = []
        for page, start, end in ranges:
            assert page.layout_info is not None
            exact, prefix, suffix, quads = quote_of(page.layout_info.words, start, end)
            wanted.append(
                NewAnnotation(
                    self.view.resource.id,
                    self.view.resource.sha256,
                    kind,
                    page.number,
                    quads=tuple(quads),
                    exact=exact,
                    prefix=prefix,
                    suffix=suffix,
                    color=self.colour,
                )
            )
        made = self.editor.create(wanted) if wanted else None
        if made:
            self.view.clear_selection()
            self.show_panel()
            self.choose(made[0].id, edit=kind == "note")
        return made or []

    def add_page_note(self, number: int, at: QPointF) -> Annotation | None:
        """A note pinned to a point of a page (its top left corner there)."""
        box = (at.x(), at.y(), at.x() + NOTE_SIZE, at.y() + NOTE_SIZE)
        made = self.editor.create(
            [
                NewAnnotation(
                    self.view.resource.id,
                    self.view.resource.sha256,
                    "page-note",
                    number,
                    quads=(box,),
                    color=self.colour,
                )
            ]
        )
        if made:
            self.show_panel()
            self.choose(made[0].id, edit=True)
        return made[0] if made else None

    # The document's own annotations, and new versions of it (read in a worker)

    def check_document(self) -> None:
        """Re-anchor annotations made on another version of this document, and look for
        annotations the PDF has of its own."""
        resource = self.view.resource
        annotations = self.editor.annotations
        if annotations.has_stale(resource.id, resource.sha256):
            stale = annotations.stale(resource.id, resource.sha256)
            self.view.service.call(self._key("reanchor"), plan_reanchor, self.view.path, stale)
        if resource.media_type == "application/pdf":
            self.view.service.call(self._key("embedded"), read_pdf_annotations, self.view.path)

    def _key(self, kind: str) -> tuple[str, int]:
        return (kind, self.view.token)

    def on_worker_finished(self, key: object, result: object) -> None:
        if key == self._key("reanchor"):
            self.apply_reanchoring(result)  # type: ignore[arg-type]
        elif key == self._key("embedded"):
            self.pdf_own = list(result)  # type: ignore[call-overload]
            self._describe()

    def on_worker_failed(self, key: object, message: str) -> None:
        if key == self._key("reanchor"):
            self._news = f"Your annotations could not be placed in this version: {message}"
            self._describe()

    def apply_reanchoring(self, placements: list) -> None:
        try:
            report = apply_placements(
                self.editor.annotations, placements, self.view.resource.sha256
            )
        except SAVE_ERRORS as exc:
            self.panel.show_error(str(exc))
            return
        found = len(report.placed) + len(report.moved) + len(report.kept)
        lines = [
            f"This document has changed since you annotated it. {found} of your annotations "
            "were placed in the new version"
            + (f" ({len(report.moved)} on another page)" if report.moved else "")
            + "."
        ]
        if report.orphaned:
            lines.append(
                f"{len(report.orphaned)} could not be found in it; they are kept and listed "
                'as "not found in this version".'
            )
        self._news = " ".join(lines)
        self.reload()
        self.editor.changed.emit({self.view.resource.id})  # for search and the Notes view

    def _describe(self) -> None:
        """Tell the reader what re-anchoring did and which of the PDF's own annotations
        can still be taken in (again, after an undo)."""
        resource = self.view.resource
        taken = self.editor.annotations.origin_keys(resource.id) if self.pdf_own else set()
        sha = resource.sha256
        self.embedded = [e for e in self.pdf_own if origin_key(sha, e) not in taken]
        count = len(self.embedded)
        own = (
            f"This PDF has {count} annotation{'s' * (count != 1)} of its own, drawn on its "
            "pages. Add them to your notes to edit, tag, search and export them; the file "
            "itself is not changed."
            if count
            else ""
        )
        self.panel.show_info(" ".join(filter(None, (self._news, own))))
        self.panel.take_button.setVisible(bool(count))

    def take_embedded(self) -> list[Annotation]:
        """Take the PDF's own annotations into the store, as one undoable step."""
        resource, embedded = self.view.resource, self.embedded
        made = self.editor.add_made(
            lambda: (
                take_into_store(
                    self.editor.annotations, resource.id, resource.sha256, embedded
                ).taken
            ),
            "Add the PDF's annotations",
        )
        if made:
            self.show_panel()
        return made or []

    # Showing them

    def reload(self) -> None:
        self.items = self.editor.of_resource(self.view.resource.id)
        self.panel.set_annotations(self.items)
        self._draw()
        self._describe()

    def _draw(self) -> None:
        by_page: dict[int, list[Annotation]] = {}
        for item in self.items:
            if item.page is not None and not item.orphaned:  # nowhere to draw an orphan
                by_page.setdefault(item.page, []).append(item)
        for page in self.view.page_labels:
            page.set_annotations(by_page.get(page.number, []), self.chosen)

    def on_touched(self, ids: set[str]) -> None:
        """Update the annotations that changed, not all of them (a document may have
        thousands)."""
        mine = {a.id for a in self.items} & ids
        fresh = [
            a
            for a in self.editor.annotations.find(AnnotationFilter(ids=ids))
            if a.resource_id == self.view.resource.id
        ]
        if not mine and not fresh:
            return
        self.items = sorted(
            [a for a in self.items if a.id not in ids] + fresh,
            key=lambda a: (a.page or 0, a.quads[0][1] if a.quads else 0, a.created),
        )
        self.panel.set_annotations(self.items)
        self._draw()
        self._describe()

    def on_failed(self, message: str) -> None:
        if self.view.isVisible():
            self.panel.show_error(message)

    def on_chosen(self, annotation_id: str | None) -> None:
        self.chosen = annotation_id
        for page in self.view.page_labels:
            page.set_chosen(annotation_id)

    def choose(self, annotation_id: str, edit: bool = False) -> None:
        self.panel.select(annotation_id)
        if edit:
            self.show_panel()
            self.panel.edit_note()

    def go_to(self, page: int, annotation_id: str) -> None:
        item = next((a for a in self.items if a.id == annotation_id), None)
        if item is not None and item.quads and item.page is not None:
            self.view.ensure_box_visible(item.page, item.quads[0])
        else:
            self.view.go_to_page(page)
        self.on_chosen(annotation_id)

    def show_panel(self) -> None:
        self.view.panel_action.setChecked(True)
        self.view.side_panel.setCurrentWidget(self.panel)

    def click(self, page: PageWidget, at: QPointF) -> bool:
        """A click on the page: choose the annotation under it, if any."""
        found = page.annotation_at(at.x(), at.y())
        if found is None:
            return False
        self.choose(found.id)
        return True

    def hover(self, page: PageWidget, at: QPointF, global_point: object) -> bool:
        found = page.annotation_at(at.x(), at.y())
        if found is None or not found.body:
            return False
        QToolTip.showText(global_point, plain_tooltip(found.body), self.view.scroll.viewport())  # type: ignore[arg-type]
        return True
