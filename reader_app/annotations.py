"""Annotations: highlights, underlines, notes on a highlight, notes pinned to a page, and
notes on a whole document, each saved the moment it is made.

An annotation is keyed to the document's content (its SHA-256), not its path, and
keeps the quoted text with a little context before and after (the W3C Web
Annotation TextQuoteSelector: exact, prefix, suffix), so it can be found again
when the document is replaced by a new version (see ``reanchor.py``). One whose quote
is not in the new version is kept, marked ``anchor == "orphaned"``, so the user can be
shown what could not be placed.
"""

from __future__ import annotations

import gc
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from reader_app.store import Store, normalise_tag, now

KINDS = ("highlight", "underline", "note", "page-note", "document-note")
# Named colours, as Zotero names its six, plus grey; the GUI draws them, exports name them.
COLOURS = {
    "yellow": "#ffd400",
    "red": "#ff6666",
    "green": "#5fb236",
    "blue": "#2ea8e5",
    "purple": "#a28ae5",
    "orange": "#f19837",
    "grey": "#aaaaaa",
}
ANCHORS = ("ok", "orphaned")
MAX_BODY = 200_000  # characters: a long note, not a book
MAX_QUOTE = 20_000
CONTEXT = 32  # characters of prefix and suffix kept around a quote

Box = tuple[float, float, float, float]


class AnnotationError(ValueError):
    """An annotation that cannot be stored as asked; the message says why."""


@dataclass(frozen=True)
class Annotation:
    id: str
    resource_id: str
    doc_sha256: str
    kind: str
    page: int | None  # 1-based; None for a note on the whole document
    quads: tuple[Box, ...] = ()  # where the quoted text is, in PDF points
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    body: str = ""  # the note's text, plain text
    color: str = "yellow"
    tags: tuple[str, ...] = ()
    created: str = ""
    updated: str = ""
    # "orphaned": the quote was not found in the version doc_sha256 names; page is the
    # page it had before (within the new page count), quads are empty, the quote is kept.
    anchor: str = "ok"
    origin_key: str = ""  # for one taken from a PDF: which annotation of which file

    @property
    def orphaned(self) -> bool:
        return self.anchor == "orphaned"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["quote"] = self.exact
        data["text"] = self.body
        data["quads"] = [list(q) for q in self.quads]
        data["tags"] = list(self.tags)
        return data


@dataclass
class AnnotationFilter:
    resource_ids: set[str] | None = None  # None: every resource
    tag: str | None = None
    color: str | None = None
    kind: str | None = None
    text: str | None = None  # in the quote or the note, ignoring case
    page: int | None = None
    ids: set[str] | None = field(default=None)
    anchor: str | None = None  # "orphaned": only those not found in a new version


def check_color(color: str) -> str:
    name = color.strip().lower()
    if name not in COLOURS:
        raise AnnotationError(f"unknown colour {color!r}; use one of {', '.join(COLOURS)}")
    return name


def _check_text(body: str, what: str, limit: int) -> str:
    if len(body) > limit:
        raise AnnotationError(f"the {what} is longer than {limit:,} characters")
    if "\x00" in body:
        raise AnnotationError(f"the {what} contains a NUL character")
    return body


@dataclass(frozen=True)
class Relocation:
    """Where an annotation goes in another version of its document (``reanchor.py``
    works these out)."""

    annotation_id: str
    from_sha256: str  # the version it was worked out from; skipped if that has changed
    page: int | None
    quads: tuple[Box, ...]
    exact: str
    prefix: str
    suffix: str
    orphaned: bool  # the quote was not found: page and quote stay as they were


