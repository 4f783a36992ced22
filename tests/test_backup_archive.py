"""Whole-library backup archives: backup, wipe, restore gives everything back; a tampered
archive is refused with nothing changed; a failed write leaves no archive behind."""

import argparse
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_importing import make_pdf

from reader_app import backup_archive, paths
from reader_app.annotations import Annotations
from reader_app.backup_archive import ArchiveError, restore_archive, verify_archive, write_archive
from reader_app.backups import BackupError, integrity
from reader_app.cli_backup import cmd_backup, cmd_restore
from reader_app.library import Library
from reader_app.store import Store

WHEN = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.fixture
def app_paths():
    return paths.resolve()


@pytest.fixture
def filled(app_paths):
    """A library with notes, tags, an imported file and both config files."""
    app_paths.ensure()
    with Store(app_paths.database) as store:
        notes = Annotations(store)
        notes.add("reset-pillar", "ab" * 32, "page-note", 1, body="first note")
        notes.add("reset-pillar", "ab" * 32, "highlight", 2, exact="text", body="second")
        store.add_tags("reset-pillar", ["housing", "to read"])
    files = app_paths.data_dir / "files"
    (files / "ab").mkdir(parents=True)
    (files / "ab" / "strategy.pdf").write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 40)
    (files / "cd.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"pixels" * 100)
    (app_paths.config_dir / "settings.json").write_text('{"version": 1, "theme": "dark"}\n')
    (app_paths.config_dir / "window-state.ini").write_text("[main]\ngeometry=1\n")
    app_paths.index_dir.mkdir(parents=True)
    (app_paths.index_dir / "segment").write_text("derived")
    return app_paths


def snapshot(app_paths) -> dict[str, bytes]:
    """Every file under the data folder (config and cache are inside it in tests)."""
    root = app_paths.data_dir
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def library_state(database: Path) -> tuple[list, dict]:
    with Store(database) as store:
        return Annotations(store).find(), store.tags_by_resource()


def user_files(app_paths) -> dict[str, bytes]:
    files = app_paths.data_dir / "files"
    return {
        p.relative_to(files).as_posix(): p.read_bytes() for p in files.rglob("*") if p.is_file()
    }


def test_backup_wipe_restore_gives_everything_back(filled, tmp_path) -> None:
    notes, tags = library_state(filled.database)
    files = user_files(filled)
    settings = (filled.config_dir / "settings.json").read_bytes()
    state = (filled.config_dir / "window-state.ini").read_bytes()
    archive = tmp_path / "out" / "library-backup.zip"

    report = write_archive(filled, archive, WHEN)

    assert report.path == archive and archive.is_file()
    with zipfile.ZipFile(archive) as zf:
        names = sorted(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
    assert names == [
        "config/settings.json",
        "config/window-state.ini",
        "files/ab/strategy.pdf",
        "files/cd.png",
        "library.sqlite3",
        "manifest.json",
    ]
    assert manifest["format"] == "resource-reader-backup" and manifest["version"] == 1
    assert manifest["created"] == "2026-11-23T09:30:00+00:00"
    pdf = next(m for m in manifest["members"] if m["name"] == "files/ab/strategy.pdf")
    assert pdf["sha256"] == hashlib.sha256(files["ab/strategy.pdf"]).hexdigest()
    assert pdf["size"] == len(files["ab/strategy.pdf"])

    shutil.rmtree(filled.data_dir)  # the laptop is gone
    restored = restore_archive(filled, archive, WHEN)

    assert library_state(filled.database) == (notes, tags)
    assert len(notes) == 2 and tags == {"reset-pillar": ["housing", "to read"]}
    assert user_files(filled) == files
    assert (filled.config_dir / "settings.json").read_bytes() == settings
    assert (filled.config_dir / "window-state.ini").read_bytes() == state
    assert integrity(filled.database) == "ok"
    assert restored.kept_aside.name == "before-restore-20261123-093000"
    assert not list(filled.data_dir.glob(".restoring-*"))


def test_restore_keeps_the_current_data_aside_and_drops_the_index(filled, tmp_path) -> None:
    archive = write_archive(filled, tmp_path / "backup.zip", WHEN).path
    old_notes, _ = library_state(filled.database)
    with Store(filled.database) as store:  # changes made after the backup
        Annotations(store).add("reset-pillar", "ab" * 32, "page-note", 3, body="later")
    (filled.data_dir / "files" / "new.pdf").write_bytes(b"%PDF-1.7 later")
    (filled.config_dir / "settings.json").write_text('{"version": 1, "theme": "light"}\n')
    (filled.data_dir / "backups").mkdir()
    (filled.data_dir / "backups" / "library-20261122-000000.sqlite3").write_bytes(b"daily")

    report = restore_archive(filled, archive, WHEN)

    assert library_state(filled.database)[0] == old_notes
    assert not (filled.data_dir / "files" / "new.pdf").exists()
    aside = report.kept_aside
    assert aside == filled.data_dir / "before-restore-20261123-093000"
    assert [a.body for a in library_state(aside / "library.sqlite3")[0]] == [
        "first note",
        "second",
        "later",
    ]
    assert (aside / "files" / "new.pdf").read_bytes() == b"%PDF-1.7 later"
    assert "light" in (aside / "config" / "settings.json").read_text()
    assert "dark" in (filled.config_dir / "settings.json").read_text()
    assert "library.sqlite3" in report.moved_aside and "files" in report.moved_aside
    assert not filled.index_dir.exists()  # derived: rebuilt on next use
    assert (filled.data_dir / "backups" / "library-20261122-000000.sqlite3").exists()
    again = restore_archive(filled, archive, WHEN)  # same second: a folder of its own
    assert again.kept_aside.name == "before-restore-20261123-093000-2"
    assert aside.is_dir()


def test_a_real_imported_document_comes_back_and_is_found(app_paths, tmp_path) -> None:
    library = Library.open(app_paths, backup=False)
    try:
        [result] = library.import_files(
            [make_pdf(tmp_path / "mine.pdf")], pillars=("renew",), tags=("ours",)
        )
        assert result.status == "imported"
        rid = result.resource_id
        Annotations(library.store).add(rid, library.resource(rid).sha256, "page-note", 1, body="n")
    finally:
        library.close()
    archive = write_archive(app_paths, tmp_path / "backup.zip").path
    shutil.rmtree(app_paths.data_dir)
    restore_archive(app_paths, archive)
    library = Library.open(app_paths, backup=False)
    try:
        assert library.resource(rid).title == "Our digital inclusion strategy"
        assert library.store.tags_of(rid) == ["ours"]
        assert [a.body for a in Annotations(library.store).find()] == ["n"]
        library.update_index()
        assert [h.resource_id for h in library.search("digital divide").hits] == [rid]
    finally:
        library.close()


def rewrite(archive: Path, target: Path, change) -> Path:
    """Copy ``archive`` to ``target``, letting ``change(members)`` edit {name: bytes}."""
    with zipfile.ZipFile(archive) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


def relist(members: dict[str, bytes], name: str) -> None:
    """Make the manifest tell the truth about ``name`` (a forger's archive)."""
    manifest = json.loads(members["manifest.json"])
    entry = next(m for m in manifest["members"] if m["name"] == name)
    entry.update(size=len(members[name]), sha256=hashlib.sha256(members[name]).hexdigest())
    members["manifest.json"] = json.dumps(manifest).encode()


def flip_a_byte(members):
    data = bytearray(members["files/cd.png"])
    data[20] ^= 0xFF
    members["files/cd.png"] = bytes(data)


def add_extra(members):
    members["files/extra.pdf"] = b"%PDF-1.7 smuggled"


def drop_one(members):
    del members["files/ab/strategy.pdf"]


def slip(members):
    members["../escaped.txt"] = b"outside"
    manifest = json.loads(members["manifest.json"])
    manifest["members"].append(
        {"name": "../escaped.txt", "size": 7, "sha256": hashlib.sha256(b"outside").hexdigest()}
    )
    members["manifest.json"] = json.dumps(manifest).encode()


def corrupt_database(members):
    data = bytearray(members["library.sqlite3"])
    data[100:4096] = b"\xff" * (4096 - 100)  # the header survives, the schema page does not
    members["library.sqlite3"] = bytes(data)
    relist(members, "library.sqlite3")


def no_manifest(members):
    del members["manifest.json"]


def newer_format(members):
    manifest = json.loads(members["manifest.json"])
    manifest["version"] = 99
    members["manifest.json"] = json.dumps(manifest).encode()


def unexpected_place(members):
    members["scripts/run.sh"] = b"echo hi"
    manifest = json.loads(members["manifest.json"])
    manifest["members"].append(
        {"name": "scripts/run.sh", "size": 7, "sha256": hashlib.sha256(b"echo hi").hexdigest()}
    )
    members["manifest.json"] = json.dumps(manifest).encode()


def backslash(members):
    members["files\\x.pdf"] = members.pop("files/cd.png")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (flip_a_byte, "files/cd.png is damaged (its SHA-256 does not match"),
        (add_extra, "members its manifest does not list: files/extra.pdf"),
        (drop_one, "members listed in its manifest are missing: files/ab/strategy.pdf"),
        (slip, "'../escaped.txt': has a '..' component that climbs out"),
        (corrupt_database, "its database is damaged"),
        (no_manifest, "it has no manifest.json"),
        (newer_format, "format version 99"),
        (unexpected_place, "'scripts/run.sh', which has no place in a backup archive"),
        (backslash, "has a backslash in its name"),
    ],
)
def test_a_tampered_archive_is_refused_and_nothing_changes(
    filled, tmp_path, change, message
) -> None:
    good = write_archive(filled, tmp_path / "good.zip", WHEN).path
    bad = rewrite(good, tmp_path / "bad.zip", change)
    before = snapshot(filled)

    with pytest.raises(ArchiveError, match="refused") as refused:
        verify_archive(bad)
    assert message in str(refused.value)
    with pytest.raises(ArchiveError) as refused:
        restore_archive(filled, bad, WHEN)
    assert message in str(refused.value) and "nothing was changed" in str(refused.value)

    assert snapshot(filled) == before
    assert not list(filled.data_dir.glob("before-restore-*"))
    assert not list(filled.data_dir.glob(".restoring-*"))
    assert not (tmp_path / "escaped.txt").exists()


