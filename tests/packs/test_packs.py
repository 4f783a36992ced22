"""Resource packs end to end: written from a collection, installed into another library,
newer editions replacing old ones with the notes re-anchored, and bad packs refused with
nothing written."""

import hashlib
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pymupdf
import pytest

from reader_app import cli, paths
from reader_app.annotations import Annotations
from reader_app.library import Library
from reader_app.manifest import dump_manifest, load_manifest
from reader_app.packs import format as pack_format
from reader_app.packs.export import PackExportError, export_pack
from reader_app.packs.install import STAGING, install_pack
from reader_app.packs.unzip import PackError
from reader_app.paths import MANIFEST_NAME, bundled_dir
from tests.repo_paths import REPO

BUNDLED = REPO / "resources" / "files"
KEPT_PASSAGE = "Reset is the pillar that comes before delivery"
CUT_PASSAGE = "Put simply, it asks a council to decide what recovery is for"


def open_library(folder: Path) -> Library:
    return Library.open(paths.resolve(str(folder)), backup=False)


@pytest.fixture
def library(data_dir):
    lib = open_library(data_dir)
    yield lib
    lib.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_bytes(*pages: str) -> bytes:
    doc = pymupdf.open()
    for text in pages:
        doc.new_page().insert_textbox(pymupdf.Rect(72, 72, 520, 770), text, fontsize=11)
    data = doc.tobytes()
    doc.close()
    return data


def new_edition_of_reset() -> bytes:
    """reset-pillar with a foreword page in front (its text moves a page on) and one
    sentence cut."""
    doc = pymupdf.open(BUNDLED / "reset-pillar.pdf")
    page = doc[1]
    for rect in page.search_for(CUT_PASSAGE):
        page.add_redact_annot(rect)
    page.apply_redactions()
    doc.new_page(0).insert_text(
        (72, 100), "Foreword to the second edition: zephyrwick", fontsize=14
    )
    data = doc.tobytes()
    doc.close()
    return data


def reset_second_edition(old) -> tuple[bytes, dict]:
    """The bytes and pack entry of a second edition of the bundled reset-pillar (``old``)."""
    new = new_edition_of_reset()
    entry = resource_entry(
        "reset-pillar",
        new,
        title="Reset, second edition",
        collection="4rs-2021",
        date="2024-01-01",
        edition=2,
        pages=6,
        pillars=list(old.pillars),
    )
    return new, entry


def resource_entry(rid: str, data: bytes, **fields) -> dict:
    entry = {
        "id": rid,
        "title": fields.pop("title", f"Resource {rid}"),
        "kind": "briefing",
        "pillars": fields.pop("pillars", ["reset"]),
        "collection": fields.pop("collection", "council-papers"),
        "date": fields.pop("date", "2023-05-01"),
        "summary": "A test document.",
        "file": fields.pop("file", f"files/{rid}.pdf"),
        "sha256": sha(data),
        "pages": 1,
        "media_type": fields.pop("media_type", "application/pdf"),
    }
    entry.update(fields)
    return entry


