"""A document in continuous vertical scroll: pages are placeholders until the render
service sends their pixels; visible pages are asked for first, neighbours next, and
a bounded cache keeps memory in check."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from reader_app.catalog import Resource
from reader_app.gui.render_service import RenderRequest, RenderService

A4 = (595.0, 842.0)  # points: the size pages are laid out at until their own is known
PREFETCH = 2  # pages rendered beyond the visible ones, each way
CACHE_PAGES = 24  # rendered pages kept; others go back to placeholders
ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)


class DocumentView(QScrollArea):
    page_changed = Signal(int)  # the page at the top of the view, 1-based

    def __init__(self, resource: Resource, path: str, service: RenderService) -> None:
        super().__init__(widgetResizable=True, accessibleName=f"Document: {resource.title}")
        self.setToolTip(resource.title)
        self.resource, self.path, self._service = resource, path, service
        self.zoom = 1.25
        self._cache: OrderedDict[int, QPixmap] = OrderedDict()
        self._asked: set[tuple[int, float]] = set()
        self._failed: dict[int, str] = {}
        pages = QWidget()
        layout = QVBoxLayout(pages, spacing=12)
        layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[QLabel] = []
        for number in range(1, resource.pages + 1):
            label = QLabel(accessibleName=f"Page {number}", alignment=Qt.AlignmentFlag.AlignCenter)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setStyleSheet("background: white; color: #555555;")
            layout.addWidget(label)
            self.page_labels.append(label)
        if resource.alt_text:
            # Infographics: the description is on screen and read by screen readers.
            self.page_labels[0].setAccessibleDescription(resource.alt_text)
            self.page_labels[0].setToolTip(resource.alt_text)
        self.setWidget(pages)
        self._size_placeholders()
        self.verticalScrollBar().valueChanged.connect(self.on_scrolled)
        service.rendered.connect(self.on_rendered)
        service.failed.connect(self.on_failed)

    # Layout and requests

    def _pixels(self) -> tuple[int, int]:
        return int(A4[0] * self.zoom), int(A4[1] * self.zoom)

    def _size_placeholders(self) -> None:
        width, height = self._pixels()
        for number, label in enumerate(self.page_labels, start=1):
            if number not in self._cache:
                label.setFixedSize(width, height)
                label.setText(self._failed.get(number, f"Page {number}"))

    def visible_pages(self) -> list[int]:
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        return [
            n
            for n, label in enumerate(self.page_labels, start=1)
            if label.y() + label.height() >= top and label.y() <= bottom
        ]

    def request_visible(self) -> None:
        visible = self.visible_pages() or [1]
        first, last = visible[0], visible[-1]
        wanted = visible + [
            n
            for step in range(1, PREFETCH + 1)
            for n in (last + step, first - step)
            if 1 <= n <= len(self.page_labels)
        ]
        scale = self.devicePixelRatioF()  # crisp on HiDPI screens
        for number in wanted:
            key = (number, self.zoom)
            if number in self._cache or key in self._asked:
                continue
            self._asked.add(key)
            self._service.request(
                RenderRequest((id(self), number, self.zoom), self.path, number, self.zoom * scale)
            )

    def go_to_page(self, number: int) -> None:
        number = max(1, min(number, len(self.page_labels)))
        self.widget().layout().activate()
        self.verticalScrollBar().setValue(self.page_labels[number - 1].y())
        self.request_visible()

    def current_page(self) -> int:
        visible = self.visible_pages()
        return visible[0] if visible else 1

    def set_zoom(self, zoom: float) -> None:
        page = self.current_page()
        self.zoom = zoom
        self._cache.clear()
        self._asked.clear()
        self._size_placeholders()
        self.go_to_page(page)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom), self.zoom))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.zoom), self.zoom))

    # Results

    def on_scrolled(self, _value: int) -> None:
        self.request_visible()
        self.page_changed.emit(self.current_page())

    def on_rendered(self, key: object, image: QImage) -> None:
        owner, number, zoom = key  # type: ignore[misc]
        if owner != id(self) or zoom != self.zoom:
            return  # another document's page, or a zoom we have left
        image.setDevicePixelRatio(self.devicePixelRatioF())
        pixmap = QPixmap.fromImage(image)
        self._cache[number] = pixmap
        self._cache.move_to_end(number)
        label = self.page_labels[number - 1]
        label.setFixedSize(pixmap.deviceIndependentSize().toSize())
        label.setPixmap(pixmap)
        while len(self._cache) > CACHE_PAGES:
            old, _ = self._cache.popitem(last=False)
            self._asked.discard((old, self.zoom))
            self.page_labels[old - 1].clear()
            self._size_placeholders()

    def on_failed(self, key: object, message: str) -> None:
        owner, number, zoom = key  # type: ignore[misc]
        if owner != id(self) or zoom != self.zoom:
            return
        # A placeholder that says what went wrong; the rest of the document carries on.
        self._failed[number] = f"Page {number} could not be shown:\n{message}"
        self.page_labels[number - 1].setText(self._failed[number])
