"""An empty (0-byte) database at start: the app keeps it, shows why with the daily
backups listed, and restoring the one the reader picks (clicks on the real widgets)
puts it in place through the core and opens the library."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from reader_app import backups, database_guard, paths, restore_journal
from reader_app.annotations import Annotations
from reader_app.gui.app import run
from reader_app.gui.damaged_database import DamagedDatabaseDialog
from reader_app.gui.main_window import MainWindow
from reader_app.library import Library
from reader_app.store import Store

DEADLINE = 10.0


@pytest.fixture
def emptied(data_dir: Path) -> tuple[paths.AppPaths, list[backups.Backup]]:
    """Two daily backups (one note in the older, two in the newer); the database 0 bytes."""
    app_paths = paths.resolve()
    app_paths.ensure()
    folder = app_paths.data_dir / backups.FOLDER
    made = []
    for day, body in ((1, "older note"), (2, "newer note")):
        with Store(app_paths.database) as store:
            Annotations(store).add("reset-pillar", "ab" * 32, "page-note", 1, body=body)
        made.append(
            backups.take_backup(app_paths.database, folder, datetime(2026, 12, day, tzinfo=UTC))
        )
    app_paths.database.write_bytes(b"")
    for side in app_paths.data_dir.glob("library.sqlite3-*"):
        side.unlink()
    return app_paths, made


def notes_in(app_paths: paths.AppPaths) -> set[str]:
    library = Library.open(app_paths, backup=False)
    try:
        return {a.body for a in Annotations(library.store).find()}
    finally:
        library.close()


def click_row(qtbot, dialog: DamagedDatabaseDialog, row: int) -> None:
    index = dialog.model.index(row)
    rect = dialog.list.visualRect(index)
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_dialog_lists_the_backups_and_restores_the_one_clicked(qtbot, emptied) -> None:
    app_paths, made = emptied
    with pytest.raises(database_guard.UnusableDatabaseError) as refused:
        database_guard.check_before_open(app_paths)
    dialog = DamagedDatabaseDialog(refused.value)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    rows = dialog.model.stringList()
    assert [r.split()[0] for r in rows] == [made[1].name, made[0].name]  # newest first
    assert "empty (0 bytes)" in dialog.message.text()
    assert dialog.list.currentIndex().row() == 0
    click_row(qtbot, dialog, 1)  # the older one
    assert dialog.chosen() == made[0]
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert made[0].name in dialog.notice
    [kept] = app_paths.data_dir.glob("library.sqlite3.before-restore-*")
    assert kept.read_bytes() == b""  # the empty file is kept, not deleted
    assert notes_in(app_paths) == {"older note"}


def test_with_no_backups_there_is_nothing_to_restore(qtbot, data_dir: Path) -> None:
    app_paths = paths.resolve()
    app_paths.ensure()
    app_paths.database.write_bytes(b"")
    with pytest.raises(database_guard.UnusableDatabaseError) as refused:
        database_guard.check_before_open(app_paths)
    dialog = DamagedDatabaseDialog(refused.value)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0 and not dialog.restore_button.isEnabled()
    assert "no daily backups" in dialog.message.text()


def test_the_app_offers_the_backups_at_start_and_opens_the_restored_library(qapp, emptied) -> None:
    app_paths, made = emptied
    seen: dict[str, object] = {}
    deadline = time.monotonic() + DEADLINE

    def close_all() -> None:
        for window in QApplication.topLevelWidgets():
            if isinstance(window, MainWindow) and window.isVisible():
                window.close()

    def answer_dialog() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, DamagedDatabaseDialog) and w.isVisible()]  # fmt: skip
        if not dialogs:
            if time.monotonic() < deadline:
                QTimer.singleShot(20, answer_dialog)
            else:  # no dialog came: fail, do not hang
                close_all()
            return
        dialog = dialogs[0]
        seen["rows"] = dialog.model.stringList()
        dialog.list.setFocus()
        dialog.list.setCurrentIndex(dialog.model.index(0))
        dialog.restore_button.click()
        QTimer.singleShot(0, close_window)

    def close_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]  # fmt: skip
        notices = [w for w in QApplication.allWidgets()
                   if isinstance(w, QMessageBox) and w.isVisible()]  # fmt: skip
        if not windows or not notices:
            if time.monotonic() < deadline:
                QTimer.singleShot(20, close_window)
            else:
                close_all()
            return
        seen["notice"] = notices[0].text()
        notices[0].close()
        windows[0].close()

    QTimer.singleShot(0, answer_dialog)
    assert run(app_paths) == 0
    assert [r.split()[0] for r in seen["rows"]] == [made[1].name, made[0].name]
    assert made[1].name in str(seen["notice"])
    assert notes_in(app_paths) == {"older note", "newer note"}


def test_the_app_completes_an_interrupted_restore_and_says_so(qapp, emptied, tmp_path) -> None:
    app_paths, made = emptied
    made[1].path.replace(app_paths.database)  # a library again, then a restore killed
    env = {**os.environ, restore_journal.FAULT_ENV: "move-1"}
    killed = subprocess.run(
        [sys.executable, "-m", "reader_app", "--data-dir", str(app_paths.data_dir),
         "restore-backup", made[0].name],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not app_paths.database.exists()  # moved aside, the backup not yet in
    seen: dict[str, str] = {}
    deadline = time.monotonic() + DEADLINE

    def read_notice() -> None:
        windows = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]  # fmt: skip
        notices = [w for w in QApplication.allWidgets()
                   if isinstance(w, QMessageBox) and w.isVisible()]  # fmt: skip
        if (not windows or not notices) and time.monotonic() < deadline:
            QTimer.singleShot(20, read_notice)
            return
        if notices:
            seen["notice"] = notices[0].text()
            notices[0].close()
        for window in windows:
            window.close()

    QTimer.singleShot(0, read_notice)
    assert run(app_paths) == 0
    assert "has now been completed" in seen["notice"] and made[0].name in seen["notice"]
    assert "before-restore-" in seen["notice"]
    assert notes_in(app_paths) == {"older note"}
