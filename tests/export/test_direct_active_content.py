"""Active content written straight into another object (an annotation inside a page's
/Annots array rather than referenced from it) is removed from an annotated PDF copy too."""

from __future__ import annotations

from pathlib import Path

import pymupdf

from reader_app.annotations import Annotation
from reader_app.export.pdf_export import annotate
from reader_app.export.scope import Citation, ExportItem

PDF = b"""%PDF-1.7
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [
 << /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S /JavaScript /JS (app.alert(1)) >> >>
 << /Type /Annot /Subtype /Widget /FT /Btn /Rect [0 0 10 10]
    /AA << /E << /S /Launch /F (calc.exe) >> >> >>
 [ << /Deeper << /OpenAction << /S /JavaScript /JS (app.alert(2)) >> >> >> ] ] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def test_actions_in_direct_annotations_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "direct.pdf"
    path.write_bytes(PDF)
    note = Annotation("c" * 32, "doc", "", "page-note", 1, body="kept note")
    cite = Citation("doc", "Doc", "", "", 1, "", "")
    result = annotate(path, [ExportItem(note, cite)])
    with pymupdf.open(stream=result.data, filetype="pdf") as doc:
        objects = "\n".join(
            doc.xref_object(x, compressed=True) for x in range(1, doc.xref_length())
        )
        for marker in ("/JavaScript", "app.alert", "/Launch", "calc.exe"):
            assert marker not in objects, marker
        assert "kept note" in objects
    assert result.removed
