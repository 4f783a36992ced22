"""The index folder on disk: removed without following links, marked while a process
writes it, and cleared of what rebuilds killed midway left beside it.

A writer keeps ``.writing-<pid>`` in the folder while it holds the index's lock, so a
search in another process can say its answer may be incomplete (Whoosh's lock cannot be
asked about without taking it). Whoosh leaves names starting with a dot alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from reader_app.write_access import DISK_FULL, READ_ONLY, reason_of

WRITING = ".writing-"
REBUILDING = ".rebuilding-"  # a rebuild beside the index, swapped in when whole
REPLACED = ".replaced-"  # the index a rebuild replaced, deleted once it is swapped out


def written_elsewhere(folder: Path) -> bool:
    """Whether another live process is writing the index in ``folder`` now."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    marked = [n[len(WRITING) :] for n in names if n.startswith(WRITING)]
    pids = {int(pid) for pid in marked if pid.isdigit()} - {os.getpid()}
    return any(process_alive(pid) for pid in pids)


def why_not_written(exc: OSError) -> str:
    """What stopped a write, for the user."""
    reason = reason_of(exc)  # the one classification of failed writes
    if reason == DISK_FULL:
        return DISK_FULL
    if reason == READ_ONLY:
        return "its folder is read-only"
    return f"{exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")


def remove(path: Path) -> None:
    """Delete the index folder, or a link or file in its place: a link is removed, never
    followed (rmtree removes the links inside a folder, not what they point to)."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        remove(path)


def mark_writing(folder: Path) -> None:
    """Say this process writes the index (see WRITING); any other marker is stale, as
    this process holds the lock."""
    for name in os.listdir(folder):
        if name.startswith(WRITING):
            (folder / name).unlink(missing_ok=True)
    (folder / f"{WRITING}{os.getpid()}").touch()


def unmark_writing(folder: Path) -> None:
    with contextlib.suppress(OSError):
        (folder / f"{WRITING}{os.getpid()}").unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process with id ``pid`` runs (True where that cannot be told)."""
    if os.name == "nt":  # os.kill(pid, 0) would send Ctrl+C there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError):
        return False
    return True


def sweep_beside(folder: Path) -> None:
    """Remove what rebuilds killed before they finished left beside the index."""
    for prefix in (REBUILDING, REPLACED):
        for path in folder.parent.glob(f"{prefix}*"):
            pid = path.name[len(prefix) :].split("-")[0]
            if not (pid.isdigit() and process_alive(int(pid))) or int(pid) == os.getpid():
                remove_quietly(path)
