"""The reader's own documents: recognised by their content (not their name), copied into
the data folder under their SHA-256, titled from their metadata or first heading, and
listed beside the bundled collection.

A document is read (pages, title, damage, password) in a worker process: a hostile file
may crash or hang that process, never the caller. The copy is written before the row
that lists it is committed, so a listed document always has its file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader_app import catalog
from reader_app.catalog import OWN_KINDS, Pillar, Resource
from reader_app.documents import DocumentError, Inspection, inspect
from reader_app.export.files import write_atomic
from reader_app.packs.format import one_line
from reader_app.safe_paths import UnsafePathError, inside
from reader_app.store import Store, now

if TYPE_CHECKING:
    from reader_app.pillar_suggestion import PillarScore

log = logging.getLogger(__name__)

FILES = "files"  # in the data folder
COLLECTION = catalog.Collection(
    id="imported",
    title="My documents",
    date="",
    url="",
    description="Documents you added to the library",
)
MAX_BYTES = 1024 * 1024 * 1024  # 1 GB: a briefing, not a disk image
# A file in files/ that no row lists is one an interrupted import or pack install left.
# Younger ones may belong to an import still running in another process.
ORPHAN_AGE_SECONDS = 3600
EXTENSIONS = {
    "application/pdf": "pdf",
    "application/epub+zip": "epub",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/tiff": "tif",
    "image/bmp": "bmp",
}
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
)


class ImportRefused(ValueError):
    """A file that cannot be imported; the message says why (for the reader)."""


def sniff(head: bytes) -> str | None:
    """The media type of a file from its first bytes, or None if it is none we read."""
    if b"%PDF-" in head[:1024]:  # PDF allows a little junk before the header
        return "application/pdf"
    if head.startswith(b"PK\x03\x04") and b"mimetypeapplication/epub+zip" in head[:100]:
        return "application/epub+zip"
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)


@dataclass
class ImportResult:
    path: str
    status: str  # imported, duplicate or error
    resource_id: str | None = None
    error: str | None = None
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "status": self.status}
        if self.resource_id is not None:
            data["resource_id"] = self.resource_id
        if self.error is not None:
            data["error"] = self.error
        if self.notices:
            data["notices"] = self.notices
        return data


def readable_name(name: str) -> str:
    """A file name as text the database can hold: a byte the file system's encoding does
    not decode (kept by Python as a lone surrogate, which SQLite refuses) becomes U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def slug(title: str, sha256: str) -> str:
    """An id from the title, unique by the content's hash."""
    words = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:40].strip("-")
    return f"{words or 'document'}-{sha256[:8]}"


_RESOURCE_COLUMNS = (
    "id", "sha256", "file", "media_type", "title", "kind", "pillars", "pages", "added",
    "source", "collection", "date", "summary", "source_url", "label", "alt_text",
    "transcript", "edition",
)  # fmt: skip


def imported_resources(
    store: Store, data_dir: Path, pillars: Collection[str] | None = None
) -> list[Resource]:
    """The reader's own documents and those installed from packs, oldest first.

    A row the app could not have written (a file outside the data folder, pillars that
    are not a list of ``pillars``, a value of the wrong type) is left out with a
    warning: one bad row must not stop every command."""
    from reader_app.database_check import Known, row_problem  # it reads this module's names

    known = Known(frozenset(pillars), {}) if pillars is not None else None
    rows = store.query(
        f"SELECT {', '.join(_RESOURCE_COLUMNS)} FROM imported_resources ORDER BY added, id"
    )
    found = []
    for values in rows:
        row = dict(zip(_RESOURCE_COLUMNS, values, strict=True))
        problem = row_problem("imported_resources", row, known, strict=False)
        try:
            path = "" if problem else str(inside(data_dir, row["file"]))
        except UnsafePathError as exc:
            problem = f"file {exc}"
        if problem:
            log.warning("left out a document of the library: row %r: %s", row["id"], problem)
            continue
        found.append(
            Resource(
                id=row["id"],
                title=row["title"],
                kind=row["kind"],
                pillars=tuple(json.loads(row["pillars"])),
                collection=row["collection"],
                date=row["date"] or row["added"][:10],
                summary=row["summary"],
                source_url=row["source_url"],
                file=path,  # absolute: the catalog's root does not apply
                sha256=row["sha256"],
                pages=row["pages"],
                media_type=row["media_type"],
                label=row["label"],
                alt_text=row["alt_text"],
                transcript=row["transcript"],
                source=row["source"],
                edition=row["edition"],
            )
        )
    return found


_COLLECTION_COLUMNS = ("id", "title", "date", "url", "description")


def pack_collections(store: Store) -> list[catalog.Collection]:
    from reader_app.database_check import row_problem

    rows = store.query("SELECT id, title, date, url, description FROM pack_collections")
    found = []
    for row in rows:
        named = dict(zip(_COLLECTION_COLUMNS, row, strict=True))
        problem = row_problem("pack_collections", named, strict=False)
        if problem:
            log.warning("left out a collection of the library: row %r: %s", row[0], problem)
        else:
            found.append(catalog.Collection(*row))
    return found


