"""The one checked reader for zip archives from outside: packs, backup archives and EPUBs.

Nothing in an archive is trusted. Before a byte is used the whole central directory is
checked (``check_archive``): the number of entries, names (relative, normalised,
portable) and entry types when the entries become files, duplicates and case
collisions, encryption, compression method, declared sizes and ratios, and that no two
entries share compressed data (the overlapping-entry zip bomb). Then every entry that is
read is streamed under the same limits (``stream_entry``), counting the bytes as they
come, so a header that lies about a size is caught before the lie costs disk or memory.

Each kind of archive has its own limits: ``PACK_LIMITS`` (the defaults),
``BACKUP_LIMITS`` and ``EPUB_LIMITS``; their values are explained where they are set.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import itertools
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

CHUNK = 64 * 1024
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


class ArchiveRefused(ValueError):
    """An archive the checks refuse; the message names the entry and the rule broken.

    Callers subclass it (``PackError``) to have their own kind raised, with ``noun``
    naming the whole archive in messages."""

    noun = "archive"


@dataclass(frozen=True)
class Limits:
    """How much an archive may hold. Ratios are uncompressed bytes per compressed byte.

    The defaults are a resource pack's."""

    max_entries: int = 2_000
    max_entry_bytes: int = 512 * 1024**2
    max_total_bytes: int = 2 * 1024**3
    max_ratio: float = 100.0
    max_name_length: int = 240
    # Entries (and archives) that unpack to less than this are not held to max_ratio:
    # a few kilobytes of blank text legitimately compress far better than 100:1.
    ratio_exempt_bytes: int = 1024**2
    # Whether entry names become file names (packs, backups): then they must be safe,
    # portable paths, of plain files and folders only, without collisions. An EPUB is
    # read in place, so only its sizes and layout matter.
    names_are_paths: bool = True


PACK_LIMITS = Limits()
# A backup holds a whole library: up to every imported document (each at most 1 GiB,
# importing.MAX_BYTES) and the database. Measured: a live database compresses 5-6:1,
# but one with many deleted notes far better (SQLite here zeroes freed pages: 12 MB
# after deleting 20,000 notes, 579:1), and so do uncompressed scans (BMP, TIFF: an A4
# page at 600 dpi, 99 MiB, 111-184:1). So entries, and archives, under 256 MiB are
# exempt from the ratio; past that, 200:1 still refuses a deflate bomb (about 1000:1)
# and bounds what one can write to 200 times its own size.
BACKUP_LIMITS = Limits(
    max_entries=50_000,
    max_entry_bytes=2 * 1024**3,
    max_total_bytes=256 * 1024**3,
    max_ratio=200.0,
    ratio_exempt_bytes=256 * 1024**2,
)
# An EPUB is at most 1 GiB on disk (importing.MAX_BYTES); its XHTML compresses 3-10:1,
# its images and fonts barely at all.
EPUB_LIMITS = Limits(
    max_entries=10_000,
    max_entry_bytes=1024**3,
    max_total_bytes=1024**3,
    max_ratio=100.0,
    names_are_paths=False,
)


@dataclass
class Tally:
    """Bytes streamed so far from one archive, for its total and overall-ratio limits."""

    unpacked: int = 0
    packed: int = 0


def open_zip(
    source: Path | BinaryIO, label: str, refusal: type[ArchiveRefused] = ArchiveRefused
) -> zipfile.ZipFile:
    """Open ``source`` as a zip, raising ``refusal`` (named by ``label``) if it is none."""
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise refusal(f"{label} is not a readable zip file: {exc}") from exc
    except OSError as exc:
        raise refusal(f"cannot open {refusal.noun} {label}: {exc}") from exc


def check_name(
    name: str,
    max_length: int = Limits.max_name_length,
    refusal: type[ArchiveRefused] = ArchiveRefused,
) -> PurePosixPath:
    """Return ``name`` as a relative path, or raise ``refusal`` saying which rule it breaks.

    Names must be relative, normalised, stay inside the target and be valid on Windows,
    macOS and Linux alike, so an archive unpacks the same everywhere.
    """
    problem = name_problem(name, max_length)
    if problem:
        raise refusal(f"entry {name!r}: {problem}")
    return PurePosixPath(name)


def name_problem(name: str, max_length: int = Limits.max_name_length) -> str:
    """Why ``name`` is not a safe, portable relative file name, or "" if it is."""
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


