"""Review of resource packs: what a pack may overwrite or delete (nothing of the reader's,
nothing shared, nothing bundled), what is left when an install fails part way, what a
pack's text may do to a terminal, how editions and dates compare, and exports that
install again (here and elsewhere) without holding whole files in memory."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tracemalloc
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reader_app import cli, importing, paths
from reader_app.annotations import Annotations
from reader_app.importing import ImportRefused
from reader_app.library import Library
from reader_app.manifest import dump_manifest
from reader_app.migrations import LATEST_VERSION, MIGRATIONS
from reader_app.packs import format as pack_format
from reader_app.packs.export import PackExportError, export_pack
from reader_app.packs.install import STAGING, install_pack
from reader_app.packs.unzip import Limits, PackError
from reader_app.store import Store, WriteError
from reader_app.worker import WorkerError
from tests.repo_paths import REPO

PAPERS = {
    "id": "council-papers",
    "title": "Council papers",
    "date": "2023",
    "url": "https://example.org/papers",
    "description": "Papers from a council",
}


def open_library(folder: Path) -> Library:
    return Library.open(paths.resolve(str(folder)), backup=False)


@pytest.fixture
def library(data_dir: Path):
    lib = open_library(data_dir)
    yield lib
    lib.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_bytes(text: str) -> bytes:
    doc = pymupdf.open()
    doc.new_page().insert_textbox(pymupdf.Rect(72, 72, 520, 770), text, fontsize=11)
    data = doc.tobytes()
    doc.close()
    return data


def entry(rid: str, data: bytes, **fields: Any) -> dict[str, Any]:
    values = {
        "id": rid,
        "title": f"Resource {rid}",
        "kind": "briefing",
        "pillars": ["reset"],
        "collection": "council-papers",
        "date": "2023-05-01",
        "summary": "A test document.",
        "file": f"files/{rid}.pdf",
        "sha256": sha(data),
        "pages": 1,
        "media_type": "application/pdf",
    }
    values.update(fields)
    return values


def make_pack(
    path: Path,
    resources: list[tuple[dict[str, Any], bytes]],
    collections: list[dict[str, Any]] | None = None,
    extra: dict[str, bytes] | None = None,
    **top: Any,
) -> Path:
    manifest = {
        "format": pack_format.FORMAT,
        "schema": pack_format.SCHEMA,
        "title": "Test pack",
        "created": "2026-11-30T12:00:00Z",
        **top,
        "collections": [PAPERS] if collections is None else collections,
        "resources": [e for e, _ in resources],
    }
    if not manifest["collections"]:
        del manifest["collections"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(pack_format.MANIFEST, dump_manifest(manifest))
        for e, data in resources:
            zf.writestr(e["file"], data)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def state(data_dir: Path) -> tuple[Any, ...]:
    """Rows, collections, notes, files and staging leftovers: what a refused pack keeps."""
    db = sqlite3.connect(paths.resolve(str(data_dir)).database)
    try:
        rows = db.execute("SELECT * FROM imported_resources ORDER BY id").fetchall()
        collections = db.execute("SELECT * FROM pack_collections ORDER BY id").fetchall()
        notes = db.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    finally:
        db.close()
    files = data_dir / importing.FILES
    names = sorted(p.name for p in files.iterdir()) if files.exists() else []
    staging = data_dir / STAGING
    leftovers = sorted(p.name for p in staging.iterdir()) if staging.exists() else []
    return rows, collections, notes, names, leftovers


def import_own(library: Library, folder: Path, text: str) -> str:
    """A document of the reader's own, as ``reader-app import`` adds it."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "mine.pdf"
    source.write_bytes(pdf_bytes(text))
    (result,) = library.import_files([source], pillars=("resilient",))
    assert result.status == "imported", result.error
    assert result.resource_id is not None
    return result.resource_id


# What a pack may overwrite or delete


