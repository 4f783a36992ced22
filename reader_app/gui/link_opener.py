"""Links that leave the app: refused unless http, https or mailto, and opened in the
system browser only after the user has seen the address and agreed."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from reader_app.links import check_link


class LinkOpener:
    def __init__(self, parent: QWidget) -> None:
        self._parent = parent

    def open(self, uri: str) -> bool:
        """Check, ask, open; True only when the link was handed to the browser."""
        check = check_link(uri)
        if not check.allowed:
            self._box(
                QMessageBox.Icon.Warning,
                "Link not opened",
                f"This link was not opened:\n\n{uri}\n\n{check.reason}",
                QMessageBox.StandardButton.Ok,
            ).exec()
            return False
        box = self._box(
            QMessageBox.Icon.Question,
            "Open link in your browser?",
            f"This link leaves Resource Reader and opens in your web browser or email "
            f"program:\n\n{uri}",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Open:
            return False
        return QDesktopServices.openUrl(QUrl(uri.strip(), QUrl.ParsingMode.StrictMode))

    def _box(
        self, icon: QMessageBox.Icon, title: str, text: str, buttons: QMessageBox.StandardButton
    ) -> QMessageBox:
        box = QMessageBox(icon, title, text, buttons, self._parent)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the address is shown as it is, never as HTML
        box.setAccessibleName(title)
        return box
