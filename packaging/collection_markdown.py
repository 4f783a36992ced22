"""The Markdown subset of the bundled sources (resources/sources/FORMAT.md), turned into HTML.

Every link is checked here: an ``#anchor`` in the same file, a ``resource-reader://`` link to
an item or to the directory, a council's address from the directory, or a Socitm address
from SOURCES.md. Anything else is a SourceError naming the file and the line.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADING = re.compile(r"^(#{2,3}) (.+?)(?: \{#([^}]+)\})?$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_ORDERED = re.compile(r"^\d+\. (.+)$")
DIRECTORY_PARAMETERS = ("pillar", "nation", "council_type")


class SourceError(ValueError):
    """A source file the build cannot use; the message names the file and the line."""


@dataclass
class Heading:
    level: int  # 1 for ##, 2 for ###
    text: str
    anchor: str


@dataclass
class LinkRules:
    """What a source may link to, outside its own anchors."""

    socitm_urls: set[str]
    council_urls: set[str] = field(default_factory=set)
    resource_ids: set[str] = field(default_factory=set)
    # The directory's vocabulary: parameter name -> the values a link may filter on.
    directory_values: dict[str, set[str]] = field(default_factory=dict)

    def check(self, target: str, where: str, anchors: set[str]) -> None:
        if target.startswith("#"):
            if target[1:] not in anchors:
                raise SourceError(f"{where}: link to unknown anchor {target}")
        elif target.startswith("resource-reader:"):
            self._check_app_link(target, where)
        elif target not in self.socitm_urls and target not in self.council_urls:
            raise SourceError(
                f"{where}: URL {target} is neither in allowed_urls nor a council's address "
                "in resources/directory"
            )

    def _check_app_link(self, target: str, where: str) -> None:
        parts = urlsplit(target)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if parts.scheme != "resource-reader" or parts.path or parts.fragment:
            raise SourceError(f"{where}: malformed link {target}")
        if parts.netloc == "open":
            ids = [value for name, value in query if name == "id"]
            if len(query) != 1 or len(ids) != 1:
                raise SourceError(f"{where}: {target} must be resource-reader://open?id=<id>")
            if ids[0] not in self.resource_ids:
                raise SourceError(f"{where}: {target} names no resource in the collection")
        elif parts.netloc == "directory":
            seen = set()
            for name, value in query:
                if name not in DIRECTORY_PARAMETERS or name in seen:
                    raise SourceError(f"{where}: {target}: unknown or repeated '{name}'")
                seen.add(name)
                if value not in self.directory_values.get(name, set()):
                    raise SourceError(f"{where}: {target}: '{value}' is not a known {name}")
        else:
            raise SourceError(f"{where}: {target}: only open and directory links exist")


def inline_html(text: str, where: str, anchors: set[str], rules: LinkRules | None) -> str:
    """Escape ``text`` and turn the inline subset (links, bold, italic) into HTML.
    ``rules`` None means the text may hold no links (a contents entry)."""

    def link(match: re.Match[str]) -> str:
        label, target = match.group(1), html.unescape(match.group(2))
        if rules is None:
            raise SourceError(f"{where}: no link allowed here")
        rules.check(target, where, anchors)
        return f'<a href="{html.escape(target)}">{label}</a>'

    out = _LINK.sub(link, html.escape(text, quote=True))
    out = _BOLD.sub(r"<b>\1</b>", out)
    out = _ITALIC.sub(r"<i>\1</i>", out)
    if "**" in out or "](" in out:
        raise SourceError(f"{where}: unbalanced Markdown emphasis or a malformed link")
    return out


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], list[str]]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        raise SourceError(f"{path.name}: must start with a +++ front matter block")
    try:
        end = lines.index("+++", 1)
    except ValueError:
        raise SourceError(f"{path.name}: front matter is not closed with +++") from None
    try:
        meta = tomllib.loads("\n".join(lines[1:end]))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path.name}: front matter: {exc}") from None
    return meta, lines[end + 1 :]


def _headings(lines: list[str], path: Path) -> list[Heading]:
    headings: list[Heading] = []
    for number, line in enumerate(lines, start=1):
        if match := _HEADING.match(line.strip()):
            marks, text, anchor = match.groups()
            if len(marks) == 2 and not anchor:
                raise SourceError(f"{path.name}:{number}: a ## heading needs an {{#anchor}}")
            if anchor and not _ANCHOR.match(anchor):
                raise SourceError(f"{path.name}:{number}: bad anchor '{anchor}'")
            if len(marks) == 3 and not headings:
                raise SourceError(f"{path.name}:{number}: ### before the first ##")
            headings.append(Heading(len(marks) - 1, text, anchor or f"s{len(headings) + 1}"))
    if len({h.anchor for h in headings}) != len(headings):
        raise SourceError(f"{path.name}: two headings share an anchor")
    if len([h for h in headings if h.level == 1]) < 2:
        raise SourceError(f"{path.name}: needs at least two ## sections")
    return headings


def markdown_to_html(lines: list[str], path: Path, rules: LinkRules) -> tuple[str, list[Heading]]:
    """Convert the body subset described in resources/sources/FORMAT.md."""
    headings = _headings(lines, path)
    anchors = {h.anchor for h in headings}
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""
    quote: list[str] = []
    heading_iter = iter(headings)
    start = 0  # the line the open block began on: an error names it, not the blank line after

    def inline(text: str, number: int) -> str:
        return inline_html(text, f"{path.name}:{number}", anchors, rules)

    def flush() -> None:
        nonlocal list_tag
        number = start
        if paragraph:
            out.append(f"<p>{inline(' '.join(paragraph), number)}</p>")
            paragraph.clear()
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
            list_tag = ""
        if quote:
            out.append(f'<p class="key">{inline(" ".join(quote), number)}</p>')
            quote.clear()

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith(("<", "|", "```", "![")) or re.match(r"^#(?!#)", line):
            raise SourceError(f"{path.name}:{number}: not in the Markdown subset: {line[:40]!r}")
        if _HEADING.match(line):
            flush()
            heading = next(heading_iter)
            tag = "h2" if heading.level == 1 else "h3"
            text = inline(heading.text, number)
            out.append(f'<{tag} id="{heading.anchor}">{text}</{tag}>')
        elif line.startswith("- ") or (ordered := _ORDERED.match(line)):
            tag = "ul" if line.startswith("- ") else "ol"
            if paragraph or quote or (items and list_tag != tag):
                flush()
            list_tag = tag
            items.append(inline(line[2:] if tag == "ul" else ordered.group(1), number))
        elif line.startswith("> "):
            if paragraph or items:
                flush()
            start = number if not quote else start
            quote.append(line[2:])
        else:
            if items or quote:
                flush()
            start = number if not paragraph else start
            paragraph.append(line)
    flush()
    return "\n".join(out), headings
