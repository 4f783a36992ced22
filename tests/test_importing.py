"""Importing the reader's own documents: recognised by content, copied once, titled,
searchable at once; bad files refused with a reason while the good ones go in."""

import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

import pymupdf
import pytest

from reader_app import paths
from reader_app.importing import sniff
from reader_app.library import Library


@pytest.fixture
def library():
    lib = Library.open(paths.resolve(), backup=False)
    yield lib
    lib.close()


def make_pdf(path, heading="Our digital inclusion strategy", body="closing the digital divide"):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 100), heading, fontsize=20)
    page.insert_text((72, 140), body, fontsize=11)
    doc.save(path)
    doc.close()
    return path


def make_image(path, fmt: str):
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 40, 30), 0)
    pixmap.clear_with(200)
    path.write_bytes(pixmap.tobytes(fmt))
    return path


def make_epub(path, text="A chapter about resilient neighbourhood hubs"):
    with zipfile.ZipFile(path, "w") as epub:
        epub.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        epub.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        epub.writestr(
            "content.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
            'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<dc:identifier id="id">x</dc:identifier><dc:title>Hubs</dc:title>'
            "<dc:language>en</dc:language></metadata><manifest>"
            '<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest>'
            '<spine><itemref idref="c1"/></spine></package>',
        )
        epub.writestr(
            "c1.xhtml",
            '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
            f"<title>Hubs</title></head><body><h1>Hubs</h1><p>{text}</p></body></html>",
        )
    return path


def test_types_are_told_by_content() -> None:
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff(b"PK\x03\x04" + b"\x00" * 26 + b"mimetypeapplication/epub+zip") == (
        "application/epub+zip"
    )
    assert sniff(b"PK\x03\x04 a plain zip") is None
    assert sniff(b"hello") is None


def test_each_type_is_imported_titled_and_found(library, tmp_path) -> None:
    files = [
        make_pdf(tmp_path / "strategy.pdf"),
        make_epub(tmp_path / "hubs.epub"),
        make_image(tmp_path / "chart.png", "png"),
        make_image(tmp_path / "photo.jpg", "jpg"),
    ]
    results = library.import_files(files, pillars=("renew",), tags=("ours",))
    assert [r.status for r in results] == ["imported"] * 4, [r.error for r in results]
    resources = {r.resource_id: library.resource(r.resource_id) for r in results}
    pdf = library.resource(results[0].resource_id)
    assert pdf.title == "Our digital inclusion strategy"  # the first heading
    assert pdf.source == "imported" and pdf.collection == "imported"
    assert library.catalog.path_of(pdf).read_bytes() == files[0].read_bytes()
    assert library.resource(results[1].resource_id).media_type == "application/epub+zip"
    assert {r.media_type for r in resources.values()} >= {"image/png", "image/jpeg"}
    assert library.store.tags_of(pdf.id) == ["ours"]
    hits = library.search("divide")  # bundled strategies speak of the digital divide too
    assert [h.resource_id for h in hits.hits if h.resource_id in resources] == [pdf.id]
    hubs = library.search('"resilient neighbourhood hubs"').hits
    assert [h.resource_id for h in hubs] == [results[1].resource_id]


def test_the_same_file_twice_keeps_one_copy(library, tmp_path) -> None:
    first = make_pdf(tmp_path / "a.pdf")
    again = tmp_path / "copy of a.pdf"
    again.write_bytes(first.read_bytes())
    one, two = library.import_files([first, again], pillars=("reset",))
    assert (one.status, two.status) == ("imported", "duplicate")
    assert two.resource_id == one.resource_id
    assert len(list((library.data_dir / "files").iterdir())) == 1
    bundled = library.catalog.path_of(library.resource("reset-pillar"))
    [dup] = library.import_files([bundled], pillars=("reset",))
    assert (dup.status, dup.resource_id) == ("duplicate", "reset-pillar")


def test_an_encrypted_pdf_needs_its_password(library, tmp_path) -> None:
    path = tmp_path / "locked.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), "Confidential restructuring plan", fontsize=16)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="s3cret", owner_pw="o")
    doc.close()
    [refused] = library.import_files([path], pillars=("reform",))
    assert refused.status == "error" and "encrypted" in refused.error
    [wrong] = library.import_files([path], pillars=("reform",), password="nope")
    assert wrong.status == "error" and "password is not right" in wrong.error
    [done] = library.import_files([path], pillars=("reform",), password="s3cret")
    assert done.status == "imported"
    stored = library.catalog.path_of(library.resource(done.resource_id))
    with pymupdf.open(stored) as copy:  # kept decrypted, so it opens without asking
        assert not copy.needs_pass
    # The original file, imported again, is known.
    [dup] = library.import_files([path], pillars=("reform",), password="s3cret")
    assert dup.status == "duplicate"


