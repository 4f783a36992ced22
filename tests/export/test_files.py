"""Export files: safe names on every system, and written whole or not at all."""

import os
import time

import pytest

from reader_app.export import files
from reader_app.export.files import MAX_NAME, safe_name, write_atomic


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Notes on Reset", "Notes on Reset.md"),
        ("a/b\\c", "a-b-c.md"),
        ('What: "reset"? <now> | *all*', "What- -reset-- -now- - -all-.md"),
        ("tab\there\x00and\x1fthere", "tab here and there.md"),
        ("  ..hidden. ", "hidden.md"),
        ("CON", "notes-CON.md"),
        ("lpt1.txt", "notes-lpt1.txt.md"),
        ("", "notes.md"),
        ("notes.md", "notes.md"),
    ],
)
def test_names_are_made_safe(name, expected) -> None:
    assert safe_name(name, "md") == expected


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = safe_name("é" * 500, "docx")
    assert len(name) == MAX_NAME and name.endswith(".docx")


def test_a_file_is_replaced_whole(tmp_path) -> None:
    target = tmp_path / "notes.md"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]


def test_a_failed_write_leaves_the_old_file_and_no_leftovers(tmp_path, monkeypatch) -> None:
    target = tmp_path / "notes.md"
    write_atomic(target, b"old")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new and longer")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["notes.md"]  # no temporary file left


@pytest.mark.parametrize("name", ["notes.md", "Notes (1) [draft] +.md"])
def test_temporary_files_of_killed_writes_are_removed_by_the_next_write(tmp_path, name) -> None:
    target = tmp_path / name
    long_ago = time.time() - files.ABANDONED_AFTER - 60
    abandoned = tmp_path / f".{name}.abc_1234.part"  # a write killed long ago
    under_way = tmp_path / f".{name}.zz9_zz9z.part"  # a write going on elsewhere
    anothers = tmp_path / ".other.md.abc_1234.part"  # another file's
    lookalike = tmp_path / f".{name}.mine.part"  # not a name write_atomic makes
    for path in (abandoned, under_way, anothers, lookalike):
        path.write_bytes(b"half")
    for path in (abandoned, anothers, lookalike):
        os.utime(path, (long_ago, long_ago))
    write_atomic(target, b"whole")
    assert target.read_bytes() == b"whole"
    assert sorted(os.listdir(tmp_path)) == sorted(
        [name, under_way.name, anothers.name, lookalike.name]
    )
