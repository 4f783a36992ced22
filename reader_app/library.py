"""The library service: the catalog joined with the user's store.

Constructed once in ``main()`` and handed to the CLI or the GUI; nothing
reaches for a global.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader_app import backups, database_guard, importing, startup, write_access
from reader_app.catalog import UNDATED, Catalog, Resource
from reader_app.facets import FACETS, Selection, counts
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, AppPaths, bundled_dir
from reader_app.search.errors import (
    BUSY_NOTICE,
    IndexBusyError,
    IndexDamagedError,
    IndexWriteError,
)
from reader_app.search.results import SearchResults
from reader_app.search.sources import NOTE, IndexSource
from reader_app.store import Store, StoreError, not_saved

if TYPE_CHECKING:
    from reader_app.search.index import IndexReport, SearchIndex
    from reader_app.search.memory import MemoryIndex


class UnknownResourceError(LookupError):
    def __init__(self, resource_id: str) -> None:
        super().__init__(f"no resource with id '{resource_id}' (see 'reader-app list')")
        self.resource_id = resource_id


@dataclass(frozen=True)
class Filters:
    """One value per facet at most, as the command line gives them."""

    pillar: str | None = None
    kind: str | None = None
    collection: str | None = None
    tag: str | None = None
    year: int | str | None = None  # a year, or catalog.UNDATED for resources with no date
    nation: str | None = None
    council_type: str | None = None

    def to_selection(self) -> Selection:
        chosen = {
            facet: frozenset({str(value)})
            for facet in FACETS
            if (value := getattr(self, facet)) is not None and value != ""
        }
        return Selection(**chosen)


log = logging.getLogger(__name__)

# resource id -> [(bucket: what its annotation ids start with, annotations in it, digest)]
NoteSignatures = dict[str, list[tuple[str, int, str]]]

# A resource's notes are indexed in buckets by the first characters of their ids (uuid4
# hex, so evenly spread): all in one up to 64 notes, 16 buckets up to 1,024, else 256.
NOTES_PER_BUCKET = 64
BUCKET_WIDTHS = (0, 1, 2)  # characters of the id that name a bucket, 16 ** width buckets


class Library:
    def __init__(self, catalog: Catalog, store: Store, index_dir: Path) -> None:
        self.catalog = catalog
        self.store = store
        self.index_dir = index_dir
        self.backup_dir: Path | None = None  # where daily backups go, if anywhere
        self.bundled = catalog  # the collection as shipped; ``catalog`` adds the reader's own
        self.data_dir: Path | None = None  # where imported documents are kept
        self._index: SearchIndex | None = None
        self._memory_index: MemoryIndex | None = None  # when the index cannot be written
        # The last note signatures, and the database's state when they were computed.
        self._notes_seen: tuple[tuple[Any, ...], NoteSignatures] | None = None

    @classmethod
    def open(cls, paths: AppPaths, backup: bool = True, recover: bool = True) -> Library:
        """Open the library; with ``backup``, take today's backup first (the GUI passes
        False and calls ``take_daily_backup`` once its window is up). With ``recover``,
        an interrupted restore is finished or undone first (``doctor`` only reports it).
        Raises UnusableDatabaseError, and creates nothing, if the database is empty or
        damaged, or missing where a restore left data."""
        catalog = load_manifest(bundled_dir() / MANIFEST_NAME)
        with contextlib.suppress(OSError):  # a full or read-only disk: the store opens read-only
            paths.ensure()
        if recover:
            # Scripts and tests; the CLI and the GUI run it themselves to show its notices.
            for notice in startup.prepare(paths):
                log.warning("%s", notice)
        database_guard.check_before_open(paths)
        store = Store(paths.database)  # checked and upgraded before it is copied
        library = cls(catalog, store, paths.index_dir)
        library.backup_dir = paths.data_dir / backups.FOLDER
        library.data_dir = paths.data_dir
        library.reload_catalog()
        with contextlib.suppress(OSError, sqlite3.Error):  # tidying; never stops the app
            if not library.read_only:
                importing.sweep_orphans(store, paths.data_dir)
        if backup:
            library.take_daily_backup()
        return library

    @property
    def read_only(self) -> bool:
        """True when the library could only be opened for reading (see ``read_only_reason``):
        everything that reads works; every change fails with a WriteError saying why."""
        return bool(self.store.read_only_reason)

    @property
    def read_only_reason(self) -> str:
        """Why nothing can be saved (write_access.DISK_FULL or READ_ONLY); '' if it can."""
        return self.store.read_only_reason

    def take_daily_backup(self) -> None:
        """Back up the database unless today's backup exists. Safe in any thread: the
        backup reads through a connection of its own."""
        if self.backup_dir is None or self.read_only:  # it could not be written
            return
        try:
            backups.take_daily_backup(self.store.path, self.backup_dir)
        except backups.BackupError as exc:
            log.warning("%s", exc)  # the app still works; tomorrow's attempt may succeed

    @property
    def index(self) -> SearchIndex:
        # Opened on first use: loading Whoosh costs a command that does not search ~75 ms.
        if self._index is None:
            from reader_app.search.index import SearchIndex

            self._index = SearchIndex(self.index_dir)
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
        self.store.close()

    def reload_catalog(self) -> None:
        """The bundled collection, with the newer editions packs brought in place of
        their bundled ones, then the resources packs added and the reader's own."""
        if self.data_dir is None:
            return
        pillars = {p.id for p in self.bundled.pillars}
        own = importing.imported_resources(self.store, self.data_dir, pillars)
        replacing = {r.id: r for r in own if self.bundled.get(r.id) is not None}
        resources = tuple(replacing.get(r.id, r) for r in self.bundled.resources) + tuple(
            r for r in own if r.id not in replacing
        )
        collections = list(self.bundled.collections)
        known = {c.id for c in collections}
        used = {r.collection for r in resources}
        for collection in importing.pack_collections(self.store):
            # A pack's collection is listed while it holds something (its row stays,
            # for the next pack that fills it).
            if collection.id not in known and collection.id in used:
                collections.append(collection)
                known.add(collection.id)
        if any(r.collection == importing.COLLECTION.id for r in own):
            collections.append(importing.COLLECTION)
        self.catalog = replace(self.bundled, collections=tuple(collections), resources=resources)

    def known_documents(self) -> dict[str, str]:
        """The SHA-256 of every document in the library (and of every imported file as
        it was given) -> its resource id."""
        known = {r.sha256: r.id for r in self.catalog.resources}
        known.update(
            (original, rid)
            for rid, original in self.store.query(
                "SELECT id, original_sha256 FROM imported_resources"
            )
        )
        return known

    def _check_pillars(self, pillars: tuple[str, ...]) -> None:
        for pillar in pillars:
            if self.bundled.pillar(pillar) is None:
                names = ", ".join(p.id for p in self.bundled.pillars)
                raise importing.ImportRefused(f"no pillar {pillar!r}: use one of {names}")

    def _check_writable(self) -> None:
        """Refuse a change at once when nothing can be saved, before any file is copied."""
        if self.read_only:
            raise not_saved(self.read_only_reason)

    def _own_data_dir(self) -> Path:
        if self.data_dir is None:
            raise RuntimeError("this library has no data folder to import into")
        return self.data_dir

    def import_files(
        self,
        files: list[Path],
        *,
        password: str = "",
        title: str | None = None,
        pillars: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        inspector: importing.Inspector | None = None,
    ) -> list[importing.ImportResult]:
        """Import each file on its own: a bad one is reported and the rest go on.
        Without ``pillars``, each file gets the pillars its text suggests."""
        data_dir = self._own_data_dir()
        self._check_writable()
        self._check_pillars(pillars)
        known = self.known_documents()
        if inspector is None:
            inspector = _pooled_inspector(files, password) if len(files) > 1 else _isolated_inspect
        results = []
        for path in files:
            result = importing.import_file(
                self.store,
                data_dir,
                path,
                known=known,
                pillars_known=self.bundled.pillars,
                inspector=inspector,
                password=password,
                title=title,
                pillars=pillars,
            )
            if result.status == "imported" and tags and result.resource_id:
                self.store.add_tags(result.resource_id, list(tags))
            results.append(result)
        self.reload_catalog()
        return results

    def prepare_import(
        self,
        path: Path,
        password: str = "",
        inspector: importing.Inspector | None = None,
        known: dict[str, str] | None = None,
    ) -> importing.Prepared:
        """Read a file to import (in a worker) and suggest its pillars, without adding
        it: the GUI shows the reader the title and evidence first.

        The GUI calls this from a thread of its own, passing ``known`` (from
        ``known_documents``, read in the GUI thread): the database's connection
        belongs to the thread that opened it."""
        self._own_data_dir()
        return importing.prepare(
            path,
            known=self.known_documents() if known is None else known,
            pillars=self.bundled.pillars,
            inspector=inspector or _isolated_inspect,
            password=password,
        )

    def commit_import(
        self,
        prepared: importing.Prepared,
        *,
        pillars: tuple[str, ...],
        title: str | None = None,
        kind: str | None = None,
        tags: tuple[str, ...] = (),
    ) -> str:
        self._check_writable()
        self._check_pillars(pillars)
        if prepared.duplicate_of is not None:
            return prepared.duplicate_of
        resource_id = importing.commit(
            self.store, self._own_data_dir(), prepared, pillars=pillars, title=title, kind=kind
        )
        if tags:
            self.store.add_tags(resource_id, list(tags))
        self.reload_catalog()
        return resource_id

    def edit_resource(
        self,
        resource_id: str,
        *,
        title: str | None = None,
        kind: str | None = None,
        pillars: tuple[str, ...] | None = None,
    ) -> Resource:
        """Change an imported document's title, kind or pillars (tags: ``add_tags``)."""
        resource = self.resource(resource_id)
        if resource.source == "bundled":
            raise importing.ImportRefused(
                f"{resource.title} is part of the bundled collection and cannot be edited"
            )
        if pillars is not None:
            self._check_pillars(pillars)
        importing.update(self.store, resource_id, title=title, kind=kind, pillars=pillars)
        self.reload_catalog()
        return self.resource(resource_id)

    def remove_resource(self, resource_id: str, keep_notes: bool = True) -> None:
        resource = self.resource(resource_id)
        if resource.source == "bundled" or self.data_dir is None:
            raise importing.ImportRefused(
                f"{resource.title} is part of the bundled collection and cannot be removed"
            )
        if not keep_notes and self.bundled.get(resource_id) is not None:
            # A pack's edition of a bundled resource: removing it brings the bundled
            # edition back, and the notes (made on either) belong to it.
            raise importing.ImportRefused(
                f"removing {resource.title} brings back the bundled edition, which keeps "
                "the notes; remove it keeping them"
            )
        importing.remove(self.store, self.data_dir, resource_id, keep_notes)
        self.reload_catalog()

    def resource(self, resource_id: str) -> Resource:
        resource = self.catalog.get(resource_id)
        if resource is None:
            raise UnknownResourceError(resource_id)
        return resource

    def resources(self, filters: Filters = Filters()) -> list[Resource]:
        ids = self.store.resources_tagged(filters.tag) if filters.tag else None
        found = self.catalog.filter(
            pillar=filters.pillar,
            kind=filters.kind,
            collection=filters.collection,
            year=filters.year if isinstance(filters.year, int) else None,
            nation=filters.nation,
            council_type=filters.council_type,
            ids=ids,
        )
        if filters.year == UNDATED:
            return [r for r in found if r.year is None]
        return found

    def facet_counts(self, selection: Selection | None = None) -> Mapping[str, Counter[str]]:
        """For each facet, how many resources each value would show (``facets.counts``)."""
        tags = self.store.tags_by_resource()
        chosen = selection if selection is not None else Selection()
        return counts(self.catalog.resources, chosen, lambda rid: tags.get(rid, ()))

    def add_tags(self, resource_id: str, tags: list[str]) -> list[str]:
        return self.store.add_tags(self.resource(resource_id).id, tags)

    def remove_tags(self, resource_id: str, tags: list[str]) -> list[str]:
        return self.store.remove_tags(self.resource(resource_id).id, tags)

    def describe(self, resource: Resource, tags: list[str] | None = None) -> dict[str, Any]:
        """The resource as plain data, the shape ``list --json`` prints."""
        collection = self.catalog.collection(resource.collection)
        return {
            "id": resource.id,
            "title": resource.title,
            "kind": resource.kind,
            "pillars": list(resource.pillars),
            "collection": resource.collection,
            "collection_title": collection.title if collection else resource.collection,
            "date": resource.date,
            "display_date": resource.display_date,
            "date_approximate": resource.date_approximate,
            "pages": resource.pages,
            "tags": tags if tags is not None else self.store.tags_of(resource.id),
            "source": resource.source,
            "edition": resource.edition,
            "summary": resource.summary,
            "label": resource.label,
            "source_url": resource.source_url,
            "media_type": resource.media_type,
            "path": str(self.catalog.path_of(resource)),
            # A council's strategy: empty for every other kind.
            "council": resource.council,
            "nation": resource.nation,
            "council_type": resource.council_type,
            "themes": list(resource.themes),
        }

    # Search

    def index_sources(self) -> list[IndexSource]:
        """What the index should hold: each resource's pages, and its notes in buckets.

        Note text is not read here, only a signature of it; the index reads the text of
        the notes it needs from the database (in whatever thread it runs in).
        """
        tags = self.store.tags_by_resource()
        notes = self._note_signatures()
        sources = []
        for r in self.catalog.resources:
            resource_tags = tuple(tags.get(r.id, ()))
            image = r.media_type.startswith("image/")
            # What a resource's page and note documents share: its title and facets.
            described = [r.title, r.kind, r.collection, r.pillars, resource_tags, r.year]
            about = ""
            if r.council or r.themes:  # a strategy: what it is found by beyond its file
                about = "\n".join([r.council, r.nation, r.council_type, *r.themes])
                described.append(about)
            indexed = [r.sha256, *described]
            if image:
                indexed += [r.alt_text, r.transcript]
            pages = IndexSource(
                resource_id=r.id,
                signature=_digest(indexed),
                title=r.title,
                kind=r.kind,
                collection=r.collection,
                pillars=r.pillars,
                tags=resource_tags,
                year=r.year,
                pages=r.pages,
                nation=r.nation,
                council_type=r.council_type,
                about=about,
                path=None if image else str(self.catalog.path_of(r)),
                texts=(f"{r.title}\n{r.alt_text}\n{r.transcript}",) if image else (),
            )
            sources.append(pages)
            if r.id not in notes:
                continue
            # Not the file's hash: a new version of the file leaves notes alone.
            shared = _digest(described)
            sources.extend(
                replace(
                    pages,
                    signature=_digest([shared, digest]),
                    pages=count,
                    path=str(self.store.path),
                    texts=(),
                    origin=NOTE,
                    note_bucket=bucket,
                )
                for bucket, count, digest in notes[r.id]
            )
        return sources

    def _note_signatures(self) -> NoteSignatures:
        """Per resource, per bucket of its annotations that have text: how many, and a
        digest of their ids, pages, times updated and text lengths.

        The digest changes when an annotation is added, deleted (even if another is added
        in the same millisecond) or edited; only two edits of one note within a
        millisecond that leave its lengths alone would go unseen. One pass over the table
        in index order (no sort) that brings no text into Python, made again only when
        the database has changed since the last time; the buckets are sorted out here
        (about 16 ms for 10,000 annotations, 12 of them in SQLite).
        """
        # Commits by other connections change data_version; ours change total_changes().
        seen = (
            self.store.query("PRAGMA data_version")[0][0],
            self.store.query("SELECT total_changes()")[0][0],
        )
        if self._notes_seen is not None and self._notes_seen[0] == seen:
            return self._notes_seen[1]
        rows = self.store.query(
            """SELECT resource_id, count(*), group_concat(printf('%s %s %s %d %d',
                   id, page, updated, length(exact), length(body)), ',')
               FROM annotations WHERE exact != '' OR body != '' GROUP BY resource_id"""
        )
        signatures: NoteSignatures = {}
        for rid, count, items in rows:
            width = next(
                (w for w in BUCKET_WIDTHS if count <= NOTES_PER_BUCKET * 16**w),
                BUCKET_WIDTHS[-1],
            )
            buckets: dict[str, list[str]] = {}
            for item in items.split(","):  # each starts with the annotation's id
                buckets.setdefault(item[:width], []).append(item)
            signatures[rid] = [
                (bucket, len(found), _digest(sorted(found))) for bucket, found in buckets.items()
            ]
        self._notes_seen = (seen, signatures)
        return signatures

    def update_index(
        self,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = bool,
        rebuild: bool = False,
    ) -> IndexReport:
        if self.read_only:
            raise StoreError(
                f"the search index cannot be updated while {self.read_only_reason}; search "
                "still answers, from the index as it is or from one built in memory"
            )
        return self.index.update(self.index_sources(), progress, cancelled, rebuild)

    def search(
        self, query: str, filters: Filters | Selection = Filters(), limit: int = 20
    ) -> SearchResults:
        """Search, building or repairing the index first if it needs it."""
        selection = filters.to_selection() if isinstance(filters, Filters) else filters
        wanted = {facet: selection.values(facet) for facet in FACETS}
        if self.read_only:
            return self._search_unwritable_index(query, wanted, limit, self.read_only_reason)
        # If another process is indexing, or the disk is full, search what is there so
        # far, and say that it may not be everything.
        notices: tuple[str, ...] = ()
        try:
            self.update_index()
        except IndexBusyError:
            notices = (BUSY_NOTICE,)
        except (IndexWriteError, OSError) as exc:
            if isinstance(exc, OSError) and not write_access.reason_of(exc):
                raise
            results = self._search_unwritable_index(query, wanted, limit)
            results.notices = (f"{exc}; results may be incomplete", *results.notices)
            return results
        try:
            results = self.index.search(query, wanted, limit)
        except IndexDamagedError:  # damage may only show when the index is read
            self.update_index(rebuild=True)
            results = self.index.search(query, wanted, limit)
        results.notices = tuple(dict.fromkeys(notices + results.notices))
        return results

    def _search_unwritable_index(
        self, query: str, wanted: dict[str, frozenset[str]], limit: int, why: str = ""
    ) -> SearchResults:
        """Search when the index cannot be written (a full or read-only disk): the index
        as it is if it can be read, else one built in memory for this session. With
        ``why`` (the reason), an index behind the latest changes is said to be."""
        from reader_app.search.memory import MemoryIndex, can_be_read

        sources = self.index_sources()
        if can_be_read(self.index, sources):
            with contextlib.suppress(IndexDamagedError):  # damage may only show when read
                results = self.index.search(query, wanted, limit)
                if why and (stale := self.index.out_of_step(sources)):
                    results.notices = (
                        f"the search index is {stale} and cannot be updated while {why}; "
                        "results may be incomplete",
                        *results.notices,
                    )
                return results
        if self._memory_index is None or not self._memory_index.holds(sources):
            self._memory_index = MemoryIndex(sources)
        return self._memory_index.search(query, wanted, limit)


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def _isolated_inspect(path: str, password: str) -> importing.Inspection:
    """Read a file to import in a process of its own: a hostile file may crash or hang
    that process, never this one."""
    from reader_app.documents import inspect
    from reader_app.worker import run_isolated

    return run_isolated(inspect, path, password)


def _pooled_inspector(files: list[Path], password: str) -> importing.Inspector:
    """Read every file up front in two worker processes that stay up (a process per
    file costs ~0.2 s to start); a file that crashes its worker only fails itself."""
    from reader_app.documents import inspect
    from reader_app.worker import WorkerPool

    jobs = [(str(path), password) for path in files]
    outcomes: dict[str, Any] = {}
    with WorkerPool(size=min(2, len(jobs))) as pool:
        for index, outcome in pool.map_unordered(inspect, jobs):
            outcomes[jobs[index][0]] = outcome

    def inspector(path: str, _password: str) -> importing.Inspection:
        outcome = outcomes[path]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome  # type: ignore[no-any-return]

    return inspector
