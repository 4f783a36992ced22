"""Build the bundled collection from its sources.

Reads ``resources/sources/`` (Markdown briefings, TOML infographics, and
``collection.toml`` with the pillars and collections), writes the PDFs and
PNGs to ``resources/files/`` and the manifest to ``resources/collection.toml``.

The output is deterministic: the same sources and the same PyMuPDF build give
byte-identical files. Run it after editing a source, and commit the result:

    python packaging/build_collection.py            # rebuild into resources/
    python packaging/build_collection.py --check    # verify resources/ is up to date
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pymupdf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout: use this tree's reader_app

from reader_app.manifest import SCHEMA_VERSION, dump_manifest, load_manifest  # noqa: E402

RESOURCES = ROOT / "resources"
SOURCES = RESOURCES / "sources"

PAGE = pymupdf.paper_rect("a4")
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 60, 58, 64
BODY = pymupdf.Rect(MARGIN_X, MARGIN_TOP, PAGE.width - MARGIN_X, PAGE.height - MARGIN_BOTTOM)
POSTER = pymupdf.Rect(0, 0, 600, 780)
PNG_DPI = 144
# Fixed dates keep the PDFs reproducible; bump when the collection is rewritten.
BUILD_DATE = "D:20261122000000Z"
BRIEFING_PAGES = range(3, 9)
KINDS_FROM_MARKDOWN = ("briefing", "guide", "case-study")

_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_HEADING = re.compile(r"^(#{2,3}) (.+?)(?: \{#([^}]+)\})?$")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_ORDERED = re.compile(r"^\d+\. (.+)$")

CSS = """
body { font-family: sans-serif; font-size: 11pt; line-height: 1.5; color: #1f2328; }
h1 { font-size: 24pt; line-height: 1.15; margin: 6pt 0 10pt 0; color: #111111; }
h2 { font-size: 15pt; margin: 16pt 0 6pt 0; color: %(accent)s; }
h3 { font-size: 12pt; margin: 12pt 0 4pt 0; color: #222222; }
h4 { font-size: 11pt; margin: 14pt 0 4pt 0; color: #333333; }
p { margin: 0 0 7pt 0; }
li { margin: 0 0 3pt 0; }
a { color: #1a4f9c; text-decoration: underline; }
.label { font-size: 8.5pt; font-weight: bold; color: #ffffff; background-color: %(accent)s;
         border: 4pt solid %(accent)s; margin-bottom: 14pt; }
.meta { font-size: 9.5pt; color: #444444; margin-bottom: 2pt; }
.pillars { font-size: 9.5pt; margin: 4pt 0 12pt 0; }
.summary { font-size: 12pt; line-height: 1.4; color: #222222; margin-bottom: 10pt; }
.key { background-color: %(tint)s; border: 8pt solid %(tint)s; margin: 8pt 0 10pt 0;
       font-weight: bold; }
.notice { font-size: 9pt; color: #333333; background-color: #f1f1f1; border: 8pt solid #f1f1f1;
          margin-top: 14pt; }
/* Backgrounds use borders, not padding: MuPDF repeats a padded box's background at the top of
   every later page. */
"""


class SourceError(ValueError):
    """A source file the build cannot use; the message names the file and the line."""


@dataclass
class Heading:
    level: int  # 1 for ##, 2 for ###
    text: str
    anchor: str


@dataclass
class Setup:
    """The hand-written part of the manifest."""

    label: str
    order: list[str]
    allowed_urls: set[str]
    pillars: dict[str, dict[str, Any]]
    collections: dict[str, dict[str, Any]]
    raw: dict[str, Any] = field(repr=False)


def load_setup(sources: Path) -> Setup:
    raw = tomllib.loads((sources / "collection.toml").read_text(encoding="utf-8"))
    return Setup(
        label=raw["label"],
        order=list(raw["order"]),
        allowed_urls=set(raw["allowed_urls"]),
        pillars={p["id"]: p for p in raw["pillars"]},
        collections={c["id"]: c for c in raw["collections"]},
        raw=raw,
    )


# Markdown subset -> HTML


def inline_html(text: str, where: str, anchors: set[str], allowed_urls: set[str]) -> str:
    """Escape ``text`` and turn the inline subset (links, bold, italic) into HTML."""

    def link(match: re.Match[str]) -> str:
        label, target = match.group(1), html.unescape(match.group(2))
        if target.startswith("#"):
            if target[1:] not in anchors:
                raise SourceError(f"{where}: link to unknown anchor {target}")
        elif target not in allowed_urls:
            raise SourceError(f"{where}: URL {target} is not in allowed_urls")
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


def markdown_to_html(
    lines: list[str], path: Path, allowed_urls: set[str]
) -> tuple[str, list[Heading]]:
    """Convert the body subset described in resources/sources/FORMAT.md."""
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
    anchors = {h.anchor for h in headings}
    if len(anchors) != len(headings):
        raise SourceError(f"{path.name}: two headings share an anchor")

    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""
    quote: list[str] = []
    heading_iter = iter(headings)

    def inline(text: str, number: int) -> str:
        return inline_html(text, f"{path.name}:{number}", anchors, allowed_urls)

    def flush(number: int) -> None:
        nonlocal list_tag
        if paragraph:
            out.append(f"<p>{inline(' '.join(paragraph), number)}</p>")
            paragraph.clear()
        if items:
            out.append(f"<{list_tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{list_tag}>")
            items.clear()
            list_tag = ""
        if quote:
            out.append(f'<div class="key">{inline(" ".join(quote), number)}</div>')
            quote.clear()

    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            flush(number)
            continue
        if line.startswith(("<", "|", "```", "![")) or re.match(r"^#(?!#)", line):
            raise SourceError(f"{path.name}:{number}: not in the Markdown subset: {line[:40]!r}")
        if _HEADING.match(line):
            flush(number)
            heading = next(heading_iter)
            tag = "h2" if heading.level == 1 else "h3"
            text = inline(heading.text, number)
            out.append(f'<{tag} id="{heading.anchor}">{text}</{tag}>')
        elif line.startswith("- ") or (ordered := _ORDERED.match(line)):
            tag = "ul" if line.startswith("- ") else "ol"
            if paragraph or quote or (items and list_tag != tag):
                flush(number)
            list_tag = tag
            items.append(inline(line[2:] if tag == "ul" else ordered.group(1), number))
        elif line.startswith("> "):
            if paragraph or items:
                flush(number)
            quote.append(line[2:])
        else:
            if items or quote:
                flush(number)
            paragraph.append(line)
    flush(len(lines))
    if len([h for h in headings if h.level == 1]) < 2:
        raise SourceError(f"{path.name}: needs at least two ## sections")
    return "\n".join(out), headings


# Page furniture


def hex_to_rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]


def inset(rect: pymupdf.Rect, left: float, top: float, right: float, bottom: float) -> pymupdf.Rect:
    return pymupdf.Rect(rect.x0 + left, rect.y0 + top, rect.x1 - right, rect.y1 - bottom)


def tint(colour: str, amount: float) -> str:
    """Mix ``colour`` with white; ``amount`` 0 keeps the colour, 1 gives white."""
    rgb = [round((c + (1 - c) * amount) * 255) for c in hex_to_rgb(colour)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def display_date(value: str) -> str:
    parts = value.split("-")
    if len(parts) == 3:
        d = date.fromisoformat(value)
        return f"{d.day} {d.strftime('%B')} {d.year}"
    return value


def pillar_chips(ids: list[str], setup: Setup) -> str:
    chips = []
    for pid in ids:
        pillar = setup.pillars[pid]
        chips.append(
            f'<span style="background-color: {pillar["colour"]}; color: #ffffff;">'
            f"&#160;{html.escape(pillar['name'])}&#160;</span>"
        )
    return "&#160;&#160;".join(chips)


def notice_html(meta: dict[str, Any], setup: Setup) -> str:
    collection = setup.collections[meta["collection"]]
    url = html.escape(meta["source_url"])
    return (
        f"<p><b>About this summary.</b> {html.escape(setup.label)}</p>"
        f'<p>Original: <a href="{url}">{url}</a><br/>'
        f"Collection: {html.escape(collection['title'])} "
        f"({html.escape(display_date(collection['date']))}).</p>"
    )


def merge_links(doc: pymupdf.Document) -> None:
    """Story makes one link per word; join neighbours on a line that share a target."""
    for page in doc:
        links = page.get_links()
        merged: list[dict[str, Any]] = []
        for link in links:
            target = (link["kind"], link.get("uri"), link.get("page"), link.get("to"))
            last = merged[-1] if merged else None
            if (
                last is not None
                and last["_target"] == target
                and abs(last["from"].y0 - link["from"].y0) < 1
                and link["from"].x0 - last["from"].x1 < 8
            ):
                last["from"] = last["from"] | link["from"]
            else:
                merged.append({**link, "_target": target})
        for link in links:
            page.delete_link(link)
        for link in merged:
            del link["_target"]
            page.insert_link(link)


def stamp_pages(doc: pymupdf.Document, title: str, accent: str) -> None:
    """Colour bar, running footer and 'Page n of N' on every page."""
    grey = (0.35, 0.35, 0.35)
    total = doc.page_count
    short = title if len(title) <= 70 else title[:67] + "..."
    for page in doc:
        page.draw_rect(pymupdf.Rect(0, 0, page.rect.width, 7), color=None, fill=hex_to_rgb(accent))
        y = page.rect.height - 34
        page.insert_text(
            (MARGIN_X, y), f"Resource Reader summary · {short}", fontsize=7.5, color=grey
        )
        number = f"Page {page.number + 1} of {total}"
        width = pymupdf.get_text_length(number, fontname="helv", fontsize=7.5)
        page.insert_text((page.rect.width - MARGIN_X - width, y), number, fontsize=7.5, color=grey)


def finish(doc: pymupdf.Document, meta: dict[str, Any], setup: Setup) -> bytes:
    pillars = ", ".join(setup.pillars[p]["name"] for p in meta["pillars"])
    doc.set_metadata(
        {
            "title": meta["title"],
            "author": "Resource Reader developers (summary of a Socitm resource)",
            "subject": meta["summary"],
            "keywords": f"{pillars}; place-based recovery; local government",
            "creator": "Resource Reader packaging/build_collection.py",
            "producer": f"PyMuPDF {pymupdf.VersionBind}",
            "creationDate": BUILD_DATE,
            "modDate": BUILD_DATE,
        }
    )
    doc.set_language("en-GB")
    return doc.tobytes(garbage=4, deflate=True, no_new_id=True)


# Briefings


def render_briefing(meta: dict[str, Any], body: list[str], path: Path, setup: Setup) -> bytes:
    body_html, headings = markdown_to_html(body, path, setup.allowed_urls)
    accent = setup.pillars[meta["pillars"][0]]["colour"]
    collection = setup.collections[meta["collection"]]
    contents = "".join(
        f'<li><a href="#{h.anchor}">{inline_html(h.text, path.name, set(), set())}</a></li>'
        for h in headings
        if h.level == 1
    )
    kind = meta["kind"].replace("-", " ").capitalize()
    cover = f"""
<div class="label">SUMMARY WRITTEN FOR RESOURCE READER · NOT THE ORIGINAL</div>
<p class="meta">{kind} · {html.escape(collection["title"])} · {display_date(meta["date"])}</p>
<h1>{html.escape(meta["title"])}</h1>
<p class="pillars">{pillar_chips(meta["pillars"], setup)}</p>
<p class="summary">{html.escape(meta["summary"])}</p>
<h4>Contents</h4>
<ol>{contents}<li><a href="#about-this-summary">About this summary</a></li></ol>
<div class="notice">{notice_html(meta, setup)}</div>
"""
    # The body starts on a new page: the cover stands alone.
    body_html = body_html.replace("<h2 ", '<h2 style="page-break-before: always" ', 1)
    closing = (
        '<h2 id="about-this-summary">About this summary</h2>'
        f'<div class="notice">{notice_html(meta, setup)}</div>'
    )
    css = CSS % {"accent": accent, "tint": tint(accent, 0.86)}
    story = pymupdf.Story(cover + body_html + closing, user_css=css, em=11)
    positions: list[tuple[int, str, int, float]] = []

    def on_position(pos: Any) -> None:
        if pos.heading in (2, 3) and pos.open_close & 1 and pos.text:
            positions.append((pos.heading - 1, pos.text.strip(), pos.page_num, pos.rect[1]))

    doc = story.write_with_links(lambda n, filled: (PAGE, BODY, None), on_position)
    toc = [[1, meta["title"], 1]]
    toc += [
        [level, text, page, {"kind": pymupdf.LINK_GOTO, "to": pymupdf.Point(MARGIN_X, y)}]
        for level, text, page, y in positions
    ]
    doc.set_toc(toc)
    merge_links(doc)
    stamp_pages(doc, meta["title"], accent)
    if doc.page_count not in BRIEFING_PAGES:
        raise SourceError(
            f"{path.name}: {doc.page_count} pages; a briefing must have "
            f"{BRIEFING_PAGES.start} to {BRIEFING_PAGES.stop - 1}"
        )
    return finish(doc, meta, setup)


# Infographics


def draw_infographic(meta: dict[str, Any], setup: Setup) -> pymupdf.Document:
    doc = pymupdf.open()
    page = doc.new_page(width=POSTER.width, height=POSTER.height)
    accent = setup.pillars[meta["pillars"][0]]["colour"]
    band = pymupdf.Rect(0, 0, POSTER.width, 150)
    page.draw_rect(band, color=None, fill=(0.12, 0.14, 0.18))
    page.draw_rect(pymupdf.Rect(0, 146, POSTER.width, 152), color=None, fill=hex_to_rgb(accent))
    page.insert_htmlbox(
        inset(band, 36, 26, 36, 10),
        f"<h1>{html.escape(meta['title'])}</h1><p>{html.escape(meta['subtitle'])}</p>",
        css="* { font-family: sans-serif; color: #ffffff; }"
        " h1 { font-size: 25pt; margin: 0 0 8pt 0; } p { font-size: 12pt; margin: 0; }",
    )
    page.insert_htmlbox(
        pymupdf.Rect(36, 160, POSTER.width - 36, 184),
        "Summary infographic written for Resource Reader · not the Socitm original",
        css="* { font-family: sans-serif; font-size: 9pt; font-weight: bold; color: #444444; }",
    )
    panels = meta["panels"]
    columns, gap = 2, 14
    rows = (len(panels) + columns - 1) // columns
    top, bottom = 192, POSTER.height - 92
    width = (POSTER.width - 72 - gap * (columns - 1)) / columns
    height = (bottom - top - gap * (rows - 1)) / rows
    for i, panel in enumerate(panels):
        col, row = i % columns, i // columns
        x0, y0 = 36 + col * (width + gap), top + row * (height + gap)
        rect = pymupdf.Rect(x0, y0, x0 + width, y0 + height)
        colour = setup.pillars[panel.get("pillar") or meta["pillars"][0]]["colour"]
        page.draw_rect(rect, color=None, fill=hex_to_rgb(tint(colour, 0.86)))
        page.draw_rect(
            pymupdf.Rect(x0, y0, x0 + 6, y0 + height), color=None, fill=hex_to_rgb(colour)
        )
        spare, _scale = page.insert_htmlbox(
            inset(rect, 18, 12, 12, 10),
            f"<h2>{html.escape(panel['heading'])}</h2><p>{html.escape(panel['text'])}</p>",
            css="* { font-family: sans-serif; color: #1f2328; }"
            f" h2 {{ font-size: 14pt; margin: 0 0 6pt 0; color: {colour}; }}"
            " p { font-size: 11.5pt; line-height: 1.4; margin: 0; }",
            scale_low=0.75,
        )
        if spare < 0:
            raise SourceError(f"{meta['id']}: panel {i + 1} text does not fit")
    url = meta["source_url"]
    footer = pymupdf.Rect(36, POSTER.height - 80, POSTER.width - 36, POSTER.height - 24)
    page.insert_htmlbox(
        footer,
        f"<p>{html.escape(setup.label)}</p><p>Original: {html.escape(url)}</p>",
        css="* { font-family: sans-serif; font-size: 8pt; color: #444444; margin: 0 0 3pt 0; }",
    )
    hits = page.search_for(url[:40])
    if hits:
        page.insert_link({"kind": pymupdf.LINK_URI, "from": hits[0] | hits[-1], "uri": url})
    doc.set_toc([[1, meta["title"], 1]])
    return doc


def render_infographic(meta: dict[str, Any], setup: Setup) -> bytes:
    doc = draw_infographic(meta, setup)
    if meta["format"] == "png":
        return doc[0].get_pixmap(dpi=PNG_DPI).tobytes("png")
    return finish(doc, meta, setup)


# The whole collection


REQUIRED = ("id", "title", "kind", "pillars", "collection", "date", "source_url", "summary")


def check_meta(meta: dict[str, Any], path: Path, setup: Setup) -> None:
    for key in REQUIRED:
        if not meta.get(key):
            raise SourceError(f"{path.name}: '{key}' is missing")
    if meta["id"] != path.stem:
        raise SourceError(f"{path.name}: id '{meta['id']}' must equal the file name")
    if meta["source_url"] not in setup.allowed_urls:
        raise SourceError(f"{path.name}: source_url is not in allowed_urls")
    unknown = [p for p in meta["pillars"] if p not in setup.pillars]
    if unknown or meta["collection"] not in setup.collections:
        raise SourceError(f"{path.name}: unknown pillar or collection")


def build_one(path: Path, setup: Setup) -> tuple[dict[str, Any], bytes, str]:
    """Return the manifest entry, the file's bytes and its extension."""
    if path.suffix == ".md":
        meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
        check_meta(meta, path, setup)
        if meta["kind"] not in KINDS_FROM_MARKDOWN:
            raise SourceError(f"{path.name}: kind '{meta['kind']}' cannot come from Markdown")
        data, ext, media_type = render_briefing(meta, body, path, setup), "pdf", "application/pdf"
    else:
        meta = tomllib.loads(path.read_text(encoding="utf-8"))
        meta["kind"] = "infographic"
        check_meta(meta, path, setup)
        for key in ("alt_text", "transcript", "subtitle", "panels"):
            if not meta.get(key):
                raise SourceError(f"{path.name}: '{key}' is missing")
        data = render_infographic(meta, setup)
        ext = meta["format"]
        media_type = "image/png" if ext == "png" else "application/pdf"
    pages = 1 if ext == "png" else pymupdf.open("pdf", data).page_count
    entry = {
        "id": meta["id"],
        "title": meta["title"],
        "kind": meta["kind"],
        "pillars": list(meta["pillars"]),
        "collection": meta["collection"],
        "date": str(meta["date"]),
        "summary": " ".join(meta["summary"].split()),
        "source_url": meta["source_url"],
        "file": f"files/{meta['id']}.{ext}",
        "sha256": hashlib.sha256(data).hexdigest(),
        "pages": pages,
        "media_type": media_type,
        "label": setup.label,
    }
    if meta["kind"] == "infographic":
        entry["alt_text"] = " ".join(meta["alt_text"].split())
        entry["transcript"] = meta["transcript"].strip()
    return entry, data, ext


def manifest_text(setup: Setup, entries: list[dict[str, Any]]) -> str:
    data = {
        "schema": SCHEMA_VERSION,
        "built_with": f"PyMuPDF {pymupdf.VersionBind}, MuPDF {pymupdf.VersionFitz}",
        "pillars": list(setup.pillars.values()),
        "collections": list(setup.collections.values()),
        "resources": entries,
    }
    header = (
        "The bundled collection's manifest. Generated by packaging/build_collection.py\n"
        "from resources/sources/: edit the sources and rebuild, not this file."
    )
    return dump_manifest(data, header)


def build(out: Path, sources: Path = SOURCES) -> list[dict[str, Any]]:
    """Build every source into ``out/files`` and write ``out/collection.toml``."""
    setup = load_setup(sources)
    found = {p.stem: p for p in sorted(sources.glob("*.md")) + sorted(sources.glob("*.toml"))}
    found.pop("collection", None)
    found.pop("FORMAT", None)
    missing = set(setup.order) - set(found)
    unlisted = set(found) - set(setup.order)
    if missing or unlisted:
        raise SourceError(
            f"order lists missing sources {sorted(missing)}; unlisted {sorted(unlisted)}"
        )
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    entries = []
    for rid in setup.order:
        entry, data, ext = build_one(found[rid], setup)
        (files / f"{rid}.{ext}").write_bytes(data)
        entries.append(entry)
        print(f"{rid}: {entry['pages']} page(s), {len(data) // 1024} KiB", file=sys.stderr)
    for stale in files.iterdir():
        if stale.stem not in found:
            stale.unlink()
    manifest = out / "collection.toml"
    manifest.write_text(manifest_text(setup, entries), encoding="utf-8")
    load_manifest(manifest)  # what we wrote must pass the app's own validation
    return entries


def check(out: Path = RESOURCES) -> list[str]:
    """Rebuild into a temporary folder and list what differs from ``out``."""
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        problems = []
        for fresh in sorted(Path(tmp).rglob("*")):
            if fresh.is_file():
                rel = fresh.relative_to(tmp)
                current = out / rel
                if not current.is_file() or current.read_bytes() != fresh.read_bytes():
                    problems.append(str(rel))
        return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=RESOURCES, help="output folder")
    parser.add_argument("--check", action="store_true", help="verify the output is up to date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = check(args.out)
            for rel in stale:
                print(f"out of date: {rel}", file=sys.stderr)
            return 1 if stale else 0
        entries = build(args.out)
    except SourceError as exc:
        print(f"build_collection: {exc}", file=sys.stderr)
        return 1
    pages = sum(e["pages"] for e in entries)
    print(f"{len(entries)} resources, {pages} pages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
