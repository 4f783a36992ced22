"""A database that is missing where a library was (daily backups, imported documents)
is not replaced by a fresh, empty one: that one's start would sweep the documents as
orphans and its daily backups would rotate the real ones out. The backups are offered."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from reader_app import backups, paths
from reader_app.database_guard import UnusableDatabaseError
from reader_app.library import Library


def a_library_without_its_database(tmp_path: Path) -> paths.AppPaths:
    app_paths = paths.resolve(tmp_path / "data")
    Library.open(app_paths, backup=True).close()  # makes today's daily backup
    document = app_paths.data_dir / "files" / ("0" * 64 + ".pdf")
    document.parent.mkdir(exist_ok=True)
    document.write_bytes(b"%PDF-1.4 an imported document")
    old = time.time() - 7200  # past the orphan sweep's age
    os.utime(document, (old, old))
    for suffix in ("", "-wal", "-shm"):
        app_paths.database.with_name(app_paths.database.name + suffix).unlink(missing_ok=True)
    return app_paths


def test_a_lost_database_is_not_replaced_by_an_empty_one(tmp_path: Path) -> None:
    app_paths = a_library_without_its_database(tmp_path)
    with pytest.raises(UnusableDatabaseError, match="no new, empty library") as refused:
        Library.open(app_paths, backup=False)
    assert refused.value.backups  # offered
    assert not app_paths.database.exists()
    assert (app_paths.data_dir / "files" / ("0" * 64 + ".pdf")).exists()


def test_only_documents_left_are_kept_too(tmp_path: Path) -> None:
    app_paths = a_library_without_its_database(tmp_path)
    for backup in backups.backups_in(app_paths.data_dir / backups.FOLDER):
        backup.path.unlink()
    with pytest.raises(UnusableDatabaseError, match="imported documents"):
        Library.open(app_paths, backup=False)
    assert (app_paths.data_dir / "files" / ("0" * 64 + ".pdf")).exists()


def test_a_first_start_still_makes_the_library(tmp_path: Path) -> None:
    app_paths = paths.resolve(tmp_path / "fresh")
    Library.open(app_paths, backup=False).close()
    assert app_paths.database.is_file()
