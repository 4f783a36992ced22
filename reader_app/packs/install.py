"""Installing a resource pack: what it adds, which editions it replaces, what changed.

The whole pack is checked before anything is written (``unzip``), then unpacked into a
staging folder inside the data folder, every document is opened in a worker (a
hostile file may crash the worker, never the app), the files are moved into place and
the rows written in one transaction. Notes made on a replaced edition are re-anchored
in the new one, and a pack's shared notes are taken in last.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader_app import importing
from reader_app.archive_reader import epub_problem
from reader_app.catalog import Resource
from reader_app.documents import Inspection, inspect
from reader_app.durable import fsync_folder
from reader_app.packs import format as pack_format
from reader_app.packs.unzip import Limits, PackError, read_entry, safe_extract
from reader_app.reanchor import ReanchorReport, reanchor_resource
from reader_app.safe_paths import UnsafePathError, inside
from reader_app.store import now
from reader_app.worker import WorkerPool

if TYPE_CHECKING:
    from reader_app.library import Library

log = logging.getLogger(__name__)

STAGING = ".pack-staging"  # in the data folder: same file system as files/, for renames
STALE_STAGING_SECONDS = 24 * 3600
DEFAULT_LIMITS = Limits()


@dataclass
class PackItem:
    """One resource of a pack and what installing it does (or did)."""

    resource_id: str
    title: str
    status: str  # added, updated, unchanged, skipped or error
    detail: str = ""
    old_edition: int | None = None
    new_edition: int | None = None
    changes: list[str] = field(default_factory=list)
    reanchored: ReanchorReport | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "resource_id": self.resource_id,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            data["detail"] = self.detail
        if self.old_edition is not None:
            data["old_edition"] = self.old_edition
        if self.new_edition is not None:
            data["new_edition"] = self.new_edition
        if self.changes:
            data["changes"] = self.changes
        if self.reanchored is not None:
            counts = self.reanchored.to_dict()
            data["notes"] = {k: counts[k] for k in ("placed", "moved", "kept", "orphaned")}
        return data


@dataclass
class PackReport:
    pack: str
    title: str
    dry_run: bool
    items: list[PackItem] = field(default_factory=list)
    notes: dict[str, Any] | None = None  # the shared notes taken in (w3c.ImportReport)

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)

    @property
    def changed(self) -> bool:
        """Whether the library changed (a dry run changes nothing, whatever it plans)."""
        if self.dry_run:
            return False
        return any(i.status in ("added", "updated") for i in self.items) or bool(
            self.notes and self.notes.get("imported")
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack,
            "title": self.title,
            "dry_run": self.dry_run,
            "counts": {
                s: self.count(s) for s in ("added", "updated", "unchanged", "skipped", "error")
            },
            "resources": [item.to_dict() for item in self.items],
            "notes": self.notes,
        }


def read_manifest(
    library: Library, path: Path, limits: Limits = DEFAULT_LIMITS
) -> pack_format.PackManifest:
    """Check the whole pack and read its manifest, writing nothing."""
    raw = read_entry(path, pack_format.MANIFEST, limits=limits)
    known = {c.id for c in library.catalog.collections} | {importing.COLLECTION.id}
    known |= {c.id for c in importing.pack_collections(library.store)}  # empty ones too
    return pack_format.parse(raw, [p.id for p in library.bundled.pillars], known)


def plan(library: Library, manifest: pack_format.PackManifest) -> list[PackItem]:
    """What installing each resource would do, judged against the library as it is."""
    by_sha = library.known_documents()
    in_pack: dict[str, str] = {}  # SHA-256 -> the resource of this pack installing it
    items = []
    for new in manifest.resources:
        item = _plan_one(library, by_sha, new)
        if item.status in ("added", "updated") and new.sha256 in in_pack:
            # files/ and the rows hold one copy of a document: a second would fail the
            # commit (sha256 is unique) after the files were moved in.
            item.status = "skipped"
            item.detail = f"the same document is in this pack as {in_pack[new.sha256]}"
            item.changes = []
        if item.status in ("added", "updated"):
            in_pack[new.sha256] = new.id
        items.append(item)
    return items


def _plan_one(library: Library, by_sha: dict[str, str], new: Resource) -> PackItem:
    old = library.catalog.get(new.id)
    item = PackItem(new.id, new.title, "added", new_edition=new.edition)
    if old is None:
        holder = by_sha.get(new.sha256)
        if holder is not None:
            item.status = "skipped"
            item.detail = f"the same document is already in the library as {holder}"
        return item
    item.old_edition = old.edition
    if old.kind == "strategy":
        # A council's strategy keeps fields (council, nation) a pack's resource cannot carry.
        item.status = "skipped"
        item.detail = f"{old.id} is a council strategy of the directory; a pack does not replace it"
        return item
    item.changes = _changes(old, new)
    newer = _newer(new, old)
    same = old.sha256 == new.sha256 and not item.changes
    if old.source == "imported" and not same:
        # The reader's own document: replacing it would delete their file and move
        # their notes onto someone else's document, whatever edition a pack claims.
        item.status = "skipped"
        item.detail = f"{old.id} is a document of your own here; a pack does not replace it"
        item.changes = []
    elif old.source == "imported" or not newer:
        if same:  # (the reader's own stays theirs, whatever edition the pack gives it)
            item.status, item.detail = "unchanged", "already in the library"
        else:
            item.status = "skipped"
            item.detail = (
                f"the library has edition {old.edition} ({old.date or 'undated'}); "
                f"the pack's edition {new.edition} ({new.date or 'undated'}) is not newer"
            )
            item.changes = []
    elif old.sha256 != new.sha256 and by_sha.get(new.sha256, new.id) != new.id:
        item.status = "skipped"
        item.detail = f"its new file is already in the library as {by_sha[new.sha256]}"
        item.changes = []
    else:
        item.status = "updated"
    return item


def _newer(new: Resource, old: Resource) -> bool:
    """A higher edition, or the same edition dated later at the precision both dates
    give: "2023-05-01" is the year "2023" said more precisely, not a later printing."""
    if new.edition != old.edition:
        return new.edition > old.edition
    shared = min(len(new.date), len(old.date))
    return shared > 0 and new.date[:shared] > old.date[:shared]


def _changes(old: Resource, new: Resource) -> list[str]:
    changes = []
    if old.sha256 != new.sha256:
        pages = f" ({old.pages} → {new.pages} pages)" if old.pages != new.pages else ""
        changes.append(f"new document file{pages}")
    if old.title != new.title:
        changes.append(f"title: {old.title!r} → {new.title!r}")
    if old.pillars != new.pillars:
        changes.append(f"pillars: {', '.join(old.pillars)} → {', '.join(new.pillars)}")
    for name in ("kind", "date", "collection"):
        if getattr(old, name) != getattr(new, name):
            changes.append(f"{name}: {getattr(old, name)} → {getattr(new, name)}")
    if old.summary != new.summary and new.summary:
        changes.append("summary rewritten")
    return changes


def install_pack(
    library: Library,
    path: Path,
    *,
    dry_run: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> PackReport:
    """Install the pack at ``path`` (or, with ``dry_run``, say what installing would do).
    Raises PackError, writing nothing, for a pack that is unsafe or malformed."""
    data_dir = library.data_dir
    if data_dir is None:
        raise RuntimeError("this library has no data folder to install packs into")
    path = Path(path)
    manifest = read_manifest(library, path, limits)
    report = PackReport(str(path), manifest.title, dry_run, plan(library, manifest))
    if dry_run:
        if manifest.notes:
            report.notes = {"in_pack": True}
        return report
    staging_root = data_dir / STAGING
    staging_root.mkdir(parents=True, exist_ok=True)
    _clear_stale(staging_root)
    workspace = Path(tempfile.mkdtemp(dir=staging_root))
    try:
        unpacked = workspace / "pack"
        safe_extract(path, unpacked, limits, manifest.expected(), unhashed={pack_format.MANIFEST})
        if manifest.notes:
            _check_notes(_inside(unpacked, manifest.notes))
        wanted = [i for i in report.items if i.status in ("added", "updated")]
        resources = {r.id: r for r in manifest.resources}
        checked = _check_documents(unpacked, [resources[i.resource_id] for i in wanted], wanted)
        replaced = _store(library, data_dir, unpacked, manifest, checked)
        library.reload_catalog()
        _remove_unused_files(library, data_dir, replaced)
        for item in wanted:
            if item.status == "updated":
                try:
                    item.reanchored = reanchor_resource(library, item.resource_id)
                except Exception as exc:  # the rows are in: say so, rather than fail
                    log.warning("re-anchoring notes on %s failed: %s", item.resource_id, exc)
                    item.detail = (
                        "your notes on it could not be placed in the new edition now "
                        f"({exc}); they will be when it is opened"
                    )
        if manifest.notes:
            from reader_app.export import w3c

            notes = _inside(unpacked, manifest.notes)
            report.notes = w3c.import_notes(library, notes).to_dict()
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return report


def _check_notes(file: Path) -> None:
    """Read a pack's notes before anything is written: a file that is not W3C Web
    Annotations refuses the pack, rather than failing once its resources are in."""
    from reader_app.export import w3c

    try:
        if file.stat().st_size > w3c.MAX_FILE:
            raise w3c.NotesFileError(f"it is larger than {w3c.MAX_FILE // 1_000_000} MB")
        w3c.read(file.read_bytes())
    except w3c.NotesFileError as exc:
        raise PackError(f"{file.name} cannot be read as notes: {exc}") from None


def _check_documents(
    folder: Path, resources: list[Resource], items: list[PackItem]
) -> dict[str, int]:
    """Open every document in a worker: one that is not what the manifest says, or that
    cannot be read, is left out (and reported). Returns the good ones' ids -> pages."""
    jobs, good = [], {}
    for resource, item in zip(resources, items, strict=True):
        file = _inside(folder, resource.file)
        with file.open("rb") as f:
            kind = importing.sniff(f.read(1024))
        if kind != resource.media_type:
            item.status = "error"
            item.detail = f"{resource.file} is not {resource.media_type}, whatever the pack says"
            continue
        if kind == "application/epub+zip" and (refused := epub_problem(file, resource.file)):
            item.status, item.detail = "error", refused  # MuPDF never sees a bomb
            continue
        jobs.append((resource, item, str(file)))
    if not jobs:
        return good
    with WorkerPool(size=min(2, len(jobs))) as pool:
        for index, outcome in pool.map_unordered(inspect, [(f, "") for _r, _i, f in jobs]):
            resource, item, _file = jobs[index]
            if isinstance(outcome, BaseException):
                item.status = "error"
                item.detail = f"{resource.file} could not be read: {outcome}"
            elif isinstance(outcome, Inspection):
                good[resource.id] = outcome.pages
    return good


