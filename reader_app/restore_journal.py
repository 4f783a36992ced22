"""The restore journal: every step of a restore recorded in the data folder, so that a
restore cut short (a kill, a power cut) is completed or rolled back on the next start.

A restore (``restore_archive`` or ``backups.restore``) is a list of renames: the current
data into ``before-restore-*``, then the staged data from ``.restoring-*`` into place.
The journal (``restore-journal.json``, replaced atomically, file and folder fsynced)
holds the list and how many of the renames are done. Recovery finishes the list if the
staged data is whole, else reverses the renames done; both resume wherever a kill left
them, since each rename is either done (its source gone, its target there) or not.

``READER_APP_FAULT=<point>`` kills the process with SIGKILL at that point (tests only;
an unset variable costs one comparison): ``staging``, ``staged``, ``move-N`` (the N-th
rename done, not yet recorded), ``aside``, ``database``, ``files``, ``done``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import shutil
import signal
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader_app.durable import fsync_folder
from reader_app.paths import AppPaths

JOURNAL_NAME = "restore-journal.json"
LOCK_NAME = ".restore.lock"  # Windows only
STAGING_PREFIX = ".restoring-"
ASIDE_PREFIX = "before-restore-"  # a folder (restore), or a file's suffix (restore-backup)
FAULT_ENV = "READER_APP_FAULT"
_FAULT = os.environ.get(FAULT_ENV)  # read once: a test sets it for a whole process

# Steps, in order; the journal says which was reached last.
STAGING = "staging"  # unpacking into .restoring-*: nothing of the library changed yet
STAGED = "staged"  # staged data whole; moving the current data aside
ASIDE = "aside"  # the current data is all in before-restore-*
DATABASE = "database"  # the restored database is in place
FILES = "files"  # the restored files and settings are in place
DONE = "done"
ROLLING_BACK = "rolling-back"  # putting the data from before back


class RestoreJournalError(RuntimeError):
    """A restore that cannot go on, or be recovered; the message is for the user."""


def fault_point(name: str) -> None:
    """Kill this process here if the test asked for it (``READER_APP_FAULT``)."""
    if name == _FAULT:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Journal:
    """One restore's plan and progress, as recorded in the data folder."""

    data_dir: str
    kind: str  # "archive" (reader-app restore) or "snapshot" (reader-app restore-backup)
    source: str  # the archive or daily backup restored from
    staging: str  # the .restoring-* folder
    aside: str  # where the current data goes (a folder, or the database's new name)
    started: str
    step: str = STAGING
    moves: list[list[str]] = field(default_factory=list)  # [source, target], in order
    aside_count: int = 0  # the first moves are the current data going aside
    moved: int = 0  # moves done
    # What each staged file must be (name in the staging folder, size, SHA-256).
    expect: list[list[Any]] = field(default_factory=list)
    index_dir: str = ""  # derived data, removed once restored ("" to keep it)
    work: str = ""  # the restore's folder in tmp/ (its checked copy), removed with staging

    @property
    def path(self) -> Path:
        return Path(self.data_dir) / JOURNAL_NAME

    def save(self) -> None:
        _write_atomically(self.path, json.dumps(asdict(self), indent=1).encode())

    def record(self, step: str) -> None:
        self.step = step
        self.save()
        fault_point(step)

    def describe(self) -> str:
        return f"{'the backup archive' if self.kind == 'archive' else 'the backup'} " + (
            Path(self.source).name
        )


def journal_path(data_dir: Path) -> Path:
    return data_dir / JOURNAL_NAME


def read_journal(data_dir: Path, app_paths: AppPaths | None = None) -> Journal | None:
    """The journal of an unfinished restore in ``data_dir``, or None. It is data on disk
    like any other: refused unless every path it names is one a restore of ``app_paths``
    (by default the ``--data-dir`` layout) would use."""
    path = journal_path(data_dir)
    try:
        raw = json.loads(path.read_bytes())
        if not isinstance(raw, dict):
            raise ValueError("it is not a journal")
        journal = Journal(**raw)
        journal.data_dir = str(data_dir)
        if not isinstance(journal.moves, list) or journal.step not in _STEPS:
            raise ValueError(f"unknown step {journal.step!r}")
        problem = journal_problem(journal, app_paths or _layout(data_dir))
        if problem:
            raise ValueError(problem)
        return journal
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, RecursionError) as exc:
        raise RestoreJournalError(
            f"the restore journal {path} cannot be read ({exc}); nothing was changed: the "
            f"data from before the restore is in the {ASIDE_PREFIX}* folder or file of "
            f"{data_dir}, the restored data in its {STAGING_PREFIX}* folder; once you have "
            f"put them where you want them, move {path.name} out of the data folder"
        ) from None


