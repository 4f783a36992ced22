"""No fresh, empty library is ever made over the user's data: an empty (0-byte) or
garbage database, or a missing one beside a restore's leftovers, is left exactly as it
is, every command refuses with one line naming it and the daily backups with the
command that restores one, and `doctor` reports it (and changes nothing)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader_app import backups, paths, restore_journal, work_folders
from reader_app.annotations import Annotations
from reader_app.doctor import FAIL, Doctor, Problem
from reader_app.library import Library
from reader_app.store import Store


def cli(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader_app", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env={**os.environ, **env}, timeout=60,
    )  # fmt: skip


@pytest.fixture
def with_backups(tmp_path: Path) -> tuple[paths.AppPaths, list[backups.Backup]]:
    """A library with a note and two daily backups of it."""
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    with Store(app_paths.database) as store:
        Annotations(store).add("reset-pillar", "ab" * 32, "page-note", 1, body="in the backup")
    folder = app_paths.data_dir / backups.FOLDER
    made = [
        backups.take_backup(app_paths.database, folder, datetime(2026, 12, day, tzinfo=UTC))
        for day in (1, 2)
    ]
    return app_paths, made


@pytest.mark.parametrize(
    ("content", "said"),
    [(b"", "is empty (0 bytes)"), (b"garbage, not SQLite " * 100, "is damaged")],
    ids=["empty", "garbage"],
)
def test_an_empty_or_garbage_database_is_kept_and_the_backups_offered(
    with_backups, content: bytes, said: str
) -> None:
    app_paths, made = with_backups
    app_paths.database.write_bytes(content)
    for side in app_paths.data_dir.glob("library.sqlite3-*"):  # left by the backups' reads
        side.unlink()
    refused = cli(app_paths.data_dir, "list")
    assert refused.returncode == 1
    [line] = refused.stderr.splitlines()
    assert str(app_paths.database) in line and said in line
    assert all(b.name in line for b in made)  # both listed, newest first
    assert line.index(made[1].name) < line.index(made[0].name)
    assert f"'reader-app restore-backup {made[1].name}'" in line
    assert app_paths.database.read_bytes() == content  # left exactly as it was
    assert not list(app_paths.data_dir.glob("library.sqlite3-*"))
    assert len(backups.backups_in(app_paths.data_dir / backups.FOLDER)) == 2  # none rotated
    # Doctor says the same and changes nothing either.
    with pytest.raises(Problem) as found:
        Doctor(app_paths).check_database()
    assert said in found.value.detail
    assert f"reader-app restore-backup {made[1].name}" in found.value.fix
    assert app_paths.database.read_bytes() == content
    # The command it offers works, keeping the bad file beside.
    restored = cli(app_paths.data_dir, "restore-backup", made[1].name)
    assert restored.returncode == 0, restored.stderr
    [kept] = app_paths.data_dir.glob("library.sqlite3.before-restore-*")
    assert kept.read_bytes() == content
    listed = cli(app_paths.data_dir, "note", "list", "--json")
    assert listed.returncode == 0 and "in the backup" in listed.stdout


def test_doctor_reports_a_zero_byte_database_among_the_leftovers(with_backups) -> None:
    app_paths, made = with_backups
    app_paths.database.write_bytes(b"")
    with pytest.raises(Problem) as found:
        Doctor(app_paths).check_leftovers()
    assert found.value.status == FAIL and "0 bytes" in found.value.detail
    assert made[1].name in found.value.fix
    assert app_paths.database.stat().st_size == 0


def test_no_new_library_where_a_restore_left_the_data(tmp_path: Path) -> None:
    """An old restore killed at its second rename (no journal): the database moved aside,
    the new one still in .restoring-*. No empty library is made in their place."""
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    with Store(app_paths.database) as store:
        Annotations(store).add("reset-pillar", "ab" * 32, "page-note", 1, body="real data")
    aside = app_paths.data_dir / "before-restore-20261201-100000"
    aside.mkdir()
    shutil.move(app_paths.database, aside / "library.sqlite3")
    (app_paths.data_dir / ".restoring-abc").mkdir()
    refused = cli(app_paths.data_dir, "note", "list", "--json")
    assert refused.returncode == 1
    assert "no new, empty library was made" in json.loads(refused.stdout)["error"]
    assert "no new, empty library was made" in refused.stderr
    assert "before-restore-20261201-100000" in refused.stderr
    assert not app_paths.database.exists()
    with pytest.raises(Problem):
        Doctor(app_paths).check_database()
    assert not app_paths.database.exists()
    with pytest.raises(Problem) as found:  # and says where the data is
        Doctor(app_paths).check_leftovers()
    assert ".restoring-abc" in found.value.detail and "before-restore-" in found.value.detail


def test_tmp_is_swept_at_start_of_what_is_old_not_of_what_is_fresh(tmp_path: Path) -> None:
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    old = app_paths.tmp_dir / "restore-old"
    old.mkdir(parents=True)
    (old / "library.sqlite3").write_bytes(b"a copy of user data")
    fresh = app_paths.tmp_dir / "verify-fresh"
    fresh.mkdir()
    partial = app_paths.data_dir / backups.FOLDER / "library-20261201-000000.partial"
    partial.parent.mkdir()
    partial.write_bytes(b"half a backup")
    long_ago = time.time() - 2 * work_folders.ABANDONED_AFTER
    for path in (old / "library.sqlite3", old, partial):
        os.utime(path, (long_ago, long_ago))
    Library.open(app_paths, backup=False).close()
    assert not old.exists() and not partial.exists()
    assert fresh.exists()
    old.mkdir()
    (old / "library.sqlite3").write_bytes(b"a copy of user data")
    for path in (old / "library.sqlite3", old):
        os.utime(path, (long_ago, long_ago))
    # Never while a restore is under way in another process (its copies are there too).
    with restore_journal.exclusive(app_paths.data_dir) as held:
        assert held
        Library.open(app_paths, backup=False).close()
    assert old.exists()
    Library.open(app_paths, backup=False).close()
    assert not old.exists() and not partial.exists()
    assert fresh.exists()


def test_a_tmp_folder_that_is_a_link_is_not_swept_through(tmp_path: Path) -> None:
    """tmp/ and backups/ as links to the reader's own folders: what they point to stays."""
    app_paths = paths.resolve(tmp_path / "data")
    app_paths.ensure()
    elsewhere = tmp_path / "home"
    (elsewhere / "old-project").mkdir(parents=True)
    (elsewhere / "old-project" / "report.docx").write_bytes(b"precious")
    (elsewhere / "draft.partial").write_bytes(b"precious too")
    long_ago = time.time() - 2 * work_folders.ABANDONED_AFTER
    for path in (elsewhere / "old-project" / "report.docx", elsewhere / "old-project",
                 elsewhere / "draft.partial"):  # fmt: skip
        os.utime(path, (long_ago, long_ago))
    app_paths.tmp_dir.symlink_to(elsewhere, target_is_directory=True)
    (app_paths.data_dir / backups.FOLDER).symlink_to(elsewhere, target_is_directory=True)
    Library.open(app_paths, backup=False).close()
    assert (elsewhere / "old-project" / "report.docx").read_bytes() == b"precious"
    assert (elsewhere / "draft.partial").read_bytes() == b"precious too"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_backup_leaves_nothing_in_the_system_temporary_folder(
    with_backups, tmp_path: Path
) -> None:
    app_paths, _ = with_backups
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    out = tmp_path / "elsewhere" / "library.zip"
    killed = cli(
        app_paths.data_dir, "backup", "-o", str(out),
        TMPDIR=str(system_tmp), READER_APP_FAULT="backup-copied",
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list(system_tmp.iterdir()) == []
    assert not out.exists()
    # What it left is beside the archive, named for it.
    left = [p.name for p in out.parent.iterdir()]
    assert left and all(n.startswith(".library.zip.") and n.endswith(".part") for n in left)
    # A whole backup leaves nothing anywhere but the archive.
    for name in left:
        (out.parent / name).unlink()
    made = cli(app_paths.data_dir, "backup", "-o", str(out), TMPDIR=str(system_tmp))
    assert made.returncode == 0, made.stderr
    assert list(system_tmp.iterdir()) == [] and [p.name for p in out.parent.iterdir()] == [
        "library.zip"
    ]
    restored = cli(app_paths.data_dir, "restore", str(out), TMPDIR=str(system_tmp))
    assert restored.returncode == 0, restored.stderr
    assert list(system_tmp.iterdir()) == []
    assert not app_paths.tmp_dir.exists() or list(app_paths.tmp_dir.iterdir()) == []
