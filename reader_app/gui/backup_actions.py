"""File > Back Up Library… and Restore Library from Backup…: the whole library written to
one archive, or put back from one.

The archive work runs off the GUI thread (the archive functions read the database through
a connection of their own). A restore needs the library closed, so once the reader
confirms, the window is closed as on quitting (a note typed just now is saved), the
library is closed, the archive restored, and ``app.run`` opens the library again in the
same process with a new window (see ``leave_for_restore`` and ``restore_closed_library``).
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    QSettings,
    QStandardPaths,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

from reader_app.backup_archive import (
    ArchiveReport,
    ArchiveSummary,
    RestoreReport,
    aside_folder,
    describe_archive,
    restore_archive,
    write_archive,
)
from reader_app.paths import AppPaths

if TYPE_CHECKING:
    from reader_app.gui.main_window import MainWindow

STATE_FOLDER = "backup/folder"  # the folder last backed up to or restored from
FILE_FILTER = "Library backups (*.zip);;All files (*)"
NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}


def default_name(today: date | None = None) -> str:
    return f"resource-reader-backup-{(today or date.today()):%Y-%m-%d}.zip"


@dataclass(frozen=True)
class RestoreRequest:
    """A checked archive the reader chose to restore, and where they were told the
    current library would be kept."""

    archive: Path
    now: datetime  # the restore's time, which names the folder the current data goes to
    kept_aside: Path


@dataclass(frozen=True)
class RestoreOutcome:
    archive: Path
    report: RestoreReport | None = None
    error: str = ""


class ArchiveTask(QThread):
    """One archive job (write, check or restore) off the GUI thread. It touches no widget
    and no connection of the GUI's; its result or error is read once ``finished``."""

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.result: Any = None
        self.error = ""

    def run(self) -> None:
        try:
            self.result = self._work()
        except Exception as exc:  # reported to the reader, never lost in a thread
            self.error = explain(exc)


class BusyDialog(QProgressDialog):
    """A progress dialog without a way out: archive work, once begun, is finished (a
    half-written backup is removed anyway, and a restore must not be cut short)."""

    def __init__(self, label: str, parent: QWidget | None, title: str) -> None:
        super().__init__(label, "", 0, 0, parent, accessibleName=title)
        self.setWindowTitle(title)
        self.setCancelButton(None)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(0)
        self.setMinimumWidth(420)
        modality = Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal
        self.setWindowModality(modality)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

    def reject(self) -> None:
        pass  # Escape: the work goes on

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()

    def finish(self) -> None:
        self.hide()
        self.deleteLater()


