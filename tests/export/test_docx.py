"""The Word export, re-opened with python-docx: styles, text, links, properties."""

import io
import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from reader_app.annotations import Annotations
from reader_app.export.docx_export import CITATION_STYLE, DETAILS_STYLE, clean, render
from reader_app.export.scope import ExportGroup, collect
from reader_app.library import Library

GOLDEN = Path(__file__).parent / "golden" / "notes.docx.txt"


def reopened(groups: list[ExportGroup], title: str = "Notes") -> docx.document.Document:
    return docx.Document(io.BytesIO(render(groups, title)))


def paragraphs(document: docx.document.Document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def links(document: docx.document.Document) -> list[str]:
    return [
        rel.target_ref
        for rel in document.part.rels.values()
        if rel.reltype == RT.HYPERLINK and rel.is_external
    ]


def test_headings_per_group_in_order(export_library: Library) -> None:
    groups = collect(export_library)
    found = paragraphs(reopened(groups, "Strategy notes"))
    assert found[0] == ("Title", "Strategy notes")
    assert [text for style, text in found if style == "Heading 1"] == [g.heading for g in groups]


def test_quotes_notes_tags_and_citations(export_library: Library) -> None:
    found = paragraphs(reopened(collect(export_library)))
    quotes = [text for style, text in found if style == "Quote"]
    assert quotes == [
        "lent laptops",
        "ethical principles",
        "social, economic and ecological foundations",
    ]
    notes = [text for style, text in found if style == "Normal"]
    assert "Use this framing in our strategy." in notes
    assert "Ask the library service.\nSecond line." in notes
    details = [text for style, text in found if style == DETAILS_STYLE]
    assert "Highlight · yellow · Tags: strategy" in details
    assert "Note on the page · red · Tags: <b>tag</b>, =SUM(A1)" in details
    citations = [text for style, text in found if style == CITATION_STYLE]
    assert len(citations) == 5
    reset = next(c for c in citations if ", p. 2." in c and c.startswith("Reset"))
    assert "https://socitm.net/resource-hub/news/reset-reform-renew-resilient/" in reset
    assert "Open in Resource Reader" in reset


def test_hostile_note_is_literal_text(export_library: Library) -> None:
    hostile = Annotations(export_library.store).get(f"{3:032x}")
    assert hostile is not None and "<script>" in hostile.body
    document = reopened(collect(export_library))
    assert hostile.body in [p.text for p in document.paragraphs]
    assert "http://evil.example" not in links(document)
    assert "javascript:alert(1)" not in "".join(links(document))


def test_citations_link_to_the_original_and_back_to_the_page(export_library: Library) -> None:
    document = reopened(collect(export_library))
    targets = links(document)
    assert "https://socitm.net/resource-hub/news/reset-reform-renew-resilient/" in targets
    assert "resource-reader://open?id=reset-pillar&page=2" in targets
    assert "resource-reader://open?id=digital-poverty" in targets  # the document note
    in_paragraphs = [
        (link.address, link.text) for p in document.paragraphs for link in p.hyperlinks
    ]
    assert ("resource-reader://open?id=reset-pillar&page=3", "Open in Resource Reader") in (
        in_paragraphs
    )


def test_only_web_and_app_links_become_hyperlinks(export_library: Library) -> None:
    groups = collect(export_library)
    item = groups[0].items[0]
    groups[0].items[0] = replace(item, citation=replace(item.citation, url="javascript:alert(1)"))
    document = reopened(groups)
    assert "javascript:alert(1)" not in links(document)
    assert any("javascript:alert(1)" in p.text for p in document.paragraphs)  # as text


def test_characters_xml_forbids_are_dropped(export_library: Library) -> None:
    groups = collect(export_library)
    item = groups[0].items[0]
    body = "bell\x07 form\x0c feed\r\nnext\x00line\ttab"
    groups[0].items[0] = replace(item, annotation=replace(item.annotation, body=body))
    found = [text for _style, text in paragraphs(reopened(groups, "Title\x01"))]
    assert found[0] == "Title"
    assert "bell form feed\nnextline\ttab" in found
    assert clean("a\x1fb\ud800c\r") == "abc\n"


def test_same_export_same_properties(export_library: Library) -> None:
    groups = collect(export_library)
    properties = reopened(groups, "Strategy notes").core_properties
    assert properties.title == "Strategy notes"
    assert properties.created == properties.modified == datetime(2026, 3, 5, 10, tzinfo=UTC)
    assert properties.author == "Resource Reader"


def test_styles_can_be_restyled(export_library: Library) -> None:
    styles = reopened(collect(export_library)).styles
    for name in (DETAILS_STYLE, CITATION_STYLE):
        assert styles[name].base_style.name == "Normal"
        assert not styles[name].builtin


def test_empty_export() -> None:
    document = reopened([], "Nothing")
    assert paragraphs(document) == [("Title", "Nothing"), ("Normal", "No notes to export.")]
    assert links(document) == []
    assert document.core_properties.created == datetime(2000, 1, 1, tzinfo=UTC)


def test_golden(export_library: Library) -> None:
    found = paragraphs(reopened(collect(export_library), "Strategy notes"))
    text = "".join(json.dumps(pair, ensure_ascii=False) + "\n" for pair in found)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    if not GOLDEN.exists():
        pytest.fail(f"no golden file {GOLDEN.name}: run with UPDATE_GOLDEN=1")
    assert text == GOLDEN.read_text(encoding="utf-8")
