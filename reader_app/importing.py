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
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader_app.catalog import Collection, Resource
from reader_app.documents import DocumentError, Inspection, inspect
from reader_app.export.files import write_atomic
from reader_app.store import Store, now

FILES = "files"  # in the data folder
COLLECTION = Collection(
    id="imported",
    title="My documents",
    date="",
    url="",
    description="Documents you added to the library",
)
MAX_BYTES = 1024 * 1024 * 1024  # 1 GB: a briefing, not a disk image
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


def slug(title: str, sha256: str) -> str:
    """An id from the title, unique by the content's hash."""
    words = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:40].strip("-")
    return f"{words or 'document'}-{sha256[:8]}"


def imported_resources(store: Store, data_dir: Path) -> list[Resource]:
    rows = store.query(
        """SELECT id, sha256, file, media_type, title, kind, pillars, pages, added
           FROM imported_resources ORDER BY added"""
    )
    return [
        Resource(
            id=id_,
            title=title,
            kind=kind,
            pillars=tuple(json.loads(pillars)),
            collection=COLLECTION.id,
            date=added[:10],
            summary="",
            source_url="",
            file=str(data_dir / file),  # absolute: the catalog's root does not apply
            sha256=sha,
            pages=pages,
            media_type=media_type,
            source="imported",
        )
        for id_, sha, file, media_type, title, kind, pillars, pages, added in rows
    ]


Inspector = Callable[[str, str], Inspection]  # (path, password): run in a worker


def import_file(
    store: Store,
    data_dir: Path,
    path: Path,
    *,
    known: dict[str, str],
    inspector: Inspector = inspect,
    password: str = "",
    title: str | None = None,
    pillars: Iterable[str] = (),
    suggest: Callable[[str], tuple[str, ...]] | None = None,
) -> ImportResult:
    """Import one file. ``known`` maps the SHA-256 of every document already in the
    library to its resource id (a duplicate is reported, not copied again)."""
    result = ImportResult(str(path), "error")
    try:
        data = _read(path)
        original = hashlib.sha256(data).hexdigest()
        if original in known:
            result.status, result.resource_id = "duplicate", known[original]
            result.notices.append("already in the library: kept one copy")
            return result
        media_type = sniff(data[:1024])
        if media_type is None:
            raise ImportRefused(
                f"{path.name} is not a document this app reads (PDF, EPUB or an image), "
                "whatever its name says"
            )
        seen = inspector(str(path), password)
        if seen.repaired:
            result.notices.append(f"{path.name} was damaged; it was repaired to import it")
        stored = seen.data if seen.data is not None else data
        sha = hashlib.sha256(stored).hexdigest()
        if sha in known:  # the decrypted copy is already here
            result.status, result.resource_id = "duplicate", known[sha]
            return result
        chosen = " ".join((title or seen.title or path.stem).split())[:300] or path.stem
        given = tuple(dict.fromkeys(pillars))
        chosen_pillars = given or (suggest(str(path)) if suggest else ())
        if not chosen_pillars:
            raise ImportRefused("choose at least one pillar for it (--pillar)")
        resource_id = slug(chosen, sha)
        relative = f"{FILES}/{sha}.{EXTENSIONS[media_type]}"
        write_atomic(data_dir / relative, stored)  # the file first, then the row
        kind = "infographic" if media_type.startswith("image/") else "briefing"
        with store.transaction():
            store.query(
                """INSERT INTO imported_resources(id, sha256, original_sha256, file, media_type,
                       title, kind, pillars, pages, original_name, added)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    resource_id,
                    sha,
                    original,
                    relative,
                    media_type,
                    chosen,
                    kind,
                    json.dumps(list(chosen_pillars)),
                    seen.pages,
                    path.name[:300],
                    now(),
                ),
            )
        known[original] = known[sha] = resource_id
        result.status, result.resource_id = "imported", resource_id
    except (ImportRefused, DocumentError, OSError, sqlite3.Error) as exc:
        result.error = str(exc) or type(exc).__name__
    except Exception as exc:  # a worker that crashed on a hostile file, and the like
        result.error = f"{path.name} could not be read ({type(exc).__name__}: {exc})"
    return result


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
    Returns False if it is not an imported document."""
    rows = store.query("SELECT file FROM imported_resources WHERE id = ?", (resource_id,))
    if not rows:
        return False
    with store.transaction():
        store.query("DELETE FROM imported_resources WHERE id = ?", (resource_id,))
        if not keep_notes:
            store.query("DELETE FROM annotations WHERE resource_id = ?", (resource_id,))
            store.drop_unused_tags()
    (data_dir / rows[0][0]).unlink(missing_ok=True)  # after the row: never a row without it
    return True
