"""Rotating backups of the user-data database, and restoring one.

A backup is taken with SQLite's online backup API (consistent even while the app
writes), checked with ``PRAGMA integrity_check`` and only then given its final
name, so a half-written backup never looks like a good one. One a day is kept
for the last ``KEEP`` days. Restoring checks the backup first and keeps the
current database aside (never deleted).
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reader_app import restore_journal
from reader_app.database_check import DatabaseCheckError, check_database
from reader_app.store import connect_read_only

KEEP = 7
FOLDER = "backups"
_NAME = re.compile(r"^library-(\d{8}-\d{6})\.sqlite3$")


class BackupError(RuntimeError):
    """A backup that cannot be taken, read or restored; the message says why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime  # UTC

    @property
    def name(self) -> str:
        return self.path.name

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "path": str(self.path),
            "taken": self.taken.isoformat(timespec="seconds"),
            "size": self.path.stat().st_size,
        }


def backups_in(folder: Path) -> list[Backup]:
    """The backups in ``folder``, newest first (files with other names are ignored)."""
    found = []
    for entry in folder.glob("library-*.sqlite3") if folder.is_dir() else ():
        match = _NAME.match(entry.name)
        if match:
            taken = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
            found.append(Backup(entry, taken))
    return sorted(found, key=lambda b: b.taken, reverse=True)


def take_daily_backup(database: Path, folder: Path, now: datetime | None = None) -> Backup | None:
    """Back up ``database`` unless today's backup exists; keep the newest ``KEEP``."""
    now = now or datetime.now(UTC)
    existing = backups_in(folder)
    if existing and existing[0].taken.date() == now.date():
        return None
    if not database.exists():
        return None
    made = take_backup(database, folder, now)
    for old in backups_in(folder)[KEEP:]:
        with contextlib.suppress(OSError):
            old.path.unlink()
    return made


def take_backup(database: Path, folder: Path, now: datetime | None = None) -> Backup:
    now = now or datetime.now(UTC)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"library-{now:%Y%m%d-%H%M%S}.sqlite3"
    with _checked_copy(database, final.with_suffix(".partial"), "cannot back up") as copy:
        os.replace(copy, final)
    return Backup(final, now.replace(microsecond=0))


def restore(database: Path, backup: Path, now: datetime | None = None) -> Path | None:
    """Put ``backup`` in place of ``database``; return where the old database was kept."""
    now = now or datetime.now(UTC)
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    problem = integrity(backup)
    if problem != "ok":
        raise BackupError(f"the backup {backup.name} is damaged ({problem}); nothing was changed")
    try:
        check_database(backup)
    except DatabaseCheckError as exc:
        raise BackupError(
            f"the backup {backup.name} is refused: it is not a database this app writes "
            f"({exc}); nothing was changed"
        ) from None
    data_dir = database.parent
    with restore_journal.sole_restore(data_dir):
        kept = _kept_name(database, now) if database.exists() else None
        journal = restore_journal.begin(data_dir, "snapshot", backup, kept or database)
        staging = Path(journal.staging)
        incoming = staging / database.name
        try:
            staging.mkdir()
            _copy(backup, incoming)
            problem = integrity(incoming)
            if problem != "ok":
                raise BackupError(
                    f"cannot restore {backup.name}: the copy failed its check ({problem})"
                )
            # The copy is what goes in place: checked again, as the backup may have
            # changed since it was checked.
            check_database(incoming)
            expect = [(incoming.name, incoming.stat().st_size, restore_journal.sha256_of(incoming))]
        except DatabaseCheckError as exc:
            restore_journal.discard(journal)
            raise BackupError(
                f"the backup {backup.name} is refused: it is not a database this app writes "
                f"({exc}); nothing was changed"
            ) from None
        except (sqlite3.Error, OSError) as exc:
            restore_journal.discard(journal)
            raise BackupError(f"cannot restore {backup.name}: {exc}; nothing was changed") from None
        except BaseException:
            restore_journal.discard(journal)
            raise
        if in_use(database):
            restore_journal.discard(journal)
            raise BackupError(f"cannot restore {backup.name}: {IN_USE}")
        # The WAL and SHM belong to the old file, which keeps them.
        aside = [
            (database.with_name(database.name + suffix), kept.with_name(kept.name + suffix))
            for suffix in ("", "-wal", "-shm")
            if kept is not None and database.with_name(database.name + suffix).exists()
        ]
        try:
            restore_journal.swap_in(journal, aside, [(incoming, database)], expect)
        except restore_journal.SwapFailed as failed:
            if failed.undone:
                raise BackupError(
                    f"cannot restore {backup.name}: {failed}; the database was put back as it was"
                ) from None
            raise BackupError(
                f"cannot restore {backup.name}: {failed}; putting the database back failed "
                f"too: it is kept as {kept}, and the next start completes the restore or "
                "puts it back (the journal says which), and tells you"
            ) from None
    return kept


def in_use(database: Path) -> bool:
    """Whether another connection (the app's window, a command) has ``database`` open: it
    would go on writing into the file moved aside. Leaving WAL needs every other
    connection closed; SQLite refuses it at once otherwise. Whatever else goes wrong
    here (a damaged file, a read-only disk) is for the restore to meet, not this."""
    if not database.is_file():
        return False
    try:
        db = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                db.execute("PRAGMA journal_mode = DELETE")  # the WAL folded in: one file
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:
        return False
    return False


IN_USE = (
    "the library is open in another Resource Reader window or command; close it and try "
    "again (nothing was changed)"
)


def _kept_name(database: Path, now: datetime) -> Path:
    """Where the current database goes: ``<name>.before-restore-<time>``, never over one
    kept before."""
    base = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


@contextlib.contextmanager
def _checked_copy(source: Path, staging: Path, failure: str) -> Iterator[Path]:
    """Copy ``source`` to ``staging`` and check the copy; the caller moves it into place.
    Whatever happens, nothing is left at ``staging``."""
    try:
        _copy(source, staging)
        problem = integrity(staging)
        if problem != "ok":
            raise BackupError(f"{failure} {source.name}: the copy failed its check ({problem})")
        yield staging
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"{failure} {source.name}: {exc}") from None
    finally:
        with contextlib.suppress(OSError):
            staging.unlink()


def integrity(path: Path) -> str:
    """SQLite's verdict on a database file: "ok", or what is wrong."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = db.execute("PRAGMA integrity_check").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "; ".join(str(r[0]) for r in rows[:3])


def _copy(source: Path, target: Path) -> None:
    src = connect_read_only(source)  # works on a full or read-only disk too
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    with open(target, "rb+") as copy:
        os.fsync(copy.fileno())
