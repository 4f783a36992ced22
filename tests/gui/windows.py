"""The main window as the GUI tests open it: shown, exposed, state in a file of the test's."""

from pathlib import Path

from PySide6.QtCore import QSettings

from reader_app.gui.main_window import MainWindow
from reader_app.library import Library


def make_window(
    qtbot, library: Library, state_file: Path, size: tuple[int, int] | None = None
) -> MainWindow:
    state = QSettings(str(state_file), QSettings.Format.IniFormat)
    win = MainWindow(library, state)
    qtbot.addWidget(win)
    if size is not None:
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win
