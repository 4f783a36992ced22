"""File > Back Up Library… and Restore Library from Backup… as a reader uses them: the
archive written off the GUI thread and checked, a restore that reopens the app on the
restored data with the old library kept aside, and a bad archive refused with nothing
changed. File dialogs and message boxes are answered by the test."""

import errno
import threading
import time
import zipfile
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from reader_app import backup_archive, paths
from reader_app.annotations import Annotations
from reader_app.backup_archive import describe_archive, verify_archive, write_archive
from reader_app.gui import backup_actions
from reader_app.gui.app import run
from reader_app.gui.backup_actions import BackupActions, leave_for_restore, restore_closed_library
from reader_app.gui.main_window import MainWindow
from reader_app.library import Library
from reader_app.settings import Settings, settings_path
from reader_app.store import Store

TIMEOUT = 30_000
Yes = QMessageBox.StandardButton.Yes


def make_pdf(path: Path) -> Path:
    doc = pymupdf.open()
    for n in range(3):
        page = doc.new_page()
        page.insert_text((72, 100), "Our neighbourhood reform plan", fontsize=20)
        page.insert_text((72, 140), f"Page {n + 1}: modernising public services", fontsize=11)
    doc.save(path)
    doc.close()
    return path


def fill(library: Library, folder: Path) -> str:
    """An imported document with a tag and a note, and a tagged highlight on a bundled one."""
    [result] = library.import_files([make_pdf(folder / "plan.pdf")], pillars=("reform",))
    assert result.status == "imported", result.error
    rid = result.resource_id
    library.store.add_tags(rid, ["ours"])
    notes = Annotations(library.store)
    notes.add(rid, library.resource(rid).sha256, "page-note", 1, body="Kept in the backup")
    reset = library.resource("reset-pillar")
    notes.add("reset-pillar", reset.sha256, "highlight", 1, exact="x", body="Hi", tags=["housing"])
    return rid


def state_of(app_paths) -> dict:
    """What the reader would see: their documents, notes and tags."""
    library = Library.open(app_paths, backup=False)
    try:
        own = [r.id for r in library.catalog.resources if r.source == "imported"]
        return {
            "documents": own,
            "notes": sorted(a.body for a in Annotations(library.store).find()),
            "tags": library.store.all_tags(),
            "files": sorted(p.name for p in (app_paths.data_dir / "files").glob("*")),
        }
    finally:
        library.close()


class Answers:
    """Stands in for the file dialogs and message boxes, and keeps what they were told."""

    def __init__(self, monkeypatch, save: Path | None = None, open_: Path | None = None):
        self.saved_from: list[str] = []
        self.asked: list[str] = []
        self.told: list[tuple[str, str, str]] = []  # (kind, title, text)
        self.confirm = Yes

        def save_name(parent, caption, suggested, filters):
            self.saved_from.append(suggested)
            return (str(save), filters) if save else ("", "")

        def open_name(parent, caption, folder, filters):
            return (str(open_), filters) if open_ else ("", "")

        def question(parent, title, text, *args):
            self.asked.append(text)
            return self.confirm

        def tell(kind):
            def show(parent, title, text, *args):
                self.told.append((kind, title, text))
                return QMessageBox.StandardButton.Ok

            return show

        monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", open_name)
        monkeypatch.setattr(QMessageBox, "question", question)
        for kind in ("information", "warning", "critical"):
            monkeypatch.setattr(QMessageBox, kind, tell(kind))


def actions_for(window) -> BackupActions:
    return BackupActions(window, paths.resolve())


def test_the_file_menu_offers_both_before_quit(window) -> None:
    actions = actions_for(window)
    names = [a.text() for a in window.file_menu.actions()]
    at = names.index("&Back Up Library…")
    assert names[at + 1] == "Res&tore Library from Backup…"
    assert window.file_menu.actions()[at - 1].isSeparator()
    assert names[-1] == "&Quit" and window.file_menu.actions()[-2].isSeparator()
    assert actions.back_up_action.toolTip() and actions.restore_action.toolTip()


