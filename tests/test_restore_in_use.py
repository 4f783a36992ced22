"""A restore while the library is open elsewhere (the window, a running ``note add``)
is refused: that connection would go on writing into the database moved aside, so the
notes written meanwhile would silently not be in the restored library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader_app import backups, paths
from reader_app.backup_archive import ArchiveError, restore_archive, write_archive
from reader_app.store import Store
from tests.repo_paths import REPO

HOLD = """
import sys
from pathlib import Path
from reader_app.store import Store
store = Store(Path(sys.argv[1]))
store.query("SELECT count(*) FROM tags")
print("open", flush=True)
sys.stdin.read()  # until the test is done
store.close()
"""


@pytest.fixture
def library(tmp_path: Path) -> tuple[paths.AppPaths, Path]:
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    Store(app_paths.database).close()
    archive = tmp_path / "library.zip"
    write_archive(app_paths, archive)
    return app_paths, archive


def held_open(database: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "open\n"
    return holder


def test_restore_is_refused_while_another_process_has_the_library_open(library) -> None:
    app_paths, archive = library
    holder = held_open(app_paths.database)
    try:
        with pytest.raises(ArchiveError, match="open in another"):
            restore_archive(app_paths, archive)
        snapshot = backups.take_backup(app_paths.database, app_paths.data_dir / "backups")
        with pytest.raises(backups.BackupError, match="open in another"):
            backups.restore(app_paths.database, snapshot.path)
        assert app_paths.database.is_file()
        assert not list(app_paths.data_dir.glob("before-restore-*"))
        assert not list(app_paths.data_dir.glob(".restoring-*"))
    finally:
        holder.communicate("")
    restore_archive(app_paths, archive)  # once it is closed