_STEPS = (STAGING, STAGED, ASIDE, DATABASE, FILES, DONE, ROLLING_BACK)
_CONFIG_FILES = ("settings.json", "window-state.ini")  # as backup_archive.CONFIG_FILES


def _layout(data_dir: Path) -> AppPaths:
    return AppPaths(data_dir, data_dir / "config", data_dir / "cache")


def journal_problem(journal: Journal, app_paths: AppPaths) -> str:
    """Why the journal names a path no restore of ``app_paths`` would touch (or a
    staging, aside or work folder that is a link), or "" if it names none. Recovery
    renames, removes and deletes the folders a journal names, so a crafted one must not
    reach anything else."""
    data_dir, database = Path(app_paths.data_dir), Path(app_paths.database)
    fields = (journal.kind, journal.staging, journal.aside, journal.work, journal.index_dir)
    if not all(type(v) is str for v in fields):
        return "a path in it is not text"
    if not all(type(v) is int and v >= 0 for v in (journal.moved, journal.aside_count)):
        return "its counts are not counts"
    if journal.kind not in ("archive", "snapshot"):
        return f"unknown kind {journal.kind[:40]!r}"
    staging, aside = Path(journal.staging), Path(journal.aside)
    if staging.parent != data_dir or not staging.name.startswith(STAGING_PREFIX):
        return f"its staging folder {journal.staging[:200]!r} is not in {data_dir}"
    if journal.kind == "archive":
        aside_ok = aside.parent == data_dir and aside.name.startswith(ASIDE_PREFIX)
    else:
        kept = f"{database.name}.{ASIDE_PREFIX}"
        aside_ok = aside == database or (
            aside.parent == data_dir and aside.name.startswith(kept) and "/" not in aside.name
        )
    if not aside_ok:
        return f"its folder for the data from before {journal.aside[:200]!r} is not in {data_dir}"
    if journal.work and Path(journal.work).parent != Path(app_paths.tmp_dir):
        return f"its work folder {journal.work[:200]!r} is not in {app_paths.tmp_dir}"
    if journal.index_dir and Path(journal.index_dir) != Path(app_paths.index_dir):
        return f"its index folder {journal.index_dir[:200]!r} is not {app_paths.index_dir}"
    # Recovery removes these folders: none of them (nor the folders holding the work
    # and index folders) may be a link that leads elsewhere.
    folders = [staging, aside]
    if journal.work:
        folders += [Path(app_paths.tmp_dir), Path(journal.work)]
    if journal.index_dir:
        index = Path(app_paths.index_dir)
        folders += [index.parent, index]
    for folder in folders:
        if folder.is_symlink():
            return f"{folder} is a link"
    allowed = _allowed_moves(journal, app_paths)
    for move in journal.moves:
        if not (isinstance(move, list) and len(move) == 2 and all(type(p) is str for p in move)):
            return "a rename in it is not a pair of paths"
        pair = (Path(move[0]), Path(move[1]))
        if pair not in allowed and not (journal.step == ROLLING_BACK and pair[::-1] in allowed):
            return f"it would move {move[0][:200]!r} to {move[1][:200]!r}"
    if journal.moved > len(journal.moves) or journal.aside_count > len(journal.moves):
        return "its counts do not fit its renames"
    for entry in journal.expect:
        if not (isinstance(entry, list) and len(entry) == 3 and type(entry[0]) is str):
            return "what it expects of the staged data is malformed"
        parts = entry[0].split("/")
        if entry[0].startswith("/") or any(p in ("", ".", "..") for p in parts):
            return f"it names {entry[0][:200]!r} in its staging folder"
    return ""


