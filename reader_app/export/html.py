"""HTML export: one self-contained, accessible, printable page (inline style, no scripts,
nothing fetched), a section per group and an article per note.

Every piece of user text goes through ``html.escape``, without its bidirectional
embeddings, overrides and isolates (``bidi.py``); only web addresses are linked."""

from __future__ import annotations

import re
import unicodedata
from html import escape

from reader_app.annotations import COLOURS
from reader_app.export.bidi import BIDI_CONTROLS, without_bidi_controls
from reader_app.export.scope import Citation, ExportGroup, ExportItem

WEB_URL = re.compile(rf"^https?://[^\s<>\"'`\x00-\x1f\x7f{BIDI_CONTROLS}]+$", re.IGNORECASE)
EMPTY = "No notes to export."

# Text #1a1a1a and links #0b4f9c on white, muted text #454545: all above 7:1 (WCAG AAA).
STYLE = """\
:root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #1a1a1a;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.75rem; margin: 0 0 1.5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.75rem; padding-bottom: 0.25rem;
  border-bottom: 1px solid #8a8a8a; }
article { margin: 0 0 1.25rem; padding: 0.75rem 1rem; border: 1px solid #c8c8c8;
  border-radius: 4px; }
blockquote { margin: 0 0 0.75rem; padding: 0 0 0 0.9rem; border-left: 4px solid #6b6b6b;
  font-style: italic; }
blockquote p, p { margin: 0 0 0.5rem; }
p, blockquote { overflow-wrap: anywhere; }
.tags { display: flex; flex-wrap: wrap; gap: 0.35rem; list-style: none; margin: 0 0 0.5rem;
  padding: 0; }
.tags li { padding: 0 0.5rem; border: 1px solid #8a8a8a; border-radius: 1rem;
  background: #f2f2f2; font-size: 0.875rem; }
.details, .citation { color: #454545; font-size: 0.875rem; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em;
  vertical-align: -0.1em; border: 1px solid #454545; border-radius: 2px;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
a { color: #0b4f9c; }
a:focus-visible { outline: 2px solid #0b4f9c; outline-offset: 2px; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  article { break-inside: avoid; page-break-inside: avoid; }
}
"""


def _clean(text: str) -> str:
    """``text`` without control characters (HTML does not allow them) or bidi controls,
    line breaks normalised to LF."""
    return "\n".join(
        "".join(c for c in line if c == "\t" or unicodedata.category(c) != "Cc")
        for line in without_bidi_controls(text).splitlines()
    ).strip()


def text(value: str) -> str:
    """User text on one line, escaped."""
    return escape(" ".join(_clean(value).split()))


def lines(value: str) -> str:
    """User text with its line breaks as ``<br>``, escaped."""
    return "<br>\n".join(escape(line) for line in _clean(value).split("\n"))


def link(href: str, label: str) -> str:
    return f'<a href="{escape(href)}" rel="noopener">{label}</a>'


def swatch_css() -> str:
    return "".join(f".swatch-{name} {{ background: {hex_} }}\n" for name, hex_ in COLOURS.items())


def citation_html(citation: Citation) -> str:
    where = f"p. {citation.page}" if citation.page else "whole document"
    parts = [f"<cite>{text(citation.title)}</cite>", text(citation.collection), text(citation.date)]
    parts.append(link(citation.link, escape(where)))
    if WEB_URL.match(citation.url):
        parts.append(link(citation.url, escape(citation.url)))
    elif citation.url:
        parts.append(text(citation.url))
    return '<p class="citation">Source: ' + ", ".join(p for p in parts if p) + "</p>"


def article(item: ExportItem) -> list[str]:
    annotation = item.annotation
    out = ["<article>"]
    if _clean(annotation.exact):
        out.append(f"<blockquote><p>{lines(annotation.exact)}</p></blockquote>")
    if _clean(annotation.body):
        out.append(f'<p class="note">{lines(annotation.body)}</p>')
    tags = [text(tag) for tag in annotation.tags if text(tag)]
    if tags:
        out.append('<ul class="tags" aria-label="Tags">')
        out += [f"<li>{tag}</li>" for tag in tags]
        out.append("</ul>")
    colour = annotation.color if annotation.color in COLOURS else ""
    swatch = f"swatch swatch-{colour}" if colour else "swatch"
    kind = text(annotation.kind.replace("-", " "))
    out.append(
        f'<p class="details">Kind: {kind} · Colour: <span class="{swatch}" aria-hidden="true">'
        f"</span>{text(annotation.color)}</p>"
    )
    out.append(citation_html(item.citation))
    out.append("</article>")
    return out


def render(groups: list[ExportGroup], title: str) -> bytes:
    """The notes in ``groups`` as one HTML document (UTF-8, LF line endings)."""
    heading = text(title)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="Resource Reader">',
        f"<title>{heading}</title>",
        "<style>",
        STYLE + swatch_css() + "</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{heading}</h1>",
    ]
    shown = [group for group in groups if group.items]
    if not shown:
        out.append(f"<p>{EMPTY}</p>")
    for number, group in enumerate(shown, start=1):
        out += [
            f'<section aria-labelledby="group-{number}">',
            f'<h2 id="group-{number}">{text(group.heading)}</h2>',
        ]
        for item in group.items:
            out += article(item)
        out.append("</section>")
    out += ["</main>", "</body>", "</html>"]
    return ("\n".join(out) + "\n").encode("utf-8", "replace")
