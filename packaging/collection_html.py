"""The HTML pages the bundled collection is printed from: a briefing's cover, body and closing
notice, a council strategy's summary page, and a plain infographic for when
packaging/infographics.py is absent. WeasyPrint turns them into tagged PDFs
(collection_pdf.py); the CSS names installed fonts so every glyph is embedded.
"""

from __future__ import annotations

import html
from typing import Any

from reader_app import catalog

FONT_STACK = "'DejaVu Sans', 'Liberation Sans', sans-serif"
GENERATOR = "Resource Reader packaging/build_collection.py"
AUTHOR = "Resource Reader developers"

# The running footer is drawn by @page margin boxes, so it is real text in the embedded font
# (PyMuPDF's stamped Helvetica was not embedded) and WeasyPrint marks it as an artifact.
PAGE_CSS = """
@page {
  size: 595pt 842pt; margin: 58pt 60pt 64pt 60pt;  /* A4 in whole points, as before */
  /* The pillar's colour bar across the top edge: three margin boxes, each 7pt tall. */
  @top-left-corner { content: ""; background: %(accent)s; margin-bottom: 51pt; }
  @top-center { content: ""; background: %(accent)s; width: 100%%; margin-bottom: 51pt; }
  @top-right-corner { content: ""; background: %(accent)s; margin-bottom: 51pt; }
  @bottom-left { content: "%(footer)s"; font: 7.5pt %(font)s; color: #505050;
                 vertical-align: top; padding-top: 20pt; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
                  font: 7.5pt %(font)s; color: #505050; vertical-align: top; padding-top: 20pt; }
}
"""

