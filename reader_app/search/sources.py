"""What gets indexed: per resource, one ``IndexSource`` for its pages (turned into page
documents in a worker) and, if it has annotations with text, one for its notes (read
from the user's database in this process: no PyMuPDF, no worker to start).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

# (page number from 1, raw text, its index terms in order)
PageDoc = tuple[int, str, list[str]]
# (annotation id, page number from 1, raw text: the quote and the note, its index terms)
NoteDoc = tuple[str, int, str, list[str]]

NOTE = "note"  # the origin of documents made from annotations


@dataclass(frozen=True)
class IndexSource:
    resource_id: str
    signature: str  # changes whenever anything indexed from this source changes
    title: str
    kind: str
    collection: str
    pillars: tuple[str, ...]
    tags: tuple[str, ...]
    year: int
    pages: int  # expected documents (pages, or annotations), for progress
    path: str | None = None  # a document to extract text from (notes: the database), or
    texts: tuple[str, ...] = ()  # the text of each page given directly (images: alt text)
    origin: str = "page"  # or NOTE: the resource's annotations

    @property
    def key(self) -> str:
        """Names this source's documents in the index: a resource's pages and its notes
        are replaced separately, so a note edit never re-extracts a PDF."""
        return self.resource_id if self.origin == "page" else f"{self.origin}:{self.resource_id}"


def prepare_pages(source: IndexSource) -> list[PageDoc]:
    """Extract and analyse every page. Runs in a worker process (PyMuPDF, stemming)."""
    # Imported here: the library builds IndexSources without loading PyMuPDF or Whoosh.
    from reader_app.documents import page_texts
    from reader_app.search.analysis import terms

    texts = list(source.texts) if source.texts or source.path is None else page_texts(source.path)
    return [(number, text, terms(text)) for number, text in enumerate(texts, start=1)]


def note_text(quote: str, body: str) -> str:
    """What a note document holds and its snippet shows: the quote, then the note."""
    return "\n".join(part for part in (f"“{quote}”" if quote else "", body) if part)


def prepare_notes(source: IndexSource) -> list[NoteDoc]:
    """Read and analyse a resource's annotations that have text, from the database at
    ``source.path``. Runs in any thread: it opens a connection of its own."""
    from reader_app.search.analysis import terms

    if source.path is None:
        return []
    uri = Path(source.path).resolve().as_uri() + "?mode=rw"  # never create a database
    with closing(sqlite3.connect(uri, uri=True, timeout=10)) as db:
        rows = db.execute(
            """SELECT id, page, exact, body FROM annotations
               WHERE resource_id = ? AND (exact != '' OR body != '')
               ORDER BY page, created, id""",
            (source.resource_id,),
        ).fetchall()
    docs = []
    for annotation_id, page, quote, body in rows:
        text = note_text(quote, body)
        docs.append((annotation_id, page or 1, text, terms(text)))
    return docs