def write_pack(path: Path, resources: list[tuple[dict, bytes]], **top) -> Path:
    manifest = {
        "format": pack_format.FORMAT,
        "schema": pack_format.SCHEMA,
        "title": top.pop("title", "Test pack"),
        "created": "2026-11-30T12:00:00Z",
        **top,
        "collections": [
            {
                "id": "council-papers",
                "title": "Council papers",
                "date": "2023",
                "url": "https://example.org/papers",
                "description": "Papers from a council",
            }
        ],
        "resources": [entry for entry, _ in resources],
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(pack_format.MANIFEST, dump_manifest(manifest))
        for entry, data in resources:
            zf.writestr(entry["file"], data)
    return path


def snapshot(data_dir: Path) -> tuple:
    """What a refused pack must leave alone: rows, files, staging folders."""
    db = sqlite3.connect(paths.resolve(str(data_dir)).database)
    rows = db.execute("SELECT * FROM imported_resources ORDER BY id").fetchall()
    collections = db.execute("SELECT * FROM pack_collections").fetchall()
    db.close()
    files = (
        sorted(p.name for p in (data_dir / "files").glob("*"))
        if (data_dir / "files").exists()
        else []
    )
    staging = data_dir / STAGING
    leftovers = sorted(p.name for p in staging.iterdir()) if staging.exists() else []
    return rows, collections, files, leftovers


def test_a_pack_adds_its_collection_searchable_at_once(library, data_dir, tmp_path) -> None:
    paper = pdf_bytes("Our flood resilience plan for the quayside zephyrwick district")
    pack = write_pack(tmp_path / "p.rrpack", [(resource_entry("flood-plan", paper), paper)])
    before = snapshot(data_dir)

    preview = install_pack(library, pack, dry_run=True)
    assert [(i.resource_id, i.status) for i in preview.items] == [("flood-plan", "added")]
    assert snapshot(data_dir) == before  # a dry run writes nothing

    report = install_pack(library, pack)
    assert report.count("added") == 1 and report.count("error") == 0
    resource = library.resource("flood-plan")
    assert resource.source == "pack" and resource.collection == "council-papers"
    assert library.catalog.collection("council-papers").title == "Council papers"
    assert library.catalog.path_of(resource).read_bytes() == paper
    assert [h.resource_id for h in library.search("zephyrwick").hits] == ["flood-plan"]
    assert not list((data_dir / STAGING).iterdir())  # staging cleared

    again = install_pack(library, pack)
    assert [i.status for i in again.items] == ["unchanged"]


def test_a_newer_edition_replaces_the_bundled_one_and_moves_the_notes(
    library, data_dir, tmp_path, capsys
) -> None:
    old = library.resource("reset-pillar")
    notes = Annotations(library.store)
    kept = notes.add(old.id, old.sha256, "note", 2, body="kept", exact=KEPT_PASSAGE)
    cut = notes.add(old.id, old.sha256, "highlight", 2, exact=CUT_PASSAGE)
    new, entry = reset_second_edition(old)
    pack = write_pack(tmp_path / "update.rrpack", [(entry, new)])
    library.close()

    code = cli.main(["--data-dir", str(data_dir), "pack", "import", str(pack), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    (item,) = report["resources"]
    assert item["status"] == "updated"
    assert (item["old_edition"], item["new_edition"]) == (1, 2)
    assert f"new document file ({old.pages} → 6 pages)" in item["changes"]
    assert any(c.startswith("title:") for c in item["changes"])
    assert item["notes"] == {"placed": 0, "moved": 1, "kept": 0, "orphaned": 1}

    reopened = open_library(data_dir)
    try:
        resource = reopened.resource("reset-pillar")
        assert (resource.sha256, resource.edition, resource.source) == (sha(new), 2, "pack")
        described = reopened.describe(resource)
        assert (described["edition"], described["source"]) == (2, "pack")
        assert [r.id for r in reopened.catalog.resources].index("reset-pillar") == [
            r.id for r in reopened.bundled.resources
        ].index("reset-pillar")  # in its place in the collection, not at the end
        moved = Annotations(reopened.store).get(kept.id)
        assert (moved.page, moved.doc_sha256, moved.orphaned) == (3, sha(new), False)
        assert Annotations(reopened.store).get(cut.id).orphaned
        assert [h.resource_id for h in reopened.search("zephyrwick").hits] == ["reset-pillar"]

        # Removing the pack's edition brings the bundled one back, notes and all.
        reopened.remove_resource("reset-pillar")
        assert reopened.resource("reset-pillar").sha256 == old.sha256
        assert Annotations(reopened.store).get(kept.id) is not None
        assert not list((data_dir / "files").glob("*"))
    finally:
        reopened.close()


def test_older_or_equal_editions_are_not_installed(library, data_dir, tmp_path) -> None:
    first = pdf_bytes("Edition two of the digital inclusion plan")
    second = pdf_bytes("A different file claiming the same edition")
    older = pdf_bytes("The first edition")
    install_pack(
        library,
        write_pack(tmp_path / "a.rrpack", [(resource_entry("plan", first, edition=2), first)]),
    )
    same = write_pack(tmp_path / "b.rrpack", [(resource_entry("plan", second, edition=2), second)])
    old = write_pack(tmp_path / "c.rrpack", [(resource_entry("plan", older, edition=1), older)])
    for pack in (same, old):
        (item,) = install_pack(library, pack).items
        assert item.status == "skipped" and "is not newer" in item.detail
    assert library.catalog.path_of(library.resource("plan")).read_bytes() == first


def test_round_trip_of_own_documents_with_notes(library, data_dir, tmp_path) -> None:
    source = tmp_path / "strategy.pdf"
    source.write_bytes(pdf_bytes("Our council strategy for cyber resilience and continuity"))
    (result,) = library.import_files([source], pillars=("resilient",))
    rid = result.resource_id
    resource = library.resource(rid)
    note = Annotations(library.store).add(
        rid, resource.sha256, "note", 1, body="share this with the team", exact="cyber resilience"
    )
    report = export_pack(library, "imported", tmp_path / "out" / "mine.rrpack", with_notes=True)
    assert (report.resources, report.notes) == (1, 1)

    other = open_library(tmp_path / "colleague")
    try:
        installed = install_pack(other, report.path)
        assert [i.status for i in installed.items] == ["added"]
        assert installed.notes["imported"] == 1
        theirs = other.resource(rid)
        assert theirs.sha256 == resource.sha256 and theirs.pillars == ("resilient",)
        (shared,) = Annotations(other.store).find()
        assert (shared.body, shared.exact, shared.page) == (note.body, note.exact, 1)
        assert other.catalog.collection("imported").title == "My documents"
    finally:
        other.close()


def test_export_refuses_an_unknown_collection(library, tmp_path) -> None:
    with pytest.raises(PackExportError, match="no collection 'nope'"):
        export_pack(library, "nope", tmp_path / "x.rrpack")
    assert not (tmp_path / "x.rrpack").exists()


def test_a_manifest_whose_hashes_lie_is_refused_with_nothing_written(
    library, data_dir, tmp_path
) -> None:
    good = pdf_bytes("Good")
    lying = resource_entry("liar", good)
    lying["sha256"] = sha(b"something else")
    pack = write_pack(
        tmp_path / "lie.rrpack",
        [(resource_entry("good", good, file="files/g.pdf"), good), (lying, good)],
    )
    before = snapshot(data_dir)
    with pytest.raises(PackError, match="SHA-256 does not match the manifest"):
        install_pack(library, pack)
    assert snapshot(data_dir) == before
    assert library.catalog.get("good") is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../escape.pdf", r"\.\."),
        ("/etc/evil.pdf", "absolute"),
        ("C:/evil.pdf", "drive"),
        ("files\\evil.pdf", "backslash"),
    ],
)
def test_hostile_entry_names_refuse_the_whole_pack(
    library, data_dir, tmp_path, name, problem
) -> None:
    good = pdf_bytes("Good")
    pack = write_pack(tmp_path / "h.rrpack", [(resource_entry("good", good), good)])
    with zipfile.ZipFile(pack, "a") as zf:
        zf.writestr(name, b"%PDF-1.4 hostile")
    before = snapshot(data_dir)
    with pytest.raises(PackError, match=problem):
        install_pack(library, pack)
    assert snapshot(data_dir) == before
    assert not (tmp_path / "escape.pdf").exists()


def test_a_symlink_entry_refuses_the_pack(library, data_dir, tmp_path) -> None:
    good = pdf_bytes("Good")
    pack = write_pack(tmp_path / "s.rrpack", [(resource_entry("good", good), good)])
    link = zipfile.ZipInfo("files/link.pdf")
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(pack, "a") as zf:
        zf.writestr(link, "/etc/passwd")
    before = snapshot(data_dir)
    with pytest.raises(PackError, match="is a symbolic link"):
        install_pack(library, pack)
    assert snapshot(data_dir) == before


def test_a_zip_bomb_refuses_the_pack(library, data_dir, tmp_path) -> None:
    bomb = b"\0" * (64 * 1024 * 1024)
    pack = write_pack(tmp_path / "b.rrpack", [(resource_entry("bomb", bomb), bomb)])
    before = snapshot(data_dir)
    with pytest.raises(PackError, match="ratio"):
        install_pack(library, pack)
    assert snapshot(data_dir) == before


def test_a_mislabelled_or_broken_document_is_left_out_and_the_rest_go_in(
    library, data_dir, tmp_path
) -> None:
    good = pdf_bytes("The good paper about neighbourhood partnerships")
    png = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), 0).tobytes("png")
    broken = b"%PDF-1.7\n" + b"\x00garbage" * 50
    pack = write_pack(
        tmp_path / "m.rrpack",
        [
            (resource_entry("good", good), good),
            (resource_entry("image-as-pdf", png), png),
            (resource_entry("broken", broken), broken),
        ],
    )
    report = install_pack(library, pack)
    status = {i.resource_id: (i.status, i.detail) for i in report.items}
    assert status["good"] == ("added", "")
    assert (
        status["image-as-pdf"][0] == "error"
        and "is not application/pdf" in status["image-as-pdf"][1]
    )
    assert status["broken"][0] == "error" and "could not be read" in status["broken"][1]
    assert library.catalog.get("image-as-pdf") is None and library.catalog.get("broken") is None
    assert sorted(p.name for p in (data_dir / "files").iterdir()) == [f"{sha(good)}.pdf"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "something-else"}, "not a resource pack"),
        ({"schema": 99}, "not supported"),
    ],
)
def test_a_foreign_manifest_is_refused(library, data_dir, tmp_path, change, message) -> None:
    good = pdf_bytes("Good")
    pack = write_pack(tmp_path / "f.rrpack", [(resource_entry("good", good), good)], **change)
    with pytest.raises(PackError, match=message):
        install_pack(library, pack)


