"""An image whose size lies beyond the part of its header we read (a JPEG with 10,001
comments before its frame header, a GIF with 10,001 frames, a TIFF with 10,001 pages)
is refused, not let through unmeasured: MuPDF reads on and decodes whatever size it
finds there (a 400-megapixel JPEG behind 10,001 comments took a worker to 567 MB)."""

from __future__ import annotations

import struct
from pathlib import Path

from reader_app.image_size import image_size, oversized_image

SOF = b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", 20000, 20000) + b"\x03" + b"\x01\x11\x00" * 3


def jpeg(comments: int) -> bytes:
    return b"\xff\xd8" + b"\xff\xfe\x00\x03x" * comments + SOF + b"\xff\xd9"


def gif(frames: int) -> bytes:
    data = b"GIF89a" + struct.pack("<HHBBB", 4, 4, 0, 0, 0)
    frame = b"," + struct.pack("<HHHHB", 0, 0, 4, 4, 0) + b"\x02\x02\x4c\x01\x00"
    return data + frame * frames + b";"


def tiff(pages: int) -> bytes:
    entries = struct.pack("<HHI", 256, 3, 1) + struct.pack("<HH", 8, 0)
    entries += struct.pack("<HHI", 257, 3, 1) + struct.pack("<HH", 8, 0)
    data = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for number in range(pages):
        following = len(data) + 2 + len(entries) + 4 if number + 1 < pages else 0
        data += struct.pack("<H", 2) + entries + struct.pack("<I", following)
    return bytes(data)


def test_a_frame_header_past_the_bound_is_refused(tmp_path: Path) -> None:
    for name, data in (("a.jpg", jpeg(10_001)), ("b.gif", gif(10_001)), ("c.tif", tiff(10_001))):
        path = tmp_path / name
        path.write_bytes(data)
        refused = oversized_image(path)
        assert refused is not None and "first 10,000" in refused, name


def test_the_same_images_within_the_bound_are_measured(tmp_path: Path) -> None:
    cases = (
        ("a.jpg", jpeg(3), (20000, 20000)),
        ("b.gif", gif(3), (4, 4)),
        ("c.tif", tiff(3), (8, 8)),
    )
    for name, data, size in cases:
        path = tmp_path / name
        path.write_bytes(data)
        assert image_size(path) == size, name
    assert oversized_image(tmp_path / "b.gif") is None
    assert oversized_image(tmp_path / "c.tif") is None
