"""The user-data store: tags and reading state (later annotations and imports) in SQLite.

Written on every change; WAL with ``synchronous=FULL`` so a committed change
survives a crash or power loss. Where nothing can be written (a full disk, a read-only
data folder) it opens read-only, and every change fails saying why.
"""

from __future__ import annotations

import contextlib
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader_app.migrations import LATEST_VERSION, MIGRATIONS
from reader_app.write_access import DISK_FULL, READ_ONLY, reason_of, why_unwritable

MAX_TAG_LENGTH = 64


class StoreError(RuntimeError):
    """The database cannot be used as it is; the message says why."""


class WriteError(StoreError):
    """A change that was not saved (disk full, read-only folder, database busy); the
    message is for the user. Nothing of the change was written."""


def _write_error(exc: sqlite3.Error, folder: Path | None = None) -> WriteError:
    text = str(exc).lower()
    if "full" in text:
        why = DISK_FULL
    elif "readonly" in text or "read-only" in text:
        why = READ_ONLY
    elif "locked" in text or "busy" in text:
        why = "another program is using your data; try again in a moment"
    elif "disk i/o" in text and folder is not None and (found := why_unwritable(folder, True)):
        why = found  # SQLite says only "disk I/O error" when it cannot grow its -shm file
    else:
        why = str(exc)
    return not_saved(why)


def not_saved(why: str) -> WriteError:
    """The error every write raises when it cannot be saved, ``why`` being the reason."""
    return WriteError(f"The change was not saved: {why}.")


class CannotWriteError(StoreError):
    """The database cannot be opened because something must be written first (creating
    it, upgrading its schema) and the disk is full or read-only; ``reason`` says which."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that reads ``path`` without writing anything, even where no file can
    be created: a WAL database is read through its -shm file (which SQLite must be able
    to create or find), and failing that, when its -wal file is empty so that nothing is
    missed, as an immutable file."""
    uri = path.resolve().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, timeout=10)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise  # committed changes sit in the WAL: reading without them would hide them
    db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        db.close()
        raise
    return db


class TagError(ValueError):
    """A tag that cannot be stored."""