def test_a_resource_outside_files_or_on_an_unknown_pillar_is_refused(library, tmp_path) -> None:
    good = pdf_bytes("Good")
    outside = write_pack(
        tmp_path / "o.rrpack", [(resource_entry("good", good, file="good.pdf"), good)]
    )
    with pytest.raises(PackError, match="must be a file in files/"):
        install_pack(library, outside)
    pillar = write_pack(
        tmp_path / "p.rrpack", [(resource_entry("good", good, pillars=["rethink"]), good)]
    )
    with pytest.raises(PackError, match="unknown pillar 'rethink'"):
        install_pack(library, pillar)


def test_cli_pack_export_and_import(data_dir, tmp_path, capsys) -> None:
    out = tmp_path / "out" / "four-rs.rrpack"
    assert cli.main(["pack", "export", "--collection", "4rs-2021", "-o", str(out)]) == 0
    count = len(load_manifest(bundled_dir() / MANIFEST_NAME).filter(collection="4rs-2021"))
    assert f"wrote {count} resources" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert names[0] == pack_format.MANIFEST and len(names) == count + 1

    assert cli.main(["pack", "import", str(out)]) == 0
    assert f"{count} unchanged" in capsys.readouterr().out

    garbage = tmp_path / "garbage.rrpack"
    garbage.write_bytes(b"not a zip at all")
    assert cli.main(["pack", "import", str(garbage)]) == 1
    assert "not a readable zip file" in capsys.readouterr().err


