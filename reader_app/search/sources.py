"""What gets indexed: one ``IndexSource`` per resource, turned into page documents in a worker."""

from __future__ import annotations

from dataclasses import dataclass

# (page number from 1, raw text, its index terms in order)
PageDoc = tuple[int, str, list[str]]


@dataclass(frozen=True)
class IndexSource:
    resource_id: str
    signature: str  # changes whenever anything indexed about the resource changes
    title: str
    kind: str
    collection: str
    pillars: tuple[str, ...]
    tags: tuple[str, ...]
    year: int
    pages: int  # expected page count, for progress
    path: str | None = None  # a document to extract text from, or
    texts: tuple[str, ...] = ()  # the text of each page given directly (images: alt text)
    origin: str = "page"  # later also "note", for annotations


def prepare_pages(source: IndexSource) -> list[PageDoc]:
    """Extract and analyse every page. Runs in a worker process (PyMuPDF, stemming)."""
    # Imported here: the library builds IndexSources without loading PyMuPDF or Whoosh.
    from reader_app.documents import page_texts
    from reader_app.search.analysis import terms

    texts = list(source.texts) if source.texts or source.path is None else page_texts(source.path)
    return [(number, text, terms(text)) for number, text in enumerate(texts, start=1)]
