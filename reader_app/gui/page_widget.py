"""One page of an open document: its pixels once rendered (a placeholder until then),
with the reader's annotations, search hits, find matches and the text selection
marked over them."""

from __future__ import annotations

from operator import attrgetter

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QWidget

from reader_app.annotations import COLOURS, Annotation
from reader_app.documents import Box, PageLayout

_ID_AND_TIME = attrgetter("id", "updated")  # what says an annotation changed, quickly
LAYER_OVER = 40  # annotations on a page above which they are drawn once, not every paint
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
        self._annotations_key: tuple[tuple[str, str], ...] = ()
        # (what they show and at what size, the multiplied picture, the one laid over)
        self._layers: tuple[tuple[tuple[tuple[str, str], ...], QSize], QImage, QImage] | None = None
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
        # Compared by id and time of change: comparing thousands of annotations field by
        # field on every change was most of the cost of a redraw.
        key = tuple(map(_ID_AND_TIME, items))
        self.annotations = items
        if key != self._annotations_key:
            old = set(self._annotations_key)
            added = [a for a, k in zip(items, key, strict=True) if k not in old]
            if self._layers is not None and added and len(old) + len(added) == len(key):
                self._add_to_layers(added, key)  # nothing else changed: draw just those
            else:
                self._layers = None
            self._annotations_key = key
            self.update()
        self.set_chosen(chosen)

    def set_chosen(self, chosen: str | None) -> None:
        """Outline the chosen annotation; repaint only if this page has it or had it."""
        if chosen != self.chosen_annotation:
            ids = {a.id for a in self.annotations} if self.annotations else set()
            if self.chosen_annotation in ids or chosen in ids:
                self.update()
            self.chosen_annotation = chosen

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
        many = len(self.annotations) > LAYER_OVER
        if many:
            multiply, over = self._annotation_layers()
            painter.drawImage(0, 0, multiply)
        else:
            self._paint_highlights(painter, self.annotations)
        for kind, colour in MARK_COLOURS.items():
            for box in self.marks.get(kind, ()):
                painter.fillRect(self.box_rect(box), colour)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if many:
            painter.drawImage(0, 0, over)
        else:
            for item in self.annotations:
                self._paint_annotation(painter, item)
        chosen = next((a for a in self.annotations if a.id == self.chosen_annotation), None)
        if chosen is not None:
            self._paint_chosen(painter, chosen)
        painter.end()

    def _annotation_layers(self) -> tuple[QImage, QImage]:
        """Many annotations are drawn once into two pictures (one multiplied into the
        page, one laid over it), redrawn only when they or the page size change."""
        key = (self._annotations_key, self.size())
        if self._layers is None or self._layers[0] != key:
            multiply = QImage(self.size(), QImage.Format.Format_RGB32)
            multiply.fill(Qt.GlobalColor.white)  # white leaves the page as it is
            over = QImage(self.size(), QImage.Format.Format_ARGB32_Premultiplied)
            over.fill(Qt.GlobalColor.transparent)
            self._layers = (key, multiply, over)
            self._paint_layers(self.annotations)
        return self._layers[1], self._layers[2]

    def _add_to_layers(self, added: list[Annotation], key: tuple[tuple[str, str], ...]) -> None:
        assert self._layers is not None
        (_old, size), multiply, over = self._layers
        self._layers = ((key, size), multiply, over)
        if size == self.size():
            self._paint_layers(added)

    def _paint_layers(self, items: list[Annotation]) -> None:
        assert self._layers is not None
        _key, multiply, over = self._layers
        painter = QPainter(multiply)
        self._paint_highlights(painter, items)
        painter.end()
        painter = QPainter(over)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for item in items:
            self._paint_annotation(painter, item)
        painter.end()

    def _paint_highlights(self, painter: QPainter, items: list[Annotation]) -> None:
        for item in items:
            if item.kind in ("highlight", "note"):
                colour = QColor(COLOURS[item.color])
                for box in item.quads:
                    painter.fillRect(self.box_rect(box), colour)

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

    def _paint_chosen(self, painter: QPainter, item: Annotation) -> None:
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
