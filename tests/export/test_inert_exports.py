"""Exports carry no active content: bidi controls in a note cannot reorder the Markdown or
HTML around it, and the annotated PDF copy of a hostile PDF keeps its pages, text and
web and in-document links but none of its scripts, launch actions or embedded files."""

import re
from pathlib import Path

import pymupdf

from reader_app.annotations import Annotation
from reader_app.export import html, markdown
from reader_app.export.pdf_export import annotate
from reader_app.export.scope import Citation, ExportGroup, ExportItem

# Every bidirectional embedding, override and isolate (what reorders text around it).
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
TRICK = "access \u202eevil\u202c granted \u2066isolated \u2067rtl end"


def item(body: str = "", exact: str = "", tags: tuple[str, ...] = (), **cite: str) -> ExportItem:
    annotation = Annotation(
        "a" * 32, "doc", "", "note" if exact else "page-note", 1, exact=exact, body=body, tags=tags
    )
    fields = {"title": "Doc", "collection": "Mine", "date": "2026", "url": ""} | cite
    return ExportItem(annotation, Citation("doc", page=1, link="resource-reader://x", **fields))


def hostile_group() -> list[ExportGroup]:
    one = item(
        body=f"note: {TRICK}\nsecond line \u202d",
        exact=f"quote {TRICK}",
        tags=("tag\u202eeman", "\u2068x"),
        title=f"Title {TRICK}",
        collection="col\u202b",
        url="https://example.org/\u202egnp.exe",
    )
    return [ExportGroup("doc", f"Heading {TRICK}", [one])]


def test_markdown_and_html_exports_hold_no_bidi_control() -> None:
    for module in (markdown, html):
        text = module.render(hostile_group(), f"Export {TRICK}").decode("utf-8")
        assert BIDI.search(text) is None, module.__name__
        # The text itself is kept, in the order it was typed.
        assert "access evil granted isolated rtl end" in text, module.__name__
        # An address with an override in it is not made a link.
        assert "<https://example.org" not in text and 'href="https://example.org' not in text


def hostile_pdf(path: Path) -> None:
    """A two-page PDF with every kind of active content a reader might run, and the
    links that may stay: a web link and a link to page 2."""
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Visible text stays.")
    doc.new_page()
    page = doc[0]
    links = [
        {"kind": pymupdf.LINK_URI, "uri": "https://example.org/kept"},
        {"kind": pymupdf.LINK_GOTO, "page": 1},
        {"kind": pymupdf.LINK_LAUNCH, "file": "calc.exe"},
        {"kind": pymupdf.LINK_URI, "uri": "javascript:app.alert('uri')"},
        {"kind": pymupdf.LINK_URI, "uri": "file:///etc/passwd"},
    ]
    for number, link in enumerate(links):
        page.insert_link(
            {**link, "from": pymupdf.Rect(72, 100 + 30 * number, 200, 120 + 30 * number)}
        )
    catalog = doc.pdf_catalog()
    opening = doc.get_new_xref()
    doc.update_object(opening, "<</S/JavaScript/JS(app.alert('open'))>>")
    doc.xref_set_key(catalog, "OpenAction", f"{opening} 0 R")
    doc.xref_set_key(catalog, "AA", "<</WC<</S/JavaScript/JS(app.alert('close'))>>>>")
    doc.xref_set_key(page.xref, "AA", "<</O<</S/Launch/F(cmd.exe)>>>>")
    tree = doc.get_new_xref()
    doc.update_object(tree, "<</Names[(run)<</S/JavaScript/JS(app.alert('named'))>>]>>")
    doc.embfile_add("payload.txt", b"embedded payload")
    doc.xref_set_key(catalog, "Names/JavaScript", f"{tree} 0 R")
    doc.xref_set_key(
        catalog, "AcroForm", "<</Fields[]/XFA(<xdp><script>app.alert('xfa')</script></xdp>)>>"
    )
    page.add_file_annot((300, 300), b"attached payload", "attached.txt")
    # A web link whose action chains on to a script.
    (web,) = [x for x in range(1, doc.xref_length()) if "/kept" in doc.xref_get_key(x, "A/URI")[1]]
    doc.xref_set_key(web, "A/Next", "<</S/JavaScript/JS(app.alert('next'))>>")
    # An outline entry that runs a script, beside one that goes to page 2.
    doc.set_toc([[1, "Go to page 2", 2], [1, "Script", 1]])
    script_entry = doc.get_outline_xrefs()[1]
    doc.xref_set_key(script_entry, "A", "<</S/JavaScript/JS(app.alert('outline'))>>")
    doc.save(path)


def all_objects(doc: pymupdf.Document) -> str:
    """Every object of ``doc`` as PDF source, streams' contents included, without the
    entries set to null (which PDF reads as absent: "/OpenAction null" opens nothing)."""
    texts = []
    for xref in range(1, doc.xref_length()):
        texts.append(doc.xref_object(xref, compressed=True))
        if doc.xref_is_stream(xref):
            texts.append((doc.xref_stream(xref) or b"").decode("latin-1"))
    return re.sub(r"/[A-Za-z0-9]+ null\b", "", "\n".join(texts))


def test_annotated_pdf_copy_keeps_no_active_content(tmp_path: Path) -> None:
    path = tmp_path / "hostile.pdf"
    hostile_pdf(path)
    with pymupdf.open(path) as doc:  # the source holds what must not be copied
        source = all_objects(doc)
        assert doc.embfile_count() == 1
    for marker in ("/JavaScript", "/Launch", "/AA", "/XFA", "/FileAttachment", "/EmbeddedFile"):
        assert marker in source
    note = Annotation("b" * 32, "doc", "", "page-note", 1, body="my note")
    result = annotate(path, [ExportItem(note, item().citation)])
    with pymupdf.open(stream=result.data, filetype="pdf") as doc:
        objects = all_objects(doc)
        assert doc.embfile_count() == 0
        for marker in (
            "/JavaScript",
            "/JS",
            "app.alert",
            "/Launch",
            "calc.exe",
            "cmd.exe",
            "/XFA",
            "<xdp>",
            "/FileAttachment",
            "/EmbeddedFile",
            "payload",
            "javascript:",
            "file:///",
        ):
            assert marker not in objects, marker
        for xref in range(1, doc.xref_length()):
            assert doc.xref_get_key(xref, "AA")[0] == "null", doc.xref_object(xref)
        page = doc[0]
        links = page.get_links()
        assert [link["uri"] for link in links if link["kind"] == pymupdf.LINK_URI] == [
            "https://example.org/kept"
        ]
        assert [link["page"] for link in links if link["kind"] == pymupdf.LINK_GOTO] == [1]
        assert "Visible text stays." in page.get_text()
        assert [(a.type[1], a.info["content"]) for a in page.annots()] == [("Text", "my note")]
        # The outline stays, its script entry a plain title.
        assert [entry[:3] for entry in doc.get_toc()] == [[1, "Go to page 2", 2], [1, "Script", -1]]
    assert any("JavaScript" in why for why in result.removed)
