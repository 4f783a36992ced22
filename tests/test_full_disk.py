"""A full disk or a read-only data folder: the library opens read-only, everything that
reads works (list, show, notes, search, export and backup to another disk), every write
fails with one message saying why, and the doctor says the same (no restore advice).

Each case is a real tmpfs (root only; skipped elsewhere), filled until ENOSPC or
remounted read-only, with the CLI run in subprocesses as a user runs it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pymupdf
import pytest
from small_disk import fill, make_read_only, mounted

from reader_app.cli import main
from reader_app.migrations import LATEST_VERSION

FULL = "the disk is full"
READ_ONLY = "the data folder is read-only"
NOT_SAVED = "reader-app: error: The change was not saved: {}.\n"
SQLITE_NOISE = ("disk I/O error", "unable to open database file", "readonly database")
NOTE = "my marmalade thought"
LATE_NOTE = "a quince afterthought"  # in the WAL only, as a killed app leaves it


@dataclass(frozen=True)
class Built:
    library: Path  # a data folder, closed cleanly
    crashed: Path  # the same, as an app killed after its last note leaves it
    resource: str


def cli(*args: str) -> None:
    assert main(list(args)) == 0, args


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A library with a document of the user's, a note, a tag and a built index."""
    root = tmp_path_factory.mktemp("built")
    pdf = root / "zanzibar.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "Zanzibar marmalade recovery plans")
    doc.save(pdf)
    lib = root / "library"
    data = ("--data-dir", str(lib))
    cli(*data, "import", str(pdf), "--pillar", "reset")
    resource = _own_id(lib)
    cli(*data, "note", "add", resource, "--page", "1", "--text", NOTE)
    cli(*data, "tag", resource, "citrus")
    cli(*data, "index")
    assert not (lib / "library.sqlite3-wal").exists()  # closed cleanly: no WAL left
    crashed = root / "crashed"
    shutil.copytree(lib, crashed)
    # Another connection keeps the WAL from being checkpointed when the CLI closes;
    # copying the files while it is open is the state a SIGKILL leaves.
    holder = sqlite3.connect(crashed / "library.sqlite3")
    holder.execute("SELECT count(*) FROM annotations").fetchone()
    cli("--data-dir", str(crashed), "note", "add", resource, "--page", "1", "--text", LATE_NOTE)
    snapshot = root / "snapshot"
    snapshot.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copy2(crashed / f"library.sqlite3{suffix}", snapshot)
    holder.close()
    for file in snapshot.iterdir():
        os.replace(file, crashed / file.name)
    assert (crashed / "library.sqlite3-wal").stat().st_size > 0
    shutil.rmtree(crashed / "cache" / "index")  # search must build one in memory
    return Built(lib, crashed, resource)


def _own_id(lib: Path) -> str:
    db = sqlite3.connect(lib / "library.sqlite3")
    try:
        return str(db.execute("SELECT id FROM imported_resources").fetchone()[0])
    finally:
        db.close()