Inspector = Callable[[str, str], Inspection]  # (path, password): run in a worker


@dataclass
class Prepared:
    """A file read and checked, not yet in the library: what the reader is asked about
    (title, pillars with their evidence) before ``commit``."""

    path: Path
    data: bytes  # what is stored: the file, or its decrypted copy
    original_sha256: str  # of the file as given
    sha256: str  # of what is stored
    media_type: str
    pages: int
    title: str  # proposed: from the metadata, the first heading or the file name
    notices: list[str]
    scores: list[PillarScore]  # every pillar, best first, with its evidence
    duplicate_of: str | None = None  # the resource id already holding this content

    @property
    def kind(self) -> str:
        return "infographic" if self.media_type.startswith("image/") else "briefing"

    @property
    def suggested_pillars(self) -> list[str]:
        from reader_app.pillar_suggestion import suggested

        return suggested(self.scores)


def prepare(
    path: Path,
    *,
    known: dict[str, str],
    pillars: Sequence[Pillar],
    inspector: Inspector = inspect,
    password: str = "",
) -> Prepared:
    """Read ``path`` (in the inspector's worker) and score it against ``pillars``.
    Raises ImportRefused or DocumentError with a message for the reader."""
    data = _read(path)
    original = hashlib.sha256(data).hexdigest()
    media_type = sniff(data[:1024])
    if original in known:
        return Prepared(
            path, data, original, original, media_type or "", 0, path.stem,
            ["already in the library: kept one copy"], [], known[original],
        )  # fmt: skip
    if media_type is None:
        raise ImportRefused(
            f"{path.name} is not a document this app reads (PDF, EPUB or an image), "
            "whatever its name says"
        )
    if media_type == "application/epub+zip":  # a zip: checked before MuPDF opens it
        from reader_app.archive_reader import epub_problem

        if refused := epub_problem(data, path.name):
            raise ImportRefused(f"{path.name} is refused: {refused}")
    seen = inspector(str(path), password)
    notices = [f"{path.name} was damaged; it was repaired to import it"] if seen.repaired else []
    notices += getattr(seen, "notices", [])  # MuPDF's messages, kept off the terminal
    stored = seen.data if seen.data is not None else data
    sha = hashlib.sha256(stored).hexdigest()
    title = one_line(seen.title) or one_line(readable_name(path.stem)) or "Untitled"
    # Loaded here: its stemmer is the search's (Whoosh), which commands that do not
    # import or search should not pay for.
    from reader_app.pillar_suggestion import suggest

    scores = suggest(pillars, seen.texts, title=title) if pillars else []
    return Prepared(
        path, stored, original, sha, media_type, seen.pages, title, notices, scores,
        known.get(sha),  # the decrypted copy may be here already
    )  # fmt: skip