def test_a_byte_changed_in_the_compressed_stream_is_refused(filled, tmp_path) -> None:
    good = write_archive(filled, tmp_path / "good.zip", WHEN).path
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo("files/ab/strategy.pdf")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0x55
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(raw))
    before = snapshot(filled)
    with pytest.raises(ArchiveError, match=r"files/ab/strategy\.pdf"):
        restore_archive(filled, bad, WHEN)
    assert snapshot(filled) == before


def test_something_that_is_not_an_archive_is_refused(filled, tmp_path) -> None:
    bad = tmp_path / "notes.zip"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(ArchiveError, match="not a backup archive"):
        restore_archive(filled, bad)
    with pytest.raises(ArchiveError, match="no backup archive at"):
        restore_archive(filled, tmp_path / "missing.zip")
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("manifest.json", '{"format": "something-else"}')
    with pytest.raises(ArchiveError, match="not a Resource Reader backup manifest"):
        verify_archive(plain)


def test_a_failed_write_leaves_no_partial_archive(filled, tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "backup.zip"
    existing.write_bytes(b"yesterday's archive")
    real = backup_archive._write_zip

    def disk_full(stream, sources, schema, now):
        stream.write(b"PK\x03\x04 half an archive")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_archive, "_write_zip", disk_full)
    with pytest.raises(BackupError, match="No space left"):
        write_archive(filled, existing, WHEN)
    with pytest.raises(BackupError):
        write_archive(filled, out / "new.zip", WHEN)
    assert existing.read_bytes() == b"yesterday's archive"
    assert sorted(p.name for p in out.iterdir()) == ["backup.zip"]

    def interrupted(stream, sources, schema, now):
        real(stream, sources[:1], schema, now)
        raise KeyboardInterrupt

    monkeypatch.setattr(backup_archive, "_write_zip", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_archive(filled, out / "new.zip", WHEN)
    assert sorted(p.name for p in out.iterdir()) == ["backup.zip"]


def test_a_damaged_database_is_not_backed_up(filled, tmp_path) -> None:
    raw = bytearray(filled.database.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)
    filled.database.write_bytes(bytes(raw))
    with pytest.raises(BackupError, match="cannot back up"):
        write_archive(filled, tmp_path / "backup.zip")
    assert not list(tmp_path.glob("*backup.zip*"))


def test_an_archive_is_not_written_among_the_files_it_backs_up(filled) -> None:
    with pytest.raises(ArchiveError, match="inside the imported files"):
        write_archive(filled, filled.data_dir / "files" / "backup.zip")
    assert not (filled.data_dir / "files" / "backup.zip").exists()


def test_no_library_means_no_backup(app_paths, tmp_path) -> None:
    with pytest.raises(ArchiveError, match="no library to back up"):
        write_archive(app_paths, tmp_path / "backup.zip")


def test_the_wal_of_the_current_database_goes_aside_with_it(filled, tmp_path) -> None:
    archive = write_archive(filled, tmp_path / "backup.zip", WHEN).path
    # A process killed with a change only in its WAL (one still open is refused: see
    # test_restore_in_use); the data kept aside holds the change.
    killed = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "db.execute('PRAGMA journal_mode = WAL')\n"
        "db.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "db.execute('CREATE TABLE only_in_the_wal (x)')\n"
        "db.commit()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", killed, str(filled.database)], check=True)
    assert filled.database.with_name("library.sqlite3-wal").stat().st_size > 0
    report = restore_archive(filled, archive, WHEN)
    kept = sqlite3.connect(report.kept_aside / "library.sqlite3")
    try:
        names = {row[0] for row in kept.execute("SELECT name FROM sqlite_master")}
    finally:
        kept.close()
    assert "only_in_the_wal" in names


