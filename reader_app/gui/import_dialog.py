"""Adding the reader's own documents: each file is read in the background (in a worker
process, waited on by a thread of its own, so the window stays responsive), then the
reader checks its title, kind, pillars (suggested from its text, with the evidence) and
tags before it is added. A password is asked for an encrypted PDF; a file that cannot be
added is reported and the others go on; a summary closes the batch."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reader_app.catalog import Catalog, Pillar
from reader_app.documents import DocumentError, PasswordError
from reader_app.gui.annotation_panel import ERROR_STYLE
from reader_app.gui.resource_editing import (
    CHANGE_ERRORS,
    LibraryChanges,
    ResourceForm,
    percent,
    plain_label,
    quoted,
    tell,
)
from reader_app.importing import ImportRefused, Prepared
from reader_app.library import Library
from reader_app.pillar_suggestion import PillarScore
from reader_app.worker import WorkerError

FILE_FILTERS = ";;".join(
    (
        "Documents (*.pdf *.epub *.png *.jpg *.jpeg *.gif *.tif *.tiff *.bmp)",
        "PDF files (*.pdf)",
        "EPUB books (*.epub)",
        "Images (*.png *.jpg *.jpeg *.gif *.tif *.tiff *.bmp)",
        "All files (*)",  # the type is told from the content, not the name
    )
)
STATE_FOLDER = "import/folder"  # the folder files were last added from
MEDIA_NAMES = {"application/pdf": "PDF", "application/epub+zip": "EPUB"}
NOTICE_STYLE = "background: palette(alternate-base); border-left: 4px solid #b26a00; padding: 4px;"
_LONG_WORD = re.compile(r"\S{40,}")


def breakable(text: str) -> str:
    """``text`` with a zero-width space every 30 characters of a very long word (a web
    address in a passage), so a wrapped label can break it instead of widening."""
    return _LONG_WORD.sub(
        lambda m: "\N{ZERO WIDTH SPACE}".join(
            m.group()[i : i + 30] for i in range(0, len(m.group()), 30)
        ),
        text,
    )


def describe_failure(path: Path, exc: BaseException) -> str:
    """Why ``path`` was not added, for the reader."""
    if isinstance(exc, ImportRefused | DocumentError):
        message = str(exc)
    elif isinstance(exc, WorkerError):
        message = f"it could not be read ({exc})"
    elif isinstance(exc, OSError):
        message = f"it could not be read ({exc.strerror or exc})"
    else:  # whatever a hostile file made the reading raise
        message = f"it could not be read ({type(exc).__name__}: {exc})"
    return message if path.name in message else f"{path.name}: {message}"


class PrepareThread(QThread):
    """Reads one file to import: the worker process does the reading, this thread waits
    for it. ``known`` is read in the GUI thread (the database's connection is there)."""

    prepared = Signal(object)  # Prepared
    failed = Signal(object, object)  # the file's Path, the exception (its message for the reader)

    def __init__(
        self,
        library: Library,
        path: Path,
        password: str,
        known: dict[str, str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.path, self._library, self._password, self._known = path, library, password, known

    def run(self) -> None:
        try:
            result = self._library.prepare_import(self.path, self._password, known=self._known)
        except Exception as exc:  # reported to the reader; the batch goes on
            self.failed.emit(self.path, exc)
            return
        self.prepared.emit(result)


def pillar_rows(pillars: Sequence[Pillar], prepared: Prepared) -> list[str]:
    """The suggested pillars (main first), then the others by their share."""
    return list(
        dict.fromkeys(
            [
                *prepared.suggested_pillars,
                *(s.pillar_id for s in prepared.scores),
                *(p.id for p in pillars),
            ]
        )
    )


class EvidenceView(QScrollArea):
    """Why each pillar was suggested: its share, the words found, the best passages."""

    def __init__(self, catalog: Catalog, scores: Sequence[PillarScore], order: Sequence[str]):
        super().__init__(accessibleName="Evidence for the pillars", widgetResizable=True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMinimumWidth(380)
        by_id = {s.pillar_id: s for s in scores}
        inner = QWidget()
        column = QVBoxLayout(inner)
        self.sections: dict[str, QWidget] = {}
        for pillar_id in order if any(s.terms for s in scores) else ():
            pillar, score = catalog.pillar(pillar_id), by_id.get(pillar_id)
            if pillar is None or score is None:
                continue
            section = self._section(pillar, score)
            self.sections[pillar_id] = section
            column.addWidget(section)
        if not self.sections:  # an image, a scan, or text about something else
            column.addWidget(
                plain_label("Nothing in its text points to a pillar: choose them yourself.")
            )
        column.addStretch(1)
        self.setWidget(inner)

    @staticmethod
    def _section(pillar: Pillar, score: PillarScore) -> QWidget:
        section = QWidget(accessibleName=f"Evidence for {pillar.name}")
        column = QVBoxLayout(section)
        column.setContentsMargins(0, 0, 0, 8)
        heading = plain_label(f"{pillar.name}: {percent(score.score)} of the evidence")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        column.addWidget(heading)
        if not score.terms:
            column.addWidget(plain_label("No words of this pillar were found in its text."))
            return section
        words = ", ".join(f"{term} \N{MULTIPLICATION SIGN}{count}" for term, count in score.terms)
        column.addWidget(plain_label(breakable(f"Words found: {words}"), "Words found"))
        shown = set()
        for passage in score.passages:
            quote = " ".join(passage.text.split())
            if (passage.page, quote) in shown:  # a sentence the document repeats
                continue
            shown.add((passage.page, quote))
            label = plain_label(
                breakable(
                    f"Page {passage.page}: \N{LEFT DOUBLE QUOTATION MARK}{quote}"
                    "\N{RIGHT DOUBLE QUOTATION MARK}"
                ),
                f"Passage on page {passage.page}",
            )
            label.setContentsMargins(12, 0, 0, 0)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            column.addWidget(label)
        return section


class ImportDialog(QDialog):
    """One file, read and not yet added: Import, Skip (in a batch) or Cancel."""

    import_requested = Signal()

    def __init__(
        self,
        library: Library,
        prepared: Prepared,
        position: tuple[int, int],
        known_tags: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, accessibleName="Add a document")
        number, total = position
        self.setWindowTitle("Add Document" if total == 1 else f"Add Document {number} of {total}")
        self.prepared = prepared
        self.decision = "cancel"  # or "import" or "skip"
        pillars = library.bundled.pillars
        order = pillar_rows(pillars, prepared)
        suggested = prepared.suggested_pillars
        kind = MEDIA_NAMES.get(prepared.media_type, "Image")
        pages = f"{prepared.pages} page{'s' * (prepared.pages != 1)}"
        about = f"{prepared.path.name} \N{MIDDLE DOT} {kind}, {pages}"
        if total > 1:
            about = f"File {number} of {total}: {about}"
        self.file_label = plain_label(about, "File")
        self.file_label.setToolTip(str(prepared.path))
        self.notices = [plain_label(notice, "Notice") for notice in prepared.notices]
        for label in self.notices:
            label.setStyleSheet(NOTICE_STYLE)
        self.form = ResourceForm(
            pillars,
            title=prepared.title,
            kind=prepared.kind,
            order=order,
            chosen=suggested,
            known_tags=known_tags,
            shares={s.pillar_id: s.score for s in prepared.scores} if suggested else None,
        )
        hint = (
            "Ticked as its text suggests, with the strongest first; the first one ticked is "
            "its main pillar."
            if suggested
            else "Its text suggests no pillar: choose at least one."
        )
        self.hint = plain_label(hint, "About the pillars")
        self.evidence = EvidenceView(library.bundled, prepared.scores, order)
        self.message = plain_label("", "Problem")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()

        self.buttons = QDialogButtonBox(accessibleName="Add document buttons")
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setToolTip("Add it to the library with these details")
        self.import_button.setDefault(True)
        self.skip_button = self.buttons.addButton("&Skip", QDialogButtonBox.ButtonRole.ActionRole)
        self.skip_button.setToolTip("Leave this file out and go on with the next")
        self.skip_button.setVisible(total > 1)
        self.cancel_button = self.buttons.addButton(
            "Cancel All" if total > 1 else "Cancel", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setToolTip("Add nothing more")
        self.buttons.accepted.connect(self.on_import)
        self.skip_button.clicked.connect(self.skip)
        self.buttons.rejected.connect(self.reject)
        self.form.changed.connect(self.on_changed)

        left = QVBoxLayout()
        left.addWidget(self.file_label)
        for label in self.notices:
            left.addWidget(label)
        left.addWidget(self.form)
        left.addWidget(self.hint)
        left.addStretch(1)
        right = QVBoxLayout()
        why = QLabel("Why these pillars:")
        why.setBuddy(self.evidence)
        right.addWidget(why)
        right.addWidget(self.evidence, 1)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        column = QVBoxLayout(self)
        column.addLayout(body, 1)
        column.addWidget(self.message)
        column.addWidget(self.buttons)
        self.resize(900, 560)
        self.on_changed()

    def on_changed(self) -> None:
        problem = self.form.problem()
        self.import_button.setEnabled(not problem)
        self.show_problem(problem)

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def on_import(self) -> None:
        if problem := self.form.problem():
            self.show_problem(problem)
            return
        self.import_requested.emit()  # the session adds it, then closes the dialog

    def skip(self) -> None:
        self.decision = "skip"
        self.done(QDialog.DialogCode.Rejected)


@dataclass
class ImportSummary:
    total: int = 0
    imported: list[str] = field(default_factory=list)  # resource ids
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # file name, resource id
    failed: list[str] = field(default_factory=list)  # why, for each file
    skipped: list[str] = field(default_factory=list)  # file names, and why if not chosen
    cancelled: int = 0  # files not reached

    def text(self, catalog: Catalog) -> str:
        lines = [f"Added {len(self.imported)} of {self.total} file{'s' * (self.total != 1)}."]
        if self.duplicates:
            lines += ["", f"Already in the library ({len(self.duplicates)}), not added again:"]
            for name, resource_id in self.duplicates:
                resource = catalog.get(resource_id)
                lines.append(f"\N{BULLET} {name}: {resource.title if resource else resource_id}")
        if self.failed:
            lines += ["", f"Could not be added ({len(self.failed)}):"]
            lines += [f"\N{BULLET} {why}" for why in self.failed]
        if self.skipped:
            lines += ["", f"Skipped ({len(self.skipped)}):"]
            lines += [f"\N{BULLET} {why}" for why in self.skipped]
        if self.cancelled:
            lines += ["", f"Not reached (cancelled): {self.cancelled}"]
        return "\n".join(lines)


class ImportSession(QObject):
    """Files to add, one after another: read in the background, then asked about."""

    finished = Signal(object)  # ImportSummary

    def __init__(
        self,
        changes: LibraryChanges,
        window: QMainWindow,
        state: QSettings,
        show: Callable[[str], object],
    ) -> None:
        super().__init__(window)
        self.changes, self.library = changes, changes.library
        self.window, self.state, self._show = window, state, show
        self._queue: list[Path] = []
        self._summary = ImportSummary()
        self._number = 0
        self._thread: PrepareThread | None = None
        self._closing = False
        self.dialog: ImportDialog | None = None
        self.busy = QProgressBar(
            accessibleName="Reading a document", maximumWidth=120, visible=False
        )
        self.busy.setRange(0, 0)  # how long the worker takes is not known
        window.statusBar().addPermanentWidget(self.busy)

    @property
    def running(self) -> bool:
        return self._summary.total > 0

    def choose_files(self) -> None:
        """File > Add Documents…"""
        folder = str(self.state.value(STATE_FOLDER, str(Path.home())))
        names, _chosen = QFileDialog.getOpenFileNames(
            self.window, "Add Documents", folder, FILE_FILTERS
        )
        if names:
            self.state.setValue(STATE_FOLDER, str(Path(names[0]).parent))
            self.start([Path(name) for name in names])

    def start(self, paths: list[Path]) -> None:
        """Add ``paths`` (after any still being added)."""
        if self._closing or not paths:
            return
        self._queue.extend(paths)
        was_running = self.running
        self._summary.total += len(paths)
        if not was_running:
            self._next()

    def shutdown(self) -> None:
        """The window is closing: nothing more is added; a file being read is waited for."""
        self._closing = True
        self._queue.clear()
        if self._thread is not None:
            self._thread.wait()

    # One file after another

    def _next(self) -> None:
        if self._closing:
            return
        if not self._queue:
            self._finish()
            return
        self._number += 1
        self._prepare(self._queue.pop(0), "")

    def _prepare(self, path: Path, password: str) -> None:
        total = self._summary.total
        where = f" ({self._number} of {total})" if total > 1 else ""
        self.window.statusBar().showMessage(f"Reading {path.name}{where}\N{HORIZONTAL ELLIPSIS}")
        self.busy.show()
        thread = PrepareThread(self.library, path, password, self.library.known_documents(), self)
        thread.prepared.connect(self.on_prepared)
        thread.failed.connect(self.on_failed)
        thread.finished.connect(thread.deleteLater)
        self._thread = thread
        thread.start()

    def _read_done(self) -> bool:
        """The thread has answered; False if the window is closing meanwhile."""
        if self._thread is not None:
            self._thread.wait()  # it has emitted its answer: only returning remains
            self._thread = None
        self.busy.hide()
        self.window.statusBar().clearMessage()
        return not self._closing

    def on_failed(self, path: Path, exc: BaseException) -> None:
        if not self._read_done():
            return
        if isinstance(exc, PasswordError):
            self._ask_password(path, str(exc))
            return
        self._summary.failed.append(describe_failure(path, exc))
        self._next()

    def _ask_password(self, path: Path, why: str) -> None:
        ask = QInputDialog(self.window, accessibleName="Password")
        ask.setWindowTitle("Password Needed")
        ask.setInputMode(QInputDialog.InputMode.TextInput)
        ask.setTextEchoMode(QLineEdit.EchoMode.Password)
        ask.setLabelText(f"{why.rstrip('.')}.\n\nPassword:")
        for label in ask.findChildren(QLabel):  # the message names the file: plain text
            label.setTextFormat(Qt.TextFormat.PlainText)
        ask.setOkButtonText("Open")
        ask.setMinimumWidth(380)
        ask.textValueSelected.connect(lambda password: self._prepare(path, password))
        ask.rejected.connect(lambda: self._skip(f"{path.name}: no password was given"))
        ask.finished.connect(ask.deleteLater)
        ask.open()

    def _skip(self, why: str) -> None:
        self._summary.skipped.append(why)
        self._next()

    def on_prepared(self, prepared: Prepared) -> None:
        if not self._read_done():
            return
        if prepared.duplicate_of is not None:
            self._tell_duplicate(prepared.path, prepared.duplicate_of)
            return
        dialog = ImportDialog(
            self.library,
            prepared,
            (self._number, self._summary.total),
            self.library.store.all_tags(),
            self.window,
        )
        dialog.import_requested.connect(self.on_import_requested)
        dialog.finished.connect(self.on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    def _tell_duplicate(self, path: Path, resource_id: str) -> None:
        self._summary.duplicates.append((path.name, resource_id))
        resource = self.library.catalog.get(resource_id)
        title = resource.title if resource else resource_id
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Already in the Library",
            f"{path.name} is already in the library, as {quoted(title)}. It was not added again.",
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        show = box.addButton("Show It", QMessageBox.ButtonRole.ActionRole)
        show.setToolTip("Show it in the library")

        def done() -> None:
            if box.clickedButton() is show:
                self._show(resource_id)
            box.deleteLater()
            self._next()

        box.finished.connect(done)
        box.open()

    def on_import_requested(self) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        form = dialog.form
        try:
            resource_id = self.changes.add(
                dialog.prepared,
                pillars=form.pillars(),
                title=form.title(),
                kind=form.kind(),
                tags=form.tags(),
            )
        except CHANGE_ERRORS as exc:
            dialog.show_problem(f"It was not added: {exc}")
            return
        self._summary.imported.append(resource_id)
        dialog.decision = "import"
        dialog.accept()

    def on_dialog_finished(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is None:
            return
        dialog.deleteLater()
        if dialog.decision == "skip":
            self._skip(dialog.prepared.path.name)
        elif dialog.decision == "cancel":
            self._summary.cancelled = len(self._queue) + 1  # this file and those after it
            self._queue.clear()
            self._finish()
        else:
            self._next()

    def _finish(self) -> None:
        summary, self._summary, self._number = self._summary, ImportSummary(), 0
        if summary.imported:
            self._show(summary.imported[-1])
            added = self.library.catalog.get(summary.imported[-1])
            if len(summary.imported) == 1 and added is not None:
                message = f"Added {quoted(added.title)} to the library"
            else:
                message = f"Added {len(summary.imported)} documents to the library"
            self.window.statusBar().showMessage(message, 20_000)
        if summary.total > 1 or summary.failed:
            title = "Documents Added" if summary.imported else "Nothing Added"
            icon = QMessageBox.Icon.Warning if summary.failed else QMessageBox.Icon.Information
            tell(self.window, title, summary.text(self.library.catalog), icon)
        self.finished.emit(summary)
