"""What PyMuPDF tells us about a document: page count, outline, metadata.

These functions import PyMuPDF, so they run only inside worker processes
(see ``worker.py``); never call them from the GUI process. Whatever MuPDF raises
comes out of them as a DocumentError that says why; an image with more pixels than
``image_size.MAX_IMAGE_PIXELS`` is refused before MuPDF decodes it, and a page is
rendered at a lower zoom when it would exceed ``RENDER_PIXELS``.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from reader_app.image_size import oversized_image
from reader_app.mupdf_messages import collected_messages, collected_notices, quiet_pymupdf

F = TypeVar("F", bound=Callable[..., Any])

# The most pixels one rendered page may have (40 MP: an A4 page at 800%, 120 MB as
# RGB); a larger page is rendered at the zoom that fits, and shown scaled up.
RENDER_PIXELS = 40_000_000
# An outline nested deeper is shown flattened at this level, and one with more
# entries is cut short: a hostile file can nest them thousands deep.
MAX_OUTLINE_DEPTH = 64
MAX_OUTLINE_ENTRIES = 50_000


class DocumentError(RuntimeError):
    """A file PyMuPDF cannot open or read, with a message for the user."""


class PasswordError(DocumentError):
    """An encrypted PDF given no password, or the wrong one: ask the reader for it."""


def failure_reason(exc: BaseException) -> str:
    """What went wrong, in words: MuPDF's message without its error code."""
    text = re.sub(r"^code=\d+:\s*", "", str(exc)).strip()
    if isinstance(exc, MemoryError) or "malloc" in text or "out of memory" in text:
        return "it needs more memory than a worker may use"
    if "exception stack overflow" in text:  # MuPDF's words for objects nested thousands deep
        return "its objects are nested too deeply to read"
    return text or type(exc).__name__


