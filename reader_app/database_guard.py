"""What must be true before the library's database is opened: never a fresh, empty
database made where a user's data is (an empty or damaged file, or a restore's leftovers),
and the daily backups offered instead; and the leftovers ``doctor`` reports.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from reader_app import backups, restore_journal
from reader_app.importing import FILES
from reader_app.paths import AppPaths
from reader_app.store import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"


class UnusableDatabaseError(StoreError):
    """The database is empty, damaged, or missing beside a restore's leftovers; it was
    left as it is. ``backups`` are the daily backups that could replace it."""

    def __init__(
        self, problem: str, advice: str, database: Path, found: list[backups.Backup]
    ) -> None:
        super().__init__(f"{problem}; {advice}")
        self.problem = problem
        self.database = database
        self.backups = found


def check_before_open(paths: AppPaths) -> None:
    """Raise UnusableDatabaseError unless opening ``paths.database`` is safe: it is an
    SQLite file, or it is missing and nothing says a library was there."""
    database = paths.database
    problem = database_problem(paths)
    if problem:
        found = backups.backups_in(paths.data_dir / backups.FOLDER)
        raise UnusableDatabaseError(problem, backups_advice(paths, found), database, found)


def database_problem(paths: AppPaths) -> str:
    """Why the database must not be opened (or created) as it is, or ""."""
    database = paths.database
    try:
        size = database.stat().st_size
    except FileNotFoundError:
        left = restore_leftovers(paths.data_dir)
        if not left:
            held = _library_data(paths)
            if held:
                # The database was lost, not never made: a fresh one would let the next
                # start sweep the documents as orphans and the daily backups rotate out.
                return (
                    f"there is no database at {database}, but {paths.data_dir} holds "
                    f"{held}; no new, empty library was made (to start one, move "
                    f"{backups.FOLDER} and {FILES} out of the data folder)"
                )
            return ""  # a first start: the app creates the library
        names = ", ".join(p.name for p in left[:3])
        return (
            f"there is no database at {database}, but {names} in {paths.data_dir} "
            "hold data from a restore; no new, empty library was made"
        )
    except OSError:
        return ""  # not readable: opening it says why
    if size == 0:
        return f"cannot open the database {database}: it is empty (0 bytes); it was left as it is"
    try:
        with database.open("rb") as stream:
            header = stream.read(len(SQLITE_HEADER))
    except OSError:
        return ""
    if header != SQLITE_HEADER:
        return (
            f"cannot open the database {database}: it is damaged (file is not a database); "
            "it was left as it is"
        )
    return damage(database)


def _library_data(paths: AppPaths) -> str:
    """What in the data folder says a library was there (daily backups, imported
    documents), or ""."""
    held = []
    found = backups.backups_in(paths.data_dir / backups.FOLDER)
    if found:
        held.append(f"{len(found)} daily backup{'s' if len(found) != 1 else ''}")
    files = paths.data_dir / FILES
    try:
        if files.is_dir() and any(not p.name.startswith(".") for p in files.iterdir()):
            held.append(f"your imported documents in {FILES}/")
    except OSError:
        pass
    return " and ".join(held)


def damage(database: Path) -> str:
    """A message if SQLite cannot read the database's schema (damaged), else ""."""
    try:
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.OperationalError:
        return ""  # busy, locked or unreadable here: not damage; opening it says why
    except sqlite3.DatabaseError as exc:
        return f"cannot open the database {database}: it is damaged ({exc}); it was left as it is"
    return ""


def backups_advice(paths: AppPaths, found: list[backups.Backup] | None = None) -> str:
    """The daily backups, and the exact command that restores the newest."""
    folder = paths.data_dir / backups.FOLDER
    found = backups.backups_in(folder) if found is None else found
    if not found:
        return (
            f"there are no daily backups in {folder}: restore a backup archive with "
            f"'reader-app restore FILE' if you have one, or move {paths.database.name} "
            "away to start a new, empty library"
        )
    listed = ", ".join(f"{b.name} ({b.taken:%Y-%m-%d %H:%M} UTC)" for b in found)
    return (
        f"daily backups in {folder}: {listed}; restore the newest with "
        f"'reader-app restore-backup {found[0].name}' (the current file is kept beside it)"
    )


