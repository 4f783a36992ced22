"""Word (.docx) export: a heading per group, each note's quote, text, details and
citation in paragraph styles a reader can restyle in Word (Quote, Note Details, Citation).

Named ``docx_export`` so that it does not shadow python-docx's ``docx`` package."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from reader_app.export.bidi import without_bidi_controls
from reader_app.export.scope import ExportGroup, ExportItem

DETAILS_STYLE = "Note Details"
CITATION_STYLE = "Citation"
LINK_STYLE = "Hyperlink"  # the name Word gives its own hyperlink character style
LINK_SCHEMES = ("http", "https", "resource-reader")  # the web, and back to the app
KIND_NAMES = {
    "highlight": "Highlight",
    "underline": "Underline",
    "note": "Highlight with note",
    "page-note": "Note on the page",
    "document-note": "Note on the document",
}
# A date that is no one's "now", for an export with no annotations in it.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Characters XML 1.0 forbids (a .docx holding one does not open), and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` with line ends as ``\\n``, without characters XML 1.0 forbids and
    without bidi controls (Word obeys them as a browser does)."""
    text = without_bidi_controls(text)
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def render(groups: list[ExportGroup], title: str) -> bytes:
    """The export as a .docx file's bytes. The same groups always give the same text,
    styles and properties (the zip's own timestamps aside)."""
    document = Document()
    _add_styles(document)
    ids = _style_ids(document)
    _set_properties(document, groups, title)
    document.add_heading(clean(title), level=0)
    if not any(group.items for group in groups):
        document.add_paragraph("No notes to export.", style="Normal")
    for group in groups:
        if not group.items:
            continue
        document.add_heading(clean(group.heading), level=1)
        for item in group.items:
            _add_item(document, ids, item)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_styles(document: WordDocument) -> None:
    styles = document.styles
    normal = styles["Normal"]
    for name, italic in ((DETAILS_STYLE, False), (CITATION_STYLE, True)):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(9)
        style.font.italic = italic
        style.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    styles[CITATION_STYLE].paragraph_format.space_after = Pt(12)
    link = styles.add_style(LINK_STYLE, WD_STYLE_TYPE.CHARACTER)
    link.font.underline = True
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)


def _set_properties(document: WordDocument, groups: list[ExportGroup], title: str) -> None:
    """From the export's contents only, so that the same export gives the same file."""
    stamps = [i.annotation.updated or i.annotation.created for g in groups for i in g.items]
    newest = max((s for s in stamps if s), default="")
    try:
        when = datetime.fromisoformat(newest).astimezone(UTC) if newest else EPOCH
    except ValueError:
        when = EPOCH
    properties = document.core_properties
    properties.title = clean(title)
    properties.author = "Resource Reader"
    properties.last_modified_by = "Resource Reader"
    properties.comments = ""
    properties.revision = 1
    properties.created = when
    properties.modified = when


StyleIds = dict[str, str]


def _style_ids(document: WordDocument) -> StyleIds:
    """Each style's id, found once: python-docx looks a style up by name through every
    style on each use, which made exporting 10,000 notes take 90 s."""
    names = ("Quote", "Normal", DETAILS_STYLE, CITATION_STYLE, LINK_STYLE)
    return {name: document.styles[name].style_id for name in names}


def _paragraph(document: WordDocument, ids: StyleIds, style: str, text: str = "") -> Paragraph:
    """A new last paragraph. Put in place directly: ``add_paragraph`` looks for where to put
    it among all the body's paragraphs, each time (quadratic in the number of notes)."""
    body = document.element.body
    element = OxmlElement("w:p")
    try:
        last = body[-1]  # from the end: no walk through the body
    except IndexError:
        last = None
    if last is not None and last.tag == qn("w:sectPr"):  # the section settings stay last
        last.addprevious(element)
    else:
        body.append(element)
    paragraph = Paragraph(element, document)
    paragraph._p.style = ids[style]
    if text:
        paragraph.add_run(text)
    return paragraph


def _add_item(document: WordDocument, ids: StyleIds, item: ExportItem) -> None:
    annotation, citation = item.annotation, item.citation
    if annotation.exact:
        _paragraph(document, ids, "Quote", clean(annotation.exact))
    if annotation.body:
        note = _paragraph(document, ids, "Normal")
        for number, line in enumerate(clean(annotation.body).split("\n")):
            run = note.add_run()
            if number:
                run.add_break()
            run.add_text(line)
    details = [KIND_NAMES.get(annotation.kind, annotation.kind), annotation.color]
    if annotation.tags:
        details.append("Tags: " + ", ".join(clean(t) for t in annotation.tags))
    _paragraph(document, ids, DETAILS_STYLE, " · ".join(details))
    cited = _paragraph(document, ids, CITATION_STYLE)
    where = f", p. {citation.page}" if citation.page else ""
    cited.add_run(clean(f"{citation.title}. {citation.collection}, {citation.date}{where}. "))
    _add_link(cited, ids, citation.url, citation.url)
    cited.add_run(" · ")
    _add_link(cited, ids, citation.link, "Open in Resource Reader")


def _add_link(paragraph: Paragraph, ids: StyleIds, url: str, text: str) -> None:
    """A real hyperlink for an http(s) or resource-reader link; anything else as text."""
    url, text = clean(url).strip(), clean(text)
    scheme = url.partition(":")[0].lower()
    if scheme not in LINK_SCHEMES or not url.partition(":")[2].startswith("//"):
        paragraph.add_run(text)
        return
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    element = OxmlElement("w:r")
    link.append(element)
    paragraph._p.append(link)
    run = Run(element, paragraph)
    run._r.style = ids[LINK_STYLE]
    run.text = text
