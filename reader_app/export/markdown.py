"""Markdown export (CommonMark, read well by Obsidian): a heading per group, each note's
quote as a blockquote, its text, ``#tags``, and a citation linking back to the page.

Every piece of user text is escaped, so a note renders as the characters its author
typed: no headings, lists, HTML, links, emphasis or Obsidian highlights, maths or
comments that were not meant. Bidirectional embeddings, overrides and isolates are
removed from it (``bidi.py``), so no note can reorder the text around it."""

from __future__ import annotations

import re
import unicodedata

from reader_app.export.bidi import BIDI_CONTROLS, without_bidi_controls
from reader_app.export.scope import Citation, ExportGroup, ExportItem

# Backslash-escaped wherever they occur: CommonMark's inline and block syntax, GFM's
# tables and strikethrough, Obsidian's ==highlight==, $maths$, %%comments%% and ^block-ids,
# and the '@' of GFM's e-mail autolinks. Any ASCII punctuation may be escaped in CommonMark.
ESCAPED = re.compile(
    r"[\\`*_\[\]<>#|!~=$%^@]"
    r"|&(?=#?\w+;)"  # an entity such as &amp; or &#60;
    r"|(?<=\w):(?=//)|/(?=/)"  # scheme:// and //host: renderers make bare URLs clickable
    r"|(?<=\bwww)\.",  # www.example.org, likewise
    re.IGNORECASE,
)
LIST_MARKER = re.compile(r"^([-+]|\d+(?=[.)]))")  # at a line's start: a list item
WEB_URL = re.compile(rf"^https?://[^\s<>\"\\`\x00-\x1f\x7f{BIDI_CONTROLS}]+$", re.IGNORECASE)
EMPTY = "No notes to export."


def escape_inline(text: str) -> str:
    """One line of user text, with every Markdown-significant character escaped."""
    return ESCAPED.sub(lambda m: "\\" + m.group(0), text)


def _lines(text: str) -> list[str]:
    """``text`` as lines without control characters, bidi controls or the indentation
    Markdown would read as code (tabs inside a line are kept)."""
    lines = []
    for line in without_bidi_controls(text).splitlines():
        line = "".join(c for c in line if c == "\t" or unicodedata.category(c) != "Cc")
        lines.append(line.strip())
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def escape_line(line: str) -> str:
    """A whole line of user text: escaped inline, and not starting a list item (block
    quotes, headings and fences are already escaped inline)."""
    escaped = escape_inline(line)
    marker = LIST_MARKER.match(escaped)
    if marker is None:
        return escaped
    if marker.group(1) in "-+":
        return "\\" + escaped
    end = marker.end()
    return f"{escaped[:end]}\\{escaped[end:]}"


def escape_block(text: str) -> list[str]:
    """Multi-line user text as Markdown lines: a line break kept as a hard break (a
    trailing backslash), an empty line kept as a paragraph break."""
    lines = [escape_line(line) for line in _lines(text)]
    return [
        f"{line}\\" if line and i + 1 < len(lines) and lines[i + 1] else line
        for i, line in enumerate(lines)
    ]


def one_line(text: str) -> str:
    """User text for a heading or a citation, where a line break has no place."""
    return escape_line(" ".join(" ".join(_lines(text)).split()))


def tag_name(tag: str) -> str | None:
    """``tag`` as an Obsidian tag (without its '#'): spaces become hyphens and only
    letters, digits, '-', '_' and '/' (nesting) are kept. None if nothing usable is left,
    or only digits (Obsidian needs a character that is not a number)."""
    text = "-".join(unicodedata.normalize("NFC", tag).split())
    kept = "".join(
        c for c in text if c in "-_/" or unicodedata.category(c)[0] in "LM" or c.isdecimal()
    )
    kept = "/".join(part for part in kept.split("/") if part)
    if not kept or all(c.isdecimal() for c in kept):
        return None
    return kept


def tags_line(tags: tuple[str, ...]) -> str:
    shown: list[str] = []
    for tag in tags:
        name = tag_name(tag)
        text = f"#{name}" if name else one_line(tag)
        if text and text not in shown:
            shown.append(text)
    return " ".join(shown)


def link(url: str) -> str:
    """The original's address: an autolink if it is a plain web address, else text."""
    return f"<{url}>" if WEB_URL.match(url) else one_line(url)


def citation_line(citation: Citation) -> str:
    where = f"p. {citation.page}" if citation.page else "whole document"
    parts = [
        f"*{one_line(citation.title)}*",
        one_line(citation.collection),
        one_line(citation.date),
        f"[{where}]({citation.link})",
    ]
    if citation.url:
        parts.append(link(citation.url))
    return "Source: " + ", ".join(p for p in parts if p)


def item_lines(item: ExportItem) -> list[str]:
    annotation = item.annotation
    lines: list[str] = []
    quote = escape_block(annotation.exact)
    if quote:
        lines += [f"> {line}" if line else ">" for line in quote]
        lines.append("")
    note = escape_block(annotation.body)
    if note:
        lines += [*note, ""]
    details = []
    tags = tags_line(annotation.tags)
    if tags:
        details.append(f"Tags: {tags}")
    kind = one_line(annotation.kind.replace("-", " "))
    details.append(f"Kind: {kind} · Colour: {one_line(annotation.color)}")
    details.append(citation_line(item.citation))
    lines += [f"{line}\\" for line in details[:-1]] + details[-1:]
    return lines


def render(groups: list[ExportGroup], title: str) -> bytes:
    """The notes in ``groups`` as one Markdown document (UTF-8, LF line endings)."""
    lines = [f"# {one_line(title)}", ""]
    if not any(group.items for group in groups):
        lines += [EMPTY, ""]
    for group in groups:
        if not group.items:
            continue
        lines += [f"## {one_line(group.heading)}", ""]
        for i, item in enumerate(group.items):
            if i:
                lines += ["---", ""]
            lines += [*item_lines(item), ""]
    return "\n".join(lines).rstrip("\n").encode("utf-8", "replace") + b"\n"