def restore_leftovers(data_dir: Path) -> list[Path]:
    """A restore's journal, staging folders and kept data in ``data_dir``."""
    if not data_dir.is_dir():
        return []
    found = (
        [restore_journal.journal_path(data_dir)]
        if restore_journal.journal_path(data_dir).exists()
        else []
    )
    for entry in sorted(data_dir.iterdir()):
        if _staging(entry) or restore_journal.ASIDE_PREFIX in entry.name:
            found.append(entry)
    return found


def _staging(entry: Path) -> bool:
    """A restore's staging folder (or the staging file of versions before the journal)."""
    return entry.name.startswith(restore_journal.STAGING_PREFIX) or entry.name.endswith(
        ".restoring"
    )


@dataclass(frozen=True)
class Leftover:
    path: Path
    status: str  # "fail" (act on it), "warn" (worth reading) or "ok" (kept on purpose)
    detail: str
    fix: str


def leftovers(paths: AppPaths) -> list[Leftover]:
    """Everything a restore, a backup or a start left in the data folder, what it is and
    what to do about it (for ``doctor``, which changes nothing)."""
    data_dir = paths.data_dir
    found: list[Leftover] = []
    journal_path = restore_journal.journal_path(data_dir)
    if journal_path.exists():
        fix = (
            "run any command (e.g. 'reader-app list') or start the app: it completes the "
            "restore or rolls it back, and says which"
        )
        try:
            journal = restore_journal.read_journal(data_dir, paths)
            step = journal.step if journal else "?"
            what = f"from {journal.describe()}, " if journal else ""
            where = f"; data from before it: {journal.aside}" if journal else ""
        except restore_journal.RestoreJournalError as exc:
            # The app will not act on it (unreadable, or naming paths no restore touches).
            step, what, where = "unreadable", "", f" ({exc})"
            fix = f"check the data folder by hand, then move {journal_path.name} out of it"
        found.append(Leftover(
            journal_path, "fail",
            f"a restore {what}was interrupted (last step: {step}){where}", fix,
        ))  # fmt: skip
    pending = journal_path.exists()
    for entry in sorted(data_dir.iterdir()) if data_dir.is_dir() else ():
        if _staging(entry) and not pending:
            found.append(Leftover(
                entry, "warn",
                f"{entry} holds the unpacked data of a restore that was cut short "
                "(a copy of the backup restored, not your library)",
                f"if your library is as you want it, delete {entry}",
            ))  # fmt: skip
        elif restore_journal.ASIDE_PREFIX in entry.name:
            found.append(Leftover(
                entry, "ok",
                f"{entry} holds your data as it was before a restore; the app keeps it "
                "and never deletes it",
                "delete it when you no longer need it",
            ))  # fmt: skip
    tmp = [p for p in sorted(paths.tmp_dir.iterdir())] if paths.tmp_dir.is_dir() else []
    if tmp:
        found.append(Leftover(
            paths.tmp_dir, "warn",
            f"{paths.tmp_dir} holds {len(tmp)} temporary item(s) "
            f"({', '.join(p.name for p in tmp[:3])}): copies made by a backup, check or "
            "restore that was cut short, or is running",
            "nothing to do: the app removes them at its next start once they are an hour old",
        ))  # fmt: skip
    if paths.database.is_file() and paths.database.stat().st_size == 0:
        found.append(Leftover(
            paths.database, "fail",
            f"the database {paths.database} is empty (0 bytes)",
            backups_advice(paths),
        ))  # fmt: skip
    return found