def _allowed_moves(journal: Journal, app_paths: AppPaths) -> set[tuple[Path, Path]]:
    """Every rename a restore of this kind makes (the current data aside, the staged data
    into place)."""
    database, data_dir = Path(app_paths.database), Path(app_paths.data_dir)
    staging, aside = Path(journal.staging), Path(journal.aside)
    if journal.kind == "snapshot":
        pairs = {
            (database.with_name(database.name + s), aside.with_name(aside.name + s))
            for s in ("", "-wal", "-shm")
        }
        return pairs | {(staging / database.name, database)}
    config = Path(app_paths.config_dir)
    live = [database.with_name(database.name + s) for s in ("", "-wal", "-shm", "-journal")]
    pairs = {(p, aside / p.name) for p in [*live, data_dir / "files"]}
    pairs |= {(config / c, aside / "config" / c) for c in _CONFIG_FILES}
    pairs |= {(staging / database.name, database), (staging / "files", data_dir / "files")}
    return pairs | {(staging / "config" / c, config / c) for c in _CONFIG_FILES}


def begin(
    data_dir: Path,
    kind: str,
    source: Path,
    aside: Path,
    index_dir: Path | None = None,
    work: Path | None = None,
) -> Journal:
    """Record a restore about to stage its data; the caller creates ``journal.staging``."""
    now = datetime.now(UTC)
    staging = data_dir / f"{STAGING_PREFIX}{now:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    journal = Journal(
        data_dir=str(data_dir),
        kind=kind,
        source=str(source),
        staging=str(staging),
        aside=str(aside),
        started=now.isoformat(timespec="seconds"),
        index_dir=str(index_dir) if index_dir is not None else "",
        work=str(work) if work is not None else "",
    )
    journal.record(STAGING)
    return journal


def staged(journal: Journal, aside: list[tuple[Path, Path]], incoming: list[tuple[Path, Path]],
           expect: list[tuple[str, int, str]]) -> None:  # fmt: skip
    """Record that the staged data is whole, and the renames that will put it in place:
    ``aside`` (the current data, where it goes) then ``incoming`` (database first)."""
    journal.moves = [[str(s), str(t)] for s, t in [*aside, *incoming]]
    journal.aside_count = len(aside)
    journal.moved = 0
    journal.expect = [list(e) for e in expect]
    journal.record(STAGED)


def carry_out(journal: Journal) -> None:
    """Do the renames not yet done, recording each; then the restore is finished."""
    if journal.step != ROLLING_BACK and journal.kind == "archive":
        Path(journal.aside).mkdir(parents=True, exist_ok=True)
    while journal.moved < len(journal.moves):
        source, target = journal.moves[journal.moved]
        _move(Path(source), Path(target))
        journal.moved += 1
        fault_point(f"move-{journal.moved}")
        before, journal.step = journal.step, _step_after(journal)
        journal.save()
        if journal.step != before:
            fault_point(journal.step)
    if journal.step != ROLLING_BACK:
        journal.record(FILES)
        if journal.index_dir:
            shutil.rmtree(journal.index_dir, ignore_errors=True)  # derived: rebuilt on use
        journal.record(DONE)
    finish(journal)


def _step_after(journal: Journal) -> str:
    if journal.step == ROLLING_BACK:
        return ROLLING_BACK
    if journal.moved < journal.aside_count:
        return STAGED
    if journal.moved == journal.aside_count:
        return ASIDE
    return DATABASE  # the database is the first of the incoming moves


class SwapFailed(RestoreJournalError):
    """The renames that put a restore in place failed (``cause``); ``undone`` says whether
    the data from before is back, or the next start is to finish what the journal says."""

    def __init__(self, cause: BaseException, undone: bool) -> None:
        super().__init__(str(cause))
        self.cause, self.undone = cause, undone


def swap_in(journal: Journal, aside: list[tuple[Path, Path]], incoming: list[tuple[Path, Path]],
            expect: list[tuple[str, int, str]]) -> None:  # fmt: skip
    """Record the renames (``staged``) and carry them out; if any fails, undo those done.
    Raises SwapFailed."""
    try:
        staged(journal, aside, incoming, expect)
        carry_out(journal)
    except (OSError, RestoreJournalError) as exc:
        try:
            roll_back(journal)
        except (OSError, RestoreJournalError):
            raise SwapFailed(exc, undone=False) from None
        raise SwapFailed(exc, undone=True) from None


