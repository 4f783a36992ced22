"""Safe unpacking of resource packs: every name, size and byte checked, all or nothing.

A pack comes from outside, so nothing in it is trusted. The checks are the archive
reader's (``reader_app.archive_reader``, shared with backups and EPUBs) under a pack's
limits: the whole central directory before a byte is written, and every byte counted as
it streams. Files are hashed against the manifest when one is given. Everything is
written into a staging folder beside the target and renamed into place at the end; on
any error or interruption the staging folder is removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath

from reader_app import archive_reader
from reader_app.archive_reader import (
    PACK_LIMITS,
    ArchiveRefused,
    Limits,
    Tally,
    read_small,
    stream_entry,
)
from reader_app.durable import fsync_folder

__all__ = ["Limits", "PackError", "check_archive", "check_name", "read_entry", "safe_extract"]

STAGING_PREFIX = ".staging-"


class PackError(ArchiveRefused):
    """A pack that cannot be unpacked safely; the message names the entry and the rule."""

    noun = "pack"


def check_name(name: str, max_length: int = Limits.max_name_length) -> PurePosixPath:
    """Return ``name`` as a relative path, or raise PackError saying which rule it breaks."""
    return archive_reader.check_name(name, max_length, PackError)


def safe_extract(
    zip_path: Path,
    target: Path,
    limits: Limits = PACK_LIMITS,
    expected: Mapping[str, str] | None = None,
    unhashed: Collection[str] = (),
) -> list[Path]:
    """Unpack ``zip_path`` into the new folder ``target``; return the files written.

    ``expected`` maps every file name in the pack to its SHA-256 (hex); when given, a
    file missing from the pack, a file not listed (other than those in ``unhashed``,
    such as the manifest itself) or a file whose bytes hash differently is refused.
    ``target`` must not exist yet and its parent must; the files appear there all at
    once or not at all. Raises PackError (nothing written) for any fault in the pack or
    in writing it out, FileExistsError if ``target`` exists.
    """
    target = Path(target)
    if target.exists() or target.is_symlink():
        raise FileExistsError(f"{target} already exists; packs unpack into a new folder")
    with archive_reader.open_zip(zip_path, Path(zip_path).name, PackError) as zf:
        files = check_archive(zf, limits, expected, unhashed)
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=STAGING_PREFIX))
        taken = FileExistsError(f"{target} appeared while the pack was being unpacked")
        try:
            _unpack(zf, files, staging, limits, expected)
            if target.exists() or target.is_symlink():
                raise taken
            os.rename(staging, target)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, PackError) or exc is taken or not isinstance(exc, Exception):
                raise
            raise PackError(f"unpacking {Path(zip_path).name} failed: {exc}") from exc
    fsync_folder(target.parent)
    return [target / info.filename for info in files]


def read_entry(
    zip_path: Path,
    name: str,
    max_bytes: int = 16 * 1024**2,
    limits: Limits = PACK_LIMITS,
) -> bytes:
    """Return one small entry (a pack's manifest), after checking the whole pack as
    ``safe_extract`` does; raise PackError if the pack is unsafe or the entry missing."""
    with archive_reader.open_zip(zip_path, Path(zip_path).name, PackError) as zf:
        files = {info.filename: info for info in check_archive(zf, limits)}
        info = files.get(name)
        if info is None:
            raise PackError(f"entry {name!r} is missing from the pack")
        return read_small(zf, info, max_bytes, limits, PackError)


def check_archive(
    zf: zipfile.ZipFile,
    limits: Limits = PACK_LIMITS,
    expected: Mapping[str, str] | None = None,
    unhashed: Collection[str] = (),
) -> list[zipfile.ZipInfo]:
    """Check everything that can be checked without unpacking (the archive reader's
    checks, and the manifest's list when ``expected`` is given); return the file entries.

    Raises PackError on the first rule broken.
    """
    files = archive_reader.check_archive(zf, limits, PackError)
    if expected is not None:
        _check_listed(files, expected, unhashed)
    return files


def _check_listed(
    files: list[zipfile.ZipInfo], expected: Mapping[str, str], unhashed: Collection[str]
) -> None:
    names = {info.filename for info in files}
    for name in sorted(names - set(expected) - set(unhashed)):
        raise PackError(f"entry {name!r} is not listed in the manifest")
    for name in sorted(set(expected) - names):
        raise PackError(f"entry {name!r} is listed in the manifest but missing from the pack")


def _unpack(
    zf: zipfile.ZipFile,
    files: list[zipfile.ZipInfo],
    staging: Path,
    limits: Limits,
    expected: Mapping[str, str] | None,
) -> None:
    root = staging.resolve()
    for info in zf.infolist():
        if info.is_dir():
            (staging / info.filename.rstrip("/")).mkdir(parents=True, exist_ok=True)
    tally = Tally()
    for info in files:
        dest = staging / info.filename
        if root not in dest.resolve().parents:
            raise PackError(f"entry {info.filename!r} would land outside the target folder")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "xb") as out:
            digest = stream_entry(zf, info, out, limits, tally, PackError)
            out.flush()
            os.fsync(out.fileno())
        if expected is not None and info.filename in expected:
            want = expected[info.filename].strip().lower()
            if digest != want:
                raise PackError(
                    f"entry {info.filename!r}: its SHA-256 does not match the manifest "
                    f"(manifest {want}, pack {digest})"
                )
