"""Whole-library backup archives: one zip with the database, imported files and settings,
checked member by member before anything is restored from it.

Layout of an archive::

    manifest.json            format, version, app version, created time, schema version,
                             and for every other member its name, size and SHA-256
    library.sqlite3          the database, taken with SQLite's backup API and checked
    files/...                every imported file (the data folder's ``files`` folder)
    config/settings.json     preferences, if any
    config/window-state.ini  remembered window state, if any

The search index is derived data and is not included; a restore removes it so it is
rebuilt. Restoring must happen with the library closed (the command line runs it before
opening the library, like ``restore-backup``): the current data is moved aside into
``before-restore-<time>`` in the data folder, never deleted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from reader_app import __version__, restore_journal
from reader_app.archive_reader import (
    BACKUP_LIMITS,
    ArchiveRefused,
    Tally,
    check_archive,
    epub_problem,
    name_problem,
    read_small,
    stream_entry,
)
from reader_app.backups import IN_USE, BackupError, _checked_copy, in_use, integrity
from reader_app.database_check import DatabaseCheckError, check_database
from reader_app.durable import fsync_folder
from reader_app.migrations import LATEST_VERSION
from reader_app.paths import AppPaths
from reader_app.restore_journal import fault_point
from reader_app.work_folders import work_folder

FORMAT = "resource-reader-backup"
VERSION = 1
KNOWN_VERSIONS = (1,)
MANIFEST = "manifest.json"
DATABASE = "library.sqlite3"
FILES = "files"  # in the data folder and in the archive
CONFIG = "config"  # in the archive
CONFIG_FILES = ("settings.json", "window-state.ini")  # in the config folder
ASIDE_PREFIX = "before-restore-"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
# Preferences and window state are a few kilobytes; the window reads them whole at start.
MAX_CONFIG_BYTES = 4 * 1024 * 1024
CHUNK = 1024 * 1024
LIMITS = BACKUP_LIMITS  # what an archive may hold (entries, sizes, ratio): archive_reader
MAX_SCHEMA_VERSION = 2**31  # past any real one; keeps absurd numbers out of messages
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class ArchiveError(BackupError):
    """An archive that cannot be written, read or restored; the message says why."""


class _Refused(ArchiveRefused):
    """The archive reader's refusal of a backup archive, worded for one."""

    noun = "backup archive"


@dataclass(frozen=True)
class ArchiveMember:
    name: str
    size: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256}


@dataclass(frozen=True)
class ArchiveManifest:
    version: int
    app_version: str
    created: str  # ISO 8601, UTC
    schema_version: int
    members: tuple[ArchiveMember, ...]

    @property
    def files(self) -> list[ArchiveMember]:
        return [m for m in self.members if m.name.startswith(FILES + "/")]

    @property
    def config(self) -> list[ArchiveMember]:
        return [m for m in self.members if m.name.startswith(CONFIG + "/")]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "app_version": self.app_version,
            "created": self.created,
            "schema_version": self.schema_version,
            "members": [m.to_dict() for m in self.members],
        }


@dataclass(frozen=True)
class ArchiveReport:
    path: Path
    manifest: ArchiveManifest

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size": self.size,
            "created": self.manifest.created,
            "files": len(self.manifest.files),
            "config": [m.name for m in self.manifest.config],
            "members": len(self.manifest.members),
        }


@dataclass(frozen=True)
class RestoreReport:
    archive: Path
    manifest: ArchiveManifest
    kept_aside: Path  # the data as it was before the restore (never deleted)
    moved_aside: list[str] = field(default_factory=list)  # names inside ``kept_aside``

    def to_dict(self) -> dict[str, Any]:
        return {
            "archive": str(self.archive),
            "created": self.manifest.created,
            "files": len(self.manifest.files),
            "config": [m.name for m in self.manifest.config],
            "previous_kept_in": str(self.kept_aside),
            "moved_aside": self.moved_aside,
        }


# Writing


