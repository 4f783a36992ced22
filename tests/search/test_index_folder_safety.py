"""The index folder is the app's own: a link in its place or inside it is removed, never
followed; a file in its place is replaced; a full disk during a rebuild is a clear
refusal that keeps the old index whole."""

import errno
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from search_corpus import open_library, with_resource, write_pdf

from reader_app import cli
from reader_app.search import index as search_index
from reader_app.search.errors import IndexWriteError
from reader_app.search.index import SearchIndex


def found(library, query: str) -> set[tuple[str, int]]:
    return {(h.resource_id, h.page) for h in library.search(query, limit=50).hits}


def test_a_link_in_place_of_the_folder_is_removed_not_followed(library, tmp_path) -> None:
    """Before: the rebuild wrote into the link's target, deleting index-named files there."""
    target = tmp_path / "elsewhere"
    target.mkdir()
    planted = {"_MAIN_1.toc": "mine", "MAIN_0123456789abcdef.seg": "mine", "notes.txt": "mine"}
    for name, text in planted.items():
        (target / name).write_text(text)
    (tmp_path / "index").symlink_to(target, target_is_directory=True)
    assert found(library, "tablets") == {("alpha", 2)}
    assert not (tmp_path / "index").is_symlink() and (tmp_path / "index").is_dir()
    assert {p.name: p.read_text() for p in target.iterdir()} == planted
    library.update_index(rebuild=True)
    assert {p.name: p.read_text() for p in target.iterdir()} == planted


def test_links_inside_the_folder_are_removed_not_written_through(library, tmp_path) -> None:
    """Before: an update took the index lock through a planted link, creating its target."""
    library.update_index()
    library.index.close()
    victim = tmp_path / "victim"
    (tmp_path / "index" / "MAIN_WRITELOCK").unlink(missing_ok=True)
    (tmp_path / "index" / "MAIN_WRITELOCK").symlink_to(victim)
    library.add_tags("alpha", ["changed"])  # so the update writes
    assert found(library, "tablets") == {("alpha", 2)}
    assert not victim.exists()
    assert not any(p.is_symlink() for p in (tmp_path / "index").iterdir())


def test_a_file_in_place_of_the_folder_is_replaced(library, tmp_path) -> None:
    """Before: 'internal error: FileExistsError'."""
    (tmp_path / "index").write_text("not an index")
    assert found(library, "tablets") == {("alpha", 2)}
    assert (tmp_path / "index").is_dir()


def test_the_command_replaces_a_file_at_the_index_path(data_dir: Path, capsys) -> None:
    (data_dir / "cache").mkdir(parents=True)
    (data_dir / "cache" / "index").write_text("not an index")
    assert cli.main(["search", "pillar", "--json"]) == 0, capsys.readouterr().err
    assert (data_dir / "cache" / "index").is_dir()


def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_during_a_rebuild_keeps_the_old_index(library, tmp_path, monkeypatch) -> None:
    """Before: the old index was deleted first, and the OSError was an internal error."""
    library.update_index()
    before = sorted(p.name for p in (tmp_path / "index").iterdir())
    monkeypatch.setattr(search_index, "_add_pages", _disk_full)
    with pytest.raises(IndexWriteError, match="the disk is full; the index is kept as it was"):
        library.update_index(rebuild=True)
    assert sorted(p.name for p in (tmp_path / "index").iterdir()) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    monkeypatch.undo()
    assert library.index.out_of_step(library.index_sources()) == ""
    assert found(library, "tablets") == {("alpha", 2)}


def test_the_command_says_the_disk_is_full(data_dir: Path, capsys, monkeypatch) -> None:
    assert cli.main(["index"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(search_index, "_add_pages", _disk_full)
    assert cli.main(["index", "--rebuild"]) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err and "the disk is full" in err
    monkeypatch.undo()
    code = cli.main(["search", "pillar", "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and '"hits": [' in out and "notice" not in err


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 2 MiB tmpfs, or a skip where mounting is not allowed (not root, a container)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path) -> None:
    with open(disk / "filler", "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_a_disk_that_fills_keeps_the_index_and_searches_say_so(corpus, small_disk) -> None:
    library = open_library(corpus, small_disk)
    try:
        library.update_index()
        _fill(small_disk)
        with pytest.raises(IndexWriteError, match="the disk is full; the index is kept"):
            library.update_index(rebuild=True)
        assert found(library, "tablets") == {("alpha", 2)}
        os.unlink(small_disk / "filler")
        library.add_tags("beta", ["grows"])  # the database grows before the disk fills
        _fill(small_disk)
        results = library.search("tablets")
        assert {(h.resource_id, h.page) for h in results.hits} == {("alpha", 2)}
        assert any("the disk is full" in n for n in results.notices), results.notices
        assert not [p for p in small_disk.iterdir() if p.name.startswith(".")]
    finally:
        library.close()


PLANTED = {"alpha": "tablets", "beta": "zephyrbrook", "gamma": "rural", "delta": "lighthouse"}


def test_a_cancelled_rebuild_keeps_the_old_index(library, tmp_path) -> None:
    """Before: the old index was deleted first, and a cancel left part of a new one."""
    library.update_index()
    calls = iter(range(100))
    report = library.update_index(rebuild=True, cancelled=lambda: next(calls) > 0)
    assert report.cancelled
    for rid, word in PLANTED.items():
        assert rid in {h.resource_id for h in library.index.search(word).hits}, word
    assert library.index.out_of_step(library.index_sources()) == ""
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_leftovers_of_a_killed_rebuild_are_swept(library, tmp_path) -> None:
    library.update_index()
    for name in (".rebuilding-999999999-0badc0de", ".replaced-999999999-0badc0de"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "MAIN_0123456789abcdef.seg").write_bytes(b"old")
    library.update_index(rebuild=True)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert found(library, "tablets") == {("alpha", 2)}


def test_a_searcher_open_on_the_old_index_sees_the_rebuilt_one(library, corpus, tmp_path) -> None:
    """A rebuild beside the index swaps folders under a searcher another index object
    (the window's search panel) holds open: it must notice and reopen."""
    library.update_index()
    reader = SearchIndex(tmp_path / "index")
    assert {h.resource_id for h in reader.search("tablets").hits} == {"alpha"}
    write_pdf(corpus.root / "gamma.pdf", {1: "Gamma now speaks of quokkas."})
    gamma = replace(corpus.catalog.get("gamma"), sha256="e" * 64, pages=1)
    library.catalog = with_resource(corpus.catalog, gamma)
    library.update_index(rebuild=True)
    assert {h.resource_id for h in reader.search("quokkas").hits} == {"gamma"}
    assert len(list((tmp_path / "index").glob("_MAIN_*.toc"))) == 1
    reader.close()
