"""Files and links the system hands to the running app. On macOS, Finder and the browser
do not pass a double-clicked pack or a resource-reader: link as an argument: they send
the app an open event (``QFileOpenEvent``), also at start-up. Elsewhere the desktop
passes them as arguments (cli.main), and this filter stays idle.

A second ``reader-app`` started on the same data folder hands its links and packs over
(reader_app.single_instance) instead of opening another window: they arrive through
``handed_over``, and the window comes forward to open them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFileOpenEvent

from reader_app.deep_links import is_deep_link
from reader_app.packs.format import SUFFIX

if TYPE_CHECKING:
    from reader_app.gui.main_window import MainWindow


class OpenEvents(QObject):
    """Installed on the application; ``window`` is the window of the moment (restoring a
    backup makes a new one)."""

    # Targets from a second start; emitted on the hand-off listener's thread.
    handed_over = Signal(list)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.window: MainWindow | None = None
        self._waiting: list[str] = []  # arrived before the window was up
        self.handed_over.connect(self.on_handed_over, Qt.ConnectionType.QueuedConnection)

    def set_window(self, window: MainWindow) -> None:
        self.window = window
        waiting, self._waiting = self._waiting, []
        for target in waiting:
            QTimer.singleShot(0, lambda t=target: self.open(t))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return False
        target = event.url().toString() if not event.file() else event.file()
        if self.window is None:
            self._waiting.append(target)
        else:
            self.open(target)
        return True

    @Slot(list)
    def on_handed_over(self, targets: list[str]) -> None:
        if self.window is None:
            self._waiting.extend(targets)
            return
        window = self.window
        # Un-minimised, keeping maximised or full screen as it was (showNormal would not).
        state = window.windowState() & ~Qt.WindowState.WindowMinimized
        window.setWindowState(state | Qt.WindowState.WindowActive)
        window.show()
        window.raise_()
        window.activateWindow()
        for target in targets:
            self.open(target)

    def open(self, target: str) -> None:
        from reader_app.gui.app import preview_packs

        if self.window is None:
            return
        if is_deep_link(target):
            self.window.open_link(target)
        elif target.lower().endswith(SUFFIX):
            preview_packs(self.window, [Path(target)])
        else:
            self.window.statusBar().showMessage(
                f"{Path(target).name} is not a resource pack ({SUFFIX}) or a resource link",
                10_000,
            )