def test_cli_backup_and_restore(filled, tmp_path, capsys) -> None:
    out = tmp_path / "backup.zip"
    assert cmd_backup(filled, argparse.Namespace(output=str(out), json=True)) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["path"] == str(out) and made["files"] == 2
    assert made["config"] == ["config/settings.json", "config/window-state.ini"]

    shutil.rmtree(filled.data_dir)
    assert cmd_restore(filled, argparse.Namespace(archive=str(out), json=True)) == 0
    restored = json.loads(capsys.readouterr().out)
    assert restored["files"] == 2 and "before-restore-" in restored["previous_kept_in"]
    assert len(library_state(filled.database)[0]) == 2

    assert cmd_backup(filled, argparse.Namespace(output=str(out), json=False)) == 0
    assert "2 imported files, 2 settings files" in capsys.readouterr().out
    assert cmd_restore(filled, argparse.Namespace(archive=str(out), json=False)) == 0
    assert "the previous data is kept in" in capsys.readouterr().out


def test_describe_checks_and_counts_what_an_archive_holds(filled, tmp_path) -> None:
    archive = write_archive(filled, tmp_path / "backup.zip", WHEN).path
    summary = backup_archive.describe_archive(archive)
    assert (summary.annotations, summary.tags, summary.documents) == (2, 2, 0)
    assert summary.manifest.created == "2026-11-23T09:30:00+00:00"
    assert summary.size == archive.stat().st_size
    assert (
        backup_archive.aside_folder(filled.data_dir, WHEN).name == "before-restore-20261123-093000"
    )
    broken = rewrite(archive, tmp_path / "broken.zip", flip_a_byte)
    with pytest.raises(ArchiveError, match="damaged"):
        backup_archive.describe_archive(broken)