def test_bad_files_are_refused_and_the_good_ones_imported(library, tmp_path) -> None:
    good = make_pdf(tmp_path / "good.pdf")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"this is plain text pretending to be a PDF\n" * 20)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[:60])
    renamed = make_image(tmp_path / "picture.pdf", "png")  # an image with a PDF name
    before = {r.id for r in library.catalog.resources}
    results = library.import_files(
        [empty, garbage, truncated, good, renamed, tmp_path / "missing.pdf"], pillars=("renew",)
    )
    status = {r.path.rsplit("/", 1)[-1]: (r.status, r.error) for r in results}
    assert status["empty.pdf"] == ("error", "empty.pdf is empty")
    assert status["garbage.pdf"][0] == "error" and "not a document" in status["garbage.pdf"][1]
    assert status["truncated.pdf"][0] == "error"
    assert status["missing.pdf"][0] == "error"
    assert status["good.pdf"][0] == "imported"
    assert status["picture.pdf"][0] == "imported"  # the content decides: an image
    picture = library.resource(
        next(r.resource_id for r in results if r.path.endswith("picture.pdf"))
    )
    assert picture.media_type == "image/png"
    after = {r.id for r in library.catalog.resources}
    assert len(after - before) == 2
    stored = sorted(p.name for p in (library.data_dir / "files").iterdir())
    assert len(stored) == 2 and all(not n.startswith(".") for n in stored)


def test_removing_keeps_notes_unless_asked(library, tmp_path) -> None:
    from reader_app.annotations import Annotations

    [one, two] = library.import_files(
        [make_pdf(tmp_path / "a.pdf"), make_pdf(tmp_path / "b.pdf", heading="Another plan")],
        pillars=("reset",),
    )
    notes = Annotations(library.store)
    notes.add(one.resource_id, "x", "page-note", 1, body="keep me")
    notes.add(two.resource_id, "x", "page-note", 1, body="delete me")
    library.remove_resource(one.resource_id)
    library.remove_resource(two.resource_id, keep_notes=False)
    assert library.catalog.get(one.resource_id) is None
    assert [a.body for a in notes.find()] == ["keep me"]
    assert list((library.data_dir / "files").iterdir()) == []
    with pytest.raises(ValueError, match="bundled collection"):
        library.remove_resource("reset-pillar")


def test_hashes_name_the_copies(library, tmp_path) -> None:
    path = make_pdf(tmp_path / "named.pdf")
    [result] = library.import_files([path], pillars=("renew",))
    stored = library.catalog.path_of(library.resource(result.resource_id))
    assert stored.stem == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_damaged_but_repairable_pdf_is_imported_with_a_notice(library, tmp_path) -> None:
    good = make_pdf(tmp_path / "good.pdf", heading="Damaged but readable")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(re.sub(rb"startxref\s+\d+", b"startxref\n999999", good.read_bytes()))
    [result] = library.import_files([damaged], pillars=("resilient",))
    assert result.status == "imported"
    assert any("repaired" in notice for notice in result.notices)


def test_the_command_line_reports_each_path(capsys, library, tmp_path) -> None:
    from test_cli import run

    good = make_pdf(tmp_path / "good.pdf")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"nope")
    code, out, _err = run(
        capsys, "import", str(good), str(bad), "--pillar", "renew", "--tag", "mine", "--json"
    )
    report = json.loads(out)
    assert code == 1
    assert [r["status"] for r in report] == ["imported", "error"]
    assert report[0]["resource_id"] and "error" not in report[0]
    assert "not a document" in report[1]["error"]
    code, out, _err = run(capsys, "import", str(good), "--pillar", "renew", "--json")
    assert code == 0 and json.loads(out)[0]["status"] == "duplicate"
    code, out, _err = run(capsys, "remove", report[0]["resource_id"], "--json")
    assert code == 0 and json.loads(out)["notes_kept"] is True


def test_pillars_are_suggested_from_the_text_when_none_are_given(capsys, library, tmp_path) -> None:
    from test_cli import run

    paper = make_pdf(
        tmp_path / "continuity.pdf",
        heading="Cyber resilience and emergency continuity",
        body="Preparedness for disruption: cyber security, continuity plans, resilience.",
    )
    blank = make_pdf(tmp_path / "blank.pdf", heading="Minutes", body="Apologies were received.")
    code, out, _err = run(capsys, "import", str(paper), str(blank), "--json")
    report = json.loads(out)
    assert code == 1 and [r["status"] for r in report] == ["imported", "error"]
    library.reload_catalog()  # the command line imported through its own connection
    assert library.resource(report[0]["resource_id"]).pillars[0] == "resilient"
    assert "pillars suggested from its text: resilient" in report[0]["notices"][0]
    assert "no pillar could be suggested" in report[1]["error"]
    assert "--pillar" in report[1]["error"]


