"""The one check for a path that comes from outside: a database row, a manifest or an
archive names a file relative to one of our folders, and it must stay inside it.

Every read, write or delete made on behalf of such a name goes through ``inside``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

_DRIVE = re.compile(r"^[A-Za-z]:")


class UnsafePathError(ValueError):
    """A name that would reach outside its folder (or is not a plain relative name)."""


def inside(root: Path, name: str) -> Path:
    """``root / name`` resolved (symlinks followed); UnsafePathError unless ``name`` is a
    plain relative POSIX name (no drive, no backslash, no NUL, no '.', '..' or empty
    parts) and the resolved path is ``root`` itself or below it."""
    if not isinstance(name, str) or not name:
        raise UnsafePathError(f"{name!r} is not a file name")
    if "\x00" in name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
        raise UnsafePathError(f"{name!r} is not a relative path inside {root}")
    parts = PurePosixPath(name).parts
    if any(part in ("", ".", "..") for part in name.split("/")) or not parts:
        raise UnsafePathError(f"{name!r} is not a plain relative path")
    base = Path(os.path.realpath(root))
    resolved = Path(os.path.realpath(base.joinpath(*parts)))
    if resolved != base and base not in resolved.parents:
        raise UnsafePathError(f"{name!r} leads outside {root}")
    return resolved
