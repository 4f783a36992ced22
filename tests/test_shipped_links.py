"""Every link in every shipped PDF goes somewhere real: an app link parses as the app parses
it and opens an item that exists or a directory list that is not empty; a web link is one
of Socitm's pages listed in the seeds' SOURCES.md or a council's address from the directory."""

from __future__ import annotations

import re
import tomllib

import pymupdf
import pytest
from repo_paths import REPO, SEEDS
from strategies import directory_entries

from reader_app.deep_links import is_deep_link, parse_deep_link, parse_directory_link
from reader_app.directory import directory_selection
from reader_app.facets import select
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir

CATALOG = load_manifest(bundled_dir() / MANIFEST_NAME)
PDFS = sorted((bundled_dir() / "files").glob("*.pdf"))
SOURCES_URLS = set(re.findall(r"https?://[^\s|)>]+", (SEEDS / "SOURCES.md").read_text("utf-8")))
COUNCIL_URLS = {entry["url"] for entry in directory_entries()}


def no_tags(_rid: str) -> list[str]:
    return []


def link_problem(uri: str) -> str:
    """Why a link on a shipped page is wrong, or "" when it goes somewhere real."""
    if is_deep_link(uri):
        values = parse_directory_link(uri)
        if values is not None:
            shown = select(CATALOG.resources, directory_selection(values), no_tags)
            return "" if shown else "opens an empty list"
        target = parse_deep_link(uri)
        if target is None:
            return "does not parse"
        resource = CATALOG.get(target[0])
        if resource is None:
            return "opens no item"
        return "" if target[1] <= resource.pages else "opens a page past the end"
    if uri in SOURCES_URLS or uri in COUNCIL_URLS:
        return ""
    return "is neither a page in SOURCES.md nor a council's address"


def test_every_bundled_pdf_is_read() -> None:
    pdfs = {r.file for r in CATALOG.resources if r.media_type == "application/pdf"}
    assert pdfs == {f"files/{p.name}" for p in PDFS}
    assert len(PDFS) >= 80


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.stem)
def test_every_link_goes_somewhere_real(path) -> None:
    with pymupdf.open(path) as doc:
        links = [(page.number, link) for page in doc for link in page.get_links()]
        pages = doc.page_count
    assert links  # every item links on, at least to its source
    for number, link in links:
        if link["kind"] == pymupdf.LINK_GOTO:  # within the file: the contents list
            assert 0 <= link["page"] < pages, (number, link)
            continue
        assert link["kind"] == pymupdf.LINK_URI, (number, link)
        uri = link["uri"]
        assert link_problem(uri) == "", (number + 1, uri, link_problem(uri))


def test_the_infographic_links_each_pillar_and_its_councils() -> None:
    with pymupdf.open(bundled_dir() / "files" / "championing-place-based-recovery.pdf") as doc:
        uris = {link["uri"] for link in doc[0].get_links() if link.get("uri")}
    directory = {parse_directory_link(u).get("pillar") for u in uris if parse_directory_link(u)}
    assert directory == {p.id for p in CATALOG.pillars}
    opened = {parse_deep_link(u)[0] for u in uris if parse_deep_link(u)}
    assert len(opened) >= 16 and all(CATALOG.get(rid).kind == "strategy" for rid in opened)


def test_the_builds_allowed_addresses_are_the_seeds() -> None:
    setup = tomllib.loads((REPO / "resources" / "sources" / "collection.toml").read_text("utf-8"))
    assert set(setup["allowed_urls"]) <= SOURCES_URLS
    assert all(u.startswith("https://socitm.net/") for u in SOURCES_URLS)


@pytest.mark.parametrize(
    ("uri", "problem"),
    [
        ("resource-reader://open?id=no-such-item", "opens no item"),
        ("resource-reader://open?id=recovery-prospectus&page=999", "opens a page past the end"),
        ("resource-reader://open", "does not parse"),
        ("resource-reader://directory?pillar=rebuild", "does not parse"),
        ("resource-reader://directory?nation=Wales&council_type=island", "opens an empty list"),
        ("https://socitm.net/elsewhere/", "is neither"),
        ("https://example.org/", "is neither"),
        ("mailto:team@example.org", "is neither"),
    ],
)
def test_a_link_to_nowhere_is_caught(uri: str, problem: str) -> None:
    assert link_problem(uri).startswith(problem)
