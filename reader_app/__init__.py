"""Resource Reader: an offline reader for place-based recovery resources."""

__version__ = "0.1.0"

APP_NAME = "Resource Reader"
APP_ID = "resource-reader"


class ReaderAppWarning(UserWarning):
    """Warnings raised by our own code; the test suite turns them into errors."""
