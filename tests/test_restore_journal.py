"""A restore killed (SIGKILL, by the fault hook READER_APP_FAULT) at each of its steps,
for `restore FILE` and `restore-backup NAME`: the next command completes it (or rolls it
back) before it opens the database and says which, so the library shows the restored
data or the old data, never an empty one; `doctor` is clean afterwards; a kill during
the recovery itself is recovered by the next start."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader_app import backups, database_guard, paths, restore_journal
from reader_app.annotations import Annotations
from reader_app.backup_archive import write_archive
from reader_app.doctor import OK, Doctor, Problem
from reader_app.store import Store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

ARCHIVED = {"archived note", "second archived note"}
NEWER = ARCHIVED | {"written after the backup"}
FILES = {"ab/plan.pdf": b"%PDF-1.7 archived" * 50, "cd.png": b"\x89PNG archived" * 20}
# Points of `restore FILE` on a library with a database, two files and both settings
# files: 4 renames aside (database, files, settings.json, window-state.ini), 4 in.
ARCHIVE_POINTS = ["staging", "staged", *[f"move-{n}" for n in range(1, 9)],
                  "aside", "database", "files", "done"]  # fmt: skip
# `restore-backup NAME`: the database aside, the backup's copy in.
SNAPSHOT_POINTS = ["staging", "staged", "move-1", "aside", "move-2", "database", "files", "done"]


def cli(data_dir: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop(restore_journal.FAULT_ENV, None)
    if fault:
        env[restore_journal.FAULT_ENV] = fault
    return subprocess.run(
        [sys.executable, "-m", "reader_app", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip


def add_notes(database: Path, bodies: list[str]) -> None:
    with Store(database) as store:
        notes = Annotations(store)
        for body in bodies:
            notes.add("reset-pillar", "ab" * 32, "page-note", 1, body=body)


def fill(app_paths: paths.AppPaths) -> None:
    app_paths.ensure()
    add_notes(app_paths.database, sorted(ARCHIVED))
    for name, data in FILES.items():
        path = app_paths.data_dir / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (app_paths.config_dir / "settings.json").write_text('{"version": 1, "theme": "dark"}\n')
    (app_paths.config_dir / "window-state.ini").write_text("[main]\ngeometry=1\n")


def change_after_backup(app_paths: paths.AppPaths) -> None:
    """What the restore replaces: a newer note, a changed file, another setting."""
    add_notes(app_paths.database, ["written after the backup"])
    (app_paths.data_dir / "files" / "cd.png").write_bytes(b"changed since")
    (app_paths.config_dir / "settings.json").write_text('{"version": 1, "theme": "light"}\n')


def listed_notes(data_dir: Path) -> tuple[set[str], str]:
    """The note bodies `note list --json` shows, and what it said on stderr."""
    done = cli(data_dir, "note", "list", "--json")
    assert done.returncode == 0, done.stderr
    return {note["body"] for note in json.loads(done.stdout)}, done.stderr


def files_of(app_paths: paths.AppPaths) -> dict[str, bytes]:
    root = app_paths.data_dir / "files"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def assert_clean(app_paths: paths.AppPaths) -> None:
    """No journal, no staging folder, nothing in tmp/: doctor's check passes."""
    left = database_guard.leftovers(app_paths)
    assert all(item.status == OK for item in left), left
    assert not list(app_paths.data_dir.glob(".restoring-*"))
    assert not restore_journal.journal_path(app_paths.data_dir).exists()
    assert Doctor(app_paths).check_leftovers()
    doctor = Doctor(app_paths)
    try:
        assert "integrity ok" in doctor.check_database()
    finally:
        doctor.close()


@pytest.fixture
def archived(tmp_path: Path) -> tuple[paths.AppPaths, Path]:
    """A library, its archive, and the library changed since."""
    app_paths = paths.resolve(tmp_path / "data")
    fill(app_paths)
    archive = tmp_path / "library.zip"
    write_archive(app_paths, archive)
    change_after_backup(app_paths)
    return app_paths, archive


