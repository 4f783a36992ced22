"""The bundled collection as the catalog sees it, and the catalog's filters."""

from collections import Counter

import pytest

from reader_app.catalog import KINDS, Catalog
from reader_app.manifest import load_manifest
from reader_app.paths import MANIFEST_NAME, bundled_dir


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_manifest(bundled_dir() / MANIFEST_NAME)


def test_four_pillars(catalog: Catalog) -> None:
    assert [p.id for p in catalog.pillars] == ["reset", "reform", "renew", "resilient"]
    for pillar in catalog.pillars:
        assert pillar.definition and pillar.description and len(pillar.keywords) >= 10


def test_both_collections_present_and_used(catalog: Catalog) -> None:
    titles = {c.title for c in catalog.collections}
    assert titles == {
        "Reset. Reform. Renew. Resilient.",
        "Resilience and regeneration",
        "Council strategies",
    }
    used = Counter(r.collection for r in catalog.resources)
    assert all(used[c.id] >= 4 for c in catalog.collections)


def test_collection_size_and_shape(catalog: Catalog) -> None:
    kinds = Counter(r.kind for r in catalog.resources)
    assert kinds["briefing"] >= 14
    assert kinds["infographic"] >= 4
    assert set(kinds) <= set(KINDS)
    assert sum(r.pages for r in catalog.resources) >= 70
    infographics = [r for r in catalog.resources if r.kind == "infographic"]
    assert any(r.media_type == "image/png" and r.alt_text for r in infographics)
    assert any(r.media_type == "application/pdf" and r.pages == 1 for r in infographics)


def test_every_pillar_is_main_pillar_of_three(catalog: Catalog) -> None:
    main = Counter(r.main_pillar for r in catalog.resources)
    for pillar in catalog.pillars:
        assert main[pillar.id] >= 3, pillar.id


def test_every_item_is_labelled_and_linked(catalog: Catalog) -> None:
    for r in catalog.resources:
        assert "written for Resource Reader" in r.label
        assert r.summary
        if r.kind == "strategy":
            assert r.label.endswith(f"from {r.council}'s public page; not the council's document")
            assert r.source_url.startswith(("https://", "http://"))
        else:
            assert r.label.endswith(("; not the original", "; not a Socitm publication"))
            assert r.source_url.startswith("https://socitm.net/")


@pytest.mark.parametrize("pillar", ["reset", "reform", "renew", "resilient"])
def test_filter_by_pillar(catalog: Catalog, pillar: str) -> None:
    found = catalog.filter(pillar=pillar)
    assert found and all(pillar in r.pillars for r in found)
    assert {r.id for r in found} == {r.id for r in catalog.resources if pillar in r.pillars}


def test_filters_combine(catalog: Catalog) -> None:
    found = catalog.filter(kind="infographic", collection="4rs-2021", year=2021)
    assert found
    assert all(
        r.kind == "infographic" and r.collection == "4rs-2021" and r.year == 2021 for r in found
    )
    assert catalog.filter(kind="infographic", ids=[]) == []
    some = catalog.resources[0]
    assert catalog.filter(ids=[some.id]) == [some]


def test_lookup(catalog: Catalog) -> None:
    first = catalog.resources[0]
    assert catalog.get(first.id) is first
    assert catalog.get("no-such-thing") is None
    assert catalog.path_of(first).is_file()
    assert catalog.pillar("renew").name == "Renew"
    assert catalog.years() == sorted({r.year for r in catalog.resources if r.year is not None})
