"""The dialog shown when the library's database cannot be used as it is (empty, damaged,
or missing where a restore left data): it says so, lists the daily backups, and restores
the chosen one through the core (``backups.restore``), after which the app opens it."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from reader_app import APP_NAME, backups
from reader_app.database_guard import UnusableDatabaseError


class DamagedDatabaseDialog(QDialog):
    """What is wrong with the database, and the daily backups to restore instead."""

    def __init__(self, error: UnusableDatabaseError, parent: QWidget | None = None) -> None:
        super().__init__(parent, windowTitle=f"{APP_NAME}: Your Library Cannot Be Opened")
        self.error = error
        self.kept: backups.Backup | None = None  # the backup restored, once it is
        self.notice = ""  # what to tell the reader once the library is open
        found = error.backups
        intro = (
            "Choose a daily backup to restore; the current file is kept beside it."
            if found
            else "There are no daily backups to restore."
        )
        problem = error.problem[:1].upper() + error.problem[1:]
        self.message = QLabel(f"{problem}.\n\n{intro}", wordWrap=True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        rows = [f"{b.name}  ({b.taken:%Y-%m-%d %H:%M} UTC, {b.path.stat().st_size:,} bytes)"
                for b in found]  # fmt: skip
        self.model = QStringListModel(rows)
        self.list = QListView(accessibleName="Daily backups")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        if found:
            self.list.setCurrentIndex(self.model.index(0))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        self.restore_button = self.buttons.addButton(
            "Restore", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setAccessibleName("Restore the chosen backup")
        self.restore_button.setEnabled(bool(found))
        self.restore_button.setDefault(True)
        self.buttons.accepted.connect(self.restore)
        self.buttons.rejected.connect(self.reject)
        self.list.doubleClicked.connect(lambda _index: self.restore())
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.list)
        layout.addWidget(self.buttons)

    def chosen(self) -> backups.Backup | None:
        row = self.list.currentIndex().row()
        return self.error.backups[row] if 0 <= row < len(self.error.backups) else None

    def restore(self) -> None:
        """Restore the chosen backup; stay open and say why if it cannot be."""
        backup = self.chosen()
        if backup is None:
            return
        try:
            old = backups.restore(self.error.database, backup.path)
        except backups.BackupError as exc:
            QMessageBox.warning(self, "Restore Failed", str(exc))
            return
        self.kept = backup
        kept = f"; the file it replaced is kept as {old}" if old else ""
        self.notice = f"Your library was restored from the daily backup {backup.name}{kept}."
        self.accept()


def offer_backups(error: UnusableDatabaseError, parent: QWidget | None = None) -> str | None:
    """Show the dialog; the notice to show once a backup is restored, or None (quit)."""
    dialog = DamagedDatabaseDialog(error, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.notice


def show_notice(parent: QWidget, text: str) -> None:
    """Tell the reader what happened at start (a restore completed or undone), without
    holding up the window: the box is window-modal and returns at once."""
    box = QMessageBox(QMessageBox.Icon.Information, APP_NAME, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
