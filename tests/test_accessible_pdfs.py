"""Every shipped PDF is a tagged, accessible PDF: a structure tree with headings and paragraphs,
figures with alt text, MarkInfo, the document language en-GB, the title shown in the window
(and equal to the manifest's), and every font embedded. The Public Sector Bodies
Accessibility Regulations 2018 apply to the councils that read them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pymupdf
import pytest

from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir

CATALOG = load_manifest(bundled_dir() / MANIFEST_NAME)
PDFS = sorted(r.id for r in CATALOG.resources if r.media_type == "application/pdf")
RESOURCES = {r.id: r for r in CATALOG.resources}
_REF = re.compile(r"(\d+) 0 R")


def _ref(value: tuple[str, str]) -> int | None:
    return int(value[1].split()[0]) if value[0] == "xref" else None


def struct_elements(doc: pymupdf.Document) -> Iterator[tuple[str, int]]:
    """(type, xref) of every structure element reachable from the catalog's StructTreeRoot."""
    root = _ref(doc.xref_get_key(doc.pdf_catalog(), "StructTreeRoot"))
    if root is None:
        return
    seen: set[int] = set()
    todo = [root]
    while todo:
        xref = todo.pop()
        if xref in seen:
            continue
        seen.add(xref)
        kind = doc.xref_get_key(xref, "S")
        if kind[0] == "name":
            yield kind[1].lstrip("/"), xref
        children = doc.xref_get_key(xref, "K")
        if children[0] in ("array", "xref", "dict"):
            # Only the kids that are elements themselves: marked-content references
            # (a page, an annotation) have no /S and are skipped above.
            todo += [int(n) for n in _REF.findall(children[1])]


def embedded(doc: pymupdf.Document, font: int) -> bool:
    """A font's program is in the file: its descriptor (a Type0's on its descendant) has
    FontFile, FontFile2 or FontFile3."""
    descendants = doc.xref_get_key(font, "DescendantFonts")
    if descendants[0] == "array":
        font = int(_REF.findall(descendants[1])[0])
    descriptor = _ref(doc.xref_get_key(font, "FontDescriptor"))
    if descriptor is None:  # a Type3 font draws its glyphs itself
        return doc.xref_get_key(font, "Subtype")[1] == "/Type3"
    files = ("FontFile", "FontFile2", "FontFile3")
    return any(doc.xref_get_key(descriptor, key)[0] == "xref" for key in files)


@pytest.mark.parametrize("rid", PDFS)
def test_every_pdf_is_tagged_titled_in_english_with_fonts_embedded(rid: str) -> None:
    resource = RESOURCES[rid]
    with pymupdf.open(CATALOG.path_of(resource)) as doc:
        catalog = doc.pdf_catalog()
        assert doc.xref_get_key(catalog, "MarkInfo/Marked") == ("bool", "true")
        assert doc.xref_get_key(catalog, "Lang") == ("string", "en-GB")
        assert doc.xref_get_key(catalog, "ViewerPreferences/DisplayDocTitle") == ("bool", "true")
        assert doc.metadata["title"] == resource.title != ""

        elements = list(struct_elements(doc))
        kinds = {kind for kind, _ in elements}
        assert kinds & {"H1", "H"}, kinds
        assert "P" in kinds
        for kind, xref in elements:
            if kind == "Figure":
                alt = doc.xref_get_key(xref, "Alt")
                assert alt[0] == "string" and alt[1].strip(), f"{rid}: a Figure has no /Alt"

        fonts = {font[0] for page in doc for font in page.get_fonts(full=True)}
        assert fonts
        missing = [f for f in fonts if not embedded(doc, f)]
        assert missing == [], f"{rid}: fonts not embedded: {missing}"


def test_briefings_tag_lists_and_links() -> None:
    briefings = [r for r in CATALOG.resources if r.kind == "briefing"]
    assert briefings
    for resource in briefings:
        with pymupdf.open(CATALOG.path_of(resource)) as doc:
            kinds = {kind for kind, _ in struct_elements(doc)}
        assert {"H1", "H2", "P", "L", "LI", "Link"} <= kinds, resource.id


STRATEGIES = sorted(r.id for r in CATALOG.resources if r.kind == "strategy")


@pytest.mark.parametrize("rid", STRATEGIES)
def test_a_strategys_page_links_to_the_councils_address(rid: str) -> None:
    resource = RESOURCES[rid]
    with pymupdf.open(CATALOG.path_of(resource)) as doc:
        assert doc.page_count == 1
        page = doc[0]
        uris = {link.get("uri") for link in page.get_links()}
        text = " ".join(page.get_text().split())
    assert resource.source_url in uris
    assert resource.council in text
    assert resource.label in text
    assert any(u and u.startswith("resource-reader://directory?") for u in uris)


def test_the_checks_see_a_missing_tag_and_an_unembedded_font() -> None:
    """The helpers above fail on what PyMuPDF's own (untagged, Helvetica) output has."""
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Untagged", fontname="helv")
    data = doc.tobytes()
    with pymupdf.open("pdf", data) as plain:
        assert list(struct_elements(plain)) == []
        fonts = [font[0] for font in plain[0].get_fonts(full=True)]
        assert fonts and not any(embedded(plain, f) for f in fonts)