def test_back_up_writes_an_archive_holding_notes_tags_and_documents(
    qtbot, window, library, tmp_path, monkeypatch
) -> None:
    rid = fill(library, tmp_path)
    out = tmp_path / "backups" / "mine"  # no extension: .zip is added
    out.parent.mkdir()
    answers = Answers(monkeypatch, save=out)
    actions = actions_for(window)
    with qtbot.wait_signal(actions.backup_written, timeout=TIMEOUT) as written:
        actions.back_up_action.trigger()
        assert actions.busy and not actions.restore_action.isEnabled()
        assert actions.busy_dialog is not None and actions.busy_dialog.isVisible()
    report = written.args[0]
    assert report.path == out.with_name("mine.zip")
    assert Path(answers.saved_from[0]).name == backup_actions.default_name()
    assert not actions.busy and actions.restore_action.isEnabled()
    [(kind, title, text)] = answers.told
    assert kind == "information" and title == "Library Backed Up"
    assert "mine.zip" in text and str(out.parent) in text and " KB)" in text
    assert "mine.zip" in window.statusBar().currentMessage()
    verify_archive(report.path)
    summary = describe_archive(report.path)
    assert (summary.annotations, summary.tags, summary.documents) == (2, 2, 1)
    sha = library.resource(rid).sha256
    assert f"files/{sha}.pdf" in {m.name for m in summary.manifest.files}
    assert [p.name for p in out.parent.iterdir()] == ["mine.zip"]  # no temporary left


def test_a_note_typed_just_now_goes_into_the_backup(qtbot, window, tmp_path, monkeypatch) -> None:
    view = window.open_document("reset-pillar", 1)
    qtbot.waitUntil(lambda: view.page_labels[0].layout_info is not None, timeout=TIMEOUT)
    view.select_words((1, 0), (1, 2))
    view.notes.annotate_selection("note")
    view.notes.panel.note_edit.setPlainText("Typed a moment ago")  # within the pause
    Answers(monkeypatch, save=tmp_path / "b.zip")
    actions = actions_for(window)
    with qtbot.wait_signal(actions.backup_written, timeout=TIMEOUT):
        actions.back_up()
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        database = zf.read("library.sqlite3")
    assert b"Typed a moment ago" in database


def test_closing_the_window_during_a_backup_waits_for_it(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    release = threading.Event()
    real = backup_actions.write_archive

    def slow(app_paths, out):
        release.wait(20)
        return real(app_paths, out)

    monkeypatch.setattr(backup_actions, "write_archive", slow)
    answers = Answers(monkeypatch, save=tmp_path / "b.zip")
    actions = actions_for(window)
    actions.back_up()
    assert actions.busy
    window.close()
    assert window.isVisible()  # not while the archive is being written
    assert "closes when this is done" in actions.busy_dialog.labelText()
    release.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    verify_archive(tmp_path / "b.zip")
    assert answers.told == []  # closing: no message left to dismiss


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/media/stick/b.zip"), "disk is full"),
        (PermissionError(errno.EACCES, "Permission denied", "/media/stick"), "not allowed"),
    ],
)
def test_a_full_disk_or_a_forbidden_folder_is_said_plainly(
    qtbot, window, tmp_path, monkeypatch, error, words
) -> None:
    answers = Answers(monkeypatch, save=tmp_path / "b.zip")

    def fail(app_paths, out):
        try:
            raise error
        except OSError as exc:  # as the archive code wraps it
            raise backup_archive.ArchiveError(f"cannot back up: {exc}") from None

    monkeypatch.setattr(backup_actions, "write_archive", fail)
    actions = actions_for(window)
    actions.back_up()
    qtbot.waitUntil(lambda: bool(answers.told), timeout=TIMEOUT)
    [(kind, title, text)] = answers.told
    assert kind == "warning" and title == "Backup Failed"
    assert words in text and str(tmp_path / "b.zip") in text and "unchanged" in text
    assert not actions.busy and actions.back_up_action.isEnabled()


