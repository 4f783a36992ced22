"""The open document's annotations, in its side panel: a list by page that can be
filtered by type, colour and tag, and an editor for the chosen one's note, tags and
colour. Changes are saved as they are made; nothing needs a save button."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QStringListModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader_app.annotations import COLOURS, KINDS, Annotation
from reader_app.catalog import Resource
from reader_app.gui.annotation_editing import KIND_NAMES, AnnotationEditor, NewAnnotation
from reader_app.gui.annotation_model import (
    ANNOTATION_ROLE,
    AnnotationCardDelegate,
    AnnotationModel,
    one_line,
    quoted,
    where,
)

SAVE_DELAY_MS = 600  # typing is saved once it pauses this long (and when the editor is left)
ERROR_STYLE = "color: palette(bright-text); background: #b3261e; padding: 4px;"


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex) -> str:
        widget = self.widget()
        before = widget.text().rsplit(",", 1)[0] + ", " if "," in widget.text() else ""  # type: ignore[union-attr]
        return before + str(index.data())


def parse_tags(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def combo(name: str, tip: str, everything: str) -> QComboBox:
    box = QComboBox(accessibleName=name)
    box.setToolTip(tip)
    box.addItem(everything, None)
    return box


def refill(box: QComboBox, values: list[str]) -> None:
    """New values after the first ("All ..."), keeping the one chosen if it is still there."""
    chosen = box.currentData()
    while box.count() > 1:
        box.removeItem(1)
    for value in values:
        box.addItem(value, value)
    box.setCurrentIndex(max(0, box.findData(chosen)) if chosen in values else 0)


class AnnotationPanel(QWidget):
    go_to = Signal(int, str)  # page, annotation id: show it on its page
    current_changed = Signal(object)  # the chosen annotation's id, or None
    export_requested = Signal()

    def __init__(self, editor: AnnotationEditor, resource: Resource) -> None:
        super().__init__(accessibleName="Annotations")
        self.editor, self.resource = editor, resource
        self.all_items: list[Annotation] = []
        self.current_id: str | None = None
        self._dirty = False  # the note text in the editor is not saved yet

        self.kind_filter = combo("Filter by type", "Show one type of annotation", "All types")
        for kind in KINDS:
            self.kind_filter.addItem(KIND_NAMES[kind].capitalize(), kind)
        self.colour_filter = combo("Filter by colour", "Show one colour", "All colours")
        for name in COLOURS:
            self.colour_filter.addItem(name.capitalize(), name)
        self.tag_filter = combo("Filter by tag", "Show annotations with this tag", "All tags")
        for box in (self.kind_filter, self.colour_filter, self.tag_filter):
            box.activated.connect(self.apply_filters)
        self.count = QLabel(accessibleName="Annotation count")
        self.count.setToolTip("Annotations shown, of those on this document")

        self.model = AnnotationModel()
        self.list = QListView(accessibleName="Annotation list", uniformItemSizes=True)
        self.list.setToolTip("Click an annotation to go to it; Delete removes it")
        self.list.setModel(self.model)
        self.list.setItemDelegate(AnnotationCardDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.selectionModel().currentChanged.connect(self.on_current_changed)
        self.list.clicked.connect(self.on_clicked)
        self.list.activated.connect(self.on_clicked)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected)

        self.heading = QLabel(accessibleName="Chosen annotation")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.note_edit = QPlainTextEdit(accessibleName="Note text")
        self.note_edit.setToolTip("The note: saved as you type")
        self.note_edit.setPlaceholderText("Write a note…")
        self.note_edit.textChanged.connect(self.on_note_typed)
        self.note_edit.installEventFilter(self)
        self.tags_edit = QLineEdit(accessibleName="Annotation tags")
        self.tags_edit.setToolTip("Tags, separated by commas; press Enter to save")
        self.tags_edit.setPlaceholderText("Tags, separated by commas")
        self.tags_edit.editingFinished.connect(self.save_tags)
        self._known_tags = QStringListModel(self)
        self.completer = TagCompleter(self._known_tags, self.tags_edit)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(self.completer)
        self.colour_box = QComboBox(accessibleName="Annotation colour")
        self.colour_box.setToolTip("The annotation's colour")
        for name in COLOURS:
            self.colour_box.addItem(name.capitalize(), name)
        self.colour_box.activated.connect(self.save_colour)
        self.delete_button = QPushButton("Delete", accessibleName="Delete annotation")
        self.delete_button.setToolTip("Delete this annotation (Ctrl+Z brings it back)")
        self.delete_button.clicked.connect(self.delete_selected)
        self.document_note_button = QPushButton(
            "Note on document", accessibleName="Add a note on the document"
        )
        self.document_note_button.setToolTip("Add a note about the whole document")
        self.document_note_button.clicked.connect(self.add_document_note)
        self.error = QLabel(accessibleName="Save error", wordWrap=True, visible=False)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(ERROR_STYLE)
        self.retry_button = QPushButton("Try again", accessibleName="Try saving again")
        self.retry_button.setToolTip("Save the note again")
        self.retry_button.clicked.connect(self.save_note)
        self.retry_button.hide()
        # News about this document's annotations: re-anchored to a new version, or
        # annotations of the PDF's own that can be taken in.
        self.info = QLabel(accessibleName="About these annotations", wordWrap=True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.hide()
        self.take_button = QPushButton(
            "Add Them to My Notes", accessibleName="Add the PDF's annotations to my notes"
        )
        self.take_button.setToolTip("Copy the PDF's own annotations into your notes")
        self.take_button.hide()
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_note)

        filters = QHBoxLayout()
        for box in (self.kind_filter, self.colour_filter, self.tag_filter):
            filters.addWidget(box)
        row = QHBoxLayout()
        row.addWidget(self.colour_box)
        row.addStretch(1)
        row.addWidget(self.delete_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(filters)
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.document_note_button)
        export = QPushButton("Export…", accessibleName="Export this document's notes")
        export.setToolTip("Export this document's notes to a file")
        export.clicked.connect(self.export_requested)
        top.addWidget(export)
        column.addLayout(top)
        column.addWidget(self.info)
        column.addWidget(self.take_button)
        column.addWidget(self.list, 3)
        column.addWidget(self.error)
        column.addWidget(self.retry_button)
        column.addWidget(self.heading)
        column.addWidget(self.note_edit, 2)
        column.addWidget(self.tags_edit)
        column.addLayout(row)
        self._show_in_editor(None)

    # Contents

    def set_annotations(self, items: list[Annotation]) -> None:
        self.all_items = items
        refill(self.tag_filter, sorted({t for a in items for t in a.tags}, key=str.casefold))
        self._known_tags.setStringList(self.editor.all_tags())
        self.apply_filters()

    def apply_filters(self) -> None:
        kind, colour, tag = (
            box.currentData() for box in (self.kind_filter, self.colour_filter, self.tag_filter)
        )
        shown = [
            a
            for a in self.all_items
            if (kind is None or a.kind == kind)
            and (colour is None or a.color == colour)
            and (tag is None or tag in a.tags)
        ]
        self.model.set_annotations(shown)
        total = len(self.all_items)
        self.count.setText(
            f"{total} annotation{'s' * (total != 1)}"
            if len(shown) == total
            else f"{len(shown)} of {total} annotations"
        )
        if self.current_id is not None and self.model.row_of(self.current_id) is not None:
            self.select(self.current_id, quiet=True)
        elif not self._dirty:
            self._show_in_editor(None)

    def select(self, annotation_id: str | None, quiet: bool = False) -> None:
        """Choose an annotation (from the page or the list) and show it in the editor."""
        row = self.model.row_of(annotation_id) if annotation_id else None
        if row is None and any(a.id == annotation_id for a in self.all_items):
            # Filtered out: show everything, so the annotation chosen on the page is here.
            for box in (self.kind_filter, self.colour_filter, self.tag_filter):
                box.setCurrentIndex(0)
            self.apply_filters()
            row = self.model.row_of(annotation_id)  # type: ignore[arg-type]
        if row is None:
            self.list.clearSelection()
            self._show_in_editor(None)
            return
        index = self.model.index(row, 0)
        selection = self.list.selectionModel()
        selection.blockSignals(quiet)
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        selection.blockSignals(False)
        if not quiet:  # a reload keeps the reader's place in the list
            self.list.scrollTo(index)
        self._show_in_editor(self.model.items[row])

    def current(self) -> Annotation | None:
        return next((a for a in self.all_items if a.id == self.current_id), None)

    # The list

    def on_current_changed(self, index: QModelIndex, _previous: QModelIndex) -> None:
        item: Annotation | None = index.data(ANNOTATION_ROLE) if index.isValid() else None
        if item is not None and item.id == self.current_id:
            return
        if self._dirty and not self.save_note():
            if self.current() is not None:
                # The note could not be saved: stay on it, so its text is not lost.
                QTimer.singleShot(0, lambda: self.select(self.current_id, quiet=True))
                return
            # Its annotation was deleted meanwhile: the text has nowhere to go.
            self._show_in_editor(item)
            self.show_error(
                "The annotation you were writing on was deleted before your note was saved; "
                "Edit > Undo brings the annotation back."
            )
            return
        self._show_in_editor(item)

    def on_clicked(self, index: QModelIndex) -> None:
        item: Annotation | None = index.data(ANNOTATION_ROLE)
        if item is not None:
            self.go_to.emit(item.page or 1, item.id)

    def delete_selected(self) -> None:
        ids = [i.data(ANNOTATION_ROLE).id for i in self.list.selectionModel().selectedRows()]
        if not ids and self.current_id:
            ids = [self.current_id]
        if ids:
            self._dirty = False
            self._save_timer.stop()
            self.editor.delete(ids)

    # The editor

    def _show_in_editor(self, item: Annotation | None) -> None:
        chosen = item.id if item else None
        changed = chosen != self.current_id
        if changed:
            # What the boxes hold belongs to the annotation being left: tags typed for it
            # are saved to it, and nothing is carried over to the next one.
            self.save_tags()
            self._save_timer.stop()
            self._dirty = False
        self.current_id = chosen
        enabled = item is not None
        for widget in (self.note_edit, self.tags_edit, self.colour_box, self.delete_button):
            widget.setEnabled(enabled)
        if item is None:
            self.heading.setText("Choose an annotation to edit its note, tags and colour")
            self._set_note_text("")
        else:
            quote = f": {quoted(one_line(item.exact, 160))}"
            self.heading.setText(
                f"{where(item).capitalize()}, {KIND_NAMES[item.kind]}{quote if item.exact else ''}"
            )
            if not self._dirty:
                self._set_note_text(item.body)
            if changed or not self.tags_edit.hasFocus():  # not under the reader's typing
                self.tags_edit.setText(", ".join(item.tags))
            self.colour_box.setCurrentIndex(self.colour_box.findData(item.color))
        if changed:
            self.current_changed.emit(self.current_id)

    def _set_note_text(self, text: str) -> None:
        if self.note_edit.toPlainText() != text:
            self.note_edit.blockSignals(True)
            self.note_edit.setPlainText(text)  # plain text: markup is shown as typed
            self.note_edit.blockSignals(False)

    def edit_note(self) -> None:
        """Put the cursor in the note box (after making a note, or from a shortcut)."""
        self.note_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.note_edit.moveCursor(self.note_edit.textCursor().MoveOperation.End)

    def on_note_typed(self) -> None:
        if self.current_id is not None:
            self._dirty = True
            self._save_timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.note_edit and event.type() == QEvent.Type.FocusOut and self._dirty:
            self.save_note()
        return False

    def save_note(self) -> bool:
        """Save the note text; on failure keep it in the editor and say why."""
        self._save_timer.stop()
        if self.current_id is None or not self._dirty:
            return True
        saved = self.editor.edit(self.current_id, body=self.note_edit.toPlainText())
        if saved is None:
            self.show_error(self.editor.last_error)
            return False
        self._dirty = False
        self.show_error("")
        return True

    def show_error(self, message: str) -> None:
        if message and self._dirty:
            message += " Your note is kept in the box below; it is saved when you try again."
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.retry_button.setVisible(bool(message) and self._dirty)

    def show_info(self, message: str) -> None:
        self.info.setText(message)
        self.info.setVisible(bool(message))

    def save_tags(self) -> None:
        item = self.current()
        if item is None:
            return
        tags = parse_tags(self.tags_edit.text())
        if tuple(tags) != item.tags:
            self.editor.edit(item.id, tags=tags)

    def save_colour(self) -> None:
        item = self.current()
        colour = self.colour_box.currentData()
        if item is not None and colour != item.color:
            self.editor.edit(item.id, color=colour)

    def add_document_note(self) -> None:
        made = self.editor.create(
            [NewAnnotation(self.resource.id, self.resource.sha256, "document-note", None)]
        )
        if made:
            self.select(made[0].id)
            self.edit_note()
