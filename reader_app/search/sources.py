"""What gets indexed: per resource, one ``IndexSource`` for its pages (turned into page
documents in a worker) and one for each bucket of its annotations with text (read from
the user's database in this process: no PyMuPDF, no worker to start).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
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
    year: int | None  # None: undated (indexed as catalog.UNDATED)
    pages: int  # expected documents (pages, or annotations), for progress
    path: str | None = None  # a document to extract text from (notes: the database), or
    texts: tuple[str, ...] = ()  # the text of each page given directly (images: alt text)
    origin: str = "page"  # or NOTE: a bucket of the resource's annotations
    # Notes: what the ids of the bucket's annotations start with ("": all of them).
    note_bucket: str = ""
    # A council's strategy: its nation and kind of council (filters), and the words that
    # describe it beyond its file (council, nation, kind of council, themes), searched too.
    nation: str = ""
    council_type: str = ""
    about: str = ""

    @property
    def key(self) -> str:
        """Names this source's documents in the index, to replace them together.

        A resource's pages and each bucket of its notes are replaced separately, so a
        note edit re-extracts no PDF and rewrites only the few notes in its bucket.
        """
        if self.origin != NOTE:
            return self.resource_id
        return f"{NOTE}:{self.resource_id}:{self.note_bucket or '*'}"


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

    One query per resource reads the buckets wanted of it. Runs in any thread: it
    opens connections of its own.
    """
    from reader_app.search.analysis import terms
    from reader_app.store import connect_read_only

    for database in sorted({s.path or "" for s in sources}):
        mine = [s for s in sources if (s.path or "") == database]
        try:
            # Read-only: never creates a database, and reads one on a full or read-only disk.
            db = connect_read_only(Path(database))
        except sqlite3.Error as exc:
            yield from ((source, exc) for source in mine)
            continue
        # Buckets of one resource share a width (the length of their id prefix).
        groups: dict[tuple[str, int], dict[str, IndexSource]] = defaultdict(dict)
        for source in mine:
            groups[(source.resource_id, len(source.note_bucket))][source.note_bucket] = source
        with closing(db):
            for (resource_id, width), buckets in groups.items():
                try:
                    rows = _read_buckets(db, resource_id, width, sorted(buckets))
                except sqlite3.Error as exc:
                    yield from ((source, exc) for source in buckets.values())
                    continue
                docs: dict[str, list[NoteDoc]] = {bucket: [] for bucket in buckets}
                for annotation_id, page, quote, body in rows:
                    text = note_text(quote, body)
                    docs[annotation_id[:width]].append(
                        (annotation_id, page or 1, text, terms(text))
                    )
                for bucket, source in buckets.items():
                    yield source, docs[bucket]


def _read_buckets(
    db: sqlite3.Connection, resource_id: str, width: int, buckets: list[str]
) -> list[tuple[str, int | None, str, str]]:
    """The annotations with text of a resource whose ids start with one of ``buckets``
    (each ``width`` characters long)."""
    wanted = ""
    if width:
        wanted = f"AND substr(id, 1, {width}) IN ({', '.join('?' * len(buckets))})"
    return db.execute(
        f"""SELECT id, page, exact, body FROM annotations
            WHERE resource_id = ? AND (exact != '' OR body != '') {wanted}
            ORDER BY created, id""",
        (resource_id, *(buckets if width else ())),
    ).fetchall()
