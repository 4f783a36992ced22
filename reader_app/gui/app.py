"""Starts the desktop app: builds the library service and hands it to the main window."""

from __future__ import annotations

import sys
import threading
from functools import partial

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from reader_app import APP_NAME, __version__
from reader_app.library import Library
from reader_app.manifest import ManifestError
from reader_app.paths import AppPaths
from reader_app.settings import Settings, settings_path
from reader_app.store import StoreError

WINDOW_STATE_FILE = "window-state.ini"
BACKUP_DELAY_MS = 3000  # the day's backup waits until start-up work (indexing) has begun


def run(app_paths: AppPaths, link: str | None = None) -> int:
    """Start the app; ``link`` (resource-reader://open?id=…&page=…) opens that page.

    Restoring a backup (File > Restore Library from Backup…) leaves the event loop with
    the window closed; the library is closed, restored, and opened again here with a new
    window, in this process (no second process to find the same interpreter, arguments
    and data folder, nothing to go wrong between one app quitting and another starting).
    """
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("resource-reader")
    from reader_app.gui.backup_actions import (
        BackupActions,
        RestoreOutcome,
        leave_for_restore,
        restore_closed_library,
    )
    from reader_app.gui.main_window import MainWindow
    from reader_app.gui.theme import ThemeFollower

    theme: ThemeFollower | None = None
    restored: RestoreOutcome | None = None
    while True:
        try:
            library = Library.open(app_paths, backup=False)  # backed up once the window is up
        except (ManifestError, StoreError, OSError) as exc:
            kept = restored.report.kept_aside if restored and restored.report else None
            aside = f"\n\nYour previous library is kept in {kept}" if kept else ""
            QMessageBox.critical(None, APP_NAME, f"{APP_NAME} cannot start:\n\n{exc}{aside}")
            return 1
        settings = Settings.load(settings_path(app_paths))
        if theme is None:
            theme = ThemeFollower(app, settings.theme)  # before the window, so it never flashes
        elif theme.choice != settings.theme:
            theme.set_choice(settings.theme)  # the restored preference
        # Remembered window state lives under our config folder, so --data-dir keeps it too.
        state = QSettings(str(app_paths.config_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
        window = MainWindow(library, state, settings=settings, theme=theme)
        backup_actions = BackupActions(window, app_paths, state)
        backup_actions.restore_confirmed.connect(partial(leave_for_restore, app, backup_actions))
        window.show()
        app.setQuitOnLastWindowClosed(True)
        if link is not None:
            QTimer.singleShot(0, partial(window.open_link, link))
        if restored is not None:
            QTimer.singleShot(0, partial(backup_actions.show_restored, restored))
        # Not daemon: a backup under way when the window closes is finished, not cut short.
        backup = threading.Thread(target=library.take_daily_backup, name="daily-backup")
        backup_timer = QTimer(singleShot=True, interval=BACKUP_DELAY_MS)
        backup_timer.timeout.connect(backup.start)
        backup_timer.start()
        try:
            code = app.exec()
        finally:
            backup_timer.stop()  # not started yet: this library's window is gone
            if backup.is_alive():
                backup.join()
            library.close()
        request = backup_actions.restore_request
        if request is None:
            return code
        restored = restore_closed_library(app_paths, request, window)
        link = None
