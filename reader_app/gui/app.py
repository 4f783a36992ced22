"""Starts the desktop app: builds the library service and hands it to the main window."""

from __future__ import annotations

import sys
import threading

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
    """Start the app; ``link`` (resource-reader://open?id=…&page=…) opens that page."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("resource-reader")
    try:
        library = Library.open(app_paths, backup=False)  # backed up once the window is up
    except (ManifestError, StoreError, OSError) as exc:
        QMessageBox.critical(None, APP_NAME, f"{APP_NAME} cannot start:\n\n{exc}")
        return 1
    from reader_app.gui.main_window import MainWindow
    from reader_app.gui.theme import ThemeFollower

    settings = Settings.load(settings_path(app_paths))
    theme = ThemeFollower(app, settings.theme)  # before the window, so it never flashes
    # Remembered window state lives under our config folder, so --data-dir keeps it too.
    state = QSettings(str(app_paths.config_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
    window = MainWindow(library, state, settings=settings, theme=theme)
    window.show()
    if link is not None:
        QTimer.singleShot(0, lambda: window.open_link(link))
    # Not daemon: a backup under way when the window closes is finished, not cut short.
    backup = threading.Thread(target=library.take_daily_backup, name="daily-backup")
    QTimer.singleShot(BACKUP_DELAY_MS, backup.start)
    try:
        return app.exec()
    finally:
        if backup.is_alive():
            backup.join()
        library.close()