def check_archive(
    zf: zipfile.ZipFile,
    limits: Limits = PACK_LIMITS,
    refusal: type[ArchiveRefused] = ArchiveRefused,
) -> list[zipfile.ZipInfo]:
    """Check everything that can be checked without unpacking; return the file entries.

    Raises ``refusal`` on the first rule broken.
    """
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise refusal(
            f"{refusal.noun} has {len(infos)} entries; at most {limits.max_entries} allowed"
        )
    files: list[zipfile.ZipInfo] = []
    for info in infos:
        _check_entry(info, limits, refusal)
        if not info.is_dir():
            files.append(info)
    if limits.names_are_paths:
        _check_collisions(infos, refusal)
    _check_totals(files, limits, refusal)
    _check_layout(zf, infos, refusal)
    return files


def _check_entry(info: zipfile.ZipInfo, limits: Limits, refusal: type[ArchiveRefused]) -> None:
    name = info.filename
    noun = refusal.noun
    if limits.names_are_paths:
        _check_kind(info, limits, refusal)
    if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION):
        raise refusal(f"entry {name!r} is encrypted; {noun}s must not be")
    if info.compress_type not in ALLOWED_METHODS:
        raise refusal(
            f"entry {name!r} uses compression method {info.compress_type}; "
            f"{noun}s use stored or deflate only"
        )
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise refusal(f"entry {name!r} is stored but its two declared sizes differ")
    if info.file_size > limits.max_entry_bytes:
        raise refusal(
            f"entry {name!r} declares {info.file_size} bytes; "
            f"at most {limits.max_entry_bytes} allowed per file"
        )
    if _over_ratio(info.file_size, info.compress_size, limits):
        raise refusal(
            f"entry {name!r} declares a compression ratio over {limits.max_ratio:g}:1 "
            f"({info.file_size} bytes from {info.compress_size}): a zip bomb"
        )


def _check_kind(info: zipfile.ZipInfo, limits: Limits, refusal: type[ArchiveRefused]) -> None:
    """An entry that becomes a file: a safe name, and a plain file or an empty folder."""
    name = info.filename
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if info.is_dir():
        check_name(name[:-1], limits.max_name_length, refusal)
        if kind not in (0, stat.S_IFDIR):
            raise refusal(f"entry {name!r} is a folder entry with a non-folder type")
        if info.file_size or info.compress_size > 2:  # an empty deflate stream is 2 bytes
            raise refusal(f"entry {name!r} is a folder entry that carries data")
        return
    check_name(name, limits.max_name_length, refusal)
    if stat.S_ISLNK(mode):
        raise refusal(f"entry {name!r} is a symbolic link; {refusal.noun}s hold only plain files")
    if kind not in (0, stat.S_IFREG):
        raise refusal(f"entry {name!r} is a special file (device, pipe or socket)")


def _over_ratio(unpacked: int, packed: int, limits: Limits) -> bool:
    return unpacked > limits.ratio_exempt_bytes and unpacked > limits.max_ratio * packed


def _check_collisions(infos: Iterable[zipfile.ZipInfo], refusal: type[ArchiveRefused]) -> None:
    """Refuse duplicates, case collisions and a name used both as a file and a folder."""
    seen: set[str] = set()
    spelled: dict[str, str] = {}  # key -> first spelling, for files and folders alike
    file_keys: set[str] = set()
    folder_keys: set[str] = set()
    for info in infos:
        name = info.filename.rstrip("/")
        if info.filename in seen:
            raise refusal(f"entry {info.filename!r} appears twice in the {refusal.noun}")
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
                raise refusal(
                    f"entry {info.filename!r} collides with {first!r} on file systems "
                    "that ignore case or Unicode normalisation"
                )
        folder_keys.update(_key(f) for f in folders)
        clash = file_keys & folder_keys
        if clash:
            raise refusal(f"entry {spelled[clash.pop()]!r} is used both as a file and a folder")


def _check_totals(
    files: list[zipfile.ZipInfo], limits: Limits, refusal: type[ArchiveRefused]
) -> None:
    unpacked = sum(info.file_size for info in files)
    packed = sum(info.compress_size for info in files)
    if unpacked > limits.max_total_bytes:
        raise refusal(
            f"{refusal.noun} declares {unpacked} bytes in all; "
            f"at most {limits.max_total_bytes} allowed"
        )
    if _over_ratio(unpacked, packed, limits):
        raise refusal(
            f"{refusal.noun} declares an overall compression ratio over {limits.max_ratio:g}:1 "
            f"({unpacked} bytes from {packed}): a zip bomb"
        )


