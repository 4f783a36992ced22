"""The Linux desktop files (packaging/linux/): each valid by its own tool, agreeing on the
app id, types and version, and the tarball installing for a person and for a prefix, with
links registered and a clean uninstall. The freedesktop tools are optional: without one, its
test is skipped and says which package brings it."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImageReader

from reader_app import APP_NAME, DESKTOP_APP_ID, __version__
from reader_app.deep_links import SCHEME
from reader_app.packs.format import SUFFIX
from tests.repo_paths import REPO

LINUX = REPO / "packaging" / "linux"
ICONS = REPO / "packaging" / "icons"
DESKTOP = LINUX / f"{DESKTOP_APP_ID}.desktop"
METAINFO = LINUX / f"{DESKTOP_APP_ID}.metainfo.xml"
MIME_XML = LINUX / "application-x-resource-reader-pack.xml"
PACK_TYPE = "application/x-resource-reader-pack"
LINK_TYPE = f"x-scheme-handler/{SCHEME}"
SCREENSHOTS_BASE = "https://resource-reader.invalid/screenshots/"  # README: the placeholder
MIME_NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}

sys.path.insert(0, str(LINUX))
import make_tarball  # noqa: E402


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian/Ubuntu package {package})")
    return found


def desktop_entry(path: Path = DESKTOP) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def listed(value: str) -> list[str]:
    return [item for item in value.split(";") if item]


# The files


def test_the_desktop_file_is_valid() -> None:
    validate = tool("desktop-file-validate", "desktop-file-utils")
    done = subprocess.run([validate, str(DESKTOP)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == "", done.stdout


def test_the_desktop_file_opens_packs_and_links_in_the_app() -> None:
    entry = desktop_entry()
    assert listed(entry["MimeType"]) == [PACK_TYPE, LINK_TYPE]
    assert entry["Exec"] == "reader-app %U"  # files and links are passed to it
    assert entry["Icon"] == DESKTOP_APP_ID
    assert entry["Terminal"] == "false"
    assert entry["StartupWMClass"] == APP_NAME  # Qt's WM_CLASS class: the application name


def test_the_metainfo_is_valid() -> None:
    appstreamcli = tool("appstreamcli", "appstream")
    done = subprocess.run(
        [appstreamcli, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    issues = re.findall(r"^([EWI]): \S+: (\S+)", done.stdout, re.MULTILINE)
    # The one note: the .invalid placeholder domain (packaging/linux/README.md).
    assert issues in ([], [("I", "cid-maybe-not-rdns")]), done.stdout


def test_the_metainfo_names_the_app_its_version_and_its_files() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == DESKTOP_APP_ID
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("project_license") == "AGPL-3.0-or-later"
    assert root.findtext("metadata_license") == "CC0-1.0"
    assert root.find("content_rating[@type='oars-1.1']") is not None
    assert root.findtext("provides/binary") == "reader-app"
    assert root.findtext("provides/mediatype") == PACK_TYPE
    newest = root.find("releases/release")
    assert newest is not None and newest.get("version") == __version__
    assert newest.find("description") is not None  # release notes
    images = [image.text or "" for image in root.iter("image")]
    assert images
    for url in images:
        assert url.startswith(SCREENSHOTS_BASE)
        assert (REPO / "packaging" / "screenshots" / url.removeprefix(SCREENSHOTS_BASE)).is_file()
    categories = [c.text for c in root.iter("category")]
    assert categories == listed(desktop_entry()["Categories"])


def test_the_mime_type_is_a_zip_named_rrpack() -> None:
    kind = ET.parse(MIME_XML).getroot().find("m:mime-type", MIME_NS)
    assert kind is not None and kind.get("type") == PACK_TYPE
    assert [g.get("pattern") for g in kind.findall("m:glob", MIME_NS)] == [f"*{SUFFIX}"]
    assert kind.find("m:sub-class-of", MIME_NS).get("type") == "application/zip"
    assert kind.findtext("m:comment", namespaces=MIME_NS)
    assert kind.find("m:icon", MIME_NS).get("name") == make_tarball.PACK_ICON


def test_the_mime_type_registers_and_is_recognised(tmp_path: Path) -> None:
    """Registered in a temporary XDG data folder, Qt's MIME database (reading the same
    shared-mime-info files as the desktop) tells a pack by its name, and by its content
    without one."""
    update = tool("update-mime-database", "shared-mime-info")
    xmllint = shutil.which("xmllint")
    if xmllint:
        subprocess.run([xmllint, "--noout", str(MIME_XML)], check=True)
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(MIME_XML, packages / f"{DESKTOP_APP_ID}.xml")
    subprocess.run([update, str(tmp_path / "mime")], check=True, capture_output=True)
    assert f"{PACK_TYPE}:*{SUFFIX}" in (tmp_path / "mime" / "globs2").read_text("utf-8")

    from tests.packs.test_packs import pdf_bytes, resource_entry, write_pack

    paper = pdf_bytes("A page")
    pack = write_pack(tmp_path / f"papers{SUFFIX}", [(resource_entry("a", paper), paper)])
    shutil.copy(pack, tmp_path / "papers")
    shutil.copy(pack, tmp_path / "papers.zip")
    script = (
        "import sys\n"
        "from PySide6.QtCore import QMimeDatabase\n"
        "for name in sys.argv[1:]:\n"
        "    print(QMimeDatabase().mimeTypeForFile(name).name())\n"
    )
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_DATA_DIRS": "/usr/share"}
    names = [str(pack), str(tmp_path / "papers"), str(tmp_path / "papers.zip")]
    done = subprocess.run(
        [sys.executable, "-c", script, *names], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [PACK_TYPE, PACK_TYPE, "application/zip"]


def test_icons_exist_at_every_size() -> None:
    for size in make_tarball.ICON_SIZES:
        reader = QImageReader(str(ICONS / f"resource-reader-{size}.png"))
        assert reader.size().width() == size and reader.size().height() == size
    svg = (ICONS / "resource-reader.svg").read_bytes()
    assert svg == (REPO / "reader_app" / "gui" / "icons" / "resource-reader.svg").read_bytes()


# The tarball

# install.sh and uninstall.sh are POSIX shell scripts, and the bundle holds symlinks.
posix_only = pytest.mark.skipif(os.name != "posix", reason="needs a POSIX shell")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    """The tarball made from a stand-in bundle (a script that writes down its arguments),
    unpacked; returns its top folder."""
    work = tmp_path_factory.mktemp("tarball")
    bundle = work / "dist" / "reader-app"
    (bundle / "_internal").mkdir(parents=True)
    program = bundle / "reader-app"
    program.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$HOME/arguments"\n', "utf-8")
    program.chmod(0o755)
    (bundle / "_internal" / "libqt.so.6").write_bytes(b"\0")
    (bundle / "_internal" / "libqt.so").symlink_to("libqt.so.6")
    made = make_tarball.make_tarball(bundle, work / "dist", "9.8.7", "x86_64")
    assert made == work / "dist" / "reader-app-9.8.7-linux-x86_64.tar.gz"
    assert {p.name for p in made.parent.iterdir()} == {made.name, "reader-app"}  # no litter
    with tarfile.open(made) as tar:
        members = tar.getmembers()
        assert all(m.uid == 0 and m.gid == 0 for m in members)
        tar.extractall(work / "out", filter="tar")
    return work / "out" / "reader-app-9.8.7-linux-x86_64"


@posix_only
def test_the_tarball_holds_the_bundle_and_the_desktop_files(unpacked: Path) -> None:
    hicolor = unpacked / "share" / "icons" / "hicolor"
    expected = [
        "install.sh",
        "uninstall.sh",
        "LICENSE",
        "README",
        "lib/reader-app/reader-app",
        f"share/applications/{DESKTOP_APP_ID}.desktop",
        f"share/metainfo/{DESKTOP_APP_ID}.metainfo.xml",
        f"share/mime/packages/{DESKTOP_APP_ID}.xml",
        f"share/icons/hicolor/scalable/apps/{DESKTOP_APP_ID}.svg",
    ]
    for name in expected:
        assert (unpacked / name).is_file(), name
    for size in make_tarball.ICON_SIZES:
        assert (hicolor / f"{size}x{size}" / "apps" / f"{DESKTOP_APP_ID}.png").is_file()
        assert (
            hicolor / f"{size}x{size}" / "mimetypes" / f"{make_tarball.PACK_ICON}.png"
        ).is_file()
    assert (unpacked / "lib/reader-app/_internal/libqt.so").readlink() == Path("libqt.so.6")
    for script in ("install.sh", "uninstall.sh", "lib/reader-app/reader-app"):
        assert os.access(unpacked / script, os.X_OK)
        assert "@APP_ID@" not in (unpacked / script).read_text("utf-8")


@posix_only
def test_the_tarball_tree_validates_as_a_whole(unpacked: Path) -> None:
    """appstreamcli finds the metainfo's desktop file and icon where it expects them."""
    appstreamcli = tool("appstreamcli", "appstream")
    done = subprocess.run(
        [appstreamcli, "validate-tree", "--no-net", str(unpacked)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert not re.search(r"^\s*[EW]: ", done.stdout, re.MULTILINE), done.stdout


def desktop_env(home: Path) -> dict[str, str]:
    """A session of no known desktop (xdg-utils' generic mode), all in ``home``."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_DATA_DIRS": f"{home / 'data'}:/usr/share",
        "DISPLAY": ":99",  # never connected to: xdg-open only wants to see one
    }


def sh(script: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["sh", str(script), *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@posix_only
def test_install_for_a_person_registers_links_and_uninstall_keeps_the_library(
    unpacked: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    env = desktop_env(home)
    library = home / "data" / "resource-reader" / "library.sqlite3"
    library.parent.mkdir(parents=True)
    library.write_bytes(b"notes")
    settings = home / "config" / "resource-reader" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text("{}", "utf-8")

    sh(unpacked / "install.sh", env=env)
    lib = home / ".local" / "lib" / "reader-app"
    program = lib / "reader-app"
    assert (home / ".local" / "bin" / "reader-app").readlink() == program
    share = home / "data"
    installed = [
        share / "applications" / f"{DESKTOP_APP_ID}.desktop",
        share / "metainfo" / f"{DESKTOP_APP_ID}.metainfo.xml",
        share / "mime" / "packages" / f"{DESKTOP_APP_ID}.xml",
        share / "icons" / "hicolor" / "48x48" / "apps" / f"{DESKTOP_APP_ID}.png",
        share / "icons" / "hicolor" / "scalable" / "mimetypes" / f"{make_tarball.PACK_ICON}.svg",
    ]
    for path in installed:
        assert path.is_file(), path
    entry = desktop_entry(installed[0])
    assert entry["Exec"] == f"{program} %U" and entry["TryExec"] == str(program)
    if shutil.which("update-mime-database"):
        assert PACK_TYPE in (share / "mime" / "globs2").read_text("utf-8")
    if shutil.which("xdg-mime"):
        for kind in (LINK_TYPE, PACK_TYPE):
            done = subprocess.run(
                ["xdg-mime", "query", "default", kind], env=env, capture_output=True, text=True
            )
            assert done.stdout.strip() == f"{DESKTOP_APP_ID}.desktop", kind
    if shutil.which("xdg-open"):  # a link from exported notes reaches the program
        link = f"{SCHEME}://open?id=reset-2021&page=3"
        subprocess.run(["xdg-open", link], env=env, check=True, timeout=60)
        assert (home / "arguments").read_text("utf-8") == link + "\n"

    sh(unpacked / "install.sh", env=env)  # again: an upgrade in place
    said = sh(lib / "uninstall.sh", env=env)
    assert not lib.exists() and not (home / ".local" / "bin" / "reader-app").exists()
    for path in installed:
        assert not path.exists(), path
    assert not list((share / "icons").rglob(f"{DESKTOP_APP_ID}.*"))
    assert library.read_bytes() == b"notes" and settings.read_text("utf-8") == "{}"
    assert str(library.parent) in said  # it says where the library is kept


@posix_only
def test_install_into_a_prefix_with_a_space(unpacked: Path, tmp_path: Path) -> None:
    """--prefix (as --system, elsewhere): bin, lib and share under it, no per-person
    defaults; a space in the folder is quoted in the menu entry."""
    home = tmp_path / "home"
    env = desktop_env(home)
    prefix = tmp_path / "opt dir"
    sh(unpacked / "install.sh", "--prefix", str(prefix), env=env)
    program = prefix / "lib" / "reader-app" / "reader-app"
    assert (prefix / "bin" / "reader-app").readlink() == program
    desktop = prefix / "share" / "applications" / f"{DESKTOP_APP_ID}.desktop"
    assert desktop_entry(desktop)["Exec"] == f'"{program}" %U'
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
        assert done.returncode == 0, done.stdout
    assert not (home / "config" / "mimeapps.list").exists()
    sh(prefix / "lib" / "reader-app" / "uninstall.sh", env=env)
    assert not program.exists() and not desktop.exists()
    assert not (prefix / "bin" / "reader-app").exists()
