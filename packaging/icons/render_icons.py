"""Renders the app icon (resource-reader.svg) to the PNG, ICO and ICNS files installers use,
and copies it into the package for the running app; ``--check`` says whether they are up to
date.

    python packaging/icons/render_icons.py           # write what is out of date
    python packaging/icons/render_icons.py --check   # exit 1 if anything is

The PNGs are drawn with Qt (QSvgRenderer). A committed PNG whose pixels are within a small
tolerance of a new rendering is left as it is, so another Qt version's antialiasing does not
churn binary files. Qt's own ICO and ICNS writers put one image in a file, so the multi-size
files are assembled here from the PNGs' bytes: an ICO with PNG entries (Windows Vista and
later) and an ICNS with PNG entries (macOS 10.8 and later), as Pillow writes them.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NAME = "resource-reader"
SVG = HERE / f"{NAME}.svg"
PACKAGE_SVG = REPO / "reader_app" / "gui" / "icons" / f"{NAME}.svg"  # the running app's
ICO = HERE / f"{NAME}.ico"
ICNS = HERE / f"{NAME}.icns"

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # an ICO entry is at most 256 pixels
# ICNS entry types holding PNG data, and the pixel size of each (the @2x ones are Retina).
ICNS_TYPES = (
    (b"ic11", 32),  # 16x16@2x
    (b"ic12", 64),  # 32x32@2x
    (b"ic07", 128),
    (b"ic13", 256),  # 128x128@2x
    (b"ic08", 256),
    (b"ic14", 512),  # 256x256@2x
    (b"ic09", 512),
)

# A pixel differs when a channel differs by more than CHANNEL_TOLERANCE (of 255); a
# rendering matches when at most PIXEL_TOLERANCE of its pixels differ.
CHANNEL_TOLERANCE = 24
PIXEL_TOLERANCE = 0.02


def png_path(size: int) -> Path:
    return HERE / f"{NAME}-{size}.png"


def render(svg: bytes, size: int) -> QImage:
    """The icon drawn at ``size`` x ``size`` pixels on a transparent background."""
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("the icon's SVG cannot be read")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("Qt could not write a PNG")
    return bytes(buffer.data().data())


def _pixels(image: QImage) -> bytes:
    converted = image.convertToFormat(QImage.Format.Format_RGBA8888_Premultiplied)
    return bytes(converted.constBits())[: converted.sizeInBytes()]


def same_picture(a: QImage, b: QImage) -> bool:
    """Whether two images show the same picture, within the tolerances above."""
    if a.isNull() or b.isNull() or a.size() != b.size():
        return False
    pa, pb = _pixels(a), _pixels(b)
    if pa == pb:
        return True
    differing = sum(
        1
        for i in range(0, len(pa), 4)
        if max(abs(x - y) for x, y in zip(pa[i : i + 4], pb[i : i + 4], strict=True))
        > CHANNEL_TOLERANCE
    )
    return differing <= PIXEL_TOLERANCE * a.width() * a.height()


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICO holding one PNG entry per size."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    entries, data = b"", b""
    offset = len(header) + 16 * len(pngs)
    for size, png in sorted(pngs.items()):
        side = 0 if size == 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        data += png
        offset += len(png)
    return header + entries + data


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS holding the PNG entries of ICNS_TYPES."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def stale(svg: bytes) -> list[Path]:
    """The generated files that are missing or do not match the SVG."""
    found = []
    for size in SIZES:
        path = png_path(size)
        if not path.is_file() or not same_picture(QImage(str(path)), render(svg, size)):
            found.append(path)
    if not PACKAGE_SVG.is_file() or PACKAGE_SVG.read_bytes() != svg:
        found.append(PACKAGE_SVG)
    if any(png_path(size) in found for size in SIZES):
        return [*found, ICO, ICNS]  # made from the PNGs, so out of date with them
    pngs = {size: png_path(size).read_bytes() for size in SIZES}
    if not ICO.is_file() or ICO.read_bytes() != ico_bytes({s: pngs[s] for s in ICO_SIZES}):
        found.append(ICO)
    if not ICNS.is_file() or ICNS.read_bytes() != icns_bytes(pngs):
        found.append(ICNS)
    return found


def write(svg: bytes) -> list[Path]:
    """Write the files that are out of date; returns them."""
    out_of_date = stale(svg)
    for size in SIZES:
        if png_path(size) in out_of_date:
            png_path(size).write_bytes(png_bytes(render(svg, size)))
    if PACKAGE_SVG in out_of_date:
        PACKAGE_SVG.parent.mkdir(parents=True, exist_ok=True)
        PACKAGE_SVG.write_bytes(svg)
    pngs = {size: png_path(size).read_bytes() for size in SIZES}
    if ICO in out_of_date:
        ICO.write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    if ICNS in out_of_date:
        ICNS.write_bytes(icns_bytes(pngs))
    return out_of_date


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say what is out of date")
    args = parser.parse_args(argv)
    svg = SVG.read_bytes()
    if args.check:
        found = stale(svg)
        for path in found:
            print(f"out of date: {path.relative_to(REPO)}", file=sys.stderr)
        if found:
            print("run: python packaging/icons/render_icons.py", file=sys.stderr)
        return 1 if found else 0
    for path in write(svg):
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