class Annotations:
    """The annotations in one store. Every method commits before it returns."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        resource_id: str,
        doc_sha256: str,
        kind: str,
        page: int | None,
        *,
        quads: Sequence[Box] = (),
        exact: str = "",
        prefix: str = "",
        suffix: str = "",
        body: str = "",
        color: str = "yellow",
        tags: Iterable[str] = (),
    ) -> Annotation:
        annotation = self.make(
            resource_id,
            doc_sha256,
            kind,
            page,
            quads=quads,
            exact=exact,
            prefix=prefix,
            suffix=suffix,
            body=body,
            color=color,
            tags=tags,
        )
        self.restore(annotation)
        stored = self.get(annotation.id)  # with tags spelled as the store already had them
        assert stored is not None
        return stored

    @staticmethod
    def make(
        resource_id: str,
        doc_sha256: str,
        kind: str,
        page: int | None,
        *,
        quads: Sequence[Box] = (),
        exact: str = "",
        prefix: str = "",
        suffix: str = "",
        body: str = "",
        color: str = "yellow",
        tags: Iterable[str] = (),
        origin_key: str = "",
    ) -> Annotation:
        """A new annotation, checked and given an id, but not stored (see ``add``)."""
        if kind not in KINDS:
            raise AnnotationError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
        if kind == "document-note":
            page = None
        elif page is None or page < 1:
            raise AnnotationError(f"a {kind} needs a page (1 or more)")
        if kind in ("highlight", "underline") and not exact:
            raise AnnotationError(f"a {kind} needs the text it marks")
        stamp = now()
        return Annotation(
            id=uuid.uuid4().hex,
            resource_id=resource_id,
            doc_sha256=doc_sha256,
            kind=kind,
            page=page,
            quads=tuple(tuple(float(v) for v in q) for q in quads),  # type: ignore[misc]
            exact=_check_text(exact, "quote", MAX_QUOTE),
            prefix=prefix[-CONTEXT:],
            suffix=suffix[:CONTEXT],
            body=_check_text(body, "note", MAX_BODY),
            color=check_color(color),
            tags=_unique_tags(tags),
            created=stamp,
            updated=stamp,
            origin_key=origin_key,
        )

    def restore(self, annotation: Annotation) -> None:
        """Store an annotation exactly as given (its id too): adding, and undoing a delete.

        One taken from a PDF whose origin has been taken again meanwhile comes back
        without its origin_key: both are kept, and only the newer one counts as taken.
        """
        with self._store.transaction():
            self._restore(annotation)

    def restore_many(self, annotations: Iterable[Annotation]) -> list[Annotation]:
        """``restore`` several (undoing ``delete_many``) in one transaction: all or none.
        One whose id is stored already is left as it is; returns those stored."""
        restored: list[Annotation] = []
        with self._store.transaction():
            for annotation in annotations:
                if not self._store.query(
                    "SELECT 1 FROM annotations WHERE id = ?", (annotation.id,)
                ):
                    restored.append(self._restore(annotation))
        return restored

    def _restore(self, annotation: Annotation) -> Annotation:
        if annotation.origin_key and self._taken(annotation):
            annotation = replace(annotation, origin_key="")
        self._insert(annotation)
        return annotation

    def take(self, made: Iterable[Annotation]) -> list[Annotation]:
        """Store annotations made from another source, each with an ``origin_key``, in one
        transaction, leaving out any whose origin this resource already has; returns
        those stored."""
        taken: list[Annotation] = []
        with self._store.transaction():
            for annotation in made:
                if not annotation.origin_key:
                    raise AnnotationError("an annotation taken from elsewhere needs its origin")
                if self._taken(annotation):
                    continue
                self._insert(annotation)
                taken.append(annotation)
        return [a for a in (self.get(t.id) for t in taken) if a is not None]

    def origin_keys(self, resource_id: str) -> set[str]:
        """The origins of a resource's annotations taken from elsewhere (see ``take``)."""
        rows = self._store.query(
            "SELECT origin_key FROM annotations WHERE resource_id = ? AND origin_key IS NOT NULL",
            (resource_id,),
        )
        return {key for (key,) in rows}

    def stale(self, resource_id: str, doc_sha256: str) -> list[Annotation]:
        """A resource's annotations made on another version of its document than
        ``doc_sha256`` (its current one): those to re-anchor (see ``reanchor.py``)."""
        return self._select(["a.resource_id = ?", "a.doc_sha256 != ?"], [resource_id, doc_sha256])

    def has_stale(self, resource_id: str, doc_sha256: str) -> bool:
        """Whether ``stale`` would find any; cheap enough to ask on every open."""
        return bool(
            self._store.query(
                "SELECT 1 FROM annotations WHERE resource_id = ? AND doc_sha256 != ? LIMIT 1",
                (resource_id, doc_sha256),
            )
        )

    def relocate(self, doc_sha256: str, moves: Iterable[Relocation]) -> list[str]:
        """Move annotations to version ``doc_sha256`` of their document, in one
        transaction. A move is skipped if its annotation is gone or no longer on the
        version the move was worked out from. Returns the ids moved. ``updated`` is
        set, as the record changed (the notes in the search index follow it), though
        the note's text did not."""
        moved: list[str] = []
        stamp = now()
        with self._store.transaction():
            for move in moves:
                quads = () if move.orphaned else move.quads
                self._store.query(
                    """UPDATE annotations SET doc_sha256 = ?, page = ?, quads = ?, exact = ?,
                           prefix = ?, suffix = ?, anchor = ?, updated = ?
                       WHERE id = ? AND doc_sha256 = ?""",
                    (
                        doc_sha256,
                        move.page,
                        json.dumps([list(q) for q in quads]),
                        move.exact,
                        move.prefix[-CONTEXT:],
                        move.suffix[:CONTEXT],
                        "orphaned" if move.orphaned else "ok",
                        stamp,
                        move.annotation_id,
                        move.from_sha256,
                    ),
                )
                if self._store.query("SELECT changes()")[0][0]:
                    moved.append(move.annotation_id)
        return moved

    def _taken(self, annotation: Annotation) -> bool:
        return bool(
            self._store.query(
                "SELECT 1 FROM annotations WHERE resource_id = ? AND origin_key = ?",
                (annotation.resource_id, annotation.origin_key),
            )
        )

    def _insert(self, annotation: Annotation) -> None:
        self._store.query(
            """INSERT INTO annotations(id, resource_id, doc_sha256, kind, page, quads,
                   exact, prefix, suffix, body, color, created, updated, anchor, origin_key)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                annotation.id,
                annotation.resource_id,
                annotation.doc_sha256,
                annotation.kind,
                annotation.page,
                json.dumps([list(q) for q in annotation.quads]),
                annotation.exact,
                annotation.prefix,
                annotation.suffix,
                annotation.body,
                annotation.color,
                annotation.created,
                annotation.updated,
                annotation.anchor,
                annotation.origin_key or None,
            ),
        )
        self._set_tags(annotation.id, annotation.tags)

    def edit(
        self,
        annotation_id: str,
        *,
        body: str | None = None,
        color: str | None = None,
        tags: Iterable[str] | None = None,
    ) -> Annotation:
        """Change a note's text, colour or tags; returns the annotation as it now is."""
        old = self.get(annotation_id)
        if old is None:
            raise AnnotationError(f"no annotation {annotation_id!r}")
        new_body = old.body if body is None else _check_text(body, "note", MAX_BODY)
        new_color = old.color if color is None else check_color(color)
        new_tags = old.tags if tags is None else _unique_tags(tags)
        with self._store.transaction():
            self._store.query(
                "UPDATE annotations SET body = ?, color = ?, updated = ? WHERE id = ?",
                (new_body, new_color, now(), annotation_id),
            )
            self._set_tags(annotation_id, new_tags)
            self._store.drop_unused_tags()
        edited = self.get(annotation_id)
        assert edited is not None
        return edited

    def delete(self, annotation_id: str) -> Annotation:
        """Delete an annotation; returns it, so it can be restored (undo)."""
        deleted = self.delete_many([annotation_id])
        if not deleted:
            raise AnnotationError(f"no annotation {annotation_id!r}")
        return deleted[0]

    def delete_many(self, annotation_ids: Iterable[str]) -> list[Annotation]:
        """Delete annotations in one transaction; returns those there were (ids not
        found are passed over), as ``find`` orders them, for ``restore_many``."""
        ids = sorted(set(annotation_ids))
        deleted: list[Annotation] = []
        if not ids:
            return deleted
        with self._store.transaction():
            for start in range(0, len(ids), _PROBED):
                chunk = ids[start : start + _PROBED]
                deleted += self.find(AnnotationFilter(ids=set(chunk)))
                self._store.query(
                    f"DELETE FROM annotations WHERE id IN ({','.join('?' * len(chunk))})", chunk
                )
            self._store.drop_unused_tags()
        return _in_order(deleted) if len(ids) > _PROBED else deleted

    def get(self, annotation_id: str) -> Annotation | None:
        found = self.find(AnnotationFilter(ids={annotation_id}))
        return found[0] if found else None

    def find(self, where: AnnotationFilter | None = None) -> list[Annotation]:
        """Annotations matching ``where``, by resource, then page, then top of the quote."""
        where = where or AnnotationFilter()
        clauses, params = [], []  # type: ignore[var-annotated]
        for column, values in (("a.resource_id", where.resource_ids), ("a.id", where.ids)):
            if values is not None:
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params += sorted(values)
        for column, value in (
            ("a.color", where.color),
            ("a.kind", where.kind),
            ("a.page", where.page),
            ("a.anchor", where.anchor),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if where.tag is not None:
            clauses.append(
                """a.id IN (SELECT at.annotation_id FROM annotation_tags at
                   JOIN tags t ON t.id = at.tag_id WHERE t.name = ?)"""
            )
            params.append(normalise_tag(where.tag))
        if where.text:
            clauses.append("(instr(lower(a.exact), ?) > 0 OR instr(lower(a.body), ?) > 0)")
            params += [where.text.lower()] * 2
        return self._select(clauses, params)

    def _select(self, clauses: list[str], params: list[Any]) -> list[Annotation]:
        # The rows are read in table order, through the rowids the filter finds: in the
        # index's order (by page) a document's rows are scattered over the table, and
        # one larger than SQLite's page cache has its pages read several times over.
        matching = (
            f"WHERE a.rowid IN (SELECT a.rowid FROM annotations a WHERE {' AND '.join(clauses)})"
            if clauses
            else ""
        )
        with _gc_paused():
            rows = self._store.query(
                f"""SELECT a.id, a.resource_id, a.doc_sha256, a.kind, a.page, a.quads, a.exact,
                           a.prefix, a.suffix, a.body, a.color, a.created, a.updated,
                           a.anchor, a.origin_key
                    FROM annotations a {matching}""",
                params,
            )
            if not rows:
                return []
            return _in_order(_annotations(rows, self._tags_of([row[0] for row in rows])))

    def _tags_of(self, ids: list[str]) -> dict[str, tuple[str, ...]]:
        """The tags of these annotations, sorted ignoring case; those without any are left
        out. Looking up an annotation's tags costs about twice what reading one tag link
        does, so for many annotations, when the store has fewer links than twice their
        number, every link is read once instead."""
        pairs: list[tuple[str, str]] = []
        many = len(ids) > _PROBED
        if many and self._store.query("SELECT count(*) FROM annotation_tags")[0][0] <= 2 * len(ids):
            names = dict(self._store.query("SELECT id, name FROM tags"))
            wanted = set(ids)
            pairs = [
                (annotation_id, names[tag_id])
                for annotation_id, tag_id in self._store.query(
                    "SELECT annotation_id, tag_id FROM annotation_tags"
                )
                if annotation_id in wanted
            ]
        else:
            for start in range(0, len(ids), _PROBED):
                chunk = ids[start : start + _PROBED]
                pairs += self._store.query(
                    f"""SELECT at.annotation_id, t.name FROM annotation_tags at
                        JOIN tags t ON t.id = at.tag_id
                        WHERE at.annotation_id IN ({",".join("?" * len(chunk))})""",
                    chunk,
                )
        by_id: dict[str, list[str]] = {}
        for annotation_id, name in pairs:
            by_id.setdefault(annotation_id, []).append(name)
        return {
            annotation_id: tuple(sorted(names, key=str.casefold)) if len(names) > 1 else (names[0],)
            for annotation_id, names in by_id.items()
        }

    def all_tags(self) -> list[str]:
        rows = self._store.query(
            """SELECT DISTINCT t.name FROM annotation_tags at JOIN tags t ON t.id = at.tag_id
               ORDER BY t.name COLLATE NOCASE"""
        )
        return [name for (name,) in rows]

    def _set_tags(self, annotation_id: str, tags: Iterable[str]) -> None:
        self._store.query("DELETE FROM annotation_tags WHERE annotation_id = ?", (annotation_id,))
        for name in tags:
            self._store.query(
                "INSERT OR IGNORE INTO annotation_tags(annotation_id, tag_id) VALUES (?, ?)",
                (annotation_id, self._store.tag_id(name)),
            )


def _unique_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Normalised, without repeats that differ only in case (the store ignores case)."""
    unique: dict[str, str] = {}
    for tag in tags:
        name = normalise_tag(tag)
        unique.setdefault(name.casefold(), name)
    return tuple(unique.values())


_PROBED = 500  # annotations whose tags are looked up one query at a time, at most
# Quads as stored (JSON) and as parsed: reading 100,000 numbers is a quarter of reading
# 10,000 annotations, and a document's side panel reads them again after every change.
_QUADS: dict[str, tuple[Box, ...]] = {}
_QUADS_KEPT = 20_000


def _parsed_quads(texts: list[str]) -> list[tuple[Box, ...]]:
    """The quads of each of ``texts``; those not parsed before in one ``json.loads``."""
    known = _QUADS
    found = [known.get(text) for text in texts]
    new = list({text for text, boxes in zip(texts, found, strict=True) if boxes is None})
    if new:
        if len(known) + len(new) > _QUADS_KEPT:
            known.clear()
        parsed = dict(
            zip(
                new,
                [tuple(map(tuple, q)) for q in json.loads("[" + ",".join(new) + "]")],
                strict=True,
            )
        )
        known.update(parsed)
        found = [parsed[t] if b is None else b for t, b in zip(texts, found, strict=True)]
    return found  # type: ignore[return-value]


def _in_order(found: list[Annotation]) -> list[Annotation]:
    """By resource, then page, then top of the quote, then when made."""
    found.sort(
        key=lambda a: (a.resource_id, a.page or 0, a.quads[0][1] if a.quads else 0, a.created)
    )
    return found


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No garbage collection while thousands of objects are made at once: one pass over
    them afterwards instead of dozens during (full passes over the whole heap among
    them) that would land in the middle of it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _annotations(rows: list[tuple[Any, ...]], tags: dict[str, tuple[str, ...]]) -> list[Annotation]:
    """Annotations from rows of ``_select``, with their tags.

    Built without ``Annotation.__init__``: a frozen dataclass's ``__init__`` sets each
    field through ``object.__setattr__``, a third of the time of reading 10,000 of
    them. Filling the instance's ``__dict__`` gives the same object (``Annotation``
    has no ``__slots__`` and no ``__post_init__``).
    """
    quads = _parsed_quads([row[5] for row in rows])
    no_tags: tuple[str, ...] = ()
    new = object.__new__
    found = []
    for row, boxes in zip(rows, quads, strict=True):
        (
            id_,
            resource_id,
            sha,
            kind,
            page,
            _,
            exact,
            prefix,
            suffix,
            body,
            color,
            created,
            updated,
            anchor,
            origin_key,
        ) = row
        annotation = new(Annotation)
        annotation.__dict__.update(
            id=id_,
            resource_id=resource_id,
            doc_sha256=sha,
            kind=kind,
            page=page,
            quads=boxes,
            exact=exact,
            prefix=prefix,
            suffix=suffix,
            body=body,
            color=color,
            tags=tags.get(id_, no_tags),
            created=created,
            updated=updated,
            anchor=anchor,
            origin_key=origin_key or "",
        )
        found.append(annotation)
    return found
