"""A GIF's size is its largest frame's, not only its screen's: MuPDF decodes each frame
at the size the frame says, so a 10 x 10 screen can hide a 900-megapixel frame."""

from __future__ import annotations

import struct
from pathlib import Path

from reader_app.image_size import image_size, oversized_image


def gif(screen: tuple[int, int], frames: list[tuple[int, int]]) -> bytes:
    data = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    data += b"!\xf9\x04\x00\x00\x00\x00\x00"  # a graphic control extension
    for width, height in frames:
        data += b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x4c\x01\x00"
    return data + b";"


def test_a_frame_larger_than_the_screen_is_what_counts(tmp_path: Path) -> None:
    path = tmp_path / "bomb.gif"
    path.write_bytes(gif((10, 10), [(4, 4), (30000, 30000)]))
    assert image_size(path) == (30000, 30000)
    assert "900 megapixels" in (oversized_image(path) or "")


def test_frames_within_the_screen_leave_its_size(tmp_path: Path) -> None:
    path = tmp_path / "small.gif"
    path.write_bytes(gif((37, 21), [(37, 21), (5, 5)]))
    assert image_size(path) == (37, 21)
    assert oversized_image(path) is None


def test_a_gif_cut_short_after_its_screen_size_is_left_to_mupdf(tmp_path: Path) -> None:
    path = tmp_path / "cut.gif"
    path.write_bytes(b"GIF89a\x10\x00\x10\x00")  # no flags byte after the size
    assert image_size(path) is None and oversized_image(path) is None