def test_a_pack_cannot_replace_or_delete_a_document_of_your_own(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    rid = import_own(library, tmp_path / "in", "My own strategy on cyber resilience")
    mine = library.resource(rid)
    note = Annotations(library.store).add(
        rid, mine.sha256, "note", 1, body="mine", exact="cyber resilience"
    )
    other = pdf_bytes("A stranger's paper that happens to reuse the id")
    pack = make_pack(
        tmp_path / "p.rrpack",
        [(entry(rid, other, edition=9, date="2099-01-01", collection="imported"), other)],
        collections=[],
    )

    (item,) = install_pack(library, pack).items
    assert item.status == "skipped" and "your own" in item.detail
    kept = library.resource(rid)
    assert (kept.sha256, kept.source, kept.title) == (mine.sha256, "imported", mine.title)
    assert library.catalog.path_of(kept).is_file()
    stored = Annotations(library.store).get(note.id)
    assert stored is not None and (stored.doc_sha256, stored.orphaned) == (mine.sha256, False)

    # Nor does it take the document over when it is the same, whatever its edition.
    export_pack(library, "imported", tmp_path / "mine.rrpack")
    with zipfile.ZipFile(tmp_path / "mine.rrpack") as zf:
        manifest = zf.read(pack_format.MANIFEST).decode().replace("edition = 1", "edition = 5")
        files = {n: zf.read(n) for n in zf.namelist() if n != pack_format.MANIFEST}
    with zipfile.ZipFile(tmp_path / "mine-5.rrpack", "w") as zf:
        zf.writestr(pack_format.MANIFEST, manifest)
        for name, data in files.items():
            zf.writestr(name, data)
    (item,) = install_pack(library, tmp_path / "mine-5.rrpack").items
    assert item.status == "unchanged"
    assert library.resource(rid).source == "imported"


def test_two_resources_of_a_pack_with_one_document_are_installed_once(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    paper = pdf_bytes("One paper under two names")
    pack = make_pack(
        tmp_path / "twice.rrpack",
        [(entry("first", paper), paper), (entry("second", paper), paper)],
    )
    report = install_pack(library, pack)
    status = {i.resource_id: (i.status, i.detail) for i in report.items}
    assert status["first"] == ("added", "")
    assert status["second"][0] == "skipped" and "first" in status["second"][1]
    assert library.catalog.get("second") is None
    assert state(data_dir)[3] == [f"{sha(paper)}.pdf"]


def test_a_pack_never_writes_into_or_deletes_from_the_bundled_folder(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    bundled = REPO / "resources"
    before = {p: p.stat().st_mtime_ns for p in bundled.rglob("*") if p.is_file()}
    reset = library.resource("reset-pillar")
    first = pdf_bytes("Reset, second edition")
    second = pdf_bytes("Reset, third edition")
    for edition, data in ((2, first), (3, second)):
        fields = {"edition": edition, "collection": reset.collection, "pillars": ["reset"]}
        e = entry("reset-pillar", data, **fields)
        pack = make_pack(tmp_path / f"e{edition}.rrpack", [(e, data)], collections=[])
        assert [i.status for i in install_pack(library, pack).items] == ["updated"]
    # The second edition's file went when the third replaced it; the bundled one stays.
    assert state(data_dir)[3] == [f"{sha(second)}.pdf"]
    library.remove_resource("reset-pillar")
    assert library.resource("reset-pillar").sha256 == reset.sha256
    assert {p: p.stat().st_mtime_ns for p in bundled.rglob("*") if p.is_file()} == before


def test_a_new_edition_with_the_same_file_keeps_the_file_both_rows_name(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    paper = pdf_bytes("One file, two editions of its details")
    install_pack(library, make_pack(tmp_path / "1.rrpack", [(entry("p", paper), paper)]))
    retitled = entry("p", paper, edition=2, title="Retitled")
    (item,) = install_pack(library, make_pack(tmp_path / "2.rrpack", [(retitled, paper)])).items
    assert item.status == "updated" and item.changes == ["title: 'Resource p' → 'Retitled'"]
    resource = library.resource("p")
    assert resource.title == "Retitled" and library.catalog.path_of(resource).read_bytes() == paper


def test_removing_a_packs_edition_does_not_delete_the_notes_of_the_bundled_one(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    reset = library.resource("reset-pillar")
    note = Annotations(library.store).add(reset.id, reset.sha256, "page-note", 1, body="keep")
    data = pdf_bytes("Reset, second edition")
    e = entry("reset-pillar", data, edition=2, collection=reset.collection)
    install_pack(library, make_pack(tmp_path / "e.rrpack", [(e, data)], collections=[]))
    # The bundled edition comes back, so its notes have a document to stay on.
    with pytest.raises(ImportRefused, match="bundled"):
        library.remove_resource("reset-pillar", keep_notes=False)
    assert Annotations(library.store).get(note.id) is not None
    library.remove_resource("reset-pillar")
    assert library.resource("reset-pillar").sha256 == reset.sha256
    assert Annotations(library.store).get(note.id) is not None


# Failures part way


def test_a_failed_commit_leaves_no_file_and_no_row(
    library: Library, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = pdf_bytes("A paper whose row is never written")
    pack = make_pack(tmp_path / "f.rrpack", [(entry("paper", paper), paper)])
    before = state(data_dir)

    def full_disk() -> str:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("reader_app.packs.install.now", full_disk)  # inside the transaction
    with pytest.raises(WriteError, match="not saved: the disk is full"):
        install_pack(library, pack)
    assert state(data_dir) == before


def test_files_left_by_a_killed_install_are_ignored_then_reused(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    """A process killed after moving files and before the commit leaves them in files/
    with no row: nothing lists them, and the next install or import takes them over."""
    paper = pdf_bytes("A paper moved in just before the power went")
    orphan = data_dir / importing.FILES / f"{sha(paper)}.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(paper)
    library.reload_catalog()
    assert all(r.sha256 != sha(paper) for r in library.catalog.resources)
    assert sha(paper) not in library.known_documents()

    pack = make_pack(tmp_path / "k.rrpack", [(entry("paper", paper), paper)])
    assert [i.status for i in install_pack(library, pack).items] == ["added"]
    assert state(data_dir)[3] == [orphan.name]
    assert library.catalog.path_of(library.resource("paper")).read_bytes() == paper


def test_a_bad_notes_file_refuses_the_pack_with_nothing_written(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    paper = pdf_bytes("A paper with broken notes")
    notes = b'{"type": "not an annotation collection"'
    pack = make_pack(
        tmp_path / "n.rrpack",
        [(entry("paper", paper), paper)],
        extra={pack_format.NOTES: notes},
        notes=pack_format.NOTES,
        notes_sha256=sha(notes),
    )
    before = state(data_dir)
    with pytest.raises(PackError, match=pack_format.NOTES):
        install_pack(library, pack)
    assert state(data_dir) == before
    assert library.catalog.get("paper") is None


def test_a_pack_that_installs_nothing_writes_no_collection(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    broken = b"%PDF-1.7\n" + b"\x00garbage" * 50
    report = install_pack(
        library, make_pack(tmp_path / "b.rrpack", [(entry("broken", broken), broken)])
    )
    assert [i.status for i in report.items] == ["error"]
    assert state(data_dir)[1] == []
    assert library.catalog.collection("council-papers") is None


def test_an_older_pack_does_not_rewrite_a_collection_it_installs_nothing_into(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    paper = pdf_bytes("The paper, second edition")
    newer = {**PAPERS, "title": "Council papers, 2024"}
    install_pack(
        library,
        make_pack(tmp_path / "new.rrpack", [(entry("p", paper, edition=2), paper)], [newer]),
    )
    old = make_pack(tmp_path / "old.rrpack", [(entry("p", paper, edition=1), paper)], [PAPERS])
    assert [i.status for i in install_pack(library, old).items] == ["unchanged"]
    collection = library.catalog.collection("council-papers")
    assert collection is not None and collection.title == "Council papers, 2024"


def test_notes_that_cannot_be_re_anchored_at_install_wait_for_the_document_to_open(
    library: Library, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reset = library.resource("reset-pillar")
    note = Annotations(library.store).add(reset.id, reset.sha256, "highlight", 2, exact="Reset")
    data = pdf_bytes("Reset, second edition")
    e = entry("reset-pillar", data, edition=2, collection=reset.collection)
    pack = make_pack(tmp_path / "e.rrpack", [(e, data)], collections=[])

    def crashed(*_args: Any, **_kwargs: Any) -> None:
        raise WorkerError("the worker process stopped unexpectedly")

    monkeypatch.setattr("reader_app.worker.run_isolated", crashed)
    (item,) = install_pack(library, pack).items  # installed and reported all the same
    assert item.status == "updated" and "when it is opened" in item.detail
    assert library.resource("reset-pillar").sha256 == sha(data)
    kept = Annotations(library.store).get(note.id)
    assert kept is not None and kept.doc_sha256 == reset.sha256  # still to re-anchor


def test_a_dry_run_on_the_command_line_writes_nothing_not_even_the_index(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paper = pdf_bytes("A paper not yet installed")
    pack = make_pack(tmp_path / "d.rrpack", [(entry("paper", paper), paper)])
    assert cli.main(["pack", "import", "--dry-run", str(pack)]) == 0
    assert "1 added" in capsys.readouterr().out
    assert not paths.resolve(str(data_dir)).index_dir.exists()
    assert state(data_dir)[0] == [] and state(data_dir)[3] == []


# Text from a pack on a terminal


HOSTILE = "Flood plan\x1b]0;owned\x07\x1b[2J\x9b31m\nrm -rf ~\u202eevil\r" + "x" * 5000


def test_pack_text_is_cleaned_before_it_is_stored_or_printed(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paper = pdf_bytes("A paper with a hostile title")
    pack = make_pack(
        tmp_path / "t.rrpack",
        [(entry("flood-plan", paper, title=HOSTILE, summary=HOSTILE), paper)],
        [{**PAPERS, "title": HOSTILE, "description": HOSTILE}],
        title=HOSTILE,
    )
    # A dry run prints what an install does.
    assert cli.main(["pack", "import", "--dry-run", str(pack)]) == 0
    out = capsys.readouterr().out
    assert "Flood plan" in out
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in out)
    assert "\u202e" not in out
    assert max(len(line) for line in out.splitlines()) < 400
    library = open_library(data_dir)
    try:
        install_pack(library, pack)
        resource = library.resource("flood-plan")
        assert resource.title.startswith("Flood plan") and len(resource.title) <= 300
        assert "\x1b" not in resource.title and "\n" not in resource.title
        assert "\x1b" not in resource.summary and "\u202e" not in resource.summary
        collection = library.catalog.collection("council-papers")
        assert collection is not None and "\x1b" not in collection.title
        assert len(collection.title) <= 300
    finally:
        library.close()


def test_a_manifest_error_does_not_echo_control_characters(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paper = pdf_bytes("x")
    bad = entry("paper", paper, collection="\x1b]0;owned\x07" + "y" * 5000)
    assert cli.main(["pack", "import", str(make_pack(tmp_path / "e.rrpack", [(bad, paper)]))]) == 1
    err = capsys.readouterr().err
    assert "unknown collection" in err
    assert "\x1b" not in err and "\x07" not in err and len(err) < 1000


# Collections the library has already


def test_a_pack_cannot_rename_a_bundled_collection_or_my_documents(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    bundled = library.catalog.collections[0]
    own = pdf_bytes("Shared into My documents")
    extra = pdf_bytes("A new paper in a bundled collection")
    pack = make_pack(
        tmp_path / "c.rrpack",
        [
            (entry("shared-doc", own, collection="imported"), own),
            (entry("extra-paper", extra, collection=bundled.id), extra),
        ],
        [
            {**PAPERS, "id": bundled.id, "title": "Renamed"},
            {**PAPERS, "id": "imported", "title": "Hijacked"},
        ],
    )
    assert [i.status for i in install_pack(library, pack).items] == ["added", "added"]
    assert state(data_dir)[1] == []
    assert library.catalog.collection(bundled.id) == bundled
    assert library.catalog.collection("imported") == importing.COLLECTION
    assert [c.id for c in library.catalog.collections].count("imported") == 1
    assert library.resource("extra-paper").collection == bundled.id
    assert library.resource("shared-doc").collection == "imported"
    library.remove_resource("shared-doc")
    assert library.catalog.collection("imported") is None


def test_a_pack_collection_left_empty_is_no_longer_listed(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    paper = pdf_bytes("The only paper of its collection")
    install_pack(library, make_pack(tmp_path / "p.rrpack", [(entry("only", paper), paper)]))
    assert library.catalog.collection("council-papers") is not None
    library.remove_resource("only")
    assert library.catalog.collection("council-papers") is None
    assert "council-papers" not in {c.id for c in library.catalog.collections}
    # a later pack may still file a resource there without defining it again
    again = make_pack(tmp_path / "q.rrpack", [(entry("only", paper), paper)], collections=[])
    assert [i.status for i in install_pack(library, again).items] == ["added"]
    assert library.catalog.collection("council-papers") is not None


# Editions and dates


@pytest.mark.parametrize(
    ("old", "new", "status"),
    [
        ("2023", "2023-05-01", "skipped"),  # the same date, said more precisely
        ("2023-05-01", "2023", "skipped"),
        ("2023-05", "2023-05-20", "skipped"),
        ("2023-05-01", "2023-06", "updated"),  # later, at the precision both give
        ("2023", "2024-01-01", "updated"),
        ("2024-01-01", "2023-12-31", "skipped"),
    ],
)
def test_dates_of_one_edition_compare_at_the_precision_both_give(
    library: Library, tmp_path: Path, old: str, new: str, status: str
) -> None:
    first, second = pdf_bytes("First printing"), pdf_bytes("Reprint")
    install_pack(library, make_pack(tmp_path / "a.rrpack", [(entry("p", first, date=old), first)]))
    pack = make_pack(tmp_path / "b.rrpack", [(entry("p", second, date=new), second)])
    (item,) = install_pack(library, pack, dry_run=True).items
    assert item.status == status, item.detail


# Exports


def test_an_export_of_my_documents_installs_unchanged_in_the_same_library(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    rid = import_own(library, tmp_path / "in", "Our council strategy for digital inclusion")
    Annotations(library.store).add(rid, library.resource(rid).sha256, "page-note", 1, body="n")
    pack = export_pack(library, "imported", tmp_path / "mine.rrpack", with_notes=True).path
    before = state(data_dir)
    report = install_pack(library, pack)
    assert [i.status for i in report.items] == ["unchanged"]
    assert report.notes is not None and report.notes["imported"] == 0
    assert not report.changed
    assert state(data_dir) == before


def test_an_export_of_my_documents_installs_in_another_library(
    library: Library, tmp_path: Path
) -> None:
    rid = import_own(library, tmp_path / "in", "Our council strategy for digital inclusion")
    pack = export_pack(library, "imported", tmp_path / "mine.rrpack").path
    other = open_library(tmp_path / "colleague")
    try:
        assert [i.status for i in install_pack(other, pack).items] == ["added"]
        theirs = other.resource(rid)
        assert (theirs.sha256, theirs.collection) == (library.resource(rid).sha256, "imported")
        # and the colleague cannot import it a second time as a document of their own
        again = tmp_path / "again.pdf"
        again.write_bytes(other.catalog.path_of(theirs).read_bytes())
        (result,) = other.import_files([again], pillars=("reset",))
        assert (result.status, result.resource_id) == ("duplicate", rid)
        # and exporting it again from there gives the same pack contents
        back = export_pack(other, "imported", tmp_path / "back.rrpack").path
        assert [i.status for i in install_pack(library, back).items] == ["unchanged"]
    finally:
        other.close()


def test_a_pack_cannot_add_a_second_copy_of_a_document_already_here(
    library: Library, tmp_path: Path
) -> None:
    rid = import_own(library, tmp_path / "in", "A paper I imported myself")
    mine = library.catalog.path_of(library.resource(rid)).read_bytes()
    bundled = library.resource("reset-pillar")
    theirs = library.catalog.path_of(bundled).read_bytes()
    pack = make_pack(
        tmp_path / "dup.rrpack",
        [(entry("copy-of-mine", mine), mine), (entry("copy-of-reset", theirs), theirs)],
    )
    status = {i.resource_id: (i.status, i.detail) for i in install_pack(library, pack).items}
    assert status["copy-of-mine"] == (
        "skipped",
        f"the same document is already in the library as {rid}",
    )
    assert status["copy-of-reset"][0] == "skipped" and "reset-pillar" in status["copy-of-reset"][1]


def test_export_streams_files_instead_of_reading_them_whole(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    big = b"%PDF-1.4\n" + bytes(range(256)) * (16 * 4096)  # 16 MB
    add_row(library, data_dir, "big-paper", big)
    tracemalloc.start()
    try:
        report = export_pack(library, "imported", tmp_path / "big.rrpack")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.resources == 1 and report.size > 0
    assert peak < 3 * 1024**2  # read in chunks (a fixed 2 MB, whatever the file's size)


def test_export_refuses_a_collection_too_large_to_install(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    add_row(library, data_dir, "big-paper", b"%PDF-1.4\n" + b"\x01" * 5000)
    out = tmp_path / "big.rrpack"
    with pytest.raises(PackExportError, match="larger than a pack may hold"):
        export_pack(library, "imported", out, limits=Limits(max_entry_bytes=4096))
    assert not out.exists() and not list(tmp_path.glob(".big.rrpack.*"))


def test_an_export_of_documents_that_deflate_very_well_installs(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    blank = b"%PDF-1.4\n" + b"\0" * (3 * 1024**2)  # deflates far past 100:1
    add_row(library, data_dir, "blank-pages", blank)
    pack = export_pack(library, "imported", tmp_path / "blank.rrpack").path
    (item,) = install_pack(library, pack, dry_run=True).items  # checks the whole pack
    assert item.status == "unchanged"


def test_export_refuses_to_write_over_a_document_of_the_library(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    rid = import_own(library, tmp_path / "in", "A paper the pack must not overwrite")
    own = library.catalog.path_of(library.resource(rid))
    before = own.read_bytes()
    with pytest.raises(PackExportError, match="data folder"):
        export_pack(library, "imported", own)
    with pytest.raises(PackExportError, match="data folder"):
        export_pack(library, "imported", own.parent / "mine.rrpack")
    assert own.read_bytes() == before
    assert sorted(p.name for p in own.parent.iterdir()) == [own.name]
    # A copy of the bundled folder stands in for it: a regression must not break the
    # checkout's own files.
    shutil.copytree(REPO / "resources", tmp_path / "bundled")
    library.catalog = replace(library.catalog, root=tmp_path / "bundled")
    bundled = library.catalog.path_of(library.resource("reset-pillar"))
    kept = bundled.stat().st_mtime_ns
    with pytest.raises(PackExportError, match="one of the files it packs"):
        export_pack(library, library.resource("reset-pillar").collection, bundled)
    assert bundled.stat().st_mtime_ns == kept


def test_an_export_of_a_title_with_a_delete_character_installs(
    library: Library, data_dir: Path, tmp_path: Path
) -> None:
    add_row(library, data_dir, "budget", pdf_bytes("The budget"))
    library.edit_resource("budget", title="Budget\x7f 2024")  # as a PDF's metadata may have it
    pack = export_pack(library, "imported", tmp_path / "budget.rrpack").path
    other = open_library(tmp_path / "colleague")
    try:
        assert [i.status for i in install_pack(other, pack).items] == ["added"]
        assert other.resource("budget").title == "Budget 2024"
    finally:
        other.close()


def add_row(library: Library, data_dir: Path, rid: str, data: bytes) -> None:
    """A document of the reader's own, listed directly (no worker reads it)."""
    relative = f"{importing.FILES}/{sha(data)}.pdf"
    (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
    (data_dir / relative).write_bytes(data)
    with library.store.transaction():
        library.store.query(
            """INSERT INTO imported_resources(id, sha256, original_sha256, file, media_type,
                   title, kind, pillars, pages, original_name, added)
               VALUES (?, ?, ?, ?, 'application/pdf', ?, 'briefing', ?, 1, 'x.pdf', ?)""",
            (rid, sha(data), sha(data), relative, rid, json.dumps(["reset"]), "2026-01-01"),
        )
    library.reload_catalog()


# Schema


def test_a_version_4_database_keeps_its_documents_as_the_readers_own(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    db = sqlite3.connect(path)
    for statement in [s for migration in MIGRATIONS[:4] for s in migration]:
        db.execute(statement)
    db.execute(
        """INSERT INTO imported_resources VALUES ('mine-0123abcd', ?, ?, 'files/x.pdf',
               'application/pdf', 'Mine', 'briefing', '["reset"]', 2, 'x.pdf',
               '2026-03-04T05:06:07Z')""",
        ("a" * 64, "b" * 64),
    )
    db.execute("PRAGMA user_version = 4")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.schema_version == LATEST_VERSION
        (mine,) = importing.imported_resources(store, tmp_path)
        assert (mine.source, mine.collection, mine.edition, mine.date) == (
            "imported",
            "imported",
            1,
            "2026-03-04",
        )
        assert importing.pack_collections(store) == []
