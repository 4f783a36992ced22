"""The bundled files: present, intact, as the manifest says, and our own writing."""

import hashlib
import sys
import tomllib

import pymupdf
import pytest
import seed_overlap
from repo_paths import REPO, SEEDS

from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir

CATALOG = load_manifest(bundled_dir() / MANIFEST_NAME)
RESOURCES = {r.id: r for r in CATALOG.resources}
SETUP = tomllib.loads((REPO / "resources" / "sources" / "collection.toml").read_text("utf-8"))
COUNCIL_URLS = {
    s["url"]
    for path in (REPO / "resources" / "directory").glob("*.toml")
    for s in tomllib.loads(path.read_text("utf-8"))["strategy"]
}


@pytest.mark.parametrize("rid", sorted(RESOURCES))
def test_file_matches_manifest(rid: str) -> None:
    resource = RESOURCES[rid]
    path = CATALOG.path_of(resource)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == resource.sha256
    with pymupdf.open(path) as doc:
        assert doc.page_count == resource.pages
        assert not doc.needs_pass
        if resource.media_type == "image/png":
            assert data.startswith(b"\x89PNG")
            assert not doc.is_pdf
        else:
            assert doc.is_pdf
            text = doc[0].get_text()
            assert resource.title.split(":")[0] in " ".join(text.split())


BRIEFINGS = sorted(
    r.id
    for r in CATALOG.resources
    if r.media_type == "application/pdf" and r.kind not in ("infographic", "strategy")
)


def is_brief(rid: str) -> bool:
    """A councillor's brief (``layout = "brief"``): one sheet, no contents list."""
    front = (REPO / "resources" / "sources" / f"{rid}.md").read_text("utf-8").split("+++")[1]
    return tomllib.loads(front).get("layout") == "brief"


@pytest.mark.parametrize("rid", BRIEFINGS)
def test_briefing_structure(rid: str) -> None:
    resource = RESOURCES[rid]
    allowed = set(SETUP["allowed_urls"]) | COUNCIL_URLS
    brief = is_brief(rid)
    with pymupdf.open(CATALOG.path_of(resource)) as doc:
        assert 1 <= doc.page_count <= 2 if brief else 3 <= doc.page_count <= 8
        toc = doc.get_toc()
        assert len([e for e in toc if e[0] == 1]) >= 4
        assert all(1 <= page <= doc.page_count for _, _, page in toc)
        cover = " ".join(doc[0].get_text().split())
        assert resource.label in cover
        # On the cover, or for a brief in its closing notice; a long address wraps.
        where = " ".join(doc[-1].get_text().split()) if brief else cover
        assert resource.source_url in where.replace(" ", "")
        internal, external, app = 0, set(), set()
        for page in doc:
            assert f"Page {page.number + 1} of {doc.page_count}" in page.get_text()
            for link in page.get_links():
                if link["kind"] == pymupdf.LINK_GOTO:
                    internal += 1
                    assert 0 <= link["page"] < doc.page_count
                    # The viewer scrolls to "to", read top-down: a heading starts there.
                    headings = {t for _, t, p in toc if p == link["page"] + 1}
                    there = [
                        " ".join(b[4].split())
                        for b in doc[link["page"]].get_text("blocks")
                        if abs(b[1] - link["to"].y) < 20
                    ]
                    assert any(t.startswith(tuple(headings)) for t in there), (link, there)
                elif link["uri"].startswith("resource-reader://"):
                    app.add(link["uri"])
                else:
                    assert link["kind"] == pymupdf.LINK_URI
                    external.add(link["uri"])
        assert internal >= (0 if brief else 3)  # the contents list
        assert external and external <= allowed
        assert all(
            u.startswith(("resource-reader://open?", "resource-reader://directory")) for u in app
        )
        assert "About this item" in doc[-1].get_text()
        assert resource.label in " ".join(doc[-1].get_text().split())


def test_infographic_text_and_alt_text() -> None:
    infographics = [r for r in CATALOG.resources if r.kind == "infographic"]
    for r in infographics:
        assert r.alt_text and r.transcript
        with pymupdf.open(CATALOG.path_of(r)) as doc:
            if doc.is_pdf:
                text = " ".join(doc[0].get_text().split())
                assert r.title in text
                assert "written for Resource Reader" in text


def test_sources_rebuild_to_the_committed_files() -> None:
    """Needs the [build] extra (WeasyPrint); the files must have been built with the same
    versions, or the bytes differ for reasons that are not a stale source."""
    pytest.importorskip("weasyprint")
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import build_collection
    finally:
        sys.path.remove(str(REPO / "packaging"))
    manifest = tomllib.loads((bundled_dir() / MANIFEST_NAME).read_text("utf-8"))
    built_with = build_collection.built_with()
    if manifest["built_with"] != built_with:
        pytest.skip(f"files were built with {manifest['built_with']}, this is {built_with}")
    assert build_collection.check() == []


SOURCES = REPO / "resources" / "sources"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside this checkout")
def test_no_sentence_copies_or_closely_paraphrases_the_originals() -> None:
    originals, facts = seed_overlap.seed_sentences(SEEDS), seed_overlap.load_facts(SEEDS)
    files = [p for p in sorted(SOURCES.glob("*")) if p.suffix in (".md", ".toml")]
    close = []
    for path in files:
        if path.name == "FORMAT.md":  # notes for editors, not shipped
            continue
        for sentence in seed_overlap.source_sentences(path):
            for seed, found in seed_overlap.too_close(sentence, originals, facts):
                close.append(f"{path.name}: {sentence!r} ~ {seed!r} ({found})")
    assert close == [], "\n".join(close)
