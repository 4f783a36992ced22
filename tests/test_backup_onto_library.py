"""``backup -o`` naming one of the library's own files (its database, WAL, settings) is
refused: the archive replaced the database, and every later command found it damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader_app import paths
from reader_app.backup_archive import ArchiveError, write_archive
from reader_app.store import Store


def test_a_backup_onto_the_database_is_refused(tmp_path: Path) -> None:
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    Store(app_paths.database).close()
    (app_paths.config_dir / "settings.json").write_text("{}")
    for target in (
        app_paths.database,
        app_paths.database.with_name("library.sqlite3-wal"),
        app_paths.config_dir / "settings.json",
        app_paths.data_dir / "files" / ".." / "library.sqlite3",
    ):
        with pytest.raises(ArchiveError, match="library's own files"):
            write_archive(app_paths, target)
    assert app_paths.database.read_bytes().startswith(b"SQLite format 3\x00")
    assert (app_paths.config_dir / "settings.json").read_text() == "{}"
