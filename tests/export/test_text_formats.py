"""The Markdown, HTML and CSV exports: golden files compared byte for byte, and each
output parsed back to check that hostile note text comes out as the characters typed.

``UPDATE_GOLDEN=1 pytest tests/export/test_text_formats.py`` rewrites the golden files;
read the diff before committing them."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from reader_app.annotations import Annotation
from reader_app.export import csv_export, html, markdown
from reader_app.export.scope import Citation, ExportGroup, ExportItem, collect, deep_link
from reader_app.library import Library

GOLDEN = Path(__file__).parent / "golden"
TITLE = "Notes from Resource Reader"
Render = Callable[[list[ExportGroup], str], bytes]
# As the fixture's hostile note (conftest.HOSTILE), for groups built without a library.
HOSTILE = (
    '=HYPERLINK("http://evil.example","x") <script>alert(\'x\')</script> '
    "**bold** [link](javascript:alert(1)) # not a heading\n> not a quote\n| a | b |"
)


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {name}: run with UPDATE_GOLDEN=1 and review it"
    assert data == path.read_bytes(), f"{name} differs: UPDATE_GOLDEN=1 rewrites it"


def hostile_group(**fields: object) -> list[ExportGroup]:
    """One resource with one note whose quote, note, tags and title are all hostile."""
    base: dict[str, object] = {
        "id": "f" * 32,
        "resource_id": "evil",
        "doc_sha256": "",
        "kind": "note",
        "page": 4,
        "exact": HOSTILE,
        "body": HOSTILE,
        "color": "orange",
        "tags": ("=SUM(A1)", "<b>tag</b>", "@x", "-1", "+cmd", "\ttab", "1984"),
        "created": "2026-03-01T10:00:00.000+00:00",
        "updated": "2026-03-01T10:00:00.000+00:00",
    }
    base.update(fields)
    annotation = Annotation(**base)  # type: ignore[arg-type]
    citation = Citation(
        resource_id="evil",
        title="=1+1 <i>Title</i>",
        collection="# Collection",
        date="2026",
        page=annotation.page,
        url="javascript:alert(1)",
        link=deep_link("evil", annotation.page),
    )
    return [ExportGroup("evil", "<script>alert(1)</script>", [ExportItem(annotation, citation)])]


# Markdown


@pytest.mark.parametrize(
    ("group_by", "name"), [("resource", "notes.md"), ("pillar", "notes-by-pillar.md")]
)
def test_markdown_golden(export_library: Library, group_by: str, name: str) -> None:
    data = markdown.render(collect(export_library, group_by=group_by), TITLE)
    check_golden(name, data)
    assert markdown.render(collect(export_library, group_by=group_by), TITLE) == data


def test_markdown_structure_is_only_ours(export_library: Library) -> None:
    """Headings, block quotes, list items and table rows come from the export, never from a
    note: the hostile note's lines all start with a backslash."""
    text = markdown.render(collect(export_library), TITLE).decode("utf-8")
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("#")] == [
        f"# {TITLE}",
        "## Digital poverty and inclusion after the pandemic",
        "## Reset: ethical principles and the foundations of recovery",
    ]
    assert [line for line in lines if line.startswith(">")] == [
        "> lent laptops",
        "> ethical principles",
        "> social, economic and ecological foundations",
    ]
    assert set(line for line in lines if line.startswith(("|", "-", "+", "<", "="))) == {"---"}
    hostile = [line for line in lines if "not a heading" in line or "a \\|" in line]
    hostile += [line for line in lines if "not a quote" in line]
    assert len(hostile) == 3
    assert all(line.startswith("\\") for line in hostile)
    assert "[link](javascript:" not in text
    assert "\\[link\\](javascript:alert(1))" in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert "http://evil" not in text
    assert "Tags: #btag/b #SUMA1\\" in lines


def test_markdown_hostile_quote_stays_in_its_blockquote() -> None:
    text = markdown.render(hostile_group(), "# <title> [x](y)").decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# \\# \\<title\\> \\[x\\](y)"
    assert lines[2] == "## \\<script\\>alert(1)\\</script\\>"
    quote = [line for line in lines if line.startswith(">")]
    assert len(quote) == 3
    assert all(line.startswith("> \\") for line in quote)
    assert quote[0].endswith("\\") and quote[1].endswith("\\")  # hard line breaks
    # The original's address is not a web address: shown as text, not linked.
    source = next(line for line in lines if line.startswith("Source: "))
    assert "<javascript" not in source and "](javascript" not in source
    assert "*\\=1+1 \\<i\\>Title\\</i\\>*, \\# Collection" in source
    assert "[p. 4](resource-reader://open?id=evil&page=4)" in source
    tags = next(line for line in lines if line.startswith("Tags: "))
    assert tags == "Tags: #SUMA1 #btag/b #x #-1 #cmd #tab 1984\\"