@pytest.mark.parametrize("point", ARCHIVE_POINTS)
def test_restore_killed_at_each_step_is_completed_or_undone_at_next_start(
    archived, point: str
) -> None:
    app_paths, archive = archived
    killed = cli(app_paths.data_dir, "restore", str(archive), fault=point)
    assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
    bodies, said = listed_notes(app_paths.data_dir)
    if point == "staging":  # nothing of the library had changed yet
        assert bodies == NEWER
        assert "abandoned and your library is as it was" in said
        assert files_of(app_paths)["cd.png"] == b"changed since"
    else:
        assert bodies == ARCHIVED
        assert files_of(app_paths) == FILES
        assert 'theme": "dark' in (app_paths.config_dir / "settings.json").read_text()
        assert ("has now been completed" in said) or ("had finished" in said), said
        [aside] = app_paths.data_dir.glob("before-restore-*")
        assert str(aside) in said
        assert (aside / "files" / "cd.png").read_bytes() == b"changed since"
        with Store(aside / "library.sqlite3") as old:
            assert len(Annotations(old).find()) == len(NEWER)
    assert said.count("\n") == 1 and said.startswith("reader-app: notice:")
    assert_clean(app_paths)
    again, said_again = listed_notes(app_paths.data_dir)  # recovered once, said once
    assert again == bodies and said_again == ""


@pytest.fixture
def snapshotted(tmp_path: Path) -> tuple[paths.AppPaths, backups.Backup]:
    app_paths = paths.resolve(tmp_path / "data")
    fill(app_paths)
    made = backups.take_backup(
        app_paths.database, app_paths.data_dir / backups.FOLDER, datetime(2026, 12, 1, tzinfo=UTC)
    )
    change_after_backup(app_paths)
    return app_paths, made


@pytest.mark.parametrize("point", SNAPSHOT_POINTS)
def test_restore_backup_killed_at_each_step_is_completed_or_undone_at_next_start(
    snapshotted, point: str
) -> None:
    app_paths, made = snapshotted
    killed = cli(app_paths.data_dir, "restore-backup", made.name, fault=point)
    assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
    bodies, said = listed_notes(app_paths.data_dir)
    if point == "staging":
        assert bodies == NEWER
        assert "abandoned" in said
    else:
        assert bodies == ARCHIVED
        assert ("has now been completed" in said) or ("had finished" in said), said
        [kept] = app_paths.data_dir.glob("library.sqlite3.before-restore-*")
        with Store(kept) as old:
            assert len(Annotations(old).find()) == len(NEWER)
    assert_clean(app_paths)


def test_a_kill_during_recovery_is_recovered_next_time(archived) -> None:
    app_paths, archive = archived
    assert cli(app_paths.data_dir, "restore", str(archive), fault="move-3").returncode == -9
    # The recovery goes on from the fourth rename; killed at the sixth, it is resumed.
    recovering = cli(app_paths.data_dir, "list", "--json", fault="move-6")
    assert recovering.returncode == -signal.SIGKILL, recovering.stderr
    assert restore_journal.journal_path(app_paths.data_dir).exists()
    bodies, said = listed_notes(app_paths.data_dir)
    assert bodies == ARCHIVED and "has now been completed" in said
    assert files_of(app_paths) == FILES
    assert_clean(app_paths)


def test_damaged_staged_data_is_rolled_back_even_if_killed_while_undoing(archived) -> None:
    app_paths, archive = archived
    assert cli(app_paths.data_dir, "restore", str(archive), fault="database").returncode == -9
    [staging] = app_paths.data_dir.glob(".restoring-*")
    (staging / "files" / "cd.png").write_bytes(b"not what was staged")
    # Undoing: the database back to the staging folder, then the four renames aside back.
    undoing = cli(app_paths.data_dir, "list", fault="move-3")
    assert undoing.returncode == -signal.SIGKILL, undoing.stderr
    bodies, said = listed_notes(app_paths.data_dir)
    assert bodies == NEWER
    assert "rolled back" in said and "as it was before the restore" in said
    assert files_of(app_paths)["cd.png"] == b"changed since"
    assert "light" in (app_paths.config_dir / "settings.json").read_text()
    assert not list(app_paths.data_dir.glob("before-restore-*"))  # emptied, removed
    assert_clean(app_paths)


