"""Import refuses images with more pixels than it would be safe to decode, reading their
size from the header, and a file MuPDF cannot read is refused with MuPDF's reason."""

import json
import struct
import zlib

import hostile_files
import pytest

from reader_app.cli import main


def import_json(capfd, *paths) -> list[dict]:
    main(["import", "--json", "--pillar", "renew", *map(str, paths)])
    out, err = capfd.readouterr()
    assert "MuPDF" not in err and "Traceback" not in err and "Corrupt JPEG" not in err
    return json.loads(out)


def test_a_decompression_bomb_is_refused_and_says_why(capfd, tmp_path, data_dir) -> None:
    bomb = tmp_path / "poster.png"
    bomb.write_bytes(hostile_files.png_bomb())  # 1.1 MB; 400 megapixels, 1.2 GB decoded
    fine = tmp_path / "chart.png"
    fine.write_bytes(hostile_files.png_bomb(1000, 800))
    refused, imported = import_json(capfd, bomb, fine)
    assert refused["status"] == "error"
    assert refused["error"] == (
        "poster.png is 20,000 x 20,000 pixels (400 megapixels): images above 100 megapixels "
        "are refused, as decoding one would take gigabytes of memory"
    )
    assert imported["status"] == "imported"
    assert not (data_dir / "files").exists() or len(list((data_dir / "files").iterdir())) == 1


def png(width: int, height: int, depth: int = 8) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, depth, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.png", png(0, 0), "image width must be > 0"),
        ("odd.png", png(10, 10, depth=7), "bit depth must be one of"),
        ("junk.jpg", b"\xff\xd8\xff" + b"\x00" * 50, "JPEG datastream contains no image"),
        ("cut.gif", b"GIF89a\x10\x00", "premature end in logical screen descriptor"),
    ],
    ids=["empty-png", "odd-png", "junk-jpeg", "cut-gif"],
)
def test_an_image_mupdf_refuses_says_mupdfs_reason(capfd, tmp_path, name, data, reason) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    [report] = import_json(capfd, path)
    assert report["status"] == "error"
    assert report["error"].startswith(f"{name} cannot be read: ") and reason in report["error"]
    assert "pickle" not in report["error"] and "SwigPyObject" not in report["error"]


def test_sizes_are_read_from_each_kind_of_header(tmp_path) -> None:
    from reader_app.image_size import MAX_IMAGE_PIXELS, image_size, oversized_image

    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 3000, 4000, 1) + b"\x01\x11\x00"
    tiff_pages = (
        b"II*\x00" + struct.pack("<I", 8)
        # page 1: 100 x 50, then page 2 at offset 38: 30000 x 20000 (LONG values)
        + struct.pack("<H", 2) + struct.pack("<HHII", 256, 3, 1, 100)
        + struct.pack("<HHII", 257, 3, 1, 50) + struct.pack("<I", 38)
        + struct.pack("<H", 2) + struct.pack("<HHII", 256, 4, 1, 30000)
        + struct.pack("<HHII", 257, 4, 1, 20000) + struct.pack("<I", 0)
    )  # fmt: skip
    bmp = b"BM" + b"\x00" * 12 + struct.pack("<Iii", 40, 640, -480) + b"\x00" * 30
    cases = {
        "a.png": (png(20000, 20000), (20000, 20000)),
        "b.gif": (b"GIF87a" + struct.pack("<HH", 320, 200) + b"\x00" * 10, (320, 200)),
        "c.bmp": (bmp, (640, 480)),
        "d.jpg": (b"\xff\xd8" + app0 + sof + b"\xff\xd9", (4000, 3000)),
        "e.tif": (tiff_pages, (30000, 20000)),  # the largest page counts
        "f.pdf": (b"%PDF-1.7\n", None),
        "g.jpg": (b"\xff\xd8\xff\xda" + b"\x00" * 10, None),  # no frame header: not judged
    }
    for name, (data, size) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert image_size(tmp_path / name) == size, name
    assert oversized_image(tmp_path / "d.jpg") is None  # 12 megapixels
    assert MAX_IMAGE_PIXELS < 30000 * 20000
    assert "600 megapixels" in (oversized_image(tmp_path / "e.tif") or "")
