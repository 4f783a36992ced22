"""A search index held in memory, for when the index folder cannot be written (a full or
read-only disk) and holds no index that can be read: built from the sources as the
folder's would be, searched the same way, gone when the process ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh.filedb.filestore import RamStorage
from whoosh.searching import Searcher

from reader_app.search.index import (
    COMMON_SAMPLE,
    IndexReport,
    Progress,
    SearchIndex,
    _add_notes,
    _add_pages,
    choose_common,
    make_schema,
)
from reader_app.search.sources import NOTE, IndexSource, PageDoc, prepare_pages, read_notes
from reader_app.worker import WorkerPool


class MemoryIndex(SearchIndex):
    """The index of ``sources``, in memory; ``search`` as ``SearchIndex.search``."""

    def __init__(self, sources: Iterable[IndexSource], workers: int = 2) -> None:
        super().__init__(Path("<memory>"), workers)
        sources = list(sources)
        self._signatures = frozenset((s.key, s.signature) for s in sources)
        self._ix = RamStorage().create_index(make_schema())
        self.failed: list[tuple[str, str]] = []  # (resource id, why) not indexed
        self._build(sources)

    def holds(self, sources: Iterable[IndexSource]) -> bool:
        """Whether this index was built from exactly ``sources``."""
        return self._signatures == frozenset((s.key, s.signature) for s in sources)

    def _build(self, sources: list[IndexSource]) -> None:
        pages: list[tuple[IndexSource, list[PageDoc]]] = []
        todo = [s for s in sources if s.origin != NOTE]
        with WorkerPool(self.workers) as pool:
            for number, result in pool.map_unordered(prepare_pages, [(s,) for s in todo]):
                if isinstance(result, BaseException):
                    self.failed.append((todo[number].resource_id, str(result)))
                else:
                    pages.append((todo[number], result))
        # As the folder's index does: common terms from the first pages, not from notes.
        sample, seen = [], 0
        for source, docs in pages:
            if seen >= COMMON_SAMPLE:
                break
            sample.append((source, docs))
            seen += len(docs)
        self._common = choose_common(sample)
        writer = self._ix.writer()
        for source, docs in pages:
            _add_pages(writer, source, docs, self._common)
        for source, notes in read_notes([s for s in sources if s.origin == NOTE]):
            if isinstance(notes, Exception):
                self.failed.append((source.resource_id, f"its notes: {notes}"))
            else:
                _add_notes(writer, source, notes, self._common)
        writer.commit()

    @property
    def common(self) -> frozenset[str]:
        return self._common or frozenset()

    def _get_searcher(self) -> Searcher:
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        return self._searcher

    def out_of_step(self, sources: Iterable[IndexSource]) -> str:
        return "" if self.holds(sources) else "out of date (built from other sources)"

    def update(
        self,
        sources: Iterable[IndexSource],
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = bool,
        rebuild: bool = False,
    ) -> IndexReport:
        raise NotImplementedError("a memory index is built once; make a new one")

    def reset(self) -> None:
        raise NotImplementedError("a memory index is built once; make a new one")


def can_be_read(index: SearchIndex, sources: list[IndexSource]) -> bool:
    """Whether ``index`` can be searched as it is, if perhaps behind the latest changes;
    not when it holds nothing of what there is to search (a first build stopped by a full
    disk leaves an empty index, which would find nothing and say nothing)."""
    state = index.out_of_step(sources)
    if state.startswith("out of date") and sources and index.out_of_step(()) == "":
        return False  # nothing indexed: measured against no sources, nothing is gone
    return state == "" or state.startswith("out of date")


def readable_index(folder: Path, sources: list[IndexSource]) -> SearchIndex:
    """The index to search when ``folder`` cannot be written: the folder's as it is if it
    can be read, else one built in memory."""
    index = SearchIndex(folder)
    return index if can_be_read(index, sources) else MemoryIndex(sources)
