"""Starts the desktop app: builds the library service and hands it to the main window."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from reader_app import APP_NAME, DESKTOP_APP_ID, __version__, startup
from reader_app.database_guard import UnusableDatabaseError
from reader_app.library import Library
from reader_app.manifest import ManifestError
from reader_app.paths import AppPaths
from reader_app.restore_journal import RestoreJournalError
from reader_app.settings import Settings, settings_path
from reader_app.single_instance import HandOffListener
from reader_app.store import StoreError

if TYPE_CHECKING:
    from reader_app.gui.main_window import MainWindow

WINDOW_STATE_FILE = "window-state.ini"
BACKUP_DELAY_MS = 3000  # the day's backup waits until start-up work (indexing) has begun
# The app icon; packaging/icons/render_icons.py keeps it a copy of the installers' one.
ICON = Path(__file__).resolve().parent / "icons" / "resource-reader.svg"


def run(app_paths: AppPaths, link: str | None = None, packs: Sequence[Path] = ()) -> int:
    """Start the app; ``link`` (resource-reader://open?id=…&page=…) opens that page, and
    each of ``packs`` (opened from a file manager) shows its install preview in turn.

    Restoring a backup (File > Restore Library from Backup…) leaves the event loop with
    the window closed; the library is closed, restored, and opened again here with a new
    window, in this process (no second process to find the same interpreter, arguments
    and data folder, nothing to go wrong between one app quitting and another starting).
    """
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_APP_ID)  # the desktop links windows to its .desktop file
    app.setWindowIcon(QIcon(str(ICON)))
    from reader_app.gui import startup_probe
    from reader_app.gui.about_dialog import AboutActions
    from reader_app.gui.backup_actions import (
        BackupActions,
        RestoreOutcome,
        leave_for_restore,
        restore_closed_library,
    )
    from reader_app.gui.damaged_database import offer_backups, show_notice
    from reader_app.gui.main_window import MainWindow
    from reader_app.gui.open_events import OpenEvents
    from reader_app.gui.theme import ThemeFollower

    open_events = OpenEvents(app)  # macOS hands files and links over as events
    app.installEventFilter(open_events)
    # A second `reader-app` on this data folder hands its links and packs over to us.
    listener = HandOffListener.start(app_paths.data_dir, open_events.handed_over.emit)
    try:
        theme: ThemeFollower | None = None
        restored: RestoreOutcome | None = None
        notices: list[str] = []
        while True:
            try:
                notices += startup.prepare(app_paths)  # a restore cut short: finished or undone
                # Prepared just above (its notices shown); backed up once the window is up.
                library = Library.open(app_paths, backup=False, recover=False)
            except UnusableDatabaseError as exc:  # kept as it is; the daily backups offered
                notice = offer_backups(exc)
                if notice is None:
                    return 1
                notices.append(notice)
                continue
            except (ManifestError, StoreError, OSError, RestoreJournalError) as exc:
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
            state = QSettings(
                str(app_paths.config_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat
            )
            window = MainWindow(library, state, settings=settings, theme=theme)
            backup_actions = BackupActions(window, app_paths, state)
            backup_actions.restore_confirmed.connect(
                partial(leave_for_restore, app, backup_actions)
            )
            AboutActions(window, app_paths, library.bundled.collections)  # Help > About
            startup_probe.install(window)
            window.show()
            open_events.set_window(window)
            app.setQuitOnLastWindowClosed(True)
            if link is not None:
                QTimer.singleShot(0, partial(window.open_link, link))
            if packs:
                QTimer.singleShot(0, partial(preview_packs, window, list(packs)))
            if restored is not None:
                QTimer.singleShot(0, partial(backup_actions.show_restored, restored))
            for notice in notices:
                QTimer.singleShot(0, partial(show_notice, window, notice))
            notices = []
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
            link, packs = None, ()
    finally:
        if listener is not None:
            listener.close()


def preview_packs(window: MainWindow, packs: list[Path]) -> None:
    """Show the first pack's install preview, and the next one's once it is closed."""
    if packs:
        dialog = window.packs.install_file(packs[0])
        rest = packs[1:]
        dialog.finished.connect(lambda _result: preview_packs(window, rest))
