"""Starting the whole GUI through reader_app.gui.app.run, as `reader-app` does."""

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from reader_app import paths
from reader_app.gui.app import WINDOW_STATE_FILE, run
from reader_app.gui.main_window import MainWindow


def close_when_shown(seen: list[MainWindow]) -> None:
    # Visible ones only: windows of earlier tests may linger, closed but not yet deleted.
    windows = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]
    if not windows:
        QTimer.singleShot(50, lambda: close_when_shown(seen))
        return
    seen.append(windows[0])
    windows[0].close()


def test_run_shows_the_library_and_keeps_state_in_the_config_dir(qapp, data_dir) -> None:
    app_paths = paths.resolve()
    seen: list[MainWindow] = []
    QTimer.singleShot(0, lambda: close_when_shown(seen))
    assert run(app_paths) == 0
    assert seen and seen[0].proxy.rowCount() > 0
    # Window geometry went under our config folder, not Qt's default location.
    assert (app_paths.config_dir / WINDOW_STATE_FILE).is_file()


def test_the_daily_backup_is_taken_after_the_window_is_up(qapp, data_dir, monkeypatch) -> None:
    import reader_app.gui.app as app_module
    from reader_app import backups
    from reader_app.library import Library

    app_paths = paths.resolve()
    folder = app_paths.data_dir / backups.FOLDER
    Library.open(app_paths, backup=False).close()
    assert backups.backups_in(folder) == []  # opening for the GUI does not wait for it
    monkeypatch.setattr(app_module, "BACKUP_DELAY_MS", 0)
    seen: list[MainWindow] = []

    deadline = time.monotonic() + 30  # a failure, not a hang, if no backup comes

    def close_once_backed_up() -> None:
        if not backups.backups_in(folder) and time.monotonic() < deadline:
            QTimer.singleShot(20, close_once_backed_up)
        else:
            close_when_shown(seen)

    QTimer.singleShot(0, close_once_backed_up)
    assert run(app_paths) == 0
    [backup] = backups.backups_in(folder)
    assert backups.integrity(backup.path) == "ok"