def test_doctor_reports_an_interrupted_restore_and_changes_nothing(archived) -> None:
    app_paths, archive = archived
    assert cli(app_paths.data_dir, "restore", str(archive), fault="move-2").returncode == -9
    journal = restore_journal.journal_path(app_paths.data_dir).read_bytes()
    with pytest.raises(Problem) as found:
        Doctor(app_paths).check_leftovers()
    assert "was interrupted" in found.value.detail and "before-restore-" in found.value.detail
    assert "reader-app list" in found.value.fix
    assert restore_journal.journal_path(app_paths.data_dir).read_bytes() == journal
    bodies, said = listed_notes(app_paths.data_dir)  # and the next command recovers it
    assert bodies == ARCHIVED and "completed" in said


def test_a_restore_is_refused_while_another_is_under_way(archived) -> None:
    app_paths, archive = archived
    with restore_journal.exclusive(app_paths.data_dir) as held:
        assert held
        refused = cli(app_paths.data_dir, "restore", str(archive))
    assert refused.returncode == 1
    assert "another restore is under way" in refused.stderr
    bodies, _ = listed_notes(app_paths.data_dir)
    assert bodies == NEWER


def test_the_whole_doctor_passes_after_a_recovery(snapshotted) -> None:
    app_paths, made = snapshotted
    killed = cli(app_paths.data_dir, "restore-backup", made.name, fault="move-1")
    assert killed.returncode == -signal.SIGKILL
    before = cli(app_paths.data_dir, "doctor", "--json")  # reports, changes nothing
    assert before.returncode == 1
    checks = {c["check"]: c for c in json.loads(before.stdout)}
    assert checks["restore leftovers"]["status"] == "fail"
    assert checks["database"]["status"] == "fail"  # moved aside: no empty one made
    assert not app_paths.database.exists()
    bodies, said = listed_notes(app_paths.data_dir)
    assert bodies == ARCHIVED and "completed" in said
    after = cli(app_paths.data_dir, "doctor", "--json")
    assert after.returncode == 0, after.stdout
    checks = {c["check"]: c for c in json.loads(after.stdout)}
    assert {c["status"] for c in checks.values()} <= {"ok", "warn"}
    assert "never deletes it" in checks["restore leftovers"]["detail"]


STRACE = shutil.which("strace")


@pytest.mark.skipif(STRACE is None, reason="needs strace")
@pytest.mark.parametrize("rename", [2, 3, 5, 8, 11])
def test_restore_killed_at_a_rename_by_strace_never_leaves_an_empty_library(
    archived, rename: int
) -> None:
    """Independent of the fault hook: strace kills `restore` at its N-th rename (the
    journal's own included), as the issue's attack did."""
    app_paths, archive = archived
    renames = "rename,renameat,renameat2"
    killed = subprocess.run(
        [STRACE, "-f", "-o", os.devnull, "-e", f"trace={renames}",
         "-e", f"inject={renames}:signal=KILL:when={rename}",
         sys.executable, "-m", "reader_app", "--data-dir", str(app_paths.data_dir),
         "restore", str(archive)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert killed.returncode != 0, killed.stderr
    bodies, said = listed_notes(app_paths.data_dir)
    assert bodies in (ARCHIVED, NEWER), said
    assert files_of(app_paths) == (
        FILES if bodies == ARCHIVED else {**FILES, "cd.png": b"changed since"}
    )
    if bodies == ARCHIVED:
        assert "completed" in said
    assert_clean(app_paths)