@dataclass(frozen=True)
class Disk:
    data: Path
    reason: str
    outside: Path  # a folder on another disk
    database_digest: str

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        env.pop("READER_APP_DATA_DIR", None)
        done = subprocess.run(
            [sys.executable, "-m", "reader_app", "--data-dir", str(self.data), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        for noise in SQLITE_NOISE:
            assert noise not in done.stderr + done.stdout, done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        return done

    def unchanged(self) -> bool:
        return _digest(self.data / "library.sqlite3") == self.database_digest


def _digest(path: Path) -> str:
    if not path.exists():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def _disk(root: Path, source: Path, reason: str) -> Iterator[Disk]:
    outside = root / "outside"
    outside.mkdir()
    with mounted(root / "disk") as disk:
        data = disk / "library"
        shutil.copytree(source, data)
        digest = _digest(data / "library.sqlite3")
        if reason == FULL:
            fill(disk)
        else:
            make_read_only(disk)
        yield Disk(data, reason, outside, digest)


@pytest.fixture(scope="module", params=[FULL, READ_ONLY])
def disk(request: pytest.FixtureRequest, built: Built, tmp_path_factory) -> Iterator[Disk]:
    """The library on a full disk, then on a read-only one (a tmpfs each time)."""
    with _disk(tmp_path_factory.mktemp("disk"), built.library, request.param) as on_disk:
        yield on_disk


@pytest.fixture(scope="module", params=[FULL, READ_ONLY])
def crashed_disk(request: pytest.FixtureRequest, built: Built, tmp_path_factory) -> Iterator[Disk]:
    """The library as a killed app left it (its last note in the WAL), with no index."""
    with _disk(tmp_path_factory.mktemp("crashed"), built.crashed, request.param) as on_disk:
        yield on_disk


def test_list_and_show_work(disk: Disk, built: Built) -> None:
    listed = disk.run("list", "--json")
    assert listed.returncode == 0, listed.stderr
    mine = [r for r in json.loads(listed.stdout) if r["id"] == built.resource]
    assert mine and mine[0]["tags"] == ["citrus"]
    shown = disk.run("show", built.resource)
    assert shown.returncode == 0, shown.stderr
    assert "Zanzibar marmalade recovery plans" in shown.stdout and "citrus" in shown.stdout


def test_notes_are_listed(disk: Disk) -> None:
    done = disk.run("note", "list")
    assert done.returncode == 0, done.stderr
    assert NOTE in done.stdout


def test_search_finds_pages_and_notes(disk: Disk, built: Built) -> None:
    done = disk.run("search", "marmalade", "--json")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)["hits"]
    assert {h["origin"] for h in hits if h["resource_id"] == built.resource} == {"page", "note"}


def test_export_to_another_disk(disk: Disk) -> None:
    out = disk.outside / f"notes-{disk.reason[4:8]}.md"
    done = disk.run("export", "--format", "md", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert NOTE in out.read_text(encoding="utf-8")


def test_backup_to_another_disk(disk: Disk) -> None:
    out = disk.outside / f"library-{disk.reason[4:8]}.zip"
    done = disk.run("backup", "-o", str(out))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as archive:
        assert "library.sqlite3" in archive.namelist()


def test_changes_fail_with_one_message_and_write_nothing(disk: Disk, built: Built) -> None:
    for change in (
        ("tag", built.resource, "lemon"),
        ("note", "add", built.resource, "--page", "1", "--text", "lost?"),
    ):
        done = disk.run(*change)
        assert (done.returncode, done.stderr) == (1, NOT_SAVED.format(disk.reason)), change
    assert disk.unchanged()
    assert "lost?" not in disk.run("note", "list").stdout


def test_doctor_says_why_and_does_not_advise_a_restore(disk: Disk) -> None:
    done = disk.run("doctor", "--json")
    assert done.returncode == 1
    results = {r["check"]: r for r in json.loads(done.stdout)}
    said = "the disk is full" if disk.reason == FULL else "read-only"
    assert results["data folders"]["status"] == "fail"
    assert said in results["data folders"]["detail"]
    database = results["database"]
    assert database["status"] == "fail" and disk.reason in database["detail"]
    assert "integrity ok" in database["detail"] and "opened read-only" in database["detail"]
    fixes = " ".join(r["fix"] for r in results.values())
    assert "restore" not in fixes  # the database is fine: nothing to restore
    assert results["search"]["status"] == "ok"  # the index as it is
    assert disk.unchanged()


def test_search_without_an_index_builds_one_in_memory(crashed_disk: Disk, built: Built) -> None:
    """And notes a killed app left in the WAL are found and listed (the WAL is read
    through its -shm file, not skipped as an immutable database would skip it)."""
    done = crashed_disk.run("search", "quince OR zanzibar", "--json")
    assert done.returncode == 0, done.stderr
    hits = [h for h in json.loads(done.stdout)["hits"] if h["resource_id"] == built.resource]
    found = {(h["origin"], "quince" in h["snippet"]) for h in hits}
    assert ("note", True) in found  # the note only the WAL holds
    assert ("page", False) in found  # and the document's page
    listed = crashed_disk.run("note", "list")
    assert listed.returncode == 0, listed.stderr
    assert NOTE in listed.stdout and LATE_NOTE in listed.stdout  # the WAL is read, not skipped
    assert not (crashed_disk.data / "cache" / "index").exists()  # nothing was written


def test_an_upgrade_that_cannot_be_written_is_refused(built: Built, tmp_path: Path) -> None:
    older = tmp_path / "older"
    shutil.copytree(built.library, older)
    db = sqlite3.connect(older / "library.sqlite3")
    db.execute(f"PRAGMA user_version = {LATEST_VERSION - 1}")
    db.close()
    with _disk(tmp_path, older, READ_ONLY) as disk:
        done = disk.run("note", "list")
        assert done.returncode == 1
        [line] = done.stderr.splitlines()
        assert "must be upgraded" in line and READ_ONLY in line
        assert disk.unchanged()


def test_no_new_database_on_a_read_only_disk(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with _disk(tmp_path, empty, READ_ONLY) as disk:
        done = disk.run("list")
        assert done.returncode == 1
        [line] = done.stderr.splitlines()
        assert "cannot create the library's database" in line and READ_ONLY in line
        assert list(disk.data.iterdir()) == []


def test_search_when_only_the_index_folder_cannot_be_written(built: Built, tmp_path: Path) -> None:
    """The database can be written, the cache folder not (a disk of its own, read-only):
    a new note is saved, and search finds it in an index built in memory."""
    data = tmp_path / "library"
    shutil.copytree(built.library, data)
    shutil.rmtree(data / "cache")
    with mounted(data / "cache") as cache:
        make_read_only(cache)
        disk = Disk(data, READ_ONLY, tmp_path, "")
        added = disk.run("note", "add", built.resource, "--page", "1", "--text", "damson jam")
        assert added.returncode == 0, added.stderr
        done = disk.run("search", "damson", "--json")
        assert done.returncode == 0, done.stderr
        [hit] = json.loads(done.stdout)["hits"]
        assert (hit["resource_id"], hit["origin"]) == (built.resource, "note")
