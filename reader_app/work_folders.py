"""Temporary copies of user data (a backup's database, an archive being checked or
restored) in the data folder's ``tmp/``, never the system's temporary folder where
others may read them; and the sweep at start of what a killed process left there."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ABANDONED_AFTER = 3600.0  # seconds untouched before a temporary item counts as left behind


@contextlib.contextmanager
def work_folder(tmp_dir: Path, prefix: str, suffix: str = "") -> Iterator[Path]:
    """A new folder in ``tmp_dir`` (made if need be), removed when done, and ``tmp_dir``
    too if it was made for it and nothing else is in it (a refused archive leaves the
    data folder as it was)."""
    made = not tmp_dir.is_dir()
    for attempt in range(3):
        tmp_dir.mkdir(parents=True, exist_ok=True)
        try:
            work = Path(tempfile.mkdtemp(dir=tmp_dir, prefix=prefix, suffix=suffix))
            break
        except FileNotFoundError:  # another process removed tmp_dir just now
            if attempt == 2:
                raise
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if made:
            with contextlib.suppress(OSError):
                tmp_dir.rmdir()  # only if empty


def sweep(tmp_dir: Path, backup_dir: Path, now: float | None = None) -> list[Path]:
    """Remove what was left in ``tmp_dir`` (and half-written daily backups in
    ``backup_dir``) untouched for ``ABANDONED_AFTER``; return what was removed. The
    caller makes sure no restore is under way."""
    now = time.time() if now is None else now
    removed = []
    # A folder that is a link is not ours to sweep: it would delete what it points to.
    candidates = list(tmp_dir.iterdir()) if _own_folder(tmp_dir) else []
    if _own_folder(backup_dir):
        candidates += [p for p in backup_dir.iterdir() if ".partial" in p.name]
    for entry in candidates:
        if now - _last_touched(entry) < ABANDONED_AFTER:
            continue  # maybe another process's, still at work
        with contextlib.suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    return removed


def _own_folder(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink()


def _last_touched(entry: Path) -> float:
    """The newest modification time of ``entry`` and what is directly in it (a copy
    being written keeps its own time fresh, not its folder's)."""
    try:
        times = [entry.lstat().st_mtime]
        if entry.is_dir() and not entry.is_symlink():
            times += [child.lstat().st_mtime for child in entry.iterdir()]
    except OSError:
        return time.time()  # cannot tell: leave it
    return max(times)
