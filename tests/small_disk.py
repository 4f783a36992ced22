"""A small tmpfs for the full-disk and read-only tests: mounted in a test's folder,
filled until ENOSPC or remounted read-only, and always unmounted after."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SIZE = "8m"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)


@contextlib.contextmanager
def mounted(folder: Path, size: str = SIZE) -> Iterator[Path]:
    """A fresh tmpfs at ``folder``; skips the test where mounting is not permitted."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs (a disk to fill) needs Linux and root")
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    folder.mkdir(parents=True, exist_ok=True)
    done = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        unmount(folder)


def unmount(folder: Path) -> None:
    if _run("umount", str(folder)).returncode != 0:
        # Busy (a file left open): detach it now; it goes when the last file closes.
        _run("umount", "-l", str(folder))
    assert not os.path.ismount(folder), f"{folder} is still mounted"


def fill(folder: Path) -> None:
    """Write a file in ``folder`` until the disk says it is full."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for chunk in (1 << 20, 1 << 12, 1):
            try:
                while os.write(fd, bytes(chunk)):
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
    finally:
        os.close(fd)


def make_read_only(folder: Path) -> None:
    done = _run("mount", "-o", "remount,ro", str(folder))
    assert done.returncode == 0, done.stderr
