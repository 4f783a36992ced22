"""Writing a collection as a resource pack, optionally with the reader's notes on it
(as W3C Web Annotations), to share with colleagues or distribute an update."""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader_app import importing
from reader_app.catalog import Collection
from reader_app.packs import format as pack_format
from reader_app.packs.unzip import Limits, PackError, check_archive

if TYPE_CHECKING:
    from reader_app.library import Library


DEFAULT_LIMITS = Limits()


class PackExportError(ValueError):
    """A pack that cannot be written; the message says why."""


@dataclass(frozen=True)
class PackExportReport:
    path: Path
    title: str
    resources: int
    notes: int
    size: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "title": self.title,
            "resources": self.resources,
            "notes": self.notes,
            "size": self.size,
        }


def export_pack(
    library: Library,
    collection_id: str,
    out: Path,
    *,
    with_notes: bool = False,
    title: str | None = None,
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> PackExportReport:
    """Write every resource of ``collection_id`` (bundled, from a pack or the reader's
    own: "imported") to the pack ``out``, whole or not at all. A pack that ``limits``
    (what installing allows) would refuse is not written."""
    collection = library.catalog.collection(collection_id)
    if collection is None:
        ids = ", ".join(c.id for c in library.catalog.collections)
        raise PackExportError(f"no collection {collection_id!r}: use one of {ids}")
    resources = library.catalog.filter(collection=collection_id)
    if not resources:
        raise PackExportError(f"the collection {collection.title!r} holds no resources")
    if any(r.kind == "strategy" for r in resources):
        # A pack's resources cannot carry a strategy's council and nation; installing refuses them.
        raise PackExportError(
            f"the collection {collection.title!r} holds council strategies, which come with "
            "the app and cannot be put in a pack"
        )
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    members: list[tuple[str, Path | bytes]] = []
    listed = []
    for r in resources:
        name = f"{pack_format.FILES}{r.id}.{importing.EXTENSIONS[r.media_type]}"
        members.append((name, library.catalog.path_of(r)))
        listed.append(replace(r, file=name))
    notes_data = b""
    notes = 0
    if with_notes:
        from reader_app.export import w3c
        from reader_app.export.scope import ExportScope, collect

        groups = collect(library, ExportScope(resource_ids=frozenset(r.id for r in resources)))
        notes = sum(len(g.items) for g in groups)
        if notes:
            notes_data = w3c.render(groups, f"Notes on {collection.title}")
            if len(notes_data) > w3c.MAX_FILE:  # installing would refuse the pack
                raise PackExportError(
                    f"the notes come to more than {w3c.MAX_FILE // 1_000_000} MB, more than "
                    "a pack may hold; export the collection without them"
                )
            members.append((pack_format.NOTES, notes_data))
    manifest = pack_format.PackManifest(
        title=title or collection.title,
        created=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        collections=(_complete(collection, stamp),),
        resources=tuple(listed),
        notes=pack_format.NOTES if notes_data else "",
        notes_sha256=hashlib.sha256(notes_data).hexdigest() if notes_data else "",
    )
    _check_target(library, Path(out), [library.catalog.path_of(r) for r in resources])
    _check_sizes(library, resources, len(members) + 1, limits)
    _check_files(library, resources)
    _write_zip(Path(out), pack_format.render(manifest).encode("utf-8"), members, limits)
    size = Path(out).stat().st_size
    return PackExportReport(Path(out), manifest.title, len(resources), notes, size)


def _complete(collection: Collection, stamp: datetime) -> Collection:
    """The reader's own collection has no date or description of its own."""
    return replace(
        collection,
        date=collection.date or stamp.strftime("%Y-%m-%d"),
        description=collection.description or collection.title,
    )


def _check_target(library: Library, out: Path, sources: list[Path]) -> None:
    """Never write a pack over a file it packs or into the data folder: the pack takes
    its name by replacing what is there, a document or the database among them."""
    target = out.resolve()
    if library.data_dir is not None:
        data = library.data_dir.resolve()
        if target == data or data in target.parents:
            raise PackExportError(
                f"{out} is in the library's data folder; choose a folder outside it"
            )
    if any(target == source.resolve() for source in sources):
        raise PackExportError(f"{out} is one of the files it packs; choose another name")


def _check_sizes(library: Library, resources: list[Any], entries: int, limits: Limits) -> None:
    """Refuse, before writing gigabytes, a pack that installing would refuse: an
    imported document may be larger (1 GB) than a pack's file may be."""
    if entries > limits.max_entries:
        raise PackExportError(
            f"the collection has {entries - 1:,} files; a pack may hold {limits.max_entries - 1:,}"
        )
    total = 0
    for r in resources:
        try:
            size = library.catalog.path_of(r).stat().st_size
        except OSError as exc:
            raise PackExportError(f"cannot read {r.title}: {exc.strerror or exc}") from exc
        if size > limits.max_entry_bytes:
            raise PackExportError(
                f"{r.title} is larger than a pack may hold ({size / 2**20:,.0f} MB; "
                f"at most {limits.max_entry_bytes / 2**20:,.0f} MB a file)"
            )
        total += size
    if total > limits.max_total_bytes:
        raise PackExportError(
            f"the collection's files are larger than a pack may hold ({total / 2**20:,.0f} MB; "
            f"at most {limits.max_total_bytes / 2**20:,.0f} MB in all)"
        )


def _check_files(library: Library, resources: list[Any]) -> None:
    """Every file must be there and be what the catalog says: a pack lists hashes."""
    for r in resources:
        path = library.catalog.path_of(r)
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                while chunk := f.read(1024 * 1024):
                    digest.update(chunk)
        except OSError as exc:
            raise PackExportError(f"cannot read {r.title}: {exc.strerror or exc}") from exc
        if digest.hexdigest() != r.sha256:
            raise PackExportError(f"the file of {r.title} has changed since it was added")


def _write_zip(
    out: Path, manifest: bytes, members: list[tuple[str, Path | bytes]], limits: Limits
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(pack_format.MANIFEST, manifest)
            for name, source in members:
                if isinstance(source, bytes):
                    zf.writestr(name, source)
                else:
                    # Stored: PDFs and images are compressed already, and a document that
                    # deflates past the install's ratio limit (blank pages, uncompressed)
                    # would have the pack refused as a zip bomb.
                    zf.write(source, name, compress_type=zipfile.ZIP_STORED)
        with zipfile.ZipFile(temporary) as zf:
            try:  # what installing checks first: sizes, ratios, names, layout
                check_archive(zf, limits)
            except PackError as exc:
                raise PackExportError(f"the pack would not install: {exc}") from exc
        with open(temporary, "rb") as f:
            os.fsync(f.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
