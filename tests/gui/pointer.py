"""Mouse gestures on a document view's pages, given in PDF points."""

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from reader_app.gui.document_view import DocumentView


def canvas_point(view: DocumentView, page: int, x: float, y: float) -> QPointF:
    """A point given in PDF points on ``page``, in the coordinates of the pages' canvas."""
    widget = view.page_labels[page - 1]
    return QPointF(widget.x() + x * widget.scale, widget.y() + y * widget.scale)


def mouse(view: DocumentView, kind: QEvent.Type, at: QPointF, buttons) -> None:
    canvas = view.scroll.widget()
    button = Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind, at, canvas.mapToGlobal(at), button, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(canvas, event)


def click(view: DocumentView, at: QPointF) -> None:
    mouse(view, QEvent.Type.MouseButtonPress, at, Qt.MouseButton.LeftButton)
    mouse(view, QEvent.Type.MouseButtonRelease, at, Qt.MouseButton.NoButton)


def drag(view: DocumentView, start: QPointF, end: QPointF) -> None:
    mouse(view, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    middle = (start + end) / 2
    for point in (middle, end):
        mouse(view, QEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
    mouse(view, QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)