def normalise_tag(raw: str) -> str:
    """Trim and collapse whitespace; refuse empty, control characters and overlong tags."""
    tag = " ".join(unicodedata.normalize("NFC", raw).split())
    if not tag:
        raise TagError("a tag cannot be empty")
    if any(unicodedata.category(ch).startswith("C") for ch in tag):
        raise TagError(f"tag {tag!r} contains control characters")
    if len(tag) > MAX_TAG_LENGTH:
        raise TagError(f"a tag can be at most {MAX_TAG_LENGTH} characters")
    return tag


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """One open user-data database. Use as a context manager or call ``close``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Why the database is open read-only ('' when it is not): DISK_FULL or READ_ONLY.
        self.read_only_reason = ""
        folder = path.parent
        reason = why_unwritable(folder) if folder.is_dir() else ""
        try:
            if not reason:
                try:
                    self._open_writable()
                    return
                except (sqlite3.OperationalError, WriteError) as exc:
                    # The disk may have filled, or the folder turned out read-only, only
                    # now: SQLite says "disk I/O error" or "unable to open database file".
                    self._close_quietly()
                    reason = why_unwritable(folder, probe=True)
                    if not reason:
                        raise StoreError(f"cannot open the database {path}: {exc}") from None
            self._open_read_only(reason)
        except OSError as exc:  # the data folder could not be made
            message = f"cannot create the data folder {folder}: "
            if why := reason_of(exc):
                raise CannotWriteError(message + why, why) from None
            raise StoreError(message + (exc.strerror or str(exc))) from None
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            where = f" while {reason}" if reason else ""
            raise StoreError(f"cannot open the database {path}{where}: {exc}") from None
        except StoreError:
            self._close_quietly()
            raise

    def _open_writable(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: each method manages its own transaction explicitly.
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        self._refuse_newer_schema()  # before any pragma that would write to the file
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def _open_read_only(self, reason: str) -> None:
        """Open for reading only, because ``reason``: what needs no write still works."""
        if not self.path.is_file():
            raise CannotWriteError(
                f"cannot create the library's database in {self.path.parent}: {reason}", reason
            )
        self._db = connect_read_only(self.path)
        self.read_only_reason = reason
        self._refuse_newer_schema()
        version = self.schema_version
        if version < LATEST_VERSION:
            raise CannotWriteError(
                f"the database {self.path} must be upgraded for this version of the app "
                f"(schema {version} to {LATEST_VERSION}), and cannot be while {reason}; "
                "it was left untouched",
                reason,
            )
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA query_only = 1")  # a write that slips through fails too

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _refuse_newer_schema(self) -> None:
        version = self.schema_version
        if version > LATEST_VERSION:
            raise StoreError(
                f"the database {self.path} was written by a newer version of the app "
                f"(schema {version}, this version knows up to {LATEST_VERSION}); "
                "it was left untouched: install the newer version to open it"
            )

    def _migrate(self) -> None:
        version = self.schema_version
        for target in range(version + 1, LATEST_VERSION + 1):
            with _Transaction(self._db):
                for statement in MIGRATIONS[target - 1]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {target}")

    # Tags on resources

    def add_tags(self, resource_id: str, tags: Iterable[str]) -> list[str]:
        """Attach tags (normalised; an existing tag keeps its first spelling). Returns all tags."""
        names = [normalise_tag(t) for t in tags]
        with self._transaction():
            for name in names:
                self._db.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (name,))
                self._db.execute(
                    """INSERT OR IGNORE INTO resource_tags(resource_id, tag_id, added_at)
                       SELECT ?, id, ? FROM tags WHERE name = ?""",
                    (resource_id, now(), name),
                )
        return self.tags_of(resource_id)

    def remove_tags(self, resource_id: str, tags: Iterable[str]) -> list[str]:
        names = [normalise_tag(t) for t in tags]
        with self._transaction():
            for name in names:
                self._db.execute(
                    """DELETE FROM resource_tags WHERE resource_id = ?
                       AND tag_id = (SELECT id FROM tags WHERE name = ?)""",
                    (resource_id, name),
                )
            self.drop_unused_tags()
        return self.tags_of(resource_id)

    def tags_of(self, resource_id: str) -> list[str]:
        rows = self._db.execute(
            """SELECT t.name FROM resource_tags rt JOIN tags t ON t.id = rt.tag_id
               WHERE rt.resource_id = ? ORDER BY t.name COLLATE NOCASE""",
            (resource_id,),
        )
        return [name for (name,) in rows]

    def tags_by_resource(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        rows = self._db.execute(
            """SELECT rt.resource_id, t.name FROM resource_tags rt JOIN tags t ON t.id = rt.tag_id
               ORDER BY t.name COLLATE NOCASE"""
        )
        for resource_id, name in rows:
            result.setdefault(resource_id, []).append(name)
        return result

    def all_tags(self) -> list[str]:
        return [
            n for (n,) in self._db.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")
        ]

    def resources_tagged(self, tag: str) -> set[str]:
        rows = self._db.execute(
            """SELECT rt.resource_id FROM resource_tags rt JOIN tags t ON t.id = rt.tag_id
               WHERE t.name = ?""",
            (normalise_tag(tag),),
        )
        return {rid for (rid,) in rows}

    # Reading state

    def set_last_page(self, resource_id: str, page: int) -> None:
        with self._transaction():
            self._db.execute(
                """INSERT INTO reading_state(resource_id, last_page, last_opened) VALUES (?, ?, ?)
                   ON CONFLICT(resource_id) DO UPDATE
                   SET last_page = excluded.last_page, last_opened = excluded.last_opened""",
                (resource_id, page, now()),
            )

    def last_page(self, resource_id: str) -> int | None:
        row = self._db.execute(
            "SELECT last_page FROM reading_state WHERE resource_id = ?", (resource_id,)
        ).fetchone()
        return int(row[0]) if row else None

    def last_opened(self) -> dict[str, str]:
        """When each resource ever opened was last opened (ISO 8601, UTC), by resource id."""
        rows = self._db.execute("SELECT resource_id, last_opened FROM reading_state")
        return {rid: opened for rid, opened in rows}

    def recently_read(self, limit: int = 10) -> Sequence[str]:
        rows = self._db.execute(
            "SELECT resource_id FROM reading_state ORDER BY last_opened DESC LIMIT ?", (limit,)
        )
        return [rid for (rid,) in rows]

    def drop_unused_tags(self) -> None:
        """A tag nothing uses any more disappears from autocomplete lists."""
        self._db.execute(
            """DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM resource_tags)
               AND id NOT IN (SELECT tag_id FROM annotation_tags)"""
        )

    def tag_id(self, name: str) -> int:
        """The id of a tag (normalised), made if new; call inside a transaction."""
        name = normalise_tag(name)
        self._db.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (name,))
        return int(self._db.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0])

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if self.read_only_reason and "readonly" in str(exc).replace("-", ""):
                raise not_saved(self.read_only_reason) from None
            raise

    def transaction(self) -> _Transaction:
        """Several writes that land together or not at all (BEGIN IMMEDIATE ... COMMIT)."""
        return self._transaction()

    def integrity_check(self) -> str:
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db, self.read_only_reason, self.path.parent)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""

    def __init__(
        self, db: sqlite3.Connection, read_only: str = "", folder: Path | None = None
    ) -> None:
        self._db = db
        self._read_only = read_only  # why nothing can be written, if so
        self._folder = folder  # the database's, to find out why a write failed

    def __enter__(self) -> None:
        if self._read_only:
            raise not_saved(self._read_only)
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _write_error(exc, self._folder) from exc

    def __exit__(self, exc_type: object, exc: object, _tb: object) -> None:
        if exc_type is None:
            try:
                self._db.execute("COMMIT")
                return
            except sqlite3.Error as commit_error:
                exc = commit_error
        if self._db.in_transaction:
            # SQLite may have rolled back already (as it does when the disk is full).
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.OperationalError):
            # Disk full, read-only, locked: a reason the user can act on.
            raise _write_error(exc, self._folder) from exc
        if exc_type is None and isinstance(exc, sqlite3.Error):
            raise _write_error(exc, self._folder) from exc