def test_backing_up_into_a_file_instead_of_a_folder_fails_clearly(
    qtbot, window, tmp_path, monkeypatch
) -> None:
    (tmp_path / "not-a-folder").write_text("x")
    answers = Answers(monkeypatch, save=tmp_path / "not-a-folder" / "b.zip")
    actions_for(window).back_up()
    qtbot.waitUntil(lambda: bool(answers.told), timeout=TIMEOUT)
    [(kind, _title, text)] = answers.told
    assert kind == "warning" and "not-a-folder" in text


def restore_in_place(window, library, app_paths):
    """What app.run does when a restore is confirmed, with the test's window and library."""
    outcomes = []

    def on_confirmed(request):
        window.close()
        library.close()
        outcomes.append(restore_closed_library(app_paths, request))

    return outcomes, on_confirmed


def test_restore_after_changes_brings_the_backup_back(
    qtbot, window, library, tmp_path, monkeypatch
) -> None:
    app_paths = paths.resolve()
    rid = fill(library, tmp_path)
    archive = write_archive(app_paths, tmp_path / "backup.zip").path
    backed_up = state_of(app_paths)
    notes = Annotations(library.store)
    for note in notes.find():
        notes.delete(note.id)
    notes.add("renew-pillar", "x", "page-note", 2, body="Made after the backup")
    library.remove_resource(rid, keep_notes=False)
    changed = state_of(app_paths)
    assert changed != backed_up
    answers = Answers(monkeypatch, open_=archive)
    actions = actions_for(window)
    outcomes, on_confirmed = restore_in_place(window, library, app_paths)
    actions.restore_confirmed.connect(on_confirmed)
    actions.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=TIMEOUT)
    [question] = answers.asked
    request = actions.restore_request
    assert request is not None and str(request.kept_aside) in question
    assert "2 notes and highlights, 2 tags and 1 document of your own" in question
    [outcome] = outcomes
    assert outcome.error == "" and outcome.report.kept_aside == request.kept_aside
    assert state_of(app_paths) == backed_up
    # The library as it was before the restore is kept, whole.
    kept = request.kept_aside
    assert {"library.sqlite3", "files"} <= {p.name for p in kept.iterdir()}
    with Store(kept / "library.sqlite3") as store:
        assert [a.body for a in Annotations(store).find()] == ["Made after the backup"]


def user_files(app_paths: paths.AppPaths) -> list[Path]:
    """Everything in the data folder but the cache, where the window's indexing may be
    writing meanwhile (derived data, not the reader's)."""
    return sorted(
        p.relative_to(app_paths.data_dir)
        for p in app_paths.data_dir.rglob("*")
        if not p.is_relative_to(app_paths.cache_dir)
    )


