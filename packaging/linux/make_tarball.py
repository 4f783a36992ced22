"""Makes the Linux tarball from the PyInstaller bundle: the program with its desktop
integration (menu entry, AppStream metadata, the .rrpack file type, icons) and install.sh
and uninstall.sh, as packaging/linux/README.md describes.

    python packaging/linux/make_tarball.py dist/reader-app -o dist/

build.py calls ``make_tarball(bundle, dist, version)``. ``stage(bundle, folder)`` lays
out the same tree in a folder without packing it.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import shutil
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ICONS = REPO / "packaging" / "icons"
sys.path.insert(0, str(REPO))

from reader_app import DESKTOP_APP_ID, __version__  # noqa: E402

EXECUTABLE = "reader-app"
PACK_ICON = "application-x-resource-reader-pack"  # the MIME XML's <icon>
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ARCHES = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}


def tarball_name(version: str, arch: str) -> str:
    return f"reader-app-{version}-linux-{arch}"


def stage(bundle: Path, folder: Path) -> Path:
    """Lay out the tarball's tree in ``folder`` (made; must not exist) and return it:

    install.sh, uninstall.sh, LICENSE, README
    lib/reader-app/                 the bundle, as PyInstaller made it
    share/applications/ID.desktop
    share/metainfo/ID.metainfo.xml
    share/mime/packages/ID.xml      the .rrpack type
    share/icons/hicolor/NxN/apps/ID.png, scalable/apps/ID.svg, and the same pictures
                                    under mimetypes/ for .rrpack files
    """
    if not (bundle / EXECUTABLE).is_file():
        raise FileNotFoundError(f"no {EXECUTABLE} in {bundle}: build the bundle first")
    folder.mkdir(parents=True)
    shutil.copytree(bundle, folder / "lib" / "reader-app", symlinks=True)
    share = folder / "share"
    _copy(HERE / f"{DESKTOP_APP_ID}.desktop", share / "applications" / f"{DESKTOP_APP_ID}.desktop")
    _copy(
        HERE / f"{DESKTOP_APP_ID}.metainfo.xml",
        share / "metainfo" / f"{DESKTOP_APP_ID}.metainfo.xml",
    )
    _copy(
        HERE / "application-x-resource-reader-pack.xml",
        share / "mime" / "packages" / f"{DESKTOP_APP_ID}.xml",
    )
    hicolor = share / "icons" / "hicolor"
    for name, kind in ((DESKTOP_APP_ID, "apps"), (PACK_ICON, "mimetypes")):
        for size in ICON_SIZES:
            source = ICONS / f"resource-reader-{size}.png"
            _copy(source, hicolor / f"{size}x{size}" / kind / f"{name}.png")
        _copy(ICONS / "resource-reader.svg", hicolor / "scalable" / kind / f"{name}.svg")
    for script in ("install.sh", "uninstall.sh"):
        text = (HERE / script).read_text("utf-8").replace("@APP_ID@", DESKTOP_APP_ID)
        (folder / script).write_text(text, "utf-8")
        (folder / script).chmod(0o755)
    _copy(REPO / "LICENSE", folder / "LICENSE")
    (folder / "README").write_text(INSTALL_README, "utf-8")
    return folder


INSTALL_README = """\
Resource Reader for Linux

  ./install.sh            install for you alone (in ~/.local), with its menu entry
  sudo ./install.sh --system
                          install for everyone (in /usr/local)
  ./install.sh --help     more

Or run it where it is: lib/reader-app/reader-app

Installed, it opens .rrpack files (resource packs) and resource-reader: links (from
exported notes). uninstall.sh, which install.sh copies beside the program, removes it
again; your library (notes, documents, settings) is never touched.

Licensed under the GNU Affero General Public License, version 3 or later (LICENSE).
"""


def _copy(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    dest.chmod(0o644)


def make_tarball(
    bundle: Path, out_dir: Path, version: str = __version__, arch: str | None = None
) -> Path:
    """Write ``reader-app-VERSION-linux-ARCH.tar.gz`` to ``out_dir`` from the PyInstaller
    bundle (``dist/reader-app``) and return its path. ``arch`` is this machine's by default.
    Files are owned by root (0/0) in the archive and dated SOURCE_DATE_EPOCH if it is set."""
    arch = arch or ARCHES.get(platform.machine().lower(), platform.machine().lower())
    name = tarball_name(version, arch)
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = out_dir / f".{name}.staging"
    shutil.rmtree(scratch, ignore_errors=True)
    target = out_dir / f"{name}.tar.gz"
    partial = target.with_name(target.name + ".part")
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    try:
        tree = stage(bundle, scratch / name)

        def normalise(info: tarfile.TarInfo) -> tarfile.TarInfo:
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = mtime
            return info

        with (
            open(partial, "wb") as raw,
            gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=mtime
            ) as packed,
            tarfile.open(fileobj=packed, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            for path in [tree, *sorted(tree.rglob("*"))]:
                tar.add(path, arcname=str(path.relative_to(tree.parent)), recursive=False,
                        filter=normalise)  # fmt: skip
        os.replace(partial, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="the PyInstaller bundle (dist/reader-app)")
    parser.add_argument("-o", "--out", type=Path, default=Path("dist"), help="output folder")
    parser.add_argument("--version", default=__version__, help=f"default {__version__}")
    parser.add_argument("--arch", help="default: this machine's")
    args = parser.parse_args(argv)
    print(make_tarball(args.bundle, args.out, args.version, args.arch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
