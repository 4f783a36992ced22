"""An open document: pages in continuous vertical scroll, with a toolbar (page, zoom,
find), side panels (table of contents, thumbnails) and a find bar.

Pages are placeholders until the render service sends their pixels; visible pages
are asked for first, neighbours next, and a bounded cache keeps memory in check.
Words and links of each shown page come from a worker too, for selection, copy,
find, search-hit marks and links.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QCursor,
    QGuiApplication,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPixmap,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMenu,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from reader_app.catalog import Resource
from reader_app.documents import (
    Box,
    DocumentLayout,
    PageLayout,
    PageLink,
    document_layout,
    find_text,
    page_layout,
)
from reader_app.gui.annotation_editing import AnnotationEditor
from reader_app.gui.annotation_tools import AnnotationTools
from reader_app.gui.document_panels import THUMB_WIDTH, OutlinePanel, ThumbnailPanel
from reader_app.gui.find_bar import FindBar
from reader_app.gui.page_widget import PageWidget
from reader_app.gui.plain_text import plain_tooltip
from reader_app.gui.render_service import RenderRequest, RenderService
from reader_app.page_text import line_boxes, matching_words, split_words, text_of, word_at

PREFETCH = 2  # pages rendered beyond the visible ones, each way
CACHE_BYTES = 64 * 1024 * 1024  # rendered pages kept beyond the visible ones
PAGE_GAP = 12  # pixels between pages
ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
FIT_WIDTH, FIT_PAGE = "width", "page"
CLICK_SLOP = 4  # pixels a press may move and still be a click

_tokens = itertools.count(1)  # one per view: keys of its jobs, unlike id() never reused

Position = tuple[int, int]  # (page, word index)


class _Canvas(QWidget):
    """Holds the pages and takes the mouse for all of them (a selection crosses pages)."""

    def __init__(self, view: DocumentView) -> None:
        super().__init__()
        self.view = view
        self.setMouseTracking(True)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.view.on_mouse_press(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.view.on_mouse_move(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.view.on_mouse_release(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.view.on_mouse_double_click(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.view.show_context_menu(event.globalPos())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = event.angleDelta().y()
            if step:
                self.view.zoom_in() if step > 0 else self.view.zoom_out()
            event.accept()
        else:
            event.ignore()  # the scroll area scrolls


class DocumentView(QWidget):
    page_changed = Signal(int)  # the page at the top of the view, 1-based
    external_link_requested = Signal(str)  # a link out of the app, to confirm and open
    selection_changed = Signal(str)  # the selected text ("" when nothing is selected)

    def __init__(
        self,
        resource: Resource,
        path: str,
        service: RenderService,
        analyse: Callable[[str], list[str]] = split_words,
        editor: AnnotationEditor | None = None,
    ) -> None:
        super().__init__(accessibleName=f"Document: {resource.title}")
        self.setToolTip(resource.title)
        self.resource, self.path, self.service = resource, path, service
        self.token = next(_tokens)
        self._analyse = analyse  # how search-hit terms and page words are compared
        self.zoom = 1.25
        self.fit: str | None = FIT_WIDTH  # as most readers open a document
        self._cache: OrderedDict[int, tuple[float, QPixmap]] = OrderedDict()
        self._asked: set[tuple[int, float]] = set()
        self._layout_asked: set[int] = set()
        self._failed: dict[int, str] = {}
        self.outline_known = False  # page sizes and outline have arrived (or failed)
        self._hit_terms: list[str] = []
        self._scroll_to_hit_on: int | None = None
        self._find_generation = 0
        self.find_matches: list[tuple[int, Box]] = []
        self.find_index = -1
        self._anchor: Position | None = None
        self._focus: Position | None = None
        self._marked_selection: set[int] = set()
        self._press: tuple[QPoint, str, object] | None = None  # where, mode, link or scroll

        self.scroll = QScrollArea(widgetResizable=True, accessibleName="Pages")
        # Always there, so the width to fit does not change when it appears.
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.setToolTip(resource.title)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        canvas = _Canvas(self)
        layout = QVBoxLayout(canvas, spacing=PAGE_GAP)
        layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[PageWidget] = []
        for number in range(1, resource.pages + 1):
            page = PageWidget(number)
            layout.addWidget(page)
            self.page_labels.append(page)
        self.scroll.setWidget(canvas)

        self.outline = OutlinePanel()
        self.thumbnails = ThumbnailPanel(resource.pages)
        self.side_panel = QTabWidget(accessibleName="Side panel", documentMode=True)
        self.side_panel.setToolTip("Table of contents and page thumbnails")
        self.side_panel.addTab(self.outline, "Contents")
        self.side_panel.addTab(self.thumbnails, "Pages")
        self.notes = AnnotationTools(self, editor) if editor is not None else None
        if self.notes is not None:
            self.side_panel.addTab(self.notes.panel, "Notes")
            self.side_panel.setToolTip("Table of contents, page thumbnails and your notes")
        self.splitter = QSplitter(childrenCollapsible=False)
        self.splitter.addWidget(self.side_panel)
        self.splitter.addWidget(self.scroll)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 800])

        self.find_bar = FindBar()
        self.find_bar.hide()
        self.toolbar = self._make_toolbar()
        if self.notes is not None:
            self.notes.add_to_toolbar(self.toolbar)
            self.selection_changed.connect(self.notes.on_selection_changed)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.toolbar)
        column.addWidget(self.splitter, 1)
        if resource.alt_text:
            # Infographics: the description is on screen and read by screen readers.
            self.description = QLabel(
                resource.alt_text, accessibleName="Image description", wordWrap=True
            )
            self.description.setTextFormat(Qt.TextFormat.PlainText)
            self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.description.setToolTip("A description of the image, for reading without it")
            self.description.setContentsMargins(8, 4, 8, 4)
            column.addWidget(self.description)
            self.page_labels[0].setAccessibleDescription(resource.alt_text)
            self.page_labels[0].setToolTip(resource.alt_text)
        column.addWidget(self.find_bar)
        self._add_actions()

        self._size_pages()
        self._fit_timer = QTimer(self, singleShot=True, interval=60)
        self._fit_timer.timeout.connect(self.apply_fit)
        self.scroll.viewport().installEventFilter(self)
        self.scroll.verticalScrollBar().valueChanged.connect(self.on_scrolled)
        self.outline.page_requested.connect(self.go_to_page)
        self.thumbnails.page_requested.connect(self.go_to_page)
        self.thumbnails.thumbnails_wanted.connect(self.request_thumbnails)
        self.find_bar.find_requested.connect(self.find)
        self.find_bar.next_requested.connect(self.find_next)
        self.find_bar.previous_requested.connect(self.find_previous)
        self.find_bar.closed.connect(self.on_find_closed)
        service.rendered.connect(self.on_rendered)
        service.finished.connect(self.on_finished)
        service.failed.connect(self.on_failed)
        service.call(("doc", self.token), document_layout, path)

    # Building

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar("Document", accessibleName="Document toolbar")
        self.panel_action = bar.addAction("Panel")
        self.panel_action.setCheckable(True)
        self.panel_action.setChecked(True)
        self.panel_action.setShortcut(QKeySequence("F7"))
        self.panel_action.setToolTip("Show or hide the contents and thumbnails (F7)")
        self.panel_action.toggled.connect(self.side_panel.setVisible)
        bar.addSeparator()
        self.page_box = QSpinBox(
            accessibleName="Page number", minimum=1, maximum=max(1, self.resource.pages)
        )
        self.page_box.setToolTip("The page shown: type a number and press Enter to go there")
        self.page_box.setKeyboardTracking(False)
        self.page_box.valueChanged.connect(self.on_page_box_changed)
        bar.addWidget(self.page_box)
        of = QLabel(f" of {self.resource.pages}  ", accessibleName="Page count")
        of.setToolTip("Pages in this document")
        bar.addWidget(of)
        bar.addSeparator()
        zoom_out = bar.addAction("\N{MINUS SIGN}")
        zoom_out.setToolTip("Zoom out (Ctrl+-)")
        zoom_out.triggered.connect(self.zoom_out)
        self.zoom_box = QComboBox(accessibleName="Zoom")
        self.zoom_box.setToolTip("Zoom: a size, or fit the width or the whole page")
        self.zoom_box.addItem("Fit width", FIT_WIDTH)
        self.zoom_box.addItem("Fit page", FIT_PAGE)
        for step in ZOOM_STEPS:
            self.zoom_box.addItem(f"{step:.0%}", step)
        self.zoom_box.activated.connect(self.on_zoom_chosen)
        bar.addWidget(self.zoom_box)
        zoom_in = bar.addAction("+")
        zoom_in.setToolTip("Zoom in (Ctrl++)")
        zoom_in.triggered.connect(self.zoom_in)
        bar.addSeparator()
        find = bar.addAction("Find")
        find.setToolTip("Find in this document (Ctrl+F)")
        find.triggered.connect(self.open_find)
        for action in (zoom_out, zoom_in, find):
            bar.widgetForAction(action).setAccessibleName(action.toolTip().split(" (")[0])
        bar.widgetForAction(self.panel_action).setAccessibleName("Side panel")
        self._show_zoom()
        return bar

    def _add_actions(self) -> None:
        # Find and its next/previous are the main window's (Edit menu), which sends
        # them to the current document.
        for name, keys, slot in (
            ("Copy", QKeySequence.StandardKey.Copy, self.copy_selection),
            ("Select all on this page", QKeySequence.StandardKey.SelectAll, self.select_page),
        ):
            action = QAction(name, self, shortcut=keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # Layout

    def _size_pages(self) -> None:
        for page in self.page_labels:
            width, height = page.size_points
            page.setFixedSize(round(width * self.zoom), round(height * self.zoom))
            if page.number in self._failed:
                page.setText(self._failed[page.number])

    def on_document_layout(self, layout: DocumentLayout) -> None:
        for page, size in zip(self.page_labels, layout.sizes, strict=False):
            page.size_points = size
        self.outline.set_outline(layout.outline)
        self.outline_known = True
        if not layout.outline:
            self.side_panel.setCurrentWidget(self.thumbnails)
        self._keep_position(self._size_pages)
        if self.fit:
            self.apply_fit()
        self.request_visible()

    def visible_pages(self) -> list[int]:
        top = self.scroll.verticalScrollBar().value()
        bottom = top + self.scroll.viewport().height()
        return [
            page.number
            for page in self.page_labels
            if page.y() + page.height() >= top and page.y() <= bottom
        ]

    def current_page(self) -> int:
        visible = self.visible_pages()
        return visible[0] if visible else 1

    def go_to_page(self, number: int, y: float = 0.0) -> None:
        """Scroll so page ``number`` (1-based) starts at the top, or point ``y`` of it."""
        number = max(1, min(number, len(self.page_labels)))
        page = self.page_labels[number - 1]
        self._settle()
        self.scroll.verticalScrollBar().setValue(page.y() + round(y * page.scale))
        self.request_visible()

    def _settle(self) -> None:
        """Lay the pages out and size the canvas now, not at the next event loop turn,
        so the scroll bars already have their new range when we scroll."""
        canvas = self.scroll.widget()
        canvas.layout().activate()
        room = self.scroll.viewport().size()
        hint = canvas.sizeHint()
        canvas.resize(max(hint.width(), room.width()), max(hint.height(), room.height()))

    def _keep_position(self, change: Callable[[], None]) -> None:
        """Apply a layout ``change`` with the same point of the same page at the top."""
        number = self.current_page()
        page = self.page_labels[number - 1]
        offset = (self.scroll.verticalScrollBar().value() - page.y()) / max(page.scale, 1e-6)
        change()
        self.go_to_page(number, max(0.0, offset))

    # Zoom

    def set_zoom(self, zoom: float, fit: str | None = None) -> None:
        self.fit = fit
        zoom = max(0.1, min(zoom, 8.0))
        if abs(zoom - self.zoom) > 1e-3:

            def resize() -> None:
                self.zoom = zoom
                self._asked.clear()
                self._size_pages()

            self._keep_position(resize)
        self._show_zoom()

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.zoom + 1e-3), self.zoom))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.zoom - 1e-3), self.zoom))

    def fit_width(self) -> None:
        self.fit = FIT_WIDTH
        self.apply_fit()

    def fit_page(self) -> None:
        self.fit = FIT_PAGE
        self.apply_fit()

    def apply_fit(self) -> None:
        if not self.fit:
            return
        viewport = self.scroll.viewport()
        margins = self.scroll.widget().layout().contentsMargins()
        room_w = viewport.width() - margins.left() - margins.right()
        room_h = viewport.height() - margins.top() - margins.bottom()
        width, height = self.page_labels[self.current_page() - 1].size_points
        zoom = room_w / max(p.size_points[0] for p in self.page_labels)
        if self.fit == FIT_PAGE:
            zoom = min(zoom, room_h / height, room_w / width)
        self.set_zoom(zoom, self.fit)

    def on_zoom_chosen(self, index: int) -> None:
        choice = self.zoom_box.itemData(index)
        if choice == FIT_WIDTH:
            self.fit_width()
        elif choice == FIT_PAGE:
            self.fit_page()
        else:
            self.set_zoom(float(choice))
        self.scroll.setFocus()

    def _show_zoom(self) -> None:
        index = self.zoom_box.findData(self.fit) if self.fit else -1
        if index < 0:
            index = next(
                (
                    i
                    for i in range(self.zoom_box.count())
                    if self.zoom_box.itemData(i) == round(self.zoom, 3)
                ),
                -1,
            )
        if index < 0:  # a zoom between steps: show it without adding a step
            self.zoom_box.setEditable(True)
            self.zoom_box.setEditText(f"{self.zoom:.0%}")
            self.zoom_box.lineEdit().setReadOnly(True)
        else:
            self.zoom_box.setEditable(False)
            self.zoom_box.setCurrentIndex(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The pages' viewport changes size with the window and with the side panel.
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self.on_viewport_resized()
        return super().eventFilter(watched, event)

    def on_viewport_resized(self) -> None:
        if self.fit and not self._cache:
            self.apply_fit()  # before the first page is asked for, not after
        elif self.fit:
            self._fit_timer.start()  # a window being dragged to a new size

    # Requests

    def request_visible(self) -> None:
        if not self.outline_known:
            return  # the page sizes come first: asking before would render at a passing zoom
        visible = self.visible_pages() or [1]
        first, last = visible[0], visible[-1]
        wanted = visible + [
            n
            for step in range(1, PREFETCH + 1)
            for n in (last + step, first - step)
            if 1 <= n <= len(self.page_labels)
        ]
        keep = set(wanted)
        # Pages scrolled past before their turn came are not rendered after all.
        for key in self.service.withdraw(
            lambda k: (
                isinstance(k, tuple)
                and k[0] in ("page", "layout")
                and k[1] == self.token
                and (k[2] not in keep or (k[0] == "page" and k[3] != self.zoom))
            )
        ):
            if key[0] == "page":  # type: ignore[index]
                self._asked.discard((key[2], key[3]))  # type: ignore[index]
            else:
                self._layout_asked.discard(key[2])  # type: ignore[index]
        # Neighbours are asked for once the visible pages are in, so a page on screen
        # never waits for a worker busy with one that is not.
        waiting = self._ask_pages(visible)
        if not waiting:
            self._ask_pages(wanted[len(visible) :])
        for number in visible if waiting else wanted:
            if number not in self._layout_asked:
                self._layout_asked.add(number)
                self.service.call(("layout", self.token, number), page_layout, self.path, number)

    def _ask_pages(self, numbers: list[int]) -> bool:
        """Ask for the pages not rendered at this zoom; whether any is still to come."""
        scale = self.devicePixelRatioF()  # crisp on HiDPI screens
        waiting = False
        for number in numbers:
            cached = self._cache.get(number)
            if cached is not None and cached[0] == self.zoom:
                self._cache.move_to_end(number)
                continue
            if number in self._failed:
                continue
            waiting = True
            if (number, self.zoom) not in self._asked:
                self._asked.add((number, self.zoom))
                key = ("page", self.token, number, self.zoom)
                self.service.request(RenderRequest(key, self.path, number, self.zoom * scale))
        return waiting

    def request_thumbnails(self, pages: list[int]) -> None:
        scale = self.devicePixelRatioF()
        for number in pages:
            width = self.page_labels[number - 1].size_points[0]
            key = ("thumb", self.token, number)
            self.service.request(RenderRequest(key, self.path, number, THUMB_WIDTH / width * scale))

    def _mine(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) > 1 and key[1] == self.token

    # Results

    def on_scrolled(self, _value: int) -> None:
        self.request_visible()
        page = self.current_page()
        self.page_box.blockSignals(True)
        self.page_box.setValue(page)
        self.page_box.blockSignals(False)
        self.thumbnails.show_current(page)
        self.page_changed.emit(page)

    def on_page_box_changed(self, number: int) -> None:
        self.go_to_page(number)

    def on_rendered(self, key: object, image: QImage) -> None:
        if not self._mine(key):
            return
        kind, _token, number, *rest = key  # type: ignore[misc]
        if kind == "thumb":
            self.thumbnails.set_thumbnail(number, image)
            return
        if rest[0] != self.zoom:
            return  # a zoom we have left
        image.setDevicePixelRatio(self.devicePixelRatioF())
        pixmap = QPixmap.fromImage(image)
        self._cache[number] = (self.zoom, pixmap)
        self._cache.move_to_end(number)
        self.page_labels[number - 1].setPixmap(pixmap)
        self._trim_cache()
        self.request_visible()  # the neighbours' turn, once the visible pages are in

    def _trim_cache(self) -> None:
        visible = set(self.visible_pages())
        total = sum(p.width() * p.height() * 4 for _z, p in self._cache.values())
        for number in list(self._cache):
            if total <= CACHE_BYTES:
                break
            if number in visible:
                continue
            _zoom, pixmap = self._cache.pop(number)
            total -= pixmap.width() * pixmap.height() * 4
            self._asked = {(n, z) for n, z in self._asked if n != number}
            self.page_labels[number - 1].clear()

    def on_finished(self, key: object, result: object) -> None:
        if not self._mine(key):
            return
        kind = key[0]  # type: ignore[index]
        if kind == "doc" and isinstance(result, DocumentLayout):
            self.on_document_layout(result)
        elif kind == "layout" and isinstance(result, PageLayout):
            self.on_page_layout(key[2], result)  # type: ignore[index]
        elif kind == "find" and key[2] == self._find_generation:  # type: ignore[index]
            self.on_found(result)  # type: ignore[arg-type]

    def on_failed(self, key: object, message: str) -> None:
        if not self._mine(key):
            return
        kind = key[0]  # type: ignore[index]
        if kind == "page" and key[3] == self.zoom:  # type: ignore[index]
            number = key[2]  # type: ignore[index]
            # A placeholder that says what went wrong; the rest of the document carries on.
            self._failed[number] = f"Page {number} could not be shown:\n{message}"
            self.page_labels[number - 1].setText(self._failed[number])
            self.request_visible()
        elif kind == "find" and key[2] == self._find_generation:  # type: ignore[index]
            self.find_matches, self.find_index = [], -1
            self.find_bar.count.setText("Find failed")
        elif kind == "doc":  # pages are still tried, each with its own message if it fails
            self.outline_known = True
            self.request_visible()

    def on_page_layout(self, number: int, layout: PageLayout) -> None:
        page = self.page_labels[number - 1]
        page.layout_info = layout
        self._mark_hits(page)
        self._mark_selection()
        if self._scroll_to_hit_on == number and page.marks.get("hit"):
            self._scroll_to_hit_on = None
            self.ensure_box_visible(number, page.marks["hit"][0])

    # Search hits

    def show_hits(self, terms: list[str], page: int | None = None) -> None:
        """Mark the words of a search hit on every page; scroll to the first on ``page``."""
        self._hit_terms = list(terms)
        self._scroll_to_hit_on = page
        for widget in self.page_labels:
            self._mark_hits(widget)
        if page is not None:
            target = self.page_labels[page - 1]
            if target.marks.get("hit"):
                self._scroll_to_hit_on = None
                self.ensure_box_visible(page, target.marks["hit"][0])

    def _mark_hits(self, page: PageWidget) -> None:
        if page.layout_info is None:
            return
        words = page.layout_info.words
        found = matching_words(words, self._hit_terms, self._analyse) if self._hit_terms else []
        page.set_marks("hit", [words[i][:4] for i in found])

    def hit_boxes(self, number: int) -> list[Box]:
        return list(self.page_labels[number - 1].marks.get("hit", []))

    # Find

    def open_find(self) -> None:
        self.find_bar.open_bar()

    def on_find_closed(self) -> None:
        self.find("")
        self.scroll.setFocus()

    def find(self, needle: str) -> None:
        self._find_generation += 1
        self.find_matches, self.find_index = [], -1
        self._mark_finds()
        if needle.strip():
            self.find_bar.show_count(0, 0, searching=True)
            key = ("find", self.token, self._find_generation)
            self.service.call(key, find_text, self.path, needle)
        else:
            self.find_bar.show_count(0, 0, asked=False)

    def on_found(self, matches: list[tuple[int, Box]]) -> None:
        self.find_matches = list(matches)
        here = self.current_page()
        self.find_index = next(
            (i for i, (page, _box) in enumerate(self.find_matches) if page >= here),
            0 if self.find_matches else -1,
        )
        self._show_find()

    def find_next(self) -> None:
        self._step_find(+1)

    def find_previous(self) -> None:
        self._step_find(-1)

    def _step_find(self, step: int) -> None:
        if self.find_matches:
            self.find_index = (self.find_index + step) % len(self.find_matches)
            self._show_find()

    def _show_find(self) -> None:
        self._mark_finds()
        self.find_bar.show_count(self.find_index + 1, len(self.find_matches))
        if self.find_index >= 0:
            self.ensure_box_visible(*self.find_matches[self.find_index])

    def _mark_finds(self) -> None:
        by_page: dict[int, list[Box]] = {}
        for page, box in self.find_matches:
            by_page.setdefault(page, []).append(box)
        current = self.find_matches[self.find_index] if self.find_index >= 0 else None
        for widget in self.page_labels:
            boxes = by_page.get(widget.number, [])
            widget.set_marks("find", boxes)
            here = [current[1]] if current and current[0] == widget.number else []
            widget.set_marks("find-current", here)

    def ensure_box_visible(self, number: int, box: Box) -> None:
        page = self.page_labels[number - 1]
        rect = page.box_rect(box).toRect().translated(page.pos())
        self.scroll.ensureVisible(rect.center().x(), rect.center().y(), 50, 80)
        self.request_visible()

    # Selection and links (the mouse)

    def _page_at(self, point: QPoint) -> tuple[PageWidget, QPointF] | None:
        """The page under a canvas point, or the nearest one, and the point on it in points."""
        if not self.page_labels:
            return None
        page = min(
            self.page_labels,
            key=lambda p: (
                0
                if p.y() <= point.y() <= p.y() + p.height()
                else min(abs(point.y() - p.y()), abs(point.y() - p.y() - p.height()))
            ),
        )
        local = QPointF(point - page.pos()) / page.scale
        return page, local

    def _link_at(self, page: PageWidget, at: QPointF) -> PageLink | None:
        if page.layout_info is None:
            return None
        return next(
            (
                link
                for link in page.layout_info.links
                if link.box[0] <= at.x() <= link.box[2] and link.box[1] <= at.y() <= link.box[3]
            ),
            None,
        )

    def on_mouse_press(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        found = self._page_at(point)
        if event.button() == Qt.MouseButton.MiddleButton or found is None:
            self._press = (event.globalPosition().toPoint(), "pan", self._scroll_values())
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        page, at = found
        link = self._link_at(page, at)
        words = page.layout_info.words if page.layout_info else []
        if link is not None:
            self._press = (point, "link", link)
        elif words:
            index = word_at(words, at.x(), at.y(), nearest=True)
            self._press = (point, "select", None)
            if self._anchor is not None:
                self.selection_changed.emit("")
            self._anchor = self._focus = None
            self._pending_anchor = (page.number, index) if index is not None else None
            self._mark_selection()
        else:  # a picture: drag to pan
            self._press = (event.globalPosition().toPoint(), "pan", self._scroll_values())
            self.scroll.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def _scroll_values(self) -> tuple[int, int]:
        return (
            self.scroll.horizontalScrollBar().value(),
            self.scroll.verticalScrollBar().value(),
        )

    def on_mouse_move(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if self._press is None:
            self._hover(point, event.globalPosition().toPoint())
            return
        start, mode, data = self._press
        if mode == "pan":
            moved = event.globalPosition().toPoint() - start
            h, v = data  # type: ignore[misc]
            self.scroll.horizontalScrollBar().setValue(h - moved.x())
            self.scroll.verticalScrollBar().setValue(v - moved.y())
        elif mode == "select" and (point - start).manhattanLength() > CLICK_SLOP:
            found = self._page_at(point)
            if found is None or found[0].layout_info is None or self._pending_anchor is None:
                return
            page, at = found
            index = word_at(page.layout_info.words, at.x(), at.y(), nearest=True)
            if index is not None:
                self._anchor = self._pending_anchor
                self._focus = (page.number, index)
                self._mark_selection()
                self.scroll.ensureVisible(point.x(), point.y(), 0, 20)  # scroll while dragging

    def on_mouse_release(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        start, mode, data = self._press
        self._press = None
        self.scroll.viewport().unsetCursor()
        clicked = (event.position().toPoint() - start).manhattanLength() <= CLICK_SLOP
        if mode == "pan":  # pan starts from global positions
            clicked = (event.globalPosition().toPoint() - start).manhattanLength() <= CLICK_SLOP
        if mode == "link" and clicked:
            self.activate_link(data)  # type: ignore[arg-type]
        elif mode == "select" and self._anchor is not None:
            self.selection_changed.emit(self.selected_text())
        elif clicked and self.notes is not None:
            found = self._page_at(event.position().toPoint())
            if found is not None:
                self.notes.click(*found)

    def on_mouse_double_click(self, event: QMouseEvent) -> None:
        found = self._page_at(event.position().toPoint())
        if found is None or found[0].layout_info is None:
            return
        page, at = found
        index = word_at(page.layout_info.words, at.x(), at.y())
        if index is not None:
            self._anchor = self._focus = (page.number, index)
            self._mark_selection()
            self.selection_changed.emit(self.selected_text())

    def _hover(self, point: QPoint, global_point: QPoint) -> None:
        found = self._page_at(point)
        cursor = Qt.CursorShape.ArrowCursor
        if found is not None:
            page, at = found
            link = self._link_at(page, at)
            if self.notes is not None and self.notes.hover(page, at, global_point):
                cursor = Qt.CursorShape.PointingHandCursor
            elif link is not None:
                cursor = Qt.CursorShape.PointingHandCursor
                tip = f"Go to page {link.page}" if link.page else plain_tooltip(link.uri)
                QToolTip.showText(global_point, tip, self.scroll.viewport())
            elif page.layout_info is not None and page.layout_info.words:
                if word_at(page.layout_info.words, at.x(), at.y()) is not None:
                    cursor = Qt.CursorShape.IBeamCursor
            elif page.layout_info is not None:
                cursor = Qt.CursorShape.OpenHandCursor
        self.scroll.viewport().setCursor(QCursor(cursor))

    def activate_link(self, link: PageLink) -> None:
        if link.page:
            self.go_to_page(link.page, max(0.0, link.top - 24))  # a little above the target
        elif link.uri:
            self.external_link_requested.emit(link.uri)

    def select_page(self) -> None:
        page = self.page_labels[self.current_page() - 1]
        if page.layout_info and page.layout_info.words:
            self._anchor = (page.number, 0)
            self._focus = (page.number, len(page.layout_info.words) - 1)
            self._mark_selection()
            self.selection_changed.emit(self.selected_text())

    def select_words(self, anchor: Position, focus: Position) -> None:
        """Select from one word to another, as a drag between them would."""
        self._anchor, self._focus = anchor, focus
        self._mark_selection()
        self.selection_changed.emit(self.selected_text())

    def selected_ranges(self) -> list[tuple[PageWidget, int, int]]:
        if self._anchor is None or self._focus is None:
            return []
        first, last = sorted((self._anchor, self._focus))
        ranges = []
        for number in range(first[0], last[0] + 1):
            page = self.page_labels[number - 1]
            if page.layout_info is None or not page.layout_info.words:
                continue
            start = first[1] if number == first[0] else 0
            end = last[1] if number == last[0] else len(page.layout_info.words) - 1
            ranges.append((page, start, end))
        return ranges

    def _mark_selection(self) -> None:
        marked = set()
        for page, start, end in self.selected_ranges():
            assert page.layout_info is not None
            page.set_marks("selection", line_boxes(page.layout_info.words[start : end + 1]))
            marked.add(page.number)
        for number in self._marked_selection - marked:
            self.page_labels[number - 1].set_marks("selection", [])
        self._marked_selection = marked

    def selected_text(self) -> str:
        return "\n".join(
            text_of(page.layout_info.words[start : end + 1])  # type: ignore[union-attr]
            for page, start, end in self.selected_ranges()
        )

    def copy_selection(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def clear_selection(self) -> None:
        self._anchor = self._focus = None
        self._mark_selection()
        self.selection_changed.emit("")

    def context_menu(self, where: QPoint) -> QMenu:
        """The menu for a right-click at ``where`` (global): copy, find and annotate."""
        menu = QMenu(self)
        copy = menu.addAction("Copy", self.copy_selection)
        copy.setEnabled(bool(self.selected_text()))
        menu.addAction("Select all on this page", self.select_page)
        menu.addSeparator()
        menu.addAction("Find…", self.open_find)
        if self.notes is not None:
            found = self._page_at(self.scroll.widget().mapFromGlobal(where))
            page, at = found if found is not None else (None, None)
            self.notes.add_menu_items(menu, page, at)
        return menu

    def show_context_menu(self, where: QPoint) -> None:
        self.context_menu(where).exec(where)