def test_a_damaged_or_foreign_archive_is_refused_and_nothing_changes(
    qtbot, window, library, tmp_path, monkeypatch
) -> None:
    app_paths = paths.resolve()
    fill(library, tmp_path)
    good = write_archive(app_paths, tmp_path / "good.zip").path
    damaged = tmp_path / "damaged.zip"
    data = bytearray(good.read_bytes())
    data[len(data) // 3] ^= 0xFF  # somewhere in a compressed member
    damaged.write_bytes(bytes(data))
    foreign = tmp_path / "holiday-photos.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("beach.jpg", b"\xff\xd8\xff not really")
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("just some text")
    before = state_of(app_paths)
    data_files = user_files(app_paths)
    actions = actions_for(window)
    confirmed = []
    actions.restore_confirmed.connect(confirmed.append)
    for archive, words in ((damaged, "refused"), (foreign, "manifest"), (not_zip, "not a")):
        answers = Answers(monkeypatch, open_=archive)
        actions.restore()
        qtbot.waitUntil(lambda a=answers: bool(a.told), timeout=TIMEOUT)
        [(kind, title, text)] = answers.told
        assert kind == "warning" and title == "Cannot Restore"
        assert archive.name in text and words in text and "unchanged" in text
        assert answers.asked == []  # never offered to go ahead
    assert confirmed == [] and actions.restore_request is None
    assert state_of(app_paths) == before
    assert user_files(app_paths) == data_files  # no before-restore folder, no staging left
    assert window.isVisible()


def test_declining_the_restore_changes_nothing(
    qtbot, window, library, tmp_path, monkeypatch
) -> None:
    app_paths = paths.resolve()
    archive = write_archive(app_paths, tmp_path / "backup.zip").path
    answers = Answers(monkeypatch, open_=archive)
    answers.confirm = QMessageBox.StandardButton.Cancel
    actions = actions_for(window)
    confirmed = []
    actions.restore_confirmed.connect(confirmed.append)
    actions.restore()
    qtbot.waitUntil(lambda: bool(answers.asked), timeout=TIMEOUT)
    qtbot.wait(50)
    assert confirmed == [] and actions.restore_request is None and window.isVisible()
    assert not list(app_paths.data_dir.glob("before-restore-*"))


def test_the_app_reopens_on_the_restored_library(qapp, tmp_path, monkeypatch) -> None:
    """Through app.run, as the reader sees it: the window closes, the library is restored,
    and a new window opens on it and says where the old library is kept."""
    app_paths = paths.resolve()
    library = Library.open(app_paths, backup=False)
    try:
        rid = fill(library, tmp_path)
    finally:
        library.close()
    settings = Settings.load(settings_path(app_paths))
    settings.update(theme="dark")
    archive = write_archive(app_paths, tmp_path / "backup.zip").path
    backed_up = state_of(app_paths)
    library = Library.open(app_paths, backup=False)
    try:
        library.remove_resource(rid, keep_notes=False)
        Annotations(library.store).add("renew-pillar", "x", "page-note", 2, body="Later")
    finally:
        library.close()
    settings.update(theme="light")
    themes: list[str] = []
    answers = Answers(monkeypatch, open_=archive)
    windows: list[MainWindow] = []
    deadline = time.monotonic() + 60  # a failure, not a hang

    def step() -> None:
        shown = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow)
            and w.isVisible()
            and all(w is not seen for seen in windows)
        ]
        if time.monotonic() > deadline:
            for w in shown:
                w.close()
            return
        if not shown:
            QTimer.singleShot(50, step)
            return
        windows.append(shown[0])
        themes.append(shown[0].settings.theme)
        if len(windows) == 1:
            shown[0].findChild(BackupActions).restore()
            QTimer.singleShot(50, step)
        elif not answers.told:
            windows.pop()  # up, but has not said how the restore went yet
            QTimer.singleShot(50, step)
        else:
            shown[0].close()

    QTimer.singleShot(0, step)
    assert run(app_paths) == 0
    assert len(windows) == 2
    assert themes[0] == "light" and themes[-1] == "dark"  # the restored preferences
    [(kind, title, text)] = answers.told
    assert (kind, title) == ("information", "Library Restored")
    [kept] = app_paths.data_dir.glob("before-restore-*")
    assert str(kept) in text and str(kept) in answers.asked[0]
    assert state_of(app_paths) == backed_up
    assert QApplication.quitOnLastWindowClosed()


def test_leave_for_restore_closes_the_window_and_the_loop(qapp, window) -> None:
    actions = actions_for(window)
    QTimer.singleShot(0, lambda: leave_for_restore(qapp, actions))
    assert qapp.exec() == 0
    assert not window.isVisible()
    assert not qapp.quitOnLastWindowClosed()  # app.run's restore progress is a window too
    qapp.setQuitOnLastWindowClosed(True)


class RefuseClose(QObject):
    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Close:
            event.ignore()
            return True
        return False


def test_a_window_that_will_not_close_restores_nothing(qapp, window, tmp_path, monkeypatch) -> None:
    answers = Answers(monkeypatch)
    actions = actions_for(window)
    actions.restore_request = object()  # as confirmed
    refuse = RefuseClose(window)
    window.installEventFilter(refuse)
    leave_for_restore(qapp, actions)
    window.removeEventFilter(refuse)
    assert window.isVisible() and actions.restore_request is None
    assert qapp.quitOnLastWindowClosed()
    [(kind, title, text)] = answers.told
    assert (kind, title) == ("warning", "Cannot Restore") and "nothing was restored" in text
