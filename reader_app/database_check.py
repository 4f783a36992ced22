"""Whether a database from outside (a backup archive's, or a daily snapshot being
restored) is one this app could have written: its schema exactly what the migrations
make, and every row as the app itself would store it.

(The checks are being written for issue 14; the restore paths already call this.)
"""

from __future__ import annotations

from pathlib import Path


class DatabaseCheckError(ValueError):
    """Why a database is refused; the message is for the user."""


def check_database(path: Path) -> None:
    """Raise DatabaseCheckError saying why the database at ``path`` is refused.

    It is opened read-only and never changed."""
    del path
