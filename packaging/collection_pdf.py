"""HTML to tagged PDF/UA-1 with WeasyPrint, and PDF to PNG with PyMuPDF, for the build.

WeasyPrint is a build-time tool (the ``[build]`` extra), imported here only when a PDF is
made, so the app and the tests that only read the collection never need it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterator
from typing import Any

import pymupdf

PNG_DPI = 144
# fontTools stamps each subset font's 'head' table with the time, unless this says otherwise
# (https://reproducible-builds.org/specs/source-date-epoch/): 2026-11-22T00:00:00Z, fixed so a
# rebuild gives the same bytes. Bump it when the collection is rewritten, if you like.
SOURCE_DATE_EPOCH = "1795305600"


@functools.cache
def _weasyprint() -> Any:
    import weasyprint

    return weasyprint


@functools.cache
def _fonts() -> Any:
    # One font configuration for the whole build: fontconfig is asked once, not per file.
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _no_fetching() -> Any:
    # Everything a page needs is inline: no file, and no network ever (a data: URL at most).
    return _weasyprint().URLFetcher(allowed_protocols=("data",), fail_on_errors=True)


def weasyprint_version() -> str:
    return str(_weasyprint().__version__)


def font_subsetter() -> str:
    """Which library WeasyPrint subsets fonts with: each writes different (valid) bytes."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0):
        return "HarfBuzz"
    import fontTools

    return f"fontTools {fontTools.version}"


def html_to_pdf(document: str) -> bytes:
    """A tagged PDF (structure tree, /Lang from <html lang>, the <title> shown in the
    window, fonts embedded). No dates are written, so the same HTML gives the same bytes."""
    weasyprint = _weasyprint()
    with _fixed_time():
        data = weasyprint.HTML(string=document, url_fetcher=_no_fetching()).write_pdf(
            pdf_variant="pdf/ua-1", font_config=_fonts(), optimize_images=False
        )
    return explicit_destinations(bytes(data))


_DEST = re.compile(r"\(((?:[^()\\]|\\.)*)\)\s*(\[[^\]]*\])")


def explicit_destinations(data: bytes) -> bytes:
    """Point each internal link straight at its page and height, as the PyMuPDF-built files
    did. WeasyPrint links by name, and PyMuPDF reports a named link's height bottom-up where
    the app's viewer (documents.page_layout) reads every other link's top-down. Each link's
    description (/Contents, what a screen reader announces) becomes its visible text, not the
    anchor's name. Only annotation keys change: the structure tree is untouched."""
    with pymupdf.open("pdf", data) as doc:
        names = doc.xref_get_key(doc.pdf_catalog(), "Names/Dests/Names")
        if names[0] != "array":
            return data
        dests = dict(_DEST.findall(names[1]))
        for page in doc:
            for link in page.get_links():
                xref = link.get("xref", 0)
                dest = doc.xref_get_key(xref, "Dest") if xref else ("null", "")
                if dest[0] != "string" or dest[1] not in dests:
                    continue
                doc.xref_set_key(xref, "Dest", dests[dest[1]])
                text = " ".join(page.get_textbox(link["from"]).split())
                if text:
                    doc.xref_set_key(xref, "Contents", pymupdf.get_pdf_str(text))
        return bytes(doc.tobytes(deflate=True, use_objstms=1, no_new_id=True))


@contextlib.contextmanager
def _fixed_time() -> Iterator[None]:
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def page_count(data: bytes) -> int:
    with pymupdf.open("pdf", data) as doc:
        return doc.page_count


def pdf_title(data: bytes) -> str:
    with pymupdf.open("pdf", data) as doc:
        return str((doc.metadata or {}).get("title") or "")


def figures_without_alt(data: bytes) -> int:
    """How many Figure structure elements have no /Alt: WeasyPrint takes an <img>'s from its
    alt attribute and an inline <svg>'s from its <title> child, and leaves others bare."""
    count = 0
    with pymupdf.open("pdf", data) as doc:
        for xref in range(1, doc.xref_length()):
            if doc.xref_get_key(xref, "S") == ("name", "/Figure"):
                alt = doc.xref_get_key(xref, "Alt")
                count += alt[0] != "string" or not alt[1].strip()
    return count


def pdf_to_png(data: bytes, dpi: int = PNG_DPI) -> bytes:
    """The first page as a PNG: the infographics people want as a picture."""
    with pymupdf.open("pdf", data) as doc:
        return bytes(doc[0].get_pixmap(dpi=dpi).tobytes("png"))
