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


def test_page_layout_gives_words_and_links_in_page_space(tmp_path) -> None:
    import worker_tasks

    from reader_app.documents import document_layout, find_text, page_layout

    path = tmp_path / "links.pdf"
    worker_tasks.make_link_pdf(str(path))
    layout = page_layout(path, 1)
    assert (layout.width, layout.height) == (595, 842)
    assert [w[4] for w in layout.words[:4]] == ["Go", "to", "the", "third"]
    kinds = [(link.page, link.uri) for link in layout.links]
    assert kinds[0] == (3, "")
    assert layout.links[0].top == 380
    assert [uri for _page, uri in kinds[1:]] == [
        "https://example.org/recovery?x=1&y=<b>2</b>",
        "file:/etc/passwd",  # a launch link: shown as file:, so the viewer refuses it
        "javascript:alert(1)",
        "mailto:team@example.org",
    ]
    found = find_text(path, "TERN")
    assert [page for page, _box in found] == [2, 2, 2]
    assert find_text(path, "tern", limit=2) == found[:2]
    assert document_layout(path).sizes == [(595, 842)] * 3
    with pytest.raises(DocumentError, match="no page 9"):
        page_layout(path, 9)


def test_layout_functions_refuse_unreadable_files(tmp_path) -> None:
    from reader_app.documents import document_layout, find_text

    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf at all")
    for func in (document_layout, lambda p: find_text(p, "x")):
        with pytest.raises(DocumentError, match=r"bad\.pdf"):
            func(bad)