def test_a_pack_interrupted_while_unpacking_leaves_nothing(
    library, data_dir, tmp_path, monkeypatch
) -> None:
    good = pdf_bytes("Good")
    pack = write_pack(tmp_path / "i.rrpack", [(resource_entry("good", good), good)])
    before = snapshot(data_dir)

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("reader_app.packs.install._check_documents", interrupted)
    with pytest.raises(KeyboardInterrupt):
        install_pack(library, pack)
    assert snapshot(data_dir) == before


def test_staging_left_by_a_killed_install_is_cleared_later(library, data_dir, tmp_path) -> None:
    import os

    stale = data_dir / STAGING / "tmpkilled"
    (stale / "pack" / "files").mkdir(parents=True)
    (stale / "pack" / "files" / "x.pdf").write_bytes(b"%PDF-")
    os.utime(stale, (0, 0))
    good = pdf_bytes("Good")
    install_pack(library, write_pack(tmp_path / "k.rrpack", [(resource_entry("good", good), good)]))
    assert not stale.exists()
    shutil.rmtree(data_dir / STAGING)


def test_installed_files_are_fresh_whatever_the_zip_says(library, data_dir, tmp_path) -> None:
    """Unpacking writes files anew (it does not copy the zip's times): an old time would
    let another process's sweep_orphans take a copy moved in but not yet listed."""
    import time

    good = pdf_bytes("Good")
    entry = resource_entry("good", good)
    pack = tmp_path / "old.rrpack"
    with zipfile.ZipFile(pack, "w") as zf:
        zf.writestr(pack_format.MANIFEST, dump_manifest({
            "format": pack_format.FORMAT, "schema": pack_format.SCHEMA, "title": "Old",
            "collections": [{"id": "council-papers", "title": "Papers", "date": "2023",
                             "url": "https://example.org", "description": "Papers"}],
            "resources": [entry],
        }))  # fmt: skip
        zf.writestr(zipfile.ZipInfo(entry["file"], date_time=(1990, 1, 1, 0, 0, 0)), good)
    install_pack(library, pack)
    stored = library.catalog.path_of(library.resource("good"))
    assert stored.stat().st_mtime > time.time() - 600
