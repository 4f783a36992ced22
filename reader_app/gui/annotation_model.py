"""Annotations as a Qt model (the side panel's cards, the Notes view's table) and the
delegate that draws a card. All text is drawn as plain text, never as HTML."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from reader_app.annotations import COLOURS, Annotation
from reader_app.gui.annotation_editing import KIND_NAMES

ANNOTATION_ROLE = Qt.ItemDataRole.UserRole + 20
COLUMNS = ("Resource", "Page", "Type", "Colour", "Quote", "Note", "Tags", "Updated")
CELL_CHARS = 300  # a table cell shows the start of a long note; the editor shows all of it

Index = QModelIndex | QPersistentModelIndex


def one_line(text: str, limit: int = CELL_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"


def quoted(text: str) -> str:
    return f"\N{LEFT DOUBLE QUOTATION MARK}{one_line(text)}\N{RIGHT DOUBLE QUOTATION MARK}"


def where(annotation: Annotation) -> str:
    if annotation.orphaned:
        return f"not found in this version (was on page {annotation.page})"
    return "whole document" if annotation.page is None else f"page {annotation.page}"


class AnnotationModel(QAbstractTableModel):
    def __init__(self, titles: dict[str, str] | None = None) -> None:
        super().__init__()
        self.titles = titles or {}
        self.items: list[Annotation] = []
        self._rows: dict[str, int] = {}
        self._sorting: tuple[int, Qt.SortOrder] | None = None  # as the view last asked

    def set_annotations(self, items: list[Annotation]) -> None:
        self.beginResetModel()
        self.items = list(items)
        if self._sorting is not None:
            self.sort(*self._sorting)
        self._rows = {a.id: row for row, a in enumerate(self.items)}
        self.endResetModel()

    def row_of(self, annotation_id: str) -> int | None:
        return self._rows.get(annotation_id)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted here in Python, in a few milliseconds for 10,000 rows: a sort proxy
        would ask ``data`` hundreds of thousands of times."""
        self._sorting = (column, order)
        name = COLUMNS[column]
        key = (
            (lambda a: a.page or 0)
            if name == "Page"
            else (lambda a: self._text(a, name).casefold())
        )
        self.layoutAboutToBeChanged.emit()
        self.items.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = {a.id: row for row, a in enumerate(self.items)}
        self.layoutChanged.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = COLUMNS[index.column()]
        if role == ANNOTATION_ROLE:
            return item
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(item, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in ("Quote", "Note"):
            # A tool tip would read markup as rich text, so it gets the plain words only
            # through the display role; the card and editor show the note in full.
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == "Colour":
            return QColor(COLOURS.get(item.color, "#aaaaaa"))
        return None

    def _text(self, item: Annotation, column: str) -> str:
        if column == "Resource":
            return self.titles.get(item.resource_id, item.resource_id)
        if column == "Page":
            return "" if item.page is None else str(item.page)
        if column == "Type":
            return KIND_NAMES.get(item.kind, item.kind).capitalize()
        if column == "Colour":
            return item.color
        if column == "Quote":
            return one_line(item.exact)
        if column == "Note":
            return one_line(item.body)
        if column == "Tags":
            return ", ".join(item.tags)
        return item.updated[:16].replace("T", " ")


class AnnotationCardDelegate(QStyledItemDelegate):
    """An annotation as a card: colour bar, where and what, the quote, the note, tags."""

    LINES = 4

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        height = QFontMetrics(option.font).lineSpacing() * self.LINES + 12
        return QSize(200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item: Annotation | None = index.data(ANNOTATION_ROLE)
        if item is None:
            return
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        rect = option.rect.adjusted(4, 4, -4, -4)
        painter.fillRect(
            QRect(rect.left(), rect.top(), 5, rect.height()), QColor(COLOURS[item.color])
        )
        rect.setLeft(rect.left() + 11)
        metrics = QFontMetrics(option.font)
        line = metrics.lineSpacing()
        bold = QFont(option.font)
        bold.setBold(True)
        italic = QFont(option.font)
        italic.setItalic(True)
        heading = f"{where(item).capitalize()} · {KIND_NAMES.get(item.kind, item.kind)}"
        lines: list[tuple[QFont, str]] = [(bold, heading)]
        if item.exact:
            lines.append((italic, quoted(item.exact)))
        if item.body:
            lines.append((option.font, one_line(item.body)))
        if item.tags:
            lines.append((option.font, "# " + ", ".join(item.tags)))
        if len(lines) == 1:
            lines.append((italic, "Empty note: select it and type in the box below"))
        painter.setPen(text_colour)
        for row, (font, text) in enumerate(lines[: self.LINES]):
            painter.setFont(font)
            shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
            box = QRect(rect.left(), rect.top() + row * line, rect.width(), line)
            # drawText with a plain string: markup in a note is shown as typed.
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> None:  # type: ignore[override]
        return None  # notes are edited in the panel's editor, not in the list
