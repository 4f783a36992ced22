"""Background indexing: keeps the search index in step without blocking the window."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal

from reader_app.search.sources import IndexSource

PROGRESS_EVERY = 0.1  # seconds between progress signals, so the event loop is not flooded


class IndexingThread(QThread):
    progress = Signal(int, int)  # pages done, pages total
    report_ready = Signal(object)  # IndexReport
    failed = Signal(str)
    # Read-only: the index that searches should use instead of the folder's (a MemoryIndex)
    memory_index_ready = Signal(object)

    def __init__(
        self,
        index_dir: Path,
        sources: list[IndexSource],
        parent: QObject | None = None,
        read_only: bool = False,
        rebuild: bool = False,
    ) -> None:
        super().__init__(parent)
        # Sources are gathered in the GUI thread: the store's connection lives there.
        self._index_dir, self._sources = index_dir, sources
        # The library cannot be written (a full or read-only disk): nor can the index.
        self._read_only = read_only
        self._rebuild = rebuild  # a search found the folder's index damaged
        self._last = 0.0
        # A plain Python flag: the indexer asks it between every job, from this thread.
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def run(self) -> None:
        from reader_app.search.errors import IndexBusyError, IndexWriteError
        from reader_app.search.index import IndexReport, SearchIndex

        if self._read_only:
            self._find_readable_index()
            self.report_ready.emit(IndexReport())
            return
        index = SearchIndex(self._index_dir)
        try:
            report = index.update(
                self._sources, self._on_progress, self._stop.is_set, rebuild=self._rebuild
            )
        except (IndexBusyError, IndexWriteError) as exc:
            self.failed.emit(str(exc))
            return
        finally:
            index.close()
        self.report_ready.emit(report)

    def _find_readable_index(self) -> None:
        """The folder's index as it is, if it can be read; else one built in memory."""
        from reader_app.search.index import SearchIndex
        from reader_app.search.memory import MemoryIndex, readable_index

        if self._rebuild:
            index: SearchIndex = MemoryIndex(self._sources)
        else:
            index = readable_index(self._index_dir, self._sources)
        if isinstance(index, MemoryIndex):
            self.memory_index_ready.emit(index)
        else:
            index.close()

    def _on_progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_EVERY or done >= total:
            self._last = now
            self.progress.emit(done, total)
