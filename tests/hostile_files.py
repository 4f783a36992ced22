"""Hostile files built byte by byte for the tests: PDFs MuPDF complains about (a cyclic
page tree, 100,000 nested arrays, an outline 20,000 levels deep, a page too large to
render whole) and images with more pixels than anyone should decode."""

from __future__ import annotations

import struct
import zlib


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalog), with a true xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
ONE_PAGE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def cyclic_page_tree() -> bytes:
    """A page tree whose only node lists its parent as its kid."""
    return raw_pdf([CATALOG, ONE_PAGE, b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"])


def nested_arrays(depth: int = 100_000) -> bytes:
    """A page holding an array nested ``depth`` deep: MuPDF's parser overflows on it."""
    nest = b"[" * depth + b"]" * depth
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Junk " + nest + b" >>"
    return raw_pdf([CATALOG, ONE_PAGE, page])


def deep_outline(depth: int = 20_000) -> bytes:
    """One page and an outline whose every entry is the only child of the one before."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Outlines 4 0 R >>",
        ONE_PAGE,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /Outlines /First 5 0 R /Last 5 0 R /Count 1 >>",
    ]
    for level in range(depth):
        me = 5 + level
        parent = 4 if level == 0 else me - 1
        child = b" /First %d 0 R /Last %d 0 R /Count 1" % (me + 1, me + 1)
        objects.append(
            b"<< /Title (Level %d) /Parent %d 0 R /Dest [3 0 R /Fit]%s >>"
            % (level, parent, child if level < depth - 1 else b"")
        )
    return raw_pdf(objects)


def huge_page(width: int = 10_000, height: int = 5_000) -> bytes:
    """A blank page ``width`` x ``height`` points: 50 megapixels at 100%."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] >>" % (width, height)
    return raw_pdf([CATALOG, ONE_PAGE, page])


def _zeros_zlib(row: int, rows: int) -> bytes:
    """A zlib stream of ``row * rows`` zero bytes, made in milliseconds: after a full
    flush the compressor starts afresh, so each block of rows compresses the same."""
    block = 100
    assert rows % block == 0
    compressor = zlib.compressobj(9)
    zeros = b"\x00" * (row * block)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-4]  # the final block, less a checksum of what it saw
    total = row * rows
    adler = ((total % 65521) << 16) | 1  # Adler-32 of zeros: A stays 1, B counts bytes
    return first + again * (rows // block - 1) + end + adler.to_bytes(4, "big")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A black RGB PNG, ``width`` x ``height``: 20000 x 20000 is 1.1 MB and 1.2 GB decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", _zeros_zlib(1 + 3 * width, height))
        + _png_chunk(b"IEND", b"")
    )


def broken_png() -> bytes:
    """A small PNG whose pixel data is not zlib at all."""
    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"this is not deflate data" * 4)
        + _png_chunk(b"IEND", b"")
    )