BODY_CSS = """
html { font-family: %(font)s; font-size: 10.5pt; line-height: 1.45; color: #1f2328; }
h1 { font-size: 22pt; line-height: 1.15; margin: 6pt 0 10pt 0; color: #111111;
     bookmark-level: 1; }
h2 { font-size: 14pt; margin: 16pt 0 6pt 0; color: %(accent_text)s; bookmark-level: 1;
     break-after: avoid; }
h3 { font-size: 11.5pt; margin: 12pt 0 4pt 0; color: #222222; bookmark-level: 2;
     break-after: avoid; }
h2.minor { font-size: 11pt; color: #333333; margin: 14pt 0 4pt 0; bookmark-level: none; }
p { margin: 0 0 7pt 0; }
ul, ol { margin: 0 0 7pt 0; padding-left: 18pt; }
li { margin: 0 0 3pt 0; }
a { color: #1a4f9c; text-decoration: underline; overflow-wrap: anywhere; }
.label { font-size: 9pt; font-weight: bold; color: #ffffff; background-color: %(accent_text)s;
         padding: 4pt 6pt; margin-bottom: 14pt; }
.meta { font-size: 9.5pt; color: #444444; margin-bottom: 2pt; }
.pillars { font-size: 9.5pt; margin: 4pt 0 12pt 0; }
.chip { color: #ffffff; padding: 1pt 4pt; margin-right: 6pt; }
.summary { font-size: 12pt; line-height: 1.4; color: #222222; margin-bottom: 10pt; }
.key { background-color: %(tint)s; padding: 8pt; margin: 8pt 0 10pt 0; font-weight: bold; }
.notice { font-size: 9pt; color: #333333; background-color: #f1f1f1; padding: 8pt;
          margin-top: 14pt; }
.notice p:last-child { margin-bottom: 0; }
.body-start { break-before: page; }
.closing { break-inside: avoid; }
"""


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def tint(colour: str, amount: float) -> str:
    """Mix ``colour`` with white; ``amount`` 0 keeps the colour, 1 gives white."""
    rgb = [round((c + (1 - c) * amount) * 255) for c in hex_to_rgb(colour)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def shade(colour: str, amount: float) -> str:
    """Mix ``colour`` with black: text in a pillar's colour needs 4.5:1 contrast on white."""
    rgb = [round(c * (1 - amount) * 255) for c in hex_to_rgb(colour)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def display_date(value: str, *, approximate: bool = False) -> str:
    """The app's own reading of a date ("30 June 2021", "c. 2022"); a council page with no
    date says so."""
    if not value:
        return "Date not given on the council's page"
    return catalog.display_date(value, approximate=approximate)


def council_type_text(council_type: str) -> str:
    """A directory council type as prose: "london borough" names London, so it keeps its capital."""
    return council_type.replace("london", "London")


def css_string(text: str) -> str:
    """``text`` as the inside of a CSS string literal."""
    return "".join(c if c.isalnum() or c in " .,:;-'()" else f"\\{ord(c):x} " for c in text)


def stylesheet(accent: str, footer: str) -> str:
    values = {
        "accent": accent,
        "accent_text": shade(accent, 0.1),
        "tint": tint(accent, 0.86),
        "font": FONT_STACK,
        "footer": css_string(footer),
    }
    return (PAGE_CSS + BODY_CSS) % values


def document(*, title: str, summary: str, keywords: str, css: str, body: str) -> str:
    """A complete HTML document: WeasyPrint takes the PDF's title, subject, keywords, author
    and creator from its <head>, and the document language from <html lang>. No date meta:
    the build must give the same bytes every time."""
    e = html.escape
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n"
        f'<meta name="author" content="{e(AUTHOR)}">\n'
        f'<meta name="description" content="{e(summary)}">\n'
        f'<meta name="keywords" content="{e(keywords)}">\n'
        f'<meta name="generator" content="{e(GENERATOR)}">\n'
        f"<style>{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def sentence(text: str) -> str:
    """``text`` ending with a full stop, not two (a collection's title may end with one)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def short(title: str, limit: int = 70) -> str:
    return title if len(title) <= limit else title[: limit - 3] + "..."


def pillar_chips(ids: list[str], pillars: dict[str, dict[str, Any]]) -> str:
    return "".join(
        f'<span class="chip" style="background-color: {shade(pillars[p]["colour"], 0.1)}">'
        f"{html.escape(pillars[p]['name'])}</span>"
        for p in ids
    )


def notice_html(label: str, source_url: str, collection: dict[str, Any], heading: str) -> str:
    url = html.escape(source_url)
    when = display_date(collection["date"], approximate=len(collection["date"]) == 4)
    return (
        f'<div class="notice"><p><b>{html.escape(heading)}.</b> {html.escape(sentence(label))}</p>'
        f'<p>Original: <a href="{url}">{url}</a><br>'
        f"Collection: {html.escape(collection['title'])} ({html.escape(when)}).</p></div>"
    )


def briefing_body(
    meta: dict[str, Any],
    *,
    label: str,
    body_html: str,
    contents: list[tuple[str, str]],
    pillars: dict[str, dict[str, Any]],
    collection: dict[str, Any],
    compact: bool = False,
) -> str:
    """The cover (label, kind, collection, date, title, pillars, summary, contents, notice),
    the body from a new page, and the closing notice. A ``compact`` one (a councillor's
    one-page brief) has no contents and no cover notice, and its body follows at once."""
    e = html.escape
    kind = meta["kind"].replace("-", " ").capitalize()
    when = display_date(str(meta["date"]), approximate=bool(meta.get("date_approximate")))
    items = "".join(f'<li><a href="#{anchor}">{text}</a></li>' for anchor, text in contents)
    items += '<li><a href="#about-this-item">About this item</a></li>'
    notice = notice_html(label, meta["source_url"], collection, "About this item")
    body = body_html.replace("<h2 ", '<h2 class="body-start" ', 1)
    contents_html = f'<h2 class="minor">Contents</h2>\n<ol>{items}</ol>\n{notice}\n'
    if compact:
        body, contents_html = body_html, ""
    return (
        f'<p class="label">{e(label)}</p>\n'
        f'<p class="meta">{e(kind)} · {e(collection["title"])} · {e(when)}</p>\n'
        f"<h1>{e(meta['title'])}</h1>\n"
        f'<p class="pillars">{pillar_chips(meta["pillars"], pillars)}</p>\n'
        f'<p class="summary">{e(meta["summary"])}</p>\n'
        f"{contents_html}{body}\n"
        # The closing notice stays whole, on the last page.
        f'<div class="closing"><h2 id="about-this-item">About this item</h2>\n{notice}</div>'
    )


def strategy_body(
    strategy: dict[str, Any],
    *,
    label: str,
    pillars: dict[str, dict[str, Any]],
    directory_link: str,
) -> str:
    """One page on a council's strategy: what the council's page is, our summary, the pillars
    with the page's own words, the themes and the address."""
    e = html.escape
    url = e(strategy["url"])
    emphasis = "".join(
        f"<li><b>{e(pillars[p]['name'])}</b>: the page speaks of "
        + ", ".join(f"“{e(words)}”" for words in strategy["evidence"].get(p, []))
        + ".</li>"
        for p in strategy["pillars"]
    )
    themes = ", ".join(strategy["themes"])
    kind = council_type_text(strategy["council_type"])
    return (
        f'<p class="label">{e(label)}</p>\n'
        f"<h1>{e(strategy['council'])}</h1>\n"
        f'<p class="summary">{e(strategy["title"])}</p>\n'
        f'<p class="meta">{e(strategy["nation"])} · {e(kind.capitalize())}'
        f" · {e(display_date(strategy['date']))}</p>\n"
        f'<p class="pillars">{pillar_chips(strategy["pillars"], pillars)}</p>\n'
        f"<h2>Our summary</h2>\n<p>{e(strategy['summary'])}</p>\n"
        f"<h2>What it emphasises</h2>\n<ul>{emphasis}</ul>\n"
        f"<h2>Themes</h2>\n<p>{e(themes.capitalize())}.</p>\n"
        f'<h2>The council\'s page</h2>\n<p><a href="{url}">{url}</a></p>\n'
        f'<p>Strategies from other councils of this kind: <a href="{e(directory_link)}">the '
        f"directory, filtered to {e(strategy['nation'])} and {e(kind)}</a>."
        "</p>\n"
        f'<div class="notice"><p><b>About this page.</b> {e(sentence(label))} The summary and the '
        "choice of pillars are ours; the quoted words are the council's page's own.</p></div>"
    )