class BackupActions(QObject):
    """The backup and restore actions of a main window's File menu and the work behind
    them. ``restore_confirmed`` asks whoever owns the library to close it and restore."""

    backup_written = Signal(object)  # ArchiveReport
    restore_confirmed = Signal(object)  # RestoreRequest

    def __init__(
        self, window: MainWindow, app_paths: AppPaths, state: QSettings | None = None
    ) -> None:
        super().__init__(window)
        self._window, self._paths, self._state = window, app_paths, state
        self.task: ArchiveTask | None = None
        self.busy_dialog: BusyDialog | None = None
        self.restore_request: RestoreRequest | None = None
        self._close_when_done = False
        self.back_up_action = QAction(
            "&Back Up Library…",
            self,
            toolTip="Save your notes, tags, your documents and settings in one file",
            triggered=self.back_up,
        )
        self.restore_action = QAction(
            "Res&tore Library from Backup…",
            self,
            toolTip="Replace the library with a backup (the current one is kept aside)",
            triggered=self.restore,
        )
        menu, quit_action = window.file_menu, window.quit_action
        items = menu.actions()
        at = next(i for i, a in enumerate(items) if a is quit_action)
        anchor = items[at - 1] if at and items[at - 1].isSeparator() else quit_action
        menu.insertActions(anchor, [self.back_up_action, self.restore_action])
        menu.insertSeparator(self.back_up_action)
        window.installEventFilter(self)

    @property
    def window(self) -> MainWindow:
        return self._window

    @property
    def busy(self) -> bool:
        return self.task is not None

    # Backing up

    def back_up(self) -> None:
        if self.busy:
            return
        for view in self._window.document_views():
            if view.notes is not None:
                view.notes.panel.save_note()  # a note typed just now goes into the backup
        suggested = self._folder() / default_name()
        chosen, _filter = QFileDialog.getSaveFileName(
            self._window, "Back Up Library", str(suggested), FILE_FILTER
        )
        if not chosen:
            return
        out = Path(chosen)
        if not out.suffix:
            out = out.with_name(out.name + ".zip")
        self._remember(out.parent)
        self._start(
            f"Backing up the library to {out.name}…",
            "Backing Up",
            partial(write_archive, self._paths, out),
            self.on_backed_up,
            partial(self.on_backup_failed, out),
        )

    def on_backed_up(self, report: ArchiveReport) -> None:
        files = len(report.manifest.files)
        settings = " and your settings" if report.manifest.config else ""
        text = (
            f"The library was backed up ({file_size(report.size)}) to\n{report.path}\n\n"
            "It holds your notes, highlights, tags and reading places, "
            f"the documents you added ({plural(files, 'file')}){settings}. Keep it somewhere "
            "safe, such as another drive; Restore Library from Backup… puts it back."
        )
        self._window.statusBar().showMessage(
            f"Backed up the library to {report.path} ({file_size(report.size)})", 20_000
        )
        self.backup_written.emit(report)
        if not self._close_when_done:
            QMessageBox.information(self._window, "Library Backed Up", text)

    def on_backup_failed(self, out: Path, message: str) -> None:
        self._window.statusBar().showMessage("The backup failed", 20_000)
        QMessageBox.warning(
            self._window,
            "Backup Failed",
            f"The library could not be backed up to {out}.\n\n{message}\n\n"
            "No backup file was left there, and your library is unchanged. You can choose "
            "another folder or drive and try again.",
        )

    # Restoring

    def restore(self) -> None:
        if self.busy:
            return
        chosen, _filter = QFileDialog.getOpenFileName(
            self._window, "Restore Library from Backup", str(self._folder()), FILE_FILTER
        )
        if not chosen:
            return
        path = Path(chosen)
        self._remember(path.parent)
        self._start(
            f"Checking {path.name}…",
            "Checking the Backup",
            partial(describe_archive, path, self._paths.tmp_dir),  # its copy stays in our data
            self.on_checked,
            partial(self.on_check_failed, path),
        )

    def on_check_failed(self, path: Path, message: str) -> None:
        QMessageBox.warning(
            self._window,
            "Cannot Restore",
            f"{path.name} cannot be restored.\n\n{message}\n\nYour library is unchanged.",
        )

    def on_checked(self, summary: ArchiveSummary) -> None:
        if self._close_when_done:
            return
        now = datetime.now(UTC)
        kept = aside_folder(self._paths.data_dir, now)
        answer = QMessageBox.question(
            self._window,
            "Restore Library",
            confirmation(summary, kept),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.restore_request = RestoreRequest(summary.path, now, kept)
        self.restore_confirmed.emit(self.restore_request)

    def show_restored(self, outcome: RestoreOutcome) -> None:
        """Tell the reader how the restore went (from the window opened after it)."""
        if outcome.report is None:
            self._window.statusBar().showMessage("The restore failed", 20_000)
            QMessageBox.warning(
                self._window,
                "Restore Failed",
                f"The library could not be restored from {outcome.archive.name}.\n\n"
                f"{outcome.error}",
            )
            return
        report = outcome.report
        self._window.statusBar().showMessage(
            f"Restored the library from {report.archive.name}; the previous one is kept in "
            f"{report.kept_aside}",
            30_000,
        )
        QMessageBox.information(
            self._window,
            "Library Restored",
            f"The library was restored from {report.archive.name}, "
            f"made {made(report.manifest.created)}.\n\n"
            f"Your previous library is kept in\n{report.kept_aside}\n\n"
            "The search index is being rebuilt; searches find everything once it is done.",
        )

    # The work, off the GUI thread

    def _start(
        self,
        label: str,
        title: str,
        work: Callable[[], Any],
        succeeded: Callable[[Any], None],
        failed: Callable[[str], None],
    ) -> None:
        self.task = ArchiveTask(work, self)
        self.task.finished.connect(partial(self._on_finished, self.task, succeeded, failed))
        for action in (self.back_up_action, self.restore_action):
            action.setEnabled(False)
        self.busy_dialog = BusyDialog(label, self._window, title)
        self._window.statusBar().showMessage(label)
        self.busy_dialog.show()
        self.task.start()

    def _on_finished(
        self,
        task: ArchiveTask,
        succeeded: Callable[[Any], None],
        failed: Callable[[str], None],
    ) -> None:
        task.wait()  # ``finished`` is sent just before the thread ends
        task.deleteLater()
        self.task = None
        if self.busy_dialog is not None:
            self.busy_dialog.finish()
            self.busy_dialog = None
        self._window.statusBar().clearMessage()
        for action in (self.back_up_action, self.restore_action):
            action.setEnabled(True)
        if task.error:
            failed(task.error)
        else:
            succeeded(task.result)
        if self._close_when_done:
            self._window.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Closing the window while an archive is written: it closes once that is done.
        if watched is self._window and event.type() == QEvent.Type.Close and self.busy:
            event.ignore()
            self._close_when_done = True
            if self.busy_dialog is not None:
                self.busy_dialog.setLabelText(
                    self.busy_dialog.labelText() + "\nThe app closes when this is done."
                )
            return True
        return False

    def _folder(self) -> Path:
        remembered = str(self._state.value(STATE_FOLDER, "")) if self._state else ""
        if remembered and Path(remembered).is_dir():
            return Path(remembered)
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        return Path(documents) if documents else Path.home()

    def _remember(self, folder: Path) -> None:
        if self._state is not None:
            self._state.setValue(STATE_FOLDER, str(folder))


# Restoring with the library closed (called by app.run)


def leave_for_restore(app: QApplication, actions: BackupActions, _request: object = None) -> None:
    """Close the window (which saves a note typed just now, the open tabs and layout, and
    stops indexing, searching and rendering) and leave the event loop; ``app.run`` then
    closes the library and calls ``restore_closed_library``. If the window will not close,
    nothing is restored and the reader is told."""
    window = actions.window
    app.setQuitOnLastWindowClosed(False)  # the progress and messages to come are windows too
    if window.close():
        app.exit(0)
        return
    app.setQuitOnLastWindowClosed(True)
    actions.restore_request = None
    QMessageBox.warning(
        window,
        "Cannot Restore",
        "The library could not be closed (something is still at work), so nothing was "
        "restored. Try again in a moment.",
    )


def restore_closed_library(
    app_paths: AppPaths, request: RestoreRequest, window: QWidget | None = None
) -> RestoreOutcome:
    """Restore ``request``'s archive into the closed library, showing that it is under way;
    the old ``window`` is deleted first. Returns what happened, for the next window."""
    if window is not None:
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    busy = BusyDialog(
        f"Restoring the library from {request.archive.name}…", None, "Restoring the Library"
    )
    task = ArchiveTask(partial(restore_archive, app_paths, request.archive, request.now))
    loop = QEventLoop()
    task.finished.connect(loop.quit)
    busy.show()
    task.start()
    loop.exec()
    task.wait()
    busy.finish()
    return RestoreOutcome(request.archive, task.result, task.error)


# Words for the reader


def confirmation(summary: ArchiveSummary, kept: Path) -> str:
    holds = [
        plural(count, what)
        for count, what in (
            (summary.annotations, "note or highlight"),
            (summary.tags, "tag"),
            (summary.documents, "document of your own"),
        )
        if count is not None
    ]
    manifest = summary.manifest
    version = f" by version {manifest.app_version} of the app" if manifest.app_version else ""
    return (
        f"Replace your library with the backup {summary.path.name}?\n\n"
        f"It was made {made(manifest.created)}{version}. It holds "
        f"{', '.join(holds[:-1]) + ' and ' + holds[-1] if len(holds) > 1 else ''.join(holds)}"
        f"{'; ' if holds else ''}{plural(len(manifest.members), 'file')} in all, "
        f"{file_size(summary.size)}.\n\n"
        "Your current library (notes, tags, your documents and settings) is not deleted: "
        f"it will be kept in\n{kept}\n\n"
        "The library closes, the backup is put in its place, and it opens again."
    )


def made(created: str) -> str:
    """An archive's ISO 8601 time as the reader's local date and time."""
    try:
        when = datetime.fromisoformat(created).astimezone()
    except ValueError:
        return created or "at an unknown time"
    return f"on {when.day} {when:%B %Y} at {when:%H:%M}"


def plural(count: int | None, what: str) -> str:
    if count == 1:
        return f"1 {what}"
    if what.endswith("note or highlight"):
        return f"{count} notes and highlights"
    if what.startswith("document"):
        return f"{count} documents{what.removeprefix('document')}"
    return f"{count} {what}s"


def file_size(size: int) -> str:
    if size < 1000:
        return plural(size, "byte")
    value, units = size / 1000, ["KB", "MB", "GB"]
    while value >= 1000 and len(units) > 1:
        value, units = value / 1000, units[1:]
    return f"{value:.1f} {units[0]}"


def explain(exc: BaseException) -> str:
    """What went wrong, for the reader: the archive code's own words, with a plain
    sentence first when the system's error is a full disk or a folder not allowed."""
    message = str(exc) or type(exc).__name__
    cause = _os_error(exc)
    if cause is not None:
        # The file named is often a temporary one beside the target: name its folder.
        where = f" in {Path(cause.filename).parent}" if cause.filename else ""
        if cause.errno in NO_SPACE:
            return f"The disk is full{f' (writing{where})' if where else ''}.\n\nDetails: {message}"
        if cause.errno in NOT_ALLOWED:
            return f"The app is not allowed to write{where or ' there'}.\n\nDetails: {message}"
    if message[:1].islower():
        message = message[0].upper() + message[1:]
    return message


def _os_error(exc: BaseException) -> OSError | None:
    """The system error behind ``exc``, if any (archive errors keep it as their context)."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return None
        if isinstance(seen, OSError) and seen.errno is not None:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
