"""The index of pages and notes: schema, incremental updates from the catalog and the
user's annotations, and self-repair.

The index is derived data. Anything wrong with it (missing, an older schema,
damaged files, out of step with the catalog) is fixed by rebuilding from the
sources; nothing in it is irreplaceable.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import shutil
import tempfile
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, LockError
from whoosh.searching import Searcher
from whoosh.writing import SegmentWriter

from reader_app.catalog import UNDATED
from reader_app.search.analysis import STOPS, fold, pairs, stem_word, terms, words
from reader_app.search.errors import (
    BUSY_NOTICE,
    IndexBusyError,
    IndexDamagedError,
    IndexWriteError,
)
from reader_app.search.index_folder import (
    REBUILDING,
    REPLACED,
    mark_writing,
    remove,
    remove_quietly,
    sweep_beside,
    unmark_writing,
    why_not_written,
    written_elsewhere,
)
from reader_app.search.query import TEXT_FIELDS, ParsedQuery, clean, parse
from reader_app.search.results import Hit, SearchResults
from reader_app.search.snippets import make_matcher, snippet
from reader_app.search.sources import (
    NOTE,
    IndexSource,
    NoteDoc,
    PageDoc,
    prepare_pages,
    read_notes,
    resource_of,
)
from reader_app.worker import WorkerPool

# Bump whenever the schema or the analysis changes: the index is then rebuilt.
SCHEMA_VERSION = 6  # 6: nation, council_type and about; 'undated' years
COMMON_TERMS = 400  # the most widespread terms, whose neighbouring pairs are indexed
COMMON_SAMPLE = 1000  # pages looked at to choose them
STATE_FILE = "reader-state.json"
COMMIT_EVERY = 5.0  # seconds: commit so searches see pages indexed so far
BIG_UPDATE = 2000  # pages: from here on, workers write whole segments
LOW_HITS = 3  # fewer hits than this and we look for a "did you mean"
WORD_IN_QUERY = re.compile(r"\w+")


@contextlib.contextmanager
def _quiet_leaks() -> Iterator[None]:
    # Whoosh leaves a file open when it fails on a damaged index; let it close quietly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield


def make_schema() -> Schema:
    terms = SpaceSeparatedTokenizer()  # pages arrive already analysed
    # Few fields, no positions and no numeric tiers: each costs the single writer time.
    return Schema(
        rid=ID(stored=True),
        source=ID(),  # IndexSource.key: what an update deletes and rewrites together
        page=STORED(),
        origin=ID(stored=True),
        annotation=STORED(),  # the annotation a note document was made from
        title=TEXT(analyzer=terms, phrase=False, field_boost=2.0),
        about=TEXT(analyzer=terms, phrase=False, field_boost=1.5),
        body=TEXT(analyzer=terms, phrase=False),
        pairs=TEXT(analyzer=terms, phrase=False),
        text=STORED(),
        pillar=KEYWORD(),
        kind=ID(),
        collection=ID(),
        tag=KEYWORD(commas=True),
        year=ID(),
        nation=ID(),
        council_type=ID(),
    )


@dataclass
class IndexReport:
    indexed: list[str] = field(default_factory=list)  # resource ids whose pages were (re)indexed
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (resource id, why)
    pages: int = 0
    notes_indexed: list[str] = field(default_factory=list)  # resource ids with notes rewritten
    notes: int = 0  # note documents written
    rebuilt: str = ""  # why the whole index was rebuilt, if it was
    cancelled: bool = False


Progress = Callable[[int, int], None]  # (documents done, documents total): pages and notes


class SearchIndex:
    """One index folder. Searches may run while an update is under way."""

    def __init__(self, folder: Path, workers: int = 2) -> None:
        self.folder = folder
        self.workers = workers
        self._searcher: Searcher | None = None
        self._in_step_with: frozenset[tuple[str, str]] | None = None  # sources last indexed
        self._common: frozenset[str] | None = None

    # Life cycle

    def _read_state(self) -> dict[str, Any] | None:
        try:
            state = json.loads((self.folder / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(state, dict) or state.get("schema") != SCHEMA_VERSION:
            return None
        if not isinstance(state.get("docs"), dict) or not isinstance(state.get("common"), list):
            return None
        return state

    def _write_state(self, docs: dict[str, str], common: frozenset[str]) -> None:
        data = json.dumps(
            {"schema": SCHEMA_VERSION, "docs": docs, "common": sorted(common)}, sort_keys=True
        )
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".state-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.folder / STATE_FILE)
        self._common = common

    @property
    def common(self) -> frozenset[str]:
        if self._common is None:
            state = self._read_state()
            self._common = frozenset(state["common"]) if state else frozenset()
        return self._common

    def _problem(self) -> str:
        """Why the index cannot be used as it is, or '' if it can."""
        if self.folder.is_symlink():
            return "a link, not a folder"  # never followed: reset removes the link
        if not self.folder.exists():
            return "missing"
        if not self.folder.is_dir():
            return "not a folder"
        try:
            with os.scandir(self.folder) as entries:
                if any(entry.is_symlink() for entry in entries):
                    return "holds links"  # Whoosh would write through them
        except OSError as exc:
            return f"unreadable ({exc.strerror or exc})"
        if self._read_state() is None:
            return "from another version or incomplete"
        damage = ""
        with _quiet_leaks():
            try:
                with windex.open_dir(str(self.folder)).searcher() as searcher:
                    searcher.doc_count()
            except Exception as exc:  # whoosh raises many kinds for damaged files
                damage = f"damaged ({type(exc).__name__})"
            if damage:
                gc.collect()
        return damage

    def out_of_step(self, sources: Iterable[IndexSource]) -> str:
        """What ``update`` would have to do now, or '' if the index is current; only
        reads. 'missing', 'from another version or incomplete' or 'damaged (…)' mean a
        rebuild; otherwise how many sources are new, changed or gone."""
        problem = self._problem()
        if problem:
            return problem
        done: dict[str, str] = (self._read_state() or {"docs": {}})["docs"]
        wanted = {s.key: s.signature for s in sources}
        changed = sum(1 for key, signature in wanted.items() if done.get(key) != signature)
        gone = sum(1 for key in done if key not in wanted)
        if not changed and not gone:
            return ""
        return f"out of date ({changed} new or changed, {gone} gone)"

    def reset(self) -> None:
        """Throw the index away and start an empty one."""
        self.close()
        self._in_step_with = None
        remove(self.folder)
        self.folder.mkdir(parents=True)  # FileExistsError if something took its place
        windex.create_in(str(self.folder), make_schema())
        self._write_state({}, frozenset())

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def update(
        self,
        sources: Iterable[IndexSource],
        progress: Progress | None = None,
        cancelled: Callable[[], bool] = bool,
        rebuild: bool = False,
    ) -> IndexReport:
        """Bring the index in step with ``sources``: only new or changed ones are indexed.

        Pages are extracted in worker processes, started only if some pages need it;
        notes are read from the database in this thread.
        """
        sources = list(sources)
        signatures = frozenset((s.key, s.signature) for s in sources)
        if not rebuild and signatures == self._in_step_with:
            return IndexReport()  # nothing changed since this object last checked
        self._in_step_with = None
        problem = self._problem()
        # Whoosh leaves its files open when a write fails (a full disk): they close when
        # the collector finds them, quietly, here or in the collection below.
        with _quiet_leaks():
            try:
                if rebuild and not problem:  # a working index is kept until the new one is
                    return self._rebuild_beside(sources, progress, cancelled)
                reason = "asked to" if rebuild else problem
                return self._update(sources, signatures, reason, progress, cancelled)
            except OSError as exc:
                done = "rebuilt" if rebuild or problem else "updated"
                kept = "; the index is kept as it was" if rebuild and not problem else ""
                why = (
                    f"the search index in {self.folder} could not be {done}: "
                    f"{why_not_written(exc)}{kept}"
                )
            gc.collect()  # out of the except clause, so the failed writer's frames can go
        raise IndexWriteError(why)

    def _update(
        self,
        sources: list[IndexSource],
        signatures: frozenset[tuple[str, str]],
        problem: str,
        progress: Progress | None,
        cancelled: Callable[[], bool],
    ) -> IndexReport:
        report = IndexReport()
        if problem:
            report.rebuilt = problem
            sweep_beside(self.folder)  # a rebuild beside it may have been killed
            self.reset()
        state = self._read_state() or {"docs": {}, "common": []}
        done: dict[str, str] = dict(state["docs"])
        wanted = {s.key: s for s in sources}
        stale = [k for k in done if wanted.get(k) is None or wanted[k].signature != done[k]]
        todo = [s for s in wanted.values() if done.get(s.key) != s.signature]
        if not stale and not todo:
            self._in_step_with = signatures
            return report
        page_todo = [s for s in todo if s.origin != NOTE]
        note_todo = [s for s in todo if s.origin == NOTE]
        page_total = sum(s.pages for s in page_todo)
        total = page_total + sum(s.pages for s in note_todo)
        try:
            run = _IndexRun(self, done, frozenset(state["common"]), report)
        except LockError:
            raise IndexBusyError("the search index is being updated by another process") from None
        try:
            mark_writing(self.folder)
            for key in stale:
                run.writer.delete_by_term("source", key)
                done.pop(key, None)
                if key not in wanted and key.startswith(NOTE + ":"):
                    run.notes_changed(resource_of(key))
                elif key not in wanted:
                    report.removed.append(key)
            if page_todo:
                self._index_pages(run, page_todo, page_total, total, progress, cancelled)
            for source, notes in read_notes(note_todo):
                if cancelled():
                    break
                if isinstance(notes, Exception):  # a locked or unreadable database
                    report.failed.append((source.resource_id, f"its notes: {notes}"))
                    continue
                run.add_notes(source, notes)
                if progress is not None:
                    progress(report.pages + report.notes, max(total, report.pages + report.notes))
            report.cancelled = cancelled()
            run.finish()
        except BaseException:
            with contextlib.suppress(Exception):  # the first error is the one to report
                run.writer.cancel()
            with contextlib.suppress(Exception):
                _drop_unused_files(self.folder, run.writer)
            raise
        finally:
            unmark_writing(self.folder)
        self.close()  # the next search opens a searcher that sees the changes
        if not report.failed and not report.cancelled:
            self._in_step_with = signatures
        return report

    def _rebuild_beside(
        self,
        sources: list[IndexSource],
        progress: Progress | None,
        cancelled: Callable[[], bool],
    ) -> IndexReport:
        """Rebuild a working index in a folder beside it, holding its lock, and swap the
        new one in when it is whole: one that fails (a full disk) or is cancelled leaves
        the old index as it was, and searches use it meanwhile."""
        lock = _Storage(str(self.folder)).lock("MAIN_WRITELOCK")  # the lock ix.writer() takes
        if not lock.acquire(blocking=False):
            raise IndexBusyError("the search index is being updated by another process")
        staging = SearchIndex(
            self.folder.with_name(f"{REBUILDING}{os.getpid()}-{uuid.uuid4().hex[:8]}"),
            self.workers,
        )
        try:
            sweep_beside(self.folder)
            mark_writing(self.folder)
            staging.reset()
            # Its generations go on from the old index's: a searcher open on that one
            # (another SearchIndex, the window's) then sees it is out of date, and reopens.
            generation = _open(self.folder).latest_generation() + 1
            TOC(make_schema(), [], generation).write(_Storage(str(staging.folder)), "MAIN")
            signatures = frozenset((s.key, s.signature) for s in sources)
            report = staging._update(sources, signatures, "", progress, cancelled)
            report.rebuilt = "asked to"
            staging.close()
            if report.cancelled:
                return report  # the old index stays; the finally clause clears the new
            self.close()
            replaced = self.folder.with_name(f"{REPLACED}{os.getpid()}-{uuid.uuid4().hex[:8]}")
            os.rename(self.folder, replaced)
            try:
                os.rename(staging.folder, self.folder)
            except OSError:
                os.rename(replaced, self.folder)
                raise
            shutil.rmtree(replaced, ignore_errors=True)
        finally:
            staging.close()
            remove_quietly(staging.folder)
            unmark_writing(self.folder)
            lock.release()
        self._common = None
        if not report.failed:
            self._in_step_with = signatures
        return report

    def _index_pages(
        self,
        run: _IndexRun,
        todo: list[IndexSource],
        page_total: int,
        total: int,
        progress: Progress | None,
        cancelled: Callable[[], bool],
    ) -> None:
        report = run.report
        with WorkerPool(self.workers) as pool:
            if page_total >= BIG_UPDATE:
                todo = run.build_segments(pool, todo, total, progress, cancelled)
            jobs = [(s,) for s in todo]
            for index, result in pool.map_unordered(prepare_pages, jobs, cancelled):
                source = todo[index]
                if isinstance(result, BaseException):
                    report.failed.append((source.resource_id, str(result)))
                    continue
                report.pages += len(result)
                if progress is not None:
                    progress(report.pages, max(total, report.pages))
                run.add(source, result)

    # Searching

    def _get_searcher(self) -> Searcher:
        # Reopen rather than Searcher.refresh(): refreshing a searcher of an empty index
        # fails inside Whoosh 2.7.5. Another process may have chosen the common terms too.
        if self._searcher is not None and not self._searcher.up_to_date():
            self.close()
        if self._searcher is None:
            self._searcher = windex.open_dir(str(self.folder)).searcher()
            self._common = None
        return self._searcher

    def search(
        self,
        text: str,
        filters: Mapping[str, Iterable[str]] | None = None,
        limit: int = 20,
    ) -> SearchResults:
        """Search the index as it is; ``filters`` maps a field to the values allowed in it.

        Raises IndexDamagedError if the index cannot be read.
        """
        damaged = ""
        notices = (BUSY_NOTICE,) if self.written_elsewhere() else ()
        with _quiet_leaks():
            try:
                self._get_searcher()  # first: reopening may bring new common terms
                parsed = parse(text, self.common)
                if parsed.is_empty:
                    return SearchResults(query=text, total=0, notices=notices)
                results = self._search(text, parsed, filters, limit)
                results.notices = notices
                return results
            except Exception as exc:
                damaged = f"{type(exc).__name__}: {exc}"
                self.close()
                self._in_step_with = None
            if damaged:
                gc.collect()
        raise IndexDamagedError(damaged)

    def written_elsewhere(self) -> bool:
        """Whether another live process is writing the index now."""
        return written_elsewhere(self.folder)

    def _search(
        self,
        text: str,
        parsed: ParsedQuery,
        filters: Mapping[str, Iterable[str]] | None,
        limit: int,
    ) -> SearchResults:
        results = SearchResults(query=text, total=0)
        searcher = self._get_searcher()
        allowed: wq.Query | set[int] | None = _filter_query(filters)
        if parsed.phrases:
            allowed = _pages_with_phrases(searcher, parsed, allowed)
        found = searcher.search(parsed.query, limit=limit, filter=allowed)
        results.total = len(found)
        matcher = make_matcher(
            parsed.stems | self._expanded(searcher, parsed), tuple(parsed.prefixes)
        )
        for hit in found:
            text_, spans = snippet(hit["text"], matcher)
            results.hits.append(
                Hit(
                    hit["rid"],
                    hit["page"],
                    round(hit.score, 4),
                    text_,
                    spans,
                    hit["origin"],
                    hit.get("annotation"),
                )
            )
        if results.total < LOW_HITS:
            results.suggestion = self._suggest(searcher, text, parsed)
        return results

    def _expanded(self, searcher: Searcher, parsed: ParsedQuery) -> set[str]:
        """Index terms that fuzzy queries matched, so snippets can mark them."""
        reader = searcher.reader()
        found: set[str] = set()
        for stem in parsed.fuzzy:
            maxdist = 2 if len(stem) > 6 else 1
            found.update(reader.terms_within("body", stem, maxdist, prefix=1))
        return found

    def _suggest(self, searcher: Searcher, text: str, parsed: ParsedQuery) -> str | None:
        """A corrected query when some word is missing from the index and a close one is not."""
        reader = searcher.reader()
        replacements: dict[str, str] = {}
        for typed in parsed.words:
            for word in words(typed):
                stem = stem_word(word)
                # A word found in a title or a strategy's about field is no typo either.
                if word in replacements or any(
                    reader.doc_frequency(f, stem) > 0 for f in TEXT_FIELDS
                ):
                    continue
                candidates = [
                    t
                    for t in reader.terms_within("body", stem, 2, prefix=1)
                    if t != stem and reader.doc_frequency("body", t) > 0
                ]
                if candidates:
                    best = max(candidates, key=lambda t: reader.doc_frequency("body", t))
                    replacements[word] = _surface_word(searcher, best) or best
        if not replacements:
            return None
        cleaned = clean(text)
        # Replace whole words whose folded form was corrected; keep everything else as typed.
        return WORD_IN_QUERY.sub(lambda m: replacements.get(fold(m.group()), m.group()), cleaned)


class _IndexRun:
    """One update's writer: adds pages and notes, commits now and then so searches see
    progress."""

    def __init__(
        self,
        index: SearchIndex,
        done: dict[str, str],
        common: frozenset[str],
        report: IndexReport,
    ) -> None:
        self.index, self.done, self.common, self.report = index, done, common, report
        self.ix = _open(index.folder)
        self.writer = _writer(self.ix)
        self.segments: list[Any] = []  # built by workers, joined to the index at commit
        self.last_commit = time.monotonic()
        # A new index chooses its common terms from the first pages it sees.
        self.waiting: list[tuple[IndexSource, list[PageDoc]]] | None = None if common else []

    def add(self, source: IndexSource, pages: list[PageDoc]) -> None:
        if self.waiting is not None:
            self.waiting.append((source, pages))
            if sum(len(p) for _, p in self.waiting) >= COMMON_SAMPLE:
                self._flush_waiting()
            return
        self._write(source, pages)
        if time.monotonic() - self.last_commit > COMMIT_EVERY:
            self.commit()
            self.writer = _writer(self.ix)
            self.last_commit = time.monotonic()

    def add_notes(self, source: IndexSource, notes: list[NoteDoc]) -> None:
        if self.waiting is not None:
            self._flush_waiting()  # common terms come from pages, not from the user's notes
        _add_notes(self.writer, source, notes, self.common)
        self.done[source.key] = source.signature
        self.notes_changed(source.resource_id)
        self.report.notes += len(notes)

    def notes_changed(self, resource_id: str) -> None:
        if resource_id not in self.report.notes_indexed:
            self.report.notes_indexed.append(resource_id)

    def finish(self) -> None:
        if self.waiting:
            self._flush_waiting()
        self.commit()

    def commit(self, workers_busy: bool = False) -> None:
        if self.segments or workers_busy:
            _commit_with_segments(self.writer, self.segments, clean=not workers_busy)
            self.segments = []
        else:
            self.writer.commit()
        self.index._write_state(self.done, self.common)

    def build_segments(
        self,
        pool: WorkerPool,
        todo: list[IndexSource],
        total: int,
        progress: Progress | None,
        cancelled: Callable[[], bool],
    ) -> list[IndexSource]:
        """Index a large update in chunks, each written as a whole segment by a worker.

        Writing postings is the slowest step and Whoosh allows one writer, so the
        workers build segments themselves and this process only joins them to the
        index. Returns the sources still to index one by one (chunks that failed).
        """
        if not self.common:
            self._sample_common(pool, todo, cancelled)
        size = max(1000, min(5000, total // (2 * pool.size)))
        chunks: list[list[IndexSource]] = [[]]
        for source in todo:
            if sum(s.pages for s in chunks[-1]) >= size:
                chunks.append([])
            chunks[-1].append(source)
        folder = str(self.index.folder)
        leftover: list[IndexSource] = []
        jobs = [(folder, chunk, self.common) for chunk in chunks if chunk]
        for number, result in pool.map_unordered(build_segment, jobs, cancelled):
            chunk = jobs[number][1]
            if isinstance(result, BaseException):
                leftover.extend(chunk)  # retried one by one, so one bad file is isolated
                continue
            segment, indexed, failed = result
            if segment is not None:
                self.segments.append(segment)
            by_id = {s.resource_id: s for s in chunk}
            for resource_id, pages in indexed:
                self.done[by_id[resource_id].key] = by_id[resource_id].signature
                self.report.indexed.append(resource_id)
                self.report.pages += pages
            self.report.failed.extend(failed)
            if progress is not None:
                progress(self.report.pages, max(total, self.report.pages))
            self.commit(workers_busy=True)  # searchable so far
            self.writer = _writer(self.ix)
        return leftover

    def _sample_common(
        self, pool: WorkerPool, todo: list[IndexSource], cancelled: Callable[[], bool]
    ) -> None:
        """Choose the common terms from the first pages (they are indexed later, in chunks)."""
        sample, pages = [], 0
        for source in todo:
            if pages >= COMMON_SAMPLE:
                break
            sample.append(source)
            pages += source.pages
        jobs = [(s,) for s in sample]
        analysed = [
            (sample[i], result)
            for i, result in pool.map_unordered(prepare_pages, jobs, cancelled)
            if not isinstance(result, BaseException)
        ]
        self.common = choose_common(analysed)
        self.waiting = None

    def _flush_waiting(self) -> None:
        batch, self.waiting = self.waiting or [], None
        self.common = choose_common(batch)
        for source, pages in batch:
            self._write(source, pages)

    def _write(self, source: IndexSource, pages: list[PageDoc]) -> None:
        _add_pages(self.writer, source, pages, self.common)
        self.done[source.key] = source.signature
        self.report.indexed.append(source.resource_id)


class _Storage(FileStorage):
    """The index folder, with a temporary folder of its own for each opening.

    Whoosh gives all writers of an index one temporary folder and deletes it when a
    writer finishes, which breaks writers working side by side in other processes.
    """

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self._suffix = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def temp_storage(self, name: str | None = None) -> Any:
        return super().temp_storage(f"{name or 'tmp'}-{self._suffix}")


def _drop_unused_files(folder: Path, writer: Any) -> None:
    """Delete what ``writer``, failed, left in ``folder`` (segment files no table of
    contents names, its empty temporary folder), holding the index's lock: on a full disk
    each retry would add its own, and the disk would stay full."""
    held = getattr(writer, "writelock", None)
    if held is not None and getattr(held, "fd", None) is not None:  # set while it is held
        held.release()  # its cancel failed too (closing a file on a full disk) and kept it
    storage = _Storage(str(folder))
    lock = storage.lock("MAIN_WRITELOCK")
    if not lock.acquire(blocking=False):
        return  # another writer's now: its new files are not ours to judge
    try:
        toc = TOC.read(storage, "MAIN")
        windex.clean_files(storage, "MAIN", toc.generation, toc.segments)
        for temporary in folder.glob(f"MAIN.tmp-{os.getpid()}-*"):
            with contextlib.suppress(OSError):
                temporary.rmdir()  # only if empty
    finally:
        lock.release()


def _open(folder: Path | str) -> windex.Index:
    return _Storage(str(folder)).open_index()


def _writer(ix: windex.Index, lock: bool = True) -> Any:
    # Uncompressed posting blocks: most terms have a posting or two, and zlib per block
    # cost the writer a sixth of its time for a tenth more disk.
    codec = W3Codec(compression=0)
    if lock:
        return ix.writer(limitmb=256, codec=codec)
    return SegmentWriter(ix, _lk=False, limitmb=128, codec=codec)


def build_segment(
    folder: str, sources: list[IndexSource], common: frozenset[str]
) -> tuple[Any, list[tuple[str, int]], list[tuple[str, str]]]:
    """In a worker: extract, analyse and write a chunk of resources as one new segment.

    The segment is not yet part of the index; the process holding the index lock
    joins it at its next commit (as Whoosh's own multiprocessing writer does).
    """
    writer = _writer(_open(folder), lock=False)
    indexed, failed = [], []
    for source in sources:
        try:
            pages = prepare_pages(source)
        except Exception as exc:
            failed.append((source.resource_id, str(exc)))
            continue
        _add_pages(writer, source, pages, common)
        indexed.append((source.resource_id, len(pages)))
    if not indexed:
        writer.cancel()
        return None, indexed, failed
    segment = writer._finalize_segment()
    writer.temp_storage().destroy()
    return segment, indexed, failed


def _commit_with_segments(writer: Any, segments: list[Any], clean: bool) -> None:
    """Commit ``writer`` with segments built elsewhere added (Whoosh 2.7's MpWriter way).

    ``clean`` deletes files no segment uses; not while workers may be writing new ones.
    """
    final = writer._merge_segments(None, False, False) + segments
    if writer._added:
        final.append(writer._finalize_segment())
    else:
        writer._close_segment()
    if clean:
        writer._commit_toc(final)
    else:
        TOC(writer.schema, final, writer.generation).write(writer.storage, writer.indexname)
    writer._finish()


def choose_common(batch: list[tuple[IndexSource, list[PageDoc]]]) -> frozenset[str]:
    """The terms on the most pages: phrases made of them are indexed as pairs."""
    counts: Counter[str] = Counter()
    for _source, pages in batch:
        for _number, _raw, page_terms in pages:
            counts.update(set(page_terms))
    return frozenset(term for term, _n in counts.most_common(COMMON_TERMS))


def _shared_fields(source: IndexSource) -> dict[str, str]:
    """The fields every document of a source has: its resource's title and facets."""
    return {
        "rid": source.resource_id,
        "source": source.key,
        "origin": source.origin,
        "title": " ".join(stem_word(w) for w in words(source.title)),
        "pillar": " ".join(source.pillars),
        "kind": source.kind,
        "collection": source.collection,
        "tag": ",".join(fold(t) for t in source.tags),
        "year": str(source.year) if source.year is not None else UNDATED,
        "about": " ".join(terms(source.about)),
        "nation": fold(source.nation),
        "council_type": fold(source.council_type),
    }


def _add_pages(
    writer: Any, source: IndexSource, pages: list[PageDoc], common: frozenset[str]
) -> None:
    shared = _shared_fields(source)
    for number, raw, page_terms in pages:
        writer.add_document(
            page=number,
            body=" ".join(page_terms),
            pairs=" ".join(pairs(page_terms, common)),
            text=raw,
            **shared,
        )


def _add_notes(
    writer: Any, source: IndexSource, notes: list[NoteDoc], common: frozenset[str]
) -> None:
    shared = _shared_fields(source)
    for annotation_id, number, raw, note_terms in notes:
        writer.add_document(
            page=number,
            annotation=annotation_id,
            body=" ".join(note_terms),
            pairs=" ".join(pairs(note_terms, common)),
            text=raw,
            **shared,
        )


def _filter_query(filters: Mapping[str, Iterable[str]] | None) -> wq.Query | None:
    """Any of the values within a field, all fields together."""
    clauses: list[wq.Query] = []
    for name, values in (filters or {}).items():
        field_name = "rid" if name == "resource" else name
        terms = sorted({" ".join(fold(str(v)).split()) for v in values} - {""})
        if terms:
            clauses.append(wq.Or([wq.Term(field_name, t) for t in terms]))
    return wq.And(clauses) if clauses else None


def _pages_with_phrases(
    searcher: Searcher, parsed: ParsedQuery, allowed: wq.Query | None
) -> set[int]:
    """Candidate pages whose stored text really has each phrase, words in order."""
    candidates = searcher.search(parsed.query, limit=None, filter=allowed, scored=False)
    patterns = [phrase_pattern(p) for p in parsed.phrases]
    keep = set()
    for docnum in candidates.docs():
        text = searcher.stored_fields(docnum)["text"]
        if not text.isascii():
            text = fold(text)
        if all(p.search(text) for p in patterns):
            keep.add(docnum)
    return keep


_STOPS_BETWEEN = r"\W+(?:(?:" + "|".join(sorted(STOPS, key=len, reverse=True)) + r")\W+)*"


def phrase_pattern(phrase_terms: list[str]) -> re.Pattern[str]:
    """A regex for the phrase's words in order, stop words allowed between them."""
    parts = []
    for term in phrase_terms:
        # Stems end where a word's ending was cut ("poverti" for poverty): match on from there.
        stem = term[:-1] if len(term) > 3 and term.endswith("i") else term
        parts.append(re.escape(stem) + r"\w*")
    return re.compile(r"\b" + _STOPS_BETWEEN.join(parts), re.IGNORECASE)


def _surface_word(searcher: Searcher, stem: str) -> str | None:
    """A word as it appears in the text whose stem is ``stem``, for a readable suggestion."""
    for docnum in searcher.document_numbers(body=stem):
        for word in words(searcher.stored_fields(docnum).get("text", "")):
            if stem_word(word) == stem:
                return word
        break
    return None
