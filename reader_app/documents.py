"""What PyMuPDF tells us about a document: page count, outline, metadata.

These functions import PyMuPDF, so they run only inside worker processes
(see ``worker.py``); never call them from the GUI process.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


class DocumentError(RuntimeError):
    """A file PyMuPDF cannot open or read, with a message for the user."""


@dataclass
class OutlineEntry:
    level: int
    title: str
    page: int  # 1-based; 0 or less when the entry points nowhere


@dataclass
class DocumentInfo:
    pages: int
    is_pdf: bool
    encrypted: bool
    metadata: dict[str, str] = field(default_factory=dict)
    outline: list[OutlineEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def document_info(path: str | Path) -> DocumentInfo:
    import pymupdf  # imported here so that importing this module stays cheap

    try:
        doc = pymupdf.open(path)
    except Exception as exc:  # PyMuPDF raises several types for unreadable files
        raise DocumentError(f"cannot open {Path(path).name}: {exc}") from None
    with doc:
        if doc.needs_pass:
            return DocumentInfo(pages=0, is_pdf=doc.is_pdf, encrypted=True)
        if doc.page_count == 0:
            raise DocumentError(f"{Path(path).name} has no pages")
        metadata = {k: v for k, v in (doc.metadata or {}).items() if isinstance(v, str) and v}
        outline = [OutlineEntry(level, title, page) for level, title, page, *_ in doc.get_toc()]
        return DocumentInfo(
            pages=doc.page_count,
            is_pdf=doc.is_pdf,
            encrypted=False,
            metadata=metadata,
            outline=outline,
        )


def page_texts(path: str | Path) -> list[str]:
    """The plain text of every page, words broken across lines joined again."""
    import pymupdf

    flags = pymupdf.TEXT_DEHYPHENATE | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    try:
        doc = pymupdf.open(path)
    except Exception as exc:
        raise DocumentError(f"cannot open {Path(path).name}: {exc}") from None
    with doc:
        if doc.needs_pass:
            raise DocumentError(f"{Path(path).name} is encrypted")
        return [page.get_text("text", flags=flags) for page in doc]


@dataclass
class RenderedPage:
    """Raw RGB pixels of one page; the GUI wraps them in a QImage."""

    width: int
    height: int
    stride: int
    samples: bytes


def page_sizes(path: str | Path) -> list[tuple[float, float]]:
    """Each page's size in points, for laying out a document before it is rendered."""
    import pymupdf

    try:
        doc = pymupdf.open(path)
    except Exception as exc:
        raise DocumentError(f"cannot open {Path(path).name}: {exc}") from None
    with doc:
        return [(page.rect.width, page.rect.height) for page in doc]


def render_page(path: str | Path, number: int, zoom: float) -> RenderedPage:
    """Render page ``number`` (1-based) at ``zoom`` (1.0 = 72 dpi) to RGB pixels."""
    import pymupdf

    try:
        doc = pymupdf.open(path)
    except Exception as exc:
        raise DocumentError(f"cannot open {Path(path).name}: {exc}") from None
    with doc:
        if not 1 <= number <= doc.page_count:
            raise DocumentError(f"{Path(path).name} has no page {number}")
        pixmap = doc[number - 1].get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        return RenderedPage(pixmap.width, pixmap.height, pixmap.stride, bytes(pixmap.samples))
