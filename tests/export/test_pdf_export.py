"""The annotated PDF export, re-opened with PyMuPDF: annotations on the right pages, of
the right types, over the right text, with the notes as written; the original untouched."""

import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from reader_app.annotations import Annotation, Annotations
from reader_app.documents import anchor_quote
from reader_app.export.pdf_export import MAX_CONTENT, annotate, annotated_pdf, content
from reader_app.export.scope import ExportItem, ExportScope, collect
from reader_app.library import Library


def source(library: Library, resource_id: str = "reset-pillar") -> str:
    return str(library.catalog.path_of(library.resource(resource_id)))


def reset_items(library: Library) -> list[ExportItem]:
    return collect(library, ExportScope(resource_ids=frozenset({"reset-pillar"})))[0].items


def anchored(item: ExportItem, path: str, page: int, quote: str, **fields: Any) -> ExportItem:
    """``item`` moved onto ``quote`` on ``page`` of ``path``, with its real boxes."""
    found = anchor_quote(path, page, quote)
    assert found is not None and found.quads
    annotation = replace(
        item.annotation, page=page, quads=tuple(found.quads), exact=found.exact, **fields
    )
    return replace(item, annotation=annotation)


def annots(data: bytes) -> list[tuple[int, Any]]:
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return [
            (page.number + 1, annot.type[1], annot.info["content"], annot.info["title"])
            for page in doc
            for annot in page.annots()
        ]


def sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_annotations_on_the_right_pages_of_the_right_types(export_library: Library) -> None:
    path = source(export_library)
    before = sha256(path)
    found = annots(annotated_pdf(path, reset_items(export_library)))
    assert [(page, kind) for page, kind, *_ in found] == [
        (1, "Highlight"),
        (2, "Underline"),
        (3, "Text"),
    ]
    assert found[0][2] == "Use this framing in our strategy.\n\nTags: strategy"
    assert {title for *_, title in found} == {"Resource Reader"}
    assert sha256(path) == before


def test_highlights_cover_the_quoted_text(export_library: Library) -> None:
    path = source(export_library)
    highlight, underline, _ = reset_items(export_library)
    items = [
        anchored(highlight, path, 1, "ground recovery in ethical principles"),
        anchored(underline, path, 3, "automated decisions"),
    ]
    with pymupdf.open(stream=annotated_pdf(path, items), filetype="pdf") as doc:
        first, second, third = doc[0], doc[1], doc[2]  # an annotation needs its page alive
        (marked,) = first.annots()
        assert marked.type[1] == "Highlight"
        assert "ethical principles" in " ".join(first.get_textbox(marked.rect).split())
        (under,) = third.annots()
        assert under.type[1] == "Underline"
        assert "automated decisions" in " ".join(third.get_textbox(under.rect).split())
        assert list(second.annots()) == []


def test_a_note_on_a_highlight_has_its_popup(export_library: Library) -> None:
    path = source(export_library, "digital-poverty")
    items = collect(export_library, ExportScope(resource_ids=frozenset({"digital-poverty"})))
    found = annots(annotated_pdf(path, items[0].items))
    assert (2, "Highlight", "Ask the library service.\nSecond line.\n\nTags: inclusion") in [
        f[:3] for f in found
    ]
    assert (1, "Text", "Whole-document thought.") in [f[:3] for f in found]  # document note


def test_colours_and_dates_are_kept(export_library: Library) -> None:
    data = annotated_pdf(source(export_library), reset_items(export_library)[:1])
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        page = doc[0]
        (annot,) = page.annots()
        assert [round(v * 255) for v in annot.colors["stroke"]] == [0xFF, 0xD4, 0x00]
        assert annot.info["creationDate"] == "D:20260301100000Z"
        assert doc.xref_get_key(annot.xref, "NM") == ("string", f"{1:032x}")


def test_hostile_note_is_stored_literally(export_library: Library) -> None:
    hostile = Annotations(export_library.store).get(f"{3:032x}")
    assert hostile is not None
    found = annots(annotated_pdf(source(export_library), reset_items(export_library)))
    note = next(f for f in found if f[1] == "Text")
    assert note[2] == hostile.body + "\n\nTags: <b>tag</b>, =SUM(A1)"


def test_pages_beyond_the_document_are_skipped_and_reported(export_library: Library) -> None:
    first, *_ = reset_items(export_library)
    beyond = replace(first, annotation=replace(first.annotation, id="far", page=99))
    result = annotate(source(export_library), [beyond, first])
    assert result.skipped == ["far: reset-pillar.pdf has no page 99"]
    assert [(page, kind) for page, kind, *_ in annots(result.data)] == [(1, "Highlight")]


def test_control_characters_are_stripped_and_long_notes_capped() -> None:
    note = Annotation("x", "r", "", "page-note", 1, body="a\x00b\x07c\nd\x1b" + "e" * MAX_CONTENT)
    text = content(note)
    assert text.startswith("abc\nd") and len(text) == MAX_CONTENT and text.endswith("…")


def test_rotated_page(export_library: Library, tmp_path: Path) -> None:
    original = source(export_library)
    rotated = tmp_path / "rotated.pdf"
    with pymupdf.open(original) as doc:
        doc[0].set_rotation(90)
        doc.save(rotated)
    (highlight,) = reset_items(export_library)[:1]
    item = anchored(highlight, str(rotated), 1, "ground recovery in ethical principles")
    with pymupdf.open(stream=annotated_pdf(str(rotated), [item]), filetype="pdf") as doc:
        page = doc[0]
        (marked,) = page.annots()
        assert page.rotation == 90
        assert "ethical principles" in " ".join(page.get_textbox(marked.rect).split())


def test_not_a_pdf(tmp_path: Path) -> None:
    from reader_app.documents import DocumentError

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    with pytest.raises(DocumentError):
        annotated_pdf(str(broken), [])
