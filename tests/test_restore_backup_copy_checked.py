"""``restore-backup`` checks the copy it puts in place, not only the backup it copies:
a backup changed between its check and its copy (another process, a file on a shared
disk) must not put a database the app never writes in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reader_app import backups, paths
from reader_app.store import Store


def test_a_backup_changed_after_its_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    Store(app_paths.database).close()
    snapshot = backups.take_backup(app_paths.database, app_paths.data_dir / backups.FOLDER)
    real_copy = backups._copy

    def copy_then_changed(source: Path, target: Path) -> None:
        real_copy(source, target)
        if target.parent.name.startswith(".restoring-"):  # what the checked file became
            db = sqlite3.connect(target)
            db.execute("CREATE TRIGGER t AFTER INSERT ON tags BEGIN DELETE FROM tags; END")
            db.commit()
            db.close()

    monkeypatch.setattr(backups, "_copy", copy_then_changed)
    with pytest.raises(backups.BackupError, match="trigger"):
        backups.restore(app_paths.database, snapshot.path)
    db = sqlite3.connect(app_paths.database)
    try:
        assert not db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    finally:
        db.close()
    assert not list(app_paths.data_dir.glob(".restoring-*"))
    assert not list(app_paths.data_dir.glob("*.before-restore-*"))
