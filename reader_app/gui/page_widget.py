"""One page of an open document: its pixels once rendered (a placeholder until then),
with the reader's annotations, search hits, find matches and the text selection
marked over them."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QWidget

from reader_app.annotations import COLOURS, Annotation
from reader_app.documents import Box, PageLayout

NOTE_SIZE = 16.0  # points: the square of a note pinned to the page, or a highlight's note mark
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
        self.annotations: list[Annotation] = []
        self.chosen_annotation: str | None = None
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

    def set_annotations(self, items: list[Annotation], chosen: str | None) -> None:
        if items != self.annotations or chosen != self.chosen_annotation:
            self.annotations, self.chosen_annotation = items, chosen
            self.update()

    def annotation_at(self, x: float, y: float) -> Annotation | None:
        """The annotation under a point of the page (in points); notes first, as they
        sit on top, then the most recent."""
        for item in sorted(self.annotations, key=lambda a: (a.kind != "page-note", a.created)):
            boxes = [*item.quads, *([self.note_mark(item)] if has_mark(item) else [])]
            if any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes):
                return item
        return None

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
        for item in self.annotations:
            if item.kind in ("highlight", "note"):
                for box in item.quads:
                    painter.fillRect(self.box_rect(box), QColor(COLOURS[item.color]))
        for kind, colour in MARK_COLOURS.items():
            for box in self.marks.get(kind, ()):
                painter.fillRect(self.box_rect(box), colour)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for item in self.annotations:
            self._paint_annotation(painter, item)
        painter.end()

    def _paint_annotation(self, painter: QPainter, item: Annotation) -> None:
        colour = QColor(COLOURS[item.color])
        if item.kind == "underline":
            thickness = max(1.5, 1.2 * self.scale)
            for box in item.quads:
                rect = self.box_rect(box)
                painter.fillRect(
                    QRectF(rect.left(), rect.bottom() - thickness, rect.width(), thickness),
                    colour.darker(130),
                )
        if has_mark(item):
            self._paint_note_mark(painter, self.box_rect(self.note_mark(item)), colour)
        if item.id == self.chosen_annotation:
            painter.setPen(QPen(QColor("#1a56c4"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            boxes = [self.note_mark(item)] if item.kind == "page-note" else item.quads
            for box in boxes:
                painter.drawRect(self.box_rect(box).adjusted(-2, -2, 2, 2))

    def note_mark(self, item: Annotation) -> Box:
        """Where a note's mark goes: a pinned note's point (the top left corner when none
        was given, as from the command line), else in the right margin beside the first
        line of the highlight, where it covers no text."""
        if item.kind == "page-note":
            return item.quads[0] if item.quads else (6.0, 6.0, 6.0 + NOTE_SIZE, 6.0 + NOTE_SIZE)
        _x0, y0, _x1, y1 = item.quads[0]
        x = self.size_points[0] - NOTE_SIZE - 6
        y = (y0 + y1 - NOTE_SIZE) / 2
        return (x, y, x + NOTE_SIZE, y + NOTE_SIZE)

    @staticmethod
    def _paint_note_mark(painter: QPainter, rect: QRectF, colour: QColor) -> None:
        """A sticky note with a folded corner, as PDF readers draw one."""
        fold = rect.width() * 0.3
        shape = QPolygonF(
            [
                rect.topLeft(),
                rect.topRight(),
                QPointF(rect.right(), rect.bottom() - fold),
                QPointF(rect.right() - fold, rect.bottom()),
                rect.bottomLeft(),
            ]
        )
        painter.setPen(QPen(colour.darker(170), 1))
        painter.setBrush(colour)
        painter.drawPolygon(shape)
        painter.setPen(QPen(colour.darker(200), 1))
        for row in (0.3, 0.5):
            y = rect.top() + rect.height() * row
            painter.drawLine(QPointF(rect.left() + 3, y), QPointF(rect.right() - 3, y))


def has_mark(item: Annotation) -> bool:
    """A note on the page, or a highlight with a note, shows a sticky-note mark."""
    return item.kind == "page-note" or bool(item.body and item.quads)
