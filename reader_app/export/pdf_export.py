"""Annotated PDF export: a copy of a document with our annotations written in as standard
PDF highlight, underline and note annotations, which Acrobat, Okular and Zotero show.
The copy keeps no active content (scripts, launch actions, embedded files: see
``pdf_active_content.py``), whatever the original held.

The original is read once and never written to. This imports PyMuPDF, so it runs only
in a worker process (see ``worker.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reader_app.annotations import COLOURS, Annotation
from reader_app.documents import DocumentError, failure_reason
from reader_app.export.bidi import BIDI_CONTROLS
from reader_app.export.pdf_active_content import remove_active_content
from reader_app.export.scope import ExportItem

AUTHOR = "Resource Reader"
MAX_CONTENT = 20_000  # characters of a note's popup: readers choke on far longer ones
MARGIN = 18.0  # points from the page's top-left, as shown, for a note on the whole document
# Control characters other than tab and line ends: some readers show them as boxes or
# stop reading the string there. Bidi controls too: a reader's popup obeys them.
_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff{BIDI_CONTROLS}]")


@dataclass
class AnnotatedPdf:
    data: bytes  # the annotated copy
    skipped: list[str] = field(default_factory=list)  # "id: why", for those not written
    removed: list[str] = field(default_factory=list)  # the original's active content


def annotated_pdf(source_path: str, items: list[ExportItem]) -> bytes:
    """The PDF at ``source_path`` with ``items`` written in as PDF annotations."""
    return annotate(source_path, items).data


def annotate(source_path: str | Path, items: list[ExportItem]) -> AnnotatedPdf:
    """As ``annotated_pdf``, also saying which annotations were left out and why (a page
    the document does not have)."""
    import pymupdf

    path = Path(source_path)
    data = path.read_bytes()  # opened from memory: nothing can be saved over the original
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for unreadable files
        raise DocumentError(f"cannot open {path.name}: {failure_reason(exc)}") from None
    with doc:
        if doc.needs_pass:
            raise DocumentError(f"{path.name} is encrypted")
        if doc.page_count == 0:
            raise DocumentError(f"{path.name} has no pages")
        # Before ours are written in: only the original's content is taken out.
        try:
            removed = remove_active_content(doc)
        except Exception as exc:  # PyMuPDF raises several types for a damaged object
            raise DocumentError(
                f"cannot make a safe copy of {path.name}: {failure_reason(exc)}"
            ) from None
        skipped = []
        for item in items:
            annotation = item.annotation
            number = annotation.page or 1
            if not 1 <= number <= doc.page_count:
                skipped.append(f"{annotation.id}: {path.name} has no page {number}")
                continue
            _add(pymupdf, doc, doc[number - 1], annotation)
        # Garbage collection drops the objects nothing refers to any more.
        return AnnotatedPdf(doc.tobytes(garbage=1, deflate=True), skipped, removed)


def content(annotation: Annotation) -> str:
    """The popup text: the note, then its tags on a line of their own."""
    text = _CONTROL.sub("", annotation.body.replace("\r\n", "\n"))
    if len(text) > MAX_CONTENT:
        text = text[: MAX_CONTENT - 1] + "…"
    if annotation.tags:
        tags = "Tags: " + ", ".join(_CONTROL.sub("", t) for t in annotation.tags)
        text = f"{text}\n\n{tags}" if text else tags
    return text


def _add(pymupdf: Any, doc: Any, page: Any, annotation: Annotation) -> None:
    # Our boxes are on the page as shown (documents._box); PyMuPDF's annotation methods
    # take the unrotated page's coordinates.
    back = page.derotation_matrix
    rects = [pymupdf.Rect(q) * back for q in annotation.quads]
    rects = [r for r in rects if r.is_valid and not r.is_empty and not r.is_infinite]
    text = content(annotation)
    if annotation.kind in ("highlight", "underline", "note") and rects:
        quads = [r.quad for r in rects]
        if annotation.kind == "underline":
            annot = page.add_underline_annot(quads)
        else:
            annot = page.add_highlight_annot(quads)
    else:
        if annotation.kind in ("highlight", "underline", "note"):
            # Orphaned (no boxes in this version): a note at the margin with the quote.
            quote = _CONTROL.sub("", annotation.exact)[:MAX_CONTENT]
            text = f"“{quote}”\n\n{text}" if text else f"“{quote}”"
        if annotation.kind == "page-note" and rects:
            corner = pymupdf.Point(annotation.quads[0][0], annotation.quads[0][1])
        else:
            corner = pymupdf.Point(MARGIN, MARGIN)
        annot = page.add_text_annot(corner * back, text)
    annot.set_colors(stroke=_rgb(annotation.color))
    stamp = _pdf_date(annotation.created)
    annot.set_info(
        content=text,
        title=AUTHOR,
        subject=annotation.kind,
        creationDate=stamp or annot.info.get("creationDate", ""),
        modDate=_pdf_date(annotation.updated) or stamp or annot.info.get("modDate", ""),
    )
    annot.update()
    # The annotation's own name (NM), so that taking the annotations of this copy
    # back in can recognise ours.
    doc.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(annotation.id))


def _rgb(color: str) -> tuple[float, float, float]:
    value = COLOURS.get(color, COLOURS["yellow"]).lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _pdf_date(stamp: str) -> str:
    """An ISO time as a PDF date (``D:YYYYMMDDHHmmSSZ``); empty for none or a bad one."""
    try:
        when = datetime.fromisoformat(stamp).astimezone(UTC)
    except ValueError:
        return ""
    return when.strftime("D:%Y%m%d%H%M%SZ")