def _reads_document(func: F) -> F:
    """Turn what MuPDF (or a damaged file) raises into a DocumentError naming the file."""

    @functools.wraps(func)
    def wrapper(path: str | Path, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(path, *args, **kwargs)
        except DocumentError:
            raise
        except Exception as exc:
            raise DocumentError(
                f"{Path(path).name} cannot be read: {failure_reason(exc)}"
            ) from None

    return wrapper  # type: ignore[return-value]


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
    notices: list[str] = field(default_factory=list)  # outline cut short, MuPDF's messages

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _open_any(path: str | Path) -> Any:
    """The document, open (perhaps encrypted); a DocumentError for an unreadable one
    or an image too large to decode."""
    pymupdf = quiet_pymupdf()
    if (refused := oversized_image(path)) is not None:
        raise DocumentError(refused)
    try:
        return _open_file(pymupdf, path)
    except Exception as exc:  # PyMuPDF raises several types for unreadable files
        raise DocumentError(f"cannot open {Path(path).name}: {failure_reason(exc)}") from None


def _open_file(pymupdf: Any, path: str | Path) -> Any:
    """``pymupdf.open(path)``, also for a name that is not UTF-8: MuPDF takes names as
    UTF-8, so one holding an undecodable byte opened no file; it is read from memory."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        suffix = Path(path).suffix.lstrip(".")
        kind = suffix if suffix.isascii() and suffix.isalnum() else None
        return pymupdf.open(stream=Path(path).read_bytes(), filetype=kind)
    return pymupdf.open(path)


def _open(path: str | Path) -> Any:
    """The document, open; a DocumentError for an unreadable or encrypted one."""
    doc = _open_any(path)
    if doc.needs_pass:
        doc.close()
        raise DocumentError(f"{Path(path).name} is encrypted")
    return doc


@_reads_document
def document_info(path: str | Path) -> DocumentInfo:
    with _open_any(path) as doc:
        if doc.needs_pass:
            return DocumentInfo(pages=0, is_pdf=doc.is_pdf, encrypted=True)
        if doc.page_count == 0:
            raise DocumentError(f"{Path(path).name} has no pages")
        metadata = {k: v for k, v in (doc.metadata or {}).items() if isinstance(v, str) and v}
        outline, notices = _outline(doc)
        return DocumentInfo(
            pages=doc.page_count,
            is_pdf=doc.is_pdf,
            encrypted=False,
            metadata=metadata,
            outline=outline,
            notices=notices + collected_notices(Path(path).name),
        )


def _outline(doc: Any) -> tuple[list[OutlineEntry], list[str]]:
    """The table of contents in reading order, and what was cut from it.

    Walked with a stack of our own: PyMuPDF's get_toc() recurses once a level and
    fails on an outline nested a few thousand deep.
    """
    entries: list[OutlineEntry] = []
    deepest = 0
    pending: list[tuple[Any, int]] = [(doc.outline, 1)]
    while pending and len(entries) < MAX_OUTLINE_ENTRIES:
        item, level = pending.pop()
        if not item or not item.this.m_internal:
            continue
        deepest = max(deepest, level)
        entries.append(
            OutlineEntry(min(level, MAX_OUTLINE_DEPTH), item.title or " ", _target(doc, item))
        )
        pending.append((item.next, level))  # the next sibling, after the children
        pending.append((item.down, level + 1))
    notices = []
    if deepest > MAX_OUTLINE_DEPTH:
        notices.append(
            f"the outline is nested {deepest:,} levels deep: entries below level "
            f"{MAX_OUTLINE_DEPTH} are shown at that level"
        )
    if pending and any(item for item, _level in pending):
        notices.append(
            f"the outline has over {MAX_OUTLINE_ENTRIES:,} entries: the rest are left out"
        )
    return entries, notices


def _target(doc: Any, item: Any) -> int:
    """The 1-based page an outline entry points to; -1 for none (as get_toc has it)."""
    try:
        if item.is_external or not item.uri:
            return -1
        if item.page == -1:
            return int(doc.resolve_link(item.uri)[0]) + 1
        return int(item.page) + 1
    except Exception:  # a broken destination: the entry stays, pointing nowhere
        return -1


@_reads_document
def page_texts(path: str | Path) -> list[str]:
    """The plain text of every page, words broken across lines joined again."""
    pymupdf = quiet_pymupdf()

    flags = pymupdf.TEXT_DEHYPHENATE | pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    with _open(path) as doc:
        return [page.get_text("text", flags=flags) for page in doc]


@dataclass
class RenderedPage:
    """Raw RGB pixels of one page; the GUI wraps them in a QImage."""

    width: int
    height: int
    stride: int
    samples: bytes


@dataclass
class RenderedFile:
    """A rendered page's raw RGB pixels in a file, for the GUI process to read and delete.

    Several megabytes go faster through a file in memory (/dev/shm) than pickled
    through a worker's pipe.
    """

    width: int
    height: int
    stride: int
    file: str


@_reads_document
def render_page_to_file(
    path: str | Path, number: int, zoom: float, folder: str | Path
) -> RenderedFile:
    """Like ``render_page``, but the pixels are written to a new file in ``folder``."""
    pixmap = _pixmap(path, number, zoom)
    fd, name = tempfile.mkstemp(suffix=".rgb", dir=folder)
    with open(fd, "wb") as out:
        out.write(pixmap.samples_mv)
    return RenderedFile(pixmap.width, pixmap.height, pixmap.stride, name)


@_reads_document
def render_page(path: str | Path, number: int, zoom: float) -> RenderedPage:
    """Render page ``number`` (1-based) at ``zoom`` (1.0 = 72 dpi) to RGB pixels."""
    pixmap = _pixmap(path, number, zoom)
    return RenderedPage(pixmap.width, pixmap.height, pixmap.stride, bytes(pixmap.samples))


def _pixmap(path: str | Path, number: int, zoom: float) -> Any:
    pymupdf = quiet_pymupdf()
    with _open(path) as doc:
        if not 1 <= number <= doc.page_count:
            raise DocumentError(f"{Path(path).name} has no page {number}")
        page = doc[number - 1]
        zoom = affordable_zoom(page.rect.width, page.rect.height, zoom)
        try:
            return page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False)
        except Exception as exc:
            raise DocumentError(
                f"page {number} of {Path(path).name} cannot be shown: {failure_reason(exc)}"
            ) from None
        finally:
            collected_messages()  # logged; what MuPDF could not draw is left out


def affordable_zoom(width: float, height: float, zoom: float) -> float:
    """``zoom``, or the lower one at which a ``width`` x ``height`` point page renders
    within ``RENDER_PIXELS``."""
    width, height = abs(width), abs(height)

    def pixels(zoom: float) -> float:  # MuPDF rounds a pixmap's sides up
        return math.ceil(width * zoom) * math.ceil(height * zoom)

    if not math.isfinite(width * height * zoom) or pixels(zoom) <= RENDER_PIXELS:
        return zoom
    zoom *= math.sqrt(RENDER_PIXELS / pixels(zoom))
    while zoom > 1e-6 and pixels(zoom) > RENDER_PIXELS:
        zoom *= 0.999
    return zoom


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, on the page as shown


@dataclass
class PageLink:
    box: Box
    page: int  # 1-based target of a link inside the document; 0 for other links
    uri: str  # what an outside link points to ("file:…" for links to other files)
    top: float = 0.0  # where on the target page an inside link points, in points


@dataclass
class PageLayout:
    """Where the words and links of one page are, for selection, find and links."""

    width: float
    height: float
    # (x0, y0, x1, y1, text, block, line), in reading order
    words: list[tuple[float, float, float, float, str, int, int]]
    links: list[PageLink]


@dataclass
class DocumentLayout:
    sizes: list[tuple[float, float]]  # each page's (width, height) in points
    outline: list[OutlineEntry]


def warm_up() -> None:
    """Import PyMuPDF in a fresh worker, so the first page it renders does not wait for it."""
    quiet_pymupdf()


@_reads_document
def document_layout(path: str | Path) -> DocumentLayout:
    """Page sizes and the table of contents, for laying out a document before rendering it."""
    with _open(path) as doc:
        sizes = [(page.rect.width, page.rect.height) for page in doc]
        outline, _cut = _outline(doc)
        return DocumentLayout(sizes, outline)


def _box(rect: Any, matrix: Any) -> Box:
    shown = rect * matrix  # unrotated page space to the page as rendered
    return (shown.x0, shown.y0, shown.x1, shown.y1)


@_reads_document
def page_layout(path: str | Path, number: int) -> PageLayout:
    """The words and links of page ``number`` (1-based)."""
    pymupdf = quiet_pymupdf()

    with _open(path) as doc:
        if not 1 <= number <= doc.page_count:
            raise DocumentError(f"{Path(path).name} has no page {number}")
        page = doc[number - 1]
        matrix = page.rotation_matrix
        words = [
            (*_box(pymupdf.Rect(x0, y0, x1, y1), matrix), text, block, line)
            for x0, y0, x1, y1, text, block, line, _n in page.get_text(
                "words", flags=pymupdf.TEXT_DEHYPHENATE | pymupdf.TEXT_MEDIABOX_CLIP
            )
        ]
        links = []
        for link in page.get_links():
            box = _box(link["from"], matrix)
            target = link.get("page", -1)
            if link["kind"] in (pymupdf.LINK_GOTO, pymupdf.LINK_NAMED) and target >= 0:
                to = link.get("to")
                top = max(0.0, float(to.y)) if isinstance(to, pymupdf.Point) else 0.0
                links.append(PageLink(box, target + 1, "", top))
            elif link.get("uri"):
                links.append(PageLink(box, 0, str(link["uri"])))
            elif link.get("file"):  # launch or remote-document links: refused by the viewer
                links.append(PageLink(box, 0, "file:" + str(link["file"])))
        return PageLayout(page.rect.width, page.rect.height, words, links)


@_reads_document
def find_text(path: str | Path, needle: str, limit: int = 1000) -> list[tuple[int, Box]]:
    """Where ``needle`` occurs (ignoring case), as (page, box), in page order."""
    found: list[tuple[int, Box]] = []
    with _open(path) as doc:
        for page in doc:
            if len(found) >= limit:
                break
            matrix = page.rotation_matrix
            for rect in page.search_for(needle)[: limit - len(found)]:
                found.append((page.number + 1, _box(rect, matrix)))
    return found


@dataclass
class QuoteAnchor:
    """Where a quoted passage is on a page, as an annotation stores it."""

    exact: str  # the passage as the page has it (spaces collapsed)
    prefix: str
    suffix: str
    quads: list[Box]


@_reads_document
def anchor_quote(
    path: str | Path, number: int, quote: str, context: int = 32
) -> QuoteAnchor | None:
    """Find ``quote`` on page ``number`` (ignoring case and line breaks); None if absent."""
    pymupdf = quiet_pymupdf()

    wanted = " ".join(quote.split())
    if not wanted:
        return None
    with _open(path) as doc:
        if not 1 <= number <= doc.page_count:
            raise DocumentError(f"{Path(path).name} has no page {number}")
        page = doc[number - 1]
        text = " ".join(page.get_text("text", flags=pymupdf.TEXT_DEHYPHENATE).split())
        start = text.find(wanted)
        if start < 0:
            start = text.casefold().find(wanted.casefold())
        if start < 0:
            return None
        end = start + len(wanted)
        matrix = page.rotation_matrix
        return QuoteAnchor(
            exact=text[start:end],
            prefix=text[max(0, start - context) : start],
            suffix=text[end : end + context],
            quads=_quote_boxes(page, wanted, matrix),
        )


def _quote_boxes(page: Any, wanted: str, matrix: Any) -> list[Box]:
    """One box per line of the passage: by whole words (a passage may cross lines),
    else by MuPDF's own search (a passage that starts or ends inside a word)."""
    pymupdf = quiet_pymupdf()

    from reader_app.page_text import line_boxes

    words = [
        (*_box(pymupdf.Rect(w[:4]), matrix), w[4], w[5], w[6])
        for w in page.get_text("words", flags=pymupdf.TEXT_DEHYPHENATE)
    ]
    tokens = [w[4].casefold() for w in words]
    needle = wanted.casefold().split()
    for i in range(len(tokens) - len(needle) + 1):
        if tokens[i : i + len(needle)] == needle:
            return line_boxes(words[i : i + len(needle)])
    found = page.search_for(wanted)
    return [_box(found[0], matrix)] if found else []


Word = tuple[float, float, float, float, str, int, int]  # x0, y0, x1, y1, text, block, line


@_reads_document
def document_words(path: str | Path, only: Collection[int] | None = None) -> list[list[Word]]:
    """The words of every page (or of the pages numbered in ``only``, the others left
    empty), in reading order, boxed on the page as shown (as ``anchor_quote`` sees them:
    a word broken by a hyphen at a line's end stays two)."""
    pymupdf = quiet_pymupdf()

    with _open(path) as doc:
        pages: list[list[Word]] = []
        for page in doc:
            if only is not None and page.number + 1 not in only:
                pages.append([])
                continue
            matrix = page.rotation_matrix
            pages.append(
                [
                    (*_box(pymupdf.Rect(w[:4]), matrix), w[4], w[5], w[6])
                    for w in page.get_text("words", flags=pymupdf.TEXT_DEHYPHENATE)
                ]
            )
        return pages


@dataclass
class PdfAnnotation:
    """One annotation as a PDF has it, read without changing the file. What the PDF
    says is passed on unchecked (``pdf_annotations.py`` makes sense of it)."""

    page: int  # 1-based
    xref: int  # 0 when the annotation is not an object of its own
    subtype: str  # the PDF's name for it: Highlight, Underline, Text, FreeText...
    rect: Box  # on the page as shown
    quads: list[Box]  # one per QuadPoints quadrilateral, on the page as shown
    content: str
    author: str
    color: list[Any]  # the stroke colour, else the fill colour, as the PDF gives it


@_reads_document
def pdf_annotations(path: str | Path) -> list[PdfAnnotation]:
    """The annotations of a PDF, page by page; one that cannot be read is left out."""
    pymupdf = quiet_pymupdf()

    marked_by_quads = {
        pymupdf.PDF_ANNOT_HIGHLIGHT,
        pymupdf.PDF_ANNOT_UNDERLINE,
        pymupdf.PDF_ANNOT_SQUIGGLY,
        pymupdf.PDF_ANNOT_STRIKE_OUT,
    }
    found: list[PdfAnnotation] = []
    with _open(path) as doc:
        if not doc.is_pdf:
            return found
        if doc.page_count == 0:
            raise DocumentError(f"{Path(path).name} has no pages")
        for page in doc:
            matrix = page.rotation_matrix
            try:
                annots = list(page.annots())
            except Exception:
                continue  # a page whose annotations MuPDF cannot list
            for annot in annots:
                try:
                    corners = (annot.vertices or []) if annot.type[0] in marked_by_quads else []
                    quads = []
                    for i in range(0, len(corners) - 3, 4):
                        xs = [float(x) for x, _y in corners[i : i + 4]]
                        ys = [float(y) for _x, y in corners[i : i + 4]]
                        rect = pymupdf.Rect(min(xs), min(ys), max(xs), max(ys))
                        quads.append(_box(rect, matrix))
                    colors = annot.colors or {}
                    info = annot.info or {}
                    found.append(
                        PdfAnnotation(
                            page=page.number + 1,
                            xref=annot.xref,
                            subtype=annot.type[1],
                            rect=_box(annot.rect, matrix),
                            quads=quads,
                            content=str(info.get("content") or ""),
                            author=str(info.get("title") or ""),
                            color=list(colors.get("stroke") or colors.get("fill") or []),
                        )
                    )
                except Exception:
                    continue  # an annotation too broken to read is one the reader misses
    return found


@dataclass
class Inspection:
    """What importing needs to know of a file, read in a worker."""

    pages: int
    is_pdf: bool
    title: str  # from the document's metadata, or its first heading, or ""
    repaired: bool  # PyMuPDF had to repair a damaged PDF to read it
    data: bytes | None = None  # a decrypted copy, when a password was given
    texts: list[str] = field(default_factory=list)  # the first pages' text, for pillars
    notices: list[str] = field(default_factory=list)  # what MuPDF complained of, if anything


# Enough text to judge what a document is about, without reading a 1,000-page report.
INSPECT_PAGES = 40
INSPECT_CHARS = 300_000


@_reads_document
def inspect(path: str | Path, password: str = "") -> Inspection:
    """Open ``path`` as an import would: its pages, a title, whether it was damaged;
    an encrypted PDF needs ``password`` and comes back decrypted (``data``)."""
    pymupdf = quiet_pymupdf()
    name = Path(path).name
    if (refused := oversized_image(path)) is not None:
        raise DocumentError(refused)
    try:
        doc = _open_file(pymupdf, path)
    except Exception as exc:  # PyMuPDF raises several types for unreadable files
        raise DocumentError(f"{name} cannot be read: {failure_reason(exc)}") from None
    with doc:
        data = None
        if doc.needs_pass:
            if not password:
                raise PasswordError(f"{name} is encrypted: give its password")
            if not doc.authenticate(password):
                raise PasswordError(f"{name}: the password is not right")
            data = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_NONE)
        if doc.page_count == 0:
            raise DocumentError(f"{name} has no pages")
        doc[0].get_text("text")  # a document whose first page cannot be read is refused
        metadata_title = " ".join(str((doc.metadata or {}).get("title") or "").split())
        texts: list[str] = []
        for page in doc.pages(0, min(doc.page_count, INSPECT_PAGES)):
            texts.append(page.get_text("text")[: INSPECT_CHARS - sum(map(len, texts))])
            if sum(map(len, texts)) >= INSPECT_CHARS:
                break
        return Inspection(
            pages=doc.page_count,
            is_pdf=doc.is_pdf,
            title=metadata_title or _first_heading(doc),
            repaired=bool(getattr(doc, "is_repaired", False)),
            data=data,
            texts=texts,
            notices=collected_notices(name),
        )


def _first_heading(doc: Any) -> str:
    """The largest text on the first page with any text, as a title would be set."""
    for page in doc.pages(0, min(doc.page_count, 3)):
        spans = [
            (round(span["size"], 1), " ".join(span["text"].split()))
            for block in page.get_text("dict").get("blocks", [])
            for line in block.get("lines", [])
            for span in line.get("spans", [])
            if span.get("text", "").strip()
        ]
        if spans:
            biggest = max(size for size, _text in spans)
            heading = " ".join(text for size, text in spans if size == biggest)
            return heading[:200]
    return ""
