"""The banner a library opened read-only shows (a full disk, a read-only data folder):
what cannot be saved, why, and what still works."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar

from reader_app.write_access import DISK_FULL

OBJECT_NAME = "read_only_notice"


def notice_text(reason: str) -> str:
    return (
        f"Read-only: {reason}, so notes and other changes cannot be saved. "
        "Reading, searching and exporting to another disk still work."
    )


def cure(reason: str) -> str:
    if reason == DISK_FULL:
        return "Free some space on the disk holding your data, then start the app again."
    return "Make the data folder writable again, then start the app again."


def add_read_only_notice(window: QMainWindow, reason: str) -> QLabel:
    """A banner across the top of ``window`` (a tool bar of its own, which the user
    cannot hide) saying that nothing can be saved because ``reason``."""
    label = QLabel(notice_text(reason), accessibleName="Read-only notice", toolTip=cure(reason))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setContentsMargins(8, 4, 8, 4)
    bar = QToolBar("Read-only", objectName=OBJECT_NAME, movable=False, floatable=False)
    bar.toggleViewAction().setVisible(False)
    bar.addWidget(label)
    window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    return label
