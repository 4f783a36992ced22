"""Highlights and notes already inside a PDF: read them (never changing the file), and
take them into the store as our own annotations, once.

``read_pdf_annotations`` reads the file with PyMuPDF (through ``documents.py``), so
it runs in a worker process; ``take_into_store`` writes to SQLite in the caller's.

What is taken: Highlight as a highlight; Underline and Squiggly as an underline (the
text under them, with the PDF note as the annotation's note); Text (a sticky note)
and FreeText as a note pinned to the page at their top-left corner. Any other kind
(StrikeOut, Ink, Square, Stamp...) is taken as a pinned note when it carries a note,
else left out, as are links, form fields and pop-ups (the windows of other notes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader_app.annotations import (
    COLOURS,
    MAX_BODY,
    MAX_QUOTE,
    Annotation,
    AnnotationError,
    Annotations,
)
from reader_app.documents import PdfAnnotation, document_words, pdf_annotations
from reader_app.reanchor import DocumentText
from reader_app.store import TagError

Box = tuple[float, float, float, float]

MARKS = {"Highlight": "highlight", "Underline": "underline", "Squiggly": "underline"}
NEVER = {"Popup", "Link", "Widget"}
MAX_ANNOTATIONS = 10_000  # read from one file; a hostile one may hold millions
MAX_AUTHOR = 200
DEFAULT_COLOUR = "yellow"


@dataclass(frozen=True)
class EmbeddedAnnotation:
    """An annotation found inside a PDF, as it would be stored."""

    key: str  # where it is in the file ("p3-x57": page 3, object 57); stable for one file
    page: int  # 1-based
    kind: str  # highlight, underline or page-note
    subtype: str  # the PDF's own name: Highlight, Squiggly, Text, FreeText...
    quads: tuple[Box, ...]  # as documents._box gives them; a page-note's pin is one point
    exact: str = ""  # the text under a highlight or underline
    prefix: str = ""
    suffix: str = ""
    body: str = ""  # the PDF note's text
    author: str = ""
    color: str = DEFAULT_COLOUR  # the nearest of annotations.COLOURS

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "page": self.page,
            "kind": self.kind,
            "subtype": self.subtype,
            "quads": [list(q) for q in self.quads],
            "quote": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "text": self.body,
            "author": self.author,
            "color": self.color,
        }


def read_pdf_annotations(path: str | Path) -> list[EmbeddedAnnotation]:
    """The annotations inside the PDF at ``path`` that can be taken, in page order.
    Reads the file with PyMuPDF: call it in a worker process. A file that is not a
    PDF has none; an unreadable or encrypted one raises DocumentError."""
    found = pdf_annotations(path)[:MAX_ANNOTATIONS]
    if not found:
        return []
    text = DocumentText(document_words(path, only={raw.page for raw in found}))
    taken: list[EmbeddedAnnotation] = []
    position: dict[int, int] = {}
    for raw in found:
        position[raw.page] = position.get(raw.page, 0) + 1
        key = f"p{raw.page}-x{raw.xref}" if raw.xref > 0 else f"p{raw.page}-n{position[raw.page]}"
        embedded = _embedded(raw, key, text)
        if embedded is not None:
            taken.append(embedded)
    return taken


def _embedded(raw: PdfAnnotation, key: str, text: DocumentText) -> EmbeddedAnnotation | None:
    if raw.subtype in NEVER or not 1 <= raw.page <= len(text.pages):
        return None
    body = _clean(raw.content, MAX_BODY)
    common = {
        "key": key,
        "page": raw.page,
        "subtype": raw.subtype,
        "body": body,
        "author": _clean(raw.author, MAX_AUTHOR),
        "color": nearest_colour(raw.color),
    }
    if raw.subtype in MARKS:
        boxes = tuple(raw.quads) or (raw.rect,)
        words = _words_in(text, raw.page, boxes)
        if words:
            exact, prefix, suffix = text.words_quote(words[0], words[-1])
            if len(exact) > MAX_QUOTE:
                exact, suffix = exact[:MAX_QUOTE], ""
            return EmbeddedAnnotation(
                kind=MARKS[raw.subtype],
                quads=boxes,
                exact=_clean(exact, MAX_QUOTE),
                prefix=_clean(prefix, MAX_QUOTE),
                suffix=_clean(suffix, MAX_QUOTE),
                **common,
            )
        pin = boxes[0]  # over no text (a scanned page): only its note can be kept
    else:
        pin = raw.rect  # a sticky note, a text box, or a drawing with a note
    if not body:
        return None  # an empty sticky note, or a drawing with nothing said about it
    return EmbeddedAnnotation(kind="page-note", quads=((pin[0], pin[1], pin[0], pin[1]),), **common)


def _words_in(text: DocumentText, page: int, boxes: tuple[Box, ...]) -> list[int]:
    """Document-wide indexes of the words on ``page`` whose middle is inside a box."""
    first = text.page_first_word[page - 1]
    inside = []
    for i, word in enumerate(text.pages[page - 1]):
        x, y = (word[0] + word[2]) / 2, (word[1] + word[3]) / 2
        if any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes):
            inside.append(first + i)
    return inside


def _clean(value: str, limit: int) -> str:
    return value.replace("\x00", "")[:limit]


def nearest_colour(components: list[Any]) -> str:
    """The named colour nearest a PDF colour (grey 1, RGB 3 or CMYK 4 numbers, 0 to 1);
    greys and anything unreadable give grey and yellow."""
    try:
        values = [float(v) for v in components]
    except (TypeError, ValueError):
        return DEFAULT_COLOUR
    if not all(math.isfinite(v) for v in values):
        return DEFAULT_COLOUR
    values = [min(1.0, max(0.0, v)) for v in values]
    if len(values) == 1:
        rgb = (values[0],) * 3
    elif len(values) == 3:
        rgb = (values[0], values[1], values[2])
    elif len(values) == 4:
        c, m, y, k = values
        rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        return DEFAULT_COLOUR
    if max(rgb) - min(rgb) < 0.15:
        return "grey"
    return min(
        (name for name in COLOURS if name != "grey"),
        key=lambda name: sum((a - b) ** 2 for a, b in zip(rgb, _rgb(COLOURS[name]), strict=True)),
    )


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (r, g, b)


def origin_key(doc_sha256: str, embedded: EmbeddedAnnotation) -> str:
    """What an annotation taken from a PDF remembers of where it came from."""
    return f"{doc_sha256}:{embedded.key}"


@dataclass
class TakeReport:
    taken: list[Annotation] = field(default_factory=list)
    skipped: int = 0  # taken before
    refused: list[str] = field(default_factory=list)  # why some could not be stored

    def to_dict(self) -> dict[str, Any]:
        return {
            "taken": len(self.taken),
            "skipped": self.skipped,
            "refused": self.refused,
            "ids": [a.id for a in self.taken],
        }


def take_into_store(
    annotations: Annotations,
    resource_id: str,
    doc_sha256: str,
    embedded: list[EmbeddedAnnotation],
) -> TakeReport:
    """Store the PDF's annotations as ours, in one transaction, leaving out those taken
    before (from this file of this resource). The PDF itself is not touched."""
    report = TakeReport()
    made: list[Annotation] = []
    for item in embedded:
        try:
            made.append(
                Annotations.make(
                    resource_id,
                    doc_sha256,
                    item.kind,
                    item.page,
                    quads=item.quads,
                    exact=item.exact,
                    prefix=item.prefix,
                    suffix=item.suffix,
                    body=item.body,
                    color=item.color,
                    origin_key=origin_key(doc_sha256, item),
                )
            )
        except (AnnotationError, TagError) as exc:
            report.refused.append(f"{item.key}: {exc}")
    report.taken = annotations.take(made)
    report.skipped = len(made) - len(report.taken)
    return report
