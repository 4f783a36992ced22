"""Whether a folder can be written, and if not why: the disk is full, or it is read-only.

The library opens read-only for either reason (see ``store.Store``); the words here are
the ones every message uses, in the CLI, the GUI and the doctor.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path

DISK_FULL = "the disk is full"
READ_ONLY = "the data folder is read-only"

# Free space above which a folder is taken to be writable without trying it; below it a
# probe decides (root may write into space kept back from other users).
LOW_SPACE = 1024 * 1024
PROBE_SIZE = 64 * 1024  # about what a save needs: a few WAL frames and the -shm file

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})


def reason_of(exc: OSError) -> str:
    """DISK_FULL or READ_ONLY if that is why ``exc`` happened, else ''."""
    if exc.errno in FULL_ERRNOS:
        return DISK_FULL
    if exc.errno in READ_ONLY_ERRNOS:
        return READ_ONLY
    return ""


def why_unwritable(folder: Path, probe: bool = False) -> str:
    """DISK_FULL or READ_ONLY if nothing can be saved in ``folder`` (an existing folder),
    or '' if it can. Cheap unless space is low or ``probe`` asks to try a write anyway
    (after a write failed for a reason SQLite did not name)."""
    try:
        if _mounted_read_only(folder) or not os.access(folder, os.W_OK):
            return READ_ONLY
        low = shutil.disk_usage(folder).free < LOW_SPACE
    except OSError:
        return ""  # the folder itself is the problem: whatever opens it says so
    return _try_write(folder) if low or probe else ""


def _mounted_read_only(folder: Path) -> bool:
    if not hasattr(os, "statvfs"):  # Windows: the probe finds out
        return False
    return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)


def _try_write(folder: Path) -> str:
    name = ""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".write-probe-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(bytes(PROBE_SIZE))
            out.flush()  # tmpfs and ext4 refuse at write time: no fsync needed
    except OSError as exc:
        return reason_of(exc)
    finally:
        if name:
            with contextlib.suppress(OSError):
                os.unlink(name)
    return ""