def write_archive(app_paths: AppPaths, out: Path, now: datetime | None = None) -> ArchiveReport:
    """Write a backup of the whole library to ``out``, atomically: the archive is written
    to a temporary file beside ``out``, verified, and only then given its name."""
    now = now or datetime.now(UTC)
    out = Path(out)
    if not app_paths.database.is_file():
        raise ArchiveError(f"there is no library to back up (no database at {app_paths.database})")
    if out.is_dir():
        raise ArchiveError(f"{out} is a folder; give the archive's file name")
    if (app_paths.data_dir / FILES).resolve() in out.resolve().parents:
        raise ArchiveError(
            f"{out} is inside the imported files it would back up; choose another folder"
        )
    database = app_paths.database
    own = [database.with_name(database.name + s) for s in ("", "-wal", "-shm", "-journal")]
    own += [app_paths.config_dir / c for c in CONFIG_FILES]
    own.append(restore_journal.journal_path(app_paths.data_dir))
    if out.resolve() in {p.resolve() for p in own}:  # it would be replaced by the archive
        raise ArchiveError(f"{out} is one of the library's own files; choose another file")
    sources = _sources(app_paths)  # listed first: nothing written below is picked up
    out.parent.mkdir(parents=True, exist_ok=True)
    # Every temporary file goes beside ``out`` (not in the system's temporary folder, and
    # not on the data disk, which may be full), named ``.<out>.<random>.part``; a kill
    # leaves them there, recognisable by that name, for the user to delete.
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    temporary = Path(name)
    fd_copy, copy_name = tempfile.mkstemp(
        dir=out.parent, prefix=f".{out.name}.", suffix=".sqlite3.part"
    )
    os.close(fd_copy)
    database_copy = Path(copy_name)
    try:
        with (
            os.fdopen(fd, "wb") as stream,
            _checked_copy(app_paths.database, database_copy, "cannot back up") as copy,
        ):
            fault_point("backup-copied")
            _write_zip(stream, [(DATABASE, copy), *sources], _schema_version(copy), now)
            stream.flush()
            os.fsync(stream.fileno())
        # A backup that cannot be restored gets no name.
        manifest = verify_archive(temporary, work_dir=out.parent)
        os.replace(temporary, out)
        fsync_folder(out.parent)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        for leftover in (database_copy, database_copy.with_name(database_copy.name + "-journal")):
            leftover.unlink(missing_ok=True)
    return ArchiveReport(out, manifest)


