"""Names every installer shares: the app id, the pack file type and the link scheme.

The Linux desktop files, the macOS Info.plist and the Windows installer script all say
these; tests/test_bundle_files.py checks they agree with this file.
"""

APP_NAME = "Resource Reader"
EXECUTABLE = "reader-app"
APP_ID = "invalid.resource_reader.ResourceReader"  # reader_app.DESKTOP_APP_ID; see linux/README.md
PACK_EXTENSION = ".rrpack"
PACK_MIME = "application/x-resource-reader-pack"
PACK_UTI = "invalid.resource-reader.pack"
SCHEME = "resource-reader"
