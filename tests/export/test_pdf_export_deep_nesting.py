"""An annotated PDF copy of a PDF whose objects nest thousands deep is refused in words
(it said "code=5: exception stack overflow!", MuPDF's own)."""

from pathlib import Path

import pytest

from reader_app.documents import DocumentError
from reader_app.export.pdf_export import annotate


def test_a_copy_of_deeply_nested_objects_is_refused_in_words(tmp_path: Path) -> None:
    content = b"BT /F1 12 Tf 10 100 Td (deep) Tj ET"
    pdf = (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Foo "
        + b"[" * 100_000
        + b"]" * 100_000
        + b" >> endobj\n4 0 obj << /Length %d >> stream\n" % len(content)
        + content
        + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    path = tmp_path / "deep.pdf"
    path.write_bytes(pdf)
    with pytest.raises(DocumentError) as refused:
        annotate(path, [])
    message = str(refused.value)
    assert "nested too deeply" in message and "code=" not in message, message
