"""An EPUB holding an image above the pixel limit is refused, naming the image: MuPDF
decodes a book's images whole to lay out a page (a 1 MB book with a 20,000 x 20,000 PNG
took a render worker to 1.2 GB). A book with images within the limit is not."""

from __future__ import annotations

import base64
import struct
import zipfile
from pathlib import Path

from reader_app.image_size import oversized_image


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\x00" * 4


def book(path: Path, image: bytes, page: str = "<img src='i.png'/>") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr("OEBPS/c.xhtml", f"<html><body>{page}</body></html>")
        archive.writestr("OEBPS/i.png", image + b"\x00" * 64)
    return path


def test_a_book_with_a_bomb_is_refused_naming_the_image(tmp_path: Path) -> None:
    refused = oversized_image(book(tmp_path / "b.epub", png_header(20000, 20000)))
    assert refused is not None
    assert "b.epub holds an image (OEBPS/i.png)" in refused and "400 megapixels" in refused


def test_a_book_with_small_images_is_not(tmp_path: Path) -> None:
    assert oversized_image(book(tmp_path / "b.epub", png_header(800, 600))) is None


def test_a_bomb_in_a_data_uri_is_refused(tmp_path: Path) -> None:
    """MuPDF shows an image written into the page as a data: URI as well as a file."""
    uri = "data:image/png;base64," + base64.b64encode(png_header(20000, 20000)).decode()
    page = f"<img src='data:image/png;base64,@@@'/><img src='{uri}'/>"  # a broken one first
    refused = oversized_image(book(tmp_path / "b.epub", png_header(8, 8), page))
    assert refused is not None and "a data: URI in OEBPS/c.xhtml" in refused
