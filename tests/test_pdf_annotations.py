"""Annotations already inside a PDF: read (pages, kinds, text, colours, keys), taken into
the store once, the file never changed; odd and hostile PDFs do not crash the reader."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pymupdf
import pytest

from reader_app.annotations import MAX_BODY, AnnotationFilter, Annotations
from reader_app.documents import DocumentError, find_text
from reader_app.pdf_annotations import (
    nearest_colour,
    origin_key,
    read_pdf_annotations,
    take_into_store,
)
from reader_app.store import Store

SHA = "ab" * 32


def annotated_pdf(path: Path) -> Path:
    """Two pages: a highlight with a note and an underline on page 1; a sticky note, a
    text box, a strike-out, a bare square and a square with a note on page 2."""
    doc = pymupdf.open()
    one = doc.new_page(width=420, height=595)
    one.insert_textbox(
        pymupdf.Rect(50, 60, 370, 300),
        "Councils that invested in broadband early saw fewer households cut off during "
        "lockdown. Libraries lent laptops to families who had none.",
        fontsize=12,
    )
    marked = one.add_highlight_annot(one.search_for("broadband early"))
    marked.set_info(content="Check our own figures", title="Alice Example")
    marked.set_colors(stroke=(1, 0.9, 0.1))
    marked.update()
    under = one.add_underline_annot(one.search_for("Libraries lent laptops"))
    under.set_colors(stroke=(0.1, 0.4, 0.9))
    under.update()
    two = doc.new_page(width=420, height=595)
    two.insert_textbox(pymupdf.Rect(50, 60, 370, 300), "Volunteers ran phone lines.", fontsize=12)
    sticky = two.add_text_annot((300, 400), "Ask the library team")
    sticky.set_colors(stroke=(0.2, 0.7, 0.2))
    sticky.update()
    two.add_freetext_annot(pymupdf.Rect(60, 450, 300, 500), "Typed on the page", fontsize=11)
    two.add_strikeout_annot(two.search_for("phone lines"))  # no note: left out
    two.add_rect_annot(pymupdf.Rect(10, 10, 40, 40))  # a bare drawing: left out
    boxed = two.add_rect_annot(pymupdf.Rect(200, 520, 260, 560))
    boxed.set_info(content="See this box")
    boxed.update()
    doc.save(path)
    doc.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def pdf(tmp_path) -> Path:
    return annotated_pdf(tmp_path / "annotated.pdf")


@pytest.fixture
def notes(tmp_path):
    with Store(tmp_path / "library.sqlite3") as store:
        yield Annotations(store)


def test_highlights_underlines_and_notes_are_read(pdf) -> None:
    found = read_pdf_annotations(pdf)
    assert [(e.page, e.kind, e.subtype) for e in found] == [
        (1, "highlight", "Highlight"),
        (1, "underline", "Underline"),
        (2, "page-note", "Text"),
        (2, "page-note", "FreeText"),
        (2, "page-note", "Square"),
    ]
    highlight, underline, sticky, typed, boxed = found
    assert (highlight.exact, highlight.body, highlight.author) == (
        "broadband early",
        "Check our own figures",
        "Alice Example",
    )
    assert highlight.prefix.endswith("invested in ") and highlight.suffix.startswith(" saw")
    assert highlight.color == "yellow" and underline.color == "blue" and sticky.color == "green"
    assert underline.exact == "Libraries lent laptops" and underline.body == ""
    boxes = [box for page, box in find_text(pdf, "broadband early") if page == 1]
    assert highlight.quads[0] == pytest.approx(boxes[0], abs=2)
    assert sticky.body == "Ask the library team" and sticky.quads == ((300.0, 400.0, 300.0, 400.0),)
    assert typed.body == "Typed on the page" and typed.quads == ((60.0, 450.0, 60.0, 450.0),)
    assert boxed.body == "See this box"
    assert len({e.key for e in found}) == 5 and all(e.key.startswith("p") for e in found)


def test_taking_them_in_twice_stores_each_once_and_leaves_the_file_alone(pdf, notes) -> None:
    before = digest(pdf)
    first = take_into_store(notes, "r", SHA, read_pdf_annotations(pdf))
    assert (len(first.taken), first.skipped, first.refused) == (5, 0, [])
    stored = notes.find(AnnotationFilter(resource_ids={"r"}))
    kinds = sorted(a.kind for a in stored)
    assert kinds == ["highlight", "page-note", "page-note", "page-note", "underline"]
    highlight = next(a for a in stored if a.kind == "highlight")
    assert (highlight.exact, highlight.body, highlight.doc_sha256, highlight.page) == (
        "broadband early",
        "Check our own figures",
        SHA,
        1,
    )
    assert highlight.origin_key.startswith(f"{SHA}:p1-x")
    embedded = read_pdf_annotations(pdf)
    assert {origin_key(SHA, e) for e in embedded} == notes.origin_keys("r")  # shown as taken
    second = take_into_store(notes, "r", SHA, embedded)
    assert (len(second.taken), second.skipped) == (0, 5)
    assert len(notes.find()) == 5
    assert second.to_dict() == {"taken": 0, "skipped": 5, "refused": [], "ids": []}
    # Another resource with the same file takes its own copies.
    assert len(take_into_store(notes, "other", SHA, read_pdf_annotations(pdf)).taken) == 5
    assert digest(pdf) == before


def test_one_deleted_after_taking_can_be_taken_again(pdf, notes) -> None:
    embedded = read_pdf_annotations(pdf)
    taken = take_into_store(notes, "r", SHA, embedded).taken
    notes.delete(taken[0].id)
    again = take_into_store(notes, "r", SHA, embedded)
    assert (len(again.taken), again.skipped) == (1, 4)
    assert again.taken[0].origin_key == origin_key(SHA, embedded[0])


def test_a_pdf_without_annotations_has_none(tmp_path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Nothing marked here")
    doc.save(tmp_path / "plain.pdf")
    assert read_pdf_annotations(tmp_path / "plain.pdf") == []


def test_an_image_has_none(tmp_path) -> None:
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 4, 4), False)
    pixmap.save(tmp_path / "image.png")
    assert read_pdf_annotations(tmp_path / "image.png") == []


def test_encrypted_and_corrupt_files_give_a_document_error(tmp_path) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(DocumentError):
        read_pdf_annotations(corrupt)
    locked = tmp_path / "locked.pdf"
    annotated_pdf(tmp_path / "open.pdf")
    with pymupdf.open(tmp_path / "open.pdf") as doc:
        doc.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="pw", owner_pw="pw")
    with pytest.raises(DocumentError, match="encrypted"):
        read_pdf_annotations(locked)


def test_hostile_annotations_do_not_crash(tmp_path, notes) -> None:
    """A highlight with no quads over no text, a note far longer than we keep, a colour
    array of the wrong length, QuadPoints that are not numbers."""
    path = tmp_path / "hostile.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=420, height=595)
    page.insert_text((60, 100), "Some words to mark on the page")
    huge = page.add_text_annot((100, 200), "x" * (MAX_BODY + 5000) + "\x00end")
    huge.update()
    odd = page.add_highlight_annot(page.search_for("Some words"))
    odd.update()
    empty = page.add_highlight_annot(pymupdf.Rect(300, 500, 350, 520))
    empty.set_info(content="over nothing")
    empty.update()
    bare = page.add_underline_annot(pymupdf.Rect(300, 540, 350, 560))  # no text, no note
    bare.update()
    broken = page.add_highlight_annot(page.search_for("on the page"))
    broken.update()
    doc.xref_set_key(odd.xref, "C", "[0.5 0.2]")  # two numbers: no colour space has two
    doc.xref_set_key(empty.xref, "QuadPoints", "[]")
    doc.xref_set_key(broken.xref, "QuadPoints", "[/a /b (c) 1 2 3 4 5]")
    doc.xref_set_key(broken.xref, "C", "[/Red (x) 7]")
    doc.save(path)
    doc.close()

    found = read_pdf_annotations(path)
    assert len(found) == 3  # the underline and the garbled highlight mark nothing, say nothing
    by_body = {e.body[:12]: e for e in found}
    long_note = by_body["x" * 12]
    assert len(long_note.body) == MAX_BODY and "\x00" not in long_note.body
    assert next(e for e in found if e.exact == "Some words").color == "yellow"
    assert by_body["over nothing"].kind == "page-note"  # nothing under it to quote
    assert not any(e.subtype == "Underline" for e in found)  # over nothing, saying nothing
    report = take_into_store(notes, "r", SHA, found)
    assert report.refused == [] and len(report.taken) == len(found)


@pytest.mark.parametrize(
    ("components", "name"),
    [
        ([1, 1, 0], "yellow"),
        ([1, 0, 0], "red"),
        ([0, 0.8, 0], "green"),
        ([0, 0, 1], "blue"),
        ([0.6, 0.3, 0.9], "purple"),
        ([1, 0.55, 0], "orange"),
        ([0.5], "grey"),
        ([0, 0, 0], "grey"),
        ([0, 1, 1, 0], "red"),  # CMYK
        ([], "yellow"),
        ([0.2, 0.3], "yellow"),
        (["x", 1, 2], "yellow"),
        ([float("nan"), 0, 0], "yellow"),
    ],
)
def test_pdf_colours_map_to_the_nearest_named_colour(components, name) -> None:
    assert nearest_colour(components) == name
