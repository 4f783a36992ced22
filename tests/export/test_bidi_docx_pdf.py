"""Bidi controls in a note cannot reorder the text of a Word export or of the popup of an
annotated PDF copy either (Word and PDF readers obey them, as browsers do)."""

from __future__ import annotations

import io
import re
import zipfile

from reader_app.annotations import Annotation
from reader_app.export import docx_export, pdf_export
from reader_app.export.scope import Citation, ExportGroup, ExportItem

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
TRICK = "access \u202eevil\u202c granted \u2066isolated \u2067rtl end"


def hostile_item() -> ExportItem:
    annotation = Annotation(
        "a" * 32, "doc", "", "note", 1, exact=f"quote {TRICK}", body=f"note {TRICK}",
        tags=("tag\u202eeman",),
    )  # fmt: skip
    citation = Citation("doc", f"Title {TRICK}", "Mine", "2026", 1, "", "resource-reader://x")
    return ExportItem(annotation, citation)


def test_word_export_holds_no_bidi_control() -> None:
    data = docx_export.render([ExportGroup("doc", f"Heading {TRICK}", [hostile_item()])], TRICK)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n for n in archive.namelist() if n.endswith(".xml")]
        text = "".join(archive.read(n).decode("utf-8") for n in names)
    assert "access evil granted isolated rtl end" in text
    assert not BIDI.search(text)


def test_pdf_popup_holds_no_bidi_control() -> None:
    text = pdf_export.content(hostile_item().annotation)
    assert text.startswith("note access evil granted")
    assert not BIDI.search(text)
