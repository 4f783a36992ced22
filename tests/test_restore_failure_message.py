"""A restore whose undoing fails too (the disk turned read-only mid-restore) must not
promise what the next start will not do: recovery follows the journal, which may
complete the restore rather than put the library back."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from reader_app import paths, restore_journal
from reader_app.backup_archive import ArchiveError, restore_archive, write_archive
from reader_app.store import Store


def test_a_restore_that_cannot_be_undone_says_the_next_start_decides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    Store(app_paths.database).close()
    archive = tmp_path / "library.zip"
    write_archive(app_paths, archive)
    real_rename, real_replace = os.rename, os.replace
    renames = []

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    def rename(source: str, target: str) -> None:
        renames.append(source)
        real_rename(source, target)
        # After the database went aside the disk turns read-only: the next step fails,
        # and so does recording the undo.
        monkeypatch.setattr(os, "rename", read_only)
        monkeypatch.setattr(os, "replace", read_only)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(ArchiveError) as failure:
        restore_archive(app_paths, archive)
    monkeypatch.setattr(os, "rename", real_rename)
    monkeypatch.setattr(os, "replace", real_replace)
    assert renames and "putting the library back failed too" in str(failure.value)
    notice = restore_journal.recover(app_paths.data_dir, app_paths) or ""
    said = str(failure.value)
    if "completed" in notice:  # what the next start did must be among what was promised
        assert "completes the restore" in said, said
    else:
        assert "puts the library back" in said, said
