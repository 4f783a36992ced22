"""The installers agree with the app and with each other (packaging/identity.py): the
app id, the pack type, the link scheme, the executable and the data folder the Windows
uninstaller offers to delete. A file that drifts would leave packs or links opening
nothing on one system."""

from __future__ import annotations

import plistlib
import re
import sys

from repo_paths import REPO

import reader_app
from reader_app.deep_links import SCHEME
from reader_app.packs.format import SUFFIX

PACKAGING = REPO / "packaging"
sys.path.insert(0, str(PACKAGING))
sys.path.insert(0, str(PACKAGING / "pyinstaller"))

import identity  # noqa: E402
from macos import info_plist  # noqa: E402


def test_identity_is_the_apps() -> None:
    assert identity.APP_ID == reader_app.DESKTOP_APP_ID
    assert identity.SCHEME == SCHEME
    assert identity.PACK_EXTENSION == SUFFIX
    assert identity.APP_NAME == reader_app.APP_NAME


def test_the_linux_files_use_the_same_names() -> None:
    linux = PACKAGING / "linux"
    desktop = (linux / f"{identity.APP_ID}.desktop").read_text("utf-8")
    assert f"Icon={identity.APP_ID}" in desktop
    mime_types = re.search(r"^MimeType=(.*)$", desktop, re.M).group(1).split(";")
    assert {identity.PACK_MIME, f"x-scheme-handler/{identity.SCHEME}"} <= set(mime_types)
    assert re.search(r"^Exec=reader-app %U$", desktop, re.M)
    mime = (linux / "application-x-resource-reader-pack.xml").read_text("utf-8")
    assert f'type="{identity.PACK_MIME}"' in mime
    assert f'pattern="*{identity.PACK_EXTENSION}"' in mime
    metainfo = (linux / f"{identity.APP_ID}.metainfo.xml").read_text("utf-8")
    assert f"<id>{identity.APP_ID}</id>" in metainfo


def test_the_macos_info_plist_declares_packs_and_links() -> None:
    plist = info_plist("1.2.3")
    plistlib.loads(plistlib.dumps(plist))  # writable as a real Info.plist
    assert plist["CFBundleIdentifier"] == identity.APP_ID
    assert plist["CFBundleShortVersionString"] == "1.2.3"
    (declared,) = plist["UTExportedTypeDeclarations"]
    tags = declared["UTTypeTagSpecification"]
    assert tags["public.filename-extension"] == [identity.PACK_EXTENSION.lstrip(".")]
    assert tags["public.mime-type"] == [identity.PACK_MIME]
    (document,) = plist["CFBundleDocumentTypes"]
    assert document["LSItemContentTypes"] == [declared["UTTypeIdentifier"]]
    (urls,) = plist["CFBundleURLTypes"]
    assert urls["CFBundleURLSchemes"] == [identity.SCHEME]
    assert info_plist()["CFBundleShortVersionString"] == reader_app.__version__


def test_the_windows_installer_registers_packs_links_and_keeps_the_right_data() -> None:
    script = (PACKAGING / "windows" / "reader-app.iss").read_text("utf-8")
    assert f'#define AppExe "{identity.EXECUTABLE}.exe"' in script
    assert f'#define AppName "{identity.APP_NAME}"' in script
    assert f'Subkey: "Software\\Classes\\{identity.PACK_EXTENSION}"' in script
    assert f'ValueData: "{identity.PACK_MIME}"' in script
    scheme_key = f'Subkey: "Software\\Classes\\{identity.SCHEME}"; ValueType: string;'
    assert f'{scheme_key} ValueName: "URL Protocol"' in script
    # platformdirs puts the data in %LOCALAPPDATA%\<app name> on Windows (appauthor=False).
    assert f'#define DataFolder "{{localappdata}}\\{reader_app.APP_ID}"' in script
    # The uninstaller asks before deleting it, and a silent one never does.
    assert "not UninstallSilent" in script and "MB_DEFBUTTON2" in script


def test_the_spec_names_the_program_as_the_pip_entry_point() -> None:
    spec = (PACKAGING / "pyinstaller" / "reader-app.spec").read_text("utf-8")
    assert f'name="{identity.EXECUTABLE}",' in spec
    pyproject = (REPO / "pyproject.toml").read_text("utf-8")
    assert f'{identity.EXECUTABLE} = "reader_app.cli:main"' in pyproject