def test_prepare_shows_the_evidence_before_anything_is_written(library, tmp_path) -> None:
    paper = make_pdf(
        tmp_path / "hubs.pdf",
        heading="Neighbourhood hubs",
        body="Community partnerships with the voluntary sector and mutual aid groups.",
    )
    prepared = library.prepare_import(paper)
    assert prepared.title == "Neighbourhood hubs" and prepared.duplicate_of is None
    assert prepared.suggested_pillars[0] == "renew"
    renew = next(s for s in prepared.scores if s.pillar_id == "renew")
    assert {"community", "partnerships", "voluntary sector", "mutual aid"} <= {
        term.casefold() for term, _n in renew.terms
    }
    assert renew.passages and renew.passages[0].page == 1
    assert library.catalog.resources == library.bundled.resources  # nothing added yet
    assert not (library.data_dir / "files").exists()

    rid = library.commit_import(
        prepared, pillars=("renew", "reset"), title="Our hubs", kind="case-study", tags=("ours",)
    )
    resource = library.resource(rid)
    assert (resource.title, resource.kind, resource.pillars) == (
        "Our hubs",
        "case-study",
        ("renew", "reset"),
    )
    assert library.store.tags_of(rid) == ["ours"]
    again = library.prepare_import(paper)
    assert again.duplicate_of == rid
    assert library.commit_import(again, pillars=("renew",)) == rid


def test_imported_documents_can_be_edited_and_bundled_ones_cannot(
    capsys, library, tmp_path
) -> None:
    from test_cli import run

    (result,) = library.import_files([make_pdf(tmp_path / "a.pdf")], pillars=("renew",))
    rid = result.resource_id
    code, out, _err = run(
        capsys, "edit", rid, "--title", "Digital inclusion, 2025", "--kind", "guide",
        "--pillar", "reform", "--pillar", "renew", "--json",
    )  # fmt: skip
    shown = json.loads(out)
    assert code == 0
    assert (shown["title"], shown["kind"], shown["pillars"]) == (
        "Digital inclusion, 2025",
        "guide",
        ["reform", "renew"],
    )
    code, _out, err = run(capsys, "edit", rid, "--title", "   ")
    assert code == 1 and "a title cannot be empty" in err
    code, _out, err = run(capsys, "edit", rid, "--pillar", "rethink")
    assert code == 1 and "no pillar 'rethink'" in err
    code, _out, err = run(capsys, "edit", "reset-pillar", "--title", "Mine now")
    assert code == 1 and "cannot be edited" in err
    code, _out, err = run(capsys, "remove", "reset-pillar")
    assert code == 1 and "cannot be removed" in err


def test_backup_and_restore_from_the_command_line(capsys, library, tmp_path, data_dir) -> None:
    from test_cli import run

    (result,) = library.import_files([make_pdf(tmp_path / "a.pdf")], pillars=("renew",))
    library.store.add_tags("reset-pillar", ["before"])
    library.close()
    archive = tmp_path / "out" / "library.zip"
    code, out, _err = run(capsys, "backup", "-o", str(archive), "--json")
    assert code == 0 and json.loads(out)["files"] == 1

    shutil.rmtree(data_dir)
    code, out, _err = run(capsys, "restore", str(archive))
    assert code == 0 and "restored the library" in out
    code, out, _err = run(capsys, "list", "--tag", "before", "--json")
    assert [r["id"] for r in json.loads(out)] == ["reset-pillar"]
    code, out, _err = run(capsys, "show", result.resource_id, "--json")
    assert code == 0 and Path(json.loads(out)["path"]).is_file()

    (tmp_path / "junk.zip").write_bytes(b"junk")
    code, _out, err = run(capsys, "restore", str(tmp_path / "junk.zip"))
    assert code == 1 and err.startswith("reader-app: error:")


def test_control_characters_never_reach_a_title(library, tmp_path) -> None:
    escape = "\x1b]0;owned\x07Budget \u202ereport\x1b[2J"
    paper = make_pdf(tmp_path / "a.pdf", heading="Plain heading")
    (result,) = library.import_files([paper], pillars=("reform",), title=escape + "\nline two")
    assert library.resource(result.resource_id).title == "]0;ownedBudget report[2J line two"
    edited = library.edit_resource(result.resource_id, title="\x1b[31mRed\x1b[0m")
    assert edited.title == "[31mRed[0m"


def test_copies_no_row_lists_are_swept_once_old(library, tmp_path, data_dir) -> None:
    import os

    from reader_app.importing import sweep_orphans

    (result,) = library.import_files([make_pdf(tmp_path / "a.pdf")], pillars=("renew",))
    files = data_dir / "files"
    listed = library.catalog.path_of(library.resource(result.resource_id))
    old_orphan = files / ("ab" * 32 + ".pdf")
    young_orphan = files / ("cd" * 32 + ".pdf")
    temporary = files / ".x.pdf.123.part"
    for path in (old_orphan, young_orphan, temporary):
        path.write_bytes(b"%PDF-1.7 left by a killed import")
    for path in (old_orphan, temporary, listed):
        os.utime(path, (0, 0))
    library.close()

    # Opening the library sweeps: an old copy no row lists goes; the listed document
    # (however old), a young copy (an import may be running) and temporary files stay.
    reopened = Library.open(paths.resolve(), backup=False)
    try:
        assert not old_orphan.exists()
        assert listed.exists() and young_orphan.exists() and temporary.exists()
        assert sweep_orphans(reopened.store, data_dir, min_age=-1) == [young_orphan.name]
        assert reopened.catalog.path_of(reopened.resource(result.resource_id)).exists()
    finally:
        reopened.close()
