"""Resource Reader: an offline reader for place-based recovery resources."""

__version__ = "0.1.0"

APP_NAME = "Resource Reader"
APP_ID = "resource-reader"
# The reverse-DNS id the desktop knows the app by: the .desktop file's and AppStream
# component's name, and the Wayland app id. A placeholder in the reserved .invalid domain
# (we own no domain to use); packaging/linux/README.md says why and how to change it.
DESKTOP_APP_ID = "invalid.resource_reader.ResourceReader"


class ReaderAppWarning(UserWarning):
    """Warnings raised by our own code; the test suite turns them into errors."""
