"""Resource packs in the window: File > Install Resource Pack… (the pack is checked and what
it would do shown before anything is written) and File > Export Collection as Pack….

Both run in a thread of their own: installing opens every document in a worker process
and waits for it, and writing a pack reads and hashes every file. The database's
connection belongs to the thread that opened it, so the thread opens the library again
for itself (a second connection to the same database, as a second copy of the command
line would have; WAL lets it write while the window reads). Afterwards the window's
library reloads its catalog in the GUI thread, and ``catalog_changed`` tells the views.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QObject, QSettings, Qt, QThread, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from reader_app.annotations import AnnotationFilter, Annotations
from reader_app.export.files import safe_name
from reader_app.gui.plain_text import plain_tooltip
from reader_app.library import Library
from reader_app.packs.export import PackExportError, PackExportReport, export_pack
from reader_app.packs.format import SUFFIX
from reader_app.packs.install import PackItem, PackReport, install_pack
from reader_app.packs.unzip import PackError
from reader_app.store import Store

log = logging.getLogger(__name__)

STATE = "packs/"  # keys of the remembered folders in the window state
FILE_FILTER = f"Resource packs (*{SUFFIX});;All files (*)"
EXPECTED_ERRORS = (PackError, PackExportError)  # their messages are for the reader


class LibraryTask(QThread):
    """Runs ``work(library)`` in this thread on the library opened again here, and reports
    its result or its exception (queued to the GUI thread)."""

    succeeded = Signal(object)  # what ``work`` returned
    failed = Signal(object)  # the exception; its message is shown to the reader

    def __init__(
        self, library: Library, work: Callable[[Library], Any], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        # Plain values, read here in the GUI thread; the connection is not touched.
        self._bundled, self._index_dir = library.bundled, library.index_dir
        self._database = library.store.path
        self._data_dir, self._backup_dir = library.data_dir, library.backup_dir
        self._work = work

    def _open_here(self) -> Library:
        library = Library(self._bundled, Store(self._database), self._index_dir)
        library.data_dir, library.backup_dir = self._data_dir, self._backup_dir
        library.reload_catalog()
        return library

    def run(self) -> None:
        try:
            library = self._open_here()
        except Exception as exc:  # the database cannot be opened: say so
            self.failed.emit(exc)
            return
        try:
            result = self._work(library)
        except Exception as exc:  # whatever it is, the reader is told and the app goes on
            if not isinstance(exc, EXPECTED_ERRORS):
                log.warning("pack task failed", exc_info=True)
            self.failed.emit(exc)
            return
        finally:
            library.close()
        self.succeeded.emit(result)


def one_line(text: str) -> str:
    """Text from a pack on one line: its line breaks and runs of spaces as one space."""
    return " ".join(text.split())


def data_size(size: int) -> str:
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def _cell(text: str, tip: str = "") -> QStandardItem:
    """A cell of pack text: a view shows it as typed; its tool tip is escaped (Qt would
    read a tool tip that looks like markup as rich text)."""
    item = QStandardItem(one_line(text))
    item.setEditable(False)
    item.setToolTip(plain_tooltip(tip or text))
    return item


def _outcome(item: PackItem, done: bool) -> str:
    """What happens (or happened) to one resource of a pack, in a few words."""
    if item.status == "added":
        return "Added" if done else "Will be added"
    if item.status == "updated":
        editions = f"{item.old_edition} → {item.new_edition}"
        return f"Updated (edition {editions})" if done else f"Newer edition ({editions})"
    if item.status == "unchanged":
        return "Already in your library"
    if item.status == "skipped":
        return "Skipped"
    return "Not installed"


def _notes_line(item: PackItem) -> str | None:
    report = item.reanchored
    if report is None:
        return None
    parts = [
        f"{len(report.placed)} in place" if report.placed else "",
        f"{len(report.moved)} moved to another page" if report.moved else "",
        f"{len(report.kept)} kept on their page" if report.kept else "",
        f"{len(report.orphaned)} not found in the new edition" if report.orphaned else "",
    ]
    shown = ", ".join(p for p in parts if p)
    return f"Your notes: {shown}" if shown else "You had no notes on the earlier edition"


class _TaskDialog(QDialog):
    """A dialog that runs library work in a LibraryTask and cannot be closed until that
    work is finished: it is never cut off. Subclasses make ``busy`` and ``close_button``."""

    busy: QProgressBar
    close_button: QPushButton

    def __init__(self, parent: QWidget | None, accessible_name: str) -> None:
        super().__init__(parent, accessibleName=accessible_name)
        self._task: LibraryTask | None = None

    @property
    def working(self) -> bool:
        return self._task is not None

    def _on_task_finished(self) -> None:
        if self._task is not None:
            self._task.deleteLater()
        self._task = None
        self.busy.hide()
        self.close_button.setEnabled(True)

    def reject(self) -> None:
        if not self.working:
            super().reject()


class InstallPackDialog(_TaskDialog):
    """Installs one pack in three steps: checking it (nothing is written), showing what it
    would do, and, if the reader says so, installing it and showing what it did."""

    installed = Signal(object)  # PackReport, once the pack is in
    install_failed = Signal(object)  # the preview's PackReport: something may have changed

    def __init__(self, library: Library, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Install resource pack")
        self.setWindowTitle("Install Resource Pack")
        self.library, self.path = library, Path(path)
        self.preview: PackReport | None = None
        self.result: PackReport | None = None
        self.error = ""  # the message shown when the pack was refused or failed
        self._notes_on: dict[str, int] = {}  # resource id -> the reader's notes on it

        self.heading = QLabel(accessibleName="Pack title", wordWrap=True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.summary = QLabel(accessibleName="What installing does", wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = QStandardItemModel(0, 2, self)
        self.model.setHorizontalHeaderLabels(["Resource", "What happens"])
        self.items = QTreeView(
            accessibleName="Resources in the pack",
            uniformRowHeights=True,
            alternatingRowColors=True,
            rootIsDecorated=True,
        )
        self.items.setToolTip("Each resource in the pack and what installing does to it")
        self.items.setModel(self.model)
        self.items.hide()  # until there is something to list
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.items.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.busy = QProgressBar(accessibleName="Working", minimum=0, maximum=0, visible=False)
        self.busy.setTextVisible(False)
        self.buttons = QDialogButtonBox(accessibleName="Install buttons")
        self.install_button = self.buttons.addButton(
            "Install", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.install_button.setToolTip("Install the pack as shown")
        self.install_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start_install)
        self.buttons.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.summary)
        column.addWidget(self.items, 1)
        column.addWidget(self.busy)
        column.addWidget(self.buttons)
        self.resize(720, 480)

        self.heading.setText(self.path.name)
        self.summary.setText("Checking the pack…")
        self._run(lambda lib: install_pack(lib, self.path, dry_run=True), self.on_checked)

    # Running

    def _run(self, work: Callable[[Library], Any], done: Callable[[Any], None]) -> None:
        task = LibraryTask(self.library, work, self)
        task.succeeded.connect(done)
        task.failed.connect(self.on_failed)
        task.finished.connect(self._on_task_finished)
        self._task = task
        self.busy.show()
        self.install_button.setEnabled(False)
        self.close_button.setEnabled(False)
        task.start()

    # Steps

    def on_checked(self, report: PackReport) -> None:
        self.preview = report
        updated = {i.resource_id for i in report.items if i.status == "updated"}
        if updated:  # the reader's notes on the editions a pack would replace
            for note in Annotations(self.library.store).find(
                AnnotationFilter(resource_ids=updated)
            ):
                self._notes_on[note.resource_id] = self._notes_on.get(note.resource_id, 0) + 1
        self.heading.setText(one_line(report.title) or self.path.name)
        self._show_items(report, done=False)
        self.items.show()
        wanted = report.count("added") + report.count("updated")
        takes_notes = bool(report.notes and report.notes.get("in_pack"))
        lines = [
            f"{self.path.name} holds {plural(len(report.items), 'resource')}: "
            + ", ".join(self._counts(report, done=False))
            + "."
        ]
        if takes_notes:
            lines.append("It also holds shared notes, which will be added to yours.")
        if self._notes_on:
            lines.append(
                "Your notes on a replaced edition are placed again in the new one; "
                "any whose passage is gone are kept and listed as not found."
            )
        if not wanted and not takes_notes:
            lines.append("There is nothing to install.")
        self.summary.setText("\n".join(lines))
        self.install_button.setEnabled(bool(wanted or takes_notes))
        self.close_button.setText("Cancel" if wanted or takes_notes else "Close")
        if wanted or takes_notes:
            self.install_button.setFocus()

    def start_install(self) -> None:
        if self.working or self.preview is None:
            return
        self.summary.setText(
            "Installing: every document is checked before it goes in. This may take a minute."
        )
        self._run(lambda lib: install_pack(lib, self.path), self.on_installed)

    def on_installed(self, report: PackReport) -> None:
        self.result = report
        self._show_items(report, done=True)
        lines = [f"Installed: {', '.join(self._counts(report, done=True))}."]
        if report.notes and "imported" in report.notes:
            notes = report.notes
            refused = len(notes.get("refused", []))
            line = f"Notes from the pack: {notes['imported']} added"
            if notes.get("skipped"):
                line += f", {notes['skipped']} already in your library"
            if refused:
                line += f", {refused} could not be placed"
            lines.append(line + ".")
        if errors := report.count("error"):
            lines.append(f"{plural(errors, 'resource')} could not be installed; see below.")
        self.summary.setText("\n".join(lines))
        self.install_button.hide()
        self.close_button.setText("Close")
        self.close_button.setFocus()
        self.installed.emit(report)

    def on_failed(self, exc: BaseException) -> None:
        installing = self.preview is not None
        if isinstance(exc, PackError):
            self.error = f"This pack was refused and nothing was changed.\n\n{exc}"
        elif installing:
            self.error = f"The pack could not be installed: {exc}"
        else:
            self.error = f"The pack could not be read: {exc}"
        self.summary.setText(self.error)
        if not installing:  # nothing to list: the dialog is only as big as its message
            self.resize(self.width(), self.sizeHint().height())
        self.install_button.hide()
        self.close_button.setText("Close")
        if installing and not isinstance(exc, PackError):
            self.install_failed.emit(self.preview)  # part of it may be in

    # Showing

    @staticmethod
    def _counts(report: PackReport, done: bool) -> list[str]:
        words = {  # status -> (what was done, what will be done)
            "added": ("added", "to add"),
            "updated": ("updated", "newer edition"),
            "unchanged": ("already in your library", "already in your library"),
            "skipped": ("skipped", "to skip"),
            "error": ("not installed", "not installed"),
        }
        counts = []
        for status, (past, coming) in words.items():
            if n := report.count(status):
                counts.append(
                    plural(n, coming)
                    if coming == "newer edition" and not done
                    else f"{n} {past if done else coming}"
                )
        return counts or ["none"]

    def _show_items(self, report: PackReport, done: bool) -> None:
        self.model.removeRows(0, self.model.rowCount())
        root = self.model.invisibleRootItem()
        for item in report.items:
            title = one_line(item.title) or item.resource_id
            row = [_cell(title, f"{item.title}\n({item.resource_id})"), _cell(_outcome(item, done))]
            root.appendRow(row)
            details = list(item.changes) if item.status == "updated" else []
            if item.detail and item.status in ("skipped", "error"):  # why
                details.append(item.detail)
            if done and (notes := _notes_line(item)):
                details.append(notes)
            elif (
                not done
                and item.status == "updated"
                and (n := self._notes_on.get(item.resource_id))
            ):
                details.append(
                    f"You have {plural(n, 'note')} on it: placed again in the new edition"
                )
            for detail in details:
                child = _cell(detail)
                row[0].appendRow(child)
                self.items.setFirstColumnSpanned(child.row(), row[0].index(), True)
        self.items.expandAll()


class ExportPackDialog(_TaskDialog):
    """Writes one collection, and optionally the reader's notes on it, as a pack."""

    exported = Signal(object)  # PackExportReport

    def __init__(
        self, library: Library, state: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, "Export collection as pack")
        self.setWindowTitle("Export Collection as Pack")
        self.library, self.state = library, state
        self.result: PackExportReport | None = None
        self._notes = Annotations(library.store)

        intro = QLabel(
            "A pack holds a collection's documents and their details, for a colleague to "
            "add to their library (File > Install Resource Pack). Your notes go in only "
            "if you include them.",
            wordWrap=True,
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.collection = QComboBox(accessibleName="Collection")
        self.collection.setToolTip("The collection whose resources go in the pack")
        catalog = library.catalog
        for c in catalog.collections:
            count = len(catalog.filter(collection=c.id))
            if count:
                self.collection.addItem(f"{one_line(c.title)} ({plural(count, 'resource')})", c.id)
        self.with_notes = QCheckBox(accessibleName="Include my notes")
        self.with_notes.setToolTip(
            "Put your notes and highlights on these resources in the pack, for whoever installs it"
        )
        self.message = QLabel(accessibleName="Export status", wordWrap=True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.busy = QProgressBar(accessibleName="Working", minimum=0, maximum=0, visible=False)
        self.busy.setTextVisible(False)
        self.buttons = QDialogButtonBox(accessibleName="Export buttons")
        self.export_button: QPushButton = self.buttons.addButton(
            "Export…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setToolTip("Choose where to save the pack, and write it")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.choose_file)
        self.buttons.rejected.connect(self.reject)
        self.collection.currentIndexChanged.connect(self.on_collection_changed)

        form = QFormLayout()
        form.addRow("Collection:", self.collection)
        form.addRow("", self.with_notes)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addLayout(form)
        column.addWidget(self.message)
        column.addWidget(self.busy)
        column.addWidget(self.buttons)
        self.setMinimumWidth(480)
        if not self.collection.count():
            self.message.setText("There is no collection with resources to export.")
            self.export_button.setEnabled(False)
        self.on_collection_changed()

    def collection_id(self) -> str | None:
        data = self.collection.currentData()
        return str(data) if data is not None else None

    def on_collection_changed(self) -> None:
        cid = self.collection_id()
        ids = {r.id for r in self.library.catalog.filter(collection=cid)} if cid else set()
        notes = len(self._notes.find(AnnotationFilter(resource_ids=ids))) if ids else 0
        self.with_notes.setText(f"Include my notes ({notes})")
        self.with_notes.setEnabled(bool(notes))
        if not notes:
            self.with_notes.setChecked(False)

    def default_path(self) -> Path:
        collection = self.library.catalog.collection(self.collection_id() or "")
        name = safe_name(collection.title if collection else "pack", SUFFIX, fallback="pack")
        folder = str(self.state.value(f"{STATE}export_folder", "")) if self.state else ""
        return (Path(folder) if folder and Path(folder).is_dir() else Path.home()) / name

    def choose_file(self) -> None:
        if self._task is not None or self.collection_id() is None:
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Export Collection as Pack", str(self.default_path()), FILE_FILTER
        )
        if chosen:
            self.start(Path(chosen))

    def start(self, out: Path) -> None:
        """Write the chosen collection to ``out`` (given the pack's extension if it has
        none) in a thread."""
        cid = self.collection_id()
        if cid is None or self._task is not None:
            return
        if not out.suffix:
            out = out.with_name(out.name + SUFFIX)
        if self.state is not None:
            self.state.setValue(f"{STATE}export_folder", str(out.parent))
        notes = self.with_notes.isChecked()
        self._task = LibraryTask(
            self.library, lambda lib: export_pack(lib, cid, out, with_notes=notes), self
        )
        self._task.succeeded.connect(self.on_exported)
        self._task.failed.connect(self.on_failed)
        self._task.finished.connect(self._on_task_finished)
        self.message.setText(f"Writing {out.name}…")
        self.busy.show()
        for widget in (self.export_button, self.close_button, self.collection, self.with_notes):
            widget.setEnabled(False)
        self._task.start()

    def on_exported(self, report: PackExportReport) -> None:
        self.result = report
        notes = f" and {plural(report.notes, 'note')}" if report.notes else ""
        self.message.setText(
            f"Wrote {plural(report.resources, 'resource')}{notes} to {report.path} "
            f"({data_size(report.size)})."
        )
        self.export_button.hide()
        self.close_button.setText("Close")
        self.close_button.setFocus()
        self.exported.emit(report)

    def on_failed(self, exc: BaseException) -> None:
        self.message.setText(f"The pack was not written: {exc}")
        for widget in (self.export_button, self.collection):
            widget.setEnabled(True)
        self.on_collection_changed()


class PackActions(QObject):
    """File > Install Resource Pack… and File > Export Collection as Pack…: the file
    chosen, the dialog shown, and, once a pack is in, the window's library brought up to
    date (in the GUI thread) and the views told through ``catalog_changed``."""

    catalog_changed = Signal(set)  # ids of the resources a pack added or replaced
    message = Signal(str)  # for the status bar (an install's report is in its dialog)

    def __init__(self, library: Library, state: QSettings, parent: QWidget) -> None:
        super().__init__(parent)
        self.library, self.state, self.window = library, state, parent

    def shutdown(self) -> None:
        """The window is closing: a pack being installed or written is finished first
        (its dialog cannot be closed while it works, but a window can be closed by
        other means)."""
        for task in self.window.findChildren(LibraryTask):
            task.wait()

    def install(self) -> InstallPackDialog | None:
        folder = str(self.state.value(f"{STATE}install_folder", str(Path.home())))
        chosen, _filter = QFileDialog.getOpenFileName(
            self.window, "Install Resource Pack", folder, FILE_FILTER
        )
        if not chosen:
            return None
        self.state.setValue(f"{STATE}install_folder", str(Path(chosen).parent))
        return self.install_file(Path(chosen))

    def install_file(self, path: Path) -> InstallPackDialog:
        dialog = InstallPackDialog(self.library, path, self.window)
        dialog.installed.connect(self.on_installed)
        dialog.install_failed.connect(self.on_installed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()  # modal to the window, without a nested event loop
        return dialog

    def on_installed(self, report: PackReport) -> None:
        self.library.reload_catalog()  # the pack went in through another connection
        # After a failed install, ``report`` is the preview: what may be in, or part of it.
        wanted = ("added", "updated")
        self.catalog_changed.emit({i.resource_id for i in report.items if i.status in wanted})

    def export(self) -> ExportPackDialog:
        dialog = ExportPackDialog(self.library, self.state, self.window)
        dialog.exported.connect(lambda r: self.message.emit(dialog.message.text()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog
