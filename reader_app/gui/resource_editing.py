"""Changing the reader's own documents: the operations (add, edit, remove) that tell every
view what changed through one signal, the Edit Details dialog, and the question asked
before a document is removed. Bundled resources are never offered for change."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from reader_app.catalog import OWN_KINDS, Pillar, Resource
from reader_app.gui.annotation_editing import AnnotationEditor
from reader_app.gui.annotation_panel import ERROR_STYLE, TagCompleter, parse_tags
from reader_app.importing import ImportRefused, Prepared
from reader_app.library import Library
from reader_app.store import StoreError, TagError, normalise_tag

# What a change to the library can fail with; each message is for the reader.
CHANGE_ERRORS = (ImportRefused, OSError, sqlite3.Error, StoreError, TagError)


def editable(resource: Resource) -> bool:
    """Only the reader's own documents can be edited or removed, never the bundled ones."""
    return resource.source != "bundled"


def kind_name(kind: str) -> str:
    return kind.replace("-", " ").capitalize()


def quoted(title: str) -> str:
    return f"\N{LEFT DOUBLE QUOTATION MARK}{title}\N{RIGHT DOUBLE QUOTATION MARK}"


def plain_label(text: str = "", name: str = "") -> QLabel:
    """A label for document or user text: shown as typed, never as rich text."""
    label = QLabel(text, accessibleName=name or text, wordWrap=True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def tell(
    parent: QWidget,
    title: str,
    text: str,
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> QMessageBox:
    """A message box that shows ``text`` as typed (it may hold titles and file names),
    open without a nested event loop."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


class LibraryChanges(QObject):
    """The GUI's operations on the library's documents. Each reloads the catalog (the
    library does) and then says which resources changed, so every view can refresh."""

    catalog_changed = Signal(set)  # resource ids added, edited or removed
    removing = Signal(str)  # a resource about to be removed: close what shows it

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library

    def add(
        self,
        prepared: Prepared,
        *,
        pillars: tuple[str, ...],
        title: str,
        kind: str,
        tags: Sequence[str] = (),
    ) -> str:
        """Copy a prepared file into the library; its resource id. Raises one of
        ``CHANGE_ERRORS``."""
        resource_id = self.library.commit_import(
            prepared, pillars=pillars, title=title, kind=kind, tags=tuple(tags)
        )
        self.catalog_changed.emit({resource_id})
        return resource_id

    def edit(
        self,
        resource_id: str,
        *,
        title: str,
        kind: str,
        pillars: tuple[str, ...],
        tags: Sequence[str],
    ) -> Resource:
        """Change an imported document's details and set its tags to ``tags``."""
        try:
            resource = self.library.edit_resource(
                resource_id, title=title, kind=kind, pillars=pillars
            )
            store = self.library.store
            now = store.tags_of(resource_id)
            wanted = [normalise_tag(t) for t in tags]
            if gone := [t for t in now if t not in wanted]:
                store.remove_tags(resource_id, gone)
            if new := [t for t in wanted if t not in now]:
                store.add_tags(resource_id, new)
        finally:  # a change half made is shown as it is
            self.catalog_changed.emit({resource_id})
        return resource

    def remove(self, resource_id: str, keep_notes: bool = True) -> None:
        self.removing.emit(resource_id)
        try:
            self.library.remove_resource(resource_id, keep_notes=keep_notes)
        finally:
            self.catalog_changed.emit({resource_id})


class ResourceForm(QWidget):
    """Title, kind, pillars and tags of a document, as the import and edit dialogs ask
    for them. Pillars are listed in ``order`` (the main one first); ``shares`` adds each
    one's share of the evidence beside it."""

    changed = Signal()

    def __init__(
        self,
        pillars: Sequence[Pillar],
        *,
        title: str,
        kind: str,
        order: Sequence[str],
        chosen: Sequence[str],
        tags: Sequence[str] = (),
        known_tags: Sequence[str] = (),
        shares: Mapping[str, float] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        names = {p.id: p for p in pillars}
        self.title_edit = QLineEdit(title, accessibleName="Title")
        self.title_edit.setToolTip("The title shown in the library")
        self.title_edit.setCursorPosition(0)
        self.kind_box = QComboBox(accessibleName="Kind")
        self.kind_box.setToolTip("What sort of document it is")
        for value in OWN_KINDS:
            self.kind_box.addItem(kind_name(value), value)
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        self.tags_edit = QLineEdit(", ".join(tags), accessibleName="Tags")
        self.tags_edit.setPlaceholderText("Tags, separated by commas")
        self.tags_edit.setToolTip("Your own tags for it, separated by commas")
        completer = TagCompleter(QStringListModel(list(known_tags), self), self.tags_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags_edit.setCompleter(completer)

        self.pillar_boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(0, 1)
        for row, pillar_id in enumerate(order):
            pillar = names[pillar_id]
            box = QCheckBox(pillar.name, accessibleName=f"Pillar {pillar.name}")
            box.setToolTip(pillar.definition)
            box.setChecked(pillar_id in chosen)
            box.toggled.connect(self.changed)
            self.pillar_boxes[pillar_id] = box
            grid.addWidget(box, row, 0)
            if shares is not None:
                share = plain_label(percent(shares.get(pillar_id, 0.0)), f"{pillar.name} share")
                share.setToolTip(f"{pillar.name}'s share of the evidence in its text")
                share.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(share, row, 1)
        pillar_box = QWidget()
        pillar_box.setLayout(grid)
        self.title_edit.textChanged.connect(self.changed)

        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Title:", self.title_edit)
        form.addRow("&Kind:", self.kind_box)
        form.addRow("Pillars:", pillar_box)
        form.addRow("T&ags:", self.tags_edit)

    def title(self) -> str:
        return " ".join(self.title_edit.text().split())

    def kind(self) -> str:
        return str(self.kind_box.currentData())

    def pillars(self) -> tuple[str, ...]:
        """The pillars ticked, in the order shown (the main one first)."""
        return tuple(pid for pid, box in self.pillar_boxes.items() if box.isChecked())

    def tags(self) -> list[str]:
        return parse_tags(self.tags_edit.text())

    def problem(self) -> str:
        """Why the details cannot be saved as they are, or ""."""
        if not self.title():
            return "Give it a title."
        if not self.pillars():
            return "Choose at least one pillar."
        for tag in self.tags():
            try:
                normalise_tag(tag)
            except TagError as exc:
                return f"Tags: {exc}."
        return ""


def percent(share: float) -> str:
    value = round(share * 100)
    return "<1%" if share > 0 and value == 0 else f"{value}%"


def pillar_order(pillars: Sequence[Pillar], first: Sequence[str]) -> list[str]:
    """``first`` (main pillar first), then the other pillars in the catalog's order."""
    return list(dict.fromkeys([*first, *(p.id for p in pillars)]))


class EditResourceDialog(QDialog):
    """Edit Details of one of the reader's own documents."""

    def __init__(self, changes: LibraryChanges, resource: Resource, parent: QWidget) -> None:
        super().__init__(parent, accessibleName="Edit details")
        self.setWindowTitle("Edit Details")
        self.changes, self.resource = changes, resource
        library = changes.library
        pillars = library.bundled.pillars
        self.form = ResourceForm(
            pillars,
            title=resource.title,
            kind=resource.kind,
            order=pillar_order(pillars, resource.pillars),
            chosen=resource.pillars,
            tags=library.store.tags_of(resource.id),
            known_tags=library.store.all_tags(),
        )
        self.message = plain_label("", "Problem")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.form.changed.connect(self.on_changed)
        column = QVBoxLayout(self)
        column.addWidget(self.form)
        column.addWidget(self.message)
        column.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.on_changed()

    def on_changed(self) -> None:
        problem = self.form.problem()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problem)
        self.message.setText(problem)
        self.message.setVisible(bool(problem))

    def save(self) -> None:
        if problem := self.form.problem():
            self.message.setText(problem)
            self.message.show()
            return
        try:
            self.changes.edit(
                self.resource.id,
                title=self.form.title(),
                kind=self.form.kind(),
                pillars=self.form.pillars(),
                tags=self.form.tags(),
            )
        except CHANGE_ERRORS as exc:
            self.message.setText(f"The changes were not saved: {exc}")
            self.message.show()
            return
        self.accept()


def edit_resource(changes: LibraryChanges, resource_id: str, parent: QWidget) -> QDialog | None:
    """Open Edit Details for one of the reader's own documents (None for a bundled one)."""
    resource = changes.library.catalog.get(resource_id)
    if resource is None or not editable(resource):
        return None
    dialog = EditResourceDialog(changes, resource, parent)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()  # modal to the window, without a nested event loop
    return dialog


class RemoveResourceBox(QMessageBox):
    """Remove from Library: asks first, and says the notes on it are kept unless the
    reader ticks the box to delete them too."""

    def __init__(
        self,
        changes: LibraryChanges,
        editor: AnnotationEditor,
        resource: Resource,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.changes, self.editor, self.resource = changes, editor, resource
        self.removed = False
        notes = len(editor.of_resource(resource.id))
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle("Remove from Library")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(f"Remove {quoted(resource.title)} from the library?")
        kept = (
            f"Your {notes} note{'s' * (notes != 1)} on it will be kept (listed in the Notes "
            "tab) unless you tick the box below."
            if notes
            else "You have no notes on it."
        )
        self.setInformativeText(
            f"Its copy in your data folder is deleted; the file you added it from is not "
            f"touched. {kept}"
        )
        self.delete_notes = QCheckBox(f"Also delete my {notes} note{'s' * (notes != 1)} on it")
        self.delete_notes.setAccessibleName("Also delete my notes")
        if notes:
            self.setCheckBox(self.delete_notes)
        self.remove_button = self.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self.buttonClicked.connect(self.on_clicked)

    def on_clicked(self, button: object) -> None:
        if button is not self.remove_button:
            return
        delete = self.delete_notes.isChecked() and self.checkBox() is not None
        try:
            self.changes.remove(self.resource.id, keep_notes=not delete)
        except CHANGE_ERRORS as exc:
            why = f"{quoted(self.resource.title)} was not removed: {exc}"
            tell(self.parentWidget(), "Not Removed", why)
            return
        self.removed = True
        if delete:
            # Undoing an edit of a note that is gone would fail: the history goes with it.
            self.editor.undo_stack.clear()
            self.editor.changed.emit({self.resource.id})


def remove_resource(
    changes: LibraryChanges, editor: AnnotationEditor, resource_id: str, parent: QWidget
) -> QMessageBox | None:
    """Ask, then remove one of the reader's own documents (None for a bundled one)."""
    resource = changes.library.catalog.get(resource_id)
    if resource is None or not editable(resource):
        return None
    box = RemoveResourceBox(changes, editor, resource, parent)
    box.finished.connect(box.deleteLater)
    box.open()
    return box
