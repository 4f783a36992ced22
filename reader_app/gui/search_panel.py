"""Search as you type: a debounced query runs off the GUI thread; stale answers are dropped.
Results are grouped by resource, each page hit with its snippet and the matches in bold,
under a notice when they may be incomplete (another process is writing the index)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
)

from reader_app.catalog import Catalog
from reader_app.facets import FACETS, Selection
from reader_app.gui.plain_text import plain_tooltip
from reader_app.search.errors import IndexDamagedError
from reader_app.search.results import Hit, SearchResults

if TYPE_CHECKING:
    from reader_app.search.index import SearchIndex

DEBOUNCE_MS = 150
HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # (resource id, page)
SPANS_ROLE = Qt.ItemDataRole.UserRole + 2
TERMS_ROLE = Qt.ItemDataRole.UserRole + 3  # the matched words, to mark on the page
NOTE_ROLE = Qt.ItemDataRole.UserRole + 4  # the annotation a hit came from, or ""


class _Signals(QObject):
    done = Signal(int, object)  # generation, SearchResults
    failed = Signal(int, str)


class _SearchJob(QRunnable):
    def __init__(
        self,
        runner: SearchRunner,
        generation: int,
        query: str,
        selection: Selection,
        limit: int,
        signals: _Signals,
    ) -> None:
        super().__init__()
        self.runner, self.generation, self.query = runner, generation, query
        self.selection, self.limit, self.signals = selection, limit, signals

    def run(self) -> None:
        filters = {facet: self.selection.values(facet) for facet in FACETS}
        try:
            results = self.runner.index().search(self.query, filters, self.limit)
        except IndexDamagedError as exc:
            self.signals.failed.emit(self.generation, str(exc))
            return
        self.signals.done.emit(self.generation, results)


class SearchRunner(QObject):
    """Runs the latest query after a pause in typing; only its answer is delivered."""

    results_ready = Signal(object)  # SearchResults
    search_failed = Signal(str)

    def __init__(self, index_dir: Path, limit: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._index_dir = index_dir
        self._index: SearchIndex | None = None
        self._limit = limit
        # Qt children, so they go with the runner and not at some point of interpreter exit.
        self._pool = QThreadPool(self, maxThreadCount=1)  # one searcher, used by one thread
        self._generation = 0
        self._query = ""
        self._selection = Selection()
        self._signals = _Signals(self)
        self._signals.done.connect(self.on_done)
        self._signals.failed.connect(self.on_failed)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_now)

    def index(self) -> SearchIndex:
        """The reader, opened on the pool's thread at the first search, so loading Whoosh
        does not delay the window. A reader of its own: the indexer has its own writer."""
        if self._index is None:
            from reader_app.search.index import SearchIndex

            self._index = SearchIndex(self._index_dir)
        return self._index

    def use_index(self, index: SearchIndex) -> None:
        """Search ``index`` from now on (one in memory, when the folder's cannot be
        written); the search under way, if any, finishes first."""
        self._pool.waitForDone()
        if self._index is not None:
            self._index.close()
        self._index = index
        if self._query.strip():
            self.set_query(self._query)

    def set_query(self, text: str) -> None:
        self._query = text
        self._generation += 1  # anything already under way is now stale
        self._timer.start()

    def set_selection(self, selection: Selection) -> None:
        self._selection = selection
        if self._query.strip():
            self.set_query(self._query)

    def run_now(self) -> None:
        self._timer.stop()
        if not self._query.strip():
            return
        self._pool.start(
            _SearchJob(
                self,
                self._generation,
                self._query,
                self._selection,
                self._limit,
                self._signals,
            )
        )

    def on_done(self, generation: int, results: SearchResults) -> None:
        if generation == self._generation:
            self.results_ready.emit(results)

    def on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.search_failed.emit(message)

    def shutdown(self) -> None:
        self._timer.stop()
        self._generation += 1
        self._pool.waitForDone()
        if self._index is not None:
            self._index.close()


class SnippetDelegate(QStyledItemDelegate):
    """Paints a snippet as plain text with the matched words in bold (never as HTML)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        spans = index.data(SPANS_ROLE)
        if not spans:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, option.widget)
        bold = QFont(option.font)
        bold.setBold(True)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(
            option.palette.highlightedText().color() if selected else option.palette.text().color()
        )
        x, y = (
            rect.x(),
            rect.y()
            + (
                rect.height()
                + QFontMetrics(option.font).ascent()
                - QFontMetrics(option.font).descent()
            )
            // 2,
        )
        position = 0
        for start, end in [*spans, (len(text), len(text))]:
            for piece, font in ((text[position:start], option.font), (text[start:end], bold)):
                if not piece or x > rect.right():
                    continue
                painter.setFont(font)
                metrics = QFontMetrics(font)
                piece = metrics.elidedText(piece, Qt.TextElideMode.ElideRight, rect.right() - x)
                painter.drawText(x, y, piece)
                x += metrics.horizontalAdvance(piece)
            position = end
        painter.restore()


