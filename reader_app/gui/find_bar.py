"""The find bar under an open document: the words to find, previous and next, and
how many matches there are."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

FIND_DEBOUNCE_MS = 250


class FindBar(QWidget):
    find_requested = Signal(str)  # the text to find, after a pause in typing
    next_requested = Signal()
    previous_requested = Signal()
    closed = Signal()

    def __init__(self) -> None:
        super().__init__(accessibleName="Find in document")
        self.field = QLineEdit(
            accessibleName="Find", placeholderText="Find in document", clearButtonEnabled=True
        )
        self.field.setToolTip("Find text in this document (Ctrl+F); Enter for the next match")
        self.previous = QToolButton(text="Previous", accessibleName="Previous match")
        self.previous.setToolTip("Previous match (Shift+F3 or Shift+Enter)")
        self.next = QToolButton(text="Next", accessibleName="Next match")
        self.next.setToolTip("Next match (F3 or Enter)")
        self.count = QLabel(accessibleName="Matches")
        self.count.setToolTip("How many times the text occurs in the document")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QToolButton(text="Close", accessibleName="Close find bar")
        self.close_button.setToolTip("Close the find bar (Escape)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        for widget in (self.field, self.previous, self.next, self.count):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self._timer = QTimer(self, singleShot=True, interval=FIND_DEBOUNCE_MS)
        self._timer.timeout.connect(self.emit_find)
        self._searched = ""
        self.field.textChanged.connect(lambda _text: self._timer.start())
        self.field.returnPressed.connect(self.on_return)
        self.previous.clicked.connect(self.previous_requested)
        self.next.clicked.connect(self.next_requested)
        self.close_button.clicked.connect(self.close_bar)
        self.field.installEventFilter(self)

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def emit_find(self) -> None:
        self._timer.stop()
        self._searched = self.field.text()
        self.find_requested.emit(self._searched)

    def on_return(self) -> None:
        if self.field.text() != self._searched:
            self.emit_find()  # Enter before the pause: find now
        else:
            self.next_requested.emit()

    def show_count(
        self, current: int, total: int, searching: bool = False, asked: bool = True
    ) -> None:
        """``asked``: whether there is anything to find (no count for an empty field)."""
        if searching:
            self.count.setText("Searching…")
        elif not asked:
            self.count.setText("")
        elif total == 0:
            self.count.setText("No matches")
        else:
            self.count.setText(f"{current} of {total}")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # In the field: Shift+Enter goes back (QLineEdit would report any Enter as
        # returnPressed), Escape closes the bar.
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and shift:
                self.previous_requested.emit()
                return True
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)
