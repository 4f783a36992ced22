"""The banner a library opened read-only shows (a full disk, a read-only data folder):
what cannot be saved, why, and what still works."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

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
    """A banner across the top of ``window``'s central area (above everything else in
    it, and not something the user can hide) saying that nothing can be saved because
    ``reason``, and what to do; it wraps, so at 200% or in a narrow window it is read
    whole."""
    label = QLabel(
        f"{notice_text(reason)} {cure(reason)}",
        objectName=OBJECT_NAME,
        accessibleName="Read-only notice",
        wordWrap=True,
    )
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setContentsMargins(8, 4, 8, 4)
    central = window.takeCentralWidget()  # taken back, not deleted: it goes below
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(label)
    if central is not None:
        layout.addWidget(central, 1)
    window.setCentralWidget(holder)
    return label
