"""An image's size in pixels read from its header, before anything decodes it, and the
limit above which an image is refused (a 1 MB PNG can hold 400 megapixels).

Plain Python (no PyMuPDF), so it can run anywhere; documents.py checks every image,
and every image in an EPUB, with it before MuPDF opens one.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# 100 megapixels: a 10,000 x 10,000 scan, or a poster at 300 dpi. Decoded, such an image
# takes 300-400 MB; MuPDF decodes an image file whole before it can scale it down.
MAX_IMAGE_PIXELS = 100_000_000

_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_MAX_SEGMENTS = 10_000  # JPEG segments, GIF frames or TIFF pages looked at before giving up


class _TooLong(Exception):
    """The header goes on past ``_MAX_SEGMENTS``: its size cannot be known cheaply, and
    the decoder, which reads on, may find a frame of any size there."""


MAX_EPUB_ENTRIES = 20_000  # an EPUB's files looked at for images
MAX_EPUB_TEXT = 64_000_000  # bytes of one of its text files looked at for data: URIs
_DATA_URI = re.compile(rb"data:image/[-+.\w]+(?:;[^;,]{0,200})*?;base64,([A-Za-z0-9+/=\s]+)", re.I)
_UNKNOWN = (2**31, 2**31)  # the size of an image whose header goes on past what we read


def image_size(path: str | Path) -> tuple[int, int] | None:
    """(width, height) of the image at ``path`` (its largest page, for a TIFF); None
    when it is not an image of a kind we read or its header cannot be made out."""
    try:
        with open(path, "rb") as file:
            return image_size_of(file)
    except OSError:
        return None


def image_size_of(file: IO[bytes]) -> tuple[int, int] | None:
    """``image_size`` of an open file (seekable, at its start)."""
    try:
        return _size(file)
    except _TooLong:
        return None


def _size(file: IO[bytes]) -> tuple[int, int] | None:
    """As ``image_size_of``, raising ``_TooLong`` for a header longer than we read."""
    try:
        head = file.read(32)
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return _pair(">II", head, 16)
        if head.startswith((b"GIF87a", b"GIF89a")):
            return _gif(file, head)
        if head.startswith(b"BM"):
            return _bmp(head)
        if head.startswith(b"\xff\xd8\xff"):
            return _jpeg(file)
        if head.startswith((b"II*\x00", b"MM\x00*")):
            return _tiff(file, "<" if head.startswith(b"II") else ">")
    except (OSError, struct.error, IndexError):  # cut short: MuPDF says what is wrong
        return None
    return None


def oversized_image(path: str | Path) -> str | None:
    """Why the image at ``path`` is refused (too many pixels), or the EPUB holding such
    an image; None if it is not. Remembered by the file's size and time: a viewer's
    worker opens a document for every page, and a long GIF or book takes a while to read."""
    try:
        stamp = os.stat(path)
    except OSError:
        return None
    return _verdict(str(path), stamp.st_size, stamp.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _verdict(path: str, size_in_bytes: int, mtime_ns: int) -> str | None:
    try:
        with open(path, "rb") as file:
            size = _size(file)
    except OSError:
        size = None
    except _TooLong:
        return (
            f"{Path(path).name}: its size is not in its first {_MAX_SEGMENTS:,} segments, "
            "frames or pages, so it is refused: decoding it could take gigabytes of memory"
        )
    if size is None:
        return _oversized_in_epub(path)
    if size[0] * size[1] <= MAX_IMAGE_PIXELS:
        return None
    return _refusal(f"{Path(path).name} is", size)


def _oversized_in_epub(path: str) -> str | None:
    """Why the EPUB at ``path`` is refused (an image in it, a file or a data: URI in its
    text, has too many pixels: MuPDF decodes a book's images whole to lay out its pages),
    or None."""
    try:
        with open(path, "rb") as file:
            if file.read(4) != b"PK\x03\x04":
                return None
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist()[:MAX_EPUB_ENTRIES]:
                if info.is_dir() or info.file_size < 24:
                    continue
                try:
                    images = list(_entry_images(archive, info))
                except Exception:  # a damaged or encrypted entry: MuPDF's to judge
                    continue
                for where, size in images:
                    if size[0] * size[1] > MAX_IMAGE_PIXELS:
                        return _refusal(f"{Path(path).name} holds an image ({where}) of", size)
    except Exception:  # a damaged archive: MuPDF says what is wrong with it
        return None
    return None


def _entry_images(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo
) -> Iterator[tuple[str, tuple[int, int]]]:
    """The sizes of the images an EPUB's entry is or holds as data: URIs."""
    with archive.open(info) as entry:
        try:
            size = _size(entry)
        except _TooLong:
            size = _UNKNOWN
    if size is not None:
        yield info.filename, size
        return
    if info.file_size > MAX_EPUB_TEXT:
        return
    for found in _DATA_URI.finditer(archive.read(info)):
        text = re.sub(rb"\s+", b"", found.group(1)).rstrip(b"=")
        try:
            data = base64.b64decode(text[: len(text) // 4 * 4])
            size = _size(io.BytesIO(data))
        except _TooLong:
            size = _UNKNOWN
        except ValueError:  # not base64 after all (binascii.Error is a ValueError)
            continue
        if size is not None:
            yield f"a data: URI in {info.filename}", size


def _refusal(subject: str, size: tuple[int, int]) -> str:
    width, height = size
    return (
        f"{subject} {width:,} x {height:,} pixels "
        f"({width * height / 1e6:,.0f} megapixels): images above "
        f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels are refused, as decoding one "
        "would take gigabytes of memory"
    )


def _pair(layout: str, data: bytes, offset: int) -> tuple[int, int]:
    width, height = struct.unpack_from(layout, data, offset)
    return abs(int(width)), abs(int(height))


def _bmp(head: bytes) -> tuple[int, int]:
    (header,) = struct.unpack_from("<I", head, 14)
    if header == 12:  # the old OS/2 header: 16-bit sizes
        return _pair("<HH", head, 18)
    return _pair("<ii", head, 18)  # a negative height means top-down rows


def _gif(file: IO[bytes], head: bytes) -> tuple[int, int]:
    """The larger of the screen size and the largest frame: MuPDF decodes each frame at
    its own size, so a 10 x 10 screen can hold a 30,000 x 30,000 frame."""
    largest = _pair("<HH", head, 6)
    position = 13 + (3 << ((head[10] & 7) + 1) if head[10] & 0x80 else 0)
    for _ in range(_MAX_SEGMENTS):
        file.seek(position)
        block = file.read(1)
        if block == b",":  # an image descriptor: left, top, width, height, flags
            descriptor = file.read(9)
            if len(descriptor) < 9:
                break
            frame = _pair("<HH", descriptor, 4)
            if frame[0] * frame[1] > largest[0] * largest[1]:
                largest = frame
            flags = descriptor[8]
            file.seek(3 << ((flags & 7) + 1) if flags & 0x80 else 0, 1)
            file.read(1)  # the LZW code size
        elif block == b"!":  # an extension: its label, then data blocks
            file.read(1)
        else:  # the trailer, or what is not a GIF block
            break
        position = _skip_sub_blocks(file)
        if position < 0:
            break
    else:
        raise _TooLong
    return largest


def _skip_sub_blocks(file: IO[bytes]) -> int:
    """Past a GIF's data sub-blocks (each led by its length, the last of length 0): the
    position after them, or -1 if the file ends first."""
    while size := file.read(1):  # each sub-block moves on at least one byte
        if size == b"\x00":
            return file.tell()
        file.seek(size[0], 1)
    return -1


def _jpeg(file: IO[bytes]) -> tuple[int, int] | None:
    file.seek(2)
    for _ in range(_MAX_SEGMENTS):
        byte = file.read(1)
        if byte != b"\xff":
            return None
        marker = file.read(1)
        while marker == b"\xff":  # fill bytes
            marker = file.read(1)
        if not marker:
            return None
        code = marker[0]
        if code == 0x01 or 0xD0 <= code <= 0xD8:  # markers without a length
            continue
        if code in (0xD9, 0xDA):  # end of image, or the scan began: no frame header
            return None
        (length,) = struct.unpack(">H", file.read(2))
        if code in _JPEG_SOF:
            height, width = struct.unpack(">xHH", file.read(5))
            return width, height
        file.seek(length - 2, 1)
    raise _TooLong


def _tiff(file: IO[bytes], order: str) -> tuple[int, int] | None:
    file.seek(4)
    (offset,) = struct.unpack(order + "I", file.read(4))
    seen: set[int] = set()
    largest: tuple[int, int] | None = None
    while offset and offset not in seen and len(seen) < _MAX_SEGMENTS:
        seen.add(offset)
        file.seek(offset)
        (count,) = struct.unpack(order + "H", file.read(2))
        entries = file.read(12 * count)
        found: dict[int, int] = {}
        for i in range(len(entries) // 12):
            tag, kind = struct.unpack_from(order + "HH", entries, 12 * i)
            if tag in (256, 257) and kind in (3, 4):  # width, height: SHORT or LONG
                value = struct.unpack_from(order + ("H" if kind == 3 else "I"), entries, 12 * i + 8)
                found[tag] = value[0]
        if 256 in found and 257 in found:
            page = (found[256], found[257])
            if largest is None or page[0] * page[1] > largest[0] * largest[1]:
                largest = page
        next_offset = file.read(4)
        offset = struct.unpack(order + "I", next_offset)[0] if len(next_offset) == 4 else 0
    if offset and offset not in seen:  # more pages than we look at
        raise _TooLong
    return largest