def roll_back(journal: Journal) -> None:
    """Put the data from before back: reverse the renames done (the one a kill may have
    cut short included, if it happened), then forget the restore."""
    if journal.step != ROLLING_BACK:
        done = journal.moves[: journal.moved]
        if journal.moved < len(journal.moves):
            source, target = map(Path, journal.moves[journal.moved])
            if not _exists(source) and _exists(target):
                done = journal.moves[: journal.moved + 1]
        journal.moves = [[t, s] for s, t in reversed(done)]
        journal.moved = 0
        journal.record(ROLLING_BACK)
    carry_out(journal)


def finish(journal: Journal) -> None:
    """Remove what is left of the staged data and the journal (the restore is over)."""
    shutil.rmtree(journal.staging, ignore_errors=True)
    if journal.work:
        shutil.rmtree(journal.work, ignore_errors=True)
    if journal.step == ROLLING_BACK and journal.kind == "archive":
        _remove_empty(Path(journal.aside))
    journal.path.unlink(missing_ok=True)
    remove_half_written(Path(journal.data_dir))
    fsync_folder(Path(journal.data_dir))


def remove_half_written(data_dir: Path) -> None:
    """Journal copies a kill left half-written (the journal itself is replaced whole)."""
    for part in data_dir.glob(f".{JOURNAL_NAME}.*.part"):
        part.unlink(missing_ok=True)


def discard(journal: Journal) -> None:
    """A restore refused before it changed anything: forget it."""
    shutil.rmtree(journal.staging, ignore_errors=True)
    if journal.work:
        shutil.rmtree(journal.work, ignore_errors=True)
    journal.path.unlink(missing_ok=True)
    remove_half_written(Path(journal.data_dir))
    fsync_folder(Path(journal.data_dir))


def staged_whole(journal: Journal) -> str:
    """Why the staged data not yet moved into place is not whole, or "" if it is."""
    staging = Path(journal.staging)
    pending = []
    for index in range(max(journal.moved, journal.aside_count), len(journal.moves)):
        source, target = map(Path, journal.moves[index])
        if not _exists(source) and _exists(target):
            continue  # moved before the kill
        pending.append(source.relative_to(staging).as_posix())
    for name, size, sha256 in journal.expect:
        if not any(name == p or name.startswith(p + "/") for p in pending):
            continue
        path = staging.joinpath(*name.split("/"))
        try:
            if path.stat().st_size != size or sha256_of(path) != sha256:
                return f"{name} in {staging} is not as it was staged"
        except OSError as exc:
            return f"{name} in {staging} cannot be read ({exc.strerror or exc})"
    for index in range(max(journal.moved, journal.aside_count), len(journal.moves)):
        source, target = map(Path, journal.moves[index])
        if not _exists(source) and not _exists(target):
            return f"{source} is missing"
    return _staged_database_problem(journal, pending)


def _staged_database_problem(journal: Journal, pending: list[str]) -> str:
    """Why the staged database still to be moved into place is not one the app writes,
    or "": the journal and the staging folder are files on disk, so one planted there
    gets the same check as a restore's."""
    from reader_app.database_check import DatabaseCheckError, check_database

    for name in pending:
        if "/" in name or not name.endswith(".sqlite3"):
            continue
        try:
            check_database(Path(journal.staging) / name)
        except DatabaseCheckError as exc:
            return f"the staged database is not one this app writes ({exc})"
    return ""


