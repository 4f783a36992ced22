"""Starting the whole GUI through reader_app.gui.app.run, as `reader-app` does."""

import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from reader_app import paths
from reader_app.gui.app import WINDOW_STATE_FILE, run
from reader_app.gui.main_window import MainWindow


def shown_windows() -> list[MainWindow]:
    # Visible ones only: windows of earlier tests may linger, closed but not yet deleted.
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def poll(step, deadline: float) -> None:
    """Run ``step`` every 20 ms until it returns True; past ``deadline`` close the window
    instead, so a test fails rather than hangs."""
    if step():
        return
    if time.monotonic() < deadline:
        QTimer.singleShot(20, lambda: poll(step, deadline))
    else:
        close_when_shown([])


def close_when_shown(seen: list[MainWindow]) -> None:
    windows = shown_windows()
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


def test_packs_given_as_arguments_show_their_install_previews_in_turn(
    qapp, data_dir, tmp_path
) -> None:
    """`reader-app FILE.rrpack`, as a file manager runs it (a path, or a file: URL with
    %U): the app starts and previews each pack, one after the other; nothing is installed
    until the reader says so."""
    from reader_app.cli import main
    from reader_app.gui.pack_dialogs import InstallPackDialog
    from reader_app.library import Library
    from tests.packs.test_packs import pdf_bytes, resource_entry, write_pack

    packs = []
    for name in ("Flood plans", "Heat plans"):
        paper = pdf_bytes(f"{name} for the quayside district")
        entry = resource_entry(name.lower().replace(" ", "-"), paper, title=name)
        packs.append(write_pack(tmp_path / f"{name[:4]} pack.rrpack", [(entry, paper)], title=name))
    seen: list[tuple[str, str]] = []
    deadline = time.monotonic() + 60  # a failure, not a hang, if no preview comes

    def close_each_preview() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        shown = [
            d
            for w in windows
            for d in w.findChildren(InstallPackDialog)
            if d.isVisible() and not d.working
        ]
        if shown:
            seen.append((shown[0].heading.text(), shown[0].summary.text()))
            shown[0].reject()
        if len(seen) < len(packs) and time.monotonic() < deadline:
            QTimer.singleShot(20, close_each_preview)
        else:
            close_when_shown([])

    QTimer.singleShot(0, close_each_preview)
    assert main([str(packs[0]), packs[1].as_uri()]) == 0
    assert [heading for heading, _ in seen] == ["Flood plans", "Heat plans"]
    assert all("1 to add" in summary for _, summary in seen)
    library = Library.open(paths.resolve(), backup=False)
    try:
        assert library.catalog.get("flood-plans") is None  # previewed, not installed
    finally:
        library.close()


def test_files_and_links_handed_over_as_open_events_are_opened(qapp, data_dir, tmp_path) -> None:
    """macOS sends a double-clicked pack or a resource-reader: link to the app as an
    open event (at start-up too), not as an argument."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFileOpenEvent

    from reader_app.deep_links import deep_link
    from reader_app.gui.pack_dialogs import InstallPackDialog
    from tests.packs.test_packs import pdf_bytes, resource_entry, write_pack

    paper = pdf_bytes("Flood plans for the quayside district")
    pack = write_pack(
        tmp_path / "flood.rrpack", [(resource_entry("flood", paper), paper)], title="Floods"
    )
    seen: dict[str, object] = {}
    deadline = time.monotonic() + 60

    def step() -> bool:
        windows = shown_windows()
        if windows and "sent" not in seen:
            seen["sent"] = True
            QApplication.sendEvent(qapp, QFileOpenEvent(QUrl(deep_link("digital-poverty", 3))))
            QApplication.sendEvent(qapp, QFileOpenEvent(str(pack)))
        if windows and "sent" in seen:
            views = windows[0].document_views()
            previews = [d for d in windows[0].findChildren(InstallPackDialog) if d.isVisible()]
            if views and views[0].current_page() == 3 and previews:
                seen["opened"] = (views[0].resource.id, views[0].current_page())
                seen["pack"] = previews[0].heading.text()
                previews[0].reject()
                windows[0].close()
                return True
        return False

    QTimer.singleShot(0, lambda: poll(step, deadline))
    assert run(paths.resolve()) == 0
    assert seen.get("opened") == ("digital-poverty", 3)
    assert seen.get("pack") == "Floods"


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen has no stacking
def test_a_second_start_hands_its_link_to_the_running_window(qapp, data_dir) -> None:
    """`reader-app resource-reader://…` while the app runs: the running window comes
    forward (out of the dock, here) and opens the page; no second window starts."""
    import threading

    from PySide6.QtCore import Qt

    from reader_app import single_instance
    from reader_app.deep_links import deep_link

    app_paths = paths.resolve()
    seen: dict[str, object] = {}
    deadline = time.monotonic() + 60

    def hand_off() -> None:
        seen["handed"] = single_instance.hand_off(
            app_paths.data_dir, [deep_link("digital-poverty", 3)]
        )

    def step() -> bool:
        windows = shown_windows()
        if windows and "sender" not in seen:
            windows[0].setWindowState(Qt.WindowState.WindowMinimized)
            seen["sender"] = sender = threading.Thread(target=hand_off)
            sender.start()
        elif windows:
            views = windows[0].document_views()
            if "handed" in seen and views and views[0].current_page() == 3:
                seen["opened"] = (views[0].resource.id, views[0].current_page())
                seen["minimised"] = windows[0].isMinimized()
                seen["windows"] = len(windows)
                windows[0].close()
                return True
        return False

    QTimer.singleShot(0, lambda: poll(step, deadline))
    assert run(app_paths) == 0
    seen["sender"].join()
    assert seen.get("handed") is True
    assert seen.get("opened") == ("digital-poverty", 3)
    assert seen.get("minimised") is False and seen.get("windows") == 1
    # The app closed its end: a later start finds nobody and starts its own window.
    assert single_instance.hand_off(app_paths.data_dir, []) is False
