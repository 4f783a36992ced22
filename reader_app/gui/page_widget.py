"""One page of an open document: its pixels once rendered (a placeholder until then),
with search hits, find matches and the text selection marked over them."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QWidget

from reader_app.documents import Box, PageLayout

A4 = (595.0, 842.0)  # points: the size a page is laid out at until its own is known

# Marks are multiplied into the page, so the text under them stays as dark as it was.
MARK_COLOURS = {
    "hit": QColor("#ffe45c"),
    "find": QColor("#ffd9a0"),
    "find-current": QColor("#ff9b3d"),
    "selection": QColor("#9ec5ff"),
}


class PageWidget(QWidget):
    def __init__(self, number: int) -> None:
        super().__init__(accessibleName=f"Page {number}")
        self.number = number
        self.size_points = A4
        self.layout_info: PageLayout | None = None  # words and links, once known
        self.marks: dict[str, list[Box]] = {}
        self._pixmap: QPixmap | None = None
        self._message = f"Page {number}"
        # The document view handles the mouse for all pages (selection runs across them).
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    @property
    def scale(self) -> float:
        """Widget pixels per point."""
        return self.width() / self.size_points[0]

    def pixmap(self) -> QPixmap | None:
        return self._pixmap

    def setPixmap(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self.update()

    def text(self) -> str:
        return self._message if self._pixmap is None else ""

    def setText(self, message: str) -> None:
        self._message = message
        self.update()

    def clear(self) -> None:
        self._pixmap = None
        self.update()

    def set_marks(self, kind: str, boxes: list[Box]) -> None:
        if boxes or self.marks.get(kind):
            self.marks[kind] = boxes
            self.update()

    def box_rect(self, box: Box) -> QRectF:
        s = self.scale
        return QRectF(box[0] * s, box[1] * s, (box[2] - box[0]) * s, (box[3] - box[1]) * s)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        if self._pixmap is not None:
            # A pixmap from another zoom is shown scaled until the sharp one arrives.
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(self.rect(), self._pixmap)
        else:
            painter.setPen(QColor("#555555"))
            painter.drawText(
                self.rect().adjusted(24, 24, -24, -24),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._message,
            )
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        for kind, colour in MARK_COLOURS.items():
            for box in self.marks.get(kind, ()):
                painter.fillRect(self.box_rect(box), colour)
        painter.end()