class ResultsView(QTreeWidget):
    """Hits grouped by resource; activating a hit asks to open that page."""

    open_requested = Signal(str, int, list, str)  # resource id, page, words, annotation id

    def __init__(self, catalog: Catalog) -> None:
        super().__init__(accessibleName="Search results", headerHidden=True, uniformRowHeights=True)
        self.setToolTip("Search results: press Enter or double-click a page to open it")
        self._catalog = catalog
        self.setItemDelegate(SnippetDelegate(self))
        self.itemActivated.connect(self.on_item_activated)
        # Above the hits, in the viewport's top margin: why they may not be all there are.
        self.notice = QLabel(
            self,
            objectName="search_notice",
            accessibleName="Search notice",
            textFormat=Qt.TextFormat.PlainText,
            wordWrap=True,
            visible=False,
        )
        self.notice.setContentsMargins(6, 3, 6, 3)

    def set_catalog(self, catalog: Catalog) -> None:
        """The library's documents changed: the next results are shown against these."""
        self._catalog = catalog

    def show_results(self, results: SearchResults) -> None:
        self.clear()
        self.notice.setText("\n".join(n[:1].upper() + n[1:] for n in results.notices))
        self.notice.setVisible(bool(results.notices))
        self._place_notice()
        for resource_id, hits in results.grouped():
            resource = self._catalog.get(resource_id)
            if resource is None:
                continue
            group = QTreeWidgetItem(self, [f"{resource.title} ({len(hits)})"])
            group.setData(0, HIT_ROLE, (resource_id, hits[0].page))
            group.setData(0, TERMS_ROLE, hit_terms(hits[0]))
            group.setToolTip(0, plain_tooltip(resource.summary))
            for hit in hits:
                # A hit in the reader's own notes says so, and opens the note.
                mine = ", in your notes" if hit.annotation_id else ""
                label = f"p. {hit.page}{mine}: "
                item = QTreeWidgetItem(group, [label + hit.snippet])
                item.setData(0, HIT_ROLE, (resource_id, hit.page))
                item.setData(0, NOTE_ROLE, hit.annotation_id or "")
                shifted = [(s + len(label), e + len(label)) for s, e in hit.spans]
                item.setData(0, SPANS_ROLE, shifted)
                item.setData(0, TERMS_ROLE, hit_terms(hit))
                item.setToolTip(0, plain_tooltip(hit.snippet))
        self.expandAll()
        if self.topLevelItemCount():
            self.setCurrentItem(self.topLevelItem(0))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_notice()

    def _place_notice(self) -> None:
        if self.notice.isHidden():
            self.setViewportMargins(0, 0, 0, 0)
            return
        frame = self.frameWidth()
        width = self.width() - 2 * frame
        height = self.notice.heightForWidth(width)
        self.notice.setGeometry(frame, frame, width, max(height, self.notice.sizeHint().height()))
        self.setViewportMargins(0, self.notice.height(), 0, 0)

    def on_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        resource_id, page = item.data(0, HIT_ROLE)
        terms = item.data(0, TERMS_ROLE) or []
        self.open_requested.emit(resource_id, page, terms, item.data(0, NOTE_ROLE) or "")

    def select_hit(self, resource_id: str, page: int) -> None:
        """Show which hit is open (without opening it again)."""
        for i in range(self.topLevelItemCount()):
            group = self.topLevelItem(i)
            for j in range(group.childCount()):
                item = group.child(j)
                if item.data(0, HIT_ROLE) == (resource_id, page):
                    self.blockSignals(True)
                    self.setCurrentItem(item)
                    self.blockSignals(False)
                    self.scrollToItem(item)
                    return


def hit_terms(hit: Hit) -> list[str]:
    """The words a hit matched, as they are written on the page."""
    return sorted({hit.snippet[start:end] for start, end in hit.spans})