@pytest.mark.parametrize(
    ("line", "escaped"),
    [
        ("# heading", "\\# heading"),
        ("> quote", "\\> quote"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("12. item", "12\\. item"),
        ("3) item", "3\\) item"),
        ("---", "\\---"),
        ("| a | b |", "\\| a \\| b \\|"),
        ("![img](http://x/y.png)", "\\!\\[img\\](http\\:\\//x/y.png)"),
        ("see www.example.org", "see www\\.example.org"),
        ("a `code` _em_ *b*", "a \\`code\\` \\_em\\_ \\*b\\*"),
        ("==mark== $x$ %%hidden%% ^id", "\\=\\=mark\\=\\= \\$x\\$ \\%\\%hidden\\%\\% \\^id"),
        ("&amp; &#60; & fish", "\\&amp; \\&\\#60; & fish"),
        ("C:\\path", "C:\\\\path"),
        ("[[wiki link]]", "\\[\\[wiki link\\]\\]"),
        ("plain, text. 1 2 3", "plain, text. 1 2 3"),
    ],
)
def test_markdown_escape_line(line: str, escaped: str) -> None:
    assert markdown.escape_line(line) == escaped


def test_markdown_line_breaks_kept() -> None:
    assert markdown.escape_block("one\r\ntwo\n\n  three\\\n") == ["one\\", "two", "", "three\\\\"]
    assert markdown.escape_block("\n\n") == []


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("strategy", "strategy"),
        ("digital inclusion", "digital-inclusion"),
        ("area/housing", "area/housing"),
        ("/a//b/", "a/b"),
        ("=SUM(A1)", "SUMA1"),
        ("<b>tag</b>", "btag/b"),
        ("café_2", "café_2"),
        ("1984", None),
        ("???", None),
    ],
)
def test_obsidian_tag_name(tag: str, name: str | None) -> None:
    assert markdown.tag_name(tag) == name


def test_markdown_empty_export() -> None:
    assert markdown.render([], TITLE) == f"# {TITLE}\n\nNo notes to export.\n".encode()
    assert markdown.render([ExportGroup("x", "Nothing")], TITLE) == markdown.render([], TITLE)


# HTML