def _sources(app_paths: AppPaths) -> list[tuple[str, Path]]:
    """(name in the archive, file) for every imported file and config file."""
    found: list[tuple[str, Path]] = []
    files = app_paths.data_dir / FILES
    if files.is_dir():
        for path in sorted(files.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            name = f"{FILES}/{path.relative_to(files).as_posix()}"
            problem = name_problem(name, LIMITS.max_name_length)
            if problem:
                raise ArchiveError(f"cannot back up {path}: its name {problem}")
            found.append((name, path))
    for config in CONFIG_FILES:
        path = app_paths.config_dir / config
        if path.is_file():
            found.append((f"{CONFIG}/{config}", path))
    return found


def _write_zip(
    stream: IO[bytes], sources: list[tuple[str, Path]], schema_version: int, now: datetime
) -> None:
    members = []
    stamp = now.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, path in sources:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            digest, size = hashlib.sha256(), 0
            with path.open("rb") as source, zf.open(info, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
            members.append(ArchiveMember(name, size, digest.hexdigest()))
        manifest = ArchiveManifest(
            version=VERSION,
            app_version=__version__,
            created=now.astimezone(UTC).isoformat(timespec="seconds"),
            schema_version=schema_version,
            members=tuple(members),
        )
        info = zipfile.ZipInfo(MANIFEST, date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        zf.writestr(info, json.dumps(manifest.to_dict(), indent=2) + "\n")


def _schema_version(database: Path) -> int:
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


# Verifying


def verify_archive(path: Path, work_dir: Path | None = None) -> ArchiveManifest:
    """Check an archive completely without changing anything; raise ArchiveError if any
    part of it is missing, extra, unsafe, damaged or unreadable. Its database is checked
    in a temporary copy in ``work_dir`` (the data folder's ``tmp/``; by default a hidden
    folder beside the archive), never in the system's temporary folder."""
    path = Path(path)
    with work_folder(work_dir or path.parent, f".{path.name}.", ".verify.part") as work:
        return _verify(path, work / DATABASE)


@dataclass(frozen=True)
class ArchiveSummary:
    """A verified archive and what its database holds, for asking before a restore."""

    path: Path
    manifest: ArchiveManifest
    annotations: int | None  # notes and highlights; None if its database has no such table
    tags: int | None
    documents: int | None  # the reader's own documents (imported)

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def describe_archive(path: Path, work_dir: Path | None = None) -> ArchiveSummary:
    """Verify an archive completely (as ``verify_archive``, in ``work_dir``) and count the
    notes, tags and imported documents in its database; raise ArchiveError as
    ``verify_archive`` does."""
    path = Path(path)
    with work_folder(work_dir or path.parent, f".{path.name}.", ".verify.part") as work:
        database = work / DATABASE
        manifest = _verify(path, database)
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            counts = [_count(db, table) for table in ("annotations", "tags", "imported_resources")]
        finally:
            db.close()
    return ArchiveSummary(path, manifest, *counts)


def _count(db: sqlite3.Connection, table: str) -> int | None:
    try:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    except sqlite3.DatabaseError:  # an older schema without the table
        return None


def _verify(path: Path, database_copy: Path) -> ArchiveManifest:
    """Verify ``path``, leaving its checked database at ``database_copy``."""
    if not path.is_file():
        raise ArchiveError(f"no backup archive at {path}")
    try:
        with zipfile.ZipFile(path) as zf:
            return _verify_zip(zf, path.name, database_copy)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise ArchiveError(
            f"{path.name} is not a backup archive (not a readable zip: {exc})"
        ) from None
    except OSError as exc:
        raise ArchiveError(f"cannot read {path.name}: {exc}") from None


def _verify_zip(zf: zipfile.ZipFile, label: str, database_copy: Path) -> ArchiveManifest:
    refuse = _refuser(label)
    try:  # names, types, collisions, entries, declared sizes and ratios, overlaps
        check_archive(zf, LIMITS, _Refused)
    except ArchiveRefused as exc:
        raise refuse(str(exc)) from None
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in zf.infolist():
        if info.is_dir():  # allowed in packs; a backup is written without any
            raise refuse(f"the member {info.filename!r} is not a plain file")
        infos[info.filename] = info
    manifest = _read_manifest(zf, infos.get(MANIFEST), refuse)
    listed = {m.name for m in manifest.members}
    unlisted = sorted(set(infos) - listed - {MANIFEST})
    if unlisted:
        raise refuse(f"it holds members its manifest does not list: {', '.join(unlisted[:5])}")
    missing = sorted(listed - set(infos))
    if missing:
        raise refuse(f"members listed in its manifest are missing: {', '.join(missing[:5])}")
    tally = Tally()  # every member counts towards the archive's total and overall ratio
    for member in manifest.members:
        target = database_copy if member.name == DATABASE else None
        _check_member(zf, infos[member.name], member, target, refuse, tally)
    problem = integrity(database_copy)
    if problem != "ok":
        raise refuse(f"its database is damaged ({problem})")
    schema = _schema_version(database_copy)
    if schema > LATEST_VERSION:
        raise refuse(
            f"its database was written by a newer version of the app (schema {schema}, "
            f"this version knows up to {LATEST_VERSION}); install the newer version to restore it"
        )
    try:
        check_database(database_copy)
    except DatabaseCheckError as exc:
        raise refuse(f"its database is not one this app writes ({exc})") from None
    return manifest


def _refuser(label: str) -> Any:
    def refuse(why: str) -> ArchiveError:
        return ArchiveError(f"the backup archive {label} is refused: {why}; nothing was changed")

    return refuse


def _read_manifest(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo | None, refuse: Any
) -> ArchiveManifest:
    if info is None:
        raise refuse(f"it has no {MANIFEST} (is it a Resource Reader backup?)")
    if info.file_size > MAX_MANIFEST_BYTES:
        raise refuse(f"its {MANIFEST} is too large")
    try:
        raw_manifest = read_small(zf, info, MAX_MANIFEST_BYTES, LIMITS, _Refused)
    except ArchiveRefused as exc:
        raise refuse(f"its {MANIFEST} cannot be read ({exc})") from None
    data = _parse_manifest(raw_manifest, refuse)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise refuse(f"its {MANIFEST} is not a Resource Reader backup manifest")
    version = data.get("version")
    if version not in KNOWN_VERSIONS or isinstance(version, bool):
        raise refuse(
            f"it is in format version {repr(version)[:40]}, this version of the app reads "
            f"{', '.join(map(str, KNOWN_VERSIONS))}"
        )
    raw = data.get("members")
    if not isinstance(raw, list):
        raise refuse(f"its {MANIFEST} lists no members")
    members = []
    seen = set()
    for entry in raw:
        member = _member(entry)
        if member is None:
            raise refuse(f"its {MANIFEST} has a malformed entry: {entry!r}"[:300])
        problem = name_problem(member.name, LIMITS.max_name_length) or _place_problem(member.name)
        if problem:
            raise refuse(f"its manifest lists {member.name!r}, which {problem}")
        if member.name in seen:
            raise refuse(f"its manifest lists {member.name!r} twice")
        if member.name.startswith(CONFIG + "/") and member.size > MAX_CONFIG_BYTES:
            raise refuse(
                f"its {member.name} is {member.size:,} bytes, more than any the app writes "
                f"({MAX_CONFIG_BYTES:,})"
            )
        seen.add(member.name)
        members.append(member)
    if DATABASE not in seen:
        raise refuse(f"it holds no database ({DATABASE})")
    schema = data.get("schema_version", 0)
    if not isinstance(schema, int) or not 0 <= schema <= MAX_SCHEMA_VERSION:
        schema = 0  # the database's own user_version is what is checked
    return ArchiveManifest(
        version=int(version),
        app_version=str(data.get("app_version", ""))[:100],
        created=str(data.get("created", ""))[:100],
        schema_version=schema,
        members=tuple(members),
    )


def _member(entry: object) -> ArchiveMember | None:
    if not isinstance(entry, dict):
        return None
    name, size, sha256 = entry.get("name"), entry.get("size"), entry.get("sha256")
    if not isinstance(name, str) or not isinstance(sha256, str) or not _SHA256.match(sha256):
        return None
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= 2**63:
        return None
    return ArchiveMember(name, size, sha256)


def _parse_manifest(raw: bytes, refuse: Any) -> object:
    """The manifest's JSON; a refusal (not an internal error) for any that is hostile."""
    try:
        return json.loads(raw)
    except RecursionError:  # json recurses once per nested array or object
        raise refuse(f"its {MANIFEST} is nested too deeply to be a backup manifest") from None
    except ValueError as exc:  # not UTF-8, not JSON, or a number too long to convert
        why = str(exc)
        if "integer string conversion" in why:
            why = "it holds a number with thousands of digits"
        raise refuse(f"its {MANIFEST} cannot be read ({why[:200]})") from None


def _check_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    member: ArchiveMember,
    target: Path | None,
    refuse: Any,
    tally: Tally | None = None,
) -> None:
    """Stream one member under the archive's limits, counting and hashing its bytes; copy
    them to ``target`` if given. ``tally`` counts towards the whole archive's limits."""
    if info.file_size != member.size:
        raise refuse(f"{member.name} is {info.file_size} bytes, the manifest says {member.size}")
    try:
        with _sink(target) as out:
            digest = stream_entry(zf, info, out, LIMITS, tally, _Refused)
    except ArchiveRefused as exc:
        raise refuse(str(exc)) from None
    if digest != member.sha256:
        raise refuse(f"{member.name} is damaged (its SHA-256 does not match the manifest)")
    if target is not None and member.name.startswith(FILES + "/") and target.suffix == ".epub":
        # An EPUB is a zip the viewer hands to MuPDF: held to the limits an import is.
        problem = epub_problem(target, member.name)
        if problem:
            raise refuse(problem)


@contextlib.contextmanager
def _sink(target: Path | None) -> Iterator[IO[bytes] | None]:
    if target is None:  # only counted and hashed
        yield None
        return
    with target.open("wb") as out:
        yield out
        out.flush()
        os.fsync(out.fileno())


def _place_problem(name: str) -> str:
    """Why ``name`` has no place in a backup archive, or "" if it has."""
    if name == DATABASE or name.startswith(FILES + "/"):
        return ""
    if name in {f"{CONFIG}/{c}" for c in CONFIG_FILES}:
        return ""
    return "has no place in a backup archive"


# Restoring


def restore_archive(app_paths: AppPaths, path: Path, now: datetime | None = None) -> RestoreReport:
    """Replace the library with the archive's contents; return where the old data is kept.

    The library must be closed (nothing may have the database open). The archive is
    verified first; if it fails nothing is touched. The current database (with its WAL
    and SHM files), imported files and config files are moved into
    ``data_dir/before-restore-<time>`` and never deleted; the search index is removed so
    that it is rebuilt from the restored data. Every step is recorded in the restore
    journal, so a restore cut short is completed or undone on the next start.
    """
    now = now or datetime.now(UTC)
    path = Path(path)
    data_dir = app_paths.data_dir
    with restore_journal.sole_restore(data_dir):
        with work_folder(app_paths.tmp_dir, "restore-") as work:
            checked = work / DATABASE
            manifest = _verify(path, checked)
            aside = _aside_folder(data_dir, now)
            journal = restore_journal.begin(
                data_dir, "archive", path, aside, app_paths.index_dir, work
            )
            staging = Path(journal.staging)
            try:
                staging.mkdir()
                _stage(path, manifest, checked, staging)
                expect = [
                    (m.name, m.size, m.sha256) for m in manifest.members if m.name != DATABASE
                ]
                database = staging / DATABASE
                expect.append(
                    (DATABASE, database.stat().st_size, restore_journal.sha256_of(database))
                )
            except BaseException:
                restore_journal.discard(journal)
                raise
        moved = _swap(app_paths, journal, expect)
    return RestoreReport(path, manifest, aside, moved)


def _stage(path: Path, manifest: ArchiveManifest, database: Path, staging: Path) -> None:
    """Lay out the archive's contents in ``staging`` (same layout as the archive),
    checking every member's hash again as it is written."""
    shutil.copyfile(database, staging / DATABASE)
    with (staging / DATABASE).open("rb+") as copy:
        os.fsync(copy.fileno())
    refuse = _refuser(path.name)
    try:
        with zipfile.ZipFile(path) as zf:
            for member in manifest.members:
                if member.name == DATABASE:
                    continue
                target = staging.joinpath(*member.name.split("/"))
                if staging.resolve() not in target.resolve().parents:
                    raise refuse(f"{member.name!r} would be written outside the library")
                target.parent.mkdir(parents=True, exist_ok=True)
                _check_member(zf, zf.getinfo(member.name), member, target, refuse)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"cannot restore from {path.name}: {exc}; nothing was changed") from None


def aside_folder(data_dir: Path, now: datetime) -> Path:
    """Where ``restore_archive(..., now=now)`` will keep the current data (to tell the
    reader before they confirm)."""
    return _aside_folder(data_dir, now)


def _aside_folder(data_dir: Path, now: datetime) -> Path:
    base = data_dir / f"{ASIDE_PREFIX}{now.astimezone(UTC):%Y%m%d-%H%M%S}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _swap(
    app_paths: AppPaths, journal: restore_journal.Journal, expect: list[tuple[str, int, str]]
) -> list[str]:
    """Move the current data into the journal's aside folder and the staged data into
    place, each rename recorded. If a rename fails, those done are undone and
    ArchiveError is raised; return the names moved aside."""
    staging, aside = Path(journal.staging), Path(journal.aside)
    database = app_paths.database
    if in_use(database):  # its writes would go on into the data moved aside
        restore_journal.discard(journal)
        raise ArchiveError(f"cannot restore: {IN_USE}")
    current = [database.with_name(database.name + s) for s in ("", "-wal", "-shm", "-journal")]
    current.append(app_paths.data_dir / FILES)
    current += [app_paths.config_dir / c for c in CONFIG_FILES]
    outgoing = []
    for source in current:
        if source.exists() or source.is_symlink():
            where = CONFIG if source.parent == app_paths.config_dir else ""
            outgoing.append((source, aside / where / source.name if where else aside / source.name))
    incoming = [(staging / DATABASE, database), (staging / FILES, app_paths.data_dir / FILES)]
    incoming += [(staging / CONFIG / c, app_paths.config_dir / c) for c in CONFIG_FILES]
    incoming = [(source, target) for source, target in incoming if source.exists()]
    try:
        restore_journal.swap_in(journal, outgoing, incoming, expect)
    except restore_journal.SwapFailed as failed:
        if failed.undone:
            raise ArchiveError(
                f"cannot restore: {failed}; the library was put back as it was"
            ) from None
        raise ArchiveError(
            f"cannot restore: {failed}; putting the library back failed too: the data "
            f"from before is in {aside}, and the next start of the app completes the "
            "restore or puts the library back (the journal says which), and tells you"
        ) from None
    return [target.relative_to(aside).as_posix() for _, target in outgoing]