def _check_layout(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], refusal: type[ArchiveRefused]
) -> None:
    """Refuse entries whose local header or data overlap another's (or the directory).

    The overlapping-entry zip bomb points many directory entries at the same compressed
    data; the stdlib (before 3.12) does not notice. Each entry must own the bytes from
    its local header to the end of its compressed data, and the local header must name
    the same file as the central directory.
    """
    noun = refusal.noun
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
            raise refusal(f"entry {info.filename!r} points to no local file header")
        fields = _LOCAL_HEADER.unpack(raw)
        name_length, extra_length = fields[-2], fields[-1]
        local_name = fp.read(name_length)
        start = info.header_offset
        stop = start + _LOCAL_HEADER.size + name_length + extra_length + info.compress_size
        spans.append((start, stop, info.filename))
        if stop > end:
            problems.append(f"entry {info.filename!r} runs past the end of the {noun}'s data")
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
            raise refusal(
                f"entries {first!r} and {second!r} overlap in the {noun} "
                "(an overlapping-entry zip bomb)"
            )
    if problems:
        raise refusal(problems[0])


def stream_entry(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    out: IO[bytes] | None,
    limits: Limits,
    tally: Tally | None = None,
    refusal: type[ArchiveRefused] = ArchiveRefused,
) -> str:
    """Stream one entry into ``out`` (or only count it, if None) under ``limits``; return
    the SHA-256 (hex) of its bytes.

    The bytes are counted as they come, never trusting the header: more than it
    declares, more than a file or (with ``tally``, shared by every entry read from one
    archive) the whole archive may hold, or a ratio past the limit, and ``refusal`` is
    raised before the next chunk is read. So is fewer bytes than declared.
    """
    name = info.filename
    tally = tally if tally is not None else Tally()
    tally.packed += info.compress_size
    digest = hashlib.sha256()
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
                tally.unpacked += len(chunk)
                if written > info.file_size:
                    raise refusal(
                        f"entry {name!r} holds more than the {info.file_size} bytes "
                        "its header declares"
                    )
                if written > limits.max_entry_bytes:
                    raise refusal(f"entry {name!r} exceeds {limits.max_entry_bytes} bytes")
                if tally.unpacked > limits.max_total_bytes:
                    raise refusal(f"{refusal.noun} exceeds {limits.max_total_bytes} bytes in all")
                if _over_ratio(written, info.compress_size, limits) or _over_ratio(
                    tally.unpacked, tally.packed, limits
                ):
                    raise refusal(
                        f"entry {name!r} unpacks past a compression ratio of "
                        f"{limits.max_ratio:g}:1: a zip bomb"
                    )
                digest.update(chunk)
                if out is not None:
                    out.write(chunk)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        ValueError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        if isinstance(exc, ArchiveRefused):
            raise
        raise refusal(f"entry {name!r} is damaged: {exc}") from exc
    if written != info.file_size:
        raise refusal(
            f"entry {name!r} holds {written} bytes but its header declares {info.file_size}"
        )
    return digest.hexdigest()


def read_small(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    max_bytes: int,
    limits: Limits,
    refusal: type[ArchiveRefused] = ArchiveRefused,
) -> bytes:
    """Return one small entry (a manifest) whole, read under ``limits`` and ``max_bytes``."""
    if info.file_size > max_bytes:
        raise refusal(
            f"entry {info.filename!r} declares {info.file_size} bytes; at most {max_bytes}"
        )
    out = io.BytesIO()
    small = dataclasses.replace(limits, max_entry_bytes=max_bytes)
    stream_entry(zf, info, out, small, None, refusal)
    return out.getvalue()


class EpubRefused(ArchiveRefused):
    """An EPUB the archive reader refuses."""

    noun = "EPUB"


def problem(
    source: Path | BinaryIO,
    label: str,
    limits: Limits,
    refusal: type[ArchiveRefused] = ArchiveRefused,
) -> str:
    """Why the archive ``source`` is refused under ``limits``, or "" if it is not: the
    whole directory is checked and every entry streamed (to nowhere) and counted."""
    try:
        with open_zip(source, label, refusal) as zf:
            tally = Tally()
            for info in check_archive(zf, limits, refusal):
                stream_entry(zf, info, None, limits, tally, refusal)
    except ArchiveRefused as exc:
        return str(exc)
    except OSError as exc:
        return f"{label} cannot be read: {exc}"
    return ""


def epub_problem(data: bytes | Path, label: str) -> str:
    """Why an EPUB (its bytes or its file) must not be handed to MuPDF (a zip bomb, a
    lying header, too many entries), or "" if it may: the checks under EPUB_LIMITS."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return problem(source, label, EPUB_LIMITS, EpubRefused)
