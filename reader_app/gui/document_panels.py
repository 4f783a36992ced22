"""The side panels of an open document: its table of contents and page thumbnails."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QTreeWidget, QTreeWidgetItem

from reader_app.documents import OutlineEntry

PAGE_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_WIDTH = 96  # device-independent pixels


class OutlinePanel(QTreeWidget):
    """The document's table of contents; activating an entry goes to its page."""

    page_requested = Signal(int)

    def __init__(self) -> None:
        super().__init__(accessibleName="Table of contents", headerHidden=True)
        self.setToolTip("Table of contents: press Enter or click an entry to go to it")
        self.itemActivated.connect(self.on_item_chosen)
        self.itemClicked.connect(self.on_item_chosen)
        self.set_outline([])

    def set_outline(self, outline: list[OutlineEntry]) -> None:
        self.clear()
        parents: list[QTreeWidgetItem] = []
        for entry in outline:
            level = max(1, min(entry.level, len(parents) + 1))
            del parents[level - 1 :]
            item = QTreeWidgetItem([entry.title])
            item.setToolTip(0, f"{entry.title} (page {entry.page})" if entry.page > 0 else "")
            item.setData(0, PAGE_ROLE, entry.page)
            if parents:
                parents[-1].addChild(item)
            else:
                self.addTopLevelItem(item)
            parents.append(item)
        if not outline:
            empty = QTreeWidgetItem(["This document has no table of contents"])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(empty)
        self.expandAll()

    def on_item_chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        page = item.data(0, PAGE_ROLE)
        if isinstance(page, int) and page > 0:
            self.page_requested.emit(page)


class ThumbnailPanel(QListWidget):
    """Small pictures of the pages, rendered (by the document view) only when seen."""

    page_requested = Signal(int)
    thumbnails_wanted = Signal(list)  # page numbers in view without a picture yet

    def __init__(self, pages: int) -> None:
        super().__init__(
            accessibleName="Page thumbnails",
            viewMode=QListView.ViewMode.IconMode,
            flow=QListView.Flow.TopToBottom,
            wrapping=False,
            movement=QListView.Movement.Static,
            resizeMode=QListView.ResizeMode.Adjust,
            uniformItemSizes=True,
            spacing=6,
        )
        self.setToolTip("Pages: press Enter or click a page to go to it")
        self.setIconSize(QSize(THUMB_WIDTH, int(THUMB_WIDTH * 1.42)))
        blank = QIcon(_blank_page(self.iconSize()))
        self._has_picture: set[int] = set()
        for number in range(1, pages + 1):
            item = QListWidgetItem(blank, str(number))
            item.setData(PAGE_ROLE, number)
            item.setToolTip(f"Page {number}")
            self.addItem(item)
        self.itemActivated.connect(self.on_item_chosen)
        self.itemClicked.connect(self.on_item_chosen)
        self.verticalScrollBar().valueChanged.connect(self.ask_for_visible)

    def visible_pages(self) -> list[int]:
        area = self.viewport().rect()
        return [
            i + 1 for i in range(self.count()) if self.visualItemRect(self.item(i)).intersects(area)
        ]

    def ask_for_visible(self) -> None:
        if self.isVisible():
            wanted = [n for n in self.visible_pages() if n not in self._has_picture]
            if wanted:
                self.thumbnails_wanted.emit(wanted)

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.ask_for_visible()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.ask_for_visible()

    def set_thumbnail(self, page: int, image: QImage) -> None:
        if 1 <= page <= self.count():
            image.setDevicePixelRatio(self.devicePixelRatioF())
            self.item(page - 1).setIcon(QIcon(QPixmap.fromImage(image)))
            self._has_picture.add(page)

    def show_current(self, page: int) -> None:
        if 1 <= page <= self.count() and self.currentRow() != page - 1:
            self.blockSignals(True)
            self.setCurrentRow(page - 1)
            self.blockSignals(False)
            self.scrollToItem(self.item(page - 1))

    def on_item_chosen(self, item: QListWidgetItem) -> None:
        self.page_requested.emit(item.data(PAGE_ROLE))


def _blank_page(size: QSize) -> QPixmap:
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.fillRect(QRect(0, 0, size.width() - 1, size.height() - 1), Qt.GlobalColor.white)
    painter.setPen(QColor("#9a9a9a"))
    painter.drawRect(QRect(0, 0, size.width() - 1, size.height() - 1))
    painter.end()
    return pixmap
