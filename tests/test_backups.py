"""Daily, checked, rotating backups of the database, and restoring one."""

from datetime import UTC, datetime, timedelta

import pytest
from test_cli import run, run_json

from reader_app import backups
from reader_app.annotations import Annotations
from reader_app.store import Store

DAY = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "library.sqlite3"
    with Store(path) as store:
        Annotations(store).add("reset-pillar", "ab" * 32, "page-note", 1, body="first")
    return path


def notes_in(path) -> list[str]:
    with Store(path) as store:
        return [a.body for a in Annotations(store).find()]


def test_one_backup_a_day_keeping_seven(database, tmp_path) -> None:
    folder = tmp_path / "backups"
    first = backups.take_daily_backup(database, folder, DAY)
    assert first is not None and backups.integrity(first.path) == "ok"
    assert backups.take_daily_backup(database, folder, DAY + timedelta(hours=5)) is None
    for day in range(1, 10):
        backups.take_daily_backup(database, folder, DAY + timedelta(days=day))
    kept = backups.backups_in(folder)
    assert len(kept) == backups.KEEP
    assert kept[0].taken.date() == (DAY + timedelta(days=9)).date()  # newest first
    assert not list(folder.glob("*.partial"))
    assert notes_in(kept[0].path) == ["first"]


def test_a_damaged_database_is_not_backed_up(tmp_path) -> None:
    bad = tmp_path / "library.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    with pytest.raises(backups.BackupError):
        backups.take_backup(bad, tmp_path / "backups", DAY)
    assert list((tmp_path / "backups").iterdir()) == []


def test_restore_puts_the_backup_back_and_keeps_the_current_one(database, tmp_path) -> None:
    backup = backups.take_backup(database, tmp_path / "backups", DAY)
    with Store(database) as store:
        Annotations(store).add("reset-pillar", "ab" * 32, "page-note", 2, body="later")
    kept = backups.restore(database, backup.path, DAY + timedelta(hours=1))
    assert notes_in(database) == ["first"]
    assert kept is not None and sorted(notes_in(kept)) == ["first", "later"]


def test_a_damaged_backup_is_refused_and_nothing_changes(database, tmp_path) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database")
    before = database.read_bytes()
    with pytest.raises(backups.BackupError, match="damaged"):
        backups.restore(database, bad)
    assert database.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "before-restore" in p.name) == []


def test_opening_the_library_takes_the_day_s_backup(capsys, data_dir) -> None:
    run(capsys, "note", "add", "reset-pillar", "--page", "1", "--text", "saved")
    listed = run_json(capsys, "restore-backup")
    assert len(listed) == 1 and listed[0]["name"].startswith("library-")
    # The backup was taken when the library opened, before the note was added.
    run(capsys, "note", "add", "reset-pillar", "--page", "2", "--text", "newer")
    code, out, err = run(capsys, "restore-backup", listed[0]["name"])
    assert code == 0, err
    assert "previous database is kept" in out
    assert run_json(capsys, "note", "list") == []
    code, _out, err = run(capsys, "restore-backup", str(data_dir / "nothing-here.sqlite3"))
    assert code == 1 and "no backup" in err
