"""Safe unpacking of resource packs: every name, size and byte checked, all or nothing.

A pack comes from outside, so nothing in it is trusted. Before a byte is written the
whole central directory is checked: names (relative, normalised, portable), entry types
(plain files and folders only), duplicates and case collisions, encryption, compression
method, declared sizes and ratios, and that no two entries share compressed data (the
overlapping-entry zip bomb). While unpacking, bytes are counted as they stream, so a
header that lies about a size is caught, and files are hashed against the manifest when
one is given. Everything is written into a staging folder beside the target and renamed
into place at the end; on any error or interruption the staging folder is removed.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import itertools
import os
import re
import shutil
import stat
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

CHUNK = 64 * 1024
STAGING_PREFIX = ".staging-"
MAX_COMPONENT_BYTES = 255  # the usual file-system limit for one name
WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
WINDOWS_FORBIDDEN = set('<>:"|?*')
ALLOWED_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}
_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # the 30 fixed bytes of a local file header
_LOCAL_SIGNATURE = b"PK\x03\x04"
_FLAG_ENCRYPTED = 0x1
_FLAG_STRONG_ENCRYPTION = 0x40
_FLAG_UTF8 = 0x800


class PackError(ValueError):
    """A pack that cannot be unpacked safely; the message names the entry and the rule."""


@dataclass(frozen=True)
class Limits:
    """How much a pack may hold. Ratios are uncompressed bytes per compressed byte."""

    max_entries: int = 2_000
    max_entry_bytes: int = 512 * 1024**2
    max_total_bytes: int = 2 * 1024**3
    max_ratio: float = 100.0
    max_name_length: int = 240
    # Entries (and packs) that unpack to less than this are not held to max_ratio:
    # a few kilobytes of blank text legitimately compress far better than 100:1.
    ratio_exempt_bytes: int = 1024**2


def check_name(name: str, max_length: int = Limits.max_name_length) -> PurePosixPath:
    """Return ``name`` as a relative path, or raise PackError saying which rule it breaks.

    Names must be relative, normalised, stay inside the target and be valid on Windows,
    macOS and Linux alike, so a pack unpacks the same everywhere.
    """
    problem = _name_problem(name, max_length)
    if problem:
        raise PackError(f"entry {name!r}: {problem}")
    return PurePosixPath(name)


def _name_problem(name: str, max_length: int) -> str:
    if not name:
        return "has an empty name"
    if len(name) > max_length:
        return f"has a name longer than {max_length} characters"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "has a control character (or NUL) in its name"
    if "\\" in name:
        return "has a backslash in its name (names use '/' only)"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "starts with a drive letter"
    if name.endswith("/"):
        return "has a name that ends with '/' (only a folder entry may, and only once)"
    for part in name.split("/"):
        if part == "":
            return "has an empty path component ('//')"
        if part == "..":
            return "has a '..' component that climbs out of the target folder"
        if set(part) == {"."}:
            return f"has a {part!r} component (not a normalised path)"
        if part[-1] in ". ":
            return f"has a component ending in a dot or space ({part!r}), which Windows drops"
        if WINDOWS_FORBIDDEN & set(part):
            return f"has a character Windows does not allow in names ({part!r})"
        if part.split(".")[0].rstrip(" ").upper() in WINDOWS_RESERVED:
            return f"uses the Windows reserved device name {part!r}"
        if len(part.encode("utf-8")) > MAX_COMPONENT_BYTES:
            return f"has a component longer than {MAX_COMPONENT_BYTES} bytes"
    return ""


def _key(path: str) -> str:
    """How a case-insensitive, normalising file system (macOS, Windows) sees a name."""
    return unicodedata.normalize("NFC", path).casefold()


def safe_extract(
    zip_path: Path,
    target: Path,
    limits: Limits = Limits(),
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
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise PackError(f"{Path(zip_path).name} is not a readable zip file: {exc}") from exc
    except OSError as exc:
        raise PackError(f"cannot open pack {zip_path}: {exc}") from exc
    with zf:
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
    _fsync_folder(target.parent)
    return [target / info.filename for info in files]


def read_entry(
    zip_path: Path,
    name: str,
    max_bytes: int = 16 * 1024**2,
    limits: Limits = Limits(),
) -> bytes:
    """Return one small entry (a pack's manifest), after checking the whole pack as
    ``safe_extract`` does; raise PackError if the pack is unsafe or the entry missing."""
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise PackError(f"{Path(zip_path).name} is not a readable zip file: {exc}") from exc
    except OSError as exc:
        raise PackError(f"cannot open pack {zip_path}: {exc}") from exc
    with zf:
        files = {info.filename: info for info in check_archive(zf, limits)}
        info = files.get(name)
        if info is None:
            raise PackError(f"entry {name!r} is missing from the pack")
        if info.file_size > max_bytes:
            raise PackError(f"entry {name!r} declares {info.file_size} bytes; at most {max_bytes}")
        small = dataclasses.replace(limits, max_entry_bytes=max_bytes)
        out = io.BytesIO()
        _copy_entry(zf, info, out, hashlib.sha256(), small, 0, info.compress_size)
        return out.getvalue()


def check_archive(
    zf: zipfile.ZipFile,
    limits: Limits = Limits(),
    expected: Mapping[str, str] | None = None,
    unhashed: Collection[str] = (),
) -> list[zipfile.ZipInfo]:
    """Check everything that can be checked without unpacking; return the file entries.

    Raises PackError on the first rule broken.
    """
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise PackError(f"pack has {len(infos)} entries; at most {limits.max_entries} allowed")
    files: list[zipfile.ZipInfo] = []
    for info in infos:
        _check_entry(info, limits)
        if not info.is_dir():
            files.append(info)
    _check_collisions(infos)
    _check_totals(files, limits)
    _check_layout(zf, infos)
    if expected is not None:
        _check_listed(files, expected, unhashed)
    return files


def _check_entry(info: zipfile.ZipInfo, limits: Limits) -> None:
    name = info.filename
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if info.is_dir():
        check_name(name[:-1], limits.max_name_length)
        if kind not in (0, stat.S_IFDIR):
            raise PackError(f"entry {name!r} is a folder entry with a non-folder type")
        if info.file_size or info.compress_size > 2:  # an empty deflate stream is 2 bytes
            raise PackError(f"entry {name!r} is a folder entry that carries data")
    else:
        check_name(name, limits.max_name_length)
        if stat.S_ISLNK(mode):
            raise PackError(f"entry {name!r} is a symbolic link; packs hold only plain files")
        if kind not in (0, stat.S_IFREG):
            raise PackError(f"entry {name!r} is a special file (device, pipe or socket)")
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION):
        raise PackError(f"entry {name!r} is encrypted; packs must not be")
    if info.compress_type not in ALLOWED_METHODS:
        raise PackError(
            f"entry {name!r} uses compression method {info.compress_type}; "
            "packs use stored or deflate only"
        )
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise PackError(f"entry {name!r} is stored but its two declared sizes differ")
    if info.file_size > limits.max_entry_bytes:
        raise PackError(
            f"entry {name!r} declares {info.file_size} bytes; "
            f"at most {limits.max_entry_bytes} allowed per file"
        )
    if _over_ratio(info.file_size, info.compress_size, limits):
        raise PackError(
            f"entry {name!r} declares a compression ratio over {limits.max_ratio:g}:1 "
            f"({info.file_size} bytes from {info.compress_size}): a zip bomb"
        )


def _over_ratio(unpacked: int, packed: int, limits: Limits) -> bool:
    return unpacked > limits.ratio_exempt_bytes and unpacked > limits.max_ratio * packed


def _check_collisions(infos: Iterable[zipfile.ZipInfo]) -> None:
    """Refuse duplicates, case collisions and a name used both as a file and a folder."""
    seen: set[str] = set()
    spelled: dict[str, str] = {}  # key -> first spelling, for files and folders alike
    file_keys: set[str] = set()
    folder_keys: set[str] = set()
    for info in infos:
        name = info.filename.rstrip("/")
        if info.filename in seen:
            raise PackError(f"entry {info.filename!r} appears twice in the pack")
        seen.add(info.filename)
        parts = name.split("/")
        folders = ["/".join(parts[:i]) for i in range(1, len(parts))]
        if info.is_dir():
            folders.append(name)
        else:
            file_keys.add(_key(name))
        for path in [*folders, name]:
            key = _key(path)
            first = spelled.setdefault(key, path)
            if first != path:
                raise PackError(
                    f"entry {info.filename!r} collides with {first!r} on file systems "
                    "that ignore case or Unicode normalisation"
                )
        folder_keys.update(_key(f) for f in folders)
        clash = file_keys & folder_keys
        if clash:
            raise PackError(f"entry {spelled[clash.pop()]!r} is used both as a file and a folder")


def _check_totals(files: list[zipfile.ZipInfo], limits: Limits) -> None:
    unpacked = sum(info.file_size for info in files)
    packed = sum(info.compress_size for info in files)
    if unpacked > limits.max_total_bytes:
        raise PackError(
            f"pack declares {unpacked} bytes in all; at most {limits.max_total_bytes} allowed"
        )
    if _over_ratio(unpacked, packed, limits):
        raise PackError(
            f"pack declares an overall compression ratio over {limits.max_ratio:g}:1 "
            f"({unpacked} bytes from {packed}): a zip bomb"
        )


def _check_layout(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse entries whose local header or data overlap another's (or the directory).

    The overlapping-entry zip bomb points many directory entries at the same compressed
    data; the stdlib (before 3.12) does not notice. Each entry must own the bytes from
    its local header to the end of its compressed data, and the local header must name
    the same file as the central directory.
    """
    fp = zf.fp
    assert fp is not None
    fp.seek(0, os.SEEK_END)
    end = getattr(zf, "start_dir", None) or fp.tell()
    spans: list[tuple[int, int, str]] = []
    problems: list[str] = []  # raised after the overlap check, which explains more
    for info in infos:
        fp.seek(info.header_offset)
        raw = fp.read(_LOCAL_HEADER.size)
        if len(raw) < _LOCAL_HEADER.size or raw[:4] != _LOCAL_SIGNATURE:
            raise PackError(f"entry {info.filename!r} points to no local file header")
        fields = _LOCAL_HEADER.unpack(raw)
        name_length, extra_length = fields[-2], fields[-1]
        local_name = fp.read(name_length)
        start = info.header_offset
        stop = start + _LOCAL_HEADER.size + name_length + extra_length + info.compress_size
        spans.append((start, stop, info.filename))
        if stop > end:
            problems.append(f"entry {info.filename!r} runs past the end of the pack's data")
        encoding = "utf-8" if info.flag_bits & _FLAG_UTF8 else "cp437"
        if local_name != info.orig_filename.encode(encoding, errors="replace"):
            problems.append(
                f"entry {info.filename!r}: its local header names a different file "
                f"({local_name.decode(encoding, errors='replace')!r})"
            )
    spans.sort()
    for (_, stop, name), (start, _, next_name) in itertools.pairwise(spans):
        if start < stop:
            first, second = sorted((name, next_name))
            raise PackError(
                f"entries {first!r} and {second!r} overlap in the pack "
                "(an overlapping-entry zip bomb)"
            )
    if problems:
        raise PackError(problems[0])


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
    total = 0
    packed = 0
    for info in files:
        dest = staging / info.filename
        if root not in dest.resolve().parents:
            raise PackError(f"entry {info.filename!r} would land outside the target folder")
        dest.parent.mkdir(parents=True, exist_ok=True)
        packed += info.compress_size
        digest = hashlib.sha256()
        with open(dest, "xb") as out:
            total = _copy_entry(zf, info, out, digest, limits, total, packed)
            out.flush()
            os.fsync(out.fileno())
        if expected is not None and info.filename in expected:
            want = expected[info.filename].strip().lower()
            if digest.hexdigest() != want:
                raise PackError(
                    f"entry {info.filename!r}: its SHA-256 does not match the manifest "
                    f"(manifest {want}, pack {digest.hexdigest()})"
                )


def _copy_entry(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    out: BinaryIO,
    digest: hashlib._Hash,
    limits: Limits,
    total: int,
    packed: int,
) -> int:
    """Stream one entry into ``out``, counting as it goes; return the new running total."""
    name = info.filename
    # Let the reader run past the declared size, so a lying header shows itself as more
    # bytes (zipfile would stop at the declared size and report only a bad CRC). The
    # margin exceeds what one read can return, so the check below always fires first.
    probe = copy.copy(info)
    probe.file_size = info.file_size + 4 * CHUNK
    written = 0
    try:
        with zf.open(probe) as source:
            while chunk := source.read(CHUNK):
                written += len(chunk)
                total += len(chunk)
                if written > info.file_size:
                    raise PackError(
                        f"entry {name!r} holds more than the {info.file_size} bytes "
                        "its header declares"
                    )
                if written > limits.max_entry_bytes:
                    raise PackError(f"entry {name!r} exceeds {limits.max_entry_bytes} bytes")
                if total > limits.max_total_bytes:
                    raise PackError(f"pack exceeds {limits.max_total_bytes} bytes in all")
                if _over_ratio(written, info.compress_size, limits) or _over_ratio(
                    total, packed, limits
                ):
                    raise PackError(
                        f"entry {name!r} unpacks past a compression ratio of "
                        f"{limits.max_ratio:g}:1: a zip bomb"
                    )
                digest.update(chunk)
                out.write(chunk)
    except (zipfile.BadZipFile, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
        if isinstance(exc, PackError):
            raise
        raise PackError(f"entry {name!r} is damaged: {exc}") from exc
    if written != info.file_size:
        raise PackError(
            f"entry {name!r} holds {written} bytes but its header declares {info.file_size}"
        )
    return total


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
