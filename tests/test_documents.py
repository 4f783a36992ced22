import pymupdf
import pytest

from reader_app.documents import DocumentError, document_info
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir

CATALOG = load_manifest(bundled_dir() / MANIFEST_NAME)


def test_bundled_briefing_info() -> None:
    briefing = next(r for r in CATALOG.resources if r.kind == "briefing")
    info = document_info(CATALOG.path_of(briefing))
    assert info.pages == briefing.pages and info.is_pdf and not info.encrypted
    assert info.metadata["title"] == briefing.title
    assert info.outline[0].title == briefing.title
    assert info.to_dict()["outline"][0]["page"] == 1


def test_encrypted_pdf_is_reported(tmp_path) -> None:
    path = tmp_path / "locked.pdf"
    doc = pymupdf.open()
    doc.new_page()
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    info = document_info(path)
    assert info.encrypted and info.pages == 0


@pytest.mark.parametrize("content", [b"", b"not a pdf at all", b"%PDF-1.4\n%%EOF"])
def test_unreadable_file(tmp_path, content: bytes) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(content)
    with pytest.raises(DocumentError):
        document_info(path)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(DocumentError, match=r"gone\.pdf"):
        document_info(tmp_path / "gone.pdf")
