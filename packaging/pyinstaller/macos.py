"""The macOS app bundle's Info.plist: the app's identity, resource packs as a document
type it opens, and the resource-reader: links of exported notes.

Read by reader-app.spec on macOS; kept in one place with the identifiers build.py and
the Linux files use (packaging/identity.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from identity import APP_ID, APP_NAME, PACK_EXTENSION, PACK_MIME, PACK_UTI, SCHEME


def info_plist(version: str | None = None) -> dict[str, Any]:
    if version is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from reader_app import __version__ as version
    return {
        "CFBundleIdentifier": APP_ID,
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHighResolutionCapable": True,
        "LSMinimumSystemVersion": "11.0",
        "NSHumanReadableCopyright": "Licensed under the GNU AGPL v3 or later",
        # Packs: a zip of our own, declared here so Finder opens .rrpack files with us.
        "UTExportedTypeDeclarations": [
            {
                "UTTypeIdentifier": PACK_UTI,
                "UTTypeDescription": "Resource Reader pack",
                "UTTypeConformsTo": ["public.zip-archive", "public.data"],
                "UTTypeTagSpecification": {
                    "public.filename-extension": [PACK_EXTENSION.lstrip(".")],
                    "public.mime-type": [PACK_MIME],
                },
            }
        ],
        "CFBundleDocumentTypes": [
            {
                "CFBundleTypeName": "Resource Reader pack",
                "CFBundleTypeRole": "Viewer",
                "LSHandlerRank": "Owner",
                "LSItemContentTypes": [PACK_UTI],
            }
        ],
        "CFBundleURLTypes": [{"CFBundleURLName": f"{APP_ID}.link", "CFBundleURLSchemes": [SCHEME]}],
    }