def recover(data_dir: Path, app_paths: AppPaths | None = None) -> str | None:
    """Complete or roll back a restore cut short in ``data_dir`` (of ``app_paths``); say
    which, and where the data is. None if there was none. Safe to run again if killed
    while it runs."""
    if not journal_path(data_dir).exists():
        return None
    with exclusive(data_dir) as held:
        if not held:
            raise RestoreJournalError(
                "a restore is under way in another Resource Reader; try again when it has finished"
            )
        journal = read_journal(data_dir, app_paths)
        if journal is None:
            return None
        try:
            return _recover(journal)
        except (OSError, RestoreJournalError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise RestoreJournalError(
                f"a restore from {journal.describe()} was interrupted and cannot be finished "
                f"or undone now ({why}); nothing is lost: the data from "
                f"before it is in {journal.aside}, the restored data in {journal.staging}; "
                "the next start tries again"
            ) from None


def _recover(journal: Journal) -> str:
    what = journal.describe()
    if journal.step == STAGING:
        discard(journal)
        return (
            f"a restore from {what} was interrupted before it changed anything; "
            "it was abandoned and your library is as it was"
        )
    if journal.step == DONE:
        finish(journal)
        return f"the restore from {what} had finished; {_kept(journal)}"
    if journal.step == ROLLING_BACK:
        why = "it was being undone"
    else:
        why = staged_whole(journal)
        if not why:
            carry_out(journal)
            return (
                f"a restore from {what} was interrupted; it has now been completed: "
                f"the library holds the restored data, and {_kept(journal)}"
            )
    roll_back(journal)
    return (
        f"a restore from {what} was interrupted and has been rolled back ({why}): "
        "your library is as it was before the restore"
    )


def _kept(journal: Journal) -> str:
    if not journal.aside_count:
        return "there was no data before it to keep"
    return f"the data from before it is kept in {journal.aside} (never deleted by the app)"


@contextlib.contextmanager
def sole_restore(data_dir: Path) -> Iterator[None]:
    """Hold the restore lock for a restore about to start; RestoreJournalError if another
    process holds it, or an earlier restore is not yet recovered."""
    with exclusive(data_dir) as held:
        if not held:
            raise RestoreJournalError(
                "another restore is under way in this data folder; nothing was changed"
            )
        refuse_if_pending(data_dir)
        yield


def refuse_if_pending(data_dir: Path) -> None:
    """Refuse to start a restore over one not yet recovered."""
    if journal_path(data_dir).exists():
        raise RestoreJournalError(
            f"an earlier restore in {data_dir} was interrupted and is not yet recovered; "
            "run 'reader-app list' (or start the app) first: it completes or undoes it"
        )


@contextlib.contextmanager
def exclusive(data_dir: Path) -> Iterator[bool]:
    """Hold the data folder's restore lock if no other process does; yield whether held.
    On POSIX the lock is on the folder itself (nothing is written); on Windows, on a
    file of its own. (The journal is replaced, so it cannot carry one.)"""
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows
        fcntl = None  # type: ignore[assignment]
    if fcntl is None:
        fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    else:
        fd = os.open(data_dir, os.O_RDONLY)
    try:
        yield _lock(fd)
    finally:
        os.close(fd)  # releases the lock


def _lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


# Renames that resume


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` to ``target``; if a kill cut it short, finish it. On two file
    systems the copy is made under a temporary name, so ``target`` existing means it is
    whole and only ``source`` may be left to remove."""
    if _exists(target):
        if _exists(source):
            if os.lstat(source).st_dev == os.lstat(target.parent).st_dev:
                # A rename is atomic: something else was put there since.
                raise RestoreJournalError(f"cannot restore: {target} is in the way")
            _remove(source)  # a copy across file systems, whole; its original is left
        return
    if not _exists(source):
        raise RestoreJournalError(f"cannot restore: {source} is missing")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        temporary = target.with_name(f".{target.name}.moving")
        _remove(temporary)
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, temporary, symlinks=True)
        else:
            shutil.copy2(source, temporary, follow_symlinks=False)
            with contextlib.suppress(OSError), open(temporary, "rb+") as copy:
                os.fsync(copy.fileno())
        os.replace(temporary, target)
        fsync_folder(target.parent)
        _remove(source)
    fsync_folder(target.parent)
    fsync_folder(source.parent)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif _exists(path):
        path.unlink()


def _remove_empty(folder: Path) -> None:
    """Remove ``folder`` and the empty folders in it, if they hold nothing."""
    if not folder.is_dir():
        return
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            sub.rmdir()
    with contextlib.suppress(OSError):
        folder.rmdir()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)