def commit(
    store: Store,
    data_dir: Path,
    prepared: Prepared,
    *,
    pillars: Sequence[str],
    title: str | None = None,
    kind: str | None = None,
) -> str:
    """Copy a prepared file into the library and list it; returns its resource id."""
    if kind is not None and kind not in OWN_KINDS:
        raise ImportRefused(f"no kind {kind!r}: use one of {', '.join(OWN_KINDS)}")
    chosen = one_line(title or "") or prepared.title
    chosen_pillars = list(dict.fromkeys(pillars))
    if not chosen_pillars:
        raise ImportRefused("choose at least one pillar for it (--pillar)")
    resource_id = slug(chosen, prepared.sha256)
    relative = f"{FILES}/{prepared.sha256}.{EXTENSIONS[prepared.media_type]}"
    write_atomic(data_dir / relative, prepared.data)  # the file first, then the row
    with store.transaction():
        store.query(
            """INSERT INTO imported_resources(id, sha256, original_sha256, file, media_type,
                   title, kind, pillars, pages, original_name, added)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                resource_id,
                prepared.sha256,
                prepared.original_sha256,
                relative,
                prepared.media_type,
                chosen,
                kind or prepared.kind,
                json.dumps(chosen_pillars),
                prepared.pages,
                readable_name(prepared.path.name)[:300],
                now(),
            ),
        )
    return resource_id


def import_file(
    store: Store,
    data_dir: Path,
    path: Path,
    *,
    known: dict[str, str],
    pillars_known: Sequence[Pillar],
    inspector: Inspector = inspect,
    password: str = "",
    title: str | None = None,
    pillars: Iterable[str] = (),
) -> ImportResult:
    """Import one file; without ``pillars`` the suggested ones are used. ``known`` maps
    the SHA-256 of every document already in the library to its resource id (a
    duplicate is reported, not copied again) and is updated."""
    result = ImportResult(str(path), "error")
    try:
        prepared = prepare(
            path, known=known, pillars=pillars_known, inspector=inspector, password=password
        )
        result.notices.extend(prepared.notices)
        if prepared.duplicate_of is not None:
            result.status, result.resource_id = "duplicate", prepared.duplicate_of
            return result
        chosen = list(pillars) or prepared.suggested_pillars
        if not chosen:
            raise ImportRefused(
                f"{path.name}: no pillar could be suggested from its text; choose one (--pillar)"
            )
        resource_id = commit(store, data_dir, prepared, pillars=chosen, title=title)
        known[prepared.original_sha256] = known[prepared.sha256] = resource_id
        result.status, result.resource_id = "imported", resource_id
        if not list(pillars):
            result.notices.append(f"pillars suggested from its text: {', '.join(chosen)}")
    except (ImportRefused, DocumentError, OSError, sqlite3.Error) as exc:
        result.error = str(exc) or type(exc).__name__
    except Exception as exc:  # a worker that crashed on a hostile file, and the like
        result.error = f"{path.name} could not be read ({type(exc).__name__}: {exc})"
    return result


def update(
    store: Store,
    resource_id: str,
    *,
    title: str | None = None,
    kind: str | None = None,
    pillars: Sequence[str] | None = None,
) -> None:
    """Change an imported document's title, kind or pillars."""
    changes: dict[str, str] = {}
    if title is not None:
        if not (cleaned := one_line(title)):
            raise ImportRefused("a title cannot be empty")
        changes["title"] = cleaned
    if kind is not None:
        if kind not in OWN_KINDS:
            raise ImportRefused(f"no kind {kind!r}: use one of {', '.join(OWN_KINDS)}")
        changes["kind"] = kind
    if pillars is not None:
        if not (chosen := list(dict.fromkeys(pillars))):
            raise ImportRefused("choose at least one pillar")
        changes["pillars"] = json.dumps(chosen)
    if not changes:
        return
    with store.transaction():
        done = store.query(
            f"UPDATE imported_resources SET {', '.join(f'{c} = ?' for c in changes)} "
            "WHERE id = ? RETURNING id",
            (*changes.values(), resource_id),
        )
    if not done:
        raise ImportRefused(f"{resource_id} is not a document you imported")


def _read(path: Path) -> bytes:
    if path.is_dir():
        raise ImportRefused(f"{path} is a folder, not a document")
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused(f"{path.name} is empty")
    if size > MAX_BYTES:
        raise ImportRefused(f"{path.name} is larger than {MAX_BYTES // 2**20:,} MB")
    return path.read_bytes()


def remove(store: Store, data_dir: Path, resource_id: str, keep_notes: bool = True) -> bool:
    """Remove an imported document (its file too); its notes stay unless asked.
    Returns False if it is not an imported document. A file the row names outside the
    data folder is never touched."""
    rows = store.query("SELECT file FROM imported_resources WHERE id = ?", (resource_id,))
    if not rows:
        return False
    try:
        # Resolved inside files/ itself: a link there to the database (or anything else
        # of the data folder) must not make ``remove`` delete it.
        name = _in_files(rows[0][0]).removeprefix(f"{FILES}/")
        path: Path | None = inside(inside(data_dir, FILES), name)
    except UnsafePathError as exc:
        log.warning("removing %r: its file was left alone: %s", resource_id, exc)
        path = None
    with store.transaction():
        store.query("DELETE FROM imported_resources WHERE id = ?", (resource_id,))
        if not keep_notes:
            store.query("DELETE FROM annotations WHERE resource_id = ?", (resource_id,))
            store.drop_unused_tags()
    if path is not None:
        path.unlink(missing_ok=True)  # after the row: never a row without it
    return True


def _in_files(file: object) -> str:
    """A row's ``file``, if it names something in files/ (else UnsafePathError)."""
    if not isinstance(file, str) or not file.startswith(f"{FILES}/"):
        raise UnsafePathError(f"{file!r} is not a file in {FILES}/")
    return file


def sweep_orphans(store: Store, data_dir: Path, min_age: float = ORPHAN_AGE_SECONDS) -> list[str]:
    """Delete the copies in files/ that no row lists and nothing has touched for
    ``min_age`` seconds (a process killed between the copy and its row leaves one).
    Returns their names."""
    try:
        folder = inside(data_dir, FILES)  # not a folder elsewhere that files/ links to
    except UnsafePathError as exc:
        log.warning("copies left by interrupted imports were not swept: %s", exc)
        return []
    if not folder.is_dir():
        return []
    listed = {Path(row[0]).name for row in store.query("SELECT file FROM imported_resources")}
    cutoff = time.time() - min_age
    swept = []
    for entry in folder.iterdir():
        if entry.name in listed or entry.name.startswith(".") or entry.is_symlink():
            continue  # temporary files are write_atomic's to clear
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:  # copies are touched anew
                inside(folder, entry.name).unlink()
                swept.append(entry.name)
        except (OSError, UnsafePathError):
            continue
    return swept
