"""Notes as W3C Web Annotations (JSON-LD, https://www.w3.org/TR/annotation-model/): the
export, and the import that reads them back, ours or another tool's, without duplicates.

The file is one ``AnnotationCollection`` whose ``first`` page holds every annotation.
Each annotation's ``target`` names the document by its content, ``urn:sha256:<hash>``;
a quote is selected twice over, as alternatives selecting the same text (the model asks
that several selectors select the same segment): a ``TextQuoteSelector`` alone, and a
page ``FragmentSelector`` (RFC 3778, ``page=N``) ``refinedBy`` the same quote. A note
without a quote selects its page with the fragment alone; a note on the whole
document has no selector. The note is a ``TextualBody`` (purpose ``commenting``), each
tag another (purpose ``tagging``).

What the model has no word for is kept under our own prefix, ``rr:`` (declared in the
collection's ``@context``), on the annotation: ``rr:kind``, ``rr:color`` (a name of
``annotations.COLOURS``), ``rr:resource`` (the catalog id), ``rr:anchor`` (only when
orphaned), ``rr:quads`` (boxes in PDF points) and ``rr:citation`` (title, collection,
date, page, original URL, and the ``resource-reader://`` link back to the page). The
citation is not put in ``target.scope``: the model's scope is where the document was
seen, not a reference to it. ``rr:quads`` and ``rr:citation`` are JSON literals
(``@json``, JSON-LD 1.1), so a JSON-LD processor keeps their shape.

Import: a file that breaks the model (not JSON, no annotation context, an annotation
without a target source...) is refused whole, before anything is written; one
annotation the model allows but the library cannot hold (an unknown document, a page
it does not have, a bad colour or tag, a note too long: what ``note add`` refuses) is
refused alone, with the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader_app.annotations import (
    COLOURS,
    Annotation,
    AnnotationError,
    Annotations,
    Box,
    check_color,
)
from reader_app.catalog import Resource
from reader_app.export.scope import Citation, ExportGroup
from reader_app.library import Library
from reader_app.store import TagError

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_CONTEXTS = {ANNO_CONTEXT, "https://www.w3.org/ns/anno.jsonld"}
OUR_NAMESPACE = "https://resource-reader.invalid/ns#"
CONTEXT: list[Any] = [
    ANNO_CONTEXT,
    {
        "@version": 1.1,
        "rr": OUR_NAMESPACE,
        "rr:quads": {"@type": "@json"},
        "rr:citation": {"@type": "@json"},
    },
]
PAGE_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"

MAX_FILE = 50_000_000  # bytes read from one file
MAX_ANNOTATIONS = 100_000  # in one file
MAX_QUADS = 10_000  # boxes of one annotation
MAX_KEY = 2_000  # characters of an annotation's id (kept as its origin)
# A box's coordinates, in PDF points: a page is at most 14,400 units a side (PDF 1.7
# annex C), so this leaves room for any scale without letting a number overflow.
MAX_COORDINATE = 1_000_000
# A page of another version of the document than the library's, whose page count it
# does not know: re-anchoring moves it onto the current version's pages.
MAX_OTHER_PAGE = 100_000

MARKS = ("highlight", "underline")
PLACED = ("highlight", "underline", "note")  # kinds drawn over their quote
_PAGE = re.compile(r"(?:^|&)page=(\d{1,7})(?:&|$)")
_SHA256 = re.compile(r"urn:sha256:([0-9a-fA-F]{64})")


class NotesFileError(ValueError):
    """A file that is not W3C Web Annotations we can read; the message says why."""


# -- export -------------------------------------------------------------------------


def render(groups: list[ExportGroup], title: str) -> bytes:
    """The annotations of ``groups``, in their order, as one AnnotationCollection."""
    items = [_annotation(item.annotation, item.citation) for g in groups for item in g.items]
    # Ids from the annotations' own, so the same notes always give the same file.
    seed = uuid.uuid5(
        uuid.NAMESPACE_URL, "resource-reader:notes:" + ",".join(i["id"] for i in items)
    )
    collection = {
        "@context": CONTEXT,
        "id": seed.urn,
        "type": "AnnotationCollection",
        "label": title,
        "total": len(items),
        "first": {
            "id": uuid.uuid5(seed, "page-1").urn,
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }
    return (json.dumps(collection, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _annotation(annotation: Annotation, citation: Citation) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = []
    if annotation.body:
        bodies.append(
            {
                "type": "TextualBody",
                "value": annotation.body,
                "format": "text/plain",
                "purpose": "commenting",
            }
        )
    bodies += [
        {"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in annotation.tags
    ]
    target: dict[str, Any] = {"source": f"urn:sha256:{annotation.doc_sha256}"}
    selectors: list[dict[str, Any]] = []
    quote = (
        {"type": "TextQuoteSelector", "exact": annotation.exact}
        | ({"prefix": annotation.prefix} if annotation.prefix else {})
        | ({"suffix": annotation.suffix} if annotation.suffix else {})
        if annotation.exact
        else None
    )
    if quote:
        selectors.append(quote)
    if annotation.page is not None:
        page = {
            "type": "FragmentSelector",
            "conformsTo": PAGE_FRAGMENT,
            "value": f"page={annotation.page}",
        }
        selectors.append({**page, "refinedBy": quote} if quote else page)
    if selectors:
        target["selector"] = selectors
    made: dict[str, Any] = {
        "id": uuid.UUID(hex=annotation.id).urn,
        "type": "Annotation",
        "motivation": "highlighting" if annotation.kind in MARKS else "commenting",
    }
    if annotation.created:
        made["created"] = _utc(annotation.created)
        made["modified"] = _utc(annotation.updated or annotation.created)
    if bodies:
        made["body"] = bodies
    made["target"] = target
    made["rr:kind"] = annotation.kind
    made["rr:color"] = annotation.color
    made["rr:resource"] = annotation.resource_id
    if annotation.orphaned:
        made["rr:anchor"] = annotation.anchor
    made["rr:quads"] = [list(q) for q in annotation.quads]
    made["rr:citation"] = {
        "title": citation.title,
        "collection": citation.collection,
        "date": citation.date,
        "page": citation.page,
        "url": citation.url,
        "link": citation.link,
    }
    return made


def _utc(stamp: str) -> str:
    """Our ISO time as the model wants it: in UTC, written with ``Z``."""
    moment = datetime.fromisoformat(stamp).astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -- reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedNote:
    """One annotation read from a file, as the model gave it; checked against the
    library by ``import_notes``."""

    key: str  # its id (an IRI), or one made from its content if it had none
    source: str  # the target's source: urn:sha256:…, a URL…
    own_id: str = ""  # our hex id, when its id is a urn:uuid
    resource: str = ""  # rr:resource
    kind: str = ""  # rr:kind; worked out from the selectors when absent
    motivations: tuple[str, ...] = ()
    page: int | None = None
    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    body: str = ""
    tags: tuple[str, ...] = ()
    color: str = ""
    quads: Any = None  # rr:quads as found; checked on import
    anchor: str = ""
    created: str = ""
    modified: str = ""

    @property
    def sha256(self) -> str:
        match = _SHA256.fullmatch(self.source)
        return match.group(1).lower() if match else ""


def read(data: bytes) -> list[SharedNote]:
    """The annotations in a W3C Web Annotation file: a collection (with its pages in the
    file), a page, a list of annotations or one annotation. Raises NotesFileError for
    a file that is not one, naming what is wrong."""
    if len(data) > MAX_FILE:
        raise NotesFileError(f"the file is larger than {MAX_FILE // 1_000_000} MB")
    try:
        parsed = json.loads(
            data.decode("utf-8-sig"), parse_constant=_no_constant, parse_int=_bounded_int
        )
    except UnicodeDecodeError as exc:
        raise NotesFileError("the file is not UTF-8 text") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotesFileError(f"the file is not JSON ({exc})") from exc
    except ValueError as exc:
        raise NotesFileError(f"the file is not JSON as the model has it ({exc})") from exc
    notes: list[SharedNote] = []
    for number, (item, context) in enumerate(_items(parsed), start=1):
        if number > MAX_ANNOTATIONS:
            raise NotesFileError(f"the file holds more than {MAX_ANNOTATIONS:,} annotations")
        notes.append(_note(item, number, context))
    return notes


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    # Python refuses to read one of over 4,300 digits with a message for programmers;
    # an annotation with a smaller huge one is refused alone, as its field is checked.
    if len(text.lstrip("-")) > 4_300:
        raise ValueError(f"a whole number of {len(text):,} digits is larger than any it holds")
    return int(text)


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("type", node.get("@type"))
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.removeprefix("oa:") for k in kinds if isinstance(k, str)}


def _has_context(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    context = node.get("@context")
    contexts = context if isinstance(context, list) else [context]
    return any(isinstance(c, str) and c in ANNO_CONTEXTS for c in contexts)


def _items(parsed: Any) -> Iterator[tuple[Any, bool]]:
    """Each annotation in the file, and whether an enclosing node gave the context."""
    if isinstance(parsed, list):
        yield from ((item, False) for item in parsed)
        return
    if not isinstance(parsed, dict):
        raise NotesFileError("the file holds no annotations: it is not a JSON object or list")
    types = _types(parsed)
    context = _has_context(parsed)
    if "Annotation" in types:
        yield parsed, False
        return
    if not context:
        raise NotesFileError(
            f"the file is not W3C Web Annotations: its @context does not name {ANNO_CONTEXT}"
        )
    if "AnnotationCollection" in types:
        page = parsed.get("first")
        if page is None:
            return  # an empty collection
    elif "AnnotationPage" in types:
        page = parsed
    else:
        raise NotesFileError(
            "the file is not W3C Web Annotations: its type is not Annotation, "
            "AnnotationCollection or AnnotationPage"
        )
    pages = 0
    while page is not None:
        pages += 1
        if isinstance(page, str):
            raise NotesFileError(
                f"the collection's annotations are not in the file: its page {page!r} is a link"
            )
        if (
            not isinstance(page, dict)
            or "AnnotationPage" not in _types(page)
            or pages > MAX_ANNOTATIONS
        ):
            raise NotesFileError("the collection's page is not an AnnotationPage")
        items = page.get("items")
        if not isinstance(items, list):
            raise NotesFileError("an AnnotationPage of the file has no list of items")
        yield from ((item, True) for item in items)
        page = page.get("next")


def _note(item: Any, number: int, context: bool) -> SharedNote:
    label = f"annotation {number}"
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        label += f" ({item['id'][:200]})"
    if not isinstance(item, dict):
        raise NotesFileError(f"{label} is not a JSON object")
    if not (context or _has_context(item)):
        raise NotesFileError(f"{label} has no @context naming {ANNO_CONTEXT}")
    if "Annotation" not in _types(item):
        raise NotesFileError(f"{label}: its type is not Annotation")
    key = item.get("id")
    if key is None:
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=False).encode()
        key = "urn:sha256:" + hashlib.sha256(canonical).hexdigest()
    elif not isinstance(key, str) or not key.strip():
        raise NotesFileError(f"{label}: its id is not an IRI")
    source, selectors = _target(item.get("target"), label)
    body, tags = _bodies(item, label)
    quote: dict[str, Any] = {}
    page: int | None = None
    for selector in selectors:
        types = _types(selector)
        if "TextQuoteSelector" in types and not quote:
            quote = {
                k: _text(selector.get(k), f"{label}: its quote's {k}")
                for k in ("exact", "prefix", "suffix")
            }
        if "FragmentSelector" in types and page is None:
            value = selector.get("value")
            found = _PAGE.search(value) if isinstance(value, str) else None
            page = int(found.group(1)) if found else None
    motivation = item.get("motivation")
    motivations = motivation if isinstance(motivation, list) else [motivation]
    return SharedNote(
        key=key,
        source=source,
        own_id=_own_id(key),
        resource=_text(item.get("rr:resource"), f"{label}: rr:resource"),
        kind=_text(item.get("rr:kind"), f"{label}: rr:kind"),
        motivations=tuple(m.removeprefix("oa:") for m in motivations if isinstance(m, str)),
        page=page,
        body=body,
        tags=tags,
        color=_text(item.get("rr:color"), f"{label}: rr:color"),
        quads=item.get("rr:quads"),
        anchor=_text(item.get("rr:anchor"), f"{label}: rr:anchor"),
        created=_time(item.get("created")),
        modified=_time(item.get("modified")),
        **quote,
    )


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise NotesFileError(f"{what} is not a string")
    return value


def _target(target: Any, label: str, depth: int = 0) -> tuple[str, list[dict[str, Any]]]:
    """The target's source and its selectors, refinements and choices spread out."""
    if isinstance(target, list):
        if depth > 20:  # lists in lists, as deep as JSON allows, would exhaust the stack
            raise NotesFileError(f"{label}: its target is lists nested too deeply")
        targets = [_target(t, label, depth + 1) for t in target]
        if not targets:
            raise NotesFileError(f"{label} has no target")
        return next((t for t in targets if _SHA256.fullmatch(t[0])), targets[0])
    if isinstance(target, str) and target.strip():
        return target.strip(), []
    if not isinstance(target, dict):
        raise NotesFileError(f"{label} has no target")
    source = target.get("source", target.get("id"))
    if isinstance(source, dict):
        source = source.get("id")
    if not isinstance(source, str) or not source.strip():
        raise NotesFileError(f"{label}: its target has no source")
    return source.strip(), list(_selectors(target.get("selector"), 0))