def _store(
    library: Library,
    data_dir: Path,
    unpacked: Path,
    manifest: pack_format.PackManifest,
    checked: dict[str, int],
) -> list[str]:
    """Move the checked files into files/ (first), then write every row in one
    transaction. Returns the files the replaced rows named."""
    placed: list[tuple[Resource, int, str]] = []
    moved: list[str] = []  # the files this install brought into files/
    try:
        for resource in manifest.resources:
            if resource.id not in checked:
                continue
            extension = importing.EXTENSIONS[resource.media_type]
            relative = f"{importing.FILES}/{resource.sha256}.{extension}"
            target = _inside(data_dir, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                os.replace(_inside(unpacked, resource.file), target)
                moved.append(relative)
            placed.append((resource, checked[resource.id], relative))
        if not placed:
            return []
        fsync_folder(data_dir / importing.FILES)
        return _write_rows(library, manifest, placed)
    except BaseException:
        # Rolled back, so no row names the files moved in for it. (A killed process
        # leaves them: named by their content, listed nowhere, taken over by a later
        # install or import of the same document.)
        with contextlib.suppress(Exception):
            _remove_unused_files(library, data_dir, moved)
        raise


def _write_rows(
    library: Library,
    manifest: pack_format.PackManifest,
    placed: list[tuple[Resource, int, str]],
) -> list[str]:
    store = library.store
    replaced: list[str] = []
    # Only the collections of what goes in: a pack whose resources are all skipped or
    # broken would otherwise list an empty collection, or retitle one with older text.
    used = {resource.collection for resource, _pages, _relative in placed}
    with store.transaction():
        for c in manifest.collections:
            if c.id in used and library.bundled.collection(c.id) is None:
                if c.id == importing.COLLECTION.id:
                    continue  # the reader's own documents: listed under "My documents"
                store.query(
                    """INSERT OR REPLACE INTO pack_collections(id, title, date, url, description)
                       VALUES (?, ?, ?, ?, ?)""",
                    (c.id, c.title, c.date, c.url, c.description),
                )
        for resource, pages, relative in placed:
            old = store.query("SELECT file FROM imported_resources WHERE id = ?", (resource.id,))
            if old:
                replaced.append(old[0][0])
                store.query("DELETE FROM imported_resources WHERE id = ?", (resource.id,))
            store.query(
                """INSERT INTO imported_resources(id, sha256, original_sha256, file,
                       media_type, title, kind, pillars, pages, original_name, added, source,
                       collection, date, summary, source_url, label, alt_text, transcript,
                       edition, pack)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pack', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    resource.id,
                    resource.sha256,
                    resource.sha256,
                    relative,
                    resource.media_type,
                    resource.title,
                    resource.kind,
                    json.dumps(list(resource.pillars)),
                    pages,
                    Path(resource.file).name,
                    now(),
                    resource.collection,
                    resource.date,
                    resource.summary,
                    resource.source_url,
                    resource.label,
                    resource.alt_text,
                    resource.transcript,
                    resource.edition,
                    manifest.title[:300],
                ),
            )
    return replaced


def _remove_unused_files(library: Library, data_dir: Path, files: list[str]) -> None:
    """Delete the files of replaced editions no row names any more (after the commit:
    never a row without its file)."""
    still = {row[0] for row in library.store.query("SELECT file FROM imported_resources")}
    for relative in files:
        if relative in still:
            continue
        try:
            inside(data_dir, relative).unlink(missing_ok=True)
        except UnsafePathError as exc:  # a row of a database from elsewhere
            log.warning("the file of a replaced edition was left alone: %s", exc)


def _inside(root: Path, name: str) -> Path:
    """``root / name`` for a name from the pack or a row; PackError if it leads outside."""
    try:
        return inside(root, name)
    except UnsafePathError as exc:
        raise PackError(f"refused: {pack_format.printable(str(exc))}") from None


def _clear_stale(staging_root: Path) -> None:
    """Remove what an interrupted install left (a killed process cannot clean up)."""
    cutoff = time.time() - STALE_STAGING_SECONDS
    for entry in staging_root.iterdir():
        try:
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue
