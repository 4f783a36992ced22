"""A restore journal is data on disk too: one that names anything a restore would not
touch (outside the data folder, or a staging or aside folder that is a link) is refused
before recovery renames or deletes anything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader_app import paths, restore_journal
from tests.repo_paths import REPO


def plant(data_dir: Path, **fields: object) -> None:
    journal = {
        "data_dir": str(data_dir),
        "kind": "archive",
        "source": "/nowhere/x.zip",
        "staging": str(data_dir / ".restoring-20260101-000000-abcd"),
        "aside": str(data_dir / "before-restore-20260101-000000"),
        "started": "2026-01-01T00:00:00+00:00",
        "step": "done",
        "moves": [],
        "aside_count": 0,
        "moved": 0,
        "expect": [],
        "index_dir": "",
        "work": "",
    }
    journal.update(fields)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / restore_journal.JOURNAL_NAME).write_text(json.dumps(journal))


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    folder = tmp_path / "victim"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "precious.txt").write_text("mine")
    return folder


def crafted(data_dir: Path, victim: Path) -> list[dict[str, object]]:
    outside = str(victim)
    return [
        {"staging": outside},  # finish() removes the staging folder
        {"staging": str(data_dir / ".restoring-x" / ".." / ".." / "victim")},
        {"work": outside},  # and the work folder
        {"index_dir": outside},  # and the index (after the last step)
        {"step": "staged", "moves": [[outside, str(data_dir / "library.sqlite3")]]},
        {
            "step": "rolling-back",
            "moves": [[str(data_dir / "library.sqlite3"), str(victim / "sub" / "precious.txt")]],
        },
        {"aside": outside, "step": "staged", "moves": [[str(data_dir / "files"), outside]]},
        {"expect": [["../../victim/sub/precious.txt", 1, "0" * 64]], "step": "staged"},
    ]


def test_a_journal_naming_paths_outside_the_data_folder_is_refused(
    tmp_path: Path, victim: Path
) -> None:
    data_dir = tmp_path / "data"
    app_paths = paths.resolve(data_dir)
    for fields in crafted(data_dir, victim):
        plant(data_dir, **fields)
        with pytest.raises(restore_journal.RestoreJournalError, match="nothing was changed"):
            restore_journal.recover(data_dir, app_paths)
        assert (victim / "sub" / "precious.txt").read_text() == "mine", fields
        assert (data_dir / restore_journal.JOURNAL_NAME).exists()  # kept for the user


def test_a_staging_folder_that_is_a_link_is_refused(tmp_path: Path, victim: Path) -> None:
    data_dir = tmp_path / "data"
    staging = data_dir / ".restoring-20260101-000000-abcd"
    plant(data_dir)
    staging.symlink_to(victim)
    with pytest.raises(restore_journal.RestoreJournalError, match="is a link"):
        restore_journal.recover(data_dir, paths.resolve(data_dir))
    aside = data_dir / "before-restore-20260101-000000"
    staging.unlink()
    aside.symlink_to(victim)
    plant(data_dir, step="staged", moves=[[str(data_dir / "files"), str(aside / "files")]])
    with pytest.raises(restore_journal.RestoreJournalError, match="is a link"):
        restore_journal.recover(data_dir, paths.resolve(data_dir))


def test_the_command_line_refuses_a_crafted_journal_and_deletes_nothing(
    tmp_path: Path, victim: Path
) -> None:
    data_dir = tmp_path / "data"
    plant(data_dir, staging=str(victim))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-m", "reader_app", "--data-dir", str(data_dir), "note", "list"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "is not in" in result.stderr and "Traceback" not in result.stderr
    assert (victim / "sub" / "precious.txt").read_text() == "mine"
    assert not (data_dir / "library.sqlite3").exists()  # no fresh library beside it


def test_a_journal_a_restore_writes_is_accepted(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    app_paths = paths.resolve(data_dir)
    staging = data_dir / ".restoring-20260101-000000-abcd"
    aside = data_dir / "before-restore-20260101-000000"
    moves = [
        [str(app_paths.database), str(aside / "library.sqlite3")],
        [str(app_paths.config_dir / "settings.json"), str(aside / "config" / "settings.json")],
        [str(staging / "library.sqlite3"), str(app_paths.database)],
        [str(staging / "files"), str(data_dir / "files")],
    ]
    plant(
        data_dir, step="database", moves=moves, aside_count=2, moved=3,
        expect=[["files/a.pdf", 1, "0" * 64]], index_dir=str(app_paths.index_dir),
        work=str(app_paths.tmp_dir / "restore-x"),
    )  # fmt: skip
    journal = restore_journal.read_journal(data_dir, app_paths)
    assert journal is not None and journal.moved == 3


def test_a_work_or_index_folder_reached_through_a_link_is_refused(
    tmp_path: Path, victim: Path
) -> None:
    data_dir = tmp_path / "data"
    app_paths = paths.resolve(data_dir)
    plant(data_dir, work=str(app_paths.tmp_dir / "sub"))
    app_paths.tmp_dir.symlink_to(victim)  # tmp/sub is then the victim's sub/
    with pytest.raises(restore_journal.RestoreJournalError, match="is a link"):
        restore_journal.recover(data_dir, app_paths)
    assert (victim / "sub" / "precious.txt").read_text() == "mine"
    app_paths.tmp_dir.unlink()
    plant(data_dir, index_dir=str(app_paths.index_dir))
    app_paths.cache_dir.symlink_to(tmp_path)  # cache/index would be tmp_path/index
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "kept.txt").write_text("mine")
    with pytest.raises(restore_journal.RestoreJournalError, match="is a link"):
        restore_journal.recover(data_dir, app_paths)
    assert (tmp_path / "index" / "kept.txt").exists()


def test_a_planted_staged_database_is_checked_before_recovery_puts_it_in_place(
    tmp_path: Path,
) -> None:
    import sqlite3

    from reader_app.store import Store

    data_dir = tmp_path / "data"
    app_paths = paths.resolve(data_dir)
    app_paths.ensure()
    Store(app_paths.database).close()
    staging = data_dir / ".restoring-20260101-000000-abcd"
    staging.mkdir()
    staged = staging / "library.sqlite3"
    Store(staged).close()
    db = sqlite3.connect(staged)
    db.execute("CREATE TRIGGER t AFTER INSERT ON tags BEGIN DELETE FROM tags; END")
    db.commit()
    db.close()
    size = staged.stat().st_size
    aside = data_dir / "before-restore-20260101-000000"
    plant(
        data_dir, step="staged", kind="archive", aside=str(aside), staging=str(staging),
        moves=[
            [str(app_paths.database), str(aside / "library.sqlite3")],
            [str(staged), str(app_paths.database)],
        ],
        aside_count=1, moved=0,
        expect=[["library.sqlite3", size, restore_journal.sha256_of(staged)]],
    )  # fmt: skip
    notice = restore_journal.recover(data_dir, app_paths) or ""
    assert "rolled back" in notice and "trigger" in notice
    db = sqlite3.connect(app_paths.database)
    try:
        assert not db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    finally:
        db.close()


def test_doctor_does_not_advise_running_a_command_for_a_refused_journal(
    tmp_path: Path, victim: Path
) -> None:
    from reader_app import database_guard

    data_dir = tmp_path / "data"
    plant(data_dir, staging=str(victim))
    (journal,) = [
        f for f in database_guard.leftovers(paths.resolve(data_dir)) if "journal" in f.path.name
    ]
    assert journal.status == "fail" and "is not in" in journal.detail
    assert "run any command" not in journal.fix and "move restore-journal.json" in journal.fix