def _selectors(node: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 20:
        return
    for selector in node if isinstance(node, list) else [node]:
        if isinstance(selector, dict):
            yield selector
            yield from _selectors(selector.get("refinedBy"), depth + 1)
            if "Choice" in _types(selector):
                yield from _selectors(selector.get("items"), depth + 1)


def _bodies(item: dict[str, Any], label: str) -> tuple[str, tuple[str, ...]]:
    """The note's text (several comments joined) and the tags."""
    notes: list[str] = []
    tags: list[str] = []
    body_value = item.get("bodyValue")
    if body_value is not None:
        notes.append(_text(body_value, f"{label}: its bodyValue"))
    body = item.get("body")
    for part in body if isinstance(body, list) else [] if body is None else [body]:
        if isinstance(part, str):
            notes.append(part)
            continue
        if not isinstance(part, dict):
            raise NotesFileError(f"{label}: a body is neither text nor an object")
        if "Choice" in _types(part):
            options = part.get("items")
            part = options[0] if isinstance(options, list) and options else {}
            if not isinstance(part, dict):
                continue
        value = part.get("value")
        if value is None:
            continue  # a body elsewhere on the web: nothing to keep
        value = _text(value, f"{label}: a body's value")
        purpose = part.get("purpose")
        purposes = purpose if isinstance(purpose, list) else [purpose]
        if "tagging" in purposes or "oa:tagging" in purposes:
            tags.append(value)
        else:
            notes.append(value)
    return "\n\n".join(n for n in notes if n), tuple(tags)


def _time(value: Any) -> str:
    """A model time as ours (ISO, UTC, milliseconds); empty if absent or unreadable."""
    if not isinstance(value, str):
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        # OverflowError: a time at the calendar's edge, moved past it by its offset.
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")
    except (ValueError, OverflowError):
        return ""


def _own_id(key: str) -> str:
    if not key.lower().startswith("urn:uuid:"):
        return ""
    try:
        return uuid.UUID(key[len("urn:uuid:") :]).hex
    except ValueError:
        return ""


# -- import -------------------------------------------------------------------------


@dataclass
class ImportReport:
    imported: list[Annotation] = field(default_factory=list)
    skipped: int = 0  # in the library already (imported before, or our own)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (annotation id, why)

    def to_dict(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "skipped": self.skipped,
            "refused": [{"id": key, "reason": reason} for key, reason in self.refused],
        }


def import_notes(library: Library, path: str | Path) -> ImportReport:
    """Store the annotations of the file at ``path``, in one transaction, leaving out
    those already in the library: one with our id of an annotation still stored, or
    one whose id was imported into its resource before. Raises NotesFileError, with
    nothing written, for a file that cannot be read as W3C Web Annotations."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE:
            raise NotesFileError(f"the file is larger than {MAX_FILE // 1_000_000} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise NotesFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    notes = read(data)
    report = ImportReport()
    places = _Places(library)
    present = _stored_ids(library, {n.own_id for n in notes if n.own_id})
    seen: set[str] = set()
    made: list[Annotation] = []
    for note in notes:
        if note.key in seen or note.own_id in present:
            report.skipped += 1
            continue
        seen.add(note.key)
        if note.own_id:
            present.add(note.own_id)  # one id is stored once, whatever the resource
        try:
            resource_id, doc_sha256 = places.of(note)
            made.append(_made(note, library.resource(resource_id), doc_sha256))
        except (AnnotationError, TagError) as exc:
            report.refused.append((note.key, str(exc)))
    report.imported = Annotations(library.store).take(made)
    report.skipped += len(made) - len(report.imported)
    return report


def _stored_ids(library: Library, ids: set[str]) -> set[str]:
    found: set[str] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = library.store.query(
            f"SELECT id FROM annotations WHERE id IN ({','.join('?' * len(chunk))})", chunk
        )
        found.update(row[0] for row in rows)
    return found


class _Places:
    """Which resource, and which version of its document, an annotation's target names."""

    def __init__(self, library: Library) -> None:
        self._catalog = library.catalog
        self._current = {r.sha256: r.id for r in library.catalog.resources}
        self._by_url: dict[str, list[str]] = {}
        for resource in library.catalog.resources:
            if resource.source_url:
                self._by_url.setdefault(resource.source_url, []).append(resource.id)
        self._annotated: dict[str, set[str]] = {}
        rows = library.store.query("SELECT DISTINCT doc_sha256, resource_id FROM annotations")
        for sha, resource_id in rows:
            self._annotated.setdefault(sha, set()).add(resource_id)

    def of(self, note: SharedNote) -> tuple[str, str]:
        """(resource id, doc_sha256) or AnnotationError saying why there is none."""
        sha = note.sha256
        if sha in self._current:
            return self._current[sha], sha
        known = {r for r in self._annotated.get(sha, ()) if self._catalog.get(r)} if sha else set()
        if known:  # an earlier version of a document of ours: re-anchored when opened
            return (note.resource if note.resource in known else sorted(known)[0]), sha
        if note.resource and self._catalog.get(note.resource):
            return note.resource, sha  # another version: re-anchored when opened
        by_url = self._by_url.get(note.source, [])
        if len(by_url) == 1:  # the original on the publisher's site, of one resource only
            return by_url[0], self._catalog.get(by_url[0]).sha256  # type: ignore[union-attr]
        if by_url:
            raise AnnotationError(
                f"{len(by_url)} documents of the library come from {note.source[:200]!r}; "
                "the annotation does not say which (rr:resource)"
            )
        raise AnnotationError(f"no document of the library is {note.source[:200]!r}")


def _made(note: SharedNote, resource: Resource, doc_sha256: str) -> Annotation:
    kind = note.kind or _kind(note)
    quads = _quads(note.quads)
    if len(note.key) > MAX_KEY:
        raise AnnotationError(f"its id is longer than {MAX_KEY:,} characters")
    if note.anchor not in ("", "ok", "orphaned"):
        raise AnnotationError(f"unknown rr:anchor {note.anchor!r}")
    # A quote without its boxes on the current version is stored as of an unknown
    # version, so the app places it by its quote (reanchor.py) when next opened.
    if note.exact and not quads and kind in PLACED and note.anchor != "orphaned":
        doc_sha256 = "" if doc_sha256 == resource.sha256 else doc_sha256
    _check_place(kind, note.page, quads, resource, doc_sha256)
    annotation = Annotations.make(
        resource.id,
        doc_sha256,
        kind,
        note.page,
        quads=quads,
        exact=note.exact,
        prefix=note.prefix,
        suffix=note.suffix,
        body=note.body,
        color=_colour(note.color),
        tags=note.tags,
        origin_key=note.key,
    )
    created = note.created or annotation.created
    return replace(
        annotation,
        id=note.own_id or annotation.id,
        created=created,
        updated=note.modified or created,
        anchor=note.anchor or "ok",
    )


def _check_place(
    kind: str, page: int | None, quads: tuple[Box, ...], resource: Resource, doc_sha256: str
) -> None:
    """The checks ``note add`` makes: the page is one of the document's (of the version
    the library has; of another, within MAX_OTHER_PAGE), a note on the whole document
    has no boxes."""
    if kind == "document-note":
        if quads:
            raise AnnotationError("a note on the whole document has no boxes (rr:quads)")
        return
    if page is None:
        return  # Annotations.make says what is missing
    current = doc_sha256 in ("", resource.sha256)
    last = resource.pages if current else MAX_OTHER_PAGE
    if not 1 <= page <= last:
        raise AnnotationError(
            f"{resource.id} has pages 1 to {resource.pages}, not {page}"
            if current
            else f"page {page} is beyond any document's ({MAX_OTHER_PAGE:,} at most)"
        )


def _kind(note: SharedNote) -> str:
    if note.page is None:
        return "document-note"
    if not note.exact:
        return "page-note"
    return "note" if "commenting" in note.motivations else "highlight"


def _colour(name: str) -> str:
    if not name:
        return "yellow"
    by_hex = {value: key for key, value in COLOURS.items()}
    return by_hex.get(name.strip().lower()) or check_color(name)


def _quads(raw: Any) -> tuple[Box, ...]:
    """rr:quads as boxes (x0, y0, x1, y1), each of four numbers within MAX_COORDINATE,
    its corners in order."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or len(raw) > MAX_QUADS:
        raise AnnotationError(f"rr:quads is not a list of at most {MAX_QUADS:,} boxes")
    boxes = []
    for box in raw:
        if not (isinstance(box, list) and len(box) == 4 and all(map(_coordinate, box))):
            raise AnnotationError(
                f"rr:quads holds a box that is not four numbers within ±{MAX_COORDINATE:,}"
            )
        x0, y0, x1, y1 = (float(v) for v in box)
        if x0 > x1 or y0 > y1:
            raise AnnotationError("rr:quads holds a box whose corners are not in order")
        boxes.append((x0, y0, x1, y1))
    return tuple(boxes)


def _coordinate(value: Any) -> bool:
    # Compared before any conversion: float() of a huge JSON integer overflows.
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and -MAX_COORDINATE <= value <= MAX_COORDINATE
    )
