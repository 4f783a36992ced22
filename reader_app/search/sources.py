"""What gets indexed: per resource, one ``IndexSource`` for its pages (turned into page
documents in a worker) and one for the notes on each page that has annotations with
text (read from the user's database in this process: no PyMuPDF, no worker to start).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
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
    origin: str = "page"  # or NOTE: annotations on one page of the resource
    note_page: int | None = None  # notes: their page; None for notes on the whole document

    @property
    def key(self) -> str:
        """Names this source's documents in the index, to replace them together.

        A resource's pages and the notes on each of its pages are replaced separately,
        so a note edit re-extracts no PDF and rewrites only the notes on its own page.
        """
        if self.origin != NOTE:
            return self.resource_id
        return f"{NOTE}:{self.resource_id}:{self.note_page or 'document'}"


def resource_of(key: str) -> str:
    """The resource an IndexSource key belongs to."""
    return key.split(":")[1] if key.startswith(NOTE + ":") else key


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


def read_notes(
    sources: list[IndexSource],
) -> Iterator[tuple[IndexSource, list[NoteDoc] | sqlite3.Error]]:
    """Read and analyse the annotations with text behind each note source, from the
    database at its ``path``; a source that cannot be read comes with the error.

    Runs in any thread: it opens connections of its own.
    """
    from reader_app.search.analysis import terms

    for database in sorted({s.path or "" for s in sources}):
        mine = [s for s in sources if (s.path or "") == database]
        try:
            uri = Path(database).resolve().as_uri() + "?mode=rw"  # never create a database
            db = sqlite3.connect(uri, uri=True, timeout=10)
        except sqlite3.Error as exc:
            yield from ((source, exc) for source in mine)
            continue
        with closing(db):
            for source in mine:
                try:
                    rows = db.execute(
                        """SELECT id, exact, body FROM annotations
                           WHERE resource_id = ? AND page IS ? AND (exact != '' OR body != '')
                           ORDER BY created, id""",
                        (source.resource_id, source.note_page),
                    ).fetchall()
                except sqlite3.Error as exc:
                    yield source, exc
                    continue
                docs = []
                for annotation_id, quote, body in rows:
                    text = note_text(quote, body)
                    docs.append((annotation_id, source.note_page or 1, text, terms(text)))
                yield source, docs