class Page(HTMLParser):
    """The elements of an HTML page, and the text inside each element with a class."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "meta", "span"):
            self.open.append(dict(attrs).get("class") or tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "span"):
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.data.append(data)
        if self.open:
            self.text.setdefault(self.open[-1], []).append(data)


def parse(data: bytes) -> Page:
    page = Page()
    page.feed(data.decode("utf-8"))
    page.close()
    assert not page.open, "every element is closed"
    return page


def test_html_golden(export_library: Library) -> None:
    check_golden("notes.html", html.render(collect(export_library), TITLE))


def test_html_is_self_contained_and_accessible(export_library: Library) -> None:
    data = html.render(collect(export_library), TITLE)
    page = parse(data)
    names = [tag for tag, _ in page.tags]
    assert data.startswith(b"<!DOCTYPE html>\n")
    assert page.tags[0] == ("html", {"lang": "en-GB"})
    assert ("meta", {"charset": "utf-8"}) in page.tags
    assert page.text["title"] == [TITLE] and page.text["h1"] == [TITLE]
    assert names.count("main") == 1 and names.count("h2") == 2 and names.count("article") == 5
    assert names.count("blockquote") == 3 and names.count("cite") == 5
    assert "script" not in names and "link" not in names and "img" not in names
    assert "@media print" in page.text["style"][0]
    assert all("src" not in attrs and "style" not in attrs for _, attrs in page.tags)
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert all(h and h.startswith(("resource-reader://open?", "https://")) for h in hrefs)
    assert "resource-reader://open?id=reset-pillar&page=3" in hrefs
    assert all(attrs.get("rel") == "noopener" for tag, attrs in page.tags if tag == "a")
    # The colour is named in text, not only shown.
    assert page.text["details"][:2] == ["Kind: document note · Colour: ", "purple"]


def test_html_hostile_note_is_text(export_library: Library) -> None:
    data = html.render(collect(export_library), TITLE)
    page = parse(data)
    # Each line of a note as text of its own, after a <br> (and a newline in the source).
    assert [t.strip() for t in page.text["note"]] == [
        "Whole-document thought.",
        "Ask the library service.",
        "Second line.",
        "Use this framing in our strategy.",
        *HOSTILE.split("\n"),
    ]
    assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in data
    assert b"<script" not in data and b"javascript:" not in data.replace(
        b"[link](javascript:alert(1))", b""
    )
    assert ["&lt;b&gt;tag&lt;/b&gt;" in line for line in data.decode().splitlines()].count(
        True
    ) == 1
    tags = [t for t in page.text["li"]]
    assert tags == ["inclusion", "strategy", "<b>tag</b>", "=SUM(A1)"]


def test_html_hostile_group() -> None:
    data = html.render(hostile_group(), "</title><script>alert(1)</script>")
    page = parse(data)
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "i" not in names and "b" not in names
    assert page.text["title"] == ["</title><script>alert(1)</script>"]
    assert page.text["h2"] == ["<script>alert(1)</script>"]
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert hrefs == ["resource-reader://open?id=evil&page=4"]  # javascript: is not linked
    assert "javascript:alert(1)" in "".join(page.text["citation"])
    assert page.text["cite"] == ["=1+1 <i>Title</i>"]
    assert [t.strip() for t in page.text["p"]] == HOSTILE.split("\n")  # blockquote > p


def test_html_empty_export() -> None:
    page = parse(html.render([], TITLE))
    assert page.text["p"] == ["No notes to export."]
    assert [tag for tag, _ in page.tags].count("article") == 0


# CSV


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    text = data[3:].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_golden(export_library: Library) -> None:
    check_golden("notes.csv", csv_export.render(collect(export_library), TITLE))


def test_csv_reads_back_a_row_per_annotation(export_library: Library) -> None:
    data = csv_export.render(collect(export_library), TITLE)
    assert data.split(b"\r\n")[0] == (
        b"\xef\xbb\xbfresource_id,title,collection,date,page,kind,color,quote,note,tags,"
        b"created,updated,url,link,id"
    )
    assert data.endswith(b"\r\n")
    rows = read_csv(data)
    assert [(r["id"][-1], r["page"], r["kind"], r["color"]) for r in rows] == [
        ("5", "", "document-note", "purple"),
        ("4", "2", "note", "green"),
        ("1", "1", "highlight", "yellow"),
        ("2", "2", "underline", "blue"),
        ("3", "3", "page-note", "red"),
    ]
    first = rows[2]
    assert first["quote"] == "ethical principles"
    assert first["note"] == "Use this framing in our strategy."
    assert first["tags"] == "strategy"
    assert first["title"] == "Reset: ethical principles and the foundations of recovery"
    assert first["collection"] == "Reset. Reform. Renew. Resilient."
    assert first["date"] == "2021-06-30"
    assert first["created"] == first["updated"] == "2026-03-01T10:00:00.000+00:00"
    assert first["url"] == "https://socitm.net/resource-hub/news/reset-reform-renew-resilient/"
    assert first["link"] == "resource-reader://open?id=reset-pillar&page=1"
    assert rows[1]["note"] == "Ask the library service.\nSecond line."
    assert rows[1]["quote"] == "lent laptops"
    hostile = rows[4]
    assert hostile["note"] == "'" + HOSTILE
    assert hostile["tags"] == "<b>tag</b>, =SUM(A1)"  # '=' not at the start: inert


def test_csv_hostile_cells_start_with_an_apostrophe() -> None:
    tags = ("=SUM(A1)", "x")
    rows = read_csv(csv_export.render(hostile_group(tags=tags), TITLE))
    assert len(rows) == 1
    (row,) = rows
    assert row["quote"] == row["note"] == "'" + HOSTILE
    assert row["tags"] == "'=SUM(A1), x"
    assert row["title"] == "'=1+1 <i>Title</i>"
    for start in ("=", "+", "-", "@", "\t", "\r", "\uff1d"):
        (row,) = read_csv(csv_export.render(hostile_group(body=f"{start}1+1", exact=""), TITLE))
        assert row["note"] == f"'{start}1+1"
        assert row["quote"] == ""
    (row,) = read_csv(csv_export.render(hostile_group(body="1+1 = 2", tags=()), TITLE))
    assert row["note"] == "1+1 = 2" and row["tags"] == ""


def test_csv_empty_export() -> None:
    data = csv_export.render([], TITLE)
    assert data == "\ufeff{}\r\n".format(",".join(csv_export.COLUMNS)).encode()
    assert read_csv(data) == []


@pytest.mark.parametrize("module", [markdown, html, csv_export])
def test_same_input_same_bytes(export_library: Library, module: object) -> None:
    render: Render = module.render  # type: ignore[attr-defined]
    groups = collect(export_library, group_by="pillar")
    assert render(groups, TITLE) == render(collect(export_library, group_by="pillar"), TITLE)
